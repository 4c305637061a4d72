package memory

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"time"
	"unsafe"
)

// dict is the keyspace's hash table: keys to objects, with the properties
// SCAN and a large, changing keyspace need and a Go map cannot give.
//
//   - SCAN's guarantee. Every key present for a whole iteration is
//     returned at least once, with a plain integer cursor, while keys come
//     and go and the table grows or shrinks. The cursor walks bucket
//     indexes with the high bit incremented first (a reversed-bits
//     counter), as Redis's dictScan does: when the table doubles, bucket i
//     splits into i and i+size, which the reversed order visits next to
//     each other, and when it halves, the buckets already visited in the
//     big table fold into buckets already visited in the small one. During
//     a resize both tables are visited: the small one's bucket, then every
//     bucket of the large one that folds into it.
//   - No pause when the table resizes. Growing to 2^21 buckets must not
//     move 1M keys under the engine lock in one go, so rehashing is
//     incremental: a resize allocates the new table, and each later
//     operation moves one bucket (as Redis's _dictRehashStep does), with
//     idle databases finished off by the background tick (rehashFor).
//   - Memory. Chaining, with the chain pointer, the key, its hash and the
//     object itself in one entry, and keys up to 48 bytes stored inline:
//     one allocation per key. A bare entry is 80 bytes (a Go size class;
//     the 64-bit hash uses what would otherwise be padding, and saves
//     rehashing keys on resize and most string compares on lookup), 96
//     with a key of up to 16 bytes, and the bucket array costs 8 to 16
//     bytes per key at Redis's load factor of at most one.
//
// Lookups by []byte do not allocate. The hash is hash/maphash with a seed
// per dict, so key collisions cannot be planned from outside.
//
// Objects live inside their entries: Insert and Set copy *o in, and the
// *object that Get returns stays valid (and is the key's value) until the
// key is deleted. Entries never move in memory: rehashing relinks them.
type dict struct {
	seed maphash.Seed
	chainTables[dictEntry, *dictEntry]
}

type dictEntry struct {
	next *dictEntry
	// key is the entry's own copy of the key. Keys up to 48 bytes live in
	// the same allocation as the entry (newDictEntry), so a lookup's key
	// compare reads memory next to the entry instead of taking another
	// cache miss.
	key  string
	hash uint64
	obj  object
}

func (e *dictEntry) chainLink() **dictEntry { return &e.next }
func (e *dictEntry) chainHash() uint64      { return e.hash }

// Entries with room for the key: each is the next Go size class up from
// the bare 80-byte entry, so a short key costs what a separate 16-, 32- or
// 48-byte allocation would, in one allocation instead of two.
type (
	dictEntry16 struct {
		dictEntry
		buf [16]byte
	}
	dictEntry32 struct {
		dictEntry
		buf [32]byte
	}
	dictEntry48 struct {
		dictEntry
		buf [48]byte
	}
)

// newDictEntry allocates an entry holding a copy of key. own is key as a
// string the entry may keep instead of copying long keys; nil means copy.
func newDictEntry(key []byte, own *string) *dictEntry {
	var e *dictEntry
	var buf []byte
	switch n := len(key); {
	case n == 0:
		return &dictEntry{}
	case n <= 16:
		x := &dictEntry16{}
		e, buf = &x.dictEntry, x.buf[:n]
	case n <= 32:
		x := &dictEntry32{}
		e, buf = &x.dictEntry, x.buf[:n]
	case n <= 48:
		x := &dictEntry48{}
		e, buf = &x.dictEntry, x.buf[:n]
	default:
		e = &dictEntry{}
		if own != nil {
			e.key = *own
		} else {
			e.key = string(key)
		}
		return e
	}
	copy(buf, key)
	e.key = unsafe.String(unsafe.SliceData(buf), len(buf))
	return e
}

const dictInitialSize = 4

// dictMinFill: a table shrinks when less than 1/dictMinFill full.
const dictMinFill = 8

// dictEmptyVisits bounds the empty buckets one rehash step skips.
const dictEmptyVisits = 10

func newDict() *dict {
	d := &dict{seed: maphash.MakeSeed()}
	d.rehashIdx = -1
	return d
}

