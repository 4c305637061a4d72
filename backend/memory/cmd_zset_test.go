package memory_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// TestZsetMatchesRedis sends the same random sorted set commands to rk and
// to a reference Redis 7.4 (live or its recorded transcript) and compares
// the replies, in RESP2 and RESP3, across both encodings.
func TestZsetMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(11, 12))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	long := strings.Repeat("L", 70)
	key := func() string { return pick("z1", "z2", "z3", "z1", "z2", "s1", "str", "none") }
	// Lexicographic ranges are only defined on sets whose scores are all
	// equal; elsewhere Redis's answers depend on its skiplist's random
	// levels. They go to lexKey, which only ever gets score 0.
	lexKey := func() string { return pick("zl", "zl", "zl", "lexstr", "lexnone") }
	real.Do("SET", "lexstr", "v")
	rk.Do("SET", "lexstr", "v")
	member := func() string {
		if rnd.IntN(20) == 0 {
			return pick(long, "", "-0", "10", "a\x00b")
		}
		return pick("a", "b", "c", "d", "e", "f", "g", "h", "1", "2", "100", "x")
	}
	score := func() string {
		if rnd.IntN(3) == 0 {
			return strconv.Itoa(rnd.IntN(10) - 3)
		}
		return pick("1", "2", "1.5", "-0", "0", "inf", "-inf", "+inf", "0.1", "1e300", "3.0000000000000004",
			"0x10", " 1", "1e400", "nan", "x", "", "1e-400", "4.9e-324", "100000000000000000", "-2.5")
	}
	rangeEnd := func() string {
		return pick("-inf", "+inf", "inf", "0", "1", "(1", "2", "(2", "1.5", "-1", "(-inf", "x", "", "(", " 2", "nan", "5", "(5")
	}
	lexEnd := func() string {
		return pick("-", "+", "[a", "(a", "[c", "(c", "[e", "[h", "(h", "[", "(", "a", "+x", "[1", "(100")
	}
	rank := func() string { return pick("0", "1", "2", "-1", "-2", "-100", "100", "3", "x") }
	opts := func(words ...string) []string {
		var out []string
		for n := rnd.IntN(4); n > 0; n-- {
			out = append(out, pick(words...))
		}
		return out
	}
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	for i := 0; i < 6000; i++ {
		k, k2 := key(), key()
		switch rnd.IntN(40) {
		case 0, 1, 2, 3:
			args := append([]string{"ZADD", k}, opts("NX", "XX", "GT", "LT", "CH", "INCR", "nx", "ch")...)
			for n := rnd.IntN(4) + 1; n > 0; n-- {
				args = append(args, score(), member())
			}
			if rnd.IntN(15) == 0 {
				args = args[:len(args)-1]
			}
			add(args...)
		case 4:
			add("ZINCRBY", k, score(), member())
		case 5:
			add("ZREM", k, member(), member())
		case 6:
			add(pick("ZCARD", "TYPE", "EXISTS"), k)
		case 7:
			add("ZSCORE", k, member())
		case 8:
			add("ZMSCORE", k, member(), member())
		case 9:
			add(append([]string{pick("ZRANK", "ZREVRANK"), k, member()}, opts("WITHSCORE", "withscore", "x")...)...)
		case 10:
			add("ZCOUNT", k, rangeEnd(), rangeEnd())
		case 11:
			if rnd.IntN(2) == 0 {
				add("ZLEXCOUNT", lexKey(), lexEnd(), lexEnd())
			} else {
				add("ZADD", "zl", "0", member(), "0", member())
			}
		case 12, 13:
			add(append([]string{"ZRANGE", k, rank(), rank()}, opts("WITHSCORES", "REV", "LIMIT", "0", "1", "-1")...)...)
		case 14, 15:
			args := []string{"ZRANGE", k, rangeEnd(), rangeEnd(), "BYSCORE"}
			if rnd.IntN(2) == 0 {
				args = []string{"ZRANGE", lexKey(), lexEnd(), lexEnd(), "BYLEX"}
			}
			args = append(args, opts("REV", "WITHSCORES", "BYSCORE")...)
			if rnd.IntN(2) == 0 {
				args = append(args, "LIMIT", pick("0", "1", "2", "-1", "-2", "10", "x"), pick("1", "2", "0", "-1", "5"))
			}
			add(args...)
		case 16:
			add(append([]string{pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), k, rangeEnd(), rangeEnd()}, opts("WITHSCORES", "LIMIT", "1", "-1", "0")...)...)
		case 17:
			add(append([]string{pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), lexKey(), lexEnd(), lexEnd()}, opts("LIMIT", "1", "-1", "0", "WITHSCORES")...)...)
		case 18:
			add(append([]string{"ZREVRANGE", k, rank(), rank()}, opts("WITHSCORES", "LIMIT", "REV")...)...)
		case 19:
			args := []string{"ZRANGESTORE", k2, k, rank(), rank()}
			switch rnd.IntN(3) {
			case 0:
				args = []string{"ZRANGESTORE", k2, k, rangeEnd(), rangeEnd(), "BYSCORE"}
			case 1:
				args = []string{"ZRANGESTORE", k2, lexKey(), lexEnd(), lexEnd(), "BYLEX"}
			}
			add(append(args, opts("REV", "LIMIT", "0", "2", "WITHSCORES")...)...)
		case 20:
			add("ZREMRANGEBYRANK", k, rank(), rank())
		case 21:
			add("ZREMRANGEBYSCORE", k, rangeEnd(), rangeEnd())
		case 22:
			add("ZREMRANGEBYLEX", lexKey(), lexEnd(), lexEnd())
		case 23:
			add(append([]string{pick("ZPOPMIN", "ZPOPMAX"), k}, opts("0", "1", "2", "-1", "x", "10")...)...)
		case 24:
			args := []string{"ZMPOP", pick("1", "2", "0", "-1", "x", "3"), k, k2, pick("MIN", "MAX", "min", "mid")}
			add(append(args, opts("COUNT", "2", "0", "-1", "10")...)...)
		case 25:
			add(append([]string{pick("BZPOPMIN", "BZPOPMAX"), k, k2}, pick("0.01", "x", "-1", "0.001"))...)
		case 26:
			args := []string{"BZMPOP", pick("0.01", "x", "-1"), pick("1", "2", "0"), k, k2, pick("MIN", "MAX", "x")}
			add(append(args, opts("COUNT", "2", "0")...)...)
		case 27, 28:
			op := pick("ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE")
			args := []string{op}
			if strings.HasSuffix(op, "STORE") {
				args = append(args, pick("z3", "dst", "str"))
			}
			n := pick("1", "2", "3", "0", "-1", "x", "5")
			args = append(args, n, k, k2, key())
			if n == "1" || n == "2" {
				args = args[:len(args)-(3-int(n[0]-'0'))]
			}
			args = append(args, opts("WEIGHTS", "2", "0.5", "-1", "inf", "x", "AGGREGATE", "SUM", "MIN", "MAX", "WITHSCORES", "LIMIT", "1", "0")...)
			add(args...)
		case 29:
			add("SADD", "s1", member(), member())
		case 30:
			add("OBJECT", "ENCODING", k)
		case 31:
			add("CONFIG", "SET", pick("zset-max-listpack-entries", "zset-max-ziplist-entries", "zset-max-listpack-value"), pick("0", "1", "2", "4", "128", "64"))
		case 32:
			add("HELLO", pick("2", "3"))
		case 33:
			// Whole scans only: a skiplist's steps follow its hash table.
			add(append([]string{"ZSCAN", k, pick("0", "0", "x", "-1"), "COUNT", "1000"}, opts("MATCH", "[a-c]", "*", "NOVALUES", "COUNT", "0")...)...)
		case 34:
			args := []string{"ZRANDMEMBER", k}
			if rnd.IntN(3) > 0 {
				args = append(args, pick("0", "1", "3", "-3", "100", "-9223372036854775808", "x", "9223372036854775807"))
				args = append(args, opts("WITHSCORES", "x")...)
			}
			add(args...)
		case 35:
			add("SET", "str", "v")
		case 36:
			add("DEL", k)
		case 37:
			add("COPY", k, k2, "REPLACE")
		case 38:
			add(pick("ZADD", "ZINCRBY", "ZRANGE", "ZSCAN", "ZMPOP", "ZUNION"), k)
		case 39:
			add("ZRANGE", k, "0", "-1", "WITHSCORES")
		}
	}
	errs := 0
	for ci, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		if !want.IsError() && !got.IsError() {
			switch strings.ToUpper(args[0]) {
			case "HELLO":
				continue // server facts differ
			case "ZRANDMEMBER":
				if len(args) > 2 && len(got.Elems) != len(want.Elems) {
					t.Errorf("%q: rk %d elements, redis %d", args, len(got.Elems), len(want.Elems))
				}
				if len(args) == 2 && got.IsNull() != want.IsNull() {
					t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
				}
				continue
			case "ZSCAN":
				// A skiplist's scan order is its hash table's.
				sortScanPairs(got)
				sortScanPairs(want)
			}
		}
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
			if ci > 0 && len(args) > 1 {
				t.Fatalf("after %q\nrk %v %v\nredis %v %v", cmds[max(ci-3, 0):ci],
					rk.Do("OBJECT", "ENCODING", args[1]), rk.Do("ZRANGE", args[1], "0", "-1", "WITHSCORES"),
					real.Do("OBJECT", "ENCODING", args[1]), real.Do("ZRANGE", args[1], "0", "-1", "WITHSCORES"))
			}
		}
		if want.IsError() {
			errs++
		}
	}
	for _, field := range []string{"keyspace_hits", "keyspace_misses"} {
		if g, w := infoField(t, rk, "stats", field), infoField(t, real, "stats", field); g != w {
			t.Errorf("INFO %s: rk %s, redis %s", field, g, w)
		}
	}
	t.Logf("%d commands, %d of them answered with an error", len(cmds), errs)
}

