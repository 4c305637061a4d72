package redis

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/protocol"
)

// events records a session's out-of-band data.
type events struct {
	mu     sync.Mutex
	seq    uint64
	frames [][]byte
	closed chan error
	got    chan struct{}
}

func newEvents() *events {
	return &events{closed: make(chan error, 1), got: make(chan struct{}, 1000)}
}

func (e *events) Push(frame []byte) uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	e.frames = append(e.frames, append([]byte(nil), frame...))
	e.got <- struct{}{}
	return e.seq
}

func (e *events) Closed(err error) {
	select {
	case e.closed <- err:
	default:
	}
}

// wait waits for n pushes in all and returns them decoded.
func (e *events) wait(t *testing.T, n int) []resp.Value {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		e.mu.Lock()
		have := len(e.frames)
		e.mu.Unlock()
		if have >= n {
			break
		}
		select {
		case <-e.got:
		case <-deadline:
			t.Fatalf("got %d pushes, want %d", have, n)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []resp.Value
	for _, f := range e.frames {
		out = append(out, decodeT(t, f)...)
	}
	return out
}

func decodeT(t *testing.T, frames []byte) []resp.Value {
	t.Helper()
	rd := resp.NewReader(bytes.NewReader(frames))
	var out []resp.Value
	for {
		v, err := rd.ReadValue()
		if err != nil {
			if len(out) == 0 && len(frames) > 0 {
				t.Fatalf("decode %q: %v", frames, err)
			}
			return out
		}
		out = append(out, v)
	}
}

func argv(args ...string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

// tsession is a driver session under test.
type tsession struct {
	t  *testing.T
	s  protocol.Session
	ev *events
}

func openURL(t *testing.T, url string) protocol.Backend {
	t.Helper()
	b, err := New("test").Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func newSession(t *testing.T, b protocol.Backend) *tsession {
	t.Helper()
	ev := newEvents()
	s, err := b.OpenSession(context.Background(), protocol.ClientInfo{}, ev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &tsession{t: t, s: s, ev: ev}
}

// do runs commands as one batch and returns the raw reply.
func (s *tsession) do(cmds ...[][]byte) protocol.Reply {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := s.s.Do(ctx, cmds)
	if err != nil {
		s.t.Fatalf("Do %q: %v", cmds, err)
	}
	return r
}

// one runs one command and returns its single reply.
func (s *tsession) one(args ...string) resp.Value {
	s.t.Helper()
	vs := decodeT(s.t, s.do(argv(args...)).Frames)
	if len(vs) != 1 {
		s.t.Fatalf("%q: %d replies %v", args, len(vs), vs)
	}
	return vs[0]
}

func (s *tsession) must(want resp.Value, args ...string) {
	s.t.Helper()
	if got := s.one(args...); !rktest.Equal(got, want) {
		s.t.Errorf("%q: got %v, want %v", args, got, want)
	}
}

func TestRelayExactFrames(t *testing.T) {
	addr := rktest.StartRedis(t)
	s := newSession(t, openURL(t, "redis://"+addr))
	direct := rktest.Dial(t, addr)
	// Byte-exact against a direct connection, RESP2 then RESP3; each side
	// uses its own keys (the {} is replaced by a prefix).
	cmds := [][]string{
		{"SET", "{}k", "v"}, {"GET", "{}k"}, {"GET", "{}missing"}, {"BLPOP", "{}nolist", "0.01"},
		{"HSET", "{}h", "a", "1", "b", "2"}, {"HGETALL", "{}h"}, {"INCRBYFLOAT", "{}f", "1.5"},
		{"ZADD", "{}z", "1.5", "m"}, {"ZRANGE", "{}z", "0", "-1", "WITHSCORES"}, {"ZSCORE", "{}z", "m"},
		{"NOSUCH", "x"}, {"GET"}, {"EXISTS", "{}k", "{}nope"}, {"DEL", "{}k", "{}h", "{}f", "{}z"},
	}
	keys := func(c []string, prefix string) []string {
		out := make([]string, len(c))
		for i, a := range c {
			out[i] = strings.ReplaceAll(a, "{}", prefix)
		}
		return out
	}
	for _, proto := range []string{"2", "3"} {
		s.one("HELLO", proto)
		direct.Send("HELLO", proto)
		if _, _, err := direct.ReadRaw(); err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			r := s.do(argv(keys(c, "relay:")...))
			direct.Send(keys(c, "direct:")...)
			want, _, err := direct.ReadRaw()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(r.Frames, want) {
				t.Errorf("RESP%s %q:\n got %q\nwant %q", proto, c, r.Frames, want)
			}
			if fmt.Sprint(r.Proto) != proto {
				t.Errorf("RESP%s %q: proto %d", proto, c, r.Proto)
			}
		}
	}
}

func TestPipelineAndReplyModes(t *testing.T) {
	addr := rktest.StartRedis(t)
	s := newSession(t, openURL(t, "redis://"+addr))
	r := s.do(argv("SET", "a", "1"), argv("INCR", "a"), argv("GET", "a"))
	if got := fmt.Sprint(decodeT(t, r.Frames)); got != `[+OK :2 "2"]` {
		t.Errorf("pipeline: %s", got)
	}
	// CLIENT REPLY OFF and SKIP suppress replies; ON brings them back.
	r = s.do(argv("CLIENT", "REPLY", "OFF"), argv("SET", "b", "1"), argv("INCR", "b"))
	if len(r.Frames) != 0 {
		t.Errorf("reply off: %q", r.Frames)
	}
	s.must(resp.Simple("OK"), "CLIENT", "REPLY", "ON")
	r = s.do(argv("CLIENT", "REPLY", "SKIP"), argv("INCR", "b"), argv("GET", "b"))
	if got := fmt.Sprint(decodeT(t, r.Frames)); got != `["3"]` {
		t.Errorf("reply skip: %s", got)
	}
	// Transactions and errors inside them.
	r = s.do(argv("MULTI"), argv("INCR", "b"), argv("INCR", "b"), argv("EXEC"))
	if got := fmt.Sprint(decodeT(t, r.Frames)); got != `[+OK +QUEUED +QUEUED *[:4 :5]]` {
		t.Errorf("multi: %s", got)
	}
	// A blocking command waits for its timeout and replies null.
	start := time.Now()
	s.must(resp.NullArray(), "BLPOP", "empty", "0.2")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("BLPOP returned after %v", d)
	}
}

func TestPubSubPushes(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			sub := newSession(t, b)
			pub := newSession(t, b)
			sub.one("HELLO", proto)
			// Confirmations are the replies of SUBSCRIBE: one per channel.
			r := sub.do(argv("SUBSCRIBE", "c1", "c2"))
			if vs := decodeT(t, r.Frames); len(vs) != 2 || vs[1].Elems[0].Str != "subscribe" || vs[1].Elems[2].Int != 2 {
				t.Fatalf("subscribe replies: %v", vs)
			}
			r = sub.do(argv("PSUBSCRIBE", "p*"))
			if vs := decodeT(t, r.Frames); len(vs) != 1 || vs[0].Elems[2].Int != 3 {
				t.Fatalf("psubscribe replies: %v", vs)
			}
			pub.must(resp.Int(1), "PUBLISH", "c1", "hello")
			pub.must(resp.Int(1), "PUBLISH", "px", "pat")
			msgs := sub.ev.wait(t, 2)
			if msgs[0].Elems[0].Str != "message" || msgs[0].Elems[2].Str != "hello" || msgs[1].Elems[0].Str != "pmessage" {
				t.Errorf("messages: %v", msgs)
			}
			wantKind := resp.KindArray
			if proto == "3" {
				wantKind = resp.KindPush
			}
			if msgs[0].Kind != wantKind {
				t.Errorf("message kind %c, want %c", msgs[0].Kind, wantKind)
			}
			// A command in subscribed mode still gets its reply.
			r = sub.do(argv("PING"))
			if len(decodeT(t, r.Frames)) != 1 {
				t.Errorf("ping while subscribed: %q", r.Frames)
			}
			// UNSUBSCRIBE with no channel answers once per channel.
			r = sub.do(argv("UNSUBSCRIBE"))
			if vs := decodeT(t, r.Frames); len(vs) != 2 {
				t.Errorf("unsubscribe replies: %v", vs)
			}
			r = sub.do(argv("PUNSUBSCRIBE"))
			if vs := decodeT(t, r.Frames); len(vs) != 1 || vs[0].Elems[2].Int != 0 {
				t.Errorf("punsubscribe replies: %v", vs)
			}
			// Back to normal: an array reply starting with "message" is a reply.
			pub.one("DEL", "l")
			pub.one("RPUSH", "l", "message", "x", "y")
			sub.must(resp.BulkStrings("message", "x", "y"), "LRANGE", "l", "0", "-1")
		})
	}
}

