package memory_test

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// setMembers returns the members of an aggregate reply, sorted.
func setMembers(t *testing.T, v resp.Value) []string {
	t.Helper()
	if v.IsError() || (v.Kind != resp.KindArray && v.Kind != resp.KindSet) {
		t.Fatalf("not a list of members: %v", v)
	}
	out := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		out[i] = e.Str
	}
	slices.Sort(out)
	return out
}

// setMustMembers checks a set's members, in any order.
func setMustMembers(t *testing.T, c *rktest.Conn, key string, want ...string) {
	t.Helper()
	got := setMembers(t, c.Do("SMEMBERS", key))
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("SMEMBERS %s = %q, want %q", key, got, want)
	}
}

func setMustEncoding(t *testing.T, c *rktest.Conn, key, enc string) {
	t.Helper()
	c.Must(resp.Bulk(enc), "OBJECT", "ENCODING", key)
}

// setSeq is "prefix0" ... "prefix<n-1>".
func setSeq(prefix string, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(from+i)
	}
	return out
}

func TestSetBasics(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Int(3), "SADD", "s", "a", "b", "c")
	c.Must(resp.Int(1), "SADD", "s", "a", "d", "b")
	c.Must(resp.Int(4), "SCARD", "s")
	c.Must(resp.Int(1), "SISMEMBER", "s", "a")
	c.Must(resp.Int(0), "SISMEMBER", "s", "z")
	c.Must(resp.Array(resp.Int(1), resp.Int(0), resp.Int(1)), "SMISMEMBER", "s", "a", "z", "d")
	setMustMembers(t, c, "s", "a", "b", "c", "d")

	c.Must(resp.Int(0), "SCARD", "nokey")
	c.Must(resp.Int(0), "SISMEMBER", "nokey", "a")
	c.Must(resp.Array(resp.Int(0), resp.Int(0)), "SMISMEMBER", "nokey", "a", "b")
	c.Must(resp.Array(), "SMEMBERS", "nokey")
	c.Must(resp.Int(0), "SREM", "nokey", "a")

	c.Must(resp.Int(0), "SREM", "s", "x", "y")
	c.Must(resp.Int(2), "SREM", "s", "a", "b", "a")
	// The key goes when the set empties.
	c.Must(resp.Int(2), "SREM", "s", "c", "d", "e")
	c.Must(resp.Int(0), "EXISTS", "s")

	c.MustOK("SET", "str", "x")
	for _, args := range [][]string{
		{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
		{"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SPOP", "str"}, {"SPOP", "str", "2"},
		{"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "2"}, {"SINTER", "str"}, {"SUNION", "str"},
		{"SDIFF", "str"}, {"SINTERCARD", "1", "str"}, {"SSCAN", "str", "0"}, {"SMOVE", "str", "x", "a"},
	} {
		c.MustErr(wrongType, args...)
	}
	c.MustErr("ERR wrong number of arguments for 'smismember' command", "SMISMEMBER", "s")
	c.MustErr("ERR wrong number of arguments for 'sadd' command", "SADD", "s")
}

func TestSetEncodings(t *testing.T) {
	_, c := newServer(t, map[string]string{"set-max-listpack-value": "32"})
	// intset while all members are integers.
	c.Must(resp.Int(3), "SADD", "i", "1", "2", "-3")
	setMustEncoding(t, c, "i", "intset")
	c.Must(resp.Int(1), "SADD", "i", "9223372036854775807") // widens
	c.Must(resp.Int(1), "SADD", "i", "-9223372036854775808")
	c.Must(resp.Int(1), "SADD", "i", "70000")
	setMustEncoding(t, c, "i", "intset")
	c.Must(resp.Int(1), "SISMEMBER", "i", "70000")
	c.Must(resp.Int(0), "SISMEMBER", "i", "070000")
	setMustMembers(t, c, "i", "-3", "-9223372036854775808", "1", "2", "70000", "9223372036854775807")
	// Not integers in string2ll's sense: a listpack.
	for _, m := range []string{"01", "-0", "+1", " 1", "9223372036854775808", "1.5"} {
		c.Do("DEL", "n")
		c.Must(resp.Int(1), "SADD", "n", m)
		setMustEncoding(t, c, "n", "listpack")
	}
	// intset -> listpack with a string, -> hashtable past 128 members.
	c.Must(resp.Int(1), "SADD", "i", "a")
	setMustEncoding(t, c, "i", "listpack")
	c.Must(resp.Int(121), append([]string{"SADD", "i"}, setSeq("m", 0, 121)...)...)
	setMustEncoding(t, c, "i", "listpack")
	c.Must(resp.Int(128), "SCARD", "i")
	c.Must(resp.Int(1), "SADD", "i", "b")
	setMustEncoding(t, c, "i", "hashtable")
	// A long member.
	c.Must(resp.Int(1), "SADD", "l", strings.Repeat("x", 32))
	setMustEncoding(t, c, "l", "listpack")
	c.Must(resp.Int(1), "SADD", "l", strings.Repeat("x", 33))
	setMustEncoding(t, c, "l", "hashtable")
	// A large intset takes a string straight to a hash table.
	c.Must(resp.Int(200), append([]string{"SADD", "big"}, setSeq("", 0, 200)...)...)
	setMustEncoding(t, c, "big", "intset")
	c.Must(resp.Int(1), "SADD", "big", "x")
	setMustEncoding(t, c, "big", "hashtable")
	// The number of arguments alone can decide.
	c.Must(resp.Int(1), append([]string{"SADD", "dup"}, slices.Repeat([]string{"a"}, 129)...)...)
	setMustEncoding(t, c, "dup", "hashtable")
	c.Must(resp.Int(1), "SADD", "dup2", "1")
	c.Must(resp.Int(0), append([]string{"SADD", "dup2"}, slices.Repeat([]string{"1"}, 513)...)...)
	setMustEncoding(t, c, "dup2", "hashtable")
	// set-max-intset-entries.
	c.Must(resp.Int(512), append([]string{"SADD", "cap"}, setSeq("", 0, 512)...)...)
	setMustEncoding(t, c, "cap", "intset")
	c.Must(resp.Int(1), "SADD", "cap", "512")
	setMustEncoding(t, c, "cap", "hashtable")
	// Removing never converts back.
	c.Must(resp.Int(512), append([]string{"SREM", "cap"}, setSeq("", 0, 512)...)...)
	setMustEncoding(t, c, "cap", "hashtable")
	setMustMembers(t, c, "cap", "512")
	// Configuration applies to later changes.
	c.MustOK("CONFIG", "SET", "set-max-intset-entries", "2")
	c.Must(resp.Int(3), "SADD", "small", "1", "2", "3")
	setMustEncoding(t, c, "small", "listpack")
}

func TestSetStoreEncodings(t *testing.T) {
	_, c := newServer(t, nil)
	// SINTERSTORE: an all-integer result is an intset, whatever the
	// sources were.
	c.Do("SADD", "a", "x", "1", "2", "3")
	c.Do("SADD", "b", "y", "1", "3")
	c.Must(resp.Int(2), "SINTERSTORE", "r", "a", "b")
	setMustEncoding(t, c, "r", "intset")
	big := append([]string{"SADD", "h1", "x", "y"}, setSeq("", 0, 200)...)
	c.Do(big...)
	big[1] = "h2"
	c.Do(big...)
	c.Must(resp.Int(202), "SINTERSTORE", "r", "h1", "h2")
	setMustEncoding(t, c, "r", "hashtable")
	c.Do("SREM", "h1", "x", "y")
	c.Must(resp.Int(200), "SINTERSTORE", "r", "h1", "h2")
	setMustEncoding(t, c, "r", "intset")
	// SUNIONSTORE builds the result as SADD would.
	c.Must(resp.Int(5), "SUNIONSTORE", "u", "a", "b")
	setMustEncoding(t, c, "u", "listpack")
	c.Must(resp.Int(2), "SDIFFSTORE", "d", "a", "b")
	setMustMembers(t, c, "d", "x", "2")
	c.Do("SADD", "ints", "1", "2", "5")
	c.Must(resp.Int(1), "SDIFFSTORE", "d", "ints", "a")
	setMustEncoding(t, c, "d", "intset")
	// The result replaces any value and its TTL; an empty one deletes.
	c.MustOK("SET", "r", "string")
	c.Must(resp.Int(1), "EXPIRE", "r", "100")
	c.Must(resp.Int(3), "SUNIONSTORE", "r", "ints")
	c.Must(resp.Int(-1), "TTL", "r")
	c.Must(resp.Int(0), "SINTERSTORE", "r", "ints", "nokey")
	c.Must(resp.Int(0), "EXISTS", "r")
	c.Must(resp.Int(3), "SUNIONSTORE", "r", "ints")
	c.Must(resp.Int(0), "SDIFFSTORE", "r", "ints", "ints")
	c.Must(resp.Int(0), "EXISTS", "r")
	// A WRONGTYPE source leaves the destination alone.
	c.Must(resp.Int(3), "SUNIONSTORE", "r", "ints")
	c.MustOK("SET", "str", "x")
	c.MustErr(wrongType, "SUNIONSTORE", "r", "ints", "str")
	c.MustErr(wrongType, "SINTERSTORE", "r", "nokey", "str")
	c.Must(resp.Int(3), "SCARD", "r")
}

func TestSetAlgebra(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("SADD", "a", "1", "2", "3", "x", "y")
	c.Do("SADD", "b", "2", "3", "4", "y")
	c.Do("SADD", "c", "3", "y", "z")
	check := func(want []string, args ...string) {
		t.Helper()
		got := setMembers(t, c.Do(args...))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q = %q, want %q", args, got, want)
		}
	}
	check([]string{"3", "y"}, "SINTER", "a", "b", "c")
	check(nil, "SINTER", "a", "nokey")
	check([]string{"1", "2", "3", "x", "y", "4", "z"}, "SUNION", "a", "b", "nokey", "c")
	check([]string{"1", "x"}, "SDIFF", "a", "b", "c")
	check([]string{"1", "2", "3", "x", "y"}, "SDIFF", "a", "nokey")
	check(nil, "SDIFF", "nokey", "a")
	check(nil, "SDIFF", "a", "b", "a")
	check([]string{"1", "2", "3", "x", "y"}, "SINTER", "a", "a")
	c.Must(resp.Int(2), "SINTERCARD", "3", "a", "b", "c")
	c.Must(resp.Int(1), "SINTERCARD", "3", "a", "b", "c", "LIMIT", "1")
	c.Must(resp.Int(2), "SINTERCARD", "2", "a", "c", "limit", "0")
	c.Must(resp.Int(0), "SINTERCARD", "2", "a", "nokey")
	c.MustErr("ERR numkeys should be greater than 0", "SINTERCARD", "0", "a")
	c.MustErr("ERR numkeys should be greater than 0", "SINTERCARD", "x", "a")
	c.MustErr("ERR Number of keys can't be greater than number of args", "SINTERCARD", "3", "a", "b")
	c.MustErr("ERR syntax error", "SINTERCARD", "1", "a", "b")
	c.MustErr("ERR syntax error", "SINTERCARD", "1", "a", "LIMIT")
	c.MustErr("ERR LIMIT can't be negative", "SINTERCARD", "1", "a", "LIMIT", "-1")
	c.MustErr("ERR LIMIT can't be negative", "SINTERCARD", "1", "a", "LIMIT", "x")
	// Algorithm 2 of SDIFF (a small first set against big others) and
	// a large difference.
	c.Do(append([]string{"SADD", "many"}, setSeq("", 0, 1000)...)...)
	check([]string{"x", "y"}, "SDIFF", "a", "many")
	diff := c.Do("SDIFF", "many", "a", "b", "c")
	if len(diff.Elems) != 996 {
		t.Errorf("SDIFF many a b c: %d members, want 996", len(diff.Elems))
	}
}

