package memory

import (
	"encoding/binary"
	"hash"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/rk-redis/rk/internal/resp"
)

// Set values. A set lives in object.val as one of three representations,
// named as OBJECT ENCODING reports them and converted under Redis 7.4's
// rules (t_set.c):
//
//   - *intset ("intset"): sorted distinct integers, two, four or eight
//     bytes each, while every member is an integer (string2ll's canonical
//     form) and there are at most set-max-intset-entries of them.
//   - *setListpack ("listpack"): the members packed in one byte slice in
//     insertion order, while there are at most set-max-listpack-entries of
//     them and none is longer than set-max-listpack-value.
//   - *setTable ("hashtable"): a chained hash table for everything else.
//
// Conversions only go towards the hash table when members are added; only
// SINTERSTORE (an all-integer result) and SPOP (a set rebuilt from the few
// members it keeps) produce a smaller encoding, as in Redis.
//
// The setType* functions below work on any representation; handlers use
// them rather than the types themselves. Members they hand out ([]byte)
// stay valid until the set changes.

// setLimits are the encoding thresholds, read from the configuration
// once per command.
type setLimits struct {
	// intsetCreate is set-max-intset-entries as setTypeCreate and
	// setTypeMaybeConvert read it; intsetMax is the same value capped at
	// 2^30, as an intset's growth is.
	intsetCreate, intsetMax int64
	lpEntries, lpValue      int64
}

func (c *client) setLimits() setLimits {
	cfg := c.e.cfg
	return setLimits{
		intsetCreate: cfg.setMaxIntsetEntries,
		intsetMax:    min(cfg.setMaxIntsetEntries, 1<<30),
		lpEntries:    cfg.setMaxListpackEntries,
		lpValue:      cfg.setMaxListpackValue,
	}
}

// lpMaxSafety is the largest listpack Redis builds (1GB): a member that
// would take a listpack past it goes to a hash table instead.
const lpMaxSafety = 1 << 30

// setTypeCreate returns an empty set suited to hint members, the first of
// which is first: an intset when first is an integer and hint fits one, a
// listpack when hint fits one, otherwise a hash table sized for hint.
func setTypeCreate(first []byte, hint int64, lim setLimits) any {
	if _, ok := resp.ParseInt(first); ok && hint <= lim.intsetCreate {
		return newIntset()
	}
	if hint <= lim.lpEntries {
		return &setListpack{}
	}
	return newSetTable(int(min(hint, 1<<30)))
}

// setTypeMaybeConvert turns o into a hash table ahead of adding hint
// members when hint alone exceeds its encoding's limit.
func setTypeMaybeConvert(o *object, hint int64, lim setLimits) {
	switch s := o.val.(type) {
	case *setListpack:
		if hint > lim.lpEntries {
			o.val = setToTable(s, int(min(hint, 1<<30)))
		}
	case *intset:
		if hint > lim.intsetCreate {
			o.val = setToTable(s, int(min(hint, 1<<30)))
		}
	}
}

// setTypeAdd adds m to the set in o, converting it when m does not fit its
// encoding, and reports whether m is new.
func setTypeAdd(o *object, m []byte, lim setLimits) bool {
	switch s := o.val.(type) {
	case *setTable:
		return s.add(m)
	case *setListpack:
		if _, _, found := s.find(m); found {
			return false
		}
		if int64(s.n) < lim.lpEntries && int64(len(m)) <= lim.lpValue && len(s.data)+len(m)+10 <= lpMaxSafety {
			s.push(m)
			return true
		}
		t := setToTable(s, s.n+1)
		t.add(m)
		o.val = t
		return true
	case *intset:
		if v, ok := resp.ParseInt(m); ok {
			if !s.add(v) {
				return false
			}
			if int64(s.len()) > lim.intsetMax {
				o.val = setToTable(s, s.len())
			}
			return true
		}
		// A string member: a listpack if the members, the new one and
		// the integers already there (as text), fit one.
		n := s.len()
		maxLen := 0
		if n > 0 {
			maxLen = max(intsetDigits(s.at(0)), intsetDigits(s.at(n-1)))
		}
		if int64(n) < lim.lpEntries && int64(len(m)) <= lim.lpValue && int64(maxLen) <= lim.lpValue &&
			n*(maxLen+2)+len(m) <= lpMaxSafety {
			lp := intsetToListpack(s)
			lp.push(m)
			o.val = lp
			return true
		}
		t := setToTable(s, n+1)
		t.add(m)
		o.val = t
		return true
	}
	panic("memory: not a set value")
}

