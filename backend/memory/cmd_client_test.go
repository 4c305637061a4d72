package memory_test

import (
	"bufio"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// clientServer starts an engine behind a TCP server and returns its
// address, for tests that need several connections.
func clientServer(t *testing.T, opts memory.Options) string {
	t.Helper()
	e, err := memory.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return rktest.Serve(t, e)
}

// clientField returns the value of one key=value field of a CLIENT LIST
// line.
func clientField(t *testing.T, line, key string) string {
	t.Helper()
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok && k == key {
			return v
		}
	}
	t.Fatalf("no field %q in %q", key, line)
	return ""
}

// clientLines splits a CLIENT LIST reply into its lines.
func clientLines(t *testing.T, v resp.Value) []string {
	t.Helper()
	if v.Kind != resp.KindBulk && v.Kind != resp.KindVerbatim {
		t.Fatalf("CLIENT LIST: want a bulk string, got %v", v)
	}
	if v.Str == "" {
		return nil
	}
	if !strings.HasSuffix(v.Str, "\n") {
		t.Fatalf("CLIENT LIST reply does not end in a newline: %q", v.Str)
	}
	return strings.Split(strings.TrimSuffix(v.Str, "\n"), "\n")
}

// clientLinePattern is a fresh client's line, as Redis's introspection
// test matches it, with every field in 7.4's order.
var clientLinePattern = regexp.MustCompile(`^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= age=\d+ idle=\d+ ` +
	`flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=26 qbuf-free=\d+ argv-mem=10 multi-mem=0 rbs=\d+ rbp=\d+ ` +
	`obl=0 oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|(list|info) user=default redir=-1 resp=[23] lib-name= lib-ver=$`)

func TestClientIDInfoList(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	id := c.Do("CLIENT", "ID")
	if id.Kind != resp.KindInt || id.Int < 3 {
		t.Fatalf("CLIENT ID = %v, want an integer >= 3", id)
	}
	if again := c.Do("CLIENT", "ID"); again.Int != id.Int {
		t.Errorf("CLIENT ID changed: %v then %v", id, again)
	}

	info := c.Do("CLIENT", "INFO")
	lines := clientLines(t, info)
	if len(lines) != 1 || !clientLinePattern.MatchString(lines[0]) {
		t.Fatalf("CLIENT INFO = %q, does not match %s", info.Str, clientLinePattern)
	}
	if got := clientField(t, lines[0], "id"); got != strconv.FormatInt(id.Int, 10) {
		t.Errorf("CLIENT INFO id=%s, want %d", got, id.Int)
	}
	if got, want := clientField(t, lines[0], "addr"), c.Raw().LocalAddr().String(); got != want {
		t.Errorf("addr=%s, want %s", got, want)
	}
	if got, want := clientField(t, lines[0], "laddr"), addr; got != want {
		t.Errorf("laddr=%s, want %s", got, want)
	}

	other := rktest.Dial(t, addr)
	other.MustOK("CLIENT", "SETNAME", "other")
	other.MustOK("SELECT", "3")
	otherID := other.Do("CLIENT", "ID").Int

	lines = clientLines(t, c.Do("CLIENT", "LIST"))
	if len(lines) != 2 {
		t.Fatalf("CLIENT LIST: %d lines, want 2: %q", len(lines), lines)
	}
	if !clientLinePattern.MatchString(lines[0]) {
		t.Errorf("own line %q does not match %s", lines[0], clientLinePattern)
	}
	for key, want := range map[string]string{
		"id": strconv.FormatInt(otherID, 10), "name": "other", "db": "3", "cmd": "client|id",
		"qbuf": "0", "argv-mem": "0", "flags": "N",
	} {
		if got := clientField(t, lines[1], key); got != want {
			t.Errorf("other client's %s=%s, want %s (%q)", key, got, want, lines[1])
		}
	}

	// LIST ID keeps the argument order and skips unknown ids.
	lines = clientLines(t, c.Do("CLIENT", "LIST", "ID", strconv.FormatInt(otherID, 10), "999", strconv.FormatInt(id.Int, 10)))
	if len(lines) != 2 || clientField(t, lines[0], "id") != strconv.FormatInt(otherID, 10) ||
		clientField(t, lines[1], "id") != strconv.FormatInt(id.Int, 10) {
		t.Errorf("CLIENT LIST ID: %q", lines)
	}
	c.Must(resp.Bulk(""), "CLIENT", "LIST", "ID", "999")
	c.MustErr("ERR Invalid client ID", "CLIENT", "LIST", "ID", "1", "x")
	c.MustErr("ERR syntax error", "CLIENT", "LIST", "ID")
	c.MustErr("ERR syntax error", "CLIENT", "LIST", "TYPE")
	c.MustErr("ERR syntax error", "CLIENT", "LIST", "foo")
	c.MustErr("ERR syntax error", "CLIENT", "LIST", "TYPE", "normal", "ID")
	c.MustErr("ERR Unknown client type 'bogus'", "CLIENT", "LIST", "TYPE", "bogus")

	if n := len(clientLines(t, c.Do("CLIENT", "LIST", "type", "NORMAL"))); n != 2 {
		t.Errorf("CLIENT LIST TYPE normal: %d lines, want 2", n)
	}
	for _, typ := range []string{"master", "replica", "slave", "pubsub"} {
		c.Must(resp.Bulk(""), "CLIENT", "LIST", "TYPE", typ)
	}

	// A closed connection leaves the list.
	other.Close()
	clientWaitFor(t, func() bool { return len(clientLines(t, c.Do("CLIENT", "LIST"))) == 1 })

	// RESP3: a verbatim string of format txt.
	c.Do("HELLO", "3")
	v := c.Do("CLIENT", "INFO")
	if v.Kind != resp.KindVerbatim || v.Format != "txt" || clientField(t, v.Str, "resp") != "3" {
		t.Errorf("CLIENT INFO in RESP3 = %v, want a txt verbatim string with resp=3", v)
	}
	if v := c.Do("CLIENT", "LIST"); v.Kind != resp.KindVerbatim || v.Format != "txt" {
		t.Errorf("CLIENT LIST in RESP3 = %v, want a txt verbatim string", v)
	}
}