func TestSetMove(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("SADD", "src", "1", "a", "b")
	c.Do("SADD", "dst", "2", "3")
	c.Must(resp.Int(1), "SMOVE", "src", "dst", "1")
	setMustEncoding(t, c, "dst", "intset")
	c.Must(resp.Int(1), "SMOVE", "src", "dst", "a")
	setMustEncoding(t, c, "dst", "listpack")
	c.Must(resp.Int(0), "SMOVE", "src", "dst", "nope")
	c.Must(resp.Int(0), "SMOVE", "nokey", "dst", "a")
	c.Must(resp.Int(1), "SMOVE", "src", "new", "b")
	c.Must(resp.Int(0), "EXISTS", "src")
	setMustMembers(t, c, "new", "b")
	c.Must(resp.Int(1), "SMOVE", "dst", "dst", "a")
	c.Must(resp.Int(0), "SMOVE", "dst", "dst", "zz")
	c.MustOK("SET", "str", "x")
	c.MustErr(wrongType, "SMOVE", "dst", "str", "a")
	c.MustErr(wrongType, "SMOVE", "str", "dst", "a")
	c.Must(resp.Int(0), "SMOVE", "nokey", "str", "a") // the source decides first
	// Moving a member the destination has still removes it from the source.
	c.Do("SADD", "src", "2", "q")
	c.Must(resp.Int(1), "SMOVE", "src", "dst", "2")
	setMustMembers(t, c, "src", "q")
	setMustMembers(t, c, "dst", "1", "2", "3", "a")
}

