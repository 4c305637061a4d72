package memory_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// ksStrings reads an array reply of bulk strings, sorted.
func ksStrings(t *testing.T, v resp.Value) []string {
	t.Helper()
	if v.Kind != resp.KindArray {
		t.Fatalf("want an array, got %v", v)
	}
	out := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		out[i] = e.Str
	}
	sort.Strings(out)
	return out
}

// ksScanAll runs SCAN to completion with extra options and returns every
// key it answered (duplicates kept).
func ksScanAll(t *testing.T, c *rktest.Conn, opts ...string) []string {
	t.Helper()
	var keys []string
	cursor := "0"
	for i := 0; ; i++ {
		v := c.Do(append([]string{"SCAN", cursor}, opts...)...)
		if v.IsError() || len(v.Elems) != 2 {
			t.Fatalf("SCAN %s: %v", cursor, v)
		}
		cursor = v.Elems[0].Str
		for _, e := range v.Elems[1].Elems {
			keys = append(keys, e.Str)
		}
		if cursor == "0" {
			return keys
		}
		if i > 100000 {
			t.Fatal("SCAN does not end")
		}
	}
}

func ksPopulate(t *testing.T, c *rktest.Conn, n int, prefix string) {
	t.Helper()
	args := []string{"MSET"}
	for i := 0; i < n; i++ {
		args = append(args, prefix+strconv.Itoa(i), "v")
		if len(args) > 1000 || i == n-1 {
			c.MustOK(args...)
			args = args[:1]
		}
	}
}

func TestKeyspaceDelExistsTypeTouch(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("MSET", "a", "1", "b", "2", "c", "3")
	c.Must(resp.Int(3), "EXISTS", "a", "b", "nokey", "a")
	c.Must(resp.Int(2), "DEL", "a", "b", "nokey", "a")
	c.Must(resp.Int(0), "EXISTS", "a")
	c.Must(resp.Int(1), "UNLINK", "c")
	c.Must(resp.Int(0), "DEL", "c")
	c.MustOK("SET", "s", "")
	c.Must(resp.Int(1), "EXISTS", "s")
	c.Must(resp.Simple("string"), "TYPE", "s")
	c.Must(resp.Simple("none"), "TYPE", "nokey")
	c.Must(resp.Int(1), "TOUCH", "s", "nokey")
	c.Must(resp.Int(2), "TOUCH", "s", "s")
	c.MustErr("ERR wrong number of arguments for 'del' command", "DEL")
	c.MustErr("ERR wrong number of arguments for 'type' command", "TYPE")
}

func TestKeysPattern(t *testing.T) {
	_, c := newServer(t, nil)
	for _, k := range []string{"key_x", "key_y", "key_z", "foo_a", "foo_b", "foo_c", "{a}x", "{a}y", "{b}a"} {
		c.MustOK("SET", k, "hello")
	}
	got := ksStrings(t, c.Do("KEYS", "foo*"))
	if strings.Join(got, " ") != "foo_a foo_b foo_c" {
		t.Errorf("KEYS foo* = %v", got)
	}
	if got := ksStrings(t, c.Do("KEYS", "*")); len(got) != 9 {
		t.Errorf("KEYS * = %v", got)
	}
	if got := ksStrings(t, c.Do("KEYS", "{a}*")); strings.Join(got, " ") != "{a}x {a}y" {
		t.Errorf("KEYS {a}* = %v", got)
	}
	if got := ksStrings(t, c.Do("KEYS", "*{b}*")); strings.Join(got, " ") != "{b}a" {
		t.Errorf("KEYS *{b}* = %v", got)
	}
	c.Must(resp.Array(), "KEYS", "nomatch*")
	// Regressions for pathological patterns (keyspace.tcl).
	c.MustOK("FLUSHDB")
	c.MustOK("SET", strings.Repeat("a", 40), "1")
	c.Must(resp.Array(), "KEYS", "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")
	c.MustOK("FLUSHDB")
	c.MustOK("SET", strings.Repeat("a", 50000), "1")
	c.Must(resp.Array(), "KEYS", strings.Repeat("*?", 50000))
	// The empty key: "*" lists it, "**" does not (Redis's matcher).
	c.MustOK("FLUSHDB")
	c.MustOK("SET", "", "1")
	c.Must(resp.Array(resp.Bulk("")), "KEYS", "*")
	c.Must(resp.Array(), "KEYS", "**")
}

