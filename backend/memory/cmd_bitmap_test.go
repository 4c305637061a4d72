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

const (
	errBitOffset = "ERR bit offset is not an integer or out of range"
	errBitValue  = "ERR bit is not an integer or out of range"
	errBfType    = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
)

// bitDirty reads rdb_changes_since_last_save.
func bitDirty(t *testing.T, c *rktest.Conn) int64 {
	t.Helper()
	info := c.Do("INFO", "persistence").Str
	i := strings.Index(info, "rdb_changes_since_last_save:")
	if i < 0 {
		t.Fatal("no rdb_changes_since_last_save in INFO")
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.SplitN(info[i+len("rdb_changes_since_last_save:"):], "\r\n", 2)[0]), 10, 64)
	return n
}

func TestBitmapSetGetBit(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(0), "SETBIT", "k", "1", "1")
	c.Must(resp.Bulk("\x40"), "GET", "k")
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "k")
	c.Must(resp.Int(1), "GETBIT", "k", "1")
	c.Must(resp.Int(0), "GETBIT", "k", "0")
	c.Must(resp.Int(0), "GETBIT", "k", "100000")
	c.Must(resp.Int(0), "GETBIT", "nokey", "5")
	c.Must(resp.Int(0), "SETBIT", "k", "23", "1")
	c.Must(resp.Bulk("\x40\x00\x01"), "GET", "k")
	c.Must(resp.Int(1), "SETBIT", "k", "1", "0")
	c.Must(resp.Bulk("\x00\x00\x01"), "GET", "k")
	// An integer value is read and changed as its text.
	c.MustOK("SET", "n", "1")
	c.Must(resp.Int(1), "GETBIT", "n", "2")
	c.Must(resp.Int(0), "SETBIT", "n", "6", "1")
	c.Must(resp.Bulk("3"), "GET", "n")
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "n")
	// Even a SETBIT that changes nothing edits the value in place.
	c.MustOK("SET", "e", "hello")
	c.Must(resp.Int(0), "SETBIT", "e", "0", "0")
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "e")
	// The TTL stays.
	c.Must(resp.Int(1), "EXPIRE", "e", "100")
	c.Must(resp.Int(0), "SETBIT", "e", "100", "1")
	c.Must(resp.Int(100), "TTL", "e")

	c.MustErr(errBitOffset, "SETBIT", "k", "-1", "1")
	c.MustErr(errBitOffset, "SETBIT", "k", "x", "1")
	c.MustErr(errBitOffset, "SETBIT", "k", "4294967296", "1")
	c.MustErr(errBitOffset, "GETBIT", "k", "4294967296")
	c.MustErr(errBitOffset, "GETBIT", "k", "#1")
	for _, v := range []string{"2", "-1", "10", "x", ""} {
		c.MustErr(errBitValue, "SETBIT", "k", "0", v)
	}
	c.Do("SADD", "set", "a")
	c.MustErr(wrongType, "SETBIT", "set", "0", "1")
	c.MustErr(wrongType, "GETBIT", "set", "0")
	c.MustErr(errBitOffset, "GETBIT", "set", "-1") // arguments first
}

func TestBitmapDirty(t *testing.T) {
	_, c := newServer(t, nil)
	d0 := bitDirty(t, c)
	c.Do("SETBIT", "a", "0", "0")                // new key: a change
	c.Do("BITFIELD", "b", "SET", "i5", "0", "0") // likewise
	c.Do("SETBIT", "a", "0", "0")                // nothing changes
	c.Do("BITFIELD", "b", "SET", "i5", "0", "0")
	if d := bitDirty(t, c) - d0; d != 2 {
		t.Errorf("dirty +%d, want +2", d)
	}
	c.Do("SETBIT", "a", "0", "1")
	c.Do("SETBIT", "a", "0", "1")
	c.Do("BITFIELD", "b", "SET", "i5", "0", "1", "SET", "i5", "0", "1")
	c.Do("SETBIT", "a", "90", "0") // grows
	if d := bitDirty(t, c) - d0; d != 5 {
		t.Errorf("dirty +%d, want +5", d)
	}
}

