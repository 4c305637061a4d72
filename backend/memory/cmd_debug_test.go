package memory_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

var debugOn = map[string]string{"enable-debug-command": "yes"}

func TestDebugNotAllowed(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustErr(`ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
		"DEBUG", "HELP")
	_, c = newServer(t, map[string]string{"enable-debug-command": "local"})
	c.MustOK("DEBUG", "LOG", "from loopback")
}

func TestDebugBasics(t *testing.T) {
	_, c := newServer(t, debugOn)
	c.MustErr("ERR wrong number of arguments for 'debug' command", "DEBUG")
	c.MustErr("ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.", "DEBUG", "nosuch")
	c.MustErr("ERR unknown subcommand or wrong number of arguments for 'log'. Try DEBUG HELP.", "DEBUG", "log")
	c.MustOK("DEBUG", "LOG", "hello from the test")
	c.MustOK("DEBUG", "SLEEP", "0")
	c.MustOK("DEBUG", "SLEEP", "abc")
	c.MustOK("DEBUG", "RELOAD")
	c.MustErr("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.", "DEBUG", "RELOAD", "bad")
	c.MustOK("DEBUG", "CHANGE-REPL-ID")
	c.MustOK("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b")
	c.MustOK("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
	c.MustErr("ERR argument must be a memory value bigger than 1 and smaller than 4gb", "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb")
	c.Must(resp.Err("FOO bar"), "DEBUG", "ERROR", "FOO bar")
	c.Must(resp.Simple("Apparently Redis did not crash: test passed"), "DEBUG", "STRINGMATCH-TEST")
	help := c.Do("DEBUG", "HELP")
	if len(help.Elems) < 20 || help.Elems[0].Str != "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Errorf("DEBUG HELP = %v", help)
	}

	c.MustOK("SET", "k", "v")
	c.MustOK("DEBUG", "RELOAD")
	c.Must(resp.Bulk("v"), "GET", "k") // rk keeps its data across a reload
	c.MustOK("DEBUG", "POPULATE", "3")
	c.Must(resp.BulkStrings("value:0", "value:2"), "MGET", "key:0", "key:2")
	c.MustOK("DEBUG", "POPULATE", "2", "p", "10")
	c.Must(resp.Bulk("value:1\x00\x00\x00"), "GET", "p:1")
	c.MustErr("ERR value is out of range, must be positive", "DEBUG", "POPULATE", "-1")
}

func TestDebugObject(t *testing.T) {
	_, c := newServer(t, debugOn)
	c.MustOK("SET", "s", "bar")
	c.MustOK("SET", "n", "12345")
	c.MustOK("SET", "big", strings.Repeat("a", 59))
	re := regexp.MustCompile(`^Value at:0x[0-9a-f]+ refcount:1 encoding:(\w+) serializedlength:(\d+) lru:\d+ lru_seconds_idle:\d+$`)
	for key, want := range map[string][2]string{"s": {"embstr", "4"}, "n": {"int", "3"}, "big": {"raw", "60"}} {
		v := c.Do("DEBUG", "OBJECT", key)
		m := re.FindStringSubmatch(v.Str)
		if v.Kind != resp.KindSimple || m == nil || m[1] != want[0] || m[2] != want[1] {
			t.Errorf("DEBUG OBJECT %s = %v, want encoding %s serializedlength %s", key, v, want[0], want[1])
		}
	}
	c.MustErr("ERR no such key", "DEBUG", "OBJECT", "nosuch")

	// DEBUG OBJECT sees a key whose time passed, without deleting it
	// (Redis's "Script delete the expired key" test relies on it).
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	c.MustOK("SET", "gone", "v", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	if v := c.Do("DEBUG", "OBJECT", "gone"); v.IsError() {
		t.Errorf("DEBUG OBJECT on an expired, undeleted key: %v", v)
	}
	c.Must(resp.Int(0), "EXISTS", "gone")
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "1")
}

func TestDebugDigest(t *testing.T) {
	_, c := newServer(t, debugOn)
	zero := strings.Repeat("0", 40)
	c.Must(resp.Simple(zero), "DEBUG", "DIGEST")
	c.Must(resp.Array(resp.Simple(zero)), "DEBUG", "DIGEST-VALUE", "nosuch")
	c.Must(resp.Array(), "DEBUG", "DIGEST-VALUE")

	c.MustOK("SET", "a", "1")
	c.MustOK("SET", "b", "2")
	d1 := c.Do("DEBUG", "DIGEST").Str
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(d1) || d1 == zero {
		t.Fatalf("DEBUG DIGEST = %q", d1)
	}
	// The same data, written in another order, digests the same.
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "b", "2")
	c.MustOK("SET", "a", "1")
	if d2 := c.Do("DEBUG", "DIGEST").Str; d2 != d1 {
		t.Errorf("digest depends on insertion order: %s vs %s", d1, d2)
	}
	c.MustOK("SET", "a", "x")
	if d3 := c.Do("DEBUG", "DIGEST").Str; d3 == d1 {
		t.Errorf("digest did not change with a value")
	}
	c.MustOK("SET", "a", "1")
	c.Must(resp.Int(1), "EXPIRE", "a", "100")
	if d4 := c.Do("DEBUG", "DIGEST").Str; d4 == d1 {
		t.Errorf("digest did not change with a TTL")
	}
	c.MustOK("SET", "c", "2")
	v := c.Do("DEBUG", "DIGEST-VALUE", "b", "c", "a")
	if len(v.Elems) != 3 || v.Elems[0].Str != v.Elems[1].Str || v.Elems[0].Str == v.Elems[2].Str || v.Elems[0].Str == zero {
		t.Errorf("DEBUG DIGEST-VALUE b c a = %v", v)
	}
	// The same key in another database digests the dataset differently.
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "a", "1")
	in0 := c.Do("DEBUG", "DIGEST").Str
	c.MustOK("FLUSHALL")
	c.MustOK("SELECT", "1")
	c.MustOK("SET", "a", "1")
	if in1 := c.Do("DEBUG", "DIGEST").Str; in1 == in0 {
		t.Errorf("digest ignores the database")
	}
}

// TestDebugSleep: DEBUG SLEEP stops every client, as Redis's single thread
// does.
func TestDebugSleep(t *testing.T) {
	e, c := newServer(t, debugOn)
	_ = e
	c2 := rktest.Dial(t, c.Raw().RemoteAddr().String())
	c.Send("DEBUG", "SLEEP", "0.3")
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	c2.Must(resp.Simple("PONG"), "PING")
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("PING answered after %v during DEBUG SLEEP 0.3", d)
	}
	if v := c.Read(); v.Str != "OK" {
		t.Errorf("DEBUG SLEEP = %v", v)
	}
}

func TestDebugSetActiveExpire(t *testing.T) {
	_, c := newServer(t, debugOn)
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	c.MustOK("SET", "k", "v", "PX", "1")
	time.Sleep(300 * time.Millisecond)
	c.Must(resp.Int(1), "DBSIZE") // not deleted in the background
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	deadline := time.Now().Add(3 * time.Second)
	for c.Do("DBSIZE").Int != 0 {
		if time.Now().After(deadline) {
			t.Fatal("expired key not deleted once active expiry is back on")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDebugProtocol checks the wire bytes of every DEBUG PROTOCOL type in
// RESP3 and RESP2, as Redis sends them.
func TestDebugProtocol(t *testing.T) {
	_, c := newServer(t, debugOn)
	raw := func(args ...string) string {
		t.Helper()
		c.Send(args...)
		b, _, err := c.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	resp3 := map[string]string{
		"string":   "$11\r\nHello World\r\n",
		"integer":  ":12345\r\n",
		"double":   ",3.141\r\n",
		"bignum":   "(1234567999999999999999999999999999999\r\n",
		"null":     "_\r\n",
		"array":    "*3\r\n:0\r\n:1\r\n:2\r\n",
		"set":      "~3\r\n:0\r\n:1\r\n:2\r\n",
		"map":      "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
		"attrib":   "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n",
		"true":     "#t\r\n",
		"false":    "#f\r\n",
		"verbatim": "=29\r\ntxt:This is a verbatim\nstring\r\n",
	}
	resp2 := map[string]string{
		"double":   "$5\r\n3.141\r\n",
		"bignum":   "$37\r\n1234567999999999999999999999999999999\r\n",
		"null":     "$-1\r\n",
		"set":      "*3\r\n:0\r\n:1\r\n:2\r\n",
		"map":      "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
		"attrib":   "$39\r\nSome real reply following the attribute\r\n",
		"true":     ":1\r\n",
		"verbatim": "$25\r\nThis is a verbatim\nstring\r\n",
		"push":     "-ERR RESP2 is not supported by this command\r\n",
	}
	for typ, want := range resp2 {
		if got := raw("DEBUG", "PROTOCOL", typ); got != want {
			t.Errorf("RESP2 DEBUG PROTOCOL %s = %q, want %q", typ, got, want)
		}
	}
	raw("HELLO", "3")
	for typ, want := range resp3 {
		if got := raw("DEBUG", "PROTOCOL", typ); got != want {
			t.Errorf("RESP3 DEBUG PROTOCOL %s = %q, want %q", typ, got, want)
		}
	}
	if got := raw("DEBUG", "PROTOCOL", "push"); got != "$40\r\nSome real reply following the push reply\r\n" {
		t.Errorf("RESP3 DEBUG PROTOCOL push = %q", got)
	}
	if b, _, _ := c.ReadRaw(); string(b) != ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n" {
		t.Errorf("push frame = %q", b)
	}
	c.MustErr("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
		"DEBUG", "PROTOCOL", "nope")
}

func TestDebugHTStats(t *testing.T) {
	_, c := newServer(t, debugOn)
	c.Must(resp.Bulk("[Dictionary HT]\n[Expires HT]\n"), "DEBUG", "HTSTATS", "0")
	c.MustOK("SET", "a", "b")
	if v := c.Do("DEBUG", "HTSTATS", "0"); !strings.Contains(v.Str, "number of elements: 1\n") {
		t.Errorf("DEBUG HTSTATS 0 = %q", v.Str)
	}
	c.MustErr("ERR Out of range database", "DEBUG", "HTSTATS", "99")
}