// sortScanPairs sorts a ZSCAN reply's member-score pairs by member.
func sortScanPairs(v resp.Value) {
	if v.Kind != resp.KindArray || len(v.Elems) != 2 {
		return
	}
	items := v.Elems[1].Elems
	type pair struct{ m, s resp.Value }
	var ps []pair
	for i := 0; i+1 < len(items); i += 2 {
		ps = append(ps, pair{items[i], items[i+1]})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].m.Str < ps[j].m.Str })
	for i, p := range ps {
		items[2*i], items[2*i+1] = p.m, p.s
	}
}

func TestZsetEncodingConversions(t *testing.T) {
	_, c := newServer(t, nil)
	enc := func(key, want string) {
		t.Helper()
		c.Must(resp.Bulk(want), "OBJECT", "ENCODING", key)
	}
	c.Must(resp.Int(2), "ZADD", "z", "1", "a", "2", "b")
	enc("z", "listpack")
	c.Must(resp.Int(1), "ZADD", "z", "3", strings.Repeat("x", 65))
	enc("z", "skiplist")
	c.Must(resp.Int(1), "ZREM", "z", strings.Repeat("x", 65))
	enc("z", "skiplist") // never back by itself

	// A new key starts as a skiplist when its first member is too long,
	// or when ZADD brings more members than a listpack holds.
	c.Must(resp.Int(1), "ZADD", "long", "1", strings.Repeat("y", 65))
	enc("long", "skiplist")
	c.MustOK("CONFIG", "SET", "zset-max-listpack-entries", "2")
	c.Must(resp.Int(2), "ZADD", "many", "1", "a", "2", "b", "2", "b")
	enc("many", "skiplist")
	c.Must(resp.Int(2), "ZADD", "two", "1", "a", "2", "b")
	enc("two", "listpack")
	c.Must(resp.Int(0), "ZADD", "two", "XX", "1", "a", "2", "b", "3", "c")
	enc("two", "skiplist") // converted ahead of the pairs, even for nothing

	// Store commands convert small results back to a listpack.
	c.Must(resp.Int(2), "ZUNIONSTORE", "u", "1", "many")
	enc("u", "listpack")
	c.Must(resp.Int(2), "ZRANGESTORE", "r", "many", "0", "-1")
	enc("r", "listpack")
	c.Must(resp.Int(2), "ZRANGESTORE", "r", "z", "0", "1")
	enc("r", "listpack")
	c.MustOK("CONFIG", "SET", "zset-max-listpack-entries", "1")
	c.Must(resp.Int(2), "ZRANGESTORE", "r", "z", "0", "1")
	enc("r", "skiplist")
	c.Must(resp.Int(2), "ZRANGESTORE", "r", "z", "-inf", "+inf", "BYSCORE")
	enc("r", "skiplist")

	// COPY keeps the encoding.
	c.Must(resp.Int(1), "COPY", "two", "two2")
	enc("two2", "skiplist")
	c.Must(resp.Int(1), "COPY", "r", "r2")
	c.Must(resp.BulkStrings("a", "b"), "ZRANGE", "r2", "0", "-1")
}

