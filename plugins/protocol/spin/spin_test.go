package spin

import (
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// pair returns the two ends of a loopback TCP connection, the first
// wrapped.
func pair(t *testing.T, want func() bool) (*Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer := <-accepted
	t.Cleanup(func() { nc.Close(); peer.Close() })
	return New(nc, want), peer
}

func readString(t *testing.T, c *Conn) string {
	t.Helper()
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if spinning.Load() || due.Load() != 0 {
		t.Fatalf("after Read: polling slot taken %v, %d replies due", spinning.Load(), due.Load())
	}
	return string(buf[:n])
}

func TestReads(t *testing.T) {
	c, peer := pair(t, Always)
	if Budget > 0 && c.rc == nil && runtime.GOOS == "linux" {
		t.Fatal("a TCP connection does not poll on Linux")
	}
	// Data already there, data that comes while the read polls, and data
	// that comes after it parked.
	peer.Write([]byte("now"))
	if got := readString(t, c); got != "now" {
		t.Errorf("got %q", got)
	}
	for _, delay := range []time.Duration{Budget / 4, 20 * time.Millisecond} {
		go func() {
			time.Sleep(delay)
			peer.Write([]byte("later"))
		}()
		if got := readString(t, c); got != "later" {
			t.Errorf("after %v: got %q", delay, got)
		}
	}
	peer.Close()
	if n, err := c.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("after close: %d, %v", n, err)
	}
	if spinning.Load() {
		t.Error("the polling slot is still taken after EOF")
	}
}

// TestKick: a reader parked because no reply was due polls once kicked, and
// the kick is invisible to it.
func TestKick(t *testing.T) {
	var due atomic.Bool
	c, peer := pair(t, due.Load)
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		n, err := c.Read(buf)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(buf[:n])
	}()
	time.Sleep(10 * time.Millisecond) // the reader parks
	due.Store(true)
	c.Kick()
	time.Sleep(10 * time.Millisecond)
	select {
	case g := <-got:
		t.Fatalf("the kick ended the read: %q", g)
	default:
	}
	peer.Write([]byte("reply"))
	select {
	case g := <-got:
		if g != "reply" {
			t.Errorf("got %q", g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no reply")
	}
	// A kick with no reader waiting is absorbed by the next read.
	c.Kick()
	peer.Write([]byte("next"))
	if g := readString(t, c); g != "next" {
		t.Errorf("got %q", g)
	}
}

// TestDeadline: a read deadline that is not a kick ends the read.
func TestDeadline(t *testing.T) {
	c, _ := pair(t, Always)
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := c.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read: %v", err)
	}
}

// TestRequests: a server-side connection reads requests as they come.
func TestRequests(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		nc, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			return
		}
		defer nc.Close()
		for _, m := range []string{"one", "two"} {
			time.Sleep(5 * time.Millisecond)
			nc.Write([]byte(m))
		}
	}()
	nc, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c := NewRequests(nc)
	defer c.Close()
	for _, want := range []string{"one", "two"} {
		if got := readString(t, c); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestPollingRules checks when a read may take the polling slot.
func TestPollingRules(t *testing.T) {
	// Earlier tests may have lost their CPU on a loaded machine.
	reset := func() { lastBusy.Store(0); quietAfter.Store(0); lastContended.Store(0) }
	reset()
	defer reset()
	lastBusy.Store(time.Now().UnixNano())
	if mayPoll() {
		t.Error("polled right after another reply was due")
	}
	lastBusy.Store(time.Now().Add(-busyWindow).UnixNano())
	if !mayPoll() {
		t.Fatal("no polling after a quiet busyWindow")
	}
	if mayPoll() {
		t.Error("two pollers at once")
	}
	spinning.Store(false)
	// One stray loss of the CPU is ignored; two close together stop
	// polling for a while.
	now := time.Now()
	contended(now.Add(-time.Second))
	contended(now)
	if quietAfter.Load() > now.UnixNano() {
		t.Error("quiet after losses a second apart")
	}
	contended(now.Add(time.Millisecond))
	if !(quietAfter.Load() > now.UnixNano()) || mayPoll() {
		t.Error("still polling after two losses within the strike window")
	}
}

func TestBudgetFromEnv(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":      DefaultBudget,
		"0":     0,
		"20us":  20 * time.Microsecond,
		" 1ms ": time.Millisecond,
		"1s":    time.Millisecond, // capped
		"-5us":  DefaultBudget,
		"fast":  DefaultBudget,
	} {
		if got := budgetFromEnv(in); got != want {
			t.Errorf("budgetFromEnv(%q) = %v, want %v", in, got, want)
		}
	}
}
