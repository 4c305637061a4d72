package memory

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// setContents lists a set value's members, sorted.
func setContents(v any) []string {
	var out []string
	setTypeForEach(v, func(m []byte) bool {
		out = append(out, string(m))
		return true
	})
	slices.Sort(out)
	return out
}

func setMapContents(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkSetTable verifies a table's invariants: every entry is reachable
// from its bucket exactly once, and the table is neither over- nor
// (after a removal) far under-full.
func checkSetTable(t *testing.T, tab *setTable) {
	t.Helper()
	if n := len(tab.buckets); n&(n-1) != 0 || n < setTableMinSize || len(tab.entries) > n {
		t.Fatalf("table of %d buckets holds %d entries", n, len(tab.entries))
	}
	seen := make([]bool, len(tab.entries))
	for b, head := range tab.buckets {
		for i := head; i != 0; i = tab.entries[i-1].next {
			e := tab.entries[i-1]
			if int(e.hash&tab.mask()) != b || e.hash != setHash([]byte(e.key)) || seen[i-1] {
				t.Fatalf("entry %d (%q) misplaced", i-1, e.key)
			}
			seen[i-1] = true
		}
	}
	for i, ok := range seen {
		if !ok {
			t.Fatalf("entry %d (%q) unreachable", i, tab.entries[i].key)
		}
	}
}

func TestSetTableAgainstMap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	tab := newSetTable(0)
	ref := map[string]bool{}
	for step := 0; step < 50000; step++ {
		k := strconv.Itoa(rnd.IntN(3000))
		switch rnd.IntN(3) {
		case 0, 1:
			if tab.add([]byte(k)) == ref[k] {
				t.Fatalf("add %s: table and map disagree", k)
			}
			ref[k] = true
		default:
			if tab.remove([]byte(k)) != ref[k] {
				t.Fatalf("remove %s: table and map disagree", k)
			}
			delete(ref, k)
		}
		if step%5000 == 0 {
			checkSetTable(t, tab)
		}
	}
	checkSetTable(t, tab)
	if !slices.Equal(setContents(tab), setMapContents(ref)) {
		t.Fatal("contents differ")
	}
	// Emptying shrinks the table back down.
	for k := range ref {
		tab.remove([]byte(k))
	}
	if len(tab.buckets) != setTableMinSize || len(tab.entries) != 0 {
		t.Errorf("empty table: %d buckets, %d entries", len(tab.buckets), len(tab.entries))
	}
}

// TestSetTableScanGuarantee: a member present for the whole walk is
// returned, while the table grows and shrinks between steps.
func TestSetTableScanGuarantee(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 2))
	for round := 0; round < 10; round++ {
		tab := newSetTable(0)
		const stable = 500
		for i := 0; i < stable; i++ {
			tab.add([]byte("s" + strconv.Itoa(i)))
		}
		seen := map[string]bool{}
		var cursor uint64
		var extra []string
		for steps := 0; ; steps++ {
			cursor = tab.scan(cursor, func(k string) { seen[k] = true })
			if cursor == 0 {
				break
			}
			// Now and then grow a lot, or shrink back.
			switch rnd.IntN(32) {
			case 0:
				for i := rnd.IntN(1500); i > 0; i-- {
					k := "t" + strconv.Itoa(rnd.IntN(1<<30))
					if tab.add([]byte(k)) {
						extra = append(extra, k)
					}
				}
			case 1:
				for _, k := range extra {
					tab.remove([]byte(k))
				}
				extra = extra[:0]
			}
			if steps > 1<<20 {
				t.Fatal("scan does not end")
			}
		}
		for i := 0; i < stable; i++ {
			if !seen["s"+strconv.Itoa(i)] {
				t.Fatalf("round %d: scan missed s%d", round, i)
			}
		}
	}
}