func TestSetWatch(t *testing.T) {
	e, c := newServer(t, nil)
	c2 := rktest.Dial(t, rktest.Serve(t, e))
	// An SMOVE whose member the destination already has leaves the
	// destination unchanged (Redis's "SMOVE only notify dstset when the
	// addition is successful").
	c.Do("SADD", "src", "a", "b")
	c.Do("SADD", "dst", "a")
	c.MustOK("WATCH", "dst")
	c.MustOK("MULTI")
	c.Do("SADD", "dst", "c")
	c2.Must(resp.Int(1), "SMOVE", "src", "dst", "a")
	if v := c.Do("EXEC"); v.IsNull() {
		t.Error("EXEC failed after an SMOVE that did not change the destination")
	}
	// No-op writes touch nothing; real ones do.
	for _, tc := range []struct {
		args    []string
		touches bool
	}{
		{[]string{"SADD", "dst", "a"}, false},
		{[]string{"SREM", "dst", "zz"}, false},
		{[]string{"SADD", "dst", "new"}, true},
		{[]string{"SREM", "dst", "new"}, true},
		{[]string{"SPOP", "dst"}, true},
		{[]string{"SPOP", "dst", "1"}, true},
		{[]string{"SMOVE", "dst", "other", "c"}, true},
		{[]string{"SINTERSTORE", "dst", "src", "src"}, true},
	} {
		c.Do("SADD", "dst", "a", "c", "d")
		c.MustOK("WATCH", "dst")
		c.MustOK("MULTI")
		c.Do("PING")
		c2.Do(tc.args...)
		v := c.Do("EXEC")
		if v.IsNull() != tc.touches {
			t.Errorf("%q: EXEC = %v, want it to fail: %v", tc.args, v, tc.touches)
		}
	}
}