// setTypeRemove removes m from the set v and reports whether it was there.
// Removing never changes the encoding.
func setTypeRemove(v any, m []byte) bool {
	switch s := v.(type) {
	case *setTable:
		return s.remove(m)
	case *setListpack:
		off, end, found := s.find(m)
		if found {
			s.cut(off, end)
		}
		return found
	case *intset:
		if n, ok := resp.ParseInt(m); ok {
			return s.remove(n)
		}
		return false
	}
	panic("memory: not a set value")
}

// setTypeIsMember reports whether m is in the set v.
func setTypeIsMember(v any, m []byte) bool {
	switch s := v.(type) {
	case *setTable:
		return s.find(m) >= 0
	case *setListpack:
		_, _, found := s.find(m)
		return found
	case *intset:
		if n, ok := resp.ParseInt(m); ok {
			_, found := s.search(n)
			return found
		}
		return false
	}
	panic("memory: not a set value")
}

// setTypeSize is the number of members of the set v.
func setTypeSize(v any) int {
	switch s := v.(type) {
	case *setTable:
		return len(s.entries)
	case *setListpack:
		return s.n
	case *intset:
		return s.len()
	}
	panic("memory: not a set value")
}

// setTypeForEach calls fn for each member of the set v until fn returns
// false. fn must not change the set. The members handed to fn stay valid
// until the set changes, so they can be kept for the reply.
func setTypeForEach(v any, fn func(m []byte) bool) {
	switch s := v.(type) {
	case *setTable:
		for i := range s.entries {
			if !fn(bytesOfString(s.entries[i].key)) {
				return
			}
		}
	case *setListpack:
		for off := 0; off < len(s.data); {
			m, end := s.entry(off)
			if !fn(m) {
				return
			}
			off = end
		}
	case *intset:
		var a intsetArena
		for i, n := 0, s.len(); i < n; i++ {
			if !fn(a.format(s.at(i), n-i)) {
				return
			}
		}
	default:
		panic("memory: not a set value")
	}
}

// setTypeAt is the member at index i of the set v (0 ≤ i < size), in the
// order setTypeForEach visits them. buf may hold an integer's text.
func setTypeAt(v any, i int, buf []byte) []byte {
	switch s := v.(type) {
	case *setTable:
		return bytesOfString(s.entries[i].key)
	case *setListpack:
		return s.at(i)
	case *intset:
		return strconv.AppendInt(buf[:0], s.at(i), 10)
	}
	panic("memory: not a set value")
}

// setTypeRandom is a member of the non-empty set v chosen uniformly at
// random. buf may hold an integer's text.
func setTypeRandom(v any, buf []byte) []byte {
	return setTypeAt(v, rand.IntN(setTypeSize(v)), buf)
}

// setTypeRemoveAt removes the members at the ascending indexes idx from
// the set v in one pass, calling fn with each before it goes (for intsets
// with text valid only during the call).
func setTypeRemoveAt(v any, idx []int, fn func(m []byte)) {
	switch s := v.(type) {
	case *setTable:
		// Highest index first: removal moves the last entry into the
		// hole, and the last entry is never one still to remove.
		for j := len(idx) - 1; j >= 0; j-- {
			fn(bytesOfString(s.entries[idx[j]].key))
			s.removeAt(idx[j])
		}
	case *setListpack:
		out := s.data[:0]
		next := 0
		for i, off := 0, 0; off < len(s.data); i++ {
			m, end := s.entry(off)
			if next < len(idx) && idx[next] == i {
				fn(m)
				next++
			} else {
				// Moving left over entries already read is safe.
				out = append(out, s.data[off:end]...)
			}
			off = end
		}
		s.data = out
		s.n -= len(idx)
	case *intset:
		var buf [20]byte
		w := int(s.width)
		out := s.data[:0]
		next := 0
		for i, n := 0, s.len(); i < n; i++ {
			if next < len(idx) && idx[next] == i {
				fn(strconv.AppendInt(buf[:0], s.at(i), 10))
				next++
				continue
			}
			out = append(out, s.data[i*w:(i+1)*w]...)
		}
		s.data = out
	default:
		panic("memory: not a set value")
	}
}

