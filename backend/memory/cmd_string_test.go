package memory_test

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// strMakeNonString stores a list at key, for the WRONGTYPE cases.
func strMakeNonString(t *testing.T, c *rktest.Conn, key string) {
	t.Helper()
	c.Must(resp.Int(1), "RPUSH", key, "x")
}

const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

func TestStringGetSet(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.NullBulk(), "GET", "k")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GET", "k")
	c.MustOK("SET", "k", "")
	c.Must(resp.Bulk(""), "GET", "k")
	big := strings.Repeat("wxyz", 1<<18)
	c.MustOK("SET", "k", big)
	c.Must(resp.Bulk(big), "GET", "k")
	c.MustOK("SET", "k", "short") // the big buffer is not kept
	c.Must(resp.Bulk("short"), "GET", "k")
	c.MustOK("SET", "k", "bin\x00\r\nary")
	c.Must(resp.Bulk("bin\x00\r\nary"), "GET", "k")
	c.MustErr("ERR wrong number of arguments for 'get' command", "GET")
	c.MustErr("ERR wrong number of arguments for 'set' command", "SET", "k")
}

func TestStringSetOptions(t *testing.T) {
	_, c := newServer(t, nil)
	syntax := "ERR syntax error"
	c.MustErr(syntax, "SET", "k", "v", "nope")
	c.MustErr(syntax, "SET", "k", "v", "NX", "XX")
	c.MustErr(syntax, "SET", "k", "v", "xx", "nx")
	c.MustErr(syntax, "SET", "k", "v", "EX", "10", "PX", "10")
	c.MustErr(syntax, "SET", "k", "v", "EX", "10", "EXAT", "10")
	c.MustErr(syntax, "SET", "k", "v", "PXAT", "10", "EX", "10")
	c.MustErr(syntax, "SET", "k", "v", "KEEPTTL", "EX", "10")
	c.MustErr(syntax, "SET", "k", "v", "PX", "10", "KEEPTTL")
	c.MustErr(syntax, "SET", "k", "v", "EX")
	c.MustErr(syntax, "SET", "k", "v", "PERSIST")
	c.MustErr(syntax, "SET", "k", "v", "GETX")
	c.Must(resp.Int(0), "EXISTS", "k")

	inv := "ERR invalid expire time in 'set' command"
	for _, args := range [][]string{
		{"EX", "0"}, {"EX", "-1"}, {"PX", "0"}, {"PX", "-5"}, {"EXAT", "0"}, {"PXAT", "-1"},
		{"EX", "9223372036854775"}, // overflows once added to now
		{"EX", "9223372036854776"}, // overflows when made milliseconds
		{"PX", "9223372036854775807"},
	} {
		c.MustErr(inv, append([]string{"SET", "k", "v"}, args...)...)
	}
	notInt := "ERR value is not an integer or out of range"
	c.MustErr(notInt, "SET", "k", "v", "EX", "ten")
	c.MustErr(notInt, "SET", "k", "v", "EX", "1.5")
	c.MustErr(notInt, "SET", "k", "v", "EX", " 1")
	c.MustErr(notInt, "SET", "k", "v", "EX", "NX") // EX takes the next argument
	c.Must(resp.Int(0), "EXISTS", "k")

	// NX / XX.
	c.MustOK("SET", "k", "1", "nx")
	c.Must(resp.NullBulk(), "SET", "k", "2", "NX")
	c.Must(resp.Bulk("1"), "GET", "k")
	c.Must(resp.NullBulk(), "SET", "x", "1", "XX")
	c.Must(resp.Int(0), "EXISTS", "x")
	c.MustOK("SET", "k", "3", "XX")
	c.Must(resp.Bulk("3"), "GET", "k")
	c.Must(resp.NullBulk(), "SET", "k", "4", "NX", "NX") // repeats are allowed
	c.MustOK("SET", "k", "5", "KEEPTTL", "KEEPTTL")
	c.MustOK("SET", "k", "6", "EX", "10", "EX", "20")
	c.MustOK("SET", "k", "7", "xX\x00trailing") // options are read as C strings
	c.Must(resp.Bulk("7"), "GET", "k")

	// GET, alone and with NX/XX (NX+GET is allowed since 7.0).
	c.Must(resp.Bulk("7"), "SET", "k", "a", "GET")
	c.Must(resp.Bulk("a"), "GET", "k")
	c.Must(resp.NullBulk(), "SET", "n", "a", "GET")
	c.Must(resp.Bulk("a"), "GET", "n")
	c.Must(resp.Bulk("a"), "SET", "k", "b", "GET", "XX")
	c.Must(resp.NullBulk(), "SET", "nx1", "b", "GET", "XX")
	c.Must(resp.Int(0), "EXISTS", "nx1")
	c.Must(resp.NullBulk(), "SET", "nx2", "b", "GET", "NX")
	c.Must(resp.Bulk("b"), "GET", "nx2")
	c.Must(resp.Bulk("b"), "SET", "nx2", "c", "NX", "GET")
	c.Must(resp.Bulk("b"), "GET", "nx2")
	c.Must(resp.Bulk("b"), "SET", "nx2", "c", "GET", "GET")
	// The expire value is checked before GET answers.
	c.MustErr(inv, "SET", "nx2", "d", "GET", "EX", "0")
	c.Must(resp.Bulk("c"), "GET", "nx2")

	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "SET", "other", "v", "GET")
		c.MustErr(wrongType, "GET", "other")
		c.Must(resp.NullBulk(), "SET", "other", "v", "NX")
		c.MustOK("SET", "other", "v") // SET overwrites any type
		c.Must(resp.Bulk("v"), "GET", "other")
	})
}

