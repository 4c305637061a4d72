package memory

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

func dictKey(i int) []byte { return []byte("key:" + strconv.Itoa(i)) }

// checkDict compares d with the reference map and checks its invariants.
func checkDict(t *testing.T, d *dict, ref map[string]int) {
	t.Helper()
	if d.Len() != len(ref) {
		t.Fatalf("Len = %d, want %d", d.Len(), len(ref))
	}
	n := 0
	d.Range(func(k string, o *object) bool {
		n++
		want, ok := ref[k]
		if !ok {
			t.Fatalf("Range: unexpected key %q", k)
		}
		if string(o.str) != strconv.Itoa(want) {
			t.Fatalf("Range: %q = %q, want %d", k, o.str, want)
		}
		return true
	})
	if n != len(ref) {
		t.Fatalf("Range visited %d keys, want %d", n, len(ref))
	}
	for k, v := range ref {
		o := d.Get([]byte(k))
		if o == nil || string(o.str) != strconv.Itoa(v) {
			t.Fatalf("Get(%q) = %v, want %d", k, o, v)
		}
	}
	for t0 := 0; t0 < 2; t0++ {
		for i, e := range d.tables[t0] {
			for ; e != nil; e = e.next {
				if int(e.hash&uint64(len(d.tables[t0])-1)) != i {
					t.Fatalf("key %q in bucket %d of table %d, hash says %d", e.key, i, t0, e.hash&uint64(len(d.tables[t0])-1))
				}
				if t0 == 0 && d.rehashIdx > i {
					t.Fatalf("key %q in bucket %d, below rehashIdx %d", e.key, i, d.rehashIdx)
				}
			}
		}
	}
}

func strObj(v int) *object { return &object{kind: kindString, str: []byte(strconv.Itoa(v))} }

func TestDictAgainstMap(t *testing.T) {
	d := newDict()
	ref := map[string]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 40000; round++ {
		k := dictKey(r.IntN(3000))
		switch op := r.IntN(10); {
		case op < 5:
			v := r.IntN(1000)
			_, added := d.Set(k, strObj(v))
			_, had := ref[string(k)]
			if added == had {
				t.Fatalf("Set(%q) added = %v, key existed = %v", k, added, had)
			}
			ref[string(k)] = v
		case op < 9:
			_, had := ref[string(k)]
			if got := d.Delete(k); got != had {
				t.Fatalf("Delete(%q) = %v, want %v", k, got, had)
			}
			delete(ref, string(k))
		default:
			o := d.Get(k)
			v, had := ref[string(k)]
			if (o != nil) != had || (had && string(o.str) != strconv.Itoa(v)) {
				t.Fatalf("Get(%q) = %v, want %v %v", k, o, v, had)
			}
		}
		if round%1000 == 0 {
			checkDict(t, d, ref)
		}
	}
	checkDict(t, d, ref)
	// Empty it: the table shrinks back.
	for k := range ref {
		d.Delete([]byte(k))
	}
	for d.rehashing() {
		d.rehash(100)
	}
	if d.Len() != 0 || len(d.tables[0]) > dictInitialSize {
		t.Errorf("after deleting everything: Len %d, table size %d", d.Len(), len(d.tables[0]))
	}
}

func TestDictGrowsAndShrinksIncrementally(t *testing.T) {
	d := newDict()
	for i := 0; i < 1000; i++ {
		d.Insert(dictKey(i), strObj(i))
	}
	if len(d.tables[0])+len(d.tables[1]) < 1000 {
		t.Fatalf("tables %d+%d for 1000 keys", len(d.tables[0]), len(d.tables[1]))
	}
	sawRehash := false
	for i := 0; i < 990; i++ {
		d.Delete(dictKey(i))
		sawRehash = sawRehash || d.rehashing()
	}
	if !sawRehash {
		t.Error("deleting 99% of the keys never started a shrink")
	}
	for i := 0; i < 100; i++ {
		d.Get(dictKey(0)) // every operation moves a bucket
	}
	if d.rehashing() || len(d.tables[0]) > 16 {
		t.Errorf("rehashing %v, size %d for %d keys", d.rehashing(), len(d.tables[0]), d.Len())
	}
	for i := 990; i < 1000; i++ {
		if o := d.Get(dictKey(i)); o == nil || string(o.str) != strconv.Itoa(i) {
			t.Fatalf("key %d lost", i)
		}
	}
}

// scanAll runs a whole SCAN iteration; between steps it calls between.
func scanAll(t *testing.T, d *dict, between func(step int)) map[string]int {
	t.Helper()
	seen := map[string]int{}
	cursor := uint64(0)
	for step := 0; ; step++ {
		cursor = d.Scan(cursor, func(k string, _ *object) { seen[k]++ })
		if cursor == 0 {
			return seen
		}
		if step > 1<<22 {
			t.Fatal("scan does not terminate")
		}
		if between != nil {
			between(step)
		}
	}
}