func TestSetPopRandom(t *testing.T) {
	_, c := newServer(t, map[string]string{"set-max-listpack-entries": "16", "set-max-intset-entries": "16"})
	for _, tc := range []struct {
		enc     string
		members []string
	}{
		{"intset", setSeq("", 0, 12)},
		{"listpack", setSeq("m", 0, 12)},
		{"hashtable", setSeq("m", 0, 40)},
		{"hashtable", setSeq("", 0, 40)},
	} {
		c.Do("DEL", "s")
		c.Do(append([]string{"SADD", "s"}, tc.members...)...)
		setMustEncoding(t, c, "s", tc.enc)
		all := slices.Clone(tc.members)
		slices.Sort(all)
		n := len(all)
		isMember := func(m string) bool { _, ok := slices.BinarySearch(all, m); return ok }

		// SRANDMEMBER: distinct members, all of them when asked for more.
		for _, count := range []int{1, 2, n/4 + 1, n / 2, n - 1, n, n + 5} {
			got := setMembers(t, c.Do("SRANDMEMBER", "s", strconv.Itoa(count)))
			if len(got) != min(count, n) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("%s SRANDMEMBER %d = %q", tc.enc, count, got)
			}
			for _, m := range got {
				if !isMember(m) {
					t.Errorf("%s SRANDMEMBER %d: %q is not a member", tc.enc, count, m)
				}
			}
		}
		// Negative counts repeat, and eventually reach every member.
		seen := map[string]bool{}
		for i := 0; i < 50 && len(seen) < n; i++ {
			got := c.Do("SRANDMEMBER", "s", "-100")
			if len(got.Elems) != 100 {
				t.Fatalf("%s SRANDMEMBER -100: %d members", tc.enc, len(got.Elems))
			}
			for _, m := range got.Elems {
				seen[m.Str] = true
			}
		}
		if len(seen) != n {
			t.Errorf("%s SRANDMEMBER -100: saw %d of %d members", tc.enc, len(seen), n)
		}
		if m := c.Do("SRANDMEMBER", "s"); !isMember(m.Str) {
			t.Errorf("%s SRANDMEMBER = %v", tc.enc, m)
		}

		// SPOP in every size takes each member exactly once.
		var popped []string
		for _, count := range []string{"1", "", "3", "0", "7", "", "100"} {
			args := []string{"SPOP", "s"}
			if count != "" {
				args = append(args, count)
			}
			v := c.Do(args...)
			if count == "" {
				if v.Kind != resp.KindBulk {
					t.Fatalf("%s SPOP = %v", tc.enc, v)
				}
				if !v.Null {
					popped = append(popped, v.Str)
				}
				continue
			}
			popped = append(popped, setMembers(t, v)...)
		}
		slices.Sort(popped)
		if !slices.Equal(popped, all) {
			t.Errorf("%s SPOP took %q, want %q", tc.enc, popped, all)
		}
		c.Must(resp.Int(0), "EXISTS", "s")
	}
	c.Must(resp.NullBulk(), "SPOP", "nokey")
	c.Must(resp.Array(), "SPOP", "nokey", "3")
	c.Must(resp.NullBulk(), "SRANDMEMBER", "nokey")
	c.Must(resp.Array(), "SRANDMEMBER", "nokey", "3")
	c.Do("SADD", "s", "a")
	c.Must(resp.Array(), "SRANDMEMBER", "s", "0")
	c.Must(resp.Array(), "SPOP", "s", "0")
	c.MustErr("ERR value is out of range, must be positive", "SPOP", "s", "-1")
	c.MustErr("ERR value is out of range, must be positive", "SPOP", "s", "x")
	c.MustErr("ERR syntax error", "SPOP", "s", "1", "2")
	c.MustErr("ERR syntax error", "SRANDMEMBER", "s", "1", "2")
	c.MustErr("ERR value is not an integer or out of range", "SRANDMEMBER", "s", "x")
	c.MustErr("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
		"SRANDMEMBER", "s", "-9223372036854775808")
}

