package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
)

type ksEncoded string

func (e ksEncoded) objectEncoding() string { return string(e) }

func TestObjectEncodingRules(t *testing.T) {
	for _, tc := range []struct {
		val  string
		raw  bool
		want string
	}{
		{"1", false, "int"},
		{"-1", false, "int"},
		{"9223372036854775807", false, "int"},
		{"-9223372036854775808", false, "int"},
		{"9223372036854775808", false, "embstr"},
		{"01", false, "embstr"},
		{"+1", false, "embstr"},
		{" 1", false, "embstr"},
		{"", false, "embstr"},
		{"12", true, "raw"},
		{string(make([]byte, 44)), false, "embstr"},
		{string(make([]byte, 45)), false, "raw"},
	} {
		o := &object{kind: kindString, str: []byte(tc.val), raw: tc.raw}
		if got := objectEncoding(o); got != tc.want {
			t.Errorf("encoding of %q (raw %v) = %s, want %s", tc.val, tc.raw, got, tc.want)
		}
	}
	if got := objectEncoding(&object{kind: kindList, val: 42}); got != "quicklist" {
		t.Errorf("default list encoding = %s", got)
	}
	if got := objectEncoding(&object{kind: kindSet, val: ksEncoded("intset")}); got != "intset" {
		t.Errorf("encoding from objectEncoder = %s", got)
	}
}

// TestKeyspaceMemoryPerKey guards the keyspace's footprint: small string
// keys must stay near Redis's ~105 bytes of RSS per key (16-byte key,
// 3-byte value, as redis-benchmark writes them).
func TestKeyspaceMemoryPerKey(t *testing.T) {
	const n = 200_000
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := newDB(0, &stats{}, nil)
	for _, k := range keys {
		d.insert(k, &object{kind: kindString, str: append([]byte(nil), "xxx"...)})
	}
	for d.keys.rehashing() {
		d.keys.rehash(1000)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perKey := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.1f bytes of heap per key", perKey)
	if perKey > 125 {
		t.Errorf("%.1f bytes of heap per key, want at most 125", perKey)
	}
	runtime.KeepAlive(d)
	runtime.KeepAlive(keys)
}

// benchKeyspaceEngine runs pipelines of 16 GETs or SETs through an engine
// holding nKeys keys, as redis-benchmark -P 16 -r nKeys does without the
// network.
func benchKeyspaceEngine(b *testing.B, cmd string, nKeys int) {
	e, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	s, _ := e.Open(context.Background(), backend.ClientInfo{FD: -1})
	p := s.(backend.Pipeliner)
	keys := make([][]byte, nKeys)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
	}
	w := resp.NewWriter()
	val := []byte("xxx")
	for _, k := range keys {
		s.Do(context.Background(), [][]byte{[]byte("SET"), k, val}, w)
		w.Reset()
	}
	e.lock()
	for e.dbs[0].keys.rehashing() {
		e.dbs[0].keys.rehash(1000)
	}
	e.unlock()
	order := make([]int, 1<<16)
	for i := range order {
		order[i] = rand.IntN(nKeys)
	}
	const depth = 16
	batch := make([][][]byte, depth)
	for i := range batch {
		if cmd == "GET" {
			batch[i] = [][]byte{[]byte("GET"), nil}
		} else {
			batch[i] = [][]byte{[]byte("SET"), nil, val}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += depth {
		for j := range batch {
			batch[j][1] = keys[order[(i+j)&(1<<16-1)]]
		}
		p.DoPipeline(context.Background(), batch, w)
		w.Reset()
	}
}

func BenchmarkKeyspaceEngineGet1K(b *testing.B) { benchKeyspaceEngine(b, "GET", 1000) }
func BenchmarkKeyspaceEngineSet1K(b *testing.B) { benchKeyspaceEngine(b, "SET", 1000) }
func BenchmarkKeyspaceEngineGet1M(b *testing.B) { benchKeyspaceEngine(b, "GET", 1_000_000) }
func BenchmarkKeyspaceEngineSet1M(b *testing.B) { benchKeyspaceEngine(b, "SET", 1_000_000) }
