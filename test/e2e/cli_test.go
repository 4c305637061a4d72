package e2e_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/rktest"
)

// TestRedisCLI runs the same redis-cli invocations against rk and a real
// redis-server, one after another on each, and compares what redis-cli
// prints and its exit status.
func TestRedisCLI(t *testing.T) {
	rk := startRK(t, "--save", "", "--appendonly", "no")
	ref := startRedis(t)
	steps := []struct {
		stdin string
		args  []string
	}{
		{"", []string{"PING"}},
		{"", []string{"SET", "k", "v"}},
		{"", []string{"GET", "k"}},
		{"", []string{"GET", "nope"}},
		{"", []string{"INCR", "n"}},
		{"", []string{"INCRBY", "n", "41"}},
		{"", []string{"--raw", "GET", "k"}},
		{"", []string{"--no-raw", "GET", "k"}},
		{"", []string{"--no-raw", "INCR", "n"}},
		{"", []string{"--no-raw", "GET", "nope"}},
		{"", []string{"--no-raw", "MGET", "k", "nope", "n"}},
		{"", []string{"--no-raw", "SET", "k", "v", "NX"}},
		{"", []string{"--no-raw", "EXISTS", "k", "nope"}},
		{"", []string{"--no-raw", "NOPE", "x"}},
		{"", []string{"NOPE", "x"}},
		{"", []string{"--no-raw", "GET"}},
		{"", []string{"--no-raw", "SET", "k", "v", "EX", "0"}},
		{"", []string{"--csv", "MGET", "k", "n", "nope"}},
		{"", []string{"--json", "MGET", "k", "n", "nope"}},
		{"", []string{"-3", "--no-raw", "GET", "nope"}},
		{"", []string{"-3", "--no-raw", "CONFIG", "GET", "maxmemory"}},
		{"", []string{"-3", "--json", "CONFIG", "GET", "maxmemory"}},
		{"", []string{"--no-raw", "CONFIG", "GET", "maxmemory"}},
		{"", []string{"-n", "3", "SET", "db3", "x"}},
		{"", []string{"-n", "3", "--no-raw", "DBSIZE"}},
		{"", []string{"--no-raw", "DBSIZE"}},
		{"", []string{"-n", "99", "PING"}},
		{"", []string{"-r", "3", "INCR", "r"}},
		{"", []string{"-r", "2", "--no-raw", "MGET", "r", "k"}},
		{"payload from stdin\n", []string{"-x", "SET", "x"}},
		{"", []string{"--no-raw", "GET", "x"}},
		{"", []string{"--no-raw", "GETRANGE", "x", "0", "6"}},
		{"SET a 1\nINCR a\nGET a\nMULTI\nINCR a\nEXEC\n", nil},
		{"SET sp \"a b\"\nGET sp\nECHO 'single quoted'\n", []string{"--no-raw"}},
		{"", []string{"--no-raw", "TTL", "k"}},
		{"", []string{"--no-raw", "EXPIRE", "k", "100"}},
		{"", []string{"--no-raw", "TTL", "k"}},
		{"", []string{"--no-raw", "TYPE", "k"}},
		{"", []string{"--no-raw", "OBJECT", "ENCODING", "n"}},
		{"", []string{"--no-raw", "HELLO", "4"}},
		{"", []string{"--no-raw", "FLUSHDB"}},
		{"", []string{"--no-raw", "KEYS", "*"}},
	}
	for _, s := range steps {
		got := cli(t, rk.Port, s.stdin, s.args...)
		want := cli(t, ref.Port, s.stdin, s.args...)
		if got != want {
			t.Errorf("redis-cli %q (stdin %q):\n  rk:    %v\n  redis: %v", s.args, s.stdin, got, want)
		}
	}
}

// TestRedisCLIScanAndPipe covers redis-cli's --scan and --pipe (mass
// insertion, which pipelines everything and ends with an ECHO marker).
func TestRedisCLIScanAndPipe(t *testing.T) {
	rk := startRK(t)
	ref := startRedis(t)
	var proto strings.Builder
	for i := 0; i < 2000; i++ {
		k, v := "key:"+strconv.Itoa(i), "value "+strconv.Itoa(i)
		proto.WriteString("*3\r\n$3\r\nSET\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$" + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n")
	}
	proto.WriteString("*2\r\n$3\r\nGET\r\n$5\r\nkey:7\r\n")
	proto.WriteString("*1\r\n$4\r\nNOPE\r\n")
	got := cli(t, rk.Port, proto.String(), "--pipe")
	want := cli(t, ref.Port, proto.String(), "--pipe")
	if got != want {
		t.Errorf("redis-cli --pipe:\n  rk:    %v\n  redis: %v", got, want)
	}
	if !strings.Contains(got.Stdout, "errors: 1, replies: 2002") {
		t.Errorf("redis-cli --pipe against rk: %v", got)
	}
	if got := cli(t, rk.Port, "", "--no-raw", "DBSIZE"); strings.TrimSpace(got.Stdout) != "(integer) 2000" {
		t.Errorf("DBSIZE after --pipe: %v", got)
	}

	scan := func(port int, args ...string) []string {
		r := cli(t, port, "", append([]string{"--scan"}, args...)...)
		if r.Code != 0 {
			t.Fatalf("redis-cli --scan: %v", r)
		}
		keys := strings.Fields(r.Stdout)
		sort.Strings(keys)
		return keys
	}
	if got, want := scan(rk.Port), scan(ref.Port); strings.Join(got, " ") != strings.Join(want, " ") || len(got) != 2000 {
		t.Errorf("redis-cli --scan: rk found %d keys, redis %d", len(got), len(want))
	}
	if got, want := scan(rk.Port, "--pattern", "key:1?"), scan(ref.Port, "--pattern", "key:1?"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("redis-cli --scan --pattern key:1?:\n  rk:    %q\n  redis: %q", got, want)
	}
}

// TestRedisBenchmark runs a quick redis-benchmark against rk: every test
// must report its rate and nothing may fail.
func TestRedisBenchmark(t *testing.T) {
	rk := startRK(t)
	bench := func(port int, extra ...string) result {
		args := append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-n", "2000", "-c", "10", "-q",
			"-t", "ping,set,get,incr,mset"}, extra...)
		return runTool(t, "", rktest.RedisBenchmarkPath(t), args...)
	}
	for _, extra := range [][]string{nil, {"-P", "16"}, {"-d", "1000", "-r", "100"}} {
		r := bench(rk.Port, extra...)
		if r.Code != 0 {
			t.Fatalf("redis-benchmark %q: %v", extra, r)
		}
		for _, name := range []string{"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"} {
			if !strings.Contains(r.Stdout, name+": ") || !strings.Contains(r.Stdout, "requests per second") {
				t.Errorf("redis-benchmark %q: no rate for %s in %q", extra, name, r.Stdout)
			}
		}
		if strings.Contains(r.Stdout+r.Stderr, "ERR") || strings.Contains(r.Stderr, "WARN") || strings.Contains(r.Stderr, "rror") {
			t.Errorf("redis-benchmark %q reported errors: %v", extra, r)
		}
	}
	if got := cli(t, rk.Port, "", "--no-raw", "DBSIZE"); !strings.HasPrefix(got.Stdout, "(integer) ") {
		t.Errorf("rk after redis-benchmark: %v", got)
	}
}
