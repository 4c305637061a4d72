package backendtest

import (
	"sort"
	"strconv"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestGenericKeys covers DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME,
// RENAMENX, COPY, RANDOMKEY and DBSIZE.
func (s *Suite) TestGenericKeys(t *testing.T) {
	_, c := s.client(t)
	c.MustOK("MSET", "a", "1", "b", "2", "c", "3")
	c.MustInt(3, "DBSIZE")
	c.MustInt(3, "EXISTS", "a", "b", "c")
	c.MustInt(4, "EXISTS", "a", "a", "b", "c", "nope") // repeated keys count twice
	c.MustInt(2, "TOUCH", "a", "b", "nope")
	c.MustInt(2, "DEL", "a", "b", "nope", "a")
	c.MustInt(1, "UNLINK", "c", "c")
	c.MustInt(0, "DBSIZE")
	c.MustErr("ERR wrong number of arguments for 'del' command", "DEL")

	c.Must(resp.Simple("none"), "TYPE", "k")
	c.MustOK("SET", "k", "v")
	c.Must(resp.Simple("string"), "TYPE", "k")

	c.MustInt(1, "DEL", "k")
	c.Must(resp.NullBulk(), "RANDOMKEY")
	c.MustOK("SET", "k", "v")
	c.MustBulk("k", "RANDOMKEY")

	c.MustErr("ERR no such key", "RENAME", "nope", "x")
	c.MustErr("ERR no such key", "RENAMENX", "nope", "x")
	c.MustOK("RENAME", "k", "k2")
	c.MustInt(0, "EXISTS", "k")
	c.MustBulk("v", "GET", "k2")
	c.MustOK("RENAME", "k2", "k2")
	c.MustInt(0, "RENAMENX", "k2", "k2")
	c.MustOK("SET", "other", "o")
	c.MustInt(0, "RENAMENX", "k2", "other")
	c.MustInt(1, "RENAMENX", "k2", "k3")
	c.MustOK("SET", "k3", "v", "EX", "100")
	c.MustOK("RENAME", "k3", "other") // overwrites, and the TTL moves along
	c.MustInt(100, "TTL", "other")

	c.MustInt(1, "COPY", "other", "copy")
	c.MustBulk("v", "GET", "copy")
	c.MustInt(100, "TTL", "copy")
	c.MustInt(0, "COPY", "other", "copy")
	c.MustInt(0, "COPY", "nope", "x")
	c.MustOK("SET", "other", "changed")
	c.MustBulk("v", "GET", "copy") // a copy, not a shared value
	c.MustInt(1, "COPY", "other", "copy", "REPLACE")
	c.MustBulk("changed", "GET", "copy")
	c.MustErr("ERR source and destination objects are the same", "COPY", "copy", "copy")
	c.MustErr("ERR syntax error", "COPY", "a", "b", "BOGUS")
	c.MustErr("ERR DB index is out of range", "COPY", "copy", "x", "DB", "16")
	c.MustInt(1, "COPY", "copy", "x", "DB", "1")
	c.MustOK("SELECT", "1")
	c.MustBulk("changed", "GET", "x")
}

// TestKeysAndScan covers KEYS patterns and a full SCAN iteration with
// MATCH, COUNT and TYPE.
func (s *Suite) TestKeysAndScan(t *testing.T) {
	_, c := s.client(t)
	var all []string
	for i := 0; i < 120; i++ {
		k := "key:" + strconv.Itoa(i)
		all = append(all, k)
		c.MustOK("SET", k, "v")
	}
	c.MustOK("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeello", "5", "h[a]llo", "6")
	keys := func(pattern string) []string {
		t.Helper()
		v := c.Do("KEYS", pattern)
		if v.Kind != resp.KindArray {
			t.Fatalf("KEYS %s: %v", pattern, v)
		}
		var out []string
		for _, e := range v.Elems {
			out = append(out, e.Str)
		}
		sort.Strings(out)
		return out
	}
	for pattern, want := range map[string][]string{
		"h?llo":     {"hallo", "hello", "hxllo"},
		"h*llo":     {"h[a]llo", "hallo", "heeello", "hello", "hllo", "hxllo"},
		"h[ae]llo":  {"hallo", "hello"},
		"h[^e]llo":  {"hallo", "hxllo"},
		"h[a-b]llo": {"hallo"},
		"h\\[a\\]*": {"h[a]llo"},
		"nomatch*":  nil,
		"key:11?":   {"key:110", "key:111", "key:112", "key:113", "key:114", "key:115", "key:116", "key:117", "key:118", "key:119"},
	} {
		if got := keys(pattern); !equalStrings(got, want) {
			t.Errorf("KEYS %s = %q, want %q", pattern, got, want)
		}
	}
	if got := keys("*"); len(got) != 126 {
		t.Errorf("KEYS * returned %d keys, want 126", len(got))
	}

	scan := func(extra ...string) []string {
		t.Helper()
		seen := map[string]bool{}
		cursor := "0"
		for i := 0; ; i++ {
			if i > 1000 {
				t.Fatal("SCAN does not terminate")
			}
			v := c.Do(append([]string{"SCAN", cursor}, extra...)...)
			if v.Kind != resp.KindArray || len(v.Elems) != 2 || v.Elems[0].Kind != resp.KindBulk || v.Elems[1].Kind != resp.KindArray {
				t.Fatalf("SCAN reply %v", v)
			}
			for _, e := range v.Elems[1].Elems {
				seen[e.Str] = true
			}
			cursor = v.Elems[0].Str
			if cursor == "0" {
				break
			}
		}
		var out []string
		for k := range seen {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if got := scan("MATCH", "key:*", "COUNT", "7"); len(got) != 120 {
		t.Errorf("SCAN MATCH key:* found %d keys, want 120", len(got))
	}
	if got := scan("MATCH", "h?llo"); !equalStrings(got, []string{"hallo", "hello", "hxllo"}) {
		t.Errorf("SCAN MATCH h?llo = %q", got)
	}
	if got := scan("TYPE", "string", "COUNT", "1000"); len(got) != 126 {
		t.Errorf("SCAN TYPE string found %d keys", len(got))
	}
	if got := scan("TYPE", "list"); len(got) != 0 {
		t.Errorf("SCAN TYPE list found %q", got)
	}
	c.MustErr("ERR invalid cursor", "SCAN", "abc")
	c.MustErr("ERR syntax error", "SCAN", "0", "COUNT", "0")
	c.MustErr("ERR syntax error", "SCAN", "0", "MATCH")
	c.MustErr("ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "x")
}

// TestObject covers OBJECT ENCODING, REFCOUNT, IDLETIME and FREQ for
// strings.
func (s *Suite) TestObject(t *testing.T) {
	_, c := s.client(t)
	c.MustOK("SET", "int", "12345")
	c.MustOK("SET", "short", "hello")
	c.MustOK("SET", "long", "0123456789012345678901234567890123456789012345")
	c.MustBulk("int", "OBJECT", "ENCODING", "int")
	c.MustBulk("embstr", "OBJECT", "ENCODING", "short")
	c.MustBulk("raw", "OBJECT", "ENCODING", "long")
	c.MustInt(6, "APPEND", "short", "!")
	c.MustBulk("raw", "OBJECT", "ENCODING", "short") // APPEND makes a raw string
	c.MustNil("OBJECT", "ENCODING", "nope")
	c.MustInt(1, "OBJECT", "REFCOUNT", "long")
	c.MustInt(1, "OBJECT", "REFCOUNT", "int")
	c.MustOK("SET", "small", "123")
	c.MustInt(2147483647, "OBJECT", "REFCOUNT", "small") // a shared integer (below 10000)
	if idle := c.Int("OBJECT", "IDLETIME", "long"); idle < 0 || idle > 2 {
		t.Errorf("OBJECT IDLETIME = %d", idle)
	}
	c.MustErr("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
		"OBJECT", "FREQ", "long")
	c.MustErr("ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.", "OBJECT", "BOGUS", "x")
	c.MustErr("ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "ENCODING")
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