// clientMustRead reads one reply (of a command sent before) and checks it.
func clientMustRead(t *testing.T, c *rktest.Conn, want resp.Value) {
	t.Helper()
	if got := c.Read(); !rktest.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// clientWaitFor polls cond for up to five seconds.
func clientWaitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestClientListFlagsAndCounters(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	c.MustOK("WATCH", "k1", "k2")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "k", "vvvvvvvvv")
	c.Must(resp.Simple("QUEUED"), "CLIENT", "NO-EVICT", "on")

	o := rktest.Dial(t, addr)
	line := clientLines(t, o.Do("CLIENT", "LIST", "ID", "3"))[0]
	for key, want := range map[string]string{
		"flags": "x", "multi": "2", "watch": "2", "cmd": "client|no-evict",
		// Redis counts each queued command's arguments plus a pointer
		// per argument: (3+1+9 + 24) + (6+8+2 + 24).
		"multi-mem": "77",
	} {
		if got := clientField(t, line, key); got != want {
			t.Errorf("%s=%s, want %s (%q)", key, got, want, line)
		}
	}
	o.MustOK("SET", "k1", "x") // touches a watched key
	line = clientLines(t, o.Do("CLIENT", "LIST", "ID", "3"))[0]
	if got := clientField(t, line, "flags"); got != "xd" {
		t.Errorf("flags=%s after a watched key changed, want xd", got)
	}
	c.Must(resp.NullArray(), "EXEC")
	c.MustOK("CLIENT", "NO-EVICT", "on")
	c.MustOK("CLIENT", "NO-TOUCH", "on")
	line = clientLines(t, c.Do("CLIENT", "INFO"))[0]
	if got := clientField(t, line, "flags"); got != "eT" {
		t.Errorf("flags=%s, want eT", got)
	}
	c.MustOK("CLIENT", "NO-EVICT", "OFF")
	c.MustOK("CLIENT", "NO-TOUCH", "off")
	line = clientLines(t, c.Do("CLIENT", "INFO"))[0]
	if got := clientField(t, line, "flags"); got != "N" {
		t.Errorf("flags=%s, want N", got)
	}
	c.MustErr("ERR syntax error", "CLIENT", "NO-EVICT", "maybe")
	c.MustErr("ERR syntax error", "CLIENT", "NO-TOUCH", "maybe")
	c.MustErr("ERR wrong number of arguments for 'client|no-touch' command", "CLIENT", "NO-TOUCH")

	// A pipeline's earlier replies are still in the output buffer when
	// CLIENT INFO runs.
	c.SendRaw(resp.AppendCommand(resp.AppendCommand(nil, []byte("PING")), []byte("CLIENT"), []byte("INFO")))
	clientMustRead(t, c, resp.Simple("PONG"))
	if got := clientField(t, c.Read().Str, "obl"); got != "7" {
		t.Errorf("obl=%s behind +PONG, want 7", got)
	}
}

func TestClientSetNameGetName(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.NullBulk(), "CLIENT", "GETNAME")
	c.MustOK("CLIENT", "SETNAME", "myname")
	c.Must(resp.Bulk("myname"), "CLIENT", "GETNAME")
	if got := clientField(t, c.Do("CLIENT", "INFO").Str, "name"); got != "myname" {
		t.Errorf("name=%s", got)
	}
	for _, bad := range []string{"foo bar", "a\nb", "caf\xc3\xa9", "\x01"} {
		c.MustErr("ERR Client names cannot contain spaces, newlines or special characters.", "CLIENT", "SETNAME", bad)
	}
	c.Must(resp.Bulk("myname"), "CLIENT", "GETNAME")
	c.MustOK("CLIENT", "SETNAME", "")
	c.Must(resp.NullBulk(), "CLIENT", "GETNAME")
	c.MustErr("ERR wrong number of arguments for 'client|setname' command", "CLIENT", "SETNAME")
	c.MustErr("ERR wrong number of arguments for 'client|getname' command", "CLIENT", "GETNAME", "x")

	// RESET clears the name.
	c.MustOK("CLIENT", "SETNAME", "n")
	c.Must(resp.Simple("RESET"), "RESET")
	c.Must(resp.NullBulk(), "CLIENT", "GETNAME")
}

