// Package backendtest is the conformance suite every backend.Backend must
// pass: the embedded engine (backend/memory) and real servers reached
// through the remote backend alike. When a backend and real Redis
// disagree, real Redis is right, and the suite is written to Redis's
// behaviour (it runs against a real redis-server in its own tests).
//
// # Use
//
// A backend's tests call Run with a function that opens a fresh backend:
//
//	func TestConformance(t *testing.T) {
//		backendtest.Run(t, func(t *testing.T) backend.Backend {
//			e, err := memory.New(memory.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { e.Close() })
//			return e
//		})
//	}
//
// Run runs every Test* method of Suite as a subtest, in the manner of
// restic's backend test suite. Each test opens its backend, opens sessions
// on it, and talks to them only through Session.Do (and Pipeliner when the
// session has it) with a resp.Writer, parsing what the writer received
// with resp.Reader: exactly what a network client would see. A test starts
// with FLUSHALL, so a backend over a shared server works too.
//
// # Adding a test
//
// Add a method TestXxx(t *testing.T) to Suite in the file of its group.
// Use only behaviour real Redis 7.0 and later share, compare replies with
// their exact RESP types (a RESP2 null bulk is not a RESP3 null), and
// compare error texts in full.
package backendtest

import (
	"bufio"
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
)

// Suite holds the function that opens a fresh backend for one test.
type Suite struct {
	Open func(t *testing.T) backend.Backend
}

// Run runs every test of the suite as a subtest of t.
func Run(t *testing.T, open func(t *testing.T) backend.Backend) {
	s := &Suite{Open: open}
	v := reflect.ValueOf(s)
	typ := v.Type()
	ran := 0
	for i := 0; i < typ.NumMethod(); i++ {
		name := typ.Method(i).Name
		if !strings.HasPrefix(name, "Test") {
			continue
		}
		m := v.Method(i)
		ran++
		t.Run(strings.TrimPrefix(name, "Test"), func(t *testing.T) {
			m.Call([]reflect.Value{reflect.ValueOf(t)})
		})
	}
	if ran == 0 {
		t.Fatal("backendtest: no tests found")
	}
}

// Client is one session of the backend under test, with the reply writer
// a network connection would have.
type Client struct {
	t    *testing.T
	Sess backend.Session
	W    *resp.Writer
}

// backend opens the backend for test t and empties it.
func (s *Suite) backend(t *testing.T) backend.Backend {
	t.Helper()
	b := s.Open(t)
	if b == nil {
		t.Fatal("Open returned a nil backend")
	}
	c := NewClient(t, b)
	c.MustOK("FLUSHALL")
	c.Close()
	return b
}

// client opens a fresh backend and one session on it.
func (s *Suite) client(t *testing.T) (backend.Backend, *Client) {
	t.Helper()
	b := s.backend(t)
	return b, NewClient(t, b)
}

// NewClient opens a session on b, closed when the test ends.
func NewClient(t *testing.T, b backend.Backend) *Client {
	t.Helper()
	sess, err := b.Open(t.Context(), backend.ClientInfo{Addr: "127.0.0.1:40000", LAddr: "127.0.0.1:6379", FD: -1})
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { sess.Close() })
	return &Client{t: t, Sess: sess, W: resp.NewWriter()}
}

// Close ends the session.
func (c *Client) Close() {
	c.t.Helper()
	if err := c.Sess.Close(); err != nil {
		c.t.Errorf("close session: %v", err)
	}
}