func TestKeysLeavesExpiredKeysOut(t *testing.T) {
	clk, c := newClockServer(t, nil)
	c.MustOK("SET", "live", "1")
	c.MustOK("SET", "gone", "1", "PX", "100")
	clk.advance(200 * time.Millisecond)
	c.Must(resp.Array(resp.Bulk("live")), "KEYS", "*")
}

func TestScanBasic(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "SCAN", "0")
	ksPopulate(t, c, 1000, "key:")
	for _, opts := range [][]string{nil, {"COUNT", "5"}, {"count", "1000"}, {"MATCH", "*"}} {
		keys := ksScanAll(t, c, opts...)
		uniq := map[string]bool{}
		for _, k := range keys {
			uniq[k] = true
		}
		if len(uniq) != 1000 {
			t.Errorf("SCAN %v: %d distinct keys, want 1000", opts, len(uniq))
		}
		if len(keys) != 1000 {
			t.Errorf("SCAN %v: %d keys answered on a stable table, want 1000", opts, len(keys))
		}
	}
	if n := len(ksScanAll(t, c, "MATCH", "key:1??")); n != 100 {
		t.Errorf("SCAN MATCH key:1?? gave %d keys, want 100", n)
	}
	if n := len(ksScanAll(t, c, "TYPE", "list")); n != 0 {
		t.Errorf("SCAN TYPE list gave %d keys", n)
	}
	if n := len(ksScanAll(t, c, "type", "STRING", "match", "key:*", "count", "10")); n != 1000 {
		t.Errorf("SCAN TYPE string MATCH COUNT gave %d keys", n)
	}
	if n := len(ksScanAll(t, c, "TYPE", "string1")); n != 0 {
		t.Errorf("SCAN with an unknown type gave %d keys", n)
	}
	// A large COUNT answers everything in one step.
	v := c.Do("SCAN", "0", "COUNT", "100000")
	if v.Elems[0].Str != "0" || len(v.Elems[1].Elems) != 1000 {
		t.Errorf("SCAN 0 COUNT 100000: cursor %s, %d keys", v.Elems[0].Str, len(v.Elems[1].Elems))
	}
}

func TestScanErrors(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "k", "v")
	for _, cur := range []string{"x", "-1", "18446744073709551616", "", "1x", "0x10", "5 "} {
		c.MustErr("ERR invalid cursor", "SCAN", cur)
	}
	// strtoull's leniency, which Redis inherits.
	for _, cur := range []string{"18446744073709551615", "00", "+1", " 5", "-0", "-18446744073709551615"} {
		if v := c.Do("SCAN", cur); v.IsError() {
			t.Errorf("SCAN %q: %v", cur, v)
		}
	}
	c.MustErr("ERR syntax error", "SCAN", "0", "COUNT", "0")
	c.MustErr("ERR syntax error", "SCAN", "0", "COUNT", "-1")
	c.MustErr("ERR value is not an integer or out of range", "SCAN", "0", "COUNT", "x")
	c.MustErr("ERR syntax error", "SCAN", "0", "MATCH")
	c.MustErr("ERR syntax error", "SCAN", "0", "COUNT")
	c.MustErr("ERR syntax error", "SCAN", "0", "foo", "bar")
	c.MustErr("ERR NOVALUES option can only be used in HSCAN", "SCAN", "0", "NOVALUES")
	c.MustErr("ERR wrong number of arguments for 'scan' command", "SCAN")
}

// TestScanGuaranteeUnderWrites is scan.tcl's "SCAN guarantees check under
// write load": keys present throughout are all returned although keys are
// added (and the table resizes) between steps.
func TestScanGuaranteeUnderWrites(t *testing.T) {
	_, c := newServer(t, nil)
	ksPopulate(t, c, 100, "k")
	r := rand.New(rand.NewPCG(3, 4))
	seen := map[string]bool{}
	cursor := "0"
	for {
		v := c.Do("SCAN", cursor)
		cursor = v.Elems[0].Str
		for _, e := range v.Elems[1].Elems {
			seen[e.Str] = true
		}
		if cursor == "0" {
			break
		}
		for j := 0; j < 10; j++ {
			c.MustOK("SET", "addedkey:"+strconv.Itoa(r.IntN(1000)), "foo")
		}
	}
	for i := 0; i < 100; i++ {
		if !seen["k"+strconv.Itoa(i)] {
			t.Errorf("k%d not returned", i)
		}
	}
}