func TestClientSetInfo(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("CLIENT", "SETINFO", "lib-name", "redis.py")
	c.MustOK("CLIENT", "SETINFO", "LIB-VER", "1.2.3")
	info := c.Do("CLIENT", "INFO").Str
	if !strings.HasSuffix(info, " lib-name=redis.py lib-ver=1.2.3\n") {
		t.Errorf("CLIENT INFO = %q", info)
	}
	c.MustErr("ERR wrong number of arguments for 'client|setinfo' command", "CLIENT", "SETINFO", "lib-name")
	c.MustErr("ERR lib-name cannot contain spaces, newlines or special characters.", "CLIENT", "SETINFO", "lib-name", "redis py")
	c.MustErr("ERR LIB-VER cannot contain spaces, newlines or special characters.", "CLIENT", "SETINFO", "LIB-VER", "1\n")
	c.MustErr("ERR Unrecognized option 'badger'", "CLIENT", "SETINFO", "badger", "hamster")
	c.MustErr("ERR Unrecognized option 'badger'", "CLIENT", "SETINFO", "badger", "a b")

	// RESET keeps the library facts; an empty value clears one.
	c.Must(resp.Simple("RESET"), "RESET")
	if info := c.Do("CLIENT", "INFO").Str; !strings.HasSuffix(info, " lib-name=redis.py lib-ver=1.2.3\n") {
		t.Errorf("after RESET: %q", info)
	}
	c.MustOK("CLIENT", "SETINFO", "lib-name", "")
	if info := c.Do("CLIENT", "INFO").Str; !strings.HasSuffix(info, " lib-name= lib-ver=1.2.3\n") {
		t.Errorf("after clearing lib-name: %q", info)
	}
}

func TestClientReply(t *testing.T) {
	_, c := newServer(t, nil)

	// OFF: nothing until ON, whose +OK arrives.
	c.Send("CLIENT", "REPLY", "OFF")
	c.Send("PING", "a")
	c.Send("NOSUCHCOMMAND")
	c.Send("SET", "k", "v")
	c.Send("CLIENT", "REPLY", "SKIP") // ignored while OFF
	c.Send("CLIENT", "REPLY", "ON")
	clientMustRead(t, c, resp.Simple("OK"))
	c.Must(resp.Bulk("v"), "GET", "k")

	// SKIP: the next command's reply only, errors included.
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("PING", "skipped")
	c.Must(resp.Bulk("shown"), "PING", "shown")
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("GET")
	c.Must(resp.Bulk("shown"), "PING", "shown")

	// ON right after SKIP answers and cancels the skip.
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("CLIENT", "REPLY", "ON")
	clientMustRead(t, c, resp.Simple("OK"))
	c.Must(resp.Simple("PONG"), "PING")

	// Commands sent one by one, not pipelined, behave the same.
	c.Send("CLIENT", "REPLY", "OFF")
	time.Sleep(20 * time.Millisecond)
	c.Send("INCR", "n")
	time.Sleep(20 * time.Millisecond)
	c.Send("CLIENT", "REPLY", "ON")
	clientMustRead(t, c, resp.Simple("OK"))
	c.Must(resp.Bulk("1"), "GET", "n")

	// RESET turns replies back on and answers.
	c.Send("CLIENT", "REPLY", "OFF")
	c.Send("RESET")
	clientMustRead(t, c, resp.Simple("RESET"))

	// A HELLO whose reply is dropped still switches the protocol.
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("HELLO", "3")
	c.Must(resp.Null(), "GET", "nosuch")

	c.MustErr("ERR syntax error", "CLIENT", "REPLY", "maybe")
	c.MustErr("ERR wrong number of arguments for 'client|reply' command", "CLIENT", "REPLY")
}

func TestClientReplyCoversBlockedCommands(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	o := rktest.Dial(t, addr)

	// A blocked command's reply, when it comes, obeys REPLY OFF ...
	c.Send("CLIENT", "REPLY", "OFF")
	c.Send("BLPOP", "l", "0")
	clientWaitFor(t, func() bool { return blockedClients(t, o) == 1 })
	o.Must(resp.Int(1), "RPUSH", "l", "x")
	c.Send("CLIENT", "REPLY", "ON")
	clientMustRead(t, c, resp.Simple("OK"))

	// ... and SKIP, which does not pass on to the next command.
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("BLPOP", "l", "0")
	clientWaitFor(t, func() bool { return blockedClients(t, o) == 1 })
	o.Must(resp.Int(1), "RPUSH", "l", "y")
	c.Must(resp.Simple("PONG"), "PING")
	o.Must(resp.Int(0), "LLEN", "l")
}