func TestDictScanPlain(t *testing.T) {
	d := newDict()
	if got := d.Scan(0, func(string, *object) { t.Fatal("visited a key of an empty dict") }); got != 0 {
		t.Fatalf("Scan of an empty dict = %d", got)
	}
	for i := 0; i < 1000; i++ {
		d.Insert(dictKey(i), strObj(i))
	}
	for d.rehashing() {
		d.rehash(1)
	}
	seen := scanAll(t, d, nil)
	if len(seen) != 1000 {
		t.Fatalf("scan saw %d keys, want 1000", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("stable table: %q returned %d times", k, n)
		}
	}
}

// TestDictScanGuarantee checks SCAN's promise while the table grows,
// shrinks and rehashes between steps: every key present for the whole
// iteration is returned.
func TestDictScanGuarantee(t *testing.T) {
	resizes := map[bool]int{} // growing or shrinking → steps seen mid-resize
	for seed := uint64(0); seed < 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		d := newDict()
		stable := 50 + r.IntN(300)
		for i := 0; i < stable; i++ {
			d.Insert(dictKey(i), strObj(i))
		}
		next := 1000000
		var churn [][]byte
		mode := seed % 3 // 0 grow, 1 shrink, 2 both
		if mode != 0 {
			for i := 0; i < 2000; i++ {
				k := dictKey(next)
				next++
				d.Insert(k, strObj(0))
				churn = append(churn, k)
			}
		}
		seen := scanAll(t, d, func(step int) {
			if d.rehashing() {
				resizes[len(d.tables[1]) > len(d.tables[0])]++
			}
			// A few changes per bucket visited: more and a growing
			// table outruns the cursor for a very long time.
			for j := 0; j < r.IntN(4); j++ {
				grow := mode == 0 || (mode == 2 && step%20 < 10)
				if grow || len(churn) == 0 {
					k := dictKey(next)
					next++
					d.Insert(k, strObj(0))
					churn = append(churn, k)
				} else {
					i := r.IntN(len(churn))
					d.Delete(churn[i])
					churn[i] = churn[len(churn)-1]
					churn = churn[:len(churn)-1]
				}
			}
		})
		for i := 0; i < stable; i++ {
			if seen[string(dictKey(i))] == 0 {
				t.Fatalf("seed %d: key %d present throughout was not returned", seed, i)
			}
		}
	}
	if resizes[true] == 0 || resizes[false] == 0 {
		t.Errorf("iterations never crossed a resize: growing %d, shrinking %d steps", resizes[true], resizes[false])
	}
}

// TestDictScanDuringRehash starts iterations with a resize in progress in
// both directions.
func TestDictScanDuringRehash(t *testing.T) {
	for _, shrink := range []bool{false, true} {
		d := newDict()
		n := 64
		if shrink {
			n = 4096
		}
		for i := 0; i < n; i++ {
			d.Insert(dictKey(i), strObj(i))
		}
		for d.rehashing() {
			d.rehash(1)
		}
		if shrink {
			for i := 64; i < n; i++ {
				d.Delete(dictKey(i))
			}
		} else {
			d.pauseRehash++ // hold the resize open
			for i := 64; i < 200; i++ {
				d.Insert(dictKey(i), strObj(i))
			}
			d.pauseRehash--
		}
		if !d.rehashing() {
			t.Fatalf("shrink %v: not rehashing", shrink)
		}
		keep := 64
		seen := scanAll(t, d, func(int) { d.Get(dictKey(0)) })
		for i := 0; i < keep; i++ {
			if seen[string(dictKey(i))] == 0 {
				t.Fatalf("shrink %v: key %d missed", shrink, i)
			}
		}
	}
}

func TestDictRandom(t *testing.T) {
	d := newDict()
	if k, o := d.Random(); k != "" || o != nil {
		t.Fatal("Random of an empty dict")
	}
	const n = 50
	for i := 0; i < n; i++ {
		d.Insert(dictKey(i), strObj(i))
	}
	counts := map[string]int{}
	const draws = 50000
	for i := 0; i < draws; i++ {
		k, o := d.Random()
		if o == nil || string(o.str) != k[len("key:"):] {
			t.Fatalf("Random returned %q %v", k, o)
		}
		counts[k]++
	}
	if len(counts) != n {
		t.Fatalf("Random reached %d of %d keys", len(counts), n)
	}
	for k, c := range counts {
		// Expected 1000 each; chains make it uneven but not wildly so.
		if c < 250 || c > 4000 {
			t.Errorf("key %s drawn %d times of %d", k, c, draws)
		}
	}
}

