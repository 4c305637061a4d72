// Package rktest holds rk's small test helpers: a raw RESP connection with
// assertions, in-process servers over any backend, and real redis-server
// processes for differential tests. Only tests import it, always under the
// name rktest.
package rktest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/server"
)

// Serve serves b on a free loopback port for the test's lifetime and
// returns the address.
func Serve(t testing.TB, b backend.Backend) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &server.Server{Backend: b}
	// Wire the server to the backend's configuration as rk serve does,
	// when the backend has it (the memory engine).
	if m, ok := b.(interface{ ProtoMaxBulkLen() int64 }); ok {
		srv.MaxBulkLen = m.ProtoMaxBulkLen
	}
	if m, ok := b.(interface{ ClientQueryBufferLimit() int64 }); ok {
		srv.MaxQueryBuf = m.ClientQueryBufferLimit
	}
	if m, ok := b.(interface{ SetListenPort(net.Addr) }); ok {
		m.SetListenPort(l.Addr())
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		b.Close()
	})
	return l.Addr().String()
}

// Conn is a raw RESP connection for tests: it sends commands and returns
// the replies with their exact types, and the exact bytes they arrived as.
type Conn struct {
	t   testing.TB
	nc  net.Conn
	rd  *resp.Reader
	br  *bufio.Reader
	rec *recorder

	timeout time.Duration
}

// SetTimeout sets how long a read waits for a reply; the default is ten
// seconds.
func (c *Conn) SetTimeout(d time.Duration) { c.timeout = d }

// recorder keeps what was read from the connection since the last reply,
// so that ReadRaw can return a reply's bytes exactly as the server sent
// them.
type recorder struct {
	r   io.Reader
	buf []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// Dial connects to addr and closes the connection when the test ends.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	rec := &recorder{r: nc}
	br := bufio.NewReader(rec)
	return &Conn{t: t, nc: nc, rd: resp.NewReader(br), br: br, rec: rec}
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// SendRaw writes b as is: inline commands, broken protocol, half a command.
func (c *Conn) SendRaw(b []byte) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatalf("send %q: %v", b, err)
	}
}

// ReadRaw reads one reply and returns it together with the bytes it
// arrived as, byte for byte.
func (c *Conn) ReadRaw() ([]byte, resp.Value, error) {
	v, err := c.ReadErr()
	consumed := len(c.rec.buf) - c.br.Buffered()
	raw := append([]byte(nil), c.rec.buf[:consumed]...)
	c.rec.buf = append(c.rec.buf[:0], c.rec.buf[consumed:]...)
	return raw, v, err
}

// ExpectClosed fails the test unless the server closes the connection
// (after any replies still unread) within timeout.
func (c *Conn) ExpectClosed(timeout time.Duration) {
	c.t.Helper()
	if err := c.WaitClosed(timeout); err != nil {
		c.t.Error(err)
	}
}

// WaitClosed waits for the server to close the connection, returning an
// error describing what came instead.
func (c *Conn) WaitClosed(timeout time.Duration) error {
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	b, err := c.br.ReadByte()
	if err == nil {
		rest, _ := c.br.Peek(c.br.Buffered())
		return fmt.Errorf("connection still open: read %q", append([]byte{b}, rest...))
	}
	if IsClosed(err) {
		return nil
	}
	return fmt.Errorf("connection not closed after %v: %v", timeout, err)
}

// IsClosed reports whether err means the peer closed the connection.
func IsClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// Raw is the underlying connection.
func (c *Conn) Raw() net.Conn { return c.nc }

// Send writes a command without reading its reply (for pipelining).
func (c *Conn) Send(args ...string) {
	c.t.Helper()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	c.nc.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write(resp.AppendCommand(nil, argv...)); err != nil {
		c.t.Fatalf("send %q: %v", args, err)
	}
}

// Read reads one reply.
func (c *Conn) Read() resp.Value {
	c.t.Helper()
	v, err := c.ReadErr()
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return v
}

// ReadErr reads one reply, returning the I/O error instead of failing.
func (c *Conn) ReadErr() (resp.Value, error) {
	timeout := c.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	return c.rd.ReadValue()
}

// Do sends a command and returns its reply.
func (c *Conn) Do(args ...string) resp.Value {
	c.t.Helper()
	c.Send(args...)
	return c.Read()
}

// Must sends a command and fails the test unless the reply equals want.
func (c *Conn) Must(want resp.Value, args ...string) {
	c.t.Helper()
	got := c.Do(args...)
	if !Equal(got, want) {
		c.t.Errorf("%q:\n got %v\nwant %v", args, got, want)
	}
}

// MustOK expects +OK.
func (c *Conn) MustOK(args ...string) {
	c.t.Helper()
	c.Must(resp.Simple("OK"), args...)
}

// MustErr expects an error reply with exactly this text.
func (c *Conn) MustErr(text string, args ...string) {
	c.t.Helper()
	c.Must(resp.Err(text), args...)
}

// MustErrPrefix expects an error reply starting with prefix.
func (c *Conn) MustErrPrefix(prefix string, args ...string) {
	c.t.Helper()
	got := c.Do(args...)
	if !got.IsError() || !strings.HasPrefix(got.Str, prefix) {
		c.t.Errorf("%q:\n got %v\nwant error starting %q", args, got, prefix)
	}
}

// Equal compares two replies, kinds included. NaN doubles are equal.
func Equal(a, b resp.Value) bool {
	return string(resp.AppendValue(nil, a)) == string(resp.AppendValue(nil, b))
}

// FreePort returns a TCP port free on the loopback interface.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// RequireSkipAllowed skips a test whose prerequisite is missing, unless
// RK_TEST_DISALLOW_SKIP is set (as in CI), where it fails instead.
func RequireSkipAllowed(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("RK_TEST_DISALLOW_SKIP") != "" {
		t.Fatalf("cannot skip in CI: %s", why)
	}
	t.Skip(why)
}

// RedisServerPath finds redis-server: $RK_TEST_REDIS_SERVER, else PATH.
func RedisServerPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RK_TEST_REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err != nil {
		RequireSkipAllowed(t, "redis-server not found (set RK_TEST_REDIS_SERVER or install redis-server)")
	}
	return p
}

// StartRedis starts a real redis-server on a free loopback port, with no
// persistence, and stops it (by its PID) when the test ends. Extra
// arguments are passed as redis-server options ("--requirepass", "x").
func StartRedis(t testing.TB, args ...string) string {
	t.Helper()
	return StartRedisBinary(t, RedisServerPath(t), args...)
}

// StartRedisBinary is StartRedis with a given redis-server binary.
func StartRedisBinary(t testing.TB, bin string, args ...string) string {
	t.Helper()
	port := FreePort(t)
	dir := t.TempDir()
	argv := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--daemonize", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}, args...)
	p := StartProcess(t, bin, argv...)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := WaitPing(addr, 10*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		p.Stop(time.Second)
		t.Fatalf("redis-server on %s: %v\n%s", addr, err, log)
	}
	return addr
}

// WaitPing waits until a server at addr answers PING.
func WaitPing(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		nc, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			nc.SetDeadline(time.Now().Add(time.Second))
			nc.Write([]byte("*1\r\n$4\r\nPING\r\n"))
			v, err := resp.NewReader(nc).ReadValue()
			nc.Close()
			if err == nil && (v.Str == "PONG" || v.IsError()) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("no PONG")
			}
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