func argv(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// Do runs one command and returns its reply. It fails the test unless the
// command wrote exactly one well-formed reply.
func (c *Client) Do(args ...string) resp.Value {
	c.t.Helper()
	c.Sess.Do(c.t.Context(), argv(args), c.W)
	replies := c.replies(args)
	if len(replies) != 1 {
		c.t.Fatalf("%q wrote %d replies, want 1: %v", args, len(replies), replies)
	}
	return replies[0]
}

// DoBytes runs a command whose arguments are raw bytes.
func (c *Client) DoBytes(args ...[]byte) resp.Value {
	c.t.Helper()
	c.Sess.Do(c.t.Context(), args, c.W)
	replies := c.replies(args)
	if len(replies) != 1 {
		c.t.Fatalf("%q wrote %d replies, want 1", args, len(replies))
	}
	return replies[0]
}

// Pipeline runs the commands as one batch, through Pipeliner when the
// session implements it, and returns their replies.
func (c *Client) Pipeline(cmds ...[]string) []resp.Value {
	c.t.Helper()
	batch := make([][][]byte, len(cmds))
	for i, cmd := range cmds {
		batch[i] = argv(cmd)
	}
	if p, ok := c.Sess.(backend.Pipeliner); ok {
		p.DoPipeline(c.t.Context(), batch, c.W)
	} else {
		for _, a := range batch {
			c.Sess.Do(c.t.Context(), a, c.W)
		}
	}
	return c.replies(cmds)
}

// replies parses and empties what the writer holds.
func (c *Client) replies(what any) []resp.Value {
	c.t.Helper()
	br := bufio.NewReader(bytes.NewReader(c.W.Bytes()))
	rd := resp.NewReader(br)
	var out []resp.Value
	for {
		if _, err := br.Peek(1); err == io.EOF {
			break
		}
		v, err := rd.ReadValue()
		if err != nil {
			c.t.Fatalf("%q: malformed reply %q: %v", what, c.W.Bytes(), err)
		}
		out = append(out, v)
	}
	c.W.Reset()
	return out
}

// Must runs a command and fails the test unless its reply equals want,
// RESP type included.
func (c *Client) Must(want resp.Value, args ...string) resp.Value {
	c.t.Helper()
	got := c.Do(args...)
	if !Equal(got, want) {
		c.t.Errorf("%q:\n got %v\nwant %v", args, got, want)
	}
	return got
}

// MustOK expects +OK.
func (c *Client) MustOK(args ...string) { c.t.Helper(); c.Must(resp.Simple("OK"), args...) }

// MustInt expects an integer reply.
func (c *Client) MustInt(n int64, args ...string) { c.t.Helper(); c.Must(resp.Int(n), args...) }

// MustBulk expects a bulk string.
func (c *Client) MustBulk(s string, args ...string) { c.t.Helper(); c.Must(resp.Bulk(s), args...) }

// MustNil expects the null of the session's protocol: $-1 in RESP2, _ in
// RESP3.
func (c *Client) MustNil(args ...string) {
	c.t.Helper()
	want := resp.NullBulk()
	if c.W.Proto() == 3 {
		want = resp.Null()
	}
	c.Must(want, args...)
}

// MustErr expects an error reply with exactly this text.
func (c *Client) MustErr(text string, args ...string) { c.t.Helper(); c.Must(resp.Err(text), args...) }

// MustBulks expects an array of bulk strings.
func (c *Client) MustBulks(args []string, want ...string) {
	c.t.Helper()
	c.Must(resp.BulkStrings(want...), args...)
}

// Int runs a command that must answer an integer and returns it.
func (c *Client) Int(args ...string) int64 {
	c.t.Helper()
	v := c.Do(args...)
	if v.Kind != resp.KindInt {
		c.t.Fatalf("%q: got %v, want an integer", args, v)
	}
	return v.Int
}

// WaitDone fails the test unless the session's Done channel closes soon.
func (c *Client) WaitDone() {
	c.t.Helper()
	select {
	case <-c.Sess.Done():
	case <-time.After(2 * time.Second):
		c.t.Fatal("session not done")
	}
}

// Equal compares two replies, kinds included.
func Equal(a, b resp.Value) bool {
	return bytes.Equal(resp.AppendValue(nil, a), resp.AppendValue(nil, b))
}
