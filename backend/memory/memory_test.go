package memory_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// testClock is a clock a test moves by hand.
type testClock struct{ ms atomic.Int64 }

// newTestClock returns a clock stopped at Unix time startMs (ms).
func newTestClock(startMs int64) *testClock {
	k := &testClock{}
	k.ms.Store(startMs)
	return k
}

func (k *testClock) now() time.Time          { return time.UnixMilli(k.ms.Load()) }
func (k *testClock) advance(d time.Duration) { k.ms.Add(d.Milliseconds()) }
func (k *testClock) unixMs() int64           { return k.ms.Load() }

// newClockServer is newServer with a clock that moves only when the test
// says so, starting at Unix time 1,700,000,000 s. Active expiry still
// runs, against that clock.
func newClockServer(t *testing.T, config map[string]string) (*testClock, *rktest.Conn) {
	t.Helper()
	clk := newTestClock(1_700_000_000_000)
	_, c := newServerWith(t, memory.Options{Now: clk.now, Config: config})
	return clk, c
}

// infoField reads one field of an INFO section.
func infoField(t *testing.T, c rktest.Doer, section, field string) string {
	t.Helper()
	v := c.Do("INFO", section)
	for _, line := range strings.Split(v.Str, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok && k == field {
			return val
		}
	}
	t.Fatalf("INFO %s has no %s: %v", section, field, v)
	return ""
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

// HELLO reads all its options before it authenticates, as Redis does: a
// HELLO refused for a bad option or client name leaves the client
// unauthenticated, and of several AUTH options the last one counts
// (verified against 7.4.1).
func TestHelloAuthenticatesLast(t *testing.T) {
	_, c := newServer(t, map[string]string{"requirepass": "pw"})
	c.MustErr("ERR Client names cannot contain spaces, newlines or special characters.",
		"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "a b")
	c.MustErr("NOAUTH Authentication required.", "PING")
	c.MustErr("ERR Syntax error in HELLO option 'BOGUS'", "HELLO", "2", "AUTH", "default", "pw", "BOGUS")
	c.MustErr("NOAUTH Authentication required.", "PING")
	c.MustErr("ERR Client names cannot contain spaces, newlines or special characters.",
		"HELLO", "2", "AUTH", "default", "wrong", "SETNAME", "a b")
	c.MustErr("WRONGPASS invalid username-password pair or user is disabled.",
		"HELLO", "2", "AUTH", "default", "pw", "AUTH", "default", "wrong")
	c.MustErr("NOAUTH Authentication required.", "PING")
	if v := c.Do("HELLO", "2", "AUTH", "default", "wrong", "AUTH", "default", "pw"); v.IsError() {
		t.Fatalf("HELLO with a good last AUTH: %v", v)
	}
	c.Must(resp.Simple("PONG"), "PING")
}