func TestStringSetNXEXVariants(t *testing.T) {
	clk, c := newClockServer(t, nil)
	c.Must(resp.Int(1), "SETNX", "k", "a")
	c.Must(resp.Int(0), "SETNX", "k", "b")
	c.Must(resp.Bulk("a"), "GET", "k")

	c.MustOK("SETEX", "e", "10", "v")
	c.MustOK("PSETEX", "p", "1500", "v")
	c.MustErr("ERR invalid expire time in 'setex' command", "SETEX", "x", "0", "v")
	c.MustErr("ERR invalid expire time in 'setex' command", "SETEX", "x", "-10", "v")
	c.MustErr("ERR invalid expire time in 'psetex' command", "PSETEX", "x", "0", "v")
	c.MustErr("ERR invalid expire time in 'setex' command", "SETEX", "x", "9223372036854776", "v")
	c.MustErr("ERR value is not an integer or out of range", "SETEX", "x", "1x", "v")
	c.Must(resp.Int(0), "EXISTS", "x")

	clk.advance(1499 * time.Millisecond)
	c.Must(resp.Bulk("v"), "GET", "p")
	clk.advance(time.Millisecond)
	c.Must(resp.NullBulk(), "GET", "p")
	clk.advance(8499 * time.Millisecond)
	c.Must(resp.Bulk("v"), "GET", "e")
	clk.advance(time.Millisecond)
	c.Must(resp.NullBulk(), "GET", "e")

	// SETNX on an expired key sets it.
	c.MustOK("SET", "k", "old", "PX", "100")
	clk.advance(100 * time.Millisecond)
	c.Must(resp.Int(1), "SETNX", "k", "new")
	c.Must(resp.Bulk("new"), "GET", "k")
}

func TestStringSetExpire(t *testing.T) {
	clk, c := newClockServer(t, nil)
	at := func(d time.Duration) string { return strconv.FormatInt(clk.unixMs()+d.Milliseconds(), 10) }

	c.MustOK("SET", "ex", "v", "EX", "10")
	c.MustOK("SET", "px", "v", "PX", "2500")
	c.MustOK("SET", "exat", "v", "EXAT", strconv.FormatInt(clk.unixMs()/1000+20, 10))
	c.MustOK("SET", "pxat", "v", "PXAT", at(3*time.Second))
	c.MustOK("SET", "past", "v", "EXAT", "1") // in the past: gone at once
	c.Must(resp.NullBulk(), "GET", "past")
	c.MustOK("SET", "far", "v", "PXAT", "9223372036854775807")

	// KEEPTTL keeps the deadline, a plain SET drops it.
	c.MustOK("SET", "keep", "v", "EX", "5")
	c.MustOK("SET", "keep", "v2", "KEEPTTL")
	c.MustOK("SET", "drop", "v", "EX", "5")
	c.MustOK("SET", "drop", "v2")
	c.MustOK("SET", "nxkeep", "v", "EX", "5")
	c.Must(resp.NullBulk(), "SET", "nxkeep", "w", "NX", "EX", "100") // not set: TTL unchanged
	c.MustOK("SET", "xxex", "v")
	c.MustOK("SET", "xxex", "w", "XX", "PX", "4000")

	clk.advance(2499 * time.Millisecond)
	c.Must(resp.Bulk("v"), "GET", "px")
	clk.advance(time.Millisecond)
	c.Must(resp.NullBulk(), "GET", "px")
	clk.advance(500 * time.Millisecond) // t = 3s
	c.Must(resp.NullBulk(), "GET", "pxat")
	clk.advance(time.Second) // t = 4s
	c.Must(resp.NullBulk(), "GET", "xxex")
	clk.advance(time.Second) // t = 5s
	c.Must(resp.NullBulk(), "GET", "keep")
	c.Must(resp.NullBulk(), "GET", "nxkeep")
	c.Must(resp.Bulk("v2"), "GET", "drop")
	clk.advance(5 * time.Second) // t = 10s
	c.Must(resp.NullBulk(), "GET", "ex")
	c.Must(resp.Bulk("v"), "GET", "exat")
	clk.advance(10 * time.Second)
	c.Must(resp.NullBulk(), "GET", "exat")
	c.Must(resp.Bulk("v"), "GET", "far")
}

// TestStringTTLKeptOrDropped checks which writes keep a key's deadline.
func TestStringTTLKeptOrDropped(t *testing.T) {
	clk, c := newClockServer(t, nil)
	for _, k := range []string{"incr", "append", "setrange", "float", "getset", "mset"} {
		c.MustOK("SET", k, "1", "EX", "10")
	}
	c.Must(resp.Int(2), "INCR", "incr")
	c.Must(resp.Int(2), "APPEND", "append", "x")
	c.Must(resp.Int(1), "SETRANGE", "setrange", "0", "2")
	c.Must(resp.Bulk("1.5"), "INCRBYFLOAT", "float", "0.5")
	c.Must(resp.Bulk("1"), "GETSET", "getset", "2")
	c.MustOK("MSET", "mset", "2")
	clk.advance(10 * time.Second)
	for _, k := range []string{"incr", "append", "setrange", "float"} {
		c.Must(resp.NullBulk(), "GET", k)
	}
	c.Must(resp.Bulk("2"), "GET", "getset")
	c.Must(resp.Bulk("2"), "GET", "mset")
}