func TestSetIntsetWidths(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 3))
	values := []int64{0, 1, -1, math.MaxInt16, math.MinInt16, math.MaxInt16 + 1, math.MinInt16 - 1,
		math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MinInt32 - 1, math.MaxInt64, math.MinInt64}
	for round := 0; round < 200; round++ {
		s := newIntset()
		ref := map[int64]bool{}
		for i := 0; i < 60; i++ {
			var v int64
			if rnd.IntN(3) == 0 {
				v = values[rnd.IntN(len(values))]
			} else {
				v = int64(rnd.IntN(100)) - 50
			}
			if rnd.IntN(4) == 0 {
				if s.remove(v) != ref[v] {
					t.Fatalf("remove %d disagrees", v)
				}
				delete(ref, v)
			} else {
				if s.add(v) == ref[v] {
					t.Fatalf("add %d disagrees", v)
				}
				ref[v] = true
			}
		}
		var want []int64
		for v := range ref {
			want = append(want, v)
			if _, ok := s.search(v); !ok {
				t.Fatalf("%d not found", v)
			}
		}
		slices.Sort(want)
		got := make([]int64, s.len())
		for i := range got {
			got[i] = s.at(i)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("intset %v, want %v", got, want)
		}
		for _, v := range want {
			if w := intsetWidthFor(v); w > s.width {
				t.Fatalf("%d stored in width %d", v, s.width)
			}
		}
	}
}

func TestSetListpackAndRemoveAt(t *testing.T) {
	lim := setLimits{intsetCreate: 1 << 20, intsetMax: 1 << 20, lpEntries: 1 << 20, lpValue: 1 << 20}
	for _, mk := range []func() any{
		func() any { return newIntset() },
		func() any { return &setListpack{} },
		func() any { return newSetTable(0) },
	} {
		o := object{kind: kindSet, val: mk()}
		var all []string
		for i := 0; i < 300; i++ {
			m := strconv.Itoa(i * 7)
			setTypeAdd(&o, []byte(m), lim)
			all = append(all, m)
		}
		slices.Sort(all)
		idx := setSampleIndexes(300, 120)
		var removed []string
		setTypeRemoveAt(o.val, idx, func(m []byte) { removed = append(removed, string(m)) })
		if len(removed) != 120 || setTypeSize(o.val) != 180 {
			t.Fatalf("%T: removed %d, %d left", o.val, len(removed), setTypeSize(o.val))
		}
		rest := setContents(o.val)
		both := append(slices.Clone(rest), removed...)
		slices.Sort(both)
		if !slices.Equal(both, all) {
			t.Fatalf("%T: members lost or duplicated", o.val)
		}
		for _, m := range removed {
			if setTypeIsMember(o.val, []byte(m)) {
				t.Fatalf("%T: %s still a member", o.val, m)
			}
		}
	}
}

func TestSetSampleIndexes(t *testing.T) {
	for _, tc := range [][2]int{{10, 0}, {10, 1}, {10, 10}, {1000, 3}, {1000, 600}, {5, 4}} {
		counts := make([]int, tc[0])
		for r := 0; r < 2000; r++ {
			idx := setSampleIndexes(tc[0], tc[1])
			if len(idx) != tc[1] || !slices.IsSorted(idx) || len(slices.Compact(slices.Clone(idx))) != len(idx) {
				t.Fatalf("setSampleIndexes(%d, %d) = %v", tc[0], tc[1], idx)
			}
			for _, i := range idx {
				counts[i]++
			}
		}
		// Every index is about equally likely: within 35% of the mean
		// when the mean is large enough to tell.
		mean := float64(2000*tc[1]) / float64(tc[0])
		if mean < 100 {
			continue
		}
		for i, n := range counts {
			if math.Abs(float64(n)-mean) > 0.35*mean {
				t.Errorf("setSampleIndexes(%d, %d): index %d drawn %d times, mean %.0f", tc[0], tc[1], i, n, mean)
			}
		}
	}
}