func TestScanRemovesExpiredKeys(t *testing.T) {
	clk, c := newClockServer(t, nil)
	ksPopulate(t, c, 1000, "key:")
	c.MustOK("SET", "foo", "bar", "PX", "1")
	c.MustOK("SET", "foo2", "bar", "PX", "1")
	clk.advance(2 * time.Millisecond)
	if n := len(ksScanAll(t, c, "COUNT", "10")); n != 1000 {
		t.Errorf("SCAN gave %d keys, want 1000", n)
	}
	c.Must(resp.Int(1000), "DBSIZE")

	c.MustOK("SET", "foo", "bar", "PX", "1")
	clk.advance(2 * time.Millisecond)
	if n := len(ksScanAll(t, c, "TYPE", "string1")); n != 0 {
		t.Errorf("SCAN TYPE string1 gave %d keys", n)
	}
	c.Must(resp.Int(1000), "DBSIZE")
}

func TestKeyspaceRandomKey(t *testing.T) {
	clk, c := newClockServer(t, nil)
	c.Must(resp.NullBulk(), "RANDOMKEY")
	c.MustOK("SET", "foo", "x")
	c.MustOK("SET", "bar", "y")
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		seen[c.Do("RANDOMKEY").Str] = true
	}
	if !seen["foo"] || !seen["bar"] || len(seen) != 2 {
		t.Errorf("RANDOMKEY drew %v", seen)
	}
	c.MustOK("FLUSHDB")
	c.MustOK("SET", "x", "10")
	c.Must(resp.Int(1), "DEL", "x")
	c.Must(resp.NullBulk(), "RANDOMKEY")
	// Expired keys are deleted, never answered.
	for i := 0; i < 50; i++ {
		c.MustOK("SET", "e"+strconv.Itoa(i), "v", "PX", "10")
	}
	c.MustOK("SET", "stay", "v")
	clk.advance(20 * time.Millisecond)
	for i := 0; i < 20; i++ {
		c.Must(resp.Bulk("stay"), "RANDOMKEY")
	}
	c.MustOK("SET", "gone", "v", "PX", "10")
	c.Must(resp.Int(1), "DEL", "stay")
	clk.advance(20 * time.Millisecond)
	c.Must(resp.NullBulk(), "RANDOMKEY")
	c.Must(resp.Int(0), "DBSIZE")
}

func TestRenameFamily(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "mykey", "hello")
	c.MustOK("RENAME", "mykey", "mykey1")
	c.MustOK("RENAME", "mykey1", "mykey2")
	c.Must(resp.Bulk("hello"), "GET", "mykey2")
	c.Must(resp.Int(0), "EXISTS", "mykey", "mykey1")
	c.MustOK("SET", "a", "A")
	c.MustOK("RENAME", "mykey2", "a")
	c.Must(resp.Bulk("hello"), "GET", "a")
	c.MustOK("SET", "b", "B")
	c.Must(resp.Int(0), "RENAMENX", "a", "b")
	c.Must(resp.Bulk("B"), "GET", "b")
	c.Must(resp.Int(1), "RENAMENX", "a", "c")
	c.Must(resp.Bulk("hello"), "GET", "c")
	c.MustErr("ERR no such key", "RENAME", "nokey", "x")
	c.MustErr("ERR no such key", "RENAMENX", "nokey", "x")
	// Same source and destination.
	c.MustOK("RENAME", "c", "c")
	c.Must(resp.Int(0), "RENAMENX", "c", "c")
	c.MustErr("ERR no such key", "RENAME", "nokey", "nokey")
	// The TTL moves with the key, and the target's TTL is not inherited.
	c.MustOK("SET", "v", "1", "EX", "100")
	c.MustOK("RENAME", "v", "v2")
	if ttl := c.Do("TTL", "v2").Int; ttl < 95 || ttl > 100 {
		t.Errorf("TTL after RENAME = %d", ttl)
	}
	c.MustOK("SET", "p", "1")
	c.MustOK("SET", "q", "1", "EX", "100")
	c.MustOK("RENAME", "p", "q")
	c.Must(resp.Int(-1), "TTL", "q")
}

