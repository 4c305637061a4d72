package memory_test

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// TestListMatchesRedis sends the same random list commands to rk and to
// Redis 7.4 and compares every reply, OBJECT ENCODING included, under
// several list-max-listpack-size settings, so that
// the quicklist's node rules (when a list converts, and back) match.
func TestListMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(7, 8))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	key := func() string { return pick("l1", "l2", "l3", "l1", "l2", "l3", "s") }
	elem := func() string {
		switch rnd.IntN(10) {
		case 0:
			return strings.Repeat("x", rnd.IntN(9000))
		case 1:
			return strconv.Itoa(rnd.IntN(200000) - 100000)
		case 2:
			return strings.Repeat("y", 60+rnd.IntN(80))
		case 3:
			return pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "007", "")
		}
		return pick("a", "b", "c", "d", "1", "2")
	}
	idx := func() string { return strconv.Itoa(rnd.IntN(14) - 7) }
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	add("SET", "s", "string")
	for _, fill := range []string{"-2", "3", "-1", "1", "5", "0", "-6", "128"} {
		add("CONFIG", "SET", "list-max-listpack-size", fill)
		for i := 0; i < 1000; i++ {
			k := key()
			switch rnd.IntN(24) {
			case 0, 1, 2:
				args := []string{pick("LPUSH", "RPUSH"), k}
				for n := 1 + rnd.IntN(4); n > 0; n-- {
					args = append(args, elem())
				}
				add(args...)
			case 3:
				add(pick("LPUSHX", "RPUSHX"), k, elem())
			case 4, 5:
				args := []string{pick("LPOP", "RPOP"), k}
				if rnd.IntN(2) == 0 {
					args = append(args, pick("0", "1", "2", "5", "-1", "x"))
				}
				add(args...)
			case 6:
				add("LLEN", k)
			case 7:
				add("LINDEX", k, idx())
			case 8:
				add("LSET", k, idx(), elem())
			case 9:
				add("LRANGE", k, idx(), idx())
			case 10:
				add("LTRIM", k, idx(), idx())
			case 11:
				add("LREM", k, pick("0", "1", "-1", "2", "-2"), elem())
			case 12:
				add("LINSERT", k, pick("BEFORE", "AFTER", "middle"), elem(), elem())
			case 13:
				args := []string{"LPOS", k, elem()}
				for n := rnd.IntN(3); n > 0; n-- {
					args = append(args, pick("RANK", "COUNT", "MAXLEN"), pick("0", "1", "-1", "2", "-2", "3"))
				}
				add(args...)
			case 14:
				add("LMOVE", k, key(), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT", "UP"))
			case 15:
				add("RPOPLPUSH", k, key())
			case 16:
				add("LMPOP", pick("1", "2", "0"), k, key(), pick("LEFT", "RIGHT"), "COUNT", pick("1", "3", "0"))
			case 17, 18, 19:
				add("OBJECT", "ENCODING", k)
			case 20:
				add("LRANGE", k, "0", "-1")
			case 21:
				add(pick("BLPOP", "BRPOP"), k, key(), "0.01")
			case 22:
				add("BLMOVE", k, key(), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT"), "0.01")
			case 23:
				add("BLMPOP", "0.01", "2", k, key(), pick("LEFT", "RIGHT"), "COUNT", pick("1", "4"))
			}
		}
		add("DEL", "l1", "l2", "l3")
	}
	add("CONFIG", "SET", "list-max-listpack-size", "-2")
	errs, quick := 0, 0
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %.300v\n  redis %.300v", args, got, want)
		}
		if want.IsError() {
			errs++
		}
		if want.Str == "quicklist" {
			quick++
		}
	}
	t.Logf("%d commands, %d of them answered with an error; %d quicklists seen", len(cmds), errs, quick)
}

