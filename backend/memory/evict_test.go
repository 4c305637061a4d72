package memory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

const oomText = "OOM command not allowed when used memory > 'maxmemory'."

// newServerConns starts a server and returns two connections to it.
func newServerConns(t *testing.T, opts memory.Options) (*rktest.Conn, *rktest.Conn) {
	t.Helper()
	e, err := memory.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	addr := rktest.Serve(t, e)
	return rktest.Dial(t, addr), rktest.Dial(t, addr)
}

// With noeviction, deny-oom commands are refused once used memory is over
// maxmemory (1 byte is always over, as Redis's tests use it), and counted
// as rejected; reads, DEL and CONFIG SET still work.
func TestMaxmemoryNoEviction(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "k", "v")
	c.MustOK("CONFIG", "SET", "maxmemory", "1")
	c.MustErr(oomText, "SET", "k2", "v")
	c.MustErr(oomText, "LPUSH", "l", "x")
	c.MustErr(oomText, "APPEND", "k", "x")
	c.Must(resp.Bulk("v"), "GET", "k")
	c.Must(resp.Simple("PONG"), "PING")
	c.Must(resp.Int(1), "DEL", "k")
	c.MustOK("CONFIG", "SET", "maxmemory", "0")
	c.MustOK("SET", "k2", "v")
	if v := infoField(t, c, "stats", "evicted_keys"); v != "0" {
		t.Fatalf("evicted_keys = %s, want 0", v)
	}
	if v := infoField(t, c, "errorstats", "errorstat_OOM"); v != "count=3" {
		t.Fatalf("errorstat_OOM = %s", v)
	}
	if v := infoField(t, c, "commandstats", "cmdstat_set"); !strings.Contains(v, "rejected_calls=1,") {
		t.Fatalf("cmdstat_set = %s", v)
	}
}

// multi.tcl: "EXEC fails if there are errors while queueing commands #2".
func TestMaxmemoryMultiQueueingOOM(t *testing.T) {
	r, rd := newServerConns(t, memory.Options{})
	r.MustOK("MULTI")
	r.Must(resp.Simple("QUEUED"), "SET", "foo1", "bar1")
	rd.MustOK("CONFIG", "SET", "maxmemory", "1")
	r.MustErr(oomText, "LPUSH", "mylist", "myvalue")
	rd.MustOK("CONFIG", "SET", "maxmemory", "0")
	r.Must(resp.Simple("QUEUED"), "SET", "foo2", "bar2")
	r.MustErr("EXECABORT Transaction discarded because of previous errors.", "EXEC")
	r.Must(resp.Int(0), "EXISTS", "foo1")
	r.Must(resp.Int(0), "EXISTS", "foo2")
}

// multi.tcl: "DISCARD should not fail during OOM".
func TestMaxmemoryDiscardDuringOOM(t *testing.T) {
	r, rd := newServerConns(t, memory.Options{})
	rd.MustOK("CONFIG", "SET", "maxmemory", "1")
	r.MustOK("MULTI")
	r.MustErr(oomText, "SET", "x", "1")
	// Queueing anything is refused while over, even a read.
	r.MustErr(oomText, "GET", "x")
	r.MustOK("DISCARD")
	rd.MustOK("CONFIG", "SET", "maxmemory", "0")
	r.Must(resp.Simple("PONG"), "PING")
}

// multi.tcl: "EXEC with only read commands should not be rejected when
// OOM" and "EXEC with at least one use-memory command should fail".
func TestMaxmemoryExecOOM(t *testing.T) {
	r, r2 := newServerConns(t, memory.Options{})
	r.MustOK("SET", "x", "value")
	r.MustOK("MULTI")
	r.Must(resp.Simple("QUEUED"), "GET", "x")
	r.Must(resp.Simple("QUEUED"), "PING")
	r2.MustOK("CONFIG", "SET", "maxmemory", "1")
	r.Must(resp.Array(resp.Bulk("value"), resp.Simple("PONG")), "EXEC")
	r2.MustOK("CONFIG", "SET", "maxmemory", "0")

	r.MustOK("MULTI")
	r.Must(resp.Simple("QUEUED"), "SET", "x", "1")
	r.Must(resp.Simple("QUEUED"), "GET", "x")
	r2.MustOK("CONFIG", "SET", "maxmemory", "1")
	r.MustErr("EXECABORT Transaction discarded because of: "+oomText, "EXEC")
	// The transaction is gone.
	r.MustErr("ERR EXEC without MULTI", "EXEC")
	r2.MustOK("CONFIG", "SET", "maxmemory", "0")
	r.Must(resp.Bulk("value"), "GET", "x")
}