func TestPushesBeforeReply(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	s := newSession(t, b)
	other := newSession(t, b)
	// Tracking invalidations are pushes that precede the reply they
	// concern: Reply.Pushes must cover them.
	s.one("HELLO", "3")
	s.must(resp.Simple("OK"), "CLIENT", "TRACKING", "ON")
	s.one("GET", "tk")
	other.must(resp.Simple("OK"), "SET", "tk", "1")
	time.Sleep(50 * time.Millisecond)
	r := s.do(argv("PING"))
	if r.Pushes != 1 {
		t.Fatalf("Pushes = %d, want 1 (the invalidation)", r.Pushes)
	}
	inv := s.ev.wait(t, 1)[0]
	if inv.Kind != resp.KindPush || inv.Elems[0].Str != "invalidate" {
		t.Errorf("invalidation: %v", inv)
	}
}

func TestMonitor(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	mon := newSession(t, b)
	other := newSession(t, b)
	mon.must(resp.Simple("OK"), "MONITOR")
	other.one("SET", "mk", "mv")
	lines := mon.ev.wait(t, 1)
	if lines[0].Kind != resp.KindSimple || !strings.Contains(lines[0].Str, `"SET" "mk" "mv"`) {
		t.Errorf("monitor line: %v", lines[0])
	}
}