func TestCopyCommand(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "mykey", "foobar")
	c.Must(resp.Int(1), "COPY", "mykey", "mynewkey")
	c.Must(resp.Bulk("foobar"), "GET", "mynewkey")
	c.Must(resp.Int(2), "DBSIZE")
	c.Must(resp.Int(1), "COPY", "mykey", "mynewkey", "DB", "10")
	c.MustOK("SET", "mykey2", "hello")
	c.Must(resp.Int(0), "COPY", "mykey2", "mynewkey", "DB", "10")
	c.Must(resp.Int(1), "COPY", "mykey2", "mynewkey", "db", "10", "replace")
	c.MustOK("SELECT", "10")
	c.Must(resp.Bulk("hello"), "GET", "mynewkey")
	// The copy is independent of the original.
	c.MustOK("SET", "mynewkey", "hoge")
	c.MustOK("SELECT", "0")
	c.Must(resp.Bulk("hello"), "GET", "mykey2")
	c.Must(resp.Int(6), "APPEND", "mykey2", "!")
	c.Must(resp.Int(1), "COPY", "mykey2", "c2", "REPLACE")
	c.Must(resp.Int(7), "APPEND", "mykey2", "?")
	c.Must(resp.Bulk("hello!"), "GET", "c2")
	// Expire metadata is copied, and not invented.
	c.MustOK("SET", "e", "v", "EX", "100")
	c.Must(resp.Int(1), "COPY", "e", "e2")
	if ttl := c.Do("TTL", "e2").Int; ttl <= 0 || ttl > 100 {
		t.Errorf("TTL of the copy = %d", ttl)
	}
	c.Must(resp.Int(1), "COPY", "mykey", "e2", "REPLACE")
	c.Must(resp.Int(-1), "TTL", "e2")
	c.Must(resp.Int(0), "COPY", "nokey", "x")
	c.MustErr("ERR source and destination objects are the same", "COPY", "mykey", "mykey")
	c.MustErr("ERR source and destination objects are the same", "COPY", "mykey", "mykey", "DB", "0")
	c.Must(resp.Int(1), "COPY", "mykey", "mykey", "DB", "1")
	c.MustErr("ERR value is not an integer or out of range", "COPY", "mykey", "x", "DB", "notanumber")
	c.MustErr("ERR DB index is out of range", "COPY", "mykey", "x", "DB", "99")
	c.MustErr("ERR value is out of range, value must between -2147483648 and 2147483647", "COPY", "mykey", "x", "DB", "4294967296")
	c.MustErr("ERR syntax error", "COPY", "mykey", "x", "DB")
	c.MustErr("ERR syntax error", "COPY", "mykey", "x", "foo")
}

func TestMoveCommand(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SELECT", "9")
	c.MustOK("SET", "mykey", "foobar")
	c.Must(resp.Int(1), "MOVE", "mykey", "10")
	c.Must(resp.Int(0), "EXISTS", "mykey")
	c.Must(resp.Int(0), "DBSIZE")
	c.MustOK("SELECT", "10")
	c.Must(resp.Bulk("foobar"), "GET", "mykey")
	c.MustOK("SELECT", "9")
	c.MustOK("SET", "mykey", "hello")
	c.Must(resp.Int(0), "MOVE", "mykey", "10") // exists there
	c.Must(resp.Int(0), "MOVE", "nokey", "10")
	c.MustErr("ERR value is not an integer or out of range", "MOVE", "mykey", "notanumber")
	c.MustErr("ERR source and destination objects are the same", "MOVE", "mykey", "9")
	c.MustErr("ERR DB index is out of range", "MOVE", "mykey", "16")
	c.MustErr("ERR DB index is out of range", "MOVE", "mykey", "-1")
	// The expire moves too, and is not invented.
	c.MustOK("SELECT", "10")
	c.MustOK("FLUSHDB")
	c.MustOK("SELECT", "9")
	c.MustOK("SET", "mykey", "foo", "EX", "100")
	c.Must(resp.Int(1), "MOVE", "mykey", "10")
	c.Must(resp.Int(-2), "TTL", "mykey")
	c.MustOK("SELECT", "10")
	if ttl := c.Do("TTL", "mykey").Int; ttl <= 0 || ttl > 100 {
		t.Errorf("TTL after MOVE = %d", ttl)
	}
	c.MustOK("SET", "plain", "v")
	c.Must(resp.Int(1), "MOVE", "plain", "9")
	c.MustOK("SELECT", "9")
	c.Must(resp.Int(-1), "TTL", "plain")
}

