package memory_test

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

func hashInts(ns ...int64) resp.Value {
	a := resp.Array()
	for _, n := range ns {
		a.Elems = append(a.Elems, resp.Int(n))
	}
	return a
}

// hashInfoField reads one field of an INFO section.
func hashInfoField(t *testing.T, c *rktest.Conn, section, field string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(field) + `:(.*)\r?$`).FindStringSubmatch(c.Do("INFO", section).Str)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

// hashSubexpiry reads INFO keyspace's subexpiry count of db (0 when the
// database is not listed).
func hashSubexpiry(t *testing.T, c *rktest.Conn, db int) int {
	t.Helper()
	line := hashInfoField(t, c, "keyspace", "db"+strconv.Itoa(db))
	m := regexp.MustCompile(`subexpiry=(\d+)`).FindStringSubmatch(line)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// hashWaitFor polls cond for up to two seconds.
func hashWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestHashBasics(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
	c.Must(resp.Int(1), "HSET", "h", "a", "10", "d", "4")
	c.MustOK("HMSET", "h", "e", "5")
	c.Must(resp.Bulk("10"), "HGET", "h", "a")
	c.Must(resp.NullBulk(), "HGET", "h", "zz")
	c.Must(resp.NullBulk(), "HGET", "nokey", "a")
	c.Must(resp.Array(resp.Bulk("10"), resp.NullBulk(), resp.Bulk("5")), "HMGET", "h", "a", "zz", "e")
	c.Must(resp.Array(resp.NullBulk(), resp.NullBulk()), "HMGET", "nokey", "a", "b")
	c.Must(resp.Int(5), "HLEN", "h")
	c.Must(resp.Int(0), "HLEN", "nokey")
	c.Must(resp.Int(2), "HSTRLEN", "h", "a")
	c.Must(resp.Int(0), "HSTRLEN", "h", "zz")
	c.Must(resp.Int(1), "HEXISTS", "h", "b")
	c.Must(resp.Int(0), "HEXISTS", "h", "zz")
	// The listpack keeps insertion order.
	c.Must(resp.BulkStrings("a", "b", "c", "d", "e"), "HKEYS", "h")
	c.Must(resp.BulkStrings("10", "2", "3", "4", "5"), "HVALS", "h")
	c.Must(resp.BulkStrings("a", "10", "b", "2", "c", "3", "d", "4", "e", "5"), "HGETALL", "h")
	c.Must(resp.Array(), "HGETALL", "nokey")
	c.Must(resp.Int(0), "HSETNX", "h", "a", "x")
	c.Must(resp.Int(1), "HSETNX", "h", "f", "6")
	c.Must(resp.Int(2), "HDEL", "h", "a", "zz", "f")
	c.Must(resp.Int(0), "HDEL", "nokey", "a")
	c.Must(resp.Int(4), "HDEL", "h", "b", "c", "d", "e", "x")
	c.Must(resp.Int(0), "EXISTS", "h")
	c.Must(resp.Int(1), "HSETNX", "new", "f", "v")
	c.Must(resp.Simple("hash"), "TYPE", "new")

	c.MustErr("ERR wrong number of arguments for 'hset' command", "HSET", "h", "a", "1", "b")
	c.MustErr("ERR wrong number of arguments for 'hmset' command", "HMSET", "h", "a", "1", "b")
	c.MustErr("ERR wrong number of arguments for 'hset' command", "HSET", "h", "a")
	c.MustOK("SET", "s", "v")
	wrong := "WRONGTYPE Operation against a key holding the wrong kind of value"
	for _, args := range [][]string{
		{"HSET", "s", "a", "1"}, {"HMSET", "s", "a", "1"}, {"HSETNX", "s", "a", "1"}, {"HGET", "s", "a"},
		{"HMGET", "s", "a"}, {"HDEL", "s", "a"}, {"HLEN", "s"}, {"HSTRLEN", "s", "a"}, {"HEXISTS", "s", "a"},
		{"HINCRBY", "s", "a", "1"}, {"HINCRBYFLOAT", "s", "a", "1"}, {"HKEYS", "s"}, {"HVALS", "s"},
		{"HGETALL", "s"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "2"}, {"HSCAN", "s", "0"},
		{"HEXPIRE", "s", "10", "FIELDS", "1", "a"}, {"HTTL", "s", "FIELDS", "1", "a"},
		{"HPERSIST", "s", "FIELDS", "1", "a"}, {"HPEXPIRETIME", "s", "FIELDS", "1", "a"},
	} {
		c.MustErr(wrong, args...)
	}

	// RESP3: HGETALL is a map; an empty one for a missing key.
	c.Must(resp.Int(2), "HSET", "m", "x", "1", "y", "2")
	c.Do("HELLO", "3")
	c.Must(resp.Map(resp.Bulk("x"), resp.Bulk("1"), resp.Bulk("y"), resp.Bulk("2")), "HGETALL", "m")
	c.Must(resp.Map(), "HGETALL", "nokey")
	c.Must(resp.Null(), "HGET", "m", "zz")
}

func TestHashEncodings(t *testing.T) {
	_, c := newServer(t, map[string]string{"hash-max-listpack-entries": "4", "hash-max-listpack-value": "8"})
	enc := func(want, key string) {
		t.Helper()
		c.Must(resp.Bulk(want), "OBJECT", "ENCODING", key)
	}
	c.Do("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
	enc("listpack", "h")
	c.Do("HSET", "h", "e", "5")
	enc("hashtable", "h")
	c.Do("HDEL", "h", "a", "b", "c", "d")
	enc("hashtable", "h") // never converts back

	// More pairs in one command than the limit, duplicates or not.
	c.Do("HSET", "dup", "a", "1", "a", "1", "a", "1", "a", "1", "a", "1")
	enc("hashtable", "dup")
	c.Must(resp.Int(1), "HLEN", "dup")

	// A string longer than hash-max-listpack-value.
	c.Do("HSET", "long", "f", "123456789")
	enc("hashtable", "long")
	c.Do("HSET", "long2", "123456789", "v")
	enc("hashtable", "long2")
	c.Do("HSET", "ok", "12345678", "12345678")
	enc("listpack", "ok")

	// HINCRBYFLOAT results are checked too.
	c.Do("HSET", "f", "x", "0")
	c.Do("HINCRBYFLOAT", "f", "x", "0.000005")
	enc("listpack", "f")
	c.Do("HINCRBYFLOAT", "f", "x", "0.0000005")
	enc("hashtable", "f")
	c.Do("HINCRBYFLOAT", "g", "abcdefghi", "1")
	enc("hashtable", "g")

	// A field deadline makes a listpack "listpackex", even when the field
	// is missing; COPY keeps the encoding.
	c.Do("HSET", "x", "a", "1")
	c.Must(hashInts(-2), "HEXPIRE", "x", "100", "FIELDS", "1", "nope")
	enc("listpackex", "x")
	c.Must(resp.Int(1), "COPY", "x", "xc")
	enc("listpackex", "xc")
	c.Must(resp.Int(1), "COPY", "h", "hc")
	enc("hashtable", "hc")
	c.Must(resp.BulkStrings("e", "5"), "HGETALL", "hc")

	// Entries over the limit convert a listpackex, deadlines kept.
	c.Must(hashInts(1), "HEXPIRE", "x", "100", "FIELDS", "1", "a")
	c.Do("HSET", "x", "b", "2", "c", "3", "d", "4", "e", "5")
	enc("hashtable", "x")
	c.Must(hashInts(100, -1), "HTTL", "x", "FIELDS", "2", "a", "b")

	// hash-max-listpack-entries 0: every hash is a hashtable.
	c.MustOK("CONFIG", "SET", "hash-max-listpack-entries", "0")
	c.Do("HINCRBY", "z", "a", "1")
	enc("hashtable", "z")
	c.Do("HSETNX", "z2", "a", "1")
	enc("hashtable", "z2")
}

func TestHashReloadEncoding(t *testing.T) {
	// DEBUG RELOAD gives hashes the encodings loading a snapshot would.
	_, c := newServer(t, map[string]string{"enable-debug-command": "yes", "hash-max-listpack-entries": "4"})
	c.Do("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
	c.Do("HDEL", "h", "e")
	c.Do("HEXPIRE", "h", "1000", "FIELDS", "1", "c")
	c.Do("HSET", "g", "a", "1", "b", "2")
	c.Do("HEXPIRE", "g", "100", "FIELDS", "1", "a")
	c.Do("HPERSIST", "g", "FIELDS", "1", "a")
	c.Do("HSET", "k", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
	c.Do("HDEL", "k", "e")
	c.Do("HSET", "long", "a", strings.Repeat("x", 100))
	c.Do("HDEL", "long", "a")
	c.Do("HSET", "long", "b", "1", "c", strings.Repeat("x", 100))
	if n := hashSubexpiry(t, c, 0); n != 2 {
		t.Errorf("subexpiry %d, want 2", n)
	}
	c.MustOK("DEBUG", "RELOAD")
	for key, enc := range map[string]string{"h": "listpackex", "g": "listpackex", "k": "listpack", "long": "hashtable"} {
		c.Must(resp.Bulk(enc), "OBJECT", "ENCODING", key)
	}
	if v := c.Do("HKEYS", "h"); len(v.Elems) != 4 || v.Elems[0].Str != "c" {
		t.Errorf("HKEYS after reload = %v, want c (the field with a deadline) first", v)
	}
	c.Must(hashInts(1000), "HTTL", "h", "FIELDS", "1", "c")
	if n := hashSubexpiry(t, c, 0); n != 1 {
		t.Errorf("subexpiry %d, want 1", n)
	}
	c.MustOK("CONFIG", "SET", "hash-max-listpack-entries", "1")
	c.MustOK("DEBUG", "RELOAD")
	c.Must(resp.Bulk("hashtable"), "OBJECT", "ENCODING", "g")
}

func TestHashIncr(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(2), "HINCRBY", "h", "n", "2")
	c.Must(resp.Int(-1), "HINCRBY", "h", "n", "-3")
	c.MustErr("ERR value is not an integer or out of range", "HINCRBY", "h", "n", "x")
	c.Do("HSET", "h", "s", " 11", "big", "-9223372036854775484")
	c.MustErr("ERR hash value is not an integer", "HINCRBY", "h", "s", "1")
	c.Must(resp.Int(-9223372036854775485), "HINCRBY", "h", "big", "-1")
	c.MustErr("ERR increment or decrement would overflow", "HINCRBY", "h", "big", "-10000")

	// Long double arithmetic and formatting, as Redis on x86-64.
	c.Must(resp.Bulk("1.23"), "HINCRBYFLOAT", "f", "x", "1.23")
	c.Must(resp.Bulk("2"), "HINCRBYFLOAT", "f", "x", "0.77")
	c.Must(resp.Bulk("1.9"), "HINCRBYFLOAT", "f", "x", "-0.1")
	c.Must(resp.Bulk("1.1"), "HINCRBYFLOAT", "f", "y", "1.1")
	c.Must(resp.Bulk("3.3"), "HINCRBYFLOAT", "f", "y", "2.2")
	c.Must(resp.Bulk("34359738368"), "HINCRBYFLOAT", "f", "z", "34359738368")
	c.MustErr("ERR value is not a valid float", "HINCRBYFLOAT", "f", "x", "v")
	c.MustErr("ERR value is not a valid float", "HINCRBYFLOAT", "f", "x", "nan")
	c.MustErr("ERR value is NaN or Infinity", "HINCRBYFLOAT", "nokey", "x", "+inf")
	c.Must(resp.Int(0), "EXISTS", "nokey")
	c.Do("HSET", "f", "s", "1\x002", "i", "inf")
	c.MustErr("ERR hash value is not a float", "HINCRBYFLOAT", "f", "s", "1")
	c.MustErr("ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "f", "i", "1")
	c.Do("HSET", "f", "max", "1e4932")
	c.MustErr("ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "f", "max", "1e4932")
}

func TestHashRandField(t *testing.T) {
	_, c := newServer(t, map[string]string{"hash-max-listpack-value": "10"})
	c.Must(resp.NullBulk(), "HRANDFIELD", "nokey")
	c.Must(resp.Array(), "HRANDFIELD", "nokey", "5")
	c.Must(resp.Array(), "HRANDFIELD", "nokey", "-5", "WITHVALUES")
	c.MustErr("ERR value is not an integer or out of range", "HRANDFIELD", "nokey", "x")
	c.MustErr("ERR syntax error", "HRANDFIELD", "nokey", "1", "foo")
	c.MustErr("ERR syntax error", "HRANDFIELD", "nokey", "1", "withvalues", "x")
	c.MustErr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"HRANDFIELD", "nokey", "-9223372036854775808")
	c.MustErr("ERR value is out of range", "HRANDFIELD", "nokey", "-9223372036854770000", "WITHVALUES")
	c.MustErr("ERR value is out of range", "HRANDFIELD", "nokey", "4611686018427387904", "WITHVALUES")

	for _, big := range []bool{false, true} {
		c.Do("DEL", "h")
		want := map[string]string{}
		for i := 0; i < 10; i++ {
			f, v := "f"+strconv.Itoa(i), "v"+strconv.Itoa(i)
			if big && i == 9 {
				v = strings.Repeat("x", 20)
			}
			want[f] = v
			c.Do("HSET", "h", f, v)
		}
		enc := "listpack"
		if big {
			enc = "hashtable"
		}
		c.Must(resp.Bulk(enc), "OBJECT", "ENCODING", "h")
		c.Must(resp.Array(), "HRANDFIELD", "h", "0")
		check := func(args []string, n int, pairs bool) {
			t.Helper()
			v := c.Do(args...)
			step := 1
			if pairs {
				step = 2
			}
			if len(v.Elems) != n*step {
				t.Fatalf("%s %q: %d elements, want %d", enc, args, len(v.Elems), n*step)
			}
			seen := map[string]bool{}
			for i := 0; i < len(v.Elems); i += step {
				f := v.Elems[i].Str
				val, ok := want[f]
				if !ok || (pairs && v.Elems[i+1].Str != val) {
					t.Fatalf("%s %q: bad pair %v", enc, args, v.Elems[i:i+step])
				}
				if args[2][0] != '-' && seen[f] {
					t.Fatalf("%s %q: %s repeated", enc, args, f)
				}
				seen[f] = true
			}
		}
		check([]string{"HRANDFIELD", "h", "-20"}, 20, false)
		check([]string{"HRANDFIELD", "h", "-20", "WITHVALUES"}, 20, true)
		for _, n := range []int{1, 2, 8, 10, 20} {
			check([]string{"HRANDFIELD", "h", strconv.Itoa(n)}, min(n, 10), false)
			check([]string{"HRANDFIELD", "h", strconv.Itoa(n), "withvalues"}, min(n, 10), true)
		}
		// Roughly uniform: each of 10 fields ~1000 times in 10000 picks.
		counts := map[string]int{}
		for _, e := range c.Do("HRANDFIELD", "h", "-10000").Elems {
			counts[e.Str]++
		}
		for f := range want {
			if counts[f] < 800 || counts[f] > 1200 {
				t.Errorf("%s: %s picked %d times of 10000", enc, f, counts[f])
			}
		}
		seen := map[string]bool{}
		for i := 0; i < 200; i++ {
			seen[c.Do("HRANDFIELD", "h").Str] = true
		}
		if len(seen) != 10 {
			t.Errorf("%s: HRANDFIELD picked %d distinct fields in 200 tries", enc, len(seen))
		}
	}

	// RESP3 shapes: pairs are nested with WITHVALUES.
	c.Do("HELLO", "3")
	v := c.Do("HRANDFIELD", "h", "3", "WITHVALUES")
	if len(v.Elems) != 3 || len(v.Elems[0].Elems) != 2 {
		t.Errorf("RESP3 HRANDFIELD 3 WITHVALUES = %v", v)
	}
	v = c.Do("HRANDFIELD", "h", "-3", "WITHVALUES")
	if len(v.Elems) != 3 || len(v.Elems[2].Elems) != 2 {
		t.Errorf("RESP3 HRANDFIELD -3 WITHVALUES = %v", v)
	}
	v = c.Do("HRANDFIELD", "h", "3")
	if len(v.Elems) != 3 || v.Elems[0].Kind != resp.KindBulk {
		t.Errorf("RESP3 HRANDFIELD 3 = %v", v)
	}
	c.Must(resp.Null(), "HRANDFIELD", "nokey")
}

// hashScanAll runs HSCAN to completion and returns the fields (and values)
// it answered, duplicates kept.
func hashScanAll(t *testing.T, c *rktest.Conn, key string, opts ...string) []string {
	t.Helper()
	var out []string
	cursor := "0"
	for i := 0; ; i++ {
		v := c.Do(append([]string{"HSCAN", key, cursor}, opts...)...)
		if v.IsError() {
			t.Fatalf("HSCAN: %v", v)
		}
		for _, e := range v.Elems[1].Elems {
			out = append(out, e.Str)
		}
		cursor = v.Elems[0].Str
		if cursor == "0" {
			return out
		}
		if i > 100000 {
			t.Fatal("HSCAN does not end")
		}
	}
}

func TestHashScan(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "HSCAN", "nokey", "0")
	// Options are read only when the key exists, as in Redis.
	c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "HSCAN", "nokey", "0", "COUNT", "0")
	c.MustErr("ERR invalid cursor", "HSCAN", "nokey", "x")
	c.Do("HSET", "h", "a", "1", "b", "2", "ab", "3")
	// A listpack answers whole, cursor 0, whatever the cursor and COUNT.
	c.Must(resp.Array(resp.Bulk("0"), resp.BulkStrings("a", "1", "b", "2", "ab", "3")), "HSCAN", "h", "0", "COUNT", "1")
	c.Must(resp.Array(resp.Bulk("0"), resp.BulkStrings("a", "ab")), "HSCAN", "h", "123", "MATCH", "a*", "NOVALUES")
	c.MustErr("ERR syntax error", "HSCAN", "h", "0", "COUNT", "0")
	c.MustErr("ERR syntax error", "HSCAN", "h", "0", "bogus")
	c.MustErr("ERR value is not an integer or out of range", "HSCAN", "h", "0", "COUNT", "x")

	// A hashtable is walked COUNT entries at a time; fields present for
	// the whole walk come back at least once while others come and go.
	const n = 2000
	for i := 0; i < n; i += 100 {
		args := []string{"HSET", "big"}
		for j := i; j < i+100; j++ {
			args = append(args, "f"+strconv.Itoa(j), "v"+strconv.Itoa(j))
		}
		c.Do(args...)
	}
	c.Must(resp.Bulk("hashtable"), "OBJECT", "ENCODING", "big")
	got := hashScanAll(t, c, "big", "COUNT", "7", "NOVALUES")
	if u := hashUniq(got); len(u) != n {
		t.Fatalf("HSCAN returned %d distinct fields of %d", len(u), n)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	cursor, steps := "0", 0
	for {
		v := c.Do("HSCAN", "big", cursor, "COUNT", "10")
		for i, e := range v.Elems[1].Elems {
			f := v.Elems[1].Elems[i-i%2].Str
			if i%2 == 0 {
				seen[e.Str] = true
			} else if f[0] == 'f' && e.Str != "v"+f[1:] {
				t.Fatalf("value %q for field %q", e.Str, v.Elems[1].Elems[i-1].Str)
			}
		}
		// Churn: delete fields 1000.. and add new ones.
		for k := 0; k < 5; k++ {
			c.Do("HDEL", "big", "f"+strconv.Itoa(1000+rnd.IntN(1000)))
			c.Do("HSET", "big", "g"+strconv.Itoa(rnd.IntN(5000)), "x")
		}
		cursor = v.Elems[0].Str
		if steps++; cursor == "0" {
			break
		}
	}
	for i := 0; i < 1000; i++ {
		if !seen["f"+strconv.Itoa(i)] {
			t.Fatalf("f%d was in the hash for the whole walk but HSCAN never returned it", i)
		}
	}
	if steps < 100 {
		t.Errorf("HSCAN walked %d entries in %d steps: COUNT not honoured", n, steps)
	}
}

func hashUniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func TestHashFieldExpireReplies(t *testing.T) {
	_, c := newServer(t, nil)
	for _, cmd := range []string{"HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT"} {
		c.Must(hashInts(-2, -2), cmd, "nokey", "1000", "FIELDS", "2", "a", "b")
	}
	for _, cmd := range []string{"HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME", "HPERSIST"} {
		c.Must(hashInts(-2), cmd, "nokey", "FIELDS", "1", "a")
	}
	c.Do("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3")
	c.MustErr("ERR invalid expire time, must be >= 0", "HEXPIRE", "h", "-1", "FIELDS", "1", "f1")
	c.MustErr("ERR value is not an integer or out of range", "HEXPIRE", "h", "x", "FIELDS", "1", "f1")
	c.MustErr("ERR invalid expire time in 'hexpire' command", "HEXPIRE", "h", strconv.Itoa((1<<48)/1000), "FIELDS", "1", "f1")
	c.MustErr("ERR invalid expire time in 'hpexpire' command", "HPEXPIRE", "h", strconv.Itoa(1<<48), "FIELDS", "1", "f1")
	c.MustErr("ERR invalid expire time in 'hpexpireat' command", "HPEXPIREAT", "h", strconv.Itoa(1<<46), "FIELDS", "1", "f1")
	c.Must(hashInts(1), "HPEXPIREAT", "h", strconv.Itoa(1<<46-1), "FIELDS", "1", "f1")
	c.MustErr("ERR Parameter `numFields` should be greater than 0", "HPEXPIRE", "h", "1000", "NX", "FIELDS", "0", "f1")
	c.MustErr("ERR Parameter `numFields` should be greater than 0", "HPEXPIRE", "h", "1000", "FIELDS", "x", "f1")
	c.MustErr("ERR The `numfields` parameter must match the number of arguments", "HPEXPIRE", "h", "1000", "NX", "FIELDS", "4", "f1", "f2", "f3")
	c.MustErr("ERR The `numfields` parameter must match the number of arguments", "HPEXPIRE", "h", "1000", "NX", "FIELDS", "2", "f1", "f2", "f3")
	c.MustErr("ERR Mandatory argument FIELDS is missing or not at the right position", "HPEXPIRE", "h", "1000", "NX", "XX", "FIELDS", "1", "f1")
	c.MustErr("ERR Mandatory argument FIELDS is missing or not at the right position", "HTTL", "h", "FIELD", "1", "f1")
	c.MustErr("ERR Number of fields must be a positive integer", "HTTL", "h", "FIELDS", "0", "f1")
	c.MustErr("ERR Number of fields must be a positive integer", "HPERSIST", "h", "FIELDS", "-1", "f1")
	c.MustErr("ERR The `numfields` parameter must match the number of arguments", "HPERSIST", "h", "FIELDS", "2", "f1")
	c.MustErr("ERR wrong number of arguments for 'hpersist' command", "HPERSIST", "h", "FIELDS", "1")

	// Conditions.
	c.Do("DEL", "h")
	c.Do("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3")
	c.Must(hashInts(1), "HPEXPIRE", "h", "1000000", "NX", "FIELDS", "1", "f1")
	c.Must(hashInts(0, 1), "HPEXPIRE", "h", "1000000", "NX", "FIELDS", "2", "f1", "f2")
	c.Must(hashInts(1, 0), "HPEXPIRE", "h", "2000000", "XX", "FIELDS", "2", "f1", "f3")
	c.Must(hashInts(1, 1, 0), "HPEXPIRE", "h", "3000000", "GT", "FIELDS", "3", "f1", "f2", "f3")
	c.Must(hashInts(0, 0), "HPEXPIRE", "h", "3000000", "GT", "FIELDS", "2", "f1", "f2")
	// No deadline counts as an infinite one for LT.
	c.Must(hashInts(1, 1, 1), "HPEXPIRE", "h", "1500000", "LT", "FIELDS", "3", "f1", "f2", "f3")
	// A time in the past deletes the field (2), or the key with its last.
	c.Must(hashInts(2, -2, -2), "HPEXPIREAT", "h", "1", "XX", "FIELDS", "3", "f1", "nope", "f1")
	c.Must(resp.Int(2), "HLEN", "h")
	c.Must(hashInts(2, 2), "HEXPIRE", "h", "0", "FIELDS", "2", "f2", "f3")
	c.Must(resp.Int(0), "EXISTS", "h")

	// HTTL and friends; HPERSIST.
	c.Do("HSET", "h", "a", "1", "b", "2")
	c.Must(hashInts(1), "HEXPIREAT", "h", "4102444800", "FIELDS", "1", "a")
	c.Must(hashInts(4102444800, -1, -2), "HEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c")
	c.Must(hashInts(4102444800000), "HPEXPIRETIME", "h", "FIELDS", "1", "a")
	c.Must(hashInts(1, -1, -2), "HPERSIST", "h", "FIELDS", "3", "a", "b", "c")
	c.Must(hashInts(-1), "HPERSIST", "h", "FIELDS", "1", "a")
	c.Must(hashInts(-1), "HTTL", "h", "FIELDS", "1", "a")
	c.Must(resp.Bulk("listpackex"), "OBJECT", "ENCODING", "h")
	// A plain listpack answers -1 for present fields.
	c.Do("HSET", "p", "a", "1")
	c.Must(hashInts(-1, -2), "HTTL", "p", "FIELDS", "2", "a", "b")
	c.Must(hashInts(-1, -2), "HPERSIST", "p", "FIELDS", "2", "a", "b")
	c.Must(resp.Bulk("listpack"), "OBJECT", "ENCODING", "p")
}

func TestHashFieldExpireOrder(t *testing.T) {
	// A listpackex keeps fields ordered by deadline, those without last;
	// a field that loses its deadline by being overwritten goes last.
	_, c := newServer(t, nil)
	c.Do("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
	c.Do("HEXPIREAT", "h", "4102444800", "FIELDS", "1", "c")
	c.Must(resp.BulkStrings("c", "a", "b", "d"), "HKEYS", "h")
	c.Do("HEXPIREAT", "h", "4102444700", "FIELDS", "1", "d")
	c.Must(resp.BulkStrings("d", "c", "a", "b"), "HKEYS", "h")
	c.Do("HEXPIREAT", "h", "4102444800", "FIELDS", "1", "a")
	c.Must(resp.BulkStrings("d", "a", "c", "b"), "HKEYS", "h")
	c.Do("HSET", "h", "d", "5")
	c.Must(resp.BulkStrings("a", "c", "b", "d"), "HKEYS", "h")
	// HINCRBY keeps the deadline and the place.
	c.Do("HINCRBY", "h", "a", "1")
	c.Must(resp.BulkStrings("a", "2", "c", "3", "b", "2", "d", "5"), "HGETALL", "h")
	c.Must(hashInts(4102444800), "HEXPIRETIME", "h", "FIELDS", "1", "a")
	c.Do("HPERSIST", "h", "FIELDS", "1", "a")
	c.Must(resp.BulkStrings("c", "b", "d", "a"), "HKEYS", "h")
}

func TestHashFieldExpireLazy(t *testing.T) {
	clk, c := newClockServer(t, debugOn)
	c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	for _, maxEntries := range []string{"512", "0"} {
		c.MustOK("CONFIG", "SET", "hash-max-listpack-entries", maxEntries)
		c.MustOK("FLUSHALL")
		c.MustOK("CONFIG", "RESETSTAT")
		c.Do("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3")
		c.Must(hashInts(1, 1, 1), "HPEXPIRE", "h", "100", "FIELDS", "3", "f1", "f2", "f3")
		c.Must(hashInts(100), "HPTTL", "h", "FIELDS", "1", "f1")
		clk.advance(100 * time.Millisecond)
		// At the deadline the fields still live; HPTTL of a listpackex
		// says otherwise, as in Redis.
		c.Must(resp.Bulk("v1"), "HGET", "h", "f1")
		if maxEntries == "0" {
			c.Must(hashInts(0), "HPTTL", "h", "FIELDS", "1", "f1")
		} else {
			c.Must(hashInts(-2), "HPTTL", "h", "FIELDS", "1", "f1")
		}
		clk.advance(time.Millisecond)
		c.Must(resp.Int(1), "EXISTS", "h")
		c.Must(resp.Int(3), "HLEN", "h") // HLEN counts expired fields
		c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "HSCAN", "h", "0")
		c.Must(resp.Array(), "HGETALL", "h")
		c.Must(hashInts(-2), "HTTL", "h", "FIELDS", "1", "f1")
		c.Must(hashInts(-2), "HPERSIST", "h", "FIELDS", "1", "f1")
		c.Must(resp.Int(3), "HLEN", "h")
		c.Must(resp.Int(0), "HEXISTS", "h", "f1")
		c.Must(resp.Int(2), "HLEN", "h")
		c.Must(resp.NullBulk(), "HGET", "h", "f2")
		c.Must(resp.Int(1), "HLEN", "h")
		// WATCH sees the last field go, and the key with it.
		c.MustOK("WATCH", "h")
		c.Must(resp.Int(0), "HSTRLEN", "h", "f3")
		c.Must(resp.Int(0), "EXISTS", "h")
		c.MustOK("MULTI")
		c.Must(resp.Simple("QUEUED"), "PING")
		c.Must(resp.NullArray(), "EXEC")
		if got := hashInfoField(t, c, "stats", "expired_subkeys"); got != "3" {
			t.Errorf("expired_subkeys = %s, want 3", got)
		}

		// Commands that meet an expired field treat it as missing.
		c.Do("HSET", "h", "n", "10", "m", "5", "k", "x", "keep", "y")
		c.Do("HPEXPIRE", "h", "10", "FIELDS", "3", "n", "m", "k")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.Int(1), "HINCRBY", "h", "n", "1")
		c.Must(resp.Bulk("1"), "HINCRBYFLOAT", "h", "m", "1")
		c.Must(resp.Int(1), "HSETNX", "h", "k", "z")
		c.Must(hashInts(-1, -1, -1), "HTTL", "h", "FIELDS", "3", "n", "m", "k")
		c.Must(resp.Array(resp.Bulk("1"), resp.NullBulk()), "HMGET", "h", "n", "zz")
		// The last field expiring deletes the hash: HINCRBY makes a new one.
		c.Do("DEL", "h")
		c.Do("HSET", "h", "n", "10")
		c.Do("HPEXPIRE", "h", "10", "FIELDS", "1", "n")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.Int(5), "HINCRBY", "h", "n", "5")
		c.Must(hashInts(-1), "HTTL", "h", "FIELDS", "1", "n")
		// HMGET answers nulls once the hash is gone.
		c.Do("HSET", "h2", "a", "1", "b", "2")
		c.Do("HPEXPIRE", "h2", "10", "FIELDS", "2", "a", "b")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.Array(resp.NullBulk(), resp.NullBulk(), resp.NullBulk()), "HMGET", "h2", "a", "b", "a")
		c.Must(resp.Int(0), "EXISTS", "h2")
		// HRANDFIELD deletes every expired field first.
		c.Do("HSET", "h3", "f1", "v1", "f2", "v2", "f3", "v3")
		c.Do("HPEXPIRE", "h3", "10", "FIELDS", "2", "f1", "f2")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.BulkStrings("f3"), "HRANDFIELD", "h3", "5")
		c.Must(resp.Int(1), "HLEN", "h3")
		c.Do("HPEXPIRE", "h3", "10", "FIELDS", "1", "f3")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.NullBulk(), "HRANDFIELD", "h3")
		c.Must(resp.Int(0), "EXISTS", "h3")
		// HDEL deletes an expired field and counts it.
		c.Do("HSET", "h4", "a", "1")
		c.Do("HPEXPIRE", "h4", "10", "FIELDS", "1", "a")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.Int(1), "HDEL", "h4", "a")
		// HSET over an expired field counts as an update, and drops the
		// deadline.
		c.Do("HSET", "h5", "a", "1", "b", "2")
		c.Do("HPEXPIRE", "h5", "10", "FIELDS", "1", "a")
		clk.advance(20 * time.Millisecond)
		c.Must(resp.Int(0), "HSET", "h5", "a", "3")
		c.Must(resp.Bulk("3"), "HGET", "h5", "a")
	}
}

