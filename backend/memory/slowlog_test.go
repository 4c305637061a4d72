package memory_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
)

func TestSlowlog(t *testing.T) {
	_, c := newServer(t, map[string]string{"slowlog-log-slower-than": "0"})
	c.MustOK("SLOWLOG", "RESET")
	c.Must(resp.Int(1), "SLOWLOG", "LEN") // the RESET itself
	c.MustOK("SET", "k", "v")
	c.Do("HELLO", "2", "SETNAME", "me")
	c.Must(resp.Bulk("v"), "GET", "k")

	got := c.Do("SLOWLOG", "GET")
	if len(got.Elems) != 5 { // RESET, LEN, SET, HELLO, GET
		t.Fatalf("SLOWLOG GET = %v", got)
	}
	e := got.Elems[0]
	if len(e.Elems) != 6 || e.Elems[3].String() != resp.BulkStrings("GET", "k").String() ||
		e.Elems[5].Str != "me" || !strings.HasPrefix(e.Elems[4].Str, "127.0.0.1:") {
		t.Errorf("newest entry = %v", e)
	}
	if now := time.Now().Unix(); e.Elems[1].Int < now-5 || e.Elems[1].Int > now+5 {
		t.Errorf("entry time %d, now %d", e.Elems[1].Int, now)
	}
	if e.Elems[0].Int <= got.Elems[1].Elems[0].Int {
		t.Errorf("ids not decreasing: %v", got)
	}
	if n := len(c.Do("SLOWLOG", "GET", "1").Elems); n != 1 {
		t.Errorf("SLOWLOG GET 1 has %d entries", n)
	}
	if n := len(c.Do("SLOWLOG", "GET", "-1").Elems); n != 7 {
		t.Errorf("SLOWLOG GET -1 has %d entries", n)
	}
	c.MustErr("ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "-2")
	c.MustErr("ERR count should be greater than or equal to -1", "SLOWLOG", "GET", "x")
	c.MustErr("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.", "SLOWLOG", "GET", "1", "2")
	c.MustErr("ERR unknown subcommand 'nope'. Try SLOWLOG HELP.", "SLOWLOG", "nope")
	c.MustErr("ERR wrong number of arguments for 'slowlog|len' command", "SLOWLOG", "LEN", "x")

	// Commands flagged skip_slowlog are not logged; MULTI's commands are,
	// EXEC is not.
	c.MustOK("SLOWLOG", "RESET")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "a", "1")
	c.Do("EXEC")
	var names []string
	for _, e := range c.Do("SLOWLOG", "GET", "-1").Elems {
		names = append(names, e.Elems[3].Elems[0].Str)
	}
	if got := strings.Join(names, " "); got != "SET MULTI SLOWLOG" {
		t.Errorf("logged commands %q, want SET MULTI SLOWLOG", got)
	}
}

func TestSlowlogLimits(t *testing.T) {
	_, c := newServer(t, map[string]string{"slowlog-log-slower-than": "0", "slowlog-max-len": "3"})
	for i := 0; i < 10; i++ {
		c.Do("PING")
	}
	c.Must(resp.Int(3), "SLOWLOG", "LEN")

	c.MustOK("SLOWLOG", "RESET")
	args := []string{"MSET"}
	for i := 0; i < 40; i++ {
		args = append(args, "k", strings.Repeat("x", 200))
	}
	c.MustOK(args...)
	e := c.Do("SLOWLOG", "GET", "1").Elems[0].Elems[3]
	if len(e.Elems) != 32 || e.Elems[31].Str != "... (50 more arguments)" ||
		e.Elems[2].Str != strings.Repeat("x", 128)+"... (72 more bytes)" {
		t.Errorf("long command logged as %v", e)
	}

	// Secrets are redacted.
	c.MustOK("CONFIG", "SET", "requirepass", "secret", "maxmemory", "0")
	c.MustOK("AUTH", "secret")
	c.MustOK("CONFIG", "SET", "requirepass", "")
	want := [][]string{
		{"CONFIG", "SET", "requirepass", "(redacted)"},
		{"AUTH", "(redacted)"},
		{"CONFIG", "SET", "requirepass", "(redacted)", "maxmemory", "0"},
	}
	for i, e := range c.Do("SLOWLOG", "GET", "3").Elems {
		if got := e.Elems[3].String(); got != resp.BulkStrings(want[i]...).String() {
			t.Errorf("entry %d = %s, want %q", i, got, want[i])
		}
	}

	c.MustErr("ERR syntax error", "AUTH", "a", "b", "c") // refused before redaction, as in Redis
	if got := c.Do("SLOWLOG", "GET", "1").Elems[0].Elems[3].String(); got != resp.BulkStrings("AUTH", "a", "b", "c").String() {
		t.Errorf("AUTH with too many arguments logged as %s", got)
	}

	c.MustOK("CONFIG", "SET", "slowlog-log-slower-than", "-1")
	c.MustOK("SLOWLOG", "RESET")
	c.Do("PING")
	c.Must(resp.Int(0), "SLOWLOG", "LEN")
}

func TestSlowlogHelp(t *testing.T) {
	_, c := newServer(t, nil)
	v := c.Do("SLOWLOG", "HELP")
	if len(v.Elems) < 5 || v.Elems[0].Str != "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" || v.Elems[1].Str != "GET [<count>]" {
		t.Errorf("SLOWLOG HELP = %v", v)
	}
}

func TestTimeAndLastsave(t *testing.T) {
	_, c := newServer(t, nil)
	v := c.Do("TIME")
	if len(v.Elems) != 2 || v.Elems[0].Kind != resp.KindBulk {
		t.Fatalf("TIME = %v", v)
	}
	sec, err1 := strconv.ParseInt(v.Elems[0].Str, 10, 64)
	usec, err2 := strconv.ParseInt(v.Elems[1].Str, 10, 64)
	if now := time.Now().Unix(); err1 != nil || err2 != nil || sec < now-5 || sec > now+5 || usec < 0 || usec > 999999 {
		t.Errorf("TIME = %v, now %d", v, now)
	}
	last := c.Do("LASTSAVE")
	if now := time.Now().Unix(); last.Kind != resp.KindInt || last.Int > now || last.Int < now-60 {
		t.Errorf("LASTSAVE = %v", last)
	}
	c.MustErr("ERR wrong number of arguments for 'time' command", "TIME", "x")
}