func TestListBasics(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(3), "RPUSH", "l", "a", "b", "c")
	c.Must(resp.Int(5), "LPUSH", "l", "y", "x")
	c.Must(resp.BulkStrings("x", "y", "a", "b", "c"), "LRANGE", "l", "0", "-1")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "l")
	c.Must(resp.Bulk("c"), "LINDEX", "l", "-1")
	c.Must(resp.NullBulk(), "LINDEX", "l", "5")
	c.MustOK("LSET", "l", "1", "Y")
	c.MustErr("ERR index out of range", "LSET", "l", "9", "z")
	c.MustErr("ERR no such key", "LSET", "nokey", "0", "z")
	c.Must(resp.Int(6), "LINSERT", "l", "AFTER", "a", "a2")
	c.Must(resp.Int(-1), "LINSERT", "l", "BEFORE", "nope", "z")
	c.Must(resp.Int(1), "LREM", "l", "0", "a2")
	c.Must(resp.Int(2), "LPOS", "l", "a")
	c.Must(resp.BulkStrings("x", "Y"), "LPOP", "l", "2")
	c.Must(resp.BulkStrings("c", "b"), "RPOP", "l", "2")
	c.Must(resp.Bulk("a"), "RPOP", "l")
	c.Must(resp.Int(0), "EXISTS", "l")
	c.Must(resp.NullArray(), "LPOP", "l", "1")
	c.Must(resp.NullBulk(), "LPOP", "l")
	c.MustErr("ERR wrong number of arguments for 'lpop' command", "LPOP", "l", "1", "1")
	c.MustOK("SET", "s", "v")
	c.MustErr("WRONGTYPE Operation against a key holding the wrong kind of value", "LPUSH", "s", "a")
	c.Must(resp.Int(0), "LPUSHX", "nokey", "a")

	// RESP3 nulls.
	c.Do("HELLO", "3")
	c.Must(resp.Null(), "LPOP", "nokey")
	c.Must(resp.Null(), "LPOP", "nokey", "2")
	c.Must(resp.Null(), "BLPOP", "nokey", "0.01")
}

func TestListEncodingConversion(t *testing.T) {
	_, c := newServer(t, map[string]string{"list-max-listpack-size": "3"})
	c.Must(resp.Int(3), "RPUSH", "l", "a", "b", "c")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "l")
	c.Must(resp.Int(4), "RPUSH", "l", "d")
	c.Must(resp.Bulk("quicklist"), "OBJECT", "ENCODING", "l")
	c.Must(resp.BulkStrings("d", "c", "b"), "RPOP", "l", "3")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "l")

	c.MustOK("CONFIG", "SET", "list-max-listpack-size", "-2")
	big := strings.Repeat("x", 9000)
	c.Must(resp.Int(2), "RPUSH", "m", "a", big)
	c.Must(resp.Bulk("quicklist"), "OBJECT", "ENCODING", "m")
	c.Must(resp.Bulk(big), "RPOP", "m")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "m")
}

// TestListLarge checks a list of many elements across many nodes: pushes
// and pops at both ends, indexing and ranges.
func TestListLarge(t *testing.T) {
	_, c := newServer(t, nil)
	const n = 20000
	for i := 0; i < n; i += 500 {
		args := []string{"RPUSH", "l"}
		for j := i; j < i+500; j++ {
			args = append(args, strconv.Itoa(j))
		}
		c.Do(args...)
	}
	c.Must(resp.Int(n), "LLEN", "l")
	c.Must(resp.Bulk("quicklist"), "OBJECT", "ENCODING", "l")
	for _, i := range []int{0, 1, 4999, 10000, n - 1} {
		c.Must(resp.Bulk(strconv.Itoa(i)), "LINDEX", "l", strconv.Itoa(i))
		c.Must(resp.Bulk(strconv.Itoa(i)), "LINDEX", "l", strconv.Itoa(i-n))
	}
	c.Must(resp.BulkStrings("9998", "9999", "10000"), "LRANGE", "l", "9998", "10000")
	c.Must(resp.Int(1), "LREM", "l", "-1", "12345")
	c.Must(resp.Int(12345), "LPOS", "l", "12346")
	c.MustOK("LTRIM", "l", "100", "-101")
	c.Must(resp.Int(n-201), "LLEN", "l")
	c.Must(resp.Bulk("100"), "LPOP", "l")
	c.Must(resp.Bulk(strconv.Itoa(n-101)), "RPOP", "l")
}