func TestClientKill(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	victim := rktest.Dial(t, addr)
	victim.MustOK("WATCH", "k")
	victimAddr := victim.Raw().LocalAddr().String()

	c.MustErr("ERR No such client", "CLIENT", "KILL", "127.0.0.1:1")
	c.MustErr("ERR No such client", "CLIENT", "KILL", "id")
	c.MustOK("CLIENT", "KILL", victimAddr)
	victim.ExpectClosed(2 * time.Second)
	info := c.Do("INFO", "clients").Str
	for _, f := range []string{"connected_clients:1\r\n", "watching_clients:0\r\n", "total_watched_keys:0\r\n"} {
		if !strings.Contains(info, f) {
			t.Errorf("INFO clients after the kill lacks %q:\n%s", f, info)
		}
	}

	// New form: filters combine; the count excludes the caller unless
	// SKIPME no.
	a := rktest.Dial(t, addr)
	b := rktest.Dial(t, addr)
	aID := a.Do("CLIENT", "ID").Int
	b.Do("CLIENT", "ID")
	c.Must(resp.Int(0), "CLIENT", "KILL", "ID", strconv.FormatInt(aID, 10), "ADDR", "1.2.3.4:5")
	c.Must(resp.Int(0), "CLIENT", "KILL", "LADDR", "1.2.3.4:5")
	c.Must(resp.Int(0), "CLIENT", "KILL", "TYPE", "pubsub")
	c.Must(resp.Int(0), "CLIENT", "KILL", "TYPE", "master")
	c.Must(resp.Int(1), "CLIENT", "kill", "id", strconv.FormatInt(aID, 10))
	a.ExpectClosed(2 * time.Second)
	c.Must(resp.Int(1), "CLIENT", "KILL", "USER", "default", "LADDR", addr, "TYPE", "normal")
	b.ExpectClosed(2 * time.Second)
	c.Must(resp.Simple("PONG"), "PING")

	// SKIPME no: the caller is counted, gets its reply, then is closed.
	d := rktest.Dial(t, addr)
	d.Do("PING")
	c.Must(resp.Int(2), "CLIENT", "KILL", "SKIPME", "no")
	c.ExpectClosed(2 * time.Second)
	d.ExpectClosed(2 * time.Second)

	// The old form can kill the caller too, after its +OK; commands
	// pipelined behind it are not run.
	e := rktest.Dial(t, addr)
	e.Send("CLIENT", "KILL", e.Raw().LocalAddr().String())
	e.Send("SET", "after", "kill")
	clientMustRead(t, e, resp.Simple("OK"))
	e.ExpectClosed(2 * time.Second)
	f := rktest.Dial(t, addr)
	f.Must(resp.NullBulk(), "GET", "after")
	f.MustErr("ERR wrong number of arguments for 'client|kill' command", "CLIENT", "KILL")
}

func TestClientKillErrors(t *testing.T) {
	_, c := newServer(t, nil)
	for _, tc := range []struct {
		err  string
		args []string
	}{
		{"ERR syntax error", []string{"id", "10", "wrong_arg"}},
		{"ERR syntax error", []string{"bogus", "1"}},
		{"ERR syntax error", []string{"skipme", "yes_or_no"}},
		{"ERR client-id should be greater than 0", []string{"id", "str"}},
		{"ERR client-id should be greater than 0", []string{"id", "-1"}},
		{"ERR client-id should be greater than 0", []string{"id", "0"}},
		{"ERR client-id should be greater than 0", []string{"ID", "99999999999999999999"}},
		{"ERR Unknown client type 'wrong_type'", []string{"type", "wrong_type"}},
		{"ERR No such user 'wrong_user'", []string{"user", "wrong_user"}},
		{"ERR maxage is not an integer or out of range", []string{"maxage", "str"}},
		{"ERR maxage is not an integer or out of range", []string{"maxage", "9999999999999999999"}},
		{"ERR maxage should be greater than 0", []string{"maxage", "-1"}},
		{"ERR maxage should be greater than 0", []string{"maxage", "0"}},
		// Left to right: the first bad argument decides.
		{"ERR client-id should be greater than 0", []string{"id", "x", "type", "bogus"}},
		{"ERR Unknown client type 'bogus'", []string{"type", "bogus", "id", "x"}},
		{"ERR No such user 'nobody'", []string{"user", "nobody", "skipme", "maybe"}},
		{"ERR syntax error", []string{"skipme", "maybe", "user", "nobody"}},
		{"ERR syntax error", []string{"id", "1", "maxage"}},
	} {
		c.MustErr(tc.err, append([]string{"CLIENT", "KILL"}, tc.args...)...)
	}
}

func TestClientKillMaxAgeAndListAge(t *testing.T) {
	clk := newTestClock(time.Now().UnixMilli())
	addr := clientServer(t, memory.Options{Now: clk.now})
	old := rktest.Dial(t, addr)
	old.Do("PING")
	clk.advance(10 * time.Second)
	young := rktest.Dial(t, addr)
	young.Do("PING")
	clk.advance(2 * time.Second)
	c := rktest.Dial(t, addr)
	line := clientLines(t, c.Do("CLIENT", "LIST", "ID", "3"))[0]
	if age, idle := clientField(t, line, "age"), clientField(t, line, "idle"); age != "12" || idle != "12" {
		t.Errorf("age=%s idle=%s, want 12 and 12 (%q)", age, idle, line)
	}
	c.Must(resp.Int(1), "CLIENT", "KILL", "MAXAGE", "5")
	old.ExpectClosed(2 * time.Second)
	young.Must(resp.Simple("PONG"), "PING")
	c.Must(resp.Int(1), "CLIENT", "KILL", "MAXAGE", "2", "SKIPME", "yes")
	young.ExpectClosed(2 * time.Second)
}