func TestStringGetEX(t *testing.T) {
	clk, c := newClockServer(t, nil)
	c.Must(resp.NullBulk(), "GETEX", "nokey")
	c.Must(resp.NullBulk(), "GETEX", "nokey", "EX", "notanumber") // the value is read only for a key
	c.MustErr("ERR wrong number of arguments for 'getex' command", "GETEX")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GETEX", "k")
	for _, opts := range [][]string{{"bogus"}, {"NX"}, {"XX"}, {"GET"}, {"KEEPTTL"}, {"PERSIST", "EX", "1"},
		{"EX", "1", "PERSIST"}, {"EX", "1", "PX", "1"}, {"EX"}} {
		c.MustErr("ERR syntax error", append([]string{"GETEX", "k"}, opts...)...)
	}
	c.MustErr("ERR value is not an integer or out of range", "GETEX", "k", "EX", "x")
	c.MustErr("ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "0")
	c.MustErr("ERR invalid expire time in 'getex' command", "GETEX", "k", "PXAT", "-1")
	c.MustErr("ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "9223372036854776")

	c.Must(resp.Bulk("v"), "GETEX", "k", "EX", "10")
	clk.advance(9 * time.Second)
	c.Must(resp.Bulk("v"), "GETEX", "k", "PERSIST")
	clk.advance(time.Hour)
	c.Must(resp.Bulk("v"), "GET", "k")
	c.Must(resp.Bulk("v"), "GETEX", "k", "px", "100")
	clk.advance(99 * time.Millisecond)
	c.Must(resp.Bulk("v"), "GETEX", "k", "PXAT", strconv.FormatInt(clk.unixMs()+1000, 10))
	clk.advance(999 * time.Millisecond)
	c.Must(resp.Bulk("v"), "GET", "k")
	clk.advance(time.Millisecond)
	c.Must(resp.NullBulk(), "GET", "k")

	// An absolute time already past deletes the key after answering.
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GETEX", "k", "EXAT", "1")
	c.Must(resp.Int(0), "EXISTS", "k")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GETEX", "k", "PXAT", strconv.FormatInt(clk.unixMs(), 10))
	c.Must(resp.Int(0), "EXISTS", "k")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GETEX", "k", "EXAT", strconv.FormatInt(clk.unixMs()/1000+5, 10))
	clk.advance(5 * time.Second)
	c.Must(resp.NullBulk(), "GET", "k")

	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "GETEX", "other", "EX", "10")
		c.MustErr(wrongType, "GETEX", "other", "EX", "0") // type before value
	})
}

func TestStringGetDelGetSet(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.NullBulk(), "GETDEL", "k")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Bulk("v"), "GETDEL", "k")
	c.Must(resp.Int(0), "EXISTS", "k")
	c.Must(resp.NullBulk(), "GETSET", "k", "a")
	c.Must(resp.Bulk("a"), "GETSET", "k", "b")
	c.Must(resp.Bulk("b"), "GET", "k")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "GETDEL", "other")
		c.MustErr(wrongType, "GETSET", "other", "v")
		c.Must(resp.Int(1), "EXISTS", "other")
	})
}

func TestStringMGetMSet(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("MSET", "a", "1", "b", "two words", "c", "x\r\n\x00y")
	c.Must(resp.BulkStrings("1", "two words", "x\r\n\x00y"), "MGET", "a", "b", "c")
	c.Must(resp.Array(resp.Bulk("1"), resp.NullBulk(), resp.Bulk("1")), "MGET", "a", "missing", "a")
	c.MustOK("MSET", "a", "x", "a", "y")
	c.Must(resp.Bulk("y"), "GET", "a")
	c.MustErr("ERR wrong number of arguments for 'mset' command", "MSET", "a")
	c.MustErr("ERR wrong number of arguments for 'mset' command", "MSET", "a", "1", "b")
	c.MustErr("ERR wrong number of arguments for 'msetnx' command", "MSETNX", "a", "1", "b")

	c.Must(resp.Int(0), "MSETNX", "n1", "1", "n2", "2", "a", "3")
	c.Must(resp.Int(0), "EXISTS", "n1", "n2")
	c.Must(resp.Bulk("y"), "GET", "a")
	c.Must(resp.Int(1), "MSETNX", "n1", "1", "n2", "2")
	c.Must(resp.BulkStrings("1", "2"), "MGET", "n1", "n2")
	c.Must(resp.Int(1), "MSETNX", "n3", "x", "n3", "y")
	c.Must(resp.Bulk("y"), "GET", "n3")
	c.Must(resp.Int(0), "MSETNX", "n3", "z", "n3", "w")
	c.Must(resp.Bulk("y"), "GET", "n3")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.Must(resp.Array(resp.Bulk("y"), resp.NullBulk()), "MGET", "a", "other")
		c.Must(resp.Int(0), "MSETNX", "other", "v")
		c.MustOK("MSET", "other", "v")
		c.Must(resp.Bulk("v"), "GET", "other")
	})
}