// TestSetPopKeepsFew: an SPOP that leaves only a few members rebuilds the
// set from them, in the encoding those members alone get, keeping the TTL.
func TestSetPopKeepsFew(t *testing.T) {
	_, c := newServer(t, map[string]string{"set-max-listpack-entries": "8"})
	c.Do(append([]string{"SADD", "s"}, setSeq("m", 0, 30)...)...)
	setMustEncoding(t, c, "s", "hashtable")
	c.Must(resp.Int(1), "EXPIRE", "s", "1000")
	if v := c.Do("SPOP", "s", "28"); len(v.Elems) != 28 {
		t.Fatalf("SPOP 28 = %v", v)
	}
	setMustEncoding(t, c, "s", "listpack")
	c.Must(resp.Int(2), "SCARD", "s")
	if v := c.Do("TTL", "s"); v.Int <= 0 {
		t.Errorf("TTL after SPOP = %v", v)
	}
	c.Do(append([]string{"SADD", "i"}, setSeq("", 0, 30)...)...)
	c.Do("SPOP", "i", "29")
	setMustEncoding(t, c, "i", "intset")
	// Fewer taken: the encoding stays.
	c.Do(append([]string{"SADD", "h"}, setSeq("m", 0, 30)...)...)
	c.Do("SPOP", "h", "20")
	setMustEncoding(t, c, "h", "hashtable")
	c.Must(resp.Int(10), "SCARD", "h")
}