func TestHelloResetQuit(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	s := newSession(t, b)
	if r := s.do(argv("HELLO", "3")); r.Proto != 3 {
		t.Errorf("after HELLO 3: proto %d", r.Proto)
	}
	if r := s.do(argv("RESET")); r.Proto != 2 {
		t.Errorf("after RESET: proto %d", r.Proto)
	}
	r := s.do(argv("QUIT"))
	if !r.Closed || string(r.Frames) != "+OK\r\n" {
		t.Errorf("QUIT: %+v", r)
	}
}

func TestKilledSessionIsReported(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	victim := newSession(t, b)
	admin := newSession(t, b)
	id := victim.one("CLIENT", "ID").Int
	admin.must(resp.Int(1), "CLIENT", "KILL", "ID", fmt.Sprint(id))
	select {
	case <-victim.ev.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the killed session was not reported closed")
	}
	_, err := victim.s.Do(context.Background(), [][][]byte{argv("PING")})
	if !protocol.IsCode(err, protocol.CodeUnavailable) && !protocol.IsCode(err, protocol.CodeClosed) {
		t.Errorf("Do on a killed session: %v", err)
	}
}

func TestConnectErrors(t *testing.T) {
	port := rktest.FreePort(t)
	b := openURL(t, fmt.Sprintf("redis://127.0.0.1:%d", port))
	_, err := b.OpenSession(context.Background(), protocol.ClientInfo{}, newEvents())
	want := fmt.Sprintf("Could not connect to Redis at 127.0.0.1:%d: Connection refused", port)
	if err == nil || err.Error() != want || !protocol.IsCode(err, protocol.CodeUnavailable) {
		t.Errorf("got %v, want %q", err, want)
	}

	addr := rktest.StartRedis(t, "--requirepass", "s3cret")
	b = openURL(t, "redis://:wrong@"+addr)
	_, err = b.OpenSession(context.Background(), protocol.ClientInfo{}, newEvents())
	if err == nil || !strings.HasPrefix(err.Error(), "AUTH failed: WRONGPASS") || !protocol.IsCode(err, protocol.CodeAuth) {
		t.Errorf("bad password: %v", err)
	}
	for _, u := range []string{"redis://s3cret@" + addr, "redis://default:s3cret@" + addr + "/2", "redis://:s3cret@" + addr + "?protocol=3&name=rk-test"} {
		s := newSession(t, openURL(t, u))
		s.must(resp.Simple("PONG"), "PING")
	}
	s := newSession(t, openURL(t, "redis://:s3cret@"+addr+"/2?protocol=3&name=rk-test"))
	info := s.one("CLIENT", "INFO")
	if !strings.Contains(info.Str, " db=2 ") || !strings.Contains(info.Str, " name=rk-test ") || !strings.Contains(info.Str, " resp=3") {
		t.Errorf("CLIENT INFO: %q", info.Str)
	}
}