func TestStringAppendStrlen(t *testing.T) {
	_, c := newServer(t, map[string]string{"proto-max-bulk-len": "1mb"})
	c.Must(resp.Int(0), "STRLEN", "k")
	c.Must(resp.Int(5), "APPEND", "k", "hello")
	c.Must(resp.Int(11), "APPEND", "k", " world")
	c.Must(resp.Bulk("hello world"), "GET", "k")
	c.Must(resp.Int(11), "STRLEN", "k")
	c.Must(resp.Int(0), "APPEND", "empty", "")
	c.Must(resp.Int(1), "EXISTS", "empty")
	c.MustOK("SET", "n", "-555")
	c.Must(resp.Int(4), "STRLEN", "n")
	c.Must(resp.Int(5), "APPEND", "n", "1")
	c.Must(resp.Int(-5552), "DECR", "n")

	c.MustOK("SET", "big", strings.Repeat("a", 1<<20-2))
	c.Must(resp.Int(1<<20), "APPEND", "big", "bb")
	c.MustErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)", "APPEND", "big", "c")
	c.Must(resp.Int(1<<20), "STRLEN", "big")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "APPEND", "other", "x")
		c.MustErr(wrongType, "STRLEN", "other")
	})
}

func TestStringGetRange(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "k", "Hello World")
	for _, tc := range []struct {
		start, end, want string
	}{
		{"0", "3", "Hell"}, {"0", "-1", "Hello World"}, {"-4", "-1", "orld"}, {"5", "3", ""},
		{"5", "5000", " World"}, {"-5000", "10000", "Hello World"}, {"0", "4294967297", "Hello World"},
		{"-1", "-3", ""}, {"20", "30", ""}, {"-9223372036854775808", "9223372036854775807", "Hello World"},
		{"10", "10", "d"}, {"-1", "-1", "d"}, {"3", "-100", ""},
	} {
		c.Must(resp.Bulk(tc.want), "GETRANGE", "k", tc.start, tc.end)
		c.Must(resp.Bulk(tc.want), "SUBSTR", "k", tc.start, tc.end)
	}
	c.Must(resp.Bulk(""), "GETRANGE", "missing", "0", "-1")
	c.MustOK("SET", "e", "")
	c.Must(resp.Bulk(""), "GETRANGE", "e", "0", "-1")
	c.MustErr("ERR value is not an integer or out of range", "GETRANGE", "k", "a", "1")
	c.MustErr("ERR value is not an integer or out of range", "GETRANGE", "missing", "0", "1.0")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "GETRANGE", "other", "0", "-1")
	})
}

func TestStringSetRange(t *testing.T) {
	_, c := newServer(t, map[string]string{"proto-max-bulk-len": "1mb"})
	c.Must(resp.Int(3), "SETRANGE", "k", "0", "foo")
	c.Must(resp.Bulk("foo"), "GET", "k")
	c.Must(resp.Int(0), "SETRANGE", "n", "0", "")
	c.Must(resp.Int(0), "SETRANGE", "n", "9223372036854775807", "")
	c.Must(resp.Int(0), "EXISTS", "n")
	c.Must(resp.Int(4), "SETRANGE", "n", "1", "foo")
	c.Must(resp.Bulk("\x00foo"), "GET", "n")

	c.Must(resp.Int(3), "SETRANGE", "k", "1", "b")
	c.Must(resp.Bulk("fbo"), "GET", "k")
	c.Must(resp.Int(3), "SETRANGE", "k", "100", "") // nothing set: the length
	c.Must(resp.Int(7), "SETRANGE", "k", "4", "bar")
	c.Must(resp.Bulk("fbo\x00bar"), "GET", "k")
	c.MustOK("SET", "i", "1234")
	c.Must(resp.Int(6), "SETRANGE", "i", "5", "2")
	c.Must(resp.Bulk("1234\x002"), "GET", "i")
	c.MustErr("ERR value is not a valid float", "INCRBYFLOAT", "i", "1") // a NUL inside

	c.MustErr("ERR offset is out of range", "SETRANGE", "k", "-1", "x")
	c.MustErr("ERR offset is out of range", "SETRANGE", "n2", "-1", "")
	c.MustErr("ERR value is not an integer or out of range", "SETRANGE", "k", "x", "x")
	tooLong := "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	c.MustErr(tooLong, "SETRANGE", "n2", strconv.Itoa(1<<20-4), "world")
	c.MustErr(tooLong, "SETRANGE", "k", strconv.Itoa(1<<20-4), "world")
	c.MustErr(tooLong, "SETRANGE", "k", "9223372036854775807", "A")
	c.MustErr(tooLong, "SETRANGE", "n2", "9223372036854775807", "A")
	c.Must(resp.Int(1<<20), "SETRANGE", "n2", strconv.Itoa(1<<20-5), "world")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "SETRANGE", "other", "0", "x")
		c.MustErr(wrongType, "SETRANGE", "other", "0", "")
	})
}