// allkeys-lru evicts the keys idle longest. With maxmemory-samples above
// the number of keys every key is sampled, and with
// maxmemory-eviction-tenacity 0 a command evicts 16 keys before it runs
// out of time, so exactly the 16 idle ones go. (Each command evicts
// before it runs, so the next one would evict 16 more.)
func TestMaxmemoryAllkeysLRU(t *testing.T) {
	clk, c := newClockServer(t, map[string]string{
		"maxmemory-policy":            "allkeys-lru",
		"maxmemory-samples":           "64",
		"maxmemory-eviction-tenacity": "0",
	})
	for i := range 32 {
		c.MustOK("SET", fmt.Sprintf("k%02d", i), "v")
	}
	clk.advance(10 * time.Second)
	for i := 16; i < 32; i++ {
		c.Must(resp.Bulk("v"), "GET", fmt.Sprintf("k%02d", i))
	}
	clk.advance(10 * time.Second)
	c.MustOK("WATCH", "k00")
	c.MustOK("CONFIG", "SET", "maxmemory", "1")
	// Every command evicts first: this one evicts 16 keys, runs out of
	// time, and so is not refused.
	c.MustOK("CONFIG", "SET", "maxmemory", "0")
	c.Must(resp.Int(16), "DBSIZE")
	for i := range 32 {
		want := int64(0)
		if i >= 16 {
			want = 1
		}
		c.Must(resp.Int(want), "EXISTS", fmt.Sprintf("k%02d", i))
	}
	if v := infoField(t, c, "stats", "evicted_keys"); v != "16" {
		t.Fatalf("evicted_keys = %s, want 16", v)
	}
	// An evicted key counts as modified.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "PING")
	c.Must(resp.NullArray(), "EXEC")
}

// Under a volatile policy only keys with a TTL are evicted; when none is
// left, deny-oom commands are refused.
func TestMaxmemoryVolatile(t *testing.T) {
	for _, policy := range []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		t.Run(policy, func(t *testing.T) {
			_, c := newServer(t, map[string]string{"maxmemory-policy": policy})
			for i := range 10 {
				c.MustOK("SET", fmt.Sprintf("p%d", i), "v")
				c.MustOK("SET", fmt.Sprintf("v%d", i), "v", "EX", "1000")
			}
			c.MustOK("SELECT", "1")
			c.MustOK("SET", "v1", "v", "EX", "1000")
			c.MustOK("SELECT", "0")
			c.MustOK("CONFIG", "SET", "maxmemory", "1")
			c.MustErr(oomText, "SET", "new", "v")
			c.MustOK("CONFIG", "SET", "maxmemory", "0")
			c.Must(resp.Int(10), "DBSIZE")
			for i := range 10 {
				c.Must(resp.Int(1), "EXISTS", fmt.Sprintf("p%d", i))
			}
			c.MustOK("SELECT", "1")
			c.Must(resp.Int(0), "DBSIZE")
			if v := infoField(t, c, "stats", "evicted_keys"); v != "11" {
				t.Fatalf("evicted_keys = %s, want 11", v)
			}
		})
	}
}

// volatile-ttl evicts the soonest deadlines first.
func TestMaxmemoryVolatileTTLOrder(t *testing.T) {
	_, c := newServer(t, map[string]string{
		"maxmemory-policy":            "volatile-ttl",
		"maxmemory-samples":           "64",
		"maxmemory-eviction-tenacity": "0",
	})
	for i := range 32 {
		c.MustOK("SET", fmt.Sprintf("k%02d", i), "v", "EX", fmt.Sprint(1000+i))
	}
	c.MustOK("CONFIG", "SET", "maxmemory", "1")
	c.MustOK("CONFIG", "SET", "maxmemory", "0") // evicts 16 keys first
	c.Must(resp.Int(16), "DBSIZE")
	for i := range 32 {
		want := int64(0)
		if i >= 16 {
			want = 1
		}
		c.Must(resp.Int(want), "EXISTS", fmt.Sprintf("k%02d", i))
	}
}

// allkeys-random empties every database before refusing.
func TestMaxmemoryAllkeysRandom(t *testing.T) {
	_, c := newServer(t, map[string]string{"maxmemory-policy": "allkeys-random"})
	for i := range 20 {
		c.MustOK("SET", fmt.Sprintf("k%d", i), "v")
	}
	c.MustOK("SELECT", "3")
	c.MustOK("SET", "k", "v")
	c.MustOK("CONFIG", "SET", "maxmemory", "1")
	c.MustErr(oomText, "SET", "k", "v2")
	c.MustOK("CONFIG", "SET", "maxmemory", "0")
	c.Must(resp.Int(0), "DBSIZE")
	c.MustOK("SELECT", "0")
	c.Must(resp.Int(0), "DBSIZE")
	if v := infoField(t, c, "stats", "evicted_keys"); v != "21" {
		t.Fatalf("evicted_keys = %s, want 21", v)
	}
}

// A generous maxmemory evicts nothing and refuses nothing.
func TestMaxmemoryUnderLimit(t *testing.T) {
	_, c := newServer(t, map[string]string{"maxmemory": "64gb", "maxmemory-policy": "allkeys-lru"})
	for i := range 100 {
		c.MustOK("SET", fmt.Sprintf("k%d", i), "v")
	}
	c.Must(resp.Int(100), "DBSIZE")
	if v := infoField(t, c, "stats", "evicted_keys"); v != "0" {
		t.Fatalf("evicted_keys = %s", v)
	}
}