func TestSetScan(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "SSCAN", "nokey", "0")
	c.Must(resp.Array(resp.Bulk("0"), resp.Array()), "SSCAN", "nokey", "0", "bogus") // options not read
	c.Do("SADD", "small", "b", "a", "c", "ab")
	// Compact encodings answer everything at once, in their order.
	c.Must(resp.Array(resp.Bulk("0"), resp.BulkStrings("b", "a", "c", "ab")), "SSCAN", "small", "0", "COUNT", "1")
	c.Must(resp.Array(resp.Bulk("0"), resp.BulkStrings("a", "ab")), "SSCAN", "small", "123", "MATCH", "a*")
	c.Do("SADD", "ints", "3", "-1", "2")
	c.Must(resp.Array(resp.Bulk("0"), resp.BulkStrings("-1", "2", "3")), "SSCAN", "ints", "0")
	c.MustErr("ERR invalid cursor", "SSCAN", "small", "x")
	c.MustErr("ERR syntax error", "SSCAN", "small", "0", "COUNT", "0")
	c.MustErr("ERR value is not an integer or out of range", "SSCAN", "small", "0", "COUNT", "x")
	c.MustErr("ERR syntax error", "SSCAN", "small", "0", "TYPE", "set")
	c.MustErr("ERR NOVALUES option can only be used in HSCAN", "SSCAN", "small", "0", "NOVALUES")

	// A hash table is walked with the cursor. Members present for the
	// whole walk are returned, while others come and go and the table
	// grows and shrinks.
	const n = 3000
	c.Do(append([]string{"SADD", "big"}, setSeq("k", 0, n)...)...)
	setMustEncoding(t, c, "big", "hashtable")
	seen := map[string]bool{}
	cursor, steps := "0", 0
	rnd := rand.New(rand.NewPCG(1, 2))
	for {
		v := c.Do("SSCAN", "big", cursor, "COUNT", "20")
		cursor = v.Elems[0].Str
		for _, m := range v.Elems[1].Elems {
			seen[m.Str] = true
		}
		steps++
		// Churn: remove some of the upper half, add and remove others.
		c.Do("SREM", "big", "k"+strconv.Itoa(n/2+rnd.IntN(n/2)))
		if steps%2 == 0 {
			c.Do(append([]string{"SADD", "big"}, setSeq("tmp"+strconv.Itoa(steps)+"-", 0, 50)...)...)
		} else {
			c.Do(append([]string{"SREM", "big"}, setSeq("tmp"+strconv.Itoa(steps-1)+"-", 0, 50)...)...)
		}
		if cursor == "0" {
			break
		}
		if steps > 10*n {
			t.Fatal("SSCAN does not end")
		}
	}
	for i := 0; i < n/2; i++ {
		if !seen["k"+strconv.Itoa(i)] {
			t.Fatalf("SSCAN missed k%d", i)
		}
	}
	// MATCH filters after sampling.
	v := c.Do("SSCAN", "big", "0", "MATCH", "k1*", "COUNT", "100000")
	if v.Elems[0].Str != "0" {
		t.Errorf("SSCAN COUNT 100000 did not finish: cursor %s", v.Elems[0].Str)
	}
	for _, m := range v.Elems[1].Elems {
		if !strings.HasPrefix(m.Str, "k1") {
			t.Errorf("SSCAN MATCH k1* returned %q", m.Str)
		}
	}
}

func TestSetRESP3(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("HELLO", "3")
	c.Do("SADD", "s", "a")
	c.Must(resp.Set(resp.Bulk("a")), "SMEMBERS", "s")
	c.Must(resp.Set(), "SMEMBERS", "nokey")
	c.Must(resp.Set(resp.Bulk("a")), "SINTER", "s", "s")
	c.Must(resp.Set(), "SINTER", "s", "nokey")
	c.Must(resp.Set(resp.Bulk("a")), "SUNION", "s")
	c.Must(resp.Set(), "SDIFF", "s", "s")
	c.Must(resp.Array(resp.Bulk("a")), "SRANDMEMBER", "s", "5")
	c.Must(resp.Array(), "SRANDMEMBER", "nokey", "5")
	c.Must(resp.Null(), "SRANDMEMBER", "nokey")
	c.Must(resp.Set(), "SPOP", "nokey", "5")
	c.Must(resp.Null(), "SPOP", "nokey")
	c.Must(resp.Set(resp.Bulk("a")), "SPOP", "s", "5")
	c.Do("SADD", "s", "a", "b", "c")
	if v := c.Do("SPOP", "s", "2"); v.Kind != resp.KindSet || len(v.Elems) != 2 {
		t.Errorf("SPOP s 2 = %v, want a set of 2", v)
	}
}