func TestBitmapBitCount(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "s", "foobar")
	c.Must(resp.Int(26), "BITCOUNT", "s")
	c.Must(resp.Int(4), "BITCOUNT", "s", "0", "0")
	c.Must(resp.Int(6), "BITCOUNT", "s", "1", "1")
	c.Must(resp.Int(12), "BITCOUNT", "s", "1", "2")
	c.Must(resp.Int(26), "BITCOUNT", "s", "0", "-1")
	c.Must(resp.Int(26), "BITCOUNT", "s", "-100", "100")
	c.Must(resp.Int(0), "BITCOUNT", "s", "-1", "-2")
	c.Must(resp.Int(0), "BITCOUNT", "s", "4", "2")
	c.Must(resp.Int(17), "BITCOUNT", "s", "5", "30", "BIT")
	c.Must(resp.Int(1), "BITCOUNT", "s", "1", "1", "bit")
	c.Must(resp.Int(4), "BITCOUNT", "s", "0", "0", "BYTE")
	c.Must(resp.Int(0), "BITCOUNT", "s", "-6", "-15", "bit")
	c.Must(resp.Int(0), "BITCOUNT", "nokey")
	c.Must(resp.Int(0), "BITCOUNT", "nokey", "0", "10", "bit")
	c.MustOK("SET", "p", "__PPxxxxxxxxxxxxxxxxRR__")
	c.Must(resp.Int(74), "BITCOUNT", "p", "2", "-3")
	c.MustErr("ERR syntax error", "BITCOUNT", "s", "0")
	c.MustErr("ERR syntax error", "BITCOUNT", "s", "0", "1", "bits")
	c.MustErr("ERR syntax error", "BITCOUNT", "s", "0", "1", "bit", "x")
	c.MustErr("ERR syntax error", "BITCOUNT", "nokey", "0")
	c.MustErr("ERR value is not an integer or out of range", "BITCOUNT", "s", "a", "b")
	c.Do("SADD", "set", "a")
	c.MustErr(wrongType, "BITCOUNT", "set")
	c.MustErr(wrongType, "BITCOUNT", "set", "-6", "-7")
	c.MustErr("ERR value is not an integer or out of range", "BITCOUNT", "set", "a", "b")
}

func TestBitmapBitPos(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "s", "\xff\xf0\x00")
	c.Must(resp.Int(12), "BITPOS", "s", "0")
	c.Must(resp.Int(0), "BITPOS", "s", "1")
	c.Must(resp.Int(16), "BITPOS", "s", "0", "2")
	c.Must(resp.Int(-1), "BITPOS", "s", "1", "2")
	c.Must(resp.Int(-1), "BITPOS", "s", "1", "2", "-1")
	c.Must(resp.Int(12), "BITPOS", "s", "0", "0", "-1")
	c.Must(resp.Int(12), "BITPOS", "s", "0", "3", "-1", "BIT")
	c.Must(resp.Int(9), "BITPOS", "s", "1", "9", "-1", "bit")
	c.Must(resp.Int(-1), "BITPOS", "s", "1", "12", "-1", "bit")
	c.MustOK("SET", "f", "\xff\xff\xff")
	c.Must(resp.Int(24), "BITPOS", "f", "0")
	c.Must(resp.Int(24), "BITPOS", "f", "0", "0")
	c.Must(resp.Int(-1), "BITPOS", "f", "0", "0", "-1")
	c.Must(resp.Int(-1), "BITPOS", "f", "0", "0", "-1", "bit")
	c.Must(resp.Int(0), "BITPOS", "nokey", "0")
	c.Must(resp.Int(-1), "BITPOS", "nokey", "1")
	c.Must(resp.Int(-1), "BITPOS", "nokey", "1", "0", "-1", "bit")
	c.MustOK("SET", "z", "\x00\x00\x00")
	c.Must(resp.Int(-1), "BITPOS", "z", "1")
	c.MustOK("SET", "empty", "")
	c.Must(resp.Int(-1), "BITPOS", "empty", "0")
	// Long strings go through the word loop.
	long := strings.Repeat("\x00", 37) + "\x01" + strings.Repeat("\xff", 40)
	c.MustOK("SET", "long", long)
	c.Must(resp.Int(37*8+7), "BITPOS", "long", "1")
	c.Must(resp.Int(0), "BITPOS", "long", "0")
	c.Must(resp.Int(78*8), "BITPOS", "long", "0", "38")
	c.Must(resp.Int(-1), "BITPOS", "long", "0", "38", "77")

	c.MustErr("ERR The bit argument must be 1 or 0.", "BITPOS", "s", "2")
	c.MustErr("ERR value is not an integer or out of range", "BITPOS", "s", "x")
	c.MustErr("ERR value is not an integer or out of range", "BITPOS", "s", "1", "x")
	c.MustErr("ERR value is not an integer or out of range", "BITPOS", "s", "1", "0", "x")
	c.MustErr("ERR syntax error", "BITPOS", "s", "1", "0", "1", "bits")
	c.MustErr("ERR syntax error", "BITPOS", "s", "1", "0", "x", "bits") // the unit before the end
	c.MustErr("ERR syntax error", "BITPOS", "s", "1", "0", "1", "bit", "x")
	c.Do("SADD", "set", "a")
	c.MustErr(wrongType, "BITPOS", "set", "0")
}

