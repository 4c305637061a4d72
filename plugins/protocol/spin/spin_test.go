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
	if spinning.Load() {
		t.Fatal("the polling slot is still taken after Read")
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
