package memory_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// waitBlockedClients waits until INFO reports n blocked clients.
func waitBlockedClients(t *testing.T, c *rktest.Conn, n int) {
	t.Helper()
	want := strconv.Itoa(n)
	for i := 0; i < 300; i++ {
		if infoField(t, c, "clients", "blocked_clients") == want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("blocked_clients never reached %d (it is %s)", n, infoField(t, c, "clients", "blocked_clients"))
}

func TestBlockingServedByPush(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	b.Send("BLPOP", "k1", "k2", "0")
	waitBlockedClients(t, c, 1)
	if got := infoField(t, c, "clients", "total_blocking_keys"); got != "2" {
		t.Errorf("total_blocking_keys = %s, want 2", got)
	}
	c.Must(resp.Int(2), "RPUSH", "k2", "a", "b")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("k2", "a")) {
		t.Errorf("BLPOP = %v", got)
	}
	waitBlockedClients(t, c, 0)
	if got := infoField(t, c, "clients", "total_blocking_keys"); got != "0" {
		t.Errorf("total_blocking_keys = %s, want 0", got)
	}
	c.Must(resp.BulkStrings("b"), "LRANGE", "k2", "0", "-1")
	// Served once: one call, no rejected or failed ones.
	stats := c.Do("INFO", "commandstats").Str
	if !strings.Contains(stats, "cmdstat_blpop:calls=1,") {
		t.Errorf("commandstats: %s", stats)
	}
}

func TestBlockingFIFOAndFairness(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b1, b2, b3 := rktest.Dial(t, addr), rktest.Dial(t, addr), rktest.Dial(t, addr)
	b1.Send("BRPOP", "q", "0")
	waitBlockedClients(t, c, 1)
	b2.Send("BLPOP", "q", "0")
	waitBlockedClients(t, c, 2)
	// One connection pushes and blocks in one pipeline: the clients
	// already waiting are served first.
	b3.SendRaw([]byte("*3\r\n$5\r\nLPUSH\r\n$1\r\nq\r\n$1\r\n1\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n"))
	if got := b1.Read(); !rktest.Equal(got, resp.BulkStrings("q", "1")) {
		t.Errorf("first waiter got %v", got)
	}
	if got := b3.Read(); !rktest.Equal(got, resp.Int(1)) {
		t.Errorf("LPUSH = %v", got)
	}
	waitBlockedClients(t, c, 2)
	c.Must(resp.Int(2), "RPUSH", "q", "x", "y")
	if got := b2.Read(); !rktest.Equal(got, resp.BulkStrings("q", "x")) {
		t.Errorf("second waiter got %v", got)
	}
	if got := b3.Read(); !rktest.Equal(got, resp.BulkStrings("q", "y")) {
		t.Errorf("third waiter got %v", got)
	}
}

func TestBlockingTimeoutsAndTransactions(t *testing.T) {
	_, c := newServer(t, nil)
	start := time.Now()
	c.Must(resp.NullArray(), "BLPOP", "k", "0.05")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("BLPOP returned after %v", d)
	}
	c.Must(resp.NullArray(), "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.01")
	c.Must(resp.NullArray(), "BRPOPLPUSH", "k", "d", "0.01")
	c.Must(resp.NullArray(), "BLMPOP", "0.01", "1", "k", "LEFT")
	c.MustErr("ERR timeout is negative", "BLPOP", "k", "-1")
	c.MustErr("ERR timeout is not a float or out of range", "BLPOP", "k", "x")
	c.MustErr("ERR timeout is out of range", "BLPOP", "k", "0x7FFFFFFFFFFFFF")
	c.MustErr("ERR timeout is out of range", "BLPOP", "k", "inf")
	c.MustErr("ERR numkeys should be greater than 0", "BLMPOP", "0", "0", "k", "LEFT")

	// Inside MULTI a blocking command answers as if it timed out.
	c.MustOK("MULTI")
	c.Do("BLPOP", "k", "0")
	c.Do("BLMOVE", "k", "d", "LEFT", "LEFT", "0")
	c.Do("BLMPOP", "0", "1", "k", "LEFT")
	c.Must(resp.Array(resp.NullArray(), resp.NullBulk(), resp.NullArray()), "EXEC")

	c.Do("HELLO", "3")
	c.Must(resp.Null(), "BLPOP", "k", "0.01")
	c.Must(resp.Null(), "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.01")
}

func TestBlockingTransactionIsolation(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	b.Send("BLPOP", "list", "0")
	waitBlockedClients(t, c, 1)
	// Pushed and deleted in one transaction: nobody is woken.
	c.MustOK("MULTI")
	c.Do("LPUSH", "list", "a")
	c.Do("DEL", "list")
	c.Do("SET", "list", "str")
	c.Do("EXEC")
	c.Do("DEL", "list")
	waitBlockedClients(t, c, 1)
	// Several pushes in one transaction: the client sees the last state.
	c.MustOK("MULTI")
	c.Do("LPUSH", "list", "a")
	c.Do("LPUSH", "list", "b")
	c.Do("EXEC")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("list", "b")) {
		t.Errorf("BLPOP = %v", got)
	}
}

