package backendtest

import (
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// helloFields checks a HELLO reply: a map in RESP3, a flat array in RESP2,
// with Redis's seven fields in Redis's order.
func helloFields(t *testing.T, v resp.Value, proto int64) {
	t.Helper()
	kind := resp.KindMap
	if proto == 2 {
		kind = resp.KindArray
	}
	if v.Kind != kind || len(v.Elems) != 14 {
		t.Fatalf("HELLO %d reply %v: want a %c with 7 fields", proto, v, kind)
	}
	names := []string{"server", "version", "proto", "id", "mode", "role", "modules"}
	for i, name := range names {
		if k := v.Elems[2*i]; !Equal(k, resp.Bulk(name)) {
			t.Errorf("HELLO field %d is %v, want %q", i, k, name)
		}
	}
	field := func(i int) resp.Value { return v.Elems[2*i+1] }
	if !Equal(field(2), resp.Int(proto)) {
		t.Errorf("HELLO proto = %v, want %d", field(2), proto)
	}
	if field(0).Kind != resp.KindBulk || field(1).Kind != resp.KindBulk {
		t.Errorf("HELLO server, version = %v, %v", field(0), field(1))
	}
	if field(3).Kind != resp.KindInt {
		t.Errorf("HELLO id = %v", field(3))
	}
	if !Equal(field(4), resp.Bulk("standalone")) && !Equal(field(4), resp.Bulk("cluster")) {
		t.Errorf("HELLO mode = %v", field(4))
	}
	if !Equal(field(5), resp.Bulk("master")) && !Equal(field(5), resp.Bulk("replica")) {
		t.Errorf("HELLO role = %v", field(5))
	}
	if field(6).Kind != resp.KindArray {
		t.Errorf("HELLO modules = %v", field(6))
	}
}

// TestRESP3 switches a session to RESP3 with HELLO 3 and back, and checks
// the reply types that differ between the two protocols.
func (s *Suite) TestRESP3(t *testing.T) {
	_, c := s.client(t)
	if c.W.Proto() != 2 {
		t.Fatalf("a new writer speaks RESP%d", c.W.Proto())
	}
	helloFields(t, c.Do("HELLO"), 2)
	helloFields(t, c.Do("HELLO", "3"), 3)
	if c.W.Proto() != 3 {
		t.Fatalf("after HELLO 3 the session's writer speaks RESP%d", c.W.Proto())
	}
	helloFields(t, c.Do("HELLO"), 3) // no argument: stay on RESP3

	c.Must(resp.Null(), "GET", "nope")
	c.Must(resp.Array(resp.Null()), "MGET", "nope")
	c.Must(resp.Null(), "RANDOMKEY")
	c.Must(resp.Null(), "SET", "k", "v", "XX")
	c.Must(resp.Null(), "OBJECT", "ENCODING", "nope")
	c.MustOK("SET", "k", "v")
	c.MustBulk("v", "GET", "k")
	c.Must(resp.Simple("PONG"), "PING")
	c.MustBulk("1.5", "INCRBYFLOAT", "f", "1.5") // a bulk string in both protocols
	c.Must(resp.Map(resp.Bulk("maxmemory"), resp.Bulk("0")), "CONFIG", "GET", "maxmemory")

	// A transaction aborted by WATCH is a null, not a null array.
	c.MustOK("WATCH", "k")
	c.MustOK("SET", "k", "w")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "k")
	c.Must(resp.Null(), "EXEC")

	helloFields(t, c.Do("HELLO", "2"), 2)
	if c.W.Proto() != 2 {
		t.Fatalf("after HELLO 2 the session's writer speaks RESP%d", c.W.Proto())
	}
	c.Must(resp.NullBulk(), "GET", "nope")
	c.Must(resp.BulkStrings("maxmemory", "0"), "CONFIG", "GET", "maxmemory")

	// RESET goes back to RESP2.
	helloFields(t, c.Do("HELLO", "3"), 3)
	c.Must(resp.Simple("RESET"), "RESET")
	if c.W.Proto() != 2 {
		t.Fatalf("after RESET the session's writer speaks RESP%d", c.W.Proto())
	}
	c.Must(resp.NullBulk(), "GET", "nope")
}

// TestHelloErrors covers HELLO's argument errors, which leave the protocol
// as it was.
func (s *Suite) TestHelloErrors(t *testing.T) {
	_, c := s.client(t)
	c.MustErr("NOPROTO unsupported protocol version", "HELLO", "4")
	c.MustErr("NOPROTO unsupported protocol version", "HELLO", "1")
	c.MustErr("ERR Protocol version is not an integer or out of range", "HELLO", "x")
	c.MustErr("ERR Syntax error in HELLO option 'BOGUS'", "HELLO", "3", "BOGUS")
	c.MustErr("ERR Syntax error in HELLO option 'SETNAME'", "HELLO", "3", "SETNAME")
	c.MustErr("ERR Syntax error in HELLO option 'AUTH'", "HELLO", "3", "AUTH", "default")
	c.MustErr("WRONGPASS invalid username-password pair or user is disabled.", "HELLO", "3", "AUTH", "nobody", "x")
	if c.W.Proto() != 2 {
		t.Fatalf("a failed HELLO switched the writer to RESP%d", c.W.Proto())
	}
	c.Must(resp.NullBulk(), "GET", "nope")
	// The default user has no password: any password authenticates it.
	helloFields(t, c.Do("HELLO", "3", "AUTH", "default", "anything", "SETNAME", "conformance"), 3)
	c.MustErr("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?", "AUTH", "x")
	c.MustOK("AUTH", "default", "anything")
	c.MustErr("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "nobody", "x")
	c.MustErr("ERR syntax error", "AUTH", "a", "b", "c")
}