func TestKeyspaceSwapDB(t *testing.T) {
	e, c := newServer(t, nil)
	_ = e
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "swapkey", "v1")
	c.MustOK("SELECT", "1")
	c.Must(resp.Int(0), "DBSIZE")
	c.MustOK("SWAPDB", "0", "1")
	c.Must(resp.Int(1), "DBSIZE") // the client stays on index 1
	c.Must(resp.Bulk("v1"), "GET", "swapkey")
	c.MustOK("SELECT", "0")
	c.Must(resp.Int(0), "DBSIZE")
	c.MustErr("ERR DB index is out of range", "SWAPDB", "44", "55")
	c.MustErr("ERR DB index is out of range", "SWAPDB", "-1", "0")
	c.MustErr("ERR invalid second DB index", "SWAPDB", "44", "a")
	c.MustErr("ERR invalid first DB index", "SWAPDB", "a", "55")
	c.MustErr("ERR invalid first DB index", "SWAPDB", "a", "b")
	c.MustErr("ERR invalid first DB index", "SWAPDB", "4294967296", "0")
	c.MustOK("SWAPDB", "0", "0")
	// The TTLs travel with the contents.
	c.MustOK("SET", "t", "v", "EX", "100")
	c.MustOK("SWAPDB", "0", "2")
	c.MustOK("SELECT", "2")
	if ttl := c.Do("TTL", "t").Int; ttl <= 0 {
		t.Errorf("TTL after SWAPDB = %d", ttl)
	}
	// Another client selected on an index sees the new contents.
	c2 := rktest.Dial(t, c.Raw().RemoteAddr().String())
	c2.MustOK("SELECT", "2")
	c.MustOK("SWAPDB", "2", "3")
	c2.Must(resp.Int(0), "EXISTS", "t")
	c2.MustOK("SELECT", "3")
	c2.Must(resp.Int(1), "EXISTS", "t")
}

// TestKeyspaceSwapDBWatch follows multi.tcl: SWAPDB and FLUSHDB touch a
// WATCHed key only when its logical value may change.
func TestKeyspaceSwapDBWatch(t *testing.T) {
	clk, c := newClockServer(t, nil)
	pong := resp.Array(resp.Simple("PONG"))
	check := func(name string, want resp.Value) {
		t.Helper()
		c.MustOK("MULTI")
		c.Must(resp.Simple("QUEUED"), "PING")
		if got := c.Do("EXEC"); !rktest.Equal(got, want) {
			t.Errorf("%s: EXEC = %v, want %v", name, got, want)
		}
	}
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "x", "30")
	c.MustOK("WATCH", "x")
	c.MustOK("SWAPDB", "0", "1")
	check("SWAPDB deletes the watched key", resp.NullArray())

	c.MustOK("FLUSHALL")
	c.MustOK("SELECT", "1")
	c.MustOK("SET", "x", "30")
	c.MustOK("SELECT", "0")
	c.MustOK("WATCH", "x")
	c.MustOK("SWAPDB", "0", "1")
	check("SWAPDB creates the watched key", resp.NullArray())

	c.MustOK("FLUSHALL")
	c.MustOK("WATCH", "x")
	c.MustOK("SWAPDB", "0", "1")
	check("SWAPDB of two databases without the key", pong)

	c.MustOK("FLUSHALL")
	c.MustOK("SELECT", "1")
	c.MustOK("SET", "x", "foo", "PX", "1")
	clk.advance(2 * time.Millisecond)
	c.MustOK("WATCH", "x")
	c.MustOK("SWAPDB", "0", "1")
	check("stale key replaced with no key", pong)

	c.MustOK("FLUSHALL")
	c.MustOK("SELECT", "0")
	c.MustOK("SET", "x", "foo", "PX", "1")
	clk.advance(2 * time.Millisecond)
	c.MustOK("SELECT", "1")
	c.MustOK("WATCH", "x")
	c.MustOK("SWAPDB", "0", "1")
	check("no key replaced with a stale key", pong)

	c.MustOK("SELECT", "0")
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "x", "30")
	c.MustOK("WATCH", "x")
	c.MustOK("FLUSHDB")
	check("FLUSHDB deletes the watched key", resp.NullArray())

	c.MustOK("WATCH", "x")
	c.MustOK("FLUSHDB")
	check("FLUSHDB without the watched key", pong)

	c.MustOK("SET", "x", "30")
	c.MustOK("WATCH", "x")
	c.MustOK("FLUSHALL")
	check("FLUSHALL deletes the watched key", resp.NullArray())

	c.MustOK("WATCH", "x")
	c.MustOK("FLUSHALL")
	check("FLUSHALL without the watched key", pong)

	// Keyspace writes of this file touch watched keys.
	for _, write := range [][]string{
		{"DEL", "x"}, {"EXPIRE", "x", "100"}, {"PERSIST", "x"}, {"RENAME", "x", "y"},
		{"RENAME", "y", "x"}, {"MOVE", "x", "5"}, {"COPY", "y", "x", "REPLACE"}, {"EXPIRE", "x", "-1"},
	} {
		c.MustOK("FLUSHALL")
		c.MustOK("SET", "x", "1", "EX", "1000")
		c.MustOK("SET", "y", "1")
		c.MustOK("WATCH", "x")
		if v := c.Do(write...); v.IsError() {
			t.Fatalf("%q: %v", write, v)
		}
		check(fmt.Sprintf("%q", write), resp.NullArray())
	}
	c.MustOK("FLUSHALL")
	c.MustOK("SET", "x", "1")
	c.MustOK("WATCH", "x")
	c.Must(resp.Int(0), "PERSIST", "x") // no change
	c.Must(resp.Int(0), "EXPIRE", "x", "100", "XX")
	check("no-op writes", pong)
}