func TestSetCopyDigest(t *testing.T) {
	_, c := newServer(t, map[string]string{"set-max-listpack-entries": "4", "enable-debug-command": "yes"})
	members := []string{"1", "2", "3"}
	c.Do(append([]string{"SADD", "i"}, members...)...) // intset
	c.Do(append([]string{"SADD", "l", "x"}, members...)...)
	c.Do("SREM", "l", "x") // listpack
	c.Do(append([]string{"SADD", "h", "x", "y", "z", "w"}, members...)...)
	c.Do("SREM", "h", "x", "y", "z", "w") // hashtable
	setMustEncoding(t, c, "i", "intset")
	setMustEncoding(t, c, "l", "listpack")
	setMustEncoding(t, c, "h", "hashtable")
	d := c.Do("DEBUG", "DIGEST-VALUE", "i", "l", "h")
	if len(d.Elems) != 3 || d.Elems[0].Str != d.Elems[1].Str || d.Elems[1].Str != d.Elems[2].Str {
		t.Errorf("digests of equal sets differ: %v", d)
	}
	for _, k := range []string{"i", "l", "h"} {
		c.Must(resp.Int(1), "COPY", k, k+"2")
		setMustEncoding(t, c, k+"2", strings.NewReplacer("i", "intset", "l", "listpack", "h", "hashtable").Replace(k))
		c.Do("SADD", k+"2", "9")
		c.Do("SREM", k+"2", "1")
		setMustMembers(t, c, k, members...)
		setMustMembers(t, c, k+"2", "2", "3", "9")
	}
}

func TestSetKeyspaceStats(t *testing.T) {
	_, c := newServer(t, nil)
	stats := func() (int64, int64) {
		info := c.Do("INFO", "stats").Str
		get := func(name string) int64 {
			i := strings.Index(info, name+":")
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.SplitN(info[i+len(name)+1:], "\r\n", 2)[0]), 10, 64)
			return n
		}
		return get("keyspace_hits"), get("keyspace_misses")
	}
	c.Do("SADD", "a", "x") // writes count nothing
	c.Do("SREM", "b", "x")
	h0, m0 := stats()
	c.Do("SISMEMBER", "a", "x")
	c.Do("SCARD", "nokey")
	c.Do("SINTER", "a", "nokey", "a")
	h1, m1 := stats()
	if h1-h0 != 3 || m1-m0 != 2 {
		t.Errorf("hits +%d misses +%d, want +3 +2", h1-h0, m1-m0)
	}
}