func TestStringIncrDecr(t *testing.T) {
	_, c := newServer(t, nil)
	notInt := "ERR value is not an integer or out of range"
	overflow := "ERR increment or decrement would overflow"
	c.Must(resp.Int(1), "INCR", "n")
	c.Must(resp.Bulk("1"), "GET", "n")
	c.Must(resp.Int(2), "INCR", "n")
	c.Must(resp.Int(1), "DECR", "n")
	c.Must(resp.Int(-1), "DECR", "d")
	c.Must(resp.Int(0), "INCR", "d")
	c.Must(resp.Int(-1), "DECRBY", "d2", "1")
	c.MustOK("SET", "n", "100")
	c.Must(resp.Int(101), "INCR", "n")
	c.MustOK("SET", "n", "17179869184")
	c.Must(resp.Int(17179869185), "INCR", "n")
	c.MustOK("SET", "n", "17179869184")
	c.Must(resp.Int(34359738368), "INCRBY", "n", "17179869184")
	c.MustOK("SET", "n", "17179869184")
	c.Must(resp.Int(-1), "DECRBY", "n", "17179869185")
	c.Must(resp.Bulk("-1"), "GET", "n")
	for _, v := range []string{"    11", "11    ", " 11 ", "+1", "01", "-0", "1.0", "", "12345678901234567890123", "9223372036854775808", "0x10", "1\x00"} {
		c.MustOK("SET", "bad", v)
		c.MustErr(notInt, "INCR", "bad")
		c.MustErr(notInt, "DECRBY", "bad", "1")
		c.Must(resp.Bulk(v), "GET", "bad")
	}
	c.MustErr(notInt, "INCRBY", "n", "v")
	c.MustErr(notInt, "INCRBY", "n", "1.5")
	c.MustErr(notInt, "DECRBY", "n", "1.5")
	c.MustErr(notInt, "INCRBY", "n", "9223372036854775808")
	c.MustErr("ERR wrong number of arguments for 'incr' command", "INCR", "n", "v")
	c.MustErr("ERR wrong number of arguments for 'decr' command", "DECR", "n", "v")

	c.MustOK("SET", "m", "9223372036854775807")
	c.MustErr(overflow, "INCR", "m")
	c.Must(resp.Int(9223372036854775806), "DECR", "m")
	c.MustOK("SET", "m", "-9223372036854775808")
	c.MustErr(overflow, "DECR", "m")
	c.MustErr(overflow, "DECRBY", "m", "9223372036854775807")
	c.MustErr(overflow, "INCRBY", "m", "-1")
	c.Must(resp.Int(-1), "INCRBY", "m", "9223372036854775807")
	c.MustErr("ERR decrement would overflow", "DECRBY", "m", "-9223372036854775808")
	c.MustErr("ERR decrement would overflow", "DECRBY", "nokey", "-9223372036854775808")
	c.Must(resp.Int(0), "EXISTS", "nokey")
	c.Must(resp.Int(-9223372036854775808), "INCRBY", "m", "-9223372036854775807")
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "INCR", "other")
		c.MustErr(wrongType, "DECRBY", "other", "1")
		c.MustErr(notInt, "INCRBY", "other", "x") // the increment is read first
	})
}

func TestStringIncrByFloat(t *testing.T) {
	_, c := newServer(t, nil)
	notFloat := "ERR value is not a valid float"
	nanInf := "ERR increment would produce NaN or Infinity"
	// Each case: the key's value ("" for none), the increment, and what
	// Redis 7.4.1 on x86-64 answers (checked against it).
	for i, tc := range []struct{ val, incr, want string }{
		{"", "10.5", "10.5"},
		{"", "3.0e3", "3000"},
		{"1.1", "2.2", "3.3"},
		{"0.1", "0.2", "0.3"},
		{"0.3", "-0.3", "0"},
		{"5.0e3", "2.0e2", "5200"},
		{"1.5", "1e20", "100000000000000000000"},
		{"", "0x1p-2", "0.25"},
		{"0x10", "0x1p3", "24"},
		{"", "0x1.8P1", "3"},
		{"", "0x.8", "0.5"},
		{"", "0xAp-1", "5"},
		{"0.000003814697265625", "0", "0.00000381469726562"}, // a tie: to even
		{"-1e-18", "0", "0"},                                 // no negative zero
		{"17179869184", "1.5", "17179869185.5"},
		{"17179869184", "17179869184", "34359738368"},
		{"", "1e-4940", "0"},
		{"", "3.6e-4951", "0"}, // rounds to the smallest subnormal
		{"1", "0.0000000000000000001", "1"},
		{"", "1.23456789012345678901234567890", "1.23456789012345679"},
		{"-1.5", "1.5", "0"},
		{"", "9.999999999999999999e-18", "0.00000000000000001"},
		{"", "0.00000000000000000500000000000000000001", "0"},
		{"", "0.000000000000000015", "0.00000000000000002"},
		{"", "+1", "1"},
		{"", ".5", "0.5"},
		{"", "5.", "5"},
		{"", "1.0E2", "100"},
		{"", "-0", "0"},
		{"", "0e999999999999999999999", "0"},
		{"10", "-1", "9"},
	} {
		key := fmt.Sprintf("f%d", i)
		if tc.val != "" {
			c.MustOK("SET", key, tc.val)
		}
		c.Must(resp.Bulk(tc.want), "INCRBYFLOAT", key, tc.incr)
		c.Must(resp.Bulk(tc.want), "GET", key)
	}
	for _, incr := range []string{"v", " 1", "1 ", "", ".", "1e", "1e+", "0x", "0xg", "0x1p", "nan", "NaN", "-nan", "1e5000",
		"1e-5000", "1.8e-4951", "1.18973149535723176508e+4932", "1,5", "infinite", "1.2.3", "1\x00"} {
		c.MustErr(notFloat, "INCRBYFLOAT", "x", incr)
	}
	c.Must(resp.Int(0), "EXISTS", "x")
	for _, incr := range []string{"inf", "+inf", "-inf", "INF", "Infinity", "-infinity"} {
		c.MustErr(nanInf, "INCRBYFLOAT", "x", incr)
	}
	for _, v := range []string{"    11", "11    ", " 11 ", "abc", "nan"} {
		c.MustOK("SET", "bad", v)
		c.MustErr(notFloat, "INCRBYFLOAT", "bad", "1.0")
	}
	c.MustOK("SET", "bad", "inf")
	c.MustErr(nanInf, "INCRBYFLOAT", "bad", "1")
	c.MustOK("SET", "max", "1.18973149535723176502e+4932") // the largest long double
	c.MustErr(nanInf, "INCRBYFLOAT", "max", "1.18973149535723176502e+4932")
	got := c.Do("INCRBYFLOAT", "max", "0")
	if len(got.Str) != 4933 || !strings.HasPrefix(got.Str, "11897314953572317650212638530309702051690633222946242") || !strings.HasSuffix(got.Str, "989770240") {
		t.Errorf("INCRBYFLOAT of the largest long double: got %.60s... (%d bytes)", got.Str, len(got.Str))
	}
	// No negative zero after a round trip.
	c.Must(resp.Bulk("0.02439024390243902"), "INCRBYFLOAT", "z", strconv.FormatFloat(1.0/41, 'g', -1, 64))
	c.Must(resp.Bulk("0"), "INCRBYFLOAT", "z", strconv.FormatFloat(-1.0/41, 'g', -1, 64))
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr(wrongType, "INCRBYFLOAT", "other", "1")
		c.MustErr(wrongType, "INCRBYFLOAT", "other", "x") // the type is checked first
	})
}