func TestClientNoTouch(t *testing.T) {
	clk := newTestClock(time.Now().UnixMilli())
	_, c := newServerWith(t, memory.Options{Now: clk.now})
	c.MustOK("SET", "foo", "bar")
	c.MustOK("CLIENT", "NO-TOUCH", "on")
	clk.advance(30 * time.Second)
	c.Must(resp.Bulk("bar"), "GET", "foo")
	c.Must(resp.Int(0), "EXISTS", "nosuch")
	c.Must(resp.Int(30), "OBJECT", "IDLETIME", "foo")
	// TOUCH still counts as an access.
	c.Must(resp.Int(1), "TOUCH", "foo")
	c.Must(resp.Int(0), "OBJECT", "IDLETIME", "foo")
	clk.advance(5 * time.Second)
	c.MustOK("CLIENT", "NO-TOUCH", "off")
	c.Must(resp.Bulk("bar"), "GET", "foo")
	c.Must(resp.Int(0), "OBJECT", "IDLETIME", "foo")
	// RESET turns it off.
	c.MustOK("CLIENT", "NO-TOUCH", "on")
	c.Must(resp.Simple("RESET"), "RESET")
	if got := clientField(t, c.Do("CLIENT", "INFO").Str, "flags"); got != "N" {
		t.Errorf("flags=%s after RESET, want N", got)
	}
}

// blockedClients reads INFO's blocked_clients.
func blockedClients(t *testing.T, c *rktest.Conn) int {
	t.Helper()
	info := c.Do("INFO", "clients").Str
	_, rest, ok := strings.Cut(info, "blocked_clients:")
	if !ok {
		t.Fatalf("no blocked_clients in %q", info)
	}
	n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, '\r')])
	return n
}

func TestClientPauseWrite(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	w := rktest.Dial(t, addr)
	wID := strconv.FormatInt(w.Do("CLIENT", "ID").Int, 10)
	c.MustOK("CLIENT", "PAUSE", "100000", "WRITE")

	// Reads and admin commands run; writes wait, in order, and so does
	// everything pipelined behind them.
	w.Must(resp.NullBulk(), "GET", "k")
	w.Send("SET", "k", "1")
	w.Send("INCR", "k")
	w.Send("GET", "k")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.Must(resp.NullBulk(), "GET", "k")
	line := clientLines(t, c.Do("CLIENT", "LIST", "ID", wID))[0]
	if f, cmd := clientField(t, line, "flags"), clientField(t, line, "cmd"); f != "b" || cmd != "set" {
		t.Errorf("paused client: flags=%s cmd=%s, want b and set", f, cmd)
	}
	// Arity errors are answered at once.
	c.MustErr("ERR wrong number of arguments for 'set' command", "SET", "k")
	c.MustOK("CLIENT", "UNPAUSE")
	clientMustRead(t, w, resp.Simple("OK"))
	clientMustRead(t, w, resp.Int(2))
	clientMustRead(t, w, resp.Bulk("2"))
	if n := blockedClients(t, c); n != 0 {
		t.Errorf("blocked_clients=%d after UNPAUSE", n)
	}

	// EXEC waits when its transaction writes, not otherwise.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "k")
	w.MustOK("MULTI")
	w.Must(resp.Simple("QUEUED"), "INCR", "k")
	o := rktest.Dial(t, addr)
	o.MustOK("CLIENT", "PAUSE", "100000", "write")
	c.Must(resp.Array(resp.Bulk("2")), "EXEC")
	w.Send("EXEC")
	clientWaitFor(t, func() bool { return blockedClients(t, o) == 1 })
	o.MustOK("CLIENT", "UNPAUSE")
	clientMustRead(t, w, resp.Array(resp.Int(3)))

	// A pause that runs out lets the command through.
	o.MustOK("CLIENT", "PAUSE", "100", "WRITE")
	start := time.Now()
	w.MustOK("SET", "k", "v")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("SET answered after %v, during a 100 ms pause", d)
	}
}

func TestClientPauseAll(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	o := rktest.Dial(t, addr)

	// Every command waits, reads included.
	start := time.Now()
	c.MustOK("CLIENT", "PAUSE", "300")
	o.Must(resp.Simple("PONG"), "PING")
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("PING answered after %v under a 300 ms ALL pause", d)
	}

	// The pausing client's own commands wait as well, CLIENT UNPAUSE
	// included, as in Redis.
	start = time.Now()
	c.MustOK("CLIENT", "PAUSE", "300", "all")
	c.MustOK("CLIENT", "UNPAUSE")
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("CLIENT UNPAUSE answered after %v under a 300 ms ALL pause", d)
	}
	o.Must(resp.Simple("PONG"), "PING")
}

