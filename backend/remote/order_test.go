package remote_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/protocol"
)

// TestPushReplyOrder checks both halves of the PushSource ordering contract
// through a real plugin process and a real redis-server, with a push
// handler installed as internal/server installs one: an invalidation that
// came before a reply on the wire reaches the handler before the reply is
// written, and one that came after it (Redis sends the invalidation a
// client causes itself after the reply, e.g. SET +OK then >invalidate)
// after the reply is written, also inside a pipeline.
func TestPushReplyOrder(t *testing.T) {
	addr := rktest.StartRedis(t)
	for _, mode := range []string{"redis", "redis-exec"} {
		t.Run(mode, func(t *testing.T) { testPushReplyOrder(t, mode, addr) })
	}
}

func testPushReplyOrder(t *testing.T, mode, addr string) {
	b := openPlugin(t, helper(t, mode), "redis://"+addr)
	s := session(t, b)
	other := session(t, b)

	var mu sync.Mutex
	var order []string
	pushed := make(chan struct{}, 1000)
	s.SetPushHandler(func(v resp.Value) {
		mu.Lock()
		order = append(order, "push:"+v.Elems[0].Str)
		mu.Unlock()
		pushed <- struct{}{}
	})
	w := &frameOrderWriter{Writer: resp.NewWriter(), mu: &mu, order: &order}
	run := func(cmds ...[]string) {
		t.Helper()
		batch := make([][][]byte, len(cmds))
		for i, c := range cmds {
			for _, a := range c {
				batch[i] = append(batch[i], []byte(a))
			}
		}
		if len(batch) == 1 {
			s.Do(context.Background(), batch[0], w)
		} else {
			s.DoPipeline(context.Background(), batch, w)
		}
	}
	// take waits for the handler to have received n pushes and returns the
	// events recorded since the last call.
	take := func(n int) []string {
		t.Helper()
		for range n {
			select {
			case <-pushed:
			case <-time.After(5 * time.Second):
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("a push did not arrive; order so far %v", order)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		got := order
		order = nil
		return got
	}
	check := func(round int, what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("round %d, %s: got %v, want %v", round, what, got, want)
		}
	}

	run([]string{"HELLO", "3"})
	run([]string{"CLIENT", "TRACKING", "ON"})
	take(0)
	for i := range 100 {
		k := fmt.Sprint("k", i)

		// Push after reply: the session's own SET.
		run([]string{"GET", k})
		run([]string{"SET", k, "v"})
		check(i, "SET then its invalidation", take(1), "reply", "reply", "push:invalidate")

		// Push after reply, inside a pipeline: +OK, >invalidate, +PONG.
		run([]string{"GET", k})
		run([]string{"SET", k, "w"}, []string{"PING"})
		check(i, "pipelined SET, PING", take(1), "reply", "reply", "push:invalidate", "reply")

		// Push before reply: another client's SET, then a command.
		run([]string{"GET", k})
		one(t, other, "SET", k, "x")
		run([]string{"PING"})
		check(i, "other's SET, then PING", take(1), "reply", "push:invalidate", "reply")
	}
}

// frameOrderWriter records "reply" for every reply frame written to it.
type frameOrderWriter struct {
	*resp.Writer
	mu    *sync.Mutex
	order *[]string
}

func (w *frameOrderWriter) WriteRaw(b []byte) {
	rd := resp.NewReader(bytes.NewReader(b))
	w.mu.Lock()
	for {
		if _, err := rd.ReadValue(); err != nil {
			if err != io.EOF {
				*w.order = append(*w.order, "malformed:"+err.Error())
			}
			break
		}
		*w.order = append(*w.order, "reply")
	}
	w.mu.Unlock()
	w.Writer.WriteRaw(b)
}

// quitDriver's sessions answer QUIT as a server does when it closes the
// connection right after the reply: the session-closed notice comes
// first, the reply a moment later. Closing the session before the reply
// came interrupts the call.
type quitDriver struct{ stallDriver }

func (quitDriver) Open(context.Context, string) (protocol.Backend, error) { return quitBackend{}, nil }

type quitBackend struct{ stallBackend }

func (quitBackend) OpenSession(_ context.Context, _ protocol.ClientInfo, ev protocol.Events) (protocol.Session, error) {
	return &quitSession{ev: ev, closed: make(chan struct{})}, nil
}

type quitSession struct {
	ev     protocol.Events
	once   sync.Once
	closed chan struct{}
}

func (s *quitSession) Do(context.Context, [][][]byte) (protocol.Reply, error) {
	s.ev.Closed(nil)
	select {
	case <-time.After(50 * time.Millisecond):
		return protocol.Reply{Frames: []byte("+OK\r\n"), Proto: 2, Closed: true}, nil
	case <-s.closed:
		return protocol.Reply{}, protocol.Errorf(protocol.CodeUnavailable, "interrupted by Close")
	}
}

func (s *quitSession) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

// TestClosedDuringCall: a session the driver reports closed while a call
// is in flight ends after the call, whose reply is delivered.
func TestClosedDuringCall(t *testing.T) {
	b, err := remote.OpenDriver(context.Background(), "quit", quitDriver{}, "quit://", remote.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s := session(t, b)
	w := resp.NewWriter()
	s.Do(context.Background(), [][]byte{[]byte("QUIT")}, w)
	if got := string(w.Bytes()); got != "+OK\r\n" {
		t.Errorf("QUIT: %q", got)
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Error("the session did not end")
	}
}