func TestStringLcs(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("MSET", "s1", "thequickbrownfoxjumps", "s2", "quicklybrownjumpsfox", "e", "")
	c.Must(resp.Bulk("quickbrownjumps"), "LCS", "s1", "s2")
	c.Must(resp.Int(15), "LCS", "s1", "s2", "LEN")
	rng := func(a0, a1, b0, b1 int64, l ...int64) resp.Value {
		v := resp.Array(resp.Array(resp.Int(a0), resp.Int(a1)), resp.Array(resp.Int(b0), resp.Int(b1)))
		for _, n := range l {
			v.Elems = append(v.Elems, resp.Int(n))
		}
		return v
	}
	idx := func(n int64, ranges ...resp.Value) resp.Value {
		return resp.Array(resp.Bulk("matches"), resp.Array(ranges...), resp.Bulk("len"), resp.Int(n))
	}
	c.Must(idx(15, rng(16, 20, 12, 16), rng(8, 12, 7, 11), rng(3, 7, 0, 4)), "LCS", "s1", "s2", "IDX")
	c.Must(idx(15, rng(16, 20, 12, 16, 5), rng(8, 12, 7, 11, 5), rng(3, 7, 0, 4, 5)), "LCS", "s1", "s2", "idx", "withmatchlen", "minmatchlen", "3")
	c.Must(idx(15), "LCS", "s1", "s2", "IDX", "MINMATCHLEN", "6")
	c.Must(idx(15, rng(16, 20, 12, 16), rng(8, 12, 7, 11), rng(3, 7, 0, 4)), "LCS", "s1", "s2", "IDX", "MINMATCHLEN", "-7")
	c.Must(idx(21, rng(0, 20, 0, 20, 21)), "LCS", "s1", "s1", "IDX", "WITHMATCHLEN")
	c.Must(idx(0), "LCS", "s1", "nokey", "IDX", "WITHMATCHLEN")
	c.Must(resp.Bulk(""), "LCS", "e", "s1")
	c.Must(resp.Bulk(""), "LCS", "nokey1", "nokey2")
	c.Must(resp.Int(0), "LCS", "nokey1", "nokey2", "LEN")
	c.MustOK("MSET", "a", "ohmytext", "b", "mynewtext")
	c.Must(idx(6, rng(4, 7, 5, 8), rng(2, 3, 0, 1)), "LCS", "a", "b", "IDX")

	c.MustErr("ERR If you want both the length and indexes, please just use IDX.", "LCS", "s1", "s2", "LEN", "IDX")
	c.MustErr("ERR syntax error", "LCS", "s1", "s2", "MINMATCHLEN")
	c.MustErr("ERR syntax error", "LCS", "s1", "s2", "foo")
	c.MustErr("ERR value is not an integer or out of range", "LCS", "s1", "s2", "MINMATCHLEN", "x")

	// RESP3: the IDX reply is a map.
	c.Do("HELLO", "3")
	c.Must(resp.Map(resp.Bulk("matches"), resp.Array(rng(4, 7, 5, 8, 4), rng(2, 3, 0, 1, 2)), resp.Bulk("len"), resp.Int(6)),
		"LCS", "a", "b", "IDX", "WITHMATCHLEN")
	c.Must(resp.Null(), "GET", "nokey")
	c.Do("HELLO", "2")

	t.Run("Memory", func(t *testing.T) {
		_, c := newServer(t, map[string]string{"proto-max-bulk-len": "1mb"})
		c.MustOK("MSET", "a", strings.Repeat("x", 600), "b", strings.Repeat("y", 600))
		c.MustErr("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len", "LCS", "a", "b")
	})
	t.Run("WrongType", func(t *testing.T) {
		strMakeNonString(t, c, "other")
		c.MustErr("ERR The specified keys must contain string values", "LCS", "s1", "other")
		c.MustErr("ERR The specified keys must contain string values", "LCS", "other", "s1", "bogus")
	})
}

