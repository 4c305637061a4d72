package backendtest

import (
	"strconv"
	"testing"
	"time"
)

// TestExpire covers EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX, XX, GT
// and LT, TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST.
func (s *Suite) TestExpire(t *testing.T) {
	_, c := s.client(t)
	c.MustInt(-2, "TTL", "k")
	c.MustInt(-2, "PTTL", "k")
	c.MustInt(-2, "EXPIRETIME", "k")
	c.MustInt(-2, "PEXPIRETIME", "k")
	c.MustInt(0, "EXPIRE", "k", "100")
	c.MustInt(0, "PEXPIREAT", "k", "4102444800000")
	c.MustInt(0, "PERSIST", "k")

	c.MustOK("SET", "k", "v")
	c.MustInt(-1, "TTL", "k")
	c.MustInt(-1, "PTTL", "k")
	c.MustInt(-1, "EXPIRETIME", "k")
	c.MustInt(0, "PERSIST", "k")

	c.MustInt(1, "EXPIRE", "k", "100")
	c.MustInt(100, "TTL", "k")
	if pttl := c.Int("PTTL", "k"); pttl <= 99000 || pttl > 100000 {
		t.Errorf("PTTL = %d", pttl)
	}
	now := time.Now().Unix()
	if at := c.Int("EXPIRETIME", "k"); at < now+98 || at > now+102 {
		t.Errorf("EXPIRETIME = %d, now %d", at, now)
	}
	c.MustInt(1, "PEXPIRE", "k", "50000")
	c.MustInt(50, "TTL", "k")
	c.MustInt(1, "EXPIREAT", "k", "4102444800")
	c.MustInt(4102444800, "EXPIRETIME", "k")
	c.MustInt(4102444800000, "PEXPIRETIME", "k")
	c.MustInt(1, "PEXPIREAT", "k", "4102444800123")
	c.MustInt(4102444800123, "PEXPIRETIME", "k")
	c.MustInt(4102444800, "EXPIRETIME", "k")
	c.MustInt(1, "PERSIST", "k")
	c.MustInt(-1, "TTL", "k")

	// NX XX GT LT. A key without a TTL counts as an infinite TTL.
	c.MustInt(0, "EXPIRE", "k", "100", "XX")
	c.MustInt(0, "EXPIRE", "k", "100", "GT")
	c.MustInt(1, "EXPIRE", "k", "100", "NX")
	c.MustInt(0, "EXPIRE", "k", "200", "NX")
	c.MustInt(0, "EXPIRE", "k", "50", "GT")
	c.MustInt(1, "EXPIRE", "k", "200", "GT")
	c.MustInt(200, "TTL", "k")
	c.MustInt(0, "EXPIRE", "k", "300", "LT")
	c.MustInt(1, "EXPIRE", "k", "50", "LT")
	c.MustInt(1, "EXPIRE", "k", "60", "XX")
	c.MustInt(60, "TTL", "k")
	c.MustInt(1, "PERSIST", "k")
	c.MustInt(1, "PEXPIRE", "k", "100000", "LT")
	c.MustInt(1, "EXPIRE", "k", "100", "XX", "XX")
	c.MustErr("ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIRE", "k", "100", "NX", "XX")
	c.MustErr("ERR NX and XX, GT or LT options at the same time are not compatible", "EXPIRE", "k", "100", "NX", "GT")
	c.MustErr("ERR GT and LT options at the same time are not compatible", "PEXPIRE", "k", "100", "GT", "LT")
	c.MustErr("ERR Unsupported option BOGUS", "EXPIRE", "k", "100", "BOGUS")
	c.MustErr("ERR value is not an integer or out of range", "EXPIRE", "k", "abc")
	c.MustErr("ERR invalid expire time in 'expire' command", "EXPIRE", "k", "9223372036854775807")
	c.MustErr("ERR invalid expire time in 'pexpire' command", "PEXPIRE", "k", "9223372036854775807")
	c.MustErr("ERR invalid expire time in 'expireat' command", "EXPIREAT", "k", "9223372036854775807")
	c.MustErr("ERR wrong number of arguments for 'expire' command", "EXPIRE", "k")

	// A time in the past deletes the key at once.
	c.MustInt(1, "EXPIRE", "k", "-1")
	c.MustInt(0, "EXISTS", "k")
	c.MustOK("SET", "k", "v")
	c.MustInt(1, "EXPIREAT", "k", "1")
	c.MustInt(0, "EXISTS", "k")
	c.MustOK("SET", "k", "v")
	c.MustInt(1, "PEXPIRE", "k", "0")
	c.MustNil("GET", "k")

	// Overwriting drops the TTL; changing the value in place keeps it.
	c.MustOK("SET", "k", "v", "EX", "100")
	c.MustInt(3, "APPEND", "k", "ab")
	c.MustInt(100, "TTL", "k")
	c.MustOK("SET", "n", "1", "EX", "100")
	c.MustInt(2, "INCR", "n")
	c.MustInt(100, "TTL", "n")
	c.MustBulk("2", "GETSET", "n", "5")
	c.MustInt(-1, "TTL", "n")
}

// TestExpiryHappens waits for keys to expire in real time: a read sees
// them gone, and so do EXISTS, DBSIZE and KEYS.
func (s *Suite) TestExpiryHappens(t *testing.T) {
	_, c := s.client(t)
	c.MustOK("SET", "a", "1", "PX", "100")
	c.MustOK("SET", "b", "1", "PX", "100")
	c.MustOK("SET", "c", "1", "PX", "100")
	c.MustOK("SET", "keep", "1")
	c.MustOK("PSETEX", "d", "100", "x")
	c.MustInt(1, "PEXPIRE", "keep", "100000")
	c.MustInt(5, "DBSIZE")
	time.Sleep(250 * time.Millisecond)
	c.MustNil("GET", "a")
	c.MustInt(0, "EXISTS", "b")
	c.MustInt(-2, "TTL", "c")
	c.MustBulks([]string{"KEYS", "*"}, "keep")
	// Active expiry has had time to run, or the reads above removed them.
	deadline := time.Now().Add(3 * time.Second)
	for c.Int("DBSIZE") != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("DBSIZE = %d long after the keys expired", c.Int("DBSIZE"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i := 0; i < 50; i++ {
		c.MustOK("SET", "many:"+strconv.Itoa(i), "v", "PX", "50")
	}
	time.Sleep(150 * time.Millisecond)
	c.MustInt(0, "EXISTS", "many:0", "many:49")
	c.MustNil("GETDEL", "many:1")
	c.MustErr("ERR no such key", "RENAME", "many:2", "x")
	c.MustInt(0, "COPY", "many:3", "x")
	c.MustInt(1, "SETNX", "many:4", "new")
	c.MustInt(-1, "TTL", "many:4")
}