func TestBitmapBitOp(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "a", "\xff\x0f\xaa")
	c.MustOK("SET", "b", "\x0f\xff")
	c.Must(resp.Int(3), "BITOP", "AND", "d", "a", "b")
	c.Must(resp.Bulk("\x0f\x0f\x00"), "GET", "d")
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "d")
	c.Must(resp.Int(3), "BITOP", "or", "d", "a", "b", "nokey")
	c.Must(resp.Bulk("\xff\xff\xaa"), "GET", "d")
	c.Must(resp.Int(3), "BITOP", "XOR", "d", "a", "b")
	c.Must(resp.Bulk("\xf0\xf0\xaa"), "GET", "d")
	c.Must(resp.Int(3), "BITOP", "NOT", "d", "a")
	c.Must(resp.Bulk("\x00\xf0\x55"), "GET", "d")
	c.Must(resp.Int(3), "BITOP", "NOT", "a", "a")
	c.Must(resp.Bulk("\x00\xf0\x55"), "GET", "a")
	// Long inputs, mixed lengths.
	x := strings.Repeat("\x5a", 100)
	y := strings.Repeat("\xf0", 61)
	c.MustOK("SET", "x", x)
	c.MustOK("SET", "y", y)
	c.Must(resp.Int(100), "BITOP", "AND", "d", "x", "y")
	c.Must(resp.Bulk(strings.Repeat("\x50", 61)+strings.Repeat("\x00", 39)), "GET", "d")
	c.Must(resp.Int(100), "BITOP", "XOR", "d", "y", "x")
	c.Must(resp.Bulk(strings.Repeat("\xaa", 61)+strings.Repeat("\x5a", 39)), "GET", "d")
	// An integer value is its text.
	c.MustOK("SET", "n", "1")
	c.Must(resp.Int(1), "BITOP", "OR", "d", "n")
	c.Must(resp.Bulk("1"), "GET", "d")
	// The result replaces the value and its TTL; an empty one deletes.
	c.Must(resp.Int(1), "EXPIRE", "d", "100")
	c.Must(resp.Int(1), "BITOP", "OR", "d", "n")
	c.Must(resp.Int(-1), "TTL", "d")
	c.MustOK("SET", "e", "")
	c.Must(resp.Int(0), "BITOP", "OR", "d", "e", "nokey")
	c.Must(resp.Int(0), "EXISTS", "d")

	c.MustErr("ERR syntax error", "BITOP", "NAND", "d", "a")
	c.MustErr("ERR BITOP NOT must be called with a single source key.", "BITOP", "NOT", "d", "a", "b")
	c.Do("SADD", "set", "a")
	c.MustErr(wrongType, "BITOP", "AND", "d", "a", "set")
	c.MustErr("ERR wrong number of arguments for 'bitop' command", "BITOP", "AND", "d")
}