func TestBlockingPipelineAndFlush(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	// PING's reply is sent before BLPOP waits; the GET after it runs
	// once BLPOP is served.
	b.SendRaw([]byte("*1\r\n$4\r\nPING\r\n*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*2\r\n$3\r\nGET\r\n$1\r\ns\r\n"))
	if got := b.Read(); !rktest.Equal(got, resp.Simple("PONG")) {
		t.Fatalf("PING = %v", got)
	}
	waitBlockedClients(t, c, 1)
	c.MustOK("SET", "s", "later")
	c.Do("RPUSH", "k", "v")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("k", "v")) {
		t.Errorf("BLPOP = %v", got)
	}
	if got := b.Read(); !rktest.Equal(got, resp.Bulk("later")) {
		t.Errorf("GET = %v", got)
	}
	// A command sent while blocked runs after the blocking one.
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	b.Send("GET", "s")
	time.Sleep(20 * time.Millisecond)
	c.Do("RPUSH", "k", "w")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("k", "w")) {
		t.Errorf("BLPOP = %v", got)
	}
	if got := b.Read(); !rktest.Equal(got, resp.Bulk("later")) {
		t.Errorf("GET = %v", got)
	}
}

func TestBlockingDisconnectAndUnblock(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	b.Close()
	waitBlockedClients(t, c, 0)
	if got := infoField(t, c, "clients", "total_blocking_keys"); got != "0" {
		t.Errorf("total_blocking_keys = %s after the client left", got)
	}

	b = rktest.Dial(t, addr)
	id := b.Do("CLIENT", "ID").Int
	b.Send("BLMPOP", "0", "1", "k", "RIGHT")
	waitBlockedClients(t, c, 1)
	list := c.Do("CLIENT", "LIST", "ID", strconv.FormatInt(id, 10)).Str
	if !strings.Contains(list, "flags=b ") {
		t.Errorf("CLIENT LIST: %s", list)
	}
	c.Must(resp.Int(1), "CLIENT", "UNBLOCK", strconv.FormatInt(id, 10))
	if got := b.Read(); !rktest.Equal(got, resp.NullArray()) {
		t.Errorf("unblocked by timeout: %v", got)
	}
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	c.Must(resp.Int(1), "CLIENT", "UNBLOCK", strconv.FormatInt(id, 10), "ERROR")
	if got := b.Read(); !rktest.Equal(got, resp.Err("UNBLOCKED client unblocked via CLIENT UNBLOCK")) {
		t.Errorf("unblocked by error: %v", got)
	}
	c.Must(resp.Int(0), "CLIENT", "UNBLOCK", strconv.FormatInt(id, 10))
	// The session still works.
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	c.Do("LPUSH", "k", "x")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("k", "x")) {
		t.Errorf("BLPOP = %v", got)
	}
	// CLIENT KILL of a blocked client.
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	c.Must(resp.Int(1), "CLIENT", "KILL", "ID", strconv.FormatInt(id, 10))
	waitBlockedClients(t, c, 0)
}

func TestBlockingChains(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b1, b2, b3 := rktest.Dial(t, addr), rktest.Dial(t, addr), rktest.Dial(t, addr)
	// Linked moves: one push travels through both waiting clients.
	b1.Send("BLMOVE", "l1", "l2", "RIGHT", "LEFT", "0")
	waitBlockedClients(t, c, 1)
	b2.Send("BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0")
	waitBlockedClients(t, c, 2)
	c.Do("RPUSH", "l1", "foo")
	b1.Read()
	b2.Read()
	c.Must(resp.Int(0), "EXISTS", "l1", "l2")
	c.Must(resp.BulkStrings("foo"), "LRANGE", "l3", "0", "-1")

	// A wrong destination type answers the waiter with an error and
	// leaves the element.
	c.MustOK("SET", "dst", "str")
	b1.Send("BRPOPLPUSH", "src", "dst", "0")
	waitBlockedClients(t, c, 1)
	b2.Send("BRPOPLPUSH", "src", "dst2", "0")
	waitBlockedClients(t, c, 2)
	c.Do("LPUSH", "src", "e")
	if got := b1.Read(); !got.IsError() || !strings.HasPrefix(got.Str, "WRONGTYPE") {
		t.Errorf("BRPOPLPUSH to a string = %v", got)
	}
	if got := b2.Read(); !rktest.Equal(got, resp.Bulk("e")) {
		t.Errorf("BRPOPLPUSH = %v", got)
	}

	// Keys moved into place, and SWAPDB, wake waiters.
	b3.Send("BLPOP", "moved", "0")
	waitBlockedClients(t, c, 1)
	c.Do("RPUSH", "tmp", "m")
	c.MustOK("RENAME", "tmp", "moved")
	if got := b3.Read(); !rktest.Equal(got, resp.BulkStrings("moved", "m")) {
		t.Errorf("after RENAME: %v", got)
	}
	c.MustOK("SELECT", "1")
	c.Do("RPUSH", "sw", "hello")
	c.MustOK("SELECT", "0")
	b3.Send("BRPOP", "sw", "0")
	waitBlockedClients(t, c, 1)
	c.MustOK("SWAPDB", "0", "1")
	if got := b3.Read(); !rktest.Equal(got, resp.BulkStrings("sw", "hello")) {
		t.Errorf("after SWAPDB: %v", got)
	}
}

