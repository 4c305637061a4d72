package memory_test

import (
	"testing"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// newServer starts an engine with the given configuration behind a real
// TCP server and returns a connection to it.
func newServer(t *testing.T, config map[string]string) (*memory.Engine, *rktest.Conn) {
	t.Helper()
	return newServerWith(t, memory.Options{Config: config})
}

// newServerWith is newServer with every engine option.
func newServerWith(t *testing.T, opts memory.Options) (*memory.Engine, *rktest.Conn) {
	t.Helper()
	e, err := memory.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	addr := rktest.Serve(t, e)
	return e, rktest.Dial(t, addr)
}

func TestPingEchoSelect(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Simple("PONG"), "PING")
	c.Must(resp.Bulk("hi"), "PING", "hi")
	c.MustErr("ERR wrong number of arguments for 'ping' command", "PING", "a", "b")
	c.Must(resp.Bulk("x"), "ECHO", "x")
	c.MustOK("SELECT", "15")
	c.MustErr("ERR DB index is out of range", "SELECT", "16")
	c.MustErr("ERR value is not an integer or out of range", "SELECT", "x")
	c.MustErr("ERR unknown command 'nope', with args beginning with: 'a' 'b' ", "nope", "a", "b")
}

func TestRequirepass(t *testing.T) {
	_, c := newServer(t, map[string]string{"requirepass": "s3cret"})
	c.MustErr("NOAUTH Authentication required.", "GET", "k")
	c.MustErr("WRONGPASS invalid username-password pair or user is disabled.", "AUTH", "bad")
	c.MustOK("AUTH", "s3cret")
	c.Must(resp.NullBulk(), "GET", "k")
}
