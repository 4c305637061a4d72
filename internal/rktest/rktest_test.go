package rktest_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// fakeTB records what RequireSkipAllowed does instead of doing it.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

// Fatalf and Skip end the goroutine, as testing.T's do.
func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Fatalf(format string, args ...any) { f.fatal = format; runtime.Goexit() }
func (f *fakeTB) Skip(args ...any)                  { f.skip = "skip"; runtime.Goexit() }

func requireSkipAllowed(f *fakeTB) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		rktest.RequireSkipAllowed(f, "no redis-server")
	}()
	<-done
}

func TestRequireSkipAllowed(t *testing.T) {
	t.Setenv("RK_TEST_DISALLOW_SKIP", "")
	f := &fakeTB{TB: t}
	requireSkipAllowed(f)
	if f.skip == "" || f.fatal != "" {
		t.Errorf("without RK_TEST_DISALLOW_SKIP: skip %q, fatal %q; want a skip", f.skip, f.fatal)
	}
	t.Setenv("RK_TEST_DISALLOW_SKIP", "1")
	f = &fakeTB{TB: t}
	requireSkipAllowed(f)
	if f.fatal == "" || f.skip != "" {
		t.Errorf("with RK_TEST_DISALLOW_SKIP: skip %q, fatal %q; want a failure", f.skip, f.fatal)
	}
}

func TestShape(t *testing.T) {
	a := resp.Array(resp.Bulk("1700000000"), resp.Bulk("123"))
	b := resp.Array(resp.Bulk("1800000000"), resp.Bulk("9"))
	if rktest.Shape(a) != rktest.Shape(b) {
		t.Errorf("TIME-like replies differ in shape: %s vs %s", rktest.Shape(a), rktest.Shape(b))
	}
	for _, v := range []resp.Value{resp.Array(resp.Bulk("x")), resp.Set(resp.Bulk("1"), resp.Bulk("2")), resp.NullArray(), resp.Err("WRONGTYPE x"), resp.Int(1)} {
		if rktest.Shape(v) == rktest.Shape(a) {
			t.Errorf("%v has the shape of %v", v, a)
		}
	}
	if rktest.Shape(resp.Err("ERR a")) != rktest.Shape(resp.Err("ERR b")) {
		t.Error("errors with the same code differ in shape")
	}
}

func TestVersionAtLeast(t *testing.T) {
	for _, c := range []struct {
		v, want string
		ok      bool
	}{
		{"7.4.1", "7.4", true}, {"7.0.15", "7.4", false}, {"8.0.0", "7.4", true}, {"7.10.0", "7.4", true}, {"7.4", "7.4.1", false},
	} {
		if got := rktest.VersionAtLeast(c.v, c.want); got != c.ok {
			t.Errorf("VersionAtLeast(%q, %q) = %v", c.v, c.want, got)
		}
	}
}

// TestConnRaw checks that ReadRaw returns replies exactly as sent, one at
// a time, even when several arrive in one packet.
func TestConnRaw(t *testing.T) {
	addr := rktest.StartRedis(t)
	c := rktest.Dial(t, addr)
	c.SendRaw([]byte("PING\r\nECHO \"a b\"\r\n*1\r\n$4\r\nPING\r\n"))
	for _, want := range []string{"+PONG\r\n", "$3\r\na b\r\n", "+PONG\r\n"} {
		raw, _, err := c.ReadRaw()
		if err != nil || string(raw) != want {
			t.Fatalf("ReadRaw = %q, %v; want %q", raw, err, want)
		}
	}
	c.Must(resp.Simple("OK"), "QUIT")
	c.ExpectClosed(5 * time.Second)
}