// TestBlockingExpiredKeyKeepsDeadline: a key made ready but expired by
// the time clients are served leaves them blocked, with their deadline.
func TestBlockingExpiredKeyKeepsDeadline(t *testing.T) {
	e, c := newServer(t, map[string]string{"enable-debug-command": "yes"})
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	start := time.Now()
	b.Send("BLPOP", "k", "0.5")
	waitBlockedClients(t, c, 1)
	c.MustOK("MULTI")
	c.Do("RPUSH", "k", "a")
	c.Do("PEXPIRE", "k", "20")
	c.Do("DEBUG", "SLEEP", "0.05")
	c.Do("EXEC")
	if got := b.Read(); !rktest.Equal(got, resp.NullArray()) {
		t.Errorf("BLPOP = %v", got)
	}
	if d := time.Since(start); d < 450*time.Millisecond || d > 900*time.Millisecond {
		t.Errorf("BLPOP returned after %v, want about 500ms", d)
	}
}

// What a blocked client sends while it waits is kept for later, within
// client-query-buffer-limit: past it, the client is closed, as Redis
// closes a client whose query buffer grows too big, rather than buffering
// without bound.
func TestBlockedClientQueryBufferLimit(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	c.MustOK("CONFIG", "SET", "client-query-buffer-limit", "1mb")
	b := rktest.Dial(t, addr)
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	// Within the limit: kept, and run once BLPOP is served.
	b.Send("SET", "a", "1")
	c.Do("LPUSH", "k", "x")
	if got := b.Read(); !rktest.Equal(got, resp.BulkStrings("k", "x")) {
		t.Fatalf("BLPOP = %v", got)
	}
	if got := b.Read(); !rktest.Equal(got, resp.Simple("OK")) {
		t.Fatalf("SET after BLPOP = %v", got)
	}

	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	chunk := []byte("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$65536\r\n" + strings.Repeat("v", 65536) + "\r\n")
	go func() {
		for i := 0; i < 64; i++ { // 4 MB
			if _, err := b.Raw().Write(chunk); err != nil {
				return
			}
		}
	}()
	b.ExpectClosed(5 * time.Second)
	waitBlockedClients(t, c, 0)
	c.Must(resp.NullBulk(), "GET", "b")
}

// A blocked client whose key is made ready while CLIENT PAUSE holds back
// its command is served once the pause ends, as in Redis (verified
// against 7.4.1), not left waiting on a key that holds a value.
func TestBlockingServedAfterPause(t *testing.T) {
	e, c := newServer(t, nil)
	addr := rktest.Serve(t, e)
	b := rktest.Dial(t, addr)
	b.Send("BLPOP", "k", "0")
	waitBlockedClients(t, c, 1)
	c.MustOK("MULTI")
	c.Do("LPUSH", "k", "x")
	c.Do("CLIENT", "PAUSE", "200", "WRITE")
	c.Must(resp.Array(resp.Int(1), resp.Simple("OK")), "EXEC")
	b.SetTimeout(3 * time.Second)
	if got, err := b.ReadErr(); err != nil || !rktest.Equal(got, resp.BulkStrings("k", "x")) {
		t.Fatalf("BLPOP after the pause: %v, %v", got, err)
	}
	c.Must(resp.Array(), "LRANGE", "k", "0", "-1")

	// The same, ended by CLIENT UNPAUSE; the client's next command runs.
	b.Send("BLPOP", "k", "0")
	b.Send("PING")
	waitBlockedClients(t, c, 1)
	c.MustOK("MULTI")
	c.Do("LPUSH", "k", "y")
	c.Do("CLIENT", "PAUSE", "100000", "WRITE")
	c.Must(resp.Array(resp.Int(1), resp.Simple("OK")), "EXEC")
	c.MustOK("CLIENT", "UNPAUSE")
	if got, err := b.ReadErr(); err != nil || !rktest.Equal(got, resp.BulkStrings("k", "y")) {
		t.Fatalf("BLPOP after UNPAUSE: %v, %v", got, err)
	}
	if got := b.Read(); !rktest.Equal(got, resp.Simple("PONG")) {
		t.Errorf("PING after BLPOP: %v", got)
	}
}
