package memory

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
)

// expireTestEngine is an engine with a hand-moved clock and one embedded
// session, for tests that look at the engine's insides.
type expireTestEngine struct {
	t   *testing.T
	e   *Engine
	s   backend.Session
	now atomic.Int64
}

func newExpireTestEngine(t *testing.T) *expireTestEngine {
	t.Helper()
	x := &expireTestEngine{t: t}
	x.now.Store(1_700_000_000_000)
	e, err := New(Options{Now: func() time.Time { return time.UnixMilli(x.now.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := e.Open(context.Background(), backend.ClientInfo{FD: -1})
	if err != nil {
		t.Fatal(err)
	}
	x.e, x.s = e, s
	return x
}

func (x *expireTestEngine) advance(d time.Duration) { x.now.Add(d.Milliseconds()) }

// do runs a command and returns its reply as RESP text.
func (x *expireTestEngine) do(args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	w := resp.NewWriter()
	x.s.Do(context.Background(), argv, w)
	return string(w.Bytes())
}

func (x *expireTestEngine) must(want string, args ...string) {
	x.t.Helper()
	if got := x.do(args...); got != want {
		x.t.Errorf("%q: got %q, want %q", args, got, want)
	}
}

func (x *expireTestEngine) expiredKeys() int64 {
	x.e.lock()
	defer x.e.unlock()
	return x.e.stats.expiredKeys
}

func (x *expireTestEngine) dbsize(i int) int {
	x.e.lock()
	defer x.e.unlock()
	return x.e.dbs[i].size()
}

func TestExpireLazyOnAccess(t *testing.T) {
	x := newExpireTestEngine(t)
	x.e.expireOn.Store(false)
	for _, k := range []string{"key1", "key2", "key3"} {
		x.must("+OK\r\n", "SET", k, "a")
		x.must(":1\r\n", "PEXPIRE", k, "500")
	}
	x.advance(time.Second)
	if n := x.dbsize(0); n != 3 {
		t.Fatalf("dbsize %d before access, want 3 (lazy expiry only)", n)
	}
	x.must("$-1\r\n", "GET", "key1")
	x.must(":0\r\n", "EXISTS", "key2")
	x.must(":0\r\n", "DEL", "key3") // an expired key is not counted as deleted
	if n := x.dbsize(0); n != 0 {
		t.Errorf("dbsize %d after access, want 0", n)
	}
	if n := x.expiredKeys(); n != 3 {
		t.Errorf("expired_keys = %d, want 3", n)
	}
	// EXPIRE must not resurrect a key that expired (issue #1026).
	x.must("+OK\r\n", "SET", "foo", "bar")
	x.must(":1\r\n", "PEXPIRE", "foo", "500")
	x.advance(time.Second)
	x.must(":0\r\n", "EXPIRE", "foo", "10")
	x.must(":0\r\n", "EXISTS", "foo")
}

func TestExpireActiveCycle(t *testing.T) {
	x := newExpireTestEngine(t)
	x.e.expireOn.Store(false)
	for i := 0; i < 500; i++ {
		k := "k" + strconv.Itoa(i)
		x.do("SET", k, "v")
		if i%5 != 0 {
			x.do("PEXPIRE", k, "100")
		}
	}
	x.do("SELECT", "3")
	for i := 0; i < 50; i++ {
		x.do("SET", "k"+strconv.Itoa(i), "v", "PX", "100")
	}
	x.advance(time.Second)
	// Run cycles by hand with active expiry off, as the ticker would.
	for i := 0; i < 100 && (x.dbsize(0) > 100 || x.dbsize(3) > 0); i++ {
		x.e.activeExpireCycle(newExpireParams(10, 1))
	}
	if n0, n3 := x.dbsize(0), x.dbsize(3); n0 != 100 || n3 != 0 {
		t.Errorf("after active expiry: db0 %d keys (want 100), db3 %d (want 0)", n0, n3)
	}
	if n := x.expiredKeys(); n != 450 {
		t.Errorf("expired_keys = %d, want 450", n)
	}
}

// TestExpireActiveLoop uses the real clock and the background ticker.
func TestExpireActiveLoop(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, _ := e.Open(context.Background(), backend.ClientInfo{FD: -1})
	do := func(args ...string) {
		argv := make([][]byte, len(args))
		for i, a := range args {
			argv[i] = []byte(a)
		}
		s.Do(context.Background(), argv, resp.NewWriter())
	}
	for i := 0; i < 3; i++ {
		do("SET", "key"+strconv.Itoa(i), "a", "PX", "100")
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		e.lock()
		n := e.dbs[0].size()
		e.unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d keys did not actively expire", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// With active expiry off, keys stay until touched.
	e.expireOn.Store(false)
	do("SET", "stay", "a", "PX", "10")
	time.Sleep(300 * time.Millisecond)
	e.lock()
	n := e.dbs[0].size()
	e.unlock()
	if n != 1 {
		t.Errorf("active expiry ran while off: %d keys", n)
	}
}

func TestExpireActiveRehash(t *testing.T) {
	x := newExpireTestEngine(t)
	for i := 0; i < 1000; i++ {
		x.do("SET", "k"+strconv.Itoa(i), "v")
	}
	for i := 0; i < 990; i++ {
		x.do("DEL", "k"+strconv.Itoa(i))
	}
	x.e.lock()
	for i := 0; i < 100 && (x.e.dbs[0].keys.rehashing() || len(x.e.dbs[0].keys.tables[0]) > 16); i++ {
		x.e.activeRehash()
	}
	size := len(x.e.dbs[0].keys.tables[0])
	x.e.unlock()
	if size > 16 {
		t.Errorf("table of %d buckets for 10 keys after active rehashing", size)
	}
}

func TestExpirePastDeadlineIsNotCountedAsExpiry(t *testing.T) {
	x := newExpireTestEngine(t)
	x.must("+OK\r\n", "SET", "k", "v")
	x.must(":1\r\n", "EXPIRE", "k", "-1")
	x.must(":0\r\n", "EXISTS", "k")
	if n := x.expiredKeys(); n != 0 {
		t.Errorf("expired_keys = %d after EXPIRE in the past, want 0 as in Redis", n)
	}
}

func TestExpireParams(t *testing.T) {
	p := newExpireParams(10, 1)
	if p.sample != 20 || p.stalePct != 10 || p.budget != 25*time.Millisecond {
		t.Errorf("defaults: %+v", p)
	}
	p = newExpireParams(100, 10)
	if p.sample != 65 || p.stalePct != 1 || p.budget != 4300*time.Microsecond {
		t.Errorf("hz 100, effort 10: %+v", p)
	}
}

func TestExpirePauseCron(t *testing.T) {
	x := newExpireTestEngine(t)
	x.e.lock()
	x.e.cfg.debug.pauseCron = true
	x.e.unlock()
	x.must("+OK\r\n", "SET", "k", "v", "PX", "1")
	x.advance(time.Second)
	time.Sleep(300 * time.Millisecond)
	if n := x.dbsize(0); n != 1 {
		t.Errorf("active expiry ran during DEBUG PAUSE-CRON: %d keys", n)
	}
}