// TestKeyspaceMatchesRedis sends the same random commands to rk and to a
// reference Redis 7.4 (live or its recorded transcript) and compares the
// replies.
func TestKeyspaceMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(5, 6))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	key := func() string { return pick("a", "b", "c", "d", "12", "-3") }
	opts := func(words ...string) []string {
		var out []string
		for n := rnd.IntN(3); n > 0; n-- {
			out = append(out, pick(words...))
		}
		return out
	}
	expireOpts := []string{"NX", "XX", "GT", "LT", "nx", "gt", "bogus"}
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	for i := 0; i < 3000; i++ {
		k, k2 := key(), key()
		switch rnd.IntN(22) {
		case 0, 1:
			add("SET", k, pick("v", "1", "100", "10000", "-5", "01", strings.Repeat("x", 44), strings.Repeat("x", 45)))
		case 2:
			add("DEL", k, k2)
		case 3:
			add("EXISTS", k, k2, k)
		case 4:
			add("TYPE", k)
		case 5:
			add(append([]string{pick("EXPIRE", "PEXPIRE"), k, pick("100", "200000", "-1", "0", "x", "", "9223372036854775807", "9223372036854770000", "-9223372036854775808")}, opts(expireOpts...)...)...)
		case 6:
			add(append([]string{pick("EXPIREAT", "PEXPIREAT"), k, pick("4102444800", "4102444800000", "1", "-1", "9223372036854775807")}, opts(expireOpts...)...)...)
		case 7:
			add(pick("TTL", "EXPIRETIME", "PEXPIRETIME"), k)
		case 8:
			add("PERSIST", k)
		case 9:
			add(pick("RENAME", "RENAMENX"), k, k2)
		case 10:
			add(append([]string{"COPY", k, k2}, opts("REPLACE", "DB", "1", "DB", "x", "DB", "99", "bogus")...)...)
		case 11:
			add("MOVE", k, pick("0", "1", "2", "16", "x", "-1"))
		case 12:
			add("SELECT", pick("0", "1", "2"))
		case 13:
			add("SWAPDB", pick("0", "1", "x", "20"), pick("1", "2", "y"))
		case 14:
			add("OBJECT", pick("ENCODING", "REFCOUNT", "encoding", "FREQ", "IDLETIME", "bogus"), k)
		case 15:
			add("TOUCH", k, k2)
		case 16:
			add("DBSIZE")
		case 17:
			add(append([]string{"SCAN", pick("0", "x", "-1", "00")}, opts("COUNT", "0", "MATCH", "TYPE", "NOVALUES", "string", "*")...)...)
		case 18:
			add("SETNX", k, pick("x", "7"))
		case 19:
			add("INCR", k)
		case 20:
			add("KEYS", pick("*", "?", "[a-c]", "1*", "**"))
		case 21:
			add("OBJECT", pick("HELP", "ENCODING"))
		}
	}
	errs := 0
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		if args[0] == "KEYS" && !want.IsError() {
			if strings.Join(ksStrings(t, got), " ") != strings.Join(ksStrings(t, want), " ") {
				t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
			}
			continue
		}
		if args[0] == "OBJECT" && strings.EqualFold(args[1], "help") {
			continue // the same shape, in our words
		}
		if args[0] == "SCAN" && !want.IsError() && !got.IsError() {
			// The order of keys in a step is the hash table's.
			got.Elems[1].Elems = resp.BulkStrings(ksStrings(t, got.Elems[1])...).Elems
			want.Elems[1].Elems = resp.BulkStrings(ksStrings(t, want.Elems[1])...).Elems
		}
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
		}
		if want.IsError() {
			errs++
		}
	}
	t.Logf("%d commands, %d of them answered with an error", len(cmds), errs)
}