// TestSetMatchesRedis runs random set commands against rk and Redis 7.4,
// with small encoding limits so that conversions happen often, and
// compares the replies; members of unordered replies are compared sorted,
// and random picks only by size.
func TestSetMatchesRedis(t *testing.T) {
	real := rktest.Reference74(t)
	_, rk := newServerWith(t, memory.Options{Now: real.Clock()})
	rnd := rand.New(rand.NewPCG(7, 8))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	key := func() string { return pick("s1", "s2", "s3", "s4", "str", "nokey") }
	// s1 and s2 get mostly integers, so that intsets are common too.
	intsFor := func(k string) bool { return (k == "s1" || k == "s2") && rnd.IntN(10) > 0 }
	member := func() string {
		switch rnd.IntN(6) {
		case 0, 1:
			return strconv.Itoa(rnd.IntN(40) - 5)
		case 2:
			return pick("70000", "-70000", "5000000000", "-9223372036854775808", "9223372036854775807",
				"9223372036854775808", "01", "-0", "+3", "1.5", "")
		case 3:
			return strings.Repeat("y", 7+rnd.IntN(4))
		}
		return string(rune('a' + rnd.IntN(26)))
	}
	members := func(k string, n int) []string {
		out := make([]string, n)
		for i := range out {
			if intsFor(k) {
				out[i] = strconv.Itoa(rnd.IntN(30))
			} else {
				out[i] = member()
			}
		}
		return out
	}
	keys := func() []string {
		out := make([]string, 1+rnd.IntN(3))
		for i := range out {
			out[i] = key()
		}
		return out
	}
	var cmds [][]string
	add := func(args ...string) { cmds = append(cmds, args) }
	for _, p := range [][2]string{{"set-max-intset-entries", "12"}, {"set-max-listpack-entries", "8"}, {"set-max-listpack-value", "8"}} {
		add("CONFIG", "SET", p[0], p[1])
	}
	add("SET", "str", "x")
	for i := 0; i < 4000; i++ {
		k := key()
		switch rnd.IntN(24) {
		case 0, 1, 2, 3:
			add(append([]string{"SADD", k}, members(k, 1+rnd.IntN(4)*rnd.IntN(4))...)...)
		case 4, 5:
			add(append([]string{"SREM", k}, members(k, 1+rnd.IntN(5))...)...)
		case 6:
			add("SMOVE", k, key(), member())
		case 7:
			add(append([]string{pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), key()}, keys()...)...)
		case 8:
			add(append([]string{pick("SINTER", "SUNION", "SDIFF")}, keys()...)...)
		case 9:
			ks := keys()
			args := append([]string{"SINTERCARD", strconv.Itoa(len(ks))}, ks...)
			if rnd.IntN(2) == 0 {
				args = append(args, "LIMIT", pick("0", "1", "2", "-1"))
			}
			add(args...)
		case 10:
			add("SISMEMBER", k, member())
		case 11:
			add(append([]string{"SMISMEMBER", k}, members(k, 1+rnd.IntN(3))...)...)
		case 12:
			add("SCARD", k)
		case 13, 14:
			add("OBJECT", "ENCODING", k)
		case 15:
			add("SMEMBERS", k)
		case 16:
			add("SPOP", k, pick("0", "100", "x", "-1"))
		case 17:
			add("SRANDMEMBER", k, pick("0", "100", "1", "3", "-3", "x"))
		case 18:
			// A COUNT big enough for the whole set in one step:
			// hash tables differ in their order.
			args := []string{"SSCAN", k, pick("0", "0", "x"), "COUNT", "1000"}
			if rnd.IntN(2) == 0 {
				args = append(args, "MATCH", pick("*", "1*", "[a-c]", "2", "-*"))
			}
			add(args...)
		case 19:
			add("DEL", k)
		case 20:
			add("EXPIRE", k, "1000")
		case 21:
			add("PERSIST", k)
		case 22:
			add("TYPE", k)
		case 23:
			add("SMISMEMBER", k)
		}
	}
	unordered := map[string]bool{"SINTER": true, "SUNION": true, "SDIFF": true, "SMEMBERS": true, "SPOP": true, "SRANDMEMBER": true}
	errs := 0
	encodings := map[string]int{}
	for _, args := range cmds {
		want, got := real.Do(args...), rk.Do(args...)
		name := args[0]
		if want.IsError() {
			errs++
		}
		if name == "OBJECT" && !want.IsNull() {
			encodings[want.Str]++
		}
		switch {
		case name == "SRANDMEMBER" && !want.IsError() && !got.IsError() && args[2] != "100":
			if len(got.Elems) != len(want.Elems) || got.Kind != want.Kind {
				t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
			}
			continue
		case unordered[name] && !want.IsError() && !got.IsError():
			got.Elems = resp.BulkStrings(setMembers(t, got)...).Elems
			want.Elems = resp.BulkStrings(setMembers(t, want)...).Elems
		case name == "SSCAN" && !want.IsError() && !got.IsError():
			// A hash table's order is its own: compare the members.
			got.Elems[1].Elems = resp.BulkStrings(setMembers(t, got.Elems[1])...).Elems
			want.Elems[1].Elems = resp.BulkStrings(setMembers(t, want.Elems[1])...).Elems
		}
		if !rktest.Equal(got, want) {
			t.Errorf("%q:\n  rk    %v\n  redis %v", args, got, want)
		}
	}
	// The final contents, member by member.
	for _, k := range []string{"s1", "s2", "s3", "s4"} {
		want, got := real.Do("SMEMBERS", k), rk.Do("SMEMBERS", k)
		if !slices.Equal(setMembers(t, got), setMembers(t, want)) {
			t.Errorf("SMEMBERS %s:\n  rk    %v\n  redis %v", k, got, want)
		}
	}
	t.Logf("%d commands, %d of them answered with an error; encodings seen: %v", len(cmds), errs, encodings)
}
