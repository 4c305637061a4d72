package remote_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/backendtest"
	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/backend/remote/remotetest"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/redis"
)

func openPlugin(t testing.TB, p remote.Plugin, url string) *remote.Backend {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := remote.Open(ctx, p, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func session(t testing.TB, b *remote.Backend) *remote.Session {
	t.Helper()
	s, err := b.OpenSession(context.Background(), backend.ClientInfo{FD: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// do runs a command and returns its reply (or replies).
func do(t testing.TB, s backend.Session, args ...string) []resp.Value {
	t.Helper()
	w := resp.NewWriter()
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	s.Do(context.Background(), argv, w)
	return parse(t, w.Bytes())
}

func parse(t testing.TB, b []byte) []resp.Value {
	t.Helper()
	rd := resp.NewReader(bytes.NewReader(b))
	var out []resp.Value
	for len(b) > 0 {
		v, err := rd.ReadValue()
		if err != nil {
			break
		}
		out = append(out, v)
	}
	return out
}

func one(t testing.TB, s backend.Session, args ...string) resp.Value {
	t.Helper()
	vs := do(t, s, args...)
	if len(vs) != 1 {
		t.Fatalf("%q: %d replies: %v", args, len(vs), vs)
	}
	return vs[0]
}

// TestConformanceRedis runs the conformance suite against a real
// redis-server through the built-in driver in a plugin process, with
// batches on the data channel and, for a plugin that offers none, on the
// gRPC Exec stream.
func TestConformanceRedis(t *testing.T) {
	addr := rktest.StartRedis(t)
	for _, mode := range []string{"redis", "redis-exec"} {
		t.Run(mode, func(t *testing.T) {
			p := helper(t, mode)
			backendtest.Run(t, func(t *testing.T) backend.Backend {
				return openPlugin(t, p, "redis://"+addr)
			})
		})
	}
}

// TestDataDir checks the data channel's directory: made for the plugin,
// private to the user, holding its socket, and gone once the plugin is.
func TestDataDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	addr := rktest.StartRedis(t)
	ctx := context.Background()
	b, err := remote.Open(ctx, helper(t, "redis"), "redis://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	s := session(t, b)
	if got := one(t, s, "PING"); got.Str != "PONG" {
		t.Errorf("PING: %v", got)
	}
	dirs, _ := filepath.Glob(filepath.Join(tmp, "rk-plugin-*"))
	if len(dirs) != 1 {
		t.Fatalf("data directories: %v", dirs)
	}
	fi, err := os.Stat(dirs[0])
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(dirs[0], "data.sock")); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("no socket in the directory: %v", err)
	}
	s.Close()
	b.Close()
	if _, err := os.Stat(dirs[0]); !os.IsNotExist(err) {
		t.Errorf("the directory outlived the plugin: %v", err)
	}
}

// TestConformanceRkServe runs the conformance suite against rk's own
// engine served over the network (as rk serve does), through the plugin.
func TestConformanceRkServe(t *testing.T) {
	e, err := memory.New(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := rktest.Serve(t, e)
	p := helper(t, "redis")
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		return openPlugin(t, p, "redis://"+addr)
	})
}

// TestConformanceInProcess runs the suite over the driver without a plugin
// process: the same relay, no gRPC hop.
func TestConformanceInProcess(t *testing.T) {
	addr := rktest.StartRedis(t)
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		b, err := remote.OpenDriver(context.Background(), "redis", redis.New("test"), "redis://"+addr, remote.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}

func TestPluginBasics(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	if b.Info().Name != "redis" || b.ProtocolVersion() != 1 || b.PID() == 0 {
		t.Errorf("info %+v, protocol %d, pid %d", b.Info(), b.ProtocolVersion(), b.PID())
	}
	s := session(t, b)
	if got := one(t, s, "SET", "k", "v"); got.Str != "OK" {
		t.Errorf("SET: %v", got)
	}
	// A pipeline is one call, replies in order.
	w := resp.NewWriter()
	s.DoPipeline(context.Background(), [][][]byte{{[]byte("INCR"), []byte("n")}, {[]byte("INCR"), []byte("n")}, {[]byte("GET"), []byte("k")}}, w)
	if got := fmt.Sprint(parse(t, w.Bytes())); got != `[:1 :2 "v"]` {
		t.Errorf("pipeline: %s", got)
	}
	// HELLO 3 switches the writer to RESP3.
	w = resp.NewWriter()
	s.Do(context.Background(), [][]byte{[]byte("HELLO"), []byte("3")}, w)
	if w.Proto() != 3 || w.Bytes()[0] != '%' {
		t.Errorf("HELLO 3: proto %d, reply %q", w.Proto(), w.Bytes())
	}
	// Errors keep Redis's text.
	if got := one(t, s, "NOSUCH"); got.Str != "ERR unknown command 'NOSUCH', with args beginning with: " {
		t.Errorf("unknown command: %v", got)
	}
	// A reply writer that is not a resp.Writer gets decoded values.
	cw := &capture{proto: 2}
	s.Do(context.Background(), [][]byte{[]byte("HGETALL"), []byte("nohash")}, cw)
	if cw.String() != "map(0)" {
		t.Errorf("decoded reply: %s", cw)
	}
}

// capture is a ReplyWriter that records calls.
type capture struct {
	proto int
	b     strings.Builder
}

func (c *capture) Proto() int                { return c.proto }
func (c *capture) SetProto(p int)            { c.proto = p }
func (c *capture) WriteSimple(s string)      { c.add("simple " + s) }
func (c *capture) WriteError(s string)       { c.add("error " + s) }
func (c *capture) WriteInt(n int64)          { c.add(fmt.Sprint("int ", n)) }
func (c *capture) WriteBulk(b []byte)        { c.add("bulk " + string(b)) }
func (c *capture) WriteBulkString(s string)  { c.add("bulk " + s) }
func (c *capture) WriteNull()                { c.add("null") }
func (c *capture) WriteNullArray()           { c.add("nullarray") }
func (c *capture) WriteArray(n int)          { c.add(fmt.Sprintf("array(%d)", n)) }
func (c *capture) WriteMap(n int)            { c.add(fmt.Sprintf("map(%d)", n)) }
func (c *capture) WriteSet(n int)            { c.add(fmt.Sprintf("set(%d)", n)) }
func (c *capture) WritePush(n int)           { c.add(fmt.Sprintf("push(%d)", n)) }
func (c *capture) WriteDouble(f float64)     { c.add(fmt.Sprint("double ", f)) }
func (c *capture) WriteBool(b bool)          { c.add(fmt.Sprint("bool ", b)) }
func (c *capture) WriteBigNumber(s string)   { c.add("big " + s) }
func (c *capture) WriteVerbatim(f, s string) { c.add("verbatim " + f + " " + s) }
func (c *capture) add(s string)              { c.b.WriteString(s + ";") }
func (c *capture) String() string            { return strings.TrimSuffix(c.b.String(), ";") }

func TestPushes(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	pub := session(t, b)

	// Without a handler, messages are written before the next reply.
	sub := session(t, b)
	if got := do(t, sub, "SUBSCRIBE", "ch"); len(got) != 1 || got[0].Elems[0].Str != "subscribe" {
		t.Fatalf("SUBSCRIBE: %v", got)
	}
	one(t, pub, "PUBLISH", "ch", "m1")
	one(t, pub, "PUBLISH", "ch", "m2")
	time.Sleep(100 * time.Millisecond)
	got := do(t, sub, "PING")
	if len(got) != 3 || got[0].Elems[2].Str != "m1" || got[1].Elems[2].Str != "m2" || got[2].Elems[0].Str != "pong" {
		t.Errorf("messages then reply: %v", got)
	}

	// With a handler, messages reach it as they come, in order.
	sub2 := session(t, b)
	var mu sync.Mutex
	var msgs []string
	arrived := make(chan struct{}, 100)
	sub2.SetPushHandler(func(v resp.Value) {
		mu.Lock()
		msgs = append(msgs, v.Elems[len(v.Elems)-1].Str)
		mu.Unlock()
		arrived <- struct{}{}
	})
	do(t, sub2, "HELLO", "3")
	do(t, sub2, "SUBSCRIBE", "ch2")
	for i := range 20 {
		one(t, pub, "PUBLISH", "ch2", fmt.Sprint(i))
	}
	for i := 0; i < 20; i++ {
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d messages arrived, want 20", i)
		}
	}
	mu.Lock()
	if strings.Join(msgs, ",") != "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19" {
		t.Errorf("messages out of order: %v", msgs)
	}
	mu.Unlock()
}

// TestPushBeforeReply checks the ordering guarantee: an invalidation that
// preceded a reply on the wire reaches the handler before Do writes the
// reply.
func TestPushBeforeReply(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	s := session(t, b)
	other := session(t, b)
	var mu sync.Mutex
	var order []string
	s.SetPushHandler(func(v resp.Value) {
		mu.Lock()
		order = append(order, "push:"+v.Elems[0].Str)
		mu.Unlock()
	})
	do(t, s, "HELLO", "3")
	one(t, s, "CLIENT", "TRACKING", "ON")
	for i := range 20 {
		k := fmt.Sprint("k", i)
		one(t, s, "GET", k)
		// Redis queues the invalidation for s while it runs the SET,
		// so it precedes the reply to s's next command.
		one(t, other, "SET", k, "v")
		s.Do(context.Background(), [][]byte{[]byte("PING")}, &orderWriter{Writer: resp.NewWriter(), mu: &mu, order: &order})
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 0; i+1 < len(order); i += 2 {
		if order[i] != "push:invalidate" || order[i+1] != "reply" {
			t.Fatalf("order %v", order)
		}
	}
	if len(order) != 40 {
		t.Errorf("order %v", order)
	}
}

type orderWriter struct {
	*resp.Writer
	mu    *sync.Mutex
	order *[]string
}

func (w *orderWriter) WriteRaw(b []byte) {
	w.mu.Lock()
	*w.order = append(*w.order, "reply")
	w.mu.Unlock()
	w.Writer.WriteRaw(b)
}

func TestKilledElsewhere(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	victim := session(t, b)
	admin := session(t, b)
	id := one(t, victim, "CLIENT", "ID").Int
	one(t, admin, "CLIENT", "KILL", "ID", fmt.Sprint(id))
	select {
	case <-victim.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("a session killed with CLIENT KILL is not done")
	}
}

// TestPluginSIGKILL kills the plugin process while a command is in flight,
// and while idle: the error comes within 2 s and names the plugin.
func TestPluginSIGKILL(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	s := session(t, b)
	idle := session(t, b)
	one(t, s, "PING")
	errc := make(chan []resp.Value, 1)
	go func() { errc <- do(t, s, "BLPOP", "nothing", "30") }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	syscall.Kill(b.PID(), syscall.SIGKILL)
	var got []resp.Value
	select {
	case got = <-errc:
	case <-time.After(2 * time.Second):
		t.Fatal("no error within 2s of the plugin's death")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("error after %v", d)
	}
	want := fmt.Sprintf("ERR plugin test-redis (pid %d) exited unexpectedly", b.PID())
	if len(got) != 1 || !got[0].IsError() || !strings.HasPrefix(got[0].Str, want) {
		t.Errorf("reply after SIGKILL: %v, want %q...", got, want)
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "exited unexpectedly") {
		t.Errorf("Err: %v", err)
	}
	select {
	case <-idle.Done():
	case <-time.After(2 * time.Second):
		t.Error("an idle session was not ended by the plugin's death")
	}
	if _, err := b.OpenSession(context.Background(), backend.ClientInfo{}); err == nil || !strings.Contains(err.Error(), "test-redis") {
		t.Errorf("new session on a dead plugin: %v", err)
	}
}

// TestPluginHung stops the plugin process (SIGSTOP) during a command: the
// watchdog notices that it no longer answers, kills it and fails the call.
func TestPluginHung(t *testing.T) {
	addr := rktest.StartRedis(t)
	p := helper(t, "redis")
	p.Options = remote.Options{PingInterval: 200 * time.Millisecond, PingTimeout: 300 * time.Millisecond}
	b := openPlugin(t, p, "redis://"+addr)
	s := session(t, b)
	errc := make(chan []resp.Value, 1)
	go func() { errc <- do(t, s, "BLPOP", "nothing", "30") }()
	time.Sleep(100 * time.Millisecond)
	pid := b.PID()
	syscall.Kill(pid, syscall.SIGSTOP)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	select {
	case got := <-errc:
		if len(got) != 1 || !strings.Contains(got[0].Str, "stopped responding and was killed") {
			t.Errorf("reply from a hung plugin: %v", got)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a hung plugin was not detected")
	}
	waitGone(t, pid)
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !remotetest.ProcessGone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("plugin pid %d still exists", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCommandTimeoutAndCancel(t *testing.T) {
	p := helper(t, "stall")
	p.Options = remote.Options{CommandTimeout: 300 * time.Millisecond}
	b := openPlugin(t, p, "stall://x")
	s := session(t, b)
	start := time.Now()
	got := do(t, s, "ANYTHING")
	if len(got) != 1 || !strings.Contains(got[0].Str, "did not finish within 300ms") || time.Since(start) > 2*time.Second {
		t.Errorf("after %v: %v", time.Since(start), got)
	}
	// Ctrl-C: the caller's context ends the wait.
	p.Options = remote.Options{}
	b = openPlugin(t, p, "stall://x")
	s = session(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	s.Do(ctx, [][]byte{[]byte("X")}, resp.NewWriter())
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
	// A driver error is shown as the driver wrote it.
	_, err := remote.Open(context.Background(), p, "stall://refuse")
	if err == nil || err.Error() != "Could not connect to the stall server" {
		t.Errorf("driver error: %v", err)
	}
}

func TestLaunchFailures(t *testing.T) {
	cases := []struct {
		mode, want string
	}{
		{"hang-start", "plugin test-hang-start (" /* path */},
		{"exit-start", "exited before completing the handshake"},
		{"garbage", "is not an rk plugin"},
		{"version2", "speaks rk plugin protocol 2, but this rk speaks 1"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			p := helper(t, c.mode)
			limit := 5 * time.Second
			if c.mode == "hang-start" {
				p.StartTimeout = 500 * time.Millisecond
				limit = 3 * time.Second
			}
			start := time.Now()
			_, err := remote.Open(context.Background(), p, "x://")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want it to contain %q", err, c.want)
			}
			if c.mode == "hang-start" && !strings.Contains(err.Error(), "did not start within 500ms") {
				t.Errorf("hang: %v", err)
			}
			if d := time.Since(start); d > limit {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		p := helper(t, "hang-start")
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := remote.Open(ctx, p, "x://")
		if err == nil || !strings.Contains(err.Error(), "launch interrupted") || time.Since(start) > 2*time.Second {
			t.Errorf("after %v: %v", time.Since(start), err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		p := helper(t, "redis")
		cmd := p.Cmd
		p.Cmd = func() *exec.Cmd { c := cmd(); c.Path = "/nonexistent/rk-plugin-x"; return c }
		if _, err := remote.Open(context.Background(), p, "x://"); err == nil || !strings.Contains(err.Error(), "/nonexistent/rk-plugin-x") {
			t.Errorf("missing executable: %v", err)
		}
	})
}

func TestCloseReapsPlugin(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openPlugin(t, helper(t, "redis"), "redis://"+addr)
	s := session(t, b)
	one(t, s, "PING")
	pid := b.PID()
	start := time.Now()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// A plugin built with -race sleeps a second at exit (GORACE
	// atexit_sleep_ms), hence the margin.
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	waitGone(t, pid)
	select {
	case <-s.Done():
	default:
		t.Error("session not done after the backend closed")
	}
}