func TestUnixSocket(t *testing.T) {
	sock := t.TempDir() + "/redis.sock"
	rktest.StartRedis(t, "--unixsocket", sock)
	s := newSession(t, openURL(t, "unix://"+sock+"?db=3"))
	if info := s.one("CLIENT", "INFO"); !strings.Contains(info.Str, " db=3 ") || !strings.Contains(info.Str, "flags=U") {
		t.Errorf("CLIENT INFO over a unix socket: %q", info.Str)
	}
}

func TestInterruptedCommandClosesSession(t *testing.T) {
	addr := rktest.StartRedis(t)
	b := openURL(t, "redis://"+addr)
	s := newSession(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.s.Do(ctx, [][][]byte{argv("BLPOP", "never", "0")})
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("Do returned %v after %v", err, time.Since(start))
	}
	if !protocol.IsCode(err, protocol.CodeClosed) {
		t.Errorf("error %v", err)
	}
	var pe *protocol.Error
	if !errors.As(err, &pe) {
		t.Errorf("not a driver error: %T", err)
	}
}

// TestDialTimeoutZero checks that dial_timeout=0 means no limit, as for
// redis-cli -t 0, rather than a deadline that has already passed.
func TestDialTimeoutZero(t *testing.T) {
	addr := rktest.StartRedis(t)
	s := newSession(t, openURL(t, "redis://"+addr+"?dial_timeout=0&protocol=3"))
	s.must(resp.Simple("PONG"), "PING")
}

// scriptedServer is a RESP2 server on loopback that answers each command
// by name from replies ("+OK\r\n" for any other), for behaviour a real
// server shows only in circumstances a test cannot easily arrange.
func scriptedServer(t *testing.T, replies map[string]string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				rd := resp.NewReader(bufio.NewReader(nc))
				for {
					v, err := rd.ReadValue()
					if err != nil || len(v.Elems) == 0 {
						return
					}
					reply, ok := replies[strings.ToUpper(v.Elems[0].Str)]
					if !ok {
						reply = "+OK\r\n"
					}
					if _, err := nc.Write([]byte(reply)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String()
}

// TestServerUnsubscribes: in RESP2 a connection leaves subscribed mode
// when the server unsubscribes it on its own (Redis does so for shard
// channels whose slot moves), so a later reply that merely looks like a
// message is a reply, not a push.
func TestServerUnsubscribes(t *testing.T) {
	addr := scriptedServer(t, map[string]string{
		// The confirmation, then the server's own unsubscribe.
		"SSUBSCRIBE": "*3\r\n$10\r\nssubscribe\r\n$2\r\nch\r\n:1\r\n*3\r\n$12\r\nsunsubscribe\r\n$2\r\nch\r\n:0\r\n",
		"LRANGE":     "*2\r\n$7\r\nmessage\r\n$1\r\nx\r\n",
	})
	s := newSession(t, openURL(t, "redis://"+addr))
	s.must(resp.Array(resp.Bulk("ssubscribe"), resp.Bulk("ch"), resp.Int(1)), "SSUBSCRIBE", "ch")
	if got := s.ev.wait(t, 1); !rktest.Equal(got[0], resp.Array(resp.Bulk("sunsubscribe"), resp.Bulk("ch"), resp.Int(0))) {
		t.Fatalf("push %v", got[0])
	}
	s.must(resp.Array(resp.Bulk("message"), resp.Bulk("x")), "LRANGE", "l", "0", "-1")
}