func TestObjectCommand(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "i", "12345")
	c.Must(resp.Bulk("int"), "OBJECT", "ENCODING", "i")
	c.MustOK("SET", "e", "hello")
	c.Must(resp.Bulk("embstr"), "OBJECT", "encoding", "e")
	c.MustOK("SET", "r", strings.Repeat("x", 45))
	c.Must(resp.Bulk("raw"), "OBJECT", "ENCODING", "r")
	c.Must(resp.NullBulk(), "OBJECT", "ENCODING", "nokey")
	c.Must(resp.NullBulk(), "OBJECT", "FREQ", "nokey")
	c.MustOK("SET", "small", "100")
	c.Must(resp.Int(2147483647), "OBJECT", "REFCOUNT", "small")
	c.Must(resp.Int(1), "OBJECT", "REFCOUNT", "i")
	c.Must(resp.Int(0), "OBJECT", "IDLETIME", "i")
	c.MustErr("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.", "OBJECT", "FREQ", "i")
	c.MustErr("ERR unknown subcommand 'foo'. Try OBJECT HELP.", "OBJECT", "foo")
	c.MustErr("ERR wrong number of arguments for 'object' command", "OBJECT")
	c.MustErr("ERR wrong number of arguments for 'object|encoding' command", "OBJECT", "ENCODING")
	c.MustErr("ERR wrong number of arguments for 'object|help' command", "OBJECT", "HELP", "x")
	help := c.Do("object", "help")
	if len(help.Elems) < 4 || help.Elems[0].Str != "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
		help.Elems[len(help.Elems)-2].Str != "HELP" || help.Elems[len(help.Elems)-1].Str != "    Print this help." {
		t.Errorf("OBJECT HELP = %v", help)
	}
	for _, l := range help.Elems {
		if l.Kind != resp.KindSimple {
			t.Errorf("OBJECT HELP line %v is not a status reply", l)
		}
	}
}