func TestDictRangeDeleteCurrent(t *testing.T) {
	d := newDict()
	for i := 0; i < 500; i++ {
		d.Insert(dictKey(i), strObj(i))
	}
	visited := 0
	d.Range(func(k string, _ *object) bool {
		visited++
		if !d.Delete([]byte(k)) {
			t.Fatalf("delete %q failed", k)
		}
		return true
	})
	if visited != 500 || d.Len() != 0 {
		t.Fatalf("visited %d, %d left", visited, d.Len())
	}
	stop := 0
	d.Insert(dictKey(1), strObj(1))
	d.Insert(dictKey(2), strObj(2))
	d.Range(func(string, *object) bool { stop++; return false })
	if stop != 1 {
		t.Fatalf("Range went on after false: %d calls", stop)
	}
}

func TestDictObjectsStayPut(t *testing.T) {
	d := newDict()
	o := d.Insert([]byte("k"), strObj(1))
	for i := 0; i < 10000; i++ { // several resizes
		d.Insert(dictKey(i), strObj(i))
	}
	if d.Get([]byte("k")) != o {
		t.Fatal("the stored object moved during rehashing")
	}
	if p, added := d.Set([]byte("k"), strObj(2)); p != o || added || string(o.str) != "2" {
		t.Fatal("Set did not overwrite in place")
	}
}

func TestDictAllocs(t *testing.T) {
	d := newDict()
	for i := 0; i < 1000; i++ {
		d.Insert(dictKey(i), strObj(i))
	}
	for d.rehashing() {
		d.rehash(100)
	}
	k := dictKey(500)
	if n := testing.AllocsPerRun(1000, func() { d.Get(k) }); n != 0 {
		t.Errorf("Get allocates %v times", n)
	}
	miss := []byte("missing")
	if n := testing.AllocsPerRun(1000, func() { d.Get(miss) }); n != 0 {
		t.Errorf("Get of a missing key allocates %v times", n)
	}
	o := object{kind: kindString}
	nk := []byte("newkey")
	if n := testing.AllocsPerRun(1000, func() {
		d.Insert(nk, &o)
		d.Delete(nk)
	}); n > 2 {
		t.Errorf("Insert allocates %v times, want the entry and the key", n)
	}
}

// Benchmarks: the dict against a Go map holding *object, as db.keys was.

// benchKeys keys spread over a few MB: larger than the caches near the
// core, as a real keyspace is.
const benchKeys = 1 << 16

func benchKeyList() [][]byte {
	keys := make([][]byte, benchKeys)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i*7919))
	}
	return keys
}

func BenchmarkDictGet(b *testing.B) {
	keys := benchKeyList()
	d := newDict()
	for i, k := range keys {
		d.Insert(k, strObj(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		n += len(d.Get(keys[i&(benchKeys-1)]).str) // GET reads the value
	}
	if n == 0 {
		b.Fatal("no values")
	}
}

func BenchmarkMapGet(b *testing.B) {
	keys := benchKeyList()
	m := map[string]*object{}
	for i, k := range keys {
		m[string(k)] = strObj(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		n += len(m[string(keys[i&(benchKeys-1)])].str)
	}
	if n == 0 {
		b.Fatal("no values")
	}
}

// Insert and delete: each op inserts a key, and deletes it again once the
// table holds benchKeys keys, so the size stays bounded.
func BenchmarkDictInsertDelete(b *testing.B) {
	keys := benchKeyList()
	d := newDict()
	o := object{kind: kindString}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&(benchKeys-1)]
		if (i/benchKeys)&1 == 0 {
			d.Insert(k, &o)
		} else {
			d.Delete(k)
		}
	}
}

func BenchmarkMapInsertDelete(b *testing.B) {
	keys := benchKeyList()
	m := map[string]*object{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&(benchKeys-1)]
		if (i/benchKeys)&1 == 0 {
			v := &object{kind: kindString}
			m[string(k)] = v
		} else {
			delete(m, string(k))
		}
	}
}

func BenchmarkDictDelete(b *testing.B) {
	keys := benchKeyList()
	d := newDict()
	o := object{kind: kindString}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		k := keys[i&(benchKeys-1)]
		if i&(benchKeys-1) == 0 {
			b.StopTimer()
			for _, k := range keys {
				d.Insert(k, &o)
			}
			b.StartTimer()
		}
		d.Delete(k)
	}
}

func BenchmarkMapDelete(b *testing.B) {
	keys := benchKeyList()
	m := map[string]*object{}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		k := keys[i&(benchKeys-1)]
		if i&(benchKeys-1) == 0 {
			b.StopTimer()
			for _, k := range keys {
				m[string(k)] = &object{kind: kindString}
			}
			b.StartTimer()
		}
		delete(m, string(k))
	}
}
