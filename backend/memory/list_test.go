package memory

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkList compares l with the model and checks its nodes: none empty,
// plain nodes hold one large element, and every node's listpack size is
// what its entries add up to.
func checkList(t *testing.T, l *list, model [][]byte, step string) {
	t.Helper()
	if l.count != len(model) {
		t.Fatalf("%s: count %d, model %d", step, l.count, len(model))
	}
	total := 0
	for i := 0; i < l.numNodes(); i++ {
		nd := l.node(i)
		total += int(nd.n)
		if nd.plain {
			if nd.n != 1 || nd.sz != len(nd.buf) {
				t.Fatalf("%s: plain node %d: n=%d sz=%d len=%d", step, i, nd.n, nd.sz, len(nd.buf))
			}
			continue
		}
		if l.quick() && nd.n == 0 {
			t.Fatalf("%s: empty node %d of %d", step, i, l.numNodes())
		}
		sz, n := qlPackedSize(nd.buf[nd.start:])
		if sz != nd.sz || n != int(nd.n) {
			t.Fatalf("%s: node %d: sz %d/%d n %d/%d", step, i, nd.sz, sz, nd.n, n)
		}
	}
	if total != l.count {
		t.Fatalf("%s: nodes hold %d, count %d", step, total, l.count)
	}
	if l.count == 0 {
		return
	}
	it := l.iter(0, false)
	for i, want := range model {
		got, ok := it.next()
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("%s: element %d = %.40q, want %.40q", step, i, got, want)
		}
	}
	if _, ok := it.next(); ok {
		t.Fatalf("%s: more elements than the model", step)
	}
	rit := l.iter(l.count-1, true)
	for i := len(model) - 1; i >= 0; i-- {
		got, _ := rit.next()
		if !bytes.Equal(got, model[i]) {
			t.Fatalf("%s: backwards element %d = %.40q, want %.40q", step, i, got, model[i])
		}
	}
	for k := 0; k < 5; k++ {
		i := rand.IntN(l.count)
		if got := l.index(i); !bytes.Equal(got, model[i]) {
			t.Fatalf("%s: index %d = %.40q, want %.40q", step, i, got, model[i])
		}
	}
}

// TestListStructure runs random operations on lists, against a slice
// model, under count and size fills and with small packed thresholds.
func TestListStructure(t *testing.T) {
	for _, lc := range []listConf{{fill: -2}, {fill: 3}, {fill: 1}, {fill: -1, packed: 20}, {fill: 5, packed: 8}, {fill: 128}} {
		t.Run(fmt.Sprintf("fill%d_packed%d", lc.fill, lc.packed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(uint64(lc.fill+10), uint64(lc.packed)))
			elem := func() []byte {
				switch rnd.IntN(8) {
				case 0:
					return []byte(strings.Repeat("L", rnd.IntN(10000)))
				case 1:
					return []byte(fmt.Sprint(rnd.Int64N(1<<40) - 1<<39))
				case 2:
					return []byte(strings.Repeat("m", rnd.IntN(200)))
				}
				return []byte{byte('a' + rnd.IntN(4))}
			}
			l := newList()
			var model [][]byte
			for step := 0; step < 4000; step++ {
				name := ""
				switch op := rnd.IntN(10); {
				case op < 3:
					v := elem()
					head := rnd.IntN(2) == 0
					l.growCheck(lc, len(v), 1)
					l.push(lc, v, head)
					if head {
						model = append([][]byte{v}, model...)
					} else {
						model = append(model, v)
					}
					name = "push"
				case op == 3 && len(model) > 0:
					head := rnd.IntN(2) == 0
					v := append([]byte(nil), l.pop(head)...)
					want := model[0]
					if head {
						model = model[1:]
					} else {
						want = model[len(model)-1]
						model = model[:len(model)-1]
					}
					if !bytes.Equal(v, want) {
						t.Fatalf("pop = %.40q, want %.40q", v, want)
					}
					name = "pop"
				case op == 4 && len(model) > 0:
					i, v := rnd.IntN(len(model)), elem()
					l.growCheck(lc, len(v), 1)
					l.set(lc, i, v)
					model[i] = v
					name = "set"
				case op == 5 && len(model) > 0:
					i, v, after := rnd.IntN(len(model)), elem(), rnd.IntN(2) == 0
					l.growCheck(lc, len(v), 1)
					l.insertAt(lc, i, v, after)
					if after {
						i++
					}
					model = append(model[:i], append([][]byte{v}, model[i:]...)...)
					name = "insert"
				case op == 6 && len(model) > 0:
					start := rnd.IntN(len(model))
					cnt := rnd.IntN(len(model)-start) + 1
					l.delRange(start, cnt)
					model = append(model[:start], model[start+cnt:]...)
					name = "delRange"
				case op == 7 && len(model) > 0:
					v := model[rnd.IntN(len(model))]
					v = append([]byte(nil), v...)
					limit, fromTail := rnd.IntN(3), rnd.IntN(2) == 0
					got := l.removeMatches(v, limit, fromTail)
					want := 0
					var kept [][]byte
					if fromTail {
						for i := len(model) - 1; i >= 0; i-- {
							if bytes.Equal(model[i], v) && (limit == 0 || want < limit) {
								want++
								continue
							}
							kept = append([][]byte{model[i]}, kept...)
						}
					} else {
						for _, e := range model {
							if bytes.Equal(e, v) && (limit == 0 || want < limit) {
								want++
								continue
							}
							kept = append(kept, e)
						}
					}
					if got != want {
						t.Fatalf("removeMatches = %d, want %d", got, want)
					}
					model = kept
					name = "remove"
				case op == 8:
					l.shrinkCheck(lc, rnd.IntN(2) == 0)
					name = "shrink"
				default:
					continue
				}
				if l.count == 0 {
					l = newList()
				}
				checkList(t, l, model, fmt.Sprintf("step %d (%s)", step, name))
			}
			cp := l.copyObject().(*list)
			checkList(t, cp, model, "copy")
		})
	}
}

// TestListEntryEncoding round-trips entries of every varint length.
func TestListEntryEncoding(t *testing.T) {
	var b []byte
	var vals [][]byte
	for _, n := range []int{0, 1, 127, 128, 16383, 16384, 70000} {
		v := bytes.Repeat([]byte{'z'}, n)
		vals = append(vals, v)
		b = qlAppendEntry(b, v)
	}
	off := 0
	for _, want := range vals {
		var got []byte
		got, off = qlEntryAt(b, off)
		if !bytes.Equal(got, want) {
			t.Fatalf("forward: got %d bytes, want %d", len(got), len(want))
		}
	}
	end := len(b)
	for i := len(vals) - 1; i >= 0; i-- {
		var got []byte
		got, end = qlEntryBefore(b, end)
		if !bytes.Equal(got, vals[i]) {
			t.Fatalf("backward: got %d bytes, want %d", len(got), len(vals[i]))
		}
	}
	if end != 0 {
		t.Fatalf("backward walk ended at %d", end)
	}
	// Listpack sizes, as Redis's lpBytes counts them.
	for v, want := range map[string]int{"1": 2, "127": 2, "128": 3, "-4096": 3, "32767": 4, "8388607": 5, "2147483647": 6,
		"9223372036854775807": 10, "a": 3, "007": 5, strings.Repeat("x", 63): 65, strings.Repeat("x", 64): 67,
		strings.Repeat("x", 4096): 4101 + 2} {
		if got := qlListpackBytes([]byte(v)); got != want {
			t.Errorf("qlListpackBytes(%.20q) = %d, want %d", v, got, want)
		}
	}
}