func TestObjectIdletimeAndLFU(t *testing.T) {
	clk, c := newClockServer(t, nil)
	c.MustOK("SET", "k", "v")
	clk.advance(10 * time.Second)
	c.Must(resp.Int(10), "OBJECT", "IDLETIME", "k")
	c.Must(resp.Int(10), "OBJECT", "IDLETIME", "k") // OBJECT does not touch
	c.Must(resp.Int(1), "TOUCH", "k")
	c.Must(resp.Int(0), "OBJECT", "IDLETIME", "k")
	c.MustOK("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
	c.MustErr("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.", "OBJECT", "IDLETIME", "k")
	if v := c.Do("OBJECT", "FREQ", "k"); v.Kind != resp.KindInt {
		t.Errorf("OBJECT FREQ under LFU = %v", v)
	}
}

// TestExpireOptionsAndLimits follows expire.tcl's NX/XX/GT/LT and
// overflow tests.
func TestExpireOptionsAndLimits(t *testing.T) {
	clk, c := newClockServer(t, nil)
	type step struct {
		setEX string // "" for no TTL
		args  []string
		want  int64
		ttl   int64
	}
	for _, s := range []step{
		{"100", []string{"200", "NX"}, 0, 100},
		{"", []string{"200", "NX"}, 1, 200},
		{"100", []string{"200", "XX"}, 1, 200},
		{"", []string{"200", "XX"}, 0, -1},
		{"100", []string{"200", "GT"}, 1, 200},
		{"200", []string{"100", "GT"}, 0, 200},
		{"", []string{"200", "GT"}, 0, -1},
		{"100", []string{"200", "LT"}, 0, 100},
		{"200", []string{"100", "LT"}, 1, 100},
		{"", []string{"100", "LT"}, 1, 100},
		{"200", []string{"100", "LT", "XX"}, 1, 100},
		{"", []string{"200", "LT", "XX"}, 0, -1},
		{"100", []string{"-10", "LT"}, 1, -2},
		{"", []string{"-10", "LT"}, 1, -2},
		{"100", []string{"100", "gt"}, 0, 100}, // equal is not greater
	} {
		if s.setEX == "" {
			c.MustOK("SET", "foo", "bar")
		} else {
			c.MustOK("SET", "foo", "bar", "EX", s.setEX)
		}
		c.Must(resp.Int(s.want), append([]string{"EXPIRE", "foo"}, s.args...)...)
		c.Must(resp.Int(s.ttl), "TTL", "foo")
	}
	for _, opt := range []string{"NX", "XX", "GT", "LT"} {
		c.Must(resp.Int(0), "EXPIRE", "none", "100", opt)
	}
	c.MustErr("ERR GT and LT options at the same time are not compatible", "EXPIRE", "foo", "200", "LT", "GT")
	for _, opts := range [][]string{{"NX", "GT"}, {"NX", "LT"}, {"NX", "XX"}, {"xx", "nx"}} {
		c.MustErr("ERR NX and XX, GT or LT options at the same time are not compatible", append([]string{"EXPIRE", "foo", "200"}, opts...)...)
	}
	c.MustErr("ERR Unsupported option AB", "EXPIRE", "foo", "200", "AB")
	c.MustErr("ERR Unsupported option AB", "EXPIRE", "foo", "200", "XX", "AB")
	// Options are checked before the time.
	c.MustErr("ERR Unsupported option AB", "EXPIRE", "foo", "x", "AB")
	c.MustErr("ERR value is not an integer or out of range", "EXPIRE", "foo", "")

	c.MustOK("SET", "foo", "bar")
	for _, v := range []string{"9223370399119966", "9223372036854776", "10000000000000000", "18446744073709561", "-9223372036854776", "-9999999999999999"} {
		c.MustErr("ERR invalid expire time in 'expire' command", "EXPIRE", "foo", v)
	}
	c.MustErr("ERR invalid expire time in 'pexpire' command", "PEXPIRE", "foo", "9223372036854770000")
	c.MustErr("ERR invalid expire time in 'expireat' command", "EXPIREAT", "foo", "9223372036854775807")
	c.Must(resp.Int(-1), "TTL", "foo")
	c.Must(resp.Int(1), "PEXPIREAT", "foo", "9223372036854770000")
	c.Must(resp.Int(9223372036854770000), "PEXPIRETIME", "foo")
	c.Must(resp.Int(1), "PEXPIREAT", "foo", "-9223372036854770000")
	c.Must(resp.Int(-2), "TTL", "foo")

	// TTL rounds to the nearest second; the *TIME variants are absolute.
	now := clk.ms.Load()
	c.MustOK("SET", "k", "v")
	c.Must(resp.Int(-1), "TTL", "k")
	c.Must(resp.Int(-1), "PTTL", "k")
	c.Must(resp.Int(-1), "EXPIRETIME", "k")
	c.Must(resp.Int(-1), "PEXPIRETIME", "k")
	c.Must(resp.Int(1), "PEXPIRE", "k", "10499")
	c.Must(resp.Int(10), "TTL", "k")
	c.Must(resp.Int(10499), "PTTL", "k")
	c.Must(resp.Int(now+10499), "PEXPIRETIME", "k")
	c.Must(resp.Int((now+10499)/1000), "EXPIRETIME", "k")
	clk.advance(10 * time.Millisecond) // 10489 left
	c.Must(resp.Int(10), "TTL", "k")
	c.Must(resp.Int(1), "PEXPIRE", "k", "10500")
	c.Must(resp.Int(11), "TTL", "k")
	c.Must(resp.Int(1), "EXPIREAT", "k", strconv.FormatInt(now/1000+100, 10))
	c.Must(resp.Int(now/1000+100), "EXPIRETIME", "k")
	c.Must(resp.Int(1), "PERSIST", "k")
	c.Must(resp.Int(0), "PERSIST", "k")
	c.Must(resp.Int(0), "PERSIST", "nokey")
	c.Must(resp.Int(-1), "TTL", "k")
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		c.Must(resp.Int(-2), cmd, "nokey")
	}
	// A key that expires is gone for every command.
	c.Must(resp.Int(1), "PEXPIRE", "k", "100")
	clk.advance(100 * time.Millisecond)
	c.Must(resp.Int(-2), "PTTL", "k")
	c.Must(resp.Int(0), "EXISTS", "k")
}
