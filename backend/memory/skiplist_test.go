package memory

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// zsetModel is the obvious sorted set the real ones are checked against.
type zsetModel map[string]float64

func (m zsetModel) sorted() []zentry {
	out := make([]zentry, 0, len(m))
	for k, v := range m {
		out = append(out, zentry{k, v})
	}
	slices.SortFunc(out, func(a, b zentry) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		}
		return strings.Compare(a.member, b.member)
	})
	return out
}

// checkZset verifies z's invariants and contents against m.
func checkZset(t *testing.T, z *zset, m zsetModel) {
	t.Helper()
	want := m.sorted()
	if z.len() != len(want) {
		t.Fatalf("len %d, want %d", z.len(), len(want))
	}
	i := 0
	z.each(func(member string, score float64) bool {
		if member != want[i].member || score != want[i].score {
			t.Fatalf("entry %d = %q %v, want %q %v", i, member, score, want[i].member, want[i].score)
		}
		i++
		return true
	})
	for r, e := range want {
		if m2, s := z.at(z.seek(r)); m2 != e.member || s != e.score {
			t.Fatalf("seek(%d) = %q %v, want %q", r, m2, s, e.member)
		}
		rank, s, ok := z.rank(e.member)
		if !ok || rank != r || s != e.score {
			t.Fatalf("rank(%q) = %d %v %v, want %d", e.member, rank, s, ok, r)
		}
	}
	if sl := z.sl; sl != nil {
		if sl.index.len() != sl.length {
			t.Fatalf("index holds %d members, list %d", sl.index.len(), sl.length)
		}
		// Spans: each level's spans add up to the length.
		for l := 0; l < sl.level; l++ {
			total := 0
			for x := sl.header; x != nil; x = x.level[l].forward {
				if x.level[l].forward != nil {
					total += x.level[l].span
				}
			}
			var last int
			if sl.tail != nil {
				last = sl.rankOf(sl.tail)
			}
			if total > last {
				t.Fatalf("level %d spans add to %d, past the tail's rank %d", l, total, last)
			}
		}
		// Backward links mirror forward ones.
		var prev *zslNode
		for x := sl.first(); x != nil; x = x.level[0].forward {
			if x.backward != prev {
				t.Fatalf("backward link of %q broken", x.member)
			}
			prev = x
		}
		if sl.tail != prev {
			t.Fatal("tail is not the last node")
		}
	}
}

func TestZsetRandomOps(t *testing.T) {
	for _, lim := range []zsetLimits{{128, 64}, {0, 0}, {16, 8}} {
		t.Run(fmt.Sprintf("entries=%d", lim.maxEntries), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(1, uint64(lim.maxEntries)))
			z := newZset(0, 0, lim)
			m := zsetModel{}
			scores := []float64{0, 1, 2, 2.5, -1, math.Inf(1), math.Inf(-1), 1e300}
			for i := 0; i < 20000; i++ {
				member := fmt.Sprint(rnd.IntN(300))
				if rnd.IntN(10) == 0 {
					member = strings.Repeat("x", rnd.IntN(20))
				}
				switch rnd.IntN(6) {
				case 0, 1, 2:
					s := scores[rnd.IntN(len(scores))]
					if rnd.IntN(2) == 0 {
						s = float64(rnd.IntN(50))
					}
					out, _ := z.add(member, s, 0, lim)
					_, had := m[member]
					if had != (out&zaddAdded == 0) {
						t.Fatalf("add %q: out %b, model had it: %v", member, out, had)
					}
					m[member] = s
				case 3:
					if z.del(member) != (func() bool { _, ok := m[member]; return ok })() {
						t.Fatalf("del %q disagrees", member)
					}
					delete(m, member)
				case 4:
					if z.len() > 0 {
						a := rnd.IntN(z.len())
						b := a + rnd.IntN(4)
						b = min(b, z.len()-1)
						want := m.sorted()
						for _, e := range want[a : b+1] {
							delete(m, e.member)
						}
						if n := z.deleteRanks(a, b); n != b-a+1 {
							t.Fatalf("deleteRanks(%d, %d) = %d", a, b, n)
						}
					}
				case 5:
					out, ns := z.add(member, 1, zaddIncr, lim)
					if out&zaddNaN == 0 {
						m[member] = ns
					}
				}
				if i%97 == 0 {
					checkZset(t, z, m)
				}
			}
			checkZset(t, z, m)
			cp := z.copyObject().(*zset)
			checkZset(t, cp, m)
		})
	}
}

func TestZslIndexScanSeesEveryMember(t *testing.T) {
	z := &zset{sl: newZskiplist(0)}
	for i := 0; i < 1000; i++ {
		z.sl.insert(float64(i), fmt.Sprint(i))
	}
	seen := map[string]bool{}
	cursor := uint64(0)
	steps := 0
	for {
		cursor = z.sl.index.scan(cursor, func(n *zslNode) { seen[n.member] = true })
		steps++
		// Grow and shrink the set while the scan runs: members added
		// or deleted may or may not be seen, the others must be.
		if steps%3 == 0 {
			for i := 0; i < 200; i++ {
				z.sl.insert(float64(i), fmt.Sprintf("tmp%d-%d", steps, i))
			}
		}
		if steps%5 == 0 {
			for x := z.sl.first(); x != nil; {
				next := x.level[0].forward
				if strings.HasPrefix(x.member, "tmp") {
					z.sl.remove(x)
				}
				x = next
			}
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 1000; i++ {
		if !seen[fmt.Sprint(i)] {
			t.Fatalf("member %d never returned", i)
		}
	}
}

func TestStrtod(t *testing.T) {
	for _, tc := range []struct {
		in     string
		v      float64
		n      int
		erange bool
	}{
		{"1.5", 1.5, 3, false},
		{" 1", 1, 2, false},
		{"", 0, 0, false},
		{"(", 0, 0, false},
		{"1e", 1, 1, false},
		{"1e+", 1, 1, false},
		{"0x10", 16, 4, false},
		{"0x", 0, 1, false},
		{"0x1p3", 8, 5, false},
		{"-inf", math.Inf(-1), 4, false},
		{"Infinity", math.Inf(1), 8, false},
		{"infinit", math.Inf(1), 3, false},
		{"1e400", math.Inf(1), 5, true},
		{"1e-400", 0, 6, true},
		{"0e-400", 0, 6, false},
		{".5", 0.5, 2, false},
		{"5.", 5, 2, false},
		{"1_000", 1, 1, false},
		{"+.5e1x", 5, 5, false},
	} {
		v, n, erange := strtod([]byte(tc.in))
		if v != tc.v || n != tc.n || erange != tc.erange {
			t.Errorf("strtod(%q) = %v %d %v, want %v %d %v", tc.in, v, n, erange, tc.v, tc.n, tc.erange)
		}
	}
	if v, n, _ := strtod([]byte("nan(abc)x")); !math.IsNaN(v) || n != 8 {
		t.Errorf("strtod(nan(abc)x) = %v %d", v, n)
	}
}

func TestAppendScoreG(t *testing.T) {
	for f, want := range map[float64]string{
		1.1:                  "1.1000000000000001",
		1:                    "1",
		1e17:                 "1e+17",
		1e16:                 "10000000000000000",
		0.1:                  "0.10000000000000001",
		1e-5:                 "1.0000000000000001e-05",
		math.Inf(-1):         "-inf",
		math.Copysign(0, -1): "-0",
		123456789.123:        "123456789.123",
	} {
		if got := string(appendScoreG(nil, f)); got != want {
			t.Errorf("appendScoreG(%v) = %q, want %q", f, got, want)
		}
	}
}