// TestStringEncoding checks what OBJECT ENCODING reports after string
// writes: a write in place (APPEND, SETRANGE) makes a string "raw", a new
// value is encoded afresh.
func TestStringEncoding(t *testing.T) {
	_, c := newServer(t, nil)
	enc := func(key, want string) {
		t.Helper()
		got := c.Do("OBJECT", "ENCODING", key)
		if !rktest.Equal(got, resp.Bulk(want)) {
			t.Errorf("OBJECT ENCODING %s: got %v, want %q", key, got, want)
		}
	}
	c.MustOK("SET", "foo", "1")
	enc("foo", "int")
	c.Must(resp.Int(2), "APPEND", "foo", "2")
	enc("foo", "raw")
	c.Must(resp.Int(13), "INCR", "foo")
	enc("foo", "int")
	c.Must(resp.Int(2), "SETRANGE", "foo", "0", "")
	enc("foo", "int")
	c.Must(resp.Int(2), "SETRANGE", "foo", "0", "5")
	enc("foo", "raw")
	c.Must(resp.Bulk("53"), "GETSET", "foo", "77")
	enc("foo", "int")
	c.Must(resp.Int(2), "SETRANGE", "new", "0", "ab")
	enc("new", "raw")
	c.Must(resp.Int(2), "APPEND", "new2", "12")
	enc("new2", "int")
	c.MustOK("SET", "s", "abc")
	c.Must(resp.Int(4), "APPEND", "s", "d")
	c.MustOK("SET", "s", "abc")
	enc("s", "embstr")
	c.Must(resp.Bulk("1.5"), "INCRBYFLOAT", "f", "1.5")
	enc("f", "embstr")
}

// TestStringWatch checks that every string write, in-place ones included,
// fails the EXEC of a client WATCHing the key.
func TestStringWatch(t *testing.T) {
	e, err := memory.New(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := rktest.Serve(t, e)
	c, other := rktest.Dial(t, addr), rktest.Dial(t, addr)
	for _, write := range [][]string{
		{"SET", "k", "2"}, {"SET", "k", "2", "KEEPTTL"}, {"INCR", "k"}, {"DECRBY", "k", "3"}, {"INCRBYFLOAT", "k", "1.5"},
		{"APPEND", "k", "x"}, {"SETRANGE", "k", "0", "9"}, {"GETSET", "k", "x"}, {"GETDEL", "k"},
		{"GETEX", "k", "EX", "100"}, {"MSET", "k", "x"}, {"SETEX", "k", "10", "x"}, {"PSETEX", "k", "10", "x"},
	} {
		c.MustOK("SET", "k", "1")
		c.MustOK("WATCH", "k")
		other.Do(write...)
		c.MustOK("MULTI")
		c.Must(resp.Simple("QUEUED"), "GET", "k")
		c.Must(resp.NullArray(), "EXEC")
	}
	// GETEX PERSIST touches the key only when it had a TTL.
	c.MustOK("SET", "k", "1", "EX", "100")
	c.MustOK("WATCH", "k")
	other.Must(resp.Bulk("1"), "GETEX", "k", "PERSIST")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "k")
	c.Must(resp.NullArray(), "EXEC")
	// Reads and refused writes do not touch it.
	c.MustOK("WATCH", "k")
	other.Do("GET", "k")
	other.Do("GETEX", "k", "PERSIST")
	other.Do("SET", "k", "2", "NX")
	other.Do("SETRANGE", "k", "0", "")
	other.Do("INCRBY", "k", "x")
	other.Do("SET", "k", "3", "GET", "EX", "0")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "k")
	c.Must(resp.Array(resp.Bulk("1")), "EXEC")
}

// TestStringKeyspaceStats checks keyspace_hits and keyspace_misses, which
// Redis counts for reads only.
func TestStringKeyspaceStats(t *testing.T) {
	_, c := newServer(t, nil)
	stats := func() (hits, misses int64) {
		t.Helper()
		v := c.Do("INFO", "stats")
		for _, line := range strings.Split(v.Str, "\r\n") {
			if n, ok := strings.CutPrefix(line, "keyspace_hits:"); ok {
				hits, _ = strconv.ParseInt(n, 10, 64)
			}
			if n, ok := strings.CutPrefix(line, "keyspace_misses:"); ok {
				misses, _ = strconv.ParseInt(n, 10, 64)
			}
		}
		return hits, misses
	}
	h0, m0 := stats()
	c.MustOK("SET", "k", "v")        // write: not counted
	c.Must(resp.Int(1), "INCR", "n") // write: not counted
	c.Do("GET", "k")                 // hit
	c.Do("GET", "nokey")             // miss
	c.Do("MGET", "k", "n", "nokey")  // 2 hits, 1 miss
	c.Do("STRLEN", "k")              // hit
	c.Do("GETRANGE", "nokey", "0", "1")
	c.Do("SET", "k", "w", "GET") // hit
	c.Do("LCS", "k", "nokey")    // hit, miss
	c.Do("APPEND", "k", "x")     // write: not counted
	h1, m1 := stats()
	if h1-h0 != 6 || m1-m0 != 4 {
		t.Errorf("hits +%d misses +%d, want +6 +4", h1-h0, m1-m0)
	}
}

