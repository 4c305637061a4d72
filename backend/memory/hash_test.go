package memory

import (
	"crypto/sha1"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// hashModel is what a hashValue should hold.
type hashModel map[string]struct {
	v  string
	at int64
}

// checkHashValue compares h with the model, and the listpackex order.
func checkHashValue(t *testing.T, h *hashValue, m hashModel) {
	t.Helper()
	if h.length() != len(m) {
		t.Fatalf("length %d, model %d", h.length(), len(m))
	}
	var prev int64
	seen := 0
	h.each(func(f, v []byte, at int64) bool {
		e, ok := m[string(f)]
		if !ok || e.v != string(v) || e.at != at {
			t.Fatalf("entry %q=%q@%d, model %v (present %v)", f, v, at, e, ok)
		}
		if h.ex {
			if at != 0 && (prev == 0 && seen > 0 || at < prev) {
				t.Fatalf("listpackex out of order at %q: %d after %d", f, at, prev)
			}
			prev = at
		}
		seen++
		return true
	})
	var minAt int64
	for f, e := range m {
		v, at, ok := h.get([]byte(f))
		if !ok || string(v) != e.v || at != e.at {
			t.Fatalf("get %q = %q@%d %v, model %v", f, v, at, ok, e)
		}
		if e.at != 0 && (minAt == 0 || e.at < minAt) {
			minAt = e.at
		}
	}
	if got := h.minTTL(); got != minAt {
		t.Fatalf("minTTL %d, model %d", got, minAt)
	}
}

func TestHashValueModel(t *testing.T) {
	for _, big := range []bool{false, true} {
		rnd := rand.New(rand.NewPCG(3, 4))
		h := &hashValue{}
		if big {
			h.convert()
		} else {
			h.toEx()
		}
		m := hashModel{}
		for i := 0; i < 20000; i++ {
			f := "f" + strconv.Itoa(rnd.IntN(40))
			switch rnd.IntN(6) {
			case 0, 1:
				v := strconv.Itoa(rnd.IntN(1000)) + string(make([]byte, rnd.IntN(3)))
				keep := rnd.IntN(2) == 0
				_, existed := m[f]
				if got := h.set([]byte(f), []byte(v), keep); got != existed {
					t.Fatalf("set %q reported %v", f, got)
				}
				e := m[f]
				e.v = v
				if !keep {
					e.at = 0
				}
				m[f] = e
			case 2:
				_, existed := m[f]
				if h.del([]byte(f)) != existed {
					t.Fatalf("del %q", f)
				}
				delete(m, f)
			case 3:
				if e, ok := m[f]; ok {
					e.at = int64(1 + rnd.IntN(100))
					h.setTTL([]byte(f), e.at)
					m[f] = e
				}
			case 4:
				if e, ok := m[f]; ok {
					e.at = 0
					h.setTTL([]byte(f), 0)
					m[f] = e
				}
			case 5:
				now := int64(rnd.IntN(30))
				n := h.expireFields(now, 3)
				var due []string
				for f, e := range m {
					if e.at != 0 && e.at <= now {
						due = append(due, f)
					}
				}
				if n > 3 || n > len(due) || (n < 3 && n != len(due)) {
					t.Fatalf("expireFields(%d, 3) = %d with %d due", now, n, len(due))
				}
				for f, e := range m {
					if e.at != 0 && e.at <= now {
						if _, _, ok := h.get([]byte(f)); !ok {
							delete(m, f)
						}
					}
				}
			}
			checkHashValue(t, h, m)
		}
		if big && len(h.big.ttl) > 2*h.big.nttl+32 {
			t.Errorf("deadline heap holds %d entries for %d deadlines", len(h.big.ttl), h.big.nttl)
		}
	}
}

func TestHashValueConvertAndCopy(t *testing.T) {
	h := &hashValue{}
	for i := 0; i < 10; i++ {
		h.set([]byte("f"+strconv.Itoa(i)), []byte("v"+strconv.Itoa(i)), false)
	}
	h.toEx()
	h.setTTL([]byte("f3"), 500)
	h.setTTL([]byte("f7"), 100)
	if got := h.objectEncoding(); got != "listpackex" {
		t.Fatalf("encoding %s", got)
	}
	var keys []string
	h.each(func(f, _ []byte, _ int64) bool { keys = append(keys, string(f)); return true })
	if want := []string{"f7", "f3", "f0", "f1", "f2", "f4", "f5", "f6", "f8", "f9"}; !slices.Equal(keys, want) {
		t.Fatalf("order %v, want %v", keys, want)
	}
	digest := func(h *hashValue) string {
		s := sha1.New()
		h.digestObject(s)
		return string(s.Sum(nil))
	}
	compact := digest(h)
	c := h.copyObject().(*hashValue)
	h.convert()
	if got := h.objectEncoding(); got != "hashtable" {
		t.Fatalf("encoding %s", got)
	}
	if digest(h) != compact {
		t.Error("digest depends on the layout")
	}
	if at := h.minTTL(); at != 100 {
		t.Errorf("minTTL after convert = %d", at)
	}
	// The copy is independent.
	c.set([]byte("f0"), []byte("changed"), false)
	if v, _, _ := h.get([]byte("f0")); string(v) != "v0" {
		t.Errorf("original changed through its copy: %q", v)
	}
	bc := h.copyObject().(*hashValue)
	bc.del([]byte("f1"))
	if _, _, ok := h.get([]byte("f1")); !ok {
		t.Error("big original changed through its copy")
	}
	if digest(c) == compact {
		t.Error("digest ignores values")
	}
}

func TestHashBigScanCursor(t *testing.T) {
	b := &hashValue{}
	b.convert()
	for i := 0; i < 100; i++ {
		b.set([]byte(strconv.Itoa(i)), nil, false)
	}
	seen := map[string]int{}
	cursor := uint64(0)
	for steps := 0; ; steps++ {
		cursor = b.big.scan(cursor, 7, func(e *hashEntry) { seen[e.field]++ })
		if cursor == 0 {
			break
		}
		// Delete some fields and add others between steps.
		b.del([]byte(strconv.Itoa(50 + steps)))
		b.set([]byte("new"+strconv.Itoa(steps)), nil, false)
	}
	for i := 0; i < 50; i++ {
		if seen[strconv.Itoa(i)] == 0 {
			t.Fatalf("field %d never returned", i)
		}
	}
	// A cursor past the end starts from the last entry.
	n := 0
	if c := b.big.scan(1<<40, 1000, func(*hashEntry) { n++ }); c != 0 || n != b.length() {
		t.Errorf("scan from a huge cursor: cursor %d, %d of %d entries", c, n, b.length())
	}
}

func TestHashExpiryQueueCompacts(t *testing.T) {
	x := newExpireTestEngine(t)
	x.e.expireOn.Store(false)
	for i := 0; i < 500; i++ {
		k := "h" + strconv.Itoa(i%10)
		x.do("HSET", k, "f", "v")
		x.do("HEXPIREAT", k, strconv.Itoa(1_800_000_000+i), "FIELDS", "1", "f")
		x.do("HEXPIREAT", k, strconv.Itoa(1_800_000_000-i), "FIELDS", "1", "f")
		if i%3 == 0 {
			x.do("DEL", k)
		}
	}
	x.e.lock()
	defer x.e.unlock()
	d := x.e.dbs[0]
	if n := len(d.hexpires.q); n > 200 {
		t.Errorf("queue holds %d entries for 10 hashes", n)
	}
	if n := d.subexpiry(); n > 10 {
		t.Errorf("subexpiry %d", n)
	}
}