// Len is the number of keys.
func (d *dict) Len() int { return d.used[0] + d.used[1] }

func (d *dict) hashBytes(key []byte) uint64  { return maphash.Bytes(d.seed, key) }
func (d *dict) hashString(key string) uint64 { return maphash.String(d.seed, key) }

// Get returns the object at key, or nil.
func (d *dict) Get(key []byte) *object {
	if e := d.find(key); e != nil {
		return &e.obj
	}
	return nil
}

// GetString is Get for a string key.
func (d *dict) GetString(key string) *object {
	if e := d.findString(key); e != nil {
		return &e.obj
	}
	return nil
}

func (d *dict) find(key []byte) *dictEntry {
	if d.Len() == 0 {
		return nil
	}
	if d.rehashIdx >= 0 {
		d.rehashStep()
	}
	h := d.hashBytes(key)
	for t := 0; t < 2; t++ {
		tab := d.tables[t]
		i := int(h & uint64(len(tab)-1))
		if t == 0 && i < d.rehashIdx {
			// Already moved to the new table.
		} else {
			for e := tab[i]; e != nil; e = e.next {
				if e.hash == h && e.key == string(key) {
					return e
				}
			}
		}
		if d.rehashIdx < 0 {
			break
		}
	}
	return nil
}

// findString is find for a string key.
func (d *dict) findString(key string) *dictEntry {
	return d.find(bytesOfString(key))
}

// Insert adds key, which the caller knows is absent, with a copy of *o,
// and returns the stored object.
func (d *dict) Insert(key []byte, o *object) *object {
	return &d.add(newDictEntry(key, nil), d.hashBytes(key), o).obj
}

// InsertString is Insert for a string key; a long key is kept, not copied.
func (d *dict) InsertString(key string, o *object) *object {
	return &d.add(newDictEntry(bytesOfString(key), &key), d.hashString(key), o).obj
}

// Set stores a copy of *o at key, replacing any value, and returns the
// stored object and whether the key is new.
func (d *dict) Set(key []byte, o *object) (*object, bool) {
	if e := d.find(key); e != nil {
		e.obj = *o
		return &e.obj, false
	}
	return d.Insert(key, o), true
}

// add links the new entry e in, for a key with hash h.
func (d *dict) add(e *dictEntry, h uint64, o *object) *dictEntry {
	if d.rehashIdx >= 0 {
		d.rehashStep()
	} else {
		d.growIfNeeded()
	}
	t := 0
	if d.rehashIdx >= 0 {
		t = 1 // new keys go straight to the new table
	}
	tab := d.tables[t]
	i := h & uint64(len(tab)-1)
	e.next, e.hash, e.obj = tab[i], h, *o
	tab[i] = e
	d.used[t]++
	return e
}

// Delete removes key and reports whether it was there.
func (d *dict) Delete(key []byte) bool {
	if d.Len() == 0 {
		return false
	}
	if d.rehashIdx >= 0 {
		d.rehashStep()
	}
	h := d.hashBytes(key)
	for t := 0; t < 2; t++ {
		tab := d.tables[t]
		i := int(h & uint64(len(tab)-1))
		if t == 0 && i < d.rehashIdx {
			// Already moved.
		} else {
			for link := &tab[i]; *link != nil; link = &(*link).next {
				if e := *link; e.hash == h && e.key == string(key) {
					*link = e.next
					e.next = nil
					d.used[t]--
					d.shrinkIfNeeded()
					return true
				}
			}
		}
		if d.rehashIdx < 0 {
			break
		}
	}
	return false
}

// growIfNeeded starts a resize when the table is full (load factor 1).
func (d *dict) growIfNeeded() {
	if d.tables[0] == nil {
		d.tables[0] = make([]*dictEntry, dictInitialSize)
		return
	}
	if d.used[0] >= len(d.tables[0]) {
		d.resize(d.used[0] + 1)
	}
}

// chainEntry is an entry of a chainTables: a pointer to E that links to
// the next entry of its bucket and keeps its key's hash.
type chainEntry[E any] interface {
	*E
	chainLink() **E
	chainHash() uint64
}