func TestClientPauseExpiresAndMerges(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	o := rktest.Dial(t, addr)

	// ALL for 200 ms, then WRITE for 10 ms: reads still wait ~200 ms.
	start := time.Now()
	c.MustOK("CLIENT", "PAUSE", "200", "ALL")
	time.Sleep(20 * time.Millisecond) // c's next command would wait too
	o.Must(resp.NullBulk(), "GET", "k")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("GET answered after %v under a 200 ms ALL pause", d)
	}

	// A shorter pause keeps the longer end time.
	c.MustOK("CLIENT", "PAUSE", "60000", "WRITE")
	c.MustOK("CLIENT", "PAUSE", "10", "WRITE")
	time.Sleep(50 * time.Millisecond)
	o.Send("SET", "k", "v")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.MustOK("CLIENT", "UNPAUSE")
	clientMustRead(t, o, resp.Simple("OK"))

	// WRITE then ALL (timeout 0) turns the pause into ALL.
	c.MustOK("CLIENT", "PAUSE", "300", "WRITE")
	c.MustOK("CLIENT", "PAUSE", "0", "ALL")
	start = time.Now()
	o.Must(resp.Bulk("v"), "GET", "k")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("GET answered after %v, pause upgraded to ALL", d)
	}
	// Timeout 0 with no pause pauses nothing.
	c.MustOK("CLIENT", "PAUSE", "0")
	o.MustOK("SET", "k", "w")
}

func TestClientPauseKilledWhileWaiting(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	w := rktest.Dial(t, addr)
	wID := w.Do("CLIENT", "ID").Int
	c.MustOK("CLIENT", "PAUSE", "100000", "WRITE")
	w.Send("SET", "k", "v")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.Must(resp.Int(1), "CLIENT", "KILL", "ID", strconv.FormatInt(wID, 10))
	w.ExpectClosed(2 * time.Second)
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 0 })
	c.MustOK("CLIENT", "UNPAUSE")
	c.Must(resp.NullBulk(), "GET", "k")
}

func TestClientPauseErrors(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustErr("ERR timeout is not an integer or out of range", "CLIENT", "PAUSE", "abc")
	c.MustErr("ERR timeout is negative", "CLIENT", "PAUSE", "-1")
	c.MustErr("ERR timeout is out of range", "CLIENT", "PAUSE", "9223372036854775800")
	c.MustErr("ERR CLIENT PAUSE mode must be WRITE or ALL", "CLIENT", "PAUSE", "10", "bogus")
	c.MustErr("ERR CLIENT PAUSE mode must be WRITE or ALL", "CLIENT", "PAUSE", "x", "bogus")
	c.MustErr("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.", "CLIENT", "pause", "10", "write", "x")
	c.MustErr("ERR wrong number of arguments for 'client|pause' command", "CLIENT", "PAUSE")
	c.MustErr("ERR wrong number of arguments for 'client|unpause' command", "CLIENT", "UNPAUSE", "x")
	c.MustOK("CLIENT", "UNPAUSE")
}

func TestClientUnblock(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", "3")
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", "999", "ERROR")
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", "999", "timeout")
	c.MustErr("ERR value is not an integer or out of range", "CLIENT", "UNBLOCK", "x")
	c.MustErr("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR", "CLIENT", "UNBLOCK", "x", "foo")
	c.MustErr("ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.", "CLIENT", "UNBLOCK", "1", "timeout", "x")

	// A client blocked in BLPOP: flag b, and UNBLOCK ends its wait with
	// the timeout reply or an error.
	b := rktest.Dial(t, addr)
	bID := strconv.FormatInt(b.Do("CLIENT", "ID").Int, 10)
	b.Send("BLPOP", "list", "0")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	line := clientLines(t, c.Do("CLIENT", "LIST", "ID", bID))[0]
	if f, cmd := clientField(t, line, "flags"), clientField(t, line, "cmd"); f != "b" || cmd != "blpop" {
		t.Errorf("blocked client: flags=%s cmd=%s, want b and blpop", f, cmd)
	}
	c.Must(resp.Int(1), "CLIENT", "UNBLOCK", bID)
	clientMustRead(t, b, resp.NullArray())
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", bID)

	b.Send("BLPOP", "list", "0")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.Must(resp.Int(1), "CLIENT", "UNBLOCK", bID, "error")
	if v := b.Read(); !v.IsError() || v.Str != "UNBLOCKED client unblocked via CLIENT UNBLOCK" {
		t.Errorf("unblocked by error: %v", v)
	}

	// A client held back by CLIENT PAUSE is not blocked in UNBLOCK's
	// sense.
	c.MustOK("CLIENT", "PAUSE", "100000", "WRITE")
	b.Send("SET", "k", "v")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", bID)
	c.MustOK("CLIENT", "UNPAUSE")
	clientMustRead(t, b, resp.Simple("OK"))

	// CLIENT KILL ends a blocked client at once.
	b.Send("BLPOP", "list", "0")
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	c.Must(resp.Int(1), "CLIENT", "KILL", "ID", bID)
	b.ExpectClosed(2 * time.Second)
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 0 })
}

func TestClientHelpAndErrors(t *testing.T) {
	_, c := newServer(t, nil)
	v := c.Do("CLIENT", "HELP")
	if v.Kind != resp.KindArray || len(v.Elems) < 10 || len(v.Elems)%2 != 1 {
		t.Fatalf("CLIENT HELP = %v", v)
	}
	if got := v.Elems[0].Str; got != "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Errorf("first line %q", got)
	}
	var text []string
	for _, e := range v.Elems {
		if e.Kind != resp.KindSimple {
			t.Fatalf("HELP line %v is not a status string", e)
		}
		text = append(text, e.Str)
	}
	all := strings.Join(text, "\n")
	for _, sub := range []string{"GETNAME", "ID", "INFO", "KILL", "LIST", "NO-EVICT", "NO-TOUCH", "PAUSE", "REPLY", "SETINFO", "SETNAME", "UNBLOCK", "UNPAUSE", "HELP"} {
		if !strings.Contains(all, "\n"+sub) {
			t.Errorf("CLIENT HELP does not list %s", sub)
		}
	}
	c.MustErr("ERR wrong number of arguments for 'client' command", "CLIENT")
	c.MustErr("ERR unknown subcommand 'bogus'. Try CLIENT HELP.", "CLIENT", "bogus")
	c.MustErr("ERR wrong number of arguments for 'client|id' command", "CLIENT", "ID", "x")
}