// TestZsetNegativeZero: a listpack stores integral scores as integers, so
// -0 comes back as 0 there but keeps its sign in a skiplist.
func TestZsetNegativeZero(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(1), "ZADD", "lp", "-0", "a")
	c.Must(resp.Bulk("0"), "ZSCORE", "lp", "a")
	c.MustOK("CONFIG", "SET", "zset-max-listpack-entries", "0")
	c.Must(resp.Int(1), "ZADD", "sl", "-0", "a")
	c.Must(resp.Bulk("-0"), "ZSCORE", "sl", "a")
	c.Must(resp.Bulk("-0"), "ZADD", "new", "INCR", "-0", "a")
}

// TestZsetDigestIgnoresEncoding: equal contents digest equally whatever
// their encoding and history.
func TestZsetDigestIgnoresEncoding(t *testing.T) {
	_, c := newServer(t, map[string]string{"enable-debug-command": "yes"})
	args := []string{"ZADD", "lp"}
	for i := 0; i < 50; i++ {
		args = append(args, strconv.Itoa(i%7), fmt.Sprint("m", i))
	}
	c.Do(args...)
	c.MustOK("CONFIG", "SET", "zset-max-listpack-entries", "0")
	args[1] = "sl"
	c.Do(args...)
	c.Must(resp.Bulk("skiplist"), "OBJECT", "ENCODING", "sl")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "lp")
	a, b := c.Do("DEBUG", "DIGEST-VALUE", "lp"), c.Do("DEBUG", "DIGEST-VALUE", "sl")
	if !rktest.Equal(a, b) {
		t.Errorf("digests differ: listpack %v, skiplist %v", a, b)
	}
	c.Do("ZADD", "sl", "100", "extra")
	c.Do("ZREM", "sl", "extra")
	if b := c.Do("DEBUG", "DIGEST-VALUE", "sl"); !rktest.Equal(a, b) {
		t.Errorf("digest changed after add and remove: %v, %v", a, b)
	}
}