// TestStringMatchesRedis sends the same commands to rk and to the
// reference Redis 7.4 (live or its recorded transcript) and compares the
// replies.
func TestStringMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServer(t, nil)
	rnd := rand.New(rand.NewPCG(1, 2))
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }

	// Option grammar of SET and GETEX.
	setOpts := []string{"NX", "XX", "GET", "KEEPTTL", "EX", "PX", "EXAT", "PXAT", "PERSIST", "nx", "bogus", "100", "0", "-1"}
	for i := 0; i < 400; i++ {
		n := rnd.IntN(4)
		args := []string{"SET", "s" + strconv.Itoa(rnd.IntN(3)), "v" + strconv.Itoa(i)}
		gargs := []string{"GETEX", args[1]}
		for j := 0; j < n; j++ {
			o := setOpts[rnd.IntN(len(setOpts))]
			if o == "EXAT" || o == "PXAT" {
				o = "PX" // absolute times differ between the servers' clocks
			}
			args = append(args, o)
			gargs = append(gargs, o)
		}
		add(args...)
		add(gargs...)
	}
	// GETRANGE over random strings and ranges.
	for i := 0; i < 300; i++ {
		b := make([]byte, rnd.IntN(20))
		for j := range b {
			b[j] = byte(rnd.IntN(256))
		}
		add("SET", "r", string(b))
		add("GETRANGE", "r", strconv.Itoa(rnd.IntN(50)-25), strconv.Itoa(rnd.IntN(50)-25))
	}
	// LCS over random strings from a small alphabet.
	for i := 0; i < 200; i++ {
		gen := func() string {
			b := make([]byte, rnd.IntN(40))
			for j := range b {
				b[j] = "abcd"[rnd.IntN(4)]
			}
			return string(b)
		}
		add("MSET", "l1", gen(), "l2", gen())
		add("LCS", "l1", "l2")
		add("LCS", "l1", "l2", "IDX", "WITHMATCHLEN", "MINMATCHLEN", strconv.Itoa(rnd.IntN(4)))
	}
	// INCRBYFLOAT with random decimal and hexadecimal numbers, half into
	// fresh keys (reading and writing one number), half into keys that
	// accumulate (sums).
	for i := 0; i < 2000; i++ {
		key := "f" + strconv.Itoa(i)
		if i%2 == 1 {
			key = "facc" + strconv.Itoa(i%7)
		}
		add("INCRBYFLOAT", key, strRandomFloat(rnd))
	}
	// INCRBY near the limits.
	for i := 0; i < 200; i++ {
		v := []string{"0", "9223372036854775807", "-9223372036854775808", "9223372036854775806", "-1", "abc"}[rnd.IntN(6)]
		by := []string{"1", "-1", "9223372036854775807", "-9223372036854775808", "2", "x"}[rnd.IntN(6)]
		add("SET", "i", v)
		add([]string{"INCRBY", "DECRBY"}[rnd.IntN(2)], "i", by)
		add("GET", "i")
	}
	errs := 0
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
		}
		if want.IsError() {
			errs++
		}
	}
	t.Logf("%d commands, %d of them answered with an error", len(cmds), errs)
}

// strRandomFloat makes a number in one of the forms strtold reads.
func strRandomFloat(rnd *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rnd.IntN(10))
		}
		return string(b)
	}
	var s string
	switch rnd.IntN(8) {
	case 0:
		s = digits(1+rnd.IntN(3)) + "." + digits(rnd.IntN(4))
	case 1:
		s = digits(1+rnd.IntN(25)) + "." + digits(rnd.IntN(25))
	case 2:
		s = digits(1+rnd.IntN(20)) + "e" + strconv.Itoa(rnd.IntN(80)-40)
	case 3:
		s = "0." + strings.Repeat("0", rnd.IntN(20)) + digits(1+rnd.IntN(20))
	case 4:
		s = fmt.Sprintf("0x%x.%xp%d", rnd.Uint64(), rnd.Uint32(), rnd.IntN(100)-50)
	case 5:
		// Near the ends of the long double range.
		s = digits(1+rnd.IntN(30)) + "e" + strconv.Itoa(rnd.IntN(9960)-4980)
	case 6:
		// A binary fraction written out exactly: many fall on a tie
		// at the 17th decimal.
		n := 18 + rnd.IntN(40)
		m := new(big.Int).SetUint64(rnd.Uint64() >> rnd.IntN(64))
		s = new(big.Rat).SetFrac(m, new(big.Int).Lsh(big.NewInt(1), uint(n))).FloatString(n)
	default:
		s = strconv.FormatFloat(rnd.NormFloat64()*1e6, 'g', -1, 64)
	}
	if rnd.IntN(3) == 0 && !strings.HasPrefix(s, "-") {
		s = "-" + s
	}
	return s
}

// BenchmarkGetSet runs GET, SET and INCR through the engine's session, with
// a reused reply buffer, as a connection does. A GET or a SET of an
// existing key must not allocate.
func BenchmarkGetSet(b *testing.B) {
	e, err := memory.New(memory.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	s, err := e.Open(context.Background(), backend.ClientInfo{FD: -1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	w := resp.NewWriter()
	argv := func(args ...string) [][]byte {
		out := make([][]byte, len(args))
		for i, a := range args {
			out[i] = []byte(a)
		}
		return out
	}
	set := argv("SET", "key:000001", strings.Repeat("v", 64))
	get := argv("GET", "key:000001")
	incr := argv("INCR", "counter")
	s.Do(ctx, set, w)
	s.Do(ctx, incr, w)
	for _, bc := range []struct {
		name string
		argv [][]byte
	}{{"GET", get}, {"SET", set}, {"INCR", incr}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				s.Do(ctx, bc.argv, w)
			}
			if out := w.Bytes(); len(out) == 0 || out[0] == '-' {
				b.Fatalf("%s: %q", bc.name, out)
			}
		})
	}
}
