package backendtest

import (
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestSelect covers SELECT and the isolation of the sixteen databases,
// per session, with MOVE, SWAPDB, FLUSHDB and FLUSHALL.
func (s *Suite) TestSelect(t *testing.T) {
	b, c := s.client(t)
	c.MustOK("SET", "k", "db0")
	c.MustOK("SELECT", "1")
	c.MustNil("GET", "k")
	c.MustOK("SET", "k", "db1")
	c.MustOK("SET", "only1", "x")
	c.MustInt(2, "DBSIZE")
	c.MustOK("SELECT", "0")
	c.MustBulk("db0", "GET", "k")
	c.MustInt(1, "DBSIZE")
	c.MustOK("SELECT", "15")
	c.MustInt(0, "DBSIZE")
	c.MustErr("ERR DB index is out of range", "SELECT", "16")
	c.MustErr("ERR DB index is out of range", "SELECT", "-1")
	c.MustErr("ERR value is not an integer or out of range", "SELECT", "x")
	c.MustInt(0, "DBSIZE") // still in 15

	// Each session has its own selected database.
	other := NewClient(t, b)
	other.MustBulk("db0", "GET", "k")
	other.MustOK("SELECT", "1")
	other.MustBulk("db1", "GET", "k")
	c.MustInt(0, "DBSIZE")

	// MOVE
	c.MustOK("SELECT", "0")
	c.MustInt(0, "MOVE", "k", "1") // exists in the target
	c.MustOK("SET", "m", "v", "EX", "100")
	c.MustInt(1, "MOVE", "m", "2")
	c.MustInt(0, "EXISTS", "m")
	c.MustInt(0, "MOVE", "nope", "2")
	c.MustErr("ERR source and destination objects are the same", "MOVE", "k", "0")
	c.MustErr("ERR DB index is out of range", "MOVE", "k", "16")
	c.MustErr("ERR value is not an integer or out of range", "MOVE", "k", "x")
	c.MustOK("SELECT", "2")
	c.MustBulk("v", "GET", "m")
	c.MustInt(100, "TTL", "m")

	// SWAPDB swaps the data under every session.
	c.MustOK("SELECT", "0")
	c.MustOK("SWAPDB", "0", "1")
	c.MustBulk("db1", "GET", "k")
	other.MustBulk("db0", "GET", "k") // other is on db 1
	c.MustOK("SWAPDB", "1", "0")
	c.MustBulk("db0", "GET", "k")
	c.MustOK("SWAPDB", "3", "3")
	c.MustErr("ERR DB index is out of range", "SWAPDB", "0", "16")
	c.MustErr("ERR invalid first DB index", "SWAPDB", "x", "0")
	c.MustErr("ERR invalid second DB index", "SWAPDB", "0", "x")

	// FLUSHDB empties one database, FLUSHALL all of them.
	c.MustOK("FLUSHDB")
	c.MustInt(0, "DBSIZE")
	other.MustInt(2, "DBSIZE")
	c.MustOK("FLUSHDB", "ASYNC")
	c.MustOK("FLUSHDB", "SYNC")
	c.MustErr("ERR syntax error", "FLUSHDB", "BOGUS")
	c.MustOK("FLUSHALL")
	other.MustInt(0, "DBSIZE")
	c.MustOK("SELECT", "2")
	c.MustInt(0, "DBSIZE")
	c.MustOK("FLUSHALL", "SYNC")
	c.MustErr("ERR syntax error", "FLUSHALL", "BOGUS")
	c.Must(resp.Simple("OK"), "SELECT", "0")
}