// setTypeMaybeToIntset turns a set whose members the caller knows to be
// integers into an intset, if they are few enough for one.
func setTypeMaybeToIntset(o *object, lim setLimits) {
	if _, ok := o.val.(*intset); ok {
		return
	}
	if int64(setTypeSize(o.val)) > lim.intsetMax {
		return
	}
	is := newIntset()
	setTypeForEach(o.val, func(m []byte) bool {
		n, _ := resp.ParseInt(m)
		is.add(n)
		return true
	})
	o.val = is
}

// setTypeCompact drops the spare capacity a set built by adding members
// has, before it is stored for good.
func setTypeCompact(v any) {
	switch s := v.(type) {
	case *setTable:
		if cap(s.entries) > len(s.entries)+len(s.entries)/4+4 {
			s.entries = slices.Clone(s.entries)
		}
	case *setListpack:
		if cap(s.data) > len(s.data)+len(s.data)/4+16 {
			s.data = slices.Clone(s.data)
		}
	case *intset:
		if cap(s.data) > len(s.data)+len(s.data)/4+16 {
			s.data = slices.Clone(s.data)
		}
	}
}

// setSampleIndexes returns k distinct indexes below n (k ≤ n), chosen
// uniformly at random, in ascending order.
func setSampleIndexes(n, k int) []int {
	out := make([]int, 0, k)
	if k*4 >= n {
		// Selection sampling: one pass, each index kept with the
		// probability that leaves exactly k.
		for i := 0; i < n && len(out) < k; i++ {
			if rand.IntN(n-i) < k-len(out) {
				out = append(out, i)
			}
		}
		return out
	}
	// Floyd's algorithm: k draws, whatever n.
	seen := make(map[int]struct{}, k)
	for j := n - k; j < n; j++ {
		t := rand.IntN(j + 1)
		if _, dup := seen[t]; dup {
			t = j
		}
		seen[t] = struct{}{}
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// intsetDigits is the length of n in decimal, sign included.
func intsetDigits(n int64) int {
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], n, 10))
}

// intsetArena formats integers into chunks that are never reallocated, so
// the text of every integer formatted stays valid.
type intsetArena struct{ buf []byte }

// format appends n's text; left is how many integers are still to come,
// so that small sets get small chunks.
func (a *intsetArena) format(n int64, left int) []byte {
	if cap(a.buf)-len(a.buf) < 20 {
		a.buf = make([]byte, 0, min(20*left, 4096))
	}
	start := len(a.buf)
	a.buf = strconv.AppendInt(a.buf, n, 10)
	return a.buf[start:len(a.buf):len(a.buf)]
}

// ---------------------------------------------------------------------------
// intset

// intset is a sorted array of distinct integers, stored little-endian in
// the narrowest width (2, 4 or 8 bytes) that holds every member. Like
// Redis's, it widens as needed and never narrows.
type intset struct {
	width uint8
	data  []byte
}

func newIntset() *intset { return &intset{width: 2} }

func (s *intset) len() int { return len(s.data) / int(s.width) }