func TestBitmapBitField(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Array(resp.Int(0), resp.Int(-100)), "BITFIELD", "k", "SET", "i8", "0", "-100", "GET", "i8", "0")
	c.Must(resp.Array(resp.Int(156)), "BITFIELD", "k", "GET", "u8", "0")
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "k")
	c.Must(resp.Array(), "BITFIELD", "k")
	c.Must(resp.Array(), "BITFIELD", "nokey")
	c.Must(resp.Array(resp.Int(0)), "BITFIELD", "nokey", "GET", "i64", "1000")
	c.Must(resp.Int(0), "EXISTS", "nokey")
	// #n offsets count in units of the type's width.
	c.Do("DEL", "k")
	c.Must(resp.Array(resp.Int(0), resp.Int(0)), "BITFIELD", "k", "SET", "u8", "#0", "65", "SET", "u8", "#1", "66")
	c.Must(resp.Bulk("AB"), "GET", "k")
	c.Must(resp.Array(resp.Int(66)), "BITFIELD", "k", "GET", "u8", "#1")
	// Unaligned fields.
	c.Do("DEL", "k")
	c.Must(resp.Array(resp.Int(0)), "BITFIELD", "k", "SET", "u5", "7", "23")
	c.Must(resp.Bulk("\x01\x70"), "GET", "k")
	c.Must(resp.Array(resp.Int(23), resp.Int(-9)), "BITFIELD", "k", "GET", "u5", "7", "GET", "i5", "7")
	// Overflow handling.
	c.Do("DEL", "k")
	c.Must(resp.Array(resp.Int(0), resp.Int(255), resp.Int(0), resp.Int(1)),
		"BITFIELD", "k", "SET", "u8", "0", "255", "GET", "u8", "0", "INCRBY", "u8", "0", "1", "INCRBY", "u8", "0", "1")
	c.Must(resp.Array(resp.Int(255), resp.Int(255)), "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000", "INCRBY", "u8", "0", "1")
	c.Must(resp.Array(resp.NullBulk(), resp.Int(255)), "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "GET", "u8", "0")
	c.Must(resp.Array(resp.Int(0)), "BITFIELD", "k", "OVERFLOW", "sat", "INCRBY", "u8", "0", "-1000")
	c.Must(resp.Array(resp.Int(0), resp.Int(127)), "BITFIELD", "k", "OVERFLOW", "SAT", "SET", "i8", "0", "300", "GET", "i8", "0")
	c.Must(resp.Array(resp.Int(-128)), "BITFIELD", "k", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "1")
	c.Must(resp.Array(resp.Int(-128)), "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-1")
	c.Must(resp.Array(resp.NullBulk()), "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-1")
	c.Must(resp.Array(resp.Int(-9223372036854775808), resp.Int(9223372036854775807)),
		"BITFIELD", "k", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "0")
	c.Must(resp.Array(resp.Int(-9223372036854775808)), "BITFIELD", "k", "INCRBY", "i64", "0", "1")
	c.Must(resp.Array(resp.Int(-9223372036854775808)), "BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1")
	c.Must(resp.Array(resp.Int(-9223372036854775808), resp.Int(9223372036854775807)),
		"BITFIELD", "k", "SET", "i64", "0", "9223372036854775807", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "1")
	c.Do("DEL", "k")
	c.Must(resp.Array(resp.Int(0)), "BITFIELD", "k", "SET", "u63", "1", "0")
	c.Must(resp.Array(resp.Int(0), resp.Int(9223372036854775807)), "BITFIELD", "k", "SET", "u63", "1", "-1", "GET", "u63", "1")
	// BITFIELD_RO reads only.
	c.Must(resp.Array(resp.Int(1)), "BITFIELD_RO", "k", "GET", "u1", "1")
	c.Must(resp.Array(), "BITFIELD_RO", "k")
	c.MustErr("ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "k", "GET", "u1", "1", "SET", "u1", "1", "0")
	c.MustErr("ERR BITFIELD_RO only supports the GET subcommand", "BITFIELD_RO", "k", "INCRBY", "u1", "1", "0")

	for _, ty := range []string{"u64", "i65", "u0", "i0", "x8", "8", "", "i", "u-1", "I8"} {
		c.MustErr(errBfType, "BITFIELD", "k", "GET", ty, "0")
	}
	c.MustErr(errBitOffset, "BITFIELD", "k", "GET", "i8", "-1")
	c.MustErr(errBitOffset, "BITFIELD", "k", "GET", "i8", "#-1")
	c.MustErr(errBitOffset, "BITFIELD", "k", "GET", "i8", "x")
	c.MustErr(errBitOffset, "BITFIELD", "k", "GET", "i8", "4294967296")
	c.MustErr(errBitOffset, "BITFIELD", "k", "GET", "i64", "#67108864")
	c.MustErr("ERR value is not an integer or out of range", "BITFIELD", "k", "SET", "i8", "0", "x")
	c.MustErr("ERR Invalid OVERFLOW type specified", "BITFIELD", "k", "OVERFLOW", "nope")
	c.MustErr("ERR syntax error", "BITFIELD", "k", "GET", "i8")
	c.MustErr("ERR syntax error", "BITFIELD", "k", "SET", "i8", "0")
	c.MustErr("ERR syntax error", "BITFIELD", "k", "OVERFLOW")
	c.MustErr("ERR syntax error", "BITFIELD", "k", "bogus")
	c.Do("SADD", "set", "a")
	c.MustErr(wrongType, "BITFIELD", "set", "GET", "i8", "0")
	c.MustErr(wrongType, "BITFIELD", "set", "SET", "i8", "0", "1")
	c.MustErr(wrongType, "BITFIELD_RO", "set", "GET", "i8", "0")
	c.MustErr(errBfType, "BITFIELD", "set", "GET", "u64", "0") // arguments first
}

func TestBitmapOffsetLimit(t *testing.T) {
	_, c := newServer(t, map[string]string{"proto-max-bulk-len": "1mb"})
	last := strconv.Itoa(8<<20 - 1)
	c.MustErr(errBitOffset, "SETBIT", "k", strconv.Itoa(8<<20), "1")
	c.Must(resp.Int(0), "SETBIT", "k", last, "1")
	c.Must(resp.Int(1<<20), "STRLEN", "k")
	c.Must(resp.Int(8<<20-1), "BITPOS", "k", "1")
	c.Must(resp.Int(1), "BITCOUNT", "k")
	// A field may end past the limit when it starts before it.
	c.Must(resp.Array(resp.Int(0)), "BITFIELD", "k2", "SET", "u8", last, "255")
	c.Must(resp.Int(1<<20+1), "STRLEN", "k2")
}

// TestBitmapMatchesRedis runs random bitmap commands against rk and Redis
// 7.4 and compares the replies and the resulting strings.
func TestBitmapMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(9, 10))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	key := func() string { return pick("b1", "b2", "b3", "n", "set", "nokey") }
	num := func(lo, hi int) string { return strconv.Itoa(lo + rnd.IntN(hi-lo+1)) }
	offset := func() string {
		switch rnd.IntN(10) {
		case 0:
			return pick("-1", "x", "#3", "4294967296", "")
		case 1, 2:
			return num(0, 600)
		}
		return num(0, 80)
	}
	bfType := func() string {
		if rnd.IntN(15) == 0 {
			return pick("u64", "i65", "u0", "x", "")
		}
		if rnd.IntN(2) == 0 {
			return "i" + num(1, 64)
		}
		return "u" + num(1, 63)
	}
	bfValue := func() string {
		return pick(num(-300, 300), num(-5, 5), "9223372036854775807", "-9223372036854775808",
			"4294967296", "-4294967297", "x", num(0, 1<<20))
	}
	str := func() string {
		b := make([]byte, rnd.IntN(24))
		for i := range b {
			b[i] = pick("\x00", "\xff", "\x0f", "\xa5", "a", "1")[0]
		}
		return string(b)
	}
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	add("SADD", "set", "m")
	for i := 0; i < 3000; i++ {
		k := key()
		switch rnd.IntN(16) {
		case 0, 1:
			add("SETBIT", k, offset(), pick("0", "1", "1", "2", "x"))
		case 2:
			add("GETBIT", k, offset())
		case 3:
			add("SET", pick("b1", "b2", "b3"), str())
		case 4:
			add("SET", "n", num(-1000, 100000))
		case 5, 6:
			args := []string{"BITCOUNT", k}
			if rnd.IntN(4) > 0 {
				args = append(args, num(-30, 30), num(-30, 30))
				if rnd.IntN(2) == 0 {
					args = append(args, pick("BIT", "byte", "bit", "bits"))
				}
			}
			add(args...)
		case 7, 8:
			args := []string{"BITPOS", k, pick("0", "1", "1", "0", "2")}
			if n := rnd.IntN(4); n > 0 {
				args = append(args, num(-30, 30))
				if n > 1 {
					args = append(args, num(-30, 30))
				}
				if n > 2 {
					args = append(args, pick("BIT", "BYTE", "bit"))
				}
			}
			add(args...)
		case 9:
			op := pick("AND", "OR", "XOR", "NOT", "and", "nand")
			args := []string{"BITOP", op, key(), k}
			if op != "NOT" || rnd.IntN(5) == 0 {
				for n := rnd.IntN(3); n > 0; n-- {
					args = append(args, key())
				}
			}
			add(args...)
		case 10, 11, 12:
			args := []string{pick("BITFIELD", "BITFIELD", "BITFIELD", "BITFIELD_RO"), k}
			for n := rnd.IntN(4); n > 0; n-- {
				switch rnd.IntN(5) {
				case 0:
					args = append(args, "GET", bfType(), offset())
				case 1:
					args = append(args, "SET", bfType(), offset(), bfValue())
				case 2:
					args = append(args, "INCRBY", bfType(), offset(), bfValue())
				case 3:
					args = append(args, "OVERFLOW", pick("WRAP", "SAT", "FAIL", "sat", "bogus"))
				case 4:
					args = append(args, "GET", bfType(), "#"+num(0, 10))
				}
			}
			add(args...)
		case 13:
			add("GET", k)
		case 14:
			add("OBJECT", "ENCODING", k)
		case 15:
			add(pick("DEL", "STRLEN", "EXISTS"), k)
		}
	}
	errs := 0
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		if want.IsError() {
			errs++
		}
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
		}
	}
	t.Logf("%d commands, %d of them answered with an error", len(cmds), errs)
}
