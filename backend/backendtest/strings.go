package backendtest

import (
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestSetGet covers SET and GET: overwrite, missing keys, binary and empty
// values, and values far larger than a read buffer.
func (s *Suite) TestSetGet(t *testing.T) {
	_, c := s.client(t)
	c.MustNil("GET", "k")
	c.MustOK("SET", "k", "v")
	c.MustBulk("v", "GET", "k")
	c.MustOK("SET", "k", "w")
	c.MustBulk("w", "GET", "k")
	c.MustOK("SET", "empty", "")
	c.MustBulk("", "GET", "empty")

	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	c.Must(resp.Simple("OK"), "SET", string(binary), string(binary)+"\r\n")
	c.MustBulk(string(binary)+"\r\n", "GET", string(binary))

	big := strings.Repeat("0123456789", 100000)
	c.MustOK("SET", "big", big)
	c.MustBulk(big, "GET", "big")
	c.MustInt(int64(len(big)), "STRLEN", "big")

	c.MustErr("ERR wrong number of arguments for 'get' command", "GET")
	c.MustErr("ERR wrong number of arguments for 'set' command", "SET", "k")
	c.MustErr("ERR wrong number of arguments for 'get' command", "get", "a", "b")
}

// TestSetOptions covers SET's NX, XX, GET, EX, PX, EXAT, PXAT and KEEPTTL,
// and the errors for bad combinations.
func (s *Suite) TestSetOptions(t *testing.T) {
	_, c := s.client(t)
	c.MustNil("SET", "k", "v", "XX")
	c.MustNil("GET", "k")
	c.MustOK("SET", "k", "v", "NX")
	c.MustNil("SET", "k", "w", "NX")
	c.MustBulk("v", "GET", "k")
	c.MustOK("SET", "k", "w", "XX")
	c.MustBulk("w", "GET", "k")

	c.MustBulk("w", "SET", "k", "x", "GET")
	c.MustNil("SET", "new", "x", "GET")
	c.MustBulk("x", "GET", "new")
	c.MustBulk("x", "SET", "k", "y", "NX", "GET") // NX fails: old value, no change
	c.MustBulk("x", "GET", "k")
	c.MustNil("SET", "missing", "y", "XX", "GET")
	c.MustNil("GET", "missing")

	c.MustOK("SET", "k", "v", "EX", "100")
	ttl := c.Int("TTL", "k")
	if ttl < 99 || ttl > 100 {
		t.Errorf("TTL after SET EX 100 = %d", ttl)
	}
	c.MustOK("SET", "k", "v", "PX", "100000")
	if pttl := c.Int("PTTL", "k"); pttl < 99000 || pttl > 100000 {
		t.Errorf("PTTL after SET PX 100000 = %d", pttl)
	}
	c.MustOK("SET", "k", "v2", "KEEPTTL")
	if pttl := c.Int("PTTL", "k"); pttl < 99000 || pttl > 100000 {
		t.Errorf("PTTL after SET KEEPTTL = %d", pttl)
	}
	c.MustOK("SET", "k", "v3")
	c.MustInt(-1, "TTL", "k") // a plain SET drops the TTL
	c.MustOK("SET", "k", "v", "EXAT", "4102444800")
	c.MustInt(4102444800, "EXPIRETIME", "k")
	c.MustOK("SET", "k", "v", "PXAT", "4102444800123")
	c.MustInt(4102444800123, "PEXPIRETIME", "k")
	c.MustInt(1, "DEL", "k")
	c.MustNil("SET", "k", "v", "ex", "100", "nx", "get") // options in any case and order
	c.MustInt(100, "TTL", "k")
	c.MustOK("SET", "k", "v", "px", "100000", "xx")
	c.MustOK("SET", "k", "v", "EX", "10", "EX", "100") // a repeated option: the last wins
	c.MustInt(100, "TTL", "k")

	for _, args := range [][]string{
		{"SET", "k", "v", "NX", "XX"},
		{"SET", "k", "v", "EX", "10", "PX", "10"},
		{"SET", "k", "v", "EX", "10", "KEEPTTL"},
		{"SET", "k", "v", "EX"},
		{"SET", "k", "v", "BOGUS"},
	} {
		c.MustErr("ERR syntax error", args...)
	}
	c.MustErr("ERR value is not an integer or out of range", "SET", "k", "v", "EX", "ten")
	for _, args := range [][]string{
		{"SET", "k", "v", "EX", "0"},
		{"SET", "k", "v", "PX", "-1"},
		{"SET", "k", "v", "EXAT", "0"},
		{"SET", "k", "v", "EX", "9223372036854775807"},
	} {
		c.MustErr("ERR invalid expire time in 'set' command", args...)
	}
}

// TestStringCommands covers the rest of the string group.
func (s *Suite) TestStringCommands(t *testing.T) {
	_, c := s.client(t)
	c.MustInt(1, "SETNX", "k", "v")
	c.MustInt(0, "SETNX", "k", "w")
	c.MustBulk("v", "GET", "k")

	c.MustOK("SETEX", "k", "100", "v")
	c.MustInt(100, "TTL", "k")
	c.MustErr("ERR invalid expire time in 'setex' command", "SETEX", "k", "0", "v")
	c.MustOK("PSETEX", "k", "100000", "v")
	c.MustInt(100, "TTL", "k")
	c.MustErr("ERR invalid expire time in 'psetex' command", "PSETEX", "k", "0", "v")

	c.MustOK("MSET", "a", "1", "b", "2")
	c.Must(resp.Array(resp.Bulk("1"), resp.Bulk("2"), nullBulk(c)), "MGET", "a", "b", "nope")
	c.MustErr("ERR wrong number of arguments for 'mset' command", "MSET", "a", "1", "b")
	c.MustInt(0, "MSETNX", "a", "9", "c", "3")
	c.MustNil("GET", "c")
	c.MustInt(1, "MSETNX", "c", "3", "d", "4")
	c.MustBulk("4", "GET", "d")

	c.MustBulk("1", "GETSET", "a", "x")
	c.MustNil("GETSET", "new", "y")
	c.MustBulk("x", "GETDEL", "a")
	c.MustNil("GETDEL", "a")
	c.MustInt(0, "EXISTS", "a")

	c.MustOK("SET", "k", "v")
	c.MustBulk("v", "GETEX", "k", "EX", "100")
	c.MustInt(100, "TTL", "k")
	c.MustBulk("v", "GETEX", "k", "PERSIST")
	c.MustInt(-1, "TTL", "k")
	c.MustBulk("v", "GETEX", "k")
	c.MustNil("GETEX", "nope", "EX", "10")
	c.MustErr("ERR syntax error", "GETEX", "k", "PERSIST", "EX", "1")
	c.MustErr("ERR invalid expire time in 'getex' command", "GETEX", "k", "EX", "0")

	c.MustInt(5, "APPEND", "s", "hello")
	c.MustInt(11, "APPEND", "s", " world")
	c.MustBulk("hello world", "GET", "s")
	c.MustInt(11, "STRLEN", "s")
	c.MustInt(0, "STRLEN", "nope")

	c.MustBulk("hello", "GETRANGE", "s", "0", "4")
	c.MustBulk("world", "GETRANGE", "s", "-5", "-1")
	c.MustBulk("hello world", "GETRANGE", "s", "0", "100")
	c.MustBulk("", "GETRANGE", "s", "5", "2")
	c.MustBulk("", "GETRANGE", "nope", "0", "-1")
	c.MustInt(11, "SETRANGE", "s", "6", "Redis")
	c.MustBulk("hello Redis", "GET", "s")
	c.MustInt(8, "SETRANGE", "pad", "5", "abc")
	c.MustBulk("\x00\x00\x00\x00\x00abc", "GET", "pad")
	c.MustInt(0, "SETRANGE", "nope", "5", "")
	c.MustInt(0, "EXISTS", "nope")
	c.MustErr("ERR offset is out of range", "SETRANGE", "s", "-1", "x")
	c.MustErr("ERR string exceeds maximum allowed size (proto-max-bulk-len)", "SETRANGE", "s", "536870912", "x")

	c.MustOK("SET", "a", "ohmytext")
	c.MustOK("SET", "b", "mynewtext")
	c.MustBulk("mytext", "LCS", "a", "b")
	c.MustInt(6, "LCS", "a", "b", "LEN")
}

// TestCounters covers INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.
func (s *Suite) TestCounters(t *testing.T) {
	_, c := s.client(t)
	c.MustInt(1, "INCR", "n")
	c.MustInt(0, "DECR", "n")
	c.MustInt(10, "INCRBY", "n", "10")
	c.MustInt(-5, "DECRBY", "n", "15")
	c.MustBulk("-5", "GET", "n")
	c.MustOK("SET", "n", "9223372036854775806")
	c.MustInt(9223372036854775807, "INCR", "n")
	c.MustErr("ERR increment or decrement would overflow", "INCR", "n")
	c.MustErr("ERR increment or decrement would overflow", "INCRBY", "n", "1")
	c.MustOK("SET", "n", "-9223372036854775808")
	c.MustErr("ERR increment or decrement would overflow", "DECR", "n")
	c.MustErr("ERR decrement would overflow", "DECRBY", "n", "-9223372036854775808")

	for _, v := range []string{"abc", "1.5", " 1", "1 ", "01", "+1", ""} {
		c.MustOK("SET", "s", v)
		c.MustErr("ERR value is not an integer or out of range", "INCR", "s")
	}
	c.MustErr("ERR value is not an integer or out of range", "INCRBY", "n", "x")

	c.MustOK("SET", "f", "10.5")
	c.MustBulk("10.6", "INCRBYFLOAT", "f", "0.1")
	c.MustBulk("5.6", "INCRBYFLOAT", "f", "-5")
	c.MustBulk("5.6", "GET", "f")
	c.MustBulk("3", "INCRBYFLOAT", "g", "3")
	c.MustBulk("5000", "INCRBYFLOAT", "g", "4.997e3")
	c.MustErr("ERR value is not a valid float", "INCRBYFLOAT", "f", "abc")
	c.MustOK("SET", "s", "abc")
	c.MustErr("ERR value is not a valid float", "INCRBYFLOAT", "s", "1")
	c.MustErr("ERR increment would produce NaN or Infinity", "INCRBYFLOAT", "f", "inf")
}

func nullBulk(c *Client) resp.Value {
	if c.W.Proto() == 3 {
		return resp.Null()
	}
	return resp.NullBulk()
}