func (s *intset) at(i int) int64 {
	switch s.width {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(s.data[2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(s.data[4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(s.data[8*i:]))
}

func (s *intset) put(i int, v int64) {
	switch s.width {
	case 2:
		binary.LittleEndian.PutUint16(s.data[2*i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(s.data[4*i:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(s.data[8*i:], uint64(v))
	}
}

// intsetWidthFor is the width an intset needs to hold v.
func intsetWidthFor(v int64) uint8 {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

// search returns v's position, or where it would go, and whether it is
// there.
func (s *intset) search(v int64) (int, bool) {
	n := s.len()
	if intsetWidthFor(v) > s.width {
		if v < 0 {
			return 0, false
		}
		return n, false
	}
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch x := s.at(mid); {
		case x == v:
			return mid, true
		case x < v:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return lo, false
}

// add inserts v and reports whether it was new.
func (s *intset) add(v int64) bool {
	if w := intsetWidthFor(v); w > s.width {
		s.widen(w)
	}
	pos, found := s.search(v)
	if found {
		return false
	}
	w := int(s.width)
	n := s.len()
	s.data = slices.Grow(s.data, w)[:(n+1)*w]
	copy(s.data[(pos+1)*w:], s.data[pos*w:n*w])
	s.put(pos, v)
	return true
}

// widen re-encodes every member in width w.
func (s *intset) widen(w uint8) {
	n := s.len()
	old := *s
	s.width = w
	s.data = make([]byte, n*int(w), (n+1)*int(w))
	for i := 0; i < n; i++ {
		s.put(i, old.at(i))
	}
}

// remove deletes v and reports whether it was there.
func (s *intset) remove(v int64) bool {
	pos, found := s.search(v)
	if !found {
		return false
	}
	w := int(s.width)
	copy(s.data[pos*w:], s.data[(pos+1)*w:])
	s.data = s.data[:len(s.data)-w]
	return true
}

func (s *intset) objectEncoding() string { return "intset" }

func (s *intset) copyObject() any {
	return &intset{width: s.width, data: slices.Clone(s.data)}
}

func (s *intset) digestObject(h hash.Hash) { digestSetMembers(h, s) }

// ---------------------------------------------------------------------------
// listpack

// setListpack holds a small set's members in insertion order, packed into
// one byte slice: each member is its length (a uvarint) and its bytes.
type setListpack struct {
	n    int
	data []byte
}

// entry returns the member starting at off and where the next one starts.
func (s *setListpack) entry(off int) ([]byte, int) {
	l, k := binary.Uvarint(s.data[off:])
	start := off + k
	end := start + int(l)
	return s.data[start:end:end], end
}

// find returns the bounds of member m's entry, if m is there.
func (s *setListpack) find(m []byte) (int, int, bool) {
	for off := 0; off < len(s.data); {
		l, k := binary.Uvarint(s.data[off:])
		start := off + k
		end := start + int(l)
		if int(l) == len(m) && string(s.data[start:end]) == string(m) {
			return off, end, true
		}
		off = end
	}
	return 0, 0, false
}

// at is the i-th member.
func (s *setListpack) at(i int) []byte {
	off := 0
	for ; i > 0; i-- {
		_, off = s.entry(off)
	}
	m, _ := s.entry(off)
	return m
}

func (s *setListpack) push(m []byte) {
	s.data = binary.AppendUvarint(s.data, uint64(len(m)))
	s.data = append(s.data, m...)
	s.n++
}

// cut removes the entry between off and end.
func (s *setListpack) cut(off, end int) {
	s.data = append(s.data[:off], s.data[end:]...)
	s.n--
}

func intsetToListpack(is *intset) *setListpack {
	n := is.len()
	if n == 0 {
		return &setListpack{}
	}
	width := max(intsetDigits(is.at(0)), intsetDigits(is.at(n-1)))
	lp := &setListpack{data: make([]byte, 0, n*(width+1)+72)}
	var buf [20]byte
	for i := 0; i < n; i++ {
		lp.push(strconv.AppendInt(buf[:0], is.at(i), 10))
	}
	return lp
}

func (s *setListpack) objectEncoding() string { return "listpack" }

func (s *setListpack) copyObject() any {
	return &setListpack{n: s.n, data: slices.Clone(s.data)}
}

func (s *setListpack) digestObject(h hash.Hash) { digestSetMembers(h, s) }

// ---------------------------------------------------------------------------
// hash table

// setTable is a chained hash table of strings. The members live in one
// slice, so a member costs 24 bytes plus its text and a bucket slot, a
// random member is one index away, and deleting moves the last entry into
// the hole. Buckets hold entry indexes; SSCAN walks them with Redis's
// reversed-bits cursor (scanNext), which returns every member present for
// the whole scan at least once however the table is resized between calls.
// The table doubles when full and halves when under 1/8 full, as Redis's
// dict does.
type setTable struct {
	// buckets hold 1 + the index of the chain's first entry, 0 when
	// empty; their number is a power of two.
	buckets []int32
	entries []setEntry
}

type setEntry struct {
	key  string
	hash uint32
	// next is 1 + the index of the next entry in the chain, 0 at the end.
	next int32
}

// setSeed keys the members' hashes; it is chosen at start-up, so
// collisions cannot be planned from outside.
var setSeed = maphash.MakeSeed()

func setHash(m []byte) uint32 {
	h := maphash.Bytes(setSeed, m)
	return uint32(h ^ h>>32)
}

// setTableMinSize is the smallest table, as bucketsFor sizes it.
const setTableMinSize = dictInitialSize

func newSetTable(hint int) *setTable {
	t := &setTable{entries: make([]setEntry, 0, hint)}
	t.buckets = make([]int32, bucketsFor(hint))
	return t
}

func setToTable(v any, hint int) *setTable {
	t := newSetTable(max(hint, setTypeSize(v)))
	setTypeForEach(v, func(m []byte) bool {
		t.insert(string(m), setHash(m))
		return true
	})
	return t
}

func (t *setTable) mask() uint32 { return uint32(len(t.buckets) - 1) }

// find returns m's entry index, or -1.
func (t *setTable) find(m []byte) int {
	if len(t.entries) == 0 {
		return -1
	}
	return t.findHash(m, setHash(m))
}

// findHash is find for a member whose hash is h.
func (t *setTable) findHash(m []byte, h uint32) int {
	for i := t.buckets[h&t.mask()]; i != 0; {
		e := &t.entries[i-1]
		if e.hash == h && e.key == string(m) {
			return int(i - 1)
		}
		i = e.next
	}
	return -1
}

// add inserts m and reports whether it was new.
func (t *setTable) add(m []byte) bool {
	h := setHash(m)
	if t.findHash(m, h) >= 0 {
		return false
	}
	t.insert(string(m), h)
	return true
}

// insert adds a member known to be absent.
func (t *setTable) insert(key string, h uint32) {
	if len(t.entries) >= len(t.buckets) {
		t.resize(len(t.buckets) * 2)
	}
	b := &t.buckets[h&t.mask()]
	t.entries = append(t.entries, setEntry{key: key, hash: h, next: *b})
	*b = int32(len(t.entries))
}

// resize rebuilds the buckets for size slots.
func (t *setTable) resize(size int) {
	t.buckets = make([]int32, size)
	m := t.mask()
	for i := range t.entries {
		b := &t.buckets[t.entries[i].hash&m]
		t.entries[i].next = *b
		*b = int32(i + 1)
	}
}

// linkTo returns the link (bucket or chain pointer) that points at entry i.
func (t *setTable) linkTo(i int) *int32 {
	p := &t.buckets[t.entries[i].hash&t.mask()]
	for *p != int32(i+1) {
		p = &t.entries[*p-1].next
	}
	return p
}

// remove deletes m and reports whether it was there.
func (t *setTable) remove(m []byte) bool {
	i := t.find(m)
	if i < 0 {
		return false
	}
	t.removeAt(i)
	return true
}

// removeAt deletes entry i, moving the last entry into its place.
func (t *setTable) removeAt(i int) {
	p := t.linkTo(i)
	*p = t.entries[i].next
	last := len(t.entries) - 1
	if i != last {
		*t.linkTo(last) = int32(i + 1)
		t.entries[i] = t.entries[last]
	}
	t.entries[last] = setEntry{}
	t.entries = t.entries[:last]
	if n := len(t.entries); len(t.buckets) > setTableMinSize && n*8 <= len(t.buckets) {
		if cap(t.entries) > 2*n+8 {
			t.entries = slices.Clip(append(make([]setEntry, 0, n), t.entries...))
		}
		t.resize(bucketsFor(n))
	}
}

// scan visits the members in the cursor's bucket and returns the next
// cursor, 0 when the walk is complete.
func (t *setTable) scan(cursor uint64, fn func(key string)) uint64 {
	if len(t.entries) == 0 {
		return 0
	}
	m := uint64(t.mask())
	for i := t.buckets[cursor&m]; i != 0; {
		e := &t.entries[i-1]
		fn(e.key)
		i = e.next
	}
	return scanNext(cursor, m)
}

func (t *setTable) objectEncoding() string { return "hashtable" }

func (t *setTable) copyObject() any {
	return &setTable{buckets: slices.Clone(t.buckets), entries: slices.Clone(t.entries)}
}

func (t *setTable) digestObject(h hash.Hash) { digestSetMembers(h, t) }

// digestSetMembers digests a set by its members alone, so equal sets
// digest alike whatever their encoding and order.
func digestSetMembers(h hash.Hash, v any) {
	members := make([][]byte, 0, setTypeSize(v))
	setTypeForEach(v, func(m []byte) bool {
		members = append(members, m)
		return true
	})
	digestUnordered(h, len(members), func(i int, eh hash.Hash) {
		writeLen(eh, len(members[i]))
		eh.Write(members[i])
	})
}