// chainTables are the bucket arrays of a chained hash table that resizes
// incrementally, as Redis's dict does: the keyspace (dict) and a
// skiplist's member index (zslIndex). Their owner finds, links and
// unlinks entries; chainTables sizes the tables, moves entries from the
// old table to the new one a few buckets at a time, and walks them for
// SCAN. Set rehashIdx to -1 before use.
type chainTables[E any, P chainEntry[E]] struct {
	// tables[0] is the table in use; tables[1] is the one being rehashed
	// into, nil when no resize is in progress. Lengths are powers of two.
	tables [2][]P
	used   [2]int
	// rehashIdx is the next bucket of tables[0] to move, -1 when not
	// rehashing. Buckets below it are empty.
	rehashIdx int
	// pauseRehash > 0 stops rehash steps (dict.Range in progress).
	pauseRehash int
}

func (t *chainTables[E, P]) rehashing() bool { return t.rehashIdx >= 0 }

// bucketsFor is the size of a hash table for n entries (dict, zslIndex,
// setTable): the power of two at or above n, at least dictInitialSize.
func bucketsFor(n int) int {
	if n <= dictInitialSize {
		return dictInitialSize
	}
	return 1 << bits.Len(uint(n-1))
}

// shrinkIfNeeded starts a resize when the table is mostly empty.
func (t *chainTables[E, P]) shrinkIfNeeded() {
	if t.rehashIdx >= 0 || t.pauseRehash > 0 {
		return
	}
	if size := len(t.tables[0]); size > dictInitialSize && t.used[0]*dictMinFill <= size {
		t.resize(t.used[0])
	}
}

// resize starts rehashing into a table sized for n entries.
func (t *chainTables[E, P]) resize(n int) {
	size := bucketsFor(n)
	if size == len(t.tables[0]) {
		return
	}
	if t.used[0] == 0 {
		t.tables[0] = make([]P, size)
		return
	}
	t.tables[1] = make([]P, size)
	t.rehashIdx = 0
}

// rehashStep moves one bucket, as every operation does while a resize is
// in progress.
func (t *chainTables[E, P]) rehashStep() {
	if t.pauseRehash == 0 {
		t.rehash(1)
	}
}

// rehash moves up to n non-empty buckets to the new table, skipping at
// most 10*n empty ones, and reports whether rehashing is still in
// progress.
func (t *chainTables[E, P]) rehash(n int) bool {
	empty := n * dictEmptyVisits
	old, nw := t.tables[0], t.tables[1]
	mask := uint64(len(nw) - 1)
	for ; n > 0 && t.used[0] > 0; n-- {
		for old[t.rehashIdx] == nil {
			t.rehashIdx++
			if empty--; empty == 0 {
				return true
			}
		}
		for e := old[t.rehashIdx]; e != nil; {
			link := e.chainLink()
			next := P(*link)
			i := e.chainHash() & mask
			*link = (*E)(nw[i])
			nw[i] = e
			t.used[0]--
			t.used[1]++
			e = next
		}
		old[t.rehashIdx] = nil
		t.rehashIdx++
	}
	if t.used[0] == 0 {
		t.tables[0], t.tables[1] = nw, nil
		t.used[0], t.used[1] = t.used[1], 0
		t.rehashIdx = -1
		// Deletes during a shrink may call for another one.
		t.shrinkIfNeeded()
		return t.rehashIdx >= 0
	}
	return true
}

// scan calls fn for the entries of one step of a SCAN-style iteration,
// starting at cursor, and returns the cursor for the next step; 0 means
// the iteration is complete. fn must not change the table. The table
// must not be empty.
func (t *chainTables[E, P]) scan(cursor uint64, fn func(e P)) uint64 {
	visit := func(tab []P, i uint64) {
		for e := tab[i]; e != nil; e = P(*e.chainLink()) {
			fn(e)
		}
	}
	if t.rehashIdx < 0 {
		m := uint64(len(t.tables[0]) - 1)
		visit(t.tables[0], cursor&m)
		return scanNext(cursor, m)
	}
	// Visit the small table's bucket, then each bucket of the large
	// table that folds into it.
	small, large := t.tables[0], t.tables[1]
	if len(small) > len(large) {
		small, large = large, small
	}
	m0, m1 := uint64(len(small)-1), uint64(len(large)-1)
	visit(small, cursor&m0)
	for {
		visit(large, cursor&m1)
		cursor = scanNext(cursor, m1)
		if cursor&(m0^m1) == 0 {
			return cursor
		}
	}
}