func TestZsetBlockingPop(t *testing.T) {
	_, c := newServer(t, nil)
	addr := c.Raw().RemoteAddr().String()
	blocked := rktest.Dial(t, addr)
	blocked.Send("BZPOPMIN", "z1", "z2", "0")
	zsWaitBlocked(t, c, 1)
	c.Must(resp.Int(1), "ZADD", "z2", "3", "c")
	got := blocked.Read()
	if want := resp.BulkStrings("z2", "c", "3"); !rktest.Equal(got, want) {
		t.Errorf("BZPOPMIN = %v, want %v", got, want)
	}
	c.Must(resp.Int(0), "EXISTS", "z2")

	blocked.Send("BZMPOP", "0", "1", "z1", "MAX", "COUNT", "5")
	zsWaitBlocked(t, c, 1)
	c.Must(resp.Int(2), "ZADD", "z1", "1", "a", "2", "b")
	got = blocked.Read()
	want := resp.Array(resp.Bulk("z1"), resp.Array(resp.BulkStrings("b", "2"), resp.BulkStrings("a", "1")))
	if !rktest.Equal(got, want) {
		t.Errorf("BZMPOP = %v, want %v", got, want)
	}

	// A timeout answers a null array.
	start := time.Now()
	blocked.Must(resp.NullArray(), "BZPOPMAX", "nokey", "0.05")
	if time.Since(start) < 40*time.Millisecond {
		t.Error("BZPOPMAX returned before its timeout")
	}
	// Inside MULTI it never blocks.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "BZPOPMIN", "nokey", "0")
	c.Must(resp.Array(resp.NullArray()), "EXEC")
	c.MustOK("SET", "str", "x")
	c.MustErr("WRONGTYPE Operation against a key holding the wrong kind of value", "BZPOPMIN", "str", "0")
}