// TestClientMatchesRedis compares the replies that do not depend on the
// connection (errors, names, library facts, counts of nothing killed)
// with Redis 7.4's.
func TestClientMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	cmds := [][]string{
		{"CLIENT"}, {"CLIENT", "bogus"}, {"CLIENT", "ID", "x"}, {"CLIENT", "INFO", "x"},
		{"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "a b"}, {"CLIENT", "SETNAME", "n1"}, {"CLIENT", "GETNAME"},
		{"CLIENT", "SETNAME", ""}, {"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME"},
		{"CLIENT", "SETINFO", "lib-name", "x y"}, {"CLIENT", "SETINFO", "Lib-Ver", "1\n"},
		{"CLIENT", "SETINFO", "bogus", "x"}, {"CLIENT", "SETINFO", "LIB-NAME", "mylib"}, {"CLIENT", "SETINFO", "lib-name"},
		{"CLIENT", "LIST", "TYPE", "bogus"}, {"CLIENT", "LIST", "ID", "x"}, {"CLIENT", "LIST", "ID", "99999"},
		{"CLIENT", "LIST", "foo"}, {"CLIENT", "LIST", "TYPE"}, {"CLIENT", "LIST", "TYPE", "pubsub"},
		{"CLIENT", "LIST", "TYPE", "master"}, {"CLIENT", "LIST", "TYPE", "replica"}, {"CLIENT", "LIST", "TYPE", "Slave"},
		{"CLIENT", "KILL"}, {"CLIENT", "KILL", "1.2.3.4:5"}, {"CLIENT", "KILL", "id"},
		{"CLIENT", "KILL", "ID", "99999"}, {"CLIENT", "KILL", "ID", "0"}, {"CLIENT", "KILL", "ID", "x"},
		{"CLIENT", "KILL", "TYPE", "x"}, {"CLIENT", "KILL", "TYPE", "pubsub"}, {"CLIENT", "KILL", "USER", "nobody"},
		{"CLIENT", "KILL", "USER", "default"}, {"CLIENT", "KILL", "ADDR", "1.2.3.4:5"}, {"CLIENT", "KILL", "LADDR", "1.2.3.4:5"},
		{"CLIENT", "KILL", "SKIPME", "maybe"}, {"CLIENT", "KILL", "SKIPME", "YES"}, {"CLIENT", "KILL", "MAXAGE", "x"},
		{"CLIENT", "KILL", "MAXAGE", "0"}, {"CLIENT", "KILL", "MAXAGE", "-5"}, {"CLIENT", "KILL", "MAXAGE", "100000"},
		{"CLIENT", "KILL", "ID", "5", "bogus"}, {"CLIENT", "KILL", "bogus", "5"},
		{"CLIENT", "KILL", "ID", "x", "TYPE", "y"}, {"CLIENT", "KILL", "TYPE", "y", "ID", "x"},
		{"CLIENT", "REPLY"}, {"CLIENT", "REPLY", "bogus"}, {"CLIENT", "REPLY", "ON"},
		{"CLIENT", "NO-EVICT", "x"}, {"CLIENT", "NO-EVICT", "on"}, {"CLIENT", "NO-EVICT", "OFF"},
		{"CLIENT", "NO-TOUCH", "x"}, {"CLIENT", "NO-TOUCH", "ON"}, {"CLIENT", "NO-TOUCH", "off"},
		{"CLIENT", "PAUSE"}, {"CLIENT", "PAUSE", "x"}, {"CLIENT", "PAUSE", "-1"}, {"CLIENT", "PAUSE", "9223372036854775800"},
		{"CLIENT", "PAUSE", "10", "x"}, {"CLIENT", "PAUSE", "10", "WRITE", "x"}, {"CLIENT", "PAUSE", "0", "write"},
		{"CLIENT", "UNPAUSE"}, {"CLIENT", "UNPAUSE", "x"},
		{"CLIENT", "UNBLOCK"}, {"CLIENT", "UNBLOCK", "x"}, {"CLIENT", "UNBLOCK", "1", "x"}, {"CLIENT", "UNBLOCK", "x", "error"},
		{"CLIENT", "UNBLOCK", "99999"}, {"CLIENT", "UNBLOCK", "99999", "TIMEOUT"}, {"CLIENT", "UNBLOCK", "1", "error", "x"},
		{"HELLO", "3", "SETNAME", "a b"}, {"HELLO", "2", "SETNAME", "named"}, {"CLIENT", "GETNAME"},
		{"MULTI"}, {"CLIENT", "SETNAME", "inmulti"}, {"CLIENT", "GETNAME"}, {"EXEC"},
	}
	for _, cmd := range cmds {
		want := real.Do(cmd...)
		got := rk.Do(cmd...)
		if cmd[0] == "HELLO" && !want.IsError() {
			// The reply holds the connection's id, which differs.
			if got.Kind != want.Kind {
				t.Errorf("%q: rk %v, redis %v", cmd, got, want)
			}
			continue
		}
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n rk    %v\n redis %v", cmd, got, want)
		}
	}
}