func TestHashFieldExpireActive(t *testing.T) {
	clk, c := newClockServer(t, debugOn)
	for _, maxEntries := range []string{"512", "0"} {
		c.MustOK("CONFIG", "SET", "hash-max-listpack-entries", maxEntries)
		c.MustOK("FLUSHALL")
		c.MustOK("CONFIG", "RESETSTAT")
		c.Do("HSET", "h", "f1", "v1", "f2", "v2", "keep", "k")
		c.Do("HSET", "gone", "f1", "v1")
		c.Do("HPEXPIRE", "h", "100", "FIELDS", "2", "f1", "f2")
		c.Do("HPEXPIRE", "gone", "100", "FIELDS", "1", "f1")
		c.Do("HSET", "far", "f", "v")
		c.Do("HEXPIRE", "far", "1000", "FIELDS", "1", "f")
		if n := hashSubexpiry(t, c, 9); n != 0 {
			t.Errorf("db9 subexpiry = %d", n)
		}
		if n := hashSubexpiry(t, c, 0); n != 3 {
			t.Errorf("subexpiry = %d, want 3", n)
		}
		clk.advance(time.Second)
		hashWaitFor(t, "active expiry", func() bool { return c.Do("EXISTS", "gone").Int == 0 })
		hashWaitFor(t, "active expiry", func() bool { return c.Do("HLEN", "h").Int == 1 })
		if n := hashSubexpiry(t, c, 0); n != 1 {
			t.Errorf("subexpiry = %d, want 1", n)
		}
		if got := hashInfoField(t, c, "stats", "expired_subkeys"); got != "3" {
			t.Errorf("expired_subkeys = %s, want 3", got)
		}
		c.Must(resp.Int(1), "EXISTS", "far")

		// Renamed, moved, copied and swapped hashes are still expired.
		c.MustOK("FLUSHALL")
		for _, k := range []string{"r", "m", "c", "s"} {
			c.Do("HSET", k, "f", "v")
			c.Do("HPEXPIRE", k, "100", "FIELDS", "1", "f")
		}
		c.MustOK("RENAME", "r", "r2")
		c.Must(resp.Int(1), "MOVE", "m", "1")
		c.Must(resp.Int(1), "COPY", "c", "c2")
		c.Must(resp.Int(1), "COPY", "c", "c3", "DB", "2")
		c.MustOK("SELECT", "3")
		c.Do("HSET", "s", "f", "v")
		c.Do("HPEXPIRE", "s", "100", "FIELDS", "1", "f")
		c.MustOK("SWAPDB", "3", "4")
		c.MustOK("SELECT", "0")
		if n := hashSubexpiry(t, c, 0); n != 4 {
			t.Errorf("db0 subexpiry = %d, want 4 (r2 c c2 s)", n)
		}
		if n := hashSubexpiry(t, c, 4); n != 1 {
			t.Errorf("db4 subexpiry = %d, want 1", n)
		}
		clk.advance(time.Second)
		hashWaitFor(t, "every hash expired", func() bool {
			c.Do("SELECT", "0")
			n := c.Do("DBSIZE").Int
			for _, db := range []string{"1", "2", "4"} {
				c.Do("SELECT", db)
				n += c.Do("DBSIZE").Int
			}
			c.Do("SELECT", "0")
			return n == 0
		})

		// FLUSHALL forgets pending deadlines; a new hash under the same
		// name is not touched by the old ones.
		c.Do("HSET", "x", "f", "v")
		c.Do("HPEXPIRE", "x", "100", "FIELDS", "1", "f")
		c.MustOK("FLUSHALL")
		c.Do("HSET", "x", "f", "v")
		c.Do("HPEXPIRE", "x", "100000", "FIELDS", "1", "f")
		c.Do("DEL", "x")
		c.Do("HSET", "x", "f", "v")
		clk.advance(time.Second)
		time.Sleep(300 * time.Millisecond)
		c.Must(resp.Bulk("v"), "HGET", "x", "f")
		if n := hashSubexpiry(t, c, 0); n != 0 {
			t.Errorf("subexpiry = %d, want 0", n)
		}

		// A hash stays registered for active expiry, as in Redis, when
		// HPERSIST or HSET take its deadlines away, until active expiry
		// passes its time; a copy is registered like its original.
		c.MustOK("FLUSHALL")
		c.Do("HSET", "p", "a", "1", "b", "2")
		c.Do("HPEXPIRE", "p", "300", "FIELDS", "1", "a")
		c.Must(hashInts(1), "HPERSIST", "p", "FIELDS", "1", "a")
		c.Do("HSET", "q", "a", "1")
		c.Do("HPEXPIRE", "q", "100000", "FIELDS", "1", "a")
		c.Do("HSET", "q", "a", "2")
		c.Must(resp.Int(1), "COPY", "q", "q2")
		if n := hashSubexpiry(t, c, 0); n != 3 {
			t.Errorf("subexpiry = %d, want 3", n)
		}
		c.Must(hashInts(2), "HPEXPIRE", "q", "0", "FIELDS", "1", "a")
		if n := hashSubexpiry(t, c, 0); n != 2 {
			t.Errorf("subexpiry = %d, want 2", n)
		}
		clk.advance(time.Second)
		hashWaitFor(t, "p unregistered", func() bool { return hashSubexpiry(t, c, 0) == 1 })
		c.Must(resp.Int(2), "HLEN", "p")

		// Many fields: expired over several cycles.
		c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "0")
		for i := 0; i < 40; i++ {
			args := []string{"HSET", "many"}
			for j := 0; j < 100; j++ {
				args = append(args, fmt.Sprintf("f%d_%d", i, j), "v")
			}
			c.Do(args...)
			args = []string{"HPEXPIRE", "many", strconv.Itoa(10 + i), "FIELDS", "100"}
			for j := 0; j < 100; j++ {
				args = append(args, fmt.Sprintf("f%d_%d", i, j))
			}
			c.Do(args...)
		}
		c.Do("HSET", "many", "stay", "v")
		c.Must(resp.Int(4001), "HLEN", "many")
		c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		clk.advance(time.Second)
		hashWaitFor(t, "4000 fields expired", func() bool { return c.Do("HLEN", "many").Int == 1 })
		c.MustOK("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	}
}

// TestHashMatchesRedis runs random hash commands against rk and Redis 7.4
// and compares the replies. Deadlines are absolute times far ahead, or
// relative ones unique per command, so the order of a listpackex does not
// depend on which millisecond each server ran a command in; replies that
// are times left are compared to within a few seconds. Hashtable-encoded
// replies are compared as sets (Redis's order is its hash table's).
func TestHashMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(7, 8))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	key := func() string { return pick("h1", "h2", "h3", "s") }
	field := func() string { return pick("a", "b", "c", "d", "e", "1", "-2", "") }
	value := func() string {
		if rnd.IntN(40) == 0 {
			return strings.Repeat("z", 70)
		}
		return pick("v", "1", "10", "-5", "3.5", "x y", "", "9223372036854775807", "0x10")
	}
	fields := func() []string {
		n := 1 + rnd.IntN(3)
		out := []string{"FIELDS", strconv.Itoa(n)}
		if rnd.IntN(20) == 0 {
			out[1] = pick("0", "-1", "x", strconv.Itoa(n+1))
		}
		for i := 0; i < n; i++ {
			out = append(out, field())
		}
		return out
	}
	cond := func() []string {
		if rnd.IntN(2) == 0 {
			return nil
		}
		return []string{pick("NX", "XX", "GT", "LT", "nx", "gt", "bogus")}
	}
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	add("CONFIG", "SET", "hash-max-listpack-entries", "16")
	add("SET", "s", "string")
	for i := 0; i < 3000; i++ {
		if i == 1500 {
			add("HELLO", "3") // the rest in RESP3
		}
		k := key()
		switch rnd.IntN(30) {
		case 0, 1, 2, 3:
			args := []string{pick("HSET", "HSET", "HMSET"), k}
			for n := 1 + rnd.IntN(3); n > 0; n-- {
				args = append(args, field(), value())
			}
			if rnd.IntN(30) == 0 {
				args = args[:len(args)-1]
			}
			add(args...)
		case 4:
			add("HSETNX", k, field(), value())
		case 5:
			add("HGET", k, field())
		case 6:
			add("HMGET", k, field(), field(), field())
		case 7:
			add("HDEL", k, field(), field())
		case 8:
			add("HLEN", k)
		case 9:
			add("HSTRLEN", k, field())
		case 10:
			add("HEXISTS", k, field())
		case 11:
			add("HINCRBY", k, field(), pick("1", "-3", "100", "x", "9223372036854775807", "-9223372036854775808"))
		case 12:
			add("HINCRBYFLOAT", k, field(), pick("1.1", "2.2", "-0.1", "1e10", "x", "inf", "0x1p3", "1e-5"))
		case 13:
			add(pick("HKEYS", "HVALS", "HGETALL"), k)
		case 14:
			args := []string{"HRANDFIELD", k}
			if rnd.IntN(4) > 0 {
				args = append(args, pick("0", "1", "3", "10", "-3", "x", "-9223372036854775808"))
				if rnd.IntN(2) == 0 {
					args = append(args, pick("WITHVALUES", "withvalues", "bogus"))
				}
			}
			add(args...)
		case 15:
			// No partial walks: a hashtable's cursors are Redis's own.
			args := []string{"HSCAN", k, pick("0", "0", "x")}
			for n := rnd.IntN(3); n > 0; n-- {
				args = append(args, strings.Fields(pick("COUNT 1000", "MATCH [a-c]", "MATCH *", "NOVALUES", "COUNT 0", "bogus"))...)
			}
			add(args...)
		case 16, 17:
			args := []string{pick("HEXPIREAT", "HPEXPIREAT"), k}
			if args[0] == "HEXPIREAT" {
				args = append(args, pick("4102444800", "4102444801", "4102444900", "1", "0", "-1", "x", "70368744178"))
			} else {
				args = append(args, pick("4102444800000", "4102444800500", "4102444900000", "1", "0", "-1", "70368744177664"))
			}
			add(append(append(args, cond()...), fields()...)...)
		case 18:
			// Relative deadlines unique to this command, days ahead.
			args := []string{pick("HEXPIRE", "HPEXPIRE"), k}
			secs := 1_000_000 + i*100
			if args[0] == "HEXPIRE" {
				args = append(args, pick(strconv.Itoa(secs), "0", "-1", "x"))
			} else {
				args = append(args, pick(strconv.Itoa(secs*1000), "0"))
			}
			add(append(append(args, cond()...), fields()...)...)
		case 19, 20:
			add(append([]string{pick("HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME"), k}, fields()...)...)
		case 21:
			add(append([]string{"HPERSIST", k}, fields()...)...)
		case 22:
			add("OBJECT", "ENCODING", k)
		case 23:
			if rnd.IntN(3) == 0 {
				add("DEL", k)
			} else {
				add("HGETALL", k)
			}
		case 24:
			add(pick("RENAME", "COPY"), k, key())
		case 25:
			add("EXISTS", k)
		case 26:
			add("TYPE", k)
		case 27:
			add(pick("HTTL", "HSET"), k)
		case 28:
			add("HSET", k, strings.Repeat("f", 7), "v")
		case 29:
			if rnd.IntN(2) == 0 {
				add("CONFIG", "SET", "hash-max-listpack-value", pick("64", "5", "100"))
			} else {
				add("CONFIG", "SET", "hash-max-listpack-entries", pick("16", "6"))
			}
		}
	}
	add("INFO", "keyspace")
	add("INFO", "stats")
	timeCmds := map[string]bool{"HTTL": true, "HPTTL": true, "HEXPIRETIME": true, "HPEXPIRETIME": true}
	errs := 0
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		name := strings.ToUpper(args[0])
		switch {
		case name == "HELLO":
			continue
		case name == "INFO":
			for _, f := range []string{"db0", "keyspace_hits", "keyspace_misses", "expired_subkeys"} {
				if w, g := hashInfoLine(want.Str, f), hashInfoLine(got.Str, f); w != g {
					t.Errorf("INFO %s: rk %q, redis %q", f, g, w)
				}
			}
			continue
		case want.IsError() || got.IsError():
		case name == "HRANDFIELD":
			// Random: compare the shape only.
			if len(want.Elems) != len(got.Elems) || want.Kind != got.Kind || want.IsNull() != got.IsNull() {
				t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
			}
			continue
		case timeCmds[name]:
			if len(want.Elems) == len(got.Elems) {
				for i := range want.Elems {
					if w, g := want.Elems[i].Int, got.Elems[i].Int; w != g && w > 0 && g > 0 && max(w-g, g-w) <= 5000 {
						got.Elems[i].Int = w
					}
				}
			}
		case name == "HSCAN" || name == "HKEYS" || name == "HVALS" || name == "HGETALL":
			enc := real.Do("OBJECT", "ENCODING", args[1])
			rk.Do("OBJECT", "ENCODING", args[1]) // keep the hit counts equal
			if enc.Str == "hashtable" {
				hashSortReply(args, &want)
				hashSortReply(args, &got)
			}
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

// hashSortReply puts a hashtable's reply in a canonical order: pairs for
// HGETALL (and HSCAN with values), single strings otherwise.
func hashSortReply(args []string, v *resp.Value) {
	name := strings.ToUpper(args[0])
	elems := &v.Elems
	if name == "HSCAN" {
		if len(v.Elems) != 2 {
			return
		}
		elems = &v.Elems[1].Elems
	}
	pairs := name == "HGETALL" || (name == "HSCAN" && !slices.ContainsFunc(args, func(a string) bool { return strings.EqualFold(a, "novalues") }))
	type pair struct{ a, b resp.Value }
	if pairs {
		ps := make([]pair, 0, len(*elems)/2)
		for i := 0; i+1 < len(*elems); i += 2 {
			ps = append(ps, pair{(*elems)[i], (*elems)[i+1]})
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].a.Str != ps[j].a.Str {
				return ps[i].a.Str < ps[j].a.Str
			}
			return ps[i].b.Str < ps[j].b.Str
		})
		for i, p := range ps {
			(*elems)[2*i], (*elems)[2*i+1] = p.a, p.b
		}
		return
	}
	sort.Slice(*elems, func(i, j int) bool { return (*elems)[i].Str < (*elems)[j].Str })
}

// hashInfoLine returns the value of field in an INFO text.
func hashInfoLine(info, field string) string {
	for _, l := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), field+":"); ok {
			return v
		}
	}
	return ""
}