// zsWaitBlocked waits until INFO reports n blocked clients.
func zsWaitBlocked(t *testing.T, c *rktest.Conn, n int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if infoField(t, c, "clients", "blocked_clients") == strconv.Itoa(n) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never saw %d blocked clients", n)
}

// TestZsetLargeSetOperations exercises the skiplist form at a size where
// rank and range operations must not be linear.
func TestZsetLargeSetOperations(t *testing.T) {
	_, c := newServer(t, nil)
	const n = 20000
	args := []string{"ZADD", "big"}
	for i := 0; i < n; i++ {
		args = append(args, strconv.Itoa(i), fmt.Sprintf("m%06d", i))
	}
	c.Must(resp.Int(n), args...)
	c.Must(resp.Bulk("skiplist"), "OBJECT", "ENCODING", "big")
	c.Must(resp.Int(12345), "ZRANK", "big", "m012345")
	c.Must(resp.Int(n-1-12345), "ZREVRANK", "big", "m012345")
	c.Must(resp.BulkStrings("m010000", "m010001"), "ZRANGE", "big", "10000", "10001")
	c.Must(resp.Int(101), "ZCOUNT", "big", "100", "200")
	c.Must(resp.BulkStrings("m000150", "m000151"), "ZRANGE", "big", "100", "200", "BYSCORE", "LIMIT", "50", "2")
	c.Must(resp.BulkStrings("m000150", "m000149"), "ZRANGE", "big", "200", "100", "BYSCORE", "REV", "LIMIT", "50", "2")
	c.Must(resp.Int(1000), "ZREMRANGEBYRANK", "big", "1000", "1999")
	c.Must(resp.Int(1000), "ZRANK", "big", "m002000")
	c.Must(resp.Bulk("5"), "ZINCRBY", "big", "-2995", "m003000")
	c.Must(resp.Int(6), "ZRANK", "big", "m003000") // after m000005, its equal
	// A full scan returns every member once or more.
	seen := map[string]bool{}
	cursor := "0"
	for {
		v := c.Do("ZSCAN", "big", cursor, "COUNT", "100")
		cursor = v.Elems[0].Str
		for i := 0; i < len(v.Elems[1].Elems); i += 2 {
			seen[v.Elems[1].Elems[i].Str] = true
		}
		if cursor == "0" {
			break
		}
	}
	if len(seen) != n-1000 {
		t.Errorf("ZSCAN saw %d members, want %d", len(seen), n-1000)
	}
}