// A command held back by CLIENT PAUSE waits as a blocked command does:
// the replies of the commands pipelined before it are sent at once, and
// a client that goes away meanwhile is freed and its command dropped, as
// in Redis (verified against 7.4.1).
func TestClientPauseFlushesAndNoticesDisconnect(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	w := rktest.Dial(t, addr)
	c.MustOK("CLIENT", "PAUSE", "100000", "WRITE")
	w.SendRaw([]byte("PING\r\nSET k v\r\nGET k\r\n"))
	w.SetTimeout(2 * time.Second)
	if got, err := w.ReadErr(); err != nil || !rktest.Equal(got, resp.Simple("PONG")) {
		t.Fatalf("PING before a paused SET: got %v, %v; want PONG at once", got, err)
	}
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 1 })
	w.Close()
	clientWaitFor(t, func() bool { return blockedClients(t, c) == 0 })
	if n := len(clientLines(t, c.Do("CLIENT", "LIST"))); n != 1 {
		t.Errorf("CLIENT LIST shows %d clients after the paused one left, want 1", n)
	}
	c.MustOK("CLIENT", "UNPAUSE")
	time.Sleep(50 * time.Millisecond)
	c.Must(resp.NullBulk(), "GET", "k")
}

// CLIENT KILL frees a client at once, also one whose replies wait for it
// to read: the connection closes without the rest of the replies, rather
// than staying open until the client reads them all.
func TestClientKillSlowReader(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	c.MustOK("SET", "big", strings.Repeat("x", 1<<20))
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	const gets = 32
	nc.Write([]byte("CLIENT ID\r\n" + strings.Repeat("GET big\r\n", gets)))
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReaderSize(nc, 64)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(strings.TrimPrefix(line, ":"))
	time.Sleep(200 * time.Millisecond) // the server now waits to write
	c.Must(resp.Int(1), "CLIENT", "KILL", "ID", id)
	time.Sleep(200 * time.Millisecond)
	nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	n, err := io.Copy(io.Discard, br)
	if err != nil && !rktest.IsClosed(err) {
		t.Fatalf("after %d bytes: %v", n, err)
	}
	if n >= gets<<20 {
		t.Errorf("read all %d bytes of replies after CLIENT KILL: the killed client's connection stayed open", n)
	}
}

// CLIENT LIST's cmd is the command last looked up, as Redis sets it
// before any check: a refused command shows, an unknown one shows NULL
// (verified against 7.4.1).
func TestClientListCmdOfRefusedCommands(t *testing.T) {
	addr := clientServer(t, memory.Options{})
	c := rktest.Dial(t, addr)
	b := rktest.Dial(t, addr)
	id := strconv.FormatInt(b.Do("CLIENT", "ID").Int, 10)
	cmd := func() string {
		return clientField(t, clientLines(t, c.Do("CLIENT", "LIST", "ID", id))[0], "cmd")
	}
	b.Do("GET", "k")
	b.MustErr("ERR wrong number of arguments for 'set' command", "SET", "k")
	if got := cmd(); got != "set" {
		t.Errorf("after an arity error: cmd=%s, want set", got)
	}
	b.Do("NOSUCH", "x")
	if got := cmd(); got != "NULL" {
		t.Errorf("after an unknown command: cmd=%s, want NULL", got)
	}
	b.Do("GET", "k")
	b.Do("CLIENT", "NOSUCH")
	if got := cmd(); got != "NULL" {
		t.Errorf("after an unknown subcommand: cmd=%s, want NULL", got)
	}
}

// TestClientPauseStopsExpiry follows Redis: while writes are paused, keys
// whose time has come are gone for every command, but neither active nor
// lazy expiry deletes them until the pause ends.
func TestClientPauseStopsExpiry(t *testing.T) {
	_, c := newServer(t, nil)
	before := infoField(t, c, "stats", "expired_keys")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "foo", "bar", "PX", "10")
	c.Must(resp.Simple("QUEUED"), "SET", "bar", "foo", "PX", "10")
	c.Must(resp.Simple("QUEUED"), "CLIENT", "PAUSE", "50000", "WRITE")
	c.Do("EXEC")
	time.Sleep(300 * time.Millisecond) // past the deadline, and a few active cycles
	c.Must(resp.NullBulk(), "GET", "foo")
	c.Must(resp.NullBulk(), "GET", "bar")
	if got := infoField(t, c, "stats", "expired_keys"); got != before {
		t.Errorf("expired_keys during the pause = %s, want %s", got, before)
	}
	c.MustOK("CLIENT", "UNPAUSE")
	c.Must(resp.NullBulk(), "GET", "foo")
	c.Must(resp.NullBulk(), "GET", "bar")
	if got, want := infoField(t, c, "stats", "expired_keys"), strconv.Itoa(mustAtoi(t, before)+2); got != want {
		t.Errorf("expired_keys after the pause = %s, want %s", got, want)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