// rehashFor starts a shrink the dict is due, then rehashes in batches of
// 100 buckets until done or until the time budget is spent (Redis's
// activerehashing, for databases that see few commands).
func (d *dict) rehashFor(budget time.Duration) {
	d.shrinkIfNeeded()
	if d.rehashIdx < 0 || d.pauseRehash > 0 {
		return
	}
	deadline := time.Now().Add(budget)
	for d.rehash(100) {
		if time.Now().After(deadline) {
			return
		}
	}
}

// Scan calls fn for the keys of one step of a SCAN-style iteration,
// starting at cursor, and returns the cursor for the next step; 0 means
// the iteration is complete. fn must not change the dict.
func (d *dict) Scan(cursor uint64, fn func(key string, o *object)) uint64 {
	if d.Len() == 0 {
		return 0
	}
	return d.scan(cursor, func(e *dictEntry) { fn(e.key, &e.obj) })
}

// scanNext advances a cursor over a table with mask m: set the bits above
// the mask, so the increment carries through them, and increment the
// reversed value.
func scanNext(v, m uint64) uint64 {
	v |= ^m
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}

// Random returns a key and its object chosen at random, or "" and nil when
// the dict is empty. It picks a random non-empty bucket, then a random
// entry of its chain; with short chains that is close to uniform.
func (d *dict) Random() (string, *object) {
	if d.Len() == 0 {
		return "", nil
	}
	if d.rehashIdx >= 0 {
		d.rehashStep()
	} else {
		d.shrinkIfNeeded()
	}
	var head *dictEntry
	for head == nil {
		if d.rehashIdx >= 0 {
			// Buckets below rehashIdx are empty: draw from the rest
			// of the old table and the whole new one.
			n0 := len(d.tables[0])
			i := d.rehashIdx + rand.IntN(n0+len(d.tables[1])-d.rehashIdx)
			if i < n0 {
				head = d.tables[0][i]
			} else {
				head = d.tables[1][i-n0]
			}
		} else {
			tab := d.tables[0]
			head = tab[rand.IntN(len(tab))]
		}
	}
	n := 0
	for e := head; e != nil; e = e.next {
		n++
	}
	e := head
	for k := rand.IntN(n); k > 0; k-- {
		e = e.next
	}
	return e.key, &e.obj
}

// Sample calls fn for up to n distinct keys found by walking the buckets
// from a random one, as Redis's dictGetSomeKeys does: it visits at most
// 10*n buckets, and each at most once, so a dict with no more keys than
// its buckets allow is sampled whole. fn must not change the dict.
func (d *dict) Sample(n int, fn func(key string, o *object)) {
	if d.Len() == 0 || n <= 0 {
		return
	}
	size := max(len(d.tables[0]), len(d.tables[1]))
	i := rand.IntN(size)
	got := 0
	for steps := min(size, 10*n); steps > 0 && got < n; steps-- {
		for t := 0; t < 2; t++ {
			// Buckets of tables[0] below rehashIdx are empty.
			if tab := d.tables[t]; i < len(tab) {
				for e := tab[i]; e != nil && got < n; e = e.next {
					fn(e.key, &e.obj)
					got++
				}
			}
		}
		i = (i + 1) & (size - 1)
	}
	if got == 0 {
		// A sparse table: fall back to one random key.
		fn(d.Random())
	}
}

// Range calls fn for every key until fn returns false. fn may delete the
// key it is given; keys added or deleted otherwise during Range may or may
// not be visited. Rehashing is paused meanwhile.
func (d *dict) Range(fn func(key string, o *object) bool) {
	d.pauseRehash++
	defer func() { d.pauseRehash-- }()
	for t := 0; t < 2; t++ {
		tab := d.tables[t]
		for i := range tab {
			for e := tab[i]; e != nil; {
				next := e.next
				if !fn(e.key, &e.obj) {
					return
				}
				e = next
			}
		}
	}
}

// bytesOfString views s as a byte slice without copying; the slice must
// not be written to.
func bytesOfString(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
