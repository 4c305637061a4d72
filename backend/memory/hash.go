package memory

import (
	"bytes"
	"encoding/binary"
	"hash"
	"math/rand/v2"
	"slices"
)

// hashValue is a hash's contents (object.val of a kindHash object), in one
// of Redis's two layouts:
//
//   - compact ("listpack"): every entry packed one after another in lp, as
//     uvarint(len field) field uvarint(len value) value, in insertion
//     order. Lookups walk the buffer, as Redis walks its listpack; a small
//     hash costs one allocation and a few bytes per entry. Once a field of
//     it is given a time to live the layout becomes "listpackex": every
//     entry also carries uvarint(deadline), 0 for none, and the entries are
//     kept ordered by deadline, the ones without at the end (Redis's order,
//     which HGETALL shows).
//   - big ("hashtable"): bigHash, once the hash outgrows
//     hash-max-listpack-entries or one of its strings outgrows
//     hash-max-listpack-value. It never goes back.
//
// A field whose deadline has passed stays until it is touched (lazy
// expiry, as the commands do it), or until the database's active expiry
// finds it: hashes with deadlines are queued in their database
// (hashExpiry) by their nearest deadline.
type hashValue struct {
	lp  []byte
	big *bigHash
	// regAt is the time under which the hash is registered in its
	// database's hashExpiry (the queue entry with this time and this hash
	// is the live one), 0 when it is not registered.
	regAt int64
	n     int32 // entries in lp
	ex    bool  // lp entries carry deadlines
}

// bigHash is the hashtable layout: entries in a dense slice, indexed by
// field. Deleting moves the last entry into the hole, so random picks are
// uniform and O(1), and HSCAN can walk the slice from the end with a
// plain position as cursor (see scan).
type bigHash struct {
	index map[string]int
	ents  []hashEntry
	// ttl holds the fields with a deadline, by deadline. Entries go stale
	// when a field's deadline changes or the field goes; they are dropped
	// when they come to the top, or all at once when stale ones outnumber
	// the live (nttl).
	ttl  fieldHeap
	nttl int
}

type hashEntry struct {
	field, value string
	at           int64 // deadline, Unix ms; 0 for none
}

// lpMaxSafeSize is the size past which Redis stops adding to a listpack
// (LISTPACK_MAX_SAFETY_SIZE) and converts the hash.
const lpMaxSafeSize = 1 << 30

// fieldExpired reports whether a field with deadline at is expired at now,
// as the commands see it: a deadline equal to now has not passed yet.
func fieldExpired(at, now int64) bool { return at != 0 && at < now }

// ---------------------------------------------------------------------------
// The compact layout

// lpEntry decodes the entry at off of a compact buffer: its field, value,
// deadline (0 without one, or when !ex), and where the next entry starts.
// The slices alias lp.
func lpEntry(lp []byte, off int, ex bool) (f, v []byte, at int64, next int) {
	n, k := binary.Uvarint(lp[off:])
	off += k
	f = lp[off : off+int(n) : off+int(n)]
	off += int(n)
	n, k = binary.Uvarint(lp[off:])
	off += k
	v = lp[off : off+int(n) : off+int(n)]
	off += int(n)
	if ex {
		u, k := binary.Uvarint(lp[off:])
		off += k
		at = int64(u)
	}
	return f, v, at, off
}

// lpAppendEntry appends an encoded entry to dst.
func lpAppendEntry(dst, f, v []byte, at int64, ex bool) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(f)))
	dst = append(dst, f...)
	dst = binary.AppendUvarint(dst, uint64(len(v)))
	dst = append(dst, v...)
	if ex {
		dst = binary.AppendUvarint(dst, uint64(at))
	}
	return dst
}

// lpEntrySize is the encoded size of an entry.
func lpEntrySize(f, v []byte, at int64, ex bool) int {
	n := uvarintLen(uint64(len(f))) + len(f) + uvarintLen(uint64(len(v))) + len(v)
	if ex {
		n += uvarintLen(uint64(at))
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// lpFind returns the offsets of field's entry, and its value and deadline;
// off is -1 when the field is missing.
func (h *hashValue) lpFind(field []byte) (off, end int, v []byte, at int64) {
	for off := 0; off < len(h.lp); {
		f, v, at, next := lpEntry(h.lp, off, h.ex)
		if bytes.Equal(f, field) {
			return off, next, v, at
		}
		off = next
	}
	return -1, -1, nil, 0
}

// lpDelete removes the entry between off and end.
func (h *hashValue) lpDelete(off, end int) {
	h.lp = append(h.lp[:off], h.lp[end:]...)
	h.n--
	if cap(h.lp) > 2*len(h.lp)+64 {
		h.lp = slices.Clip(slices.Clone(h.lp))
	}
}

// lpInsert adds an entry: at the end, or, in the listpackex layout, before
// the first entry whose deadline is not earlier than at (entries without a
// deadline count as latest).
func (h *hashValue) lpInsert(f, v []byte, at int64) {
	pos := len(h.lp)
	if h.ex && at != 0 {
		for off := 0; off < len(h.lp); {
			_, _, eat, next := lpEntry(h.lp, off, true)
			if eat == 0 || eat >= at {
				pos = off
				break
			}
			off = next
		}
	}
	if pos == len(h.lp) {
		h.reserve(lpEntrySize(f, v, at, h.ex))
		h.lp = lpAppendEntry(h.lp, f, v, at, h.ex)
	} else {
		entry := lpAppendEntry(nil, f, v, at, h.ex)
		h.reserve(len(entry))
		h.lp = slices.Insert(h.lp, pos, entry...)
	}
	h.n++
}

// reserve makes room for n more bytes in lp, with an eighth to spare
// rather than append's doubling: small hashes are many, and their buffers
// are most of their memory.
func (h *hashValue) reserve(n int) {
	if cap(h.lp)-len(h.lp) >= n {
		return
	}
	size := len(h.lp) + n
	lp := make([]byte, len(h.lp), size+size/8)
	copy(lp, h.lp)
	h.lp = lp
}

// toEx switches a compact hash to the listpackex layout, every entry
// without a deadline.
func (h *hashValue) toEx() {
	if h.big != nil || h.ex {
		return
	}
	lp := make([]byte, 0, len(h.lp)+int(h.n))
	for off := 0; off < len(h.lp); {
		f, v, _, next := lpEntry(h.lp, off, false)
		lp = lpAppendEntry(lp, f, v, 0, true)
		off = next
	}
	h.lp, h.ex = lp, true
}

// convert moves a compact hash to the hashtable layout.
func (h *hashValue) convert() {
	if h.big != nil {
		return
	}
	b := &bigHash{index: make(map[string]int, h.n), ents: make([]hashEntry, 0, int(h.n))}
	for off := 0; off < len(h.lp); {
		f, v, at, next := lpEntry(h.lp, off, h.ex)
		b.add(string(f), string(v), at)
		off = next
	}
	h.big, h.lp, h.n, h.ex = b, nil, 0, false
}

// ---------------------------------------------------------------------------
// The hashtable layout

func (b *bigHash) add(field, value string, at int64) {
	b.index[field] = len(b.ents)
	b.ents = append(b.ents, hashEntry{field: field, value: value})
	if at != 0 {
		b.setTTL(len(b.ents)-1, at)
	}
}

// remove deletes the entry at i, moving the last entry into its place.
func (b *bigHash) remove(i int) {
	if b.ents[i].at != 0 {
		b.nttl--
	}
	delete(b.index, b.ents[i].field)
	last := len(b.ents) - 1
	if i != last {
		b.ents[i] = b.ents[last]
		b.index[b.ents[i].field] = i
	}
	b.ents[last] = hashEntry{}
	b.ents = b.ents[:last]
	if c := cap(b.ents); c > 64 && len(b.ents) < c/4 {
		b.ents = slices.Clone(b.ents)
	}
	b.compactTTL()
}

func (b *bigHash) setTTL(i int, at int64) {
	e := &b.ents[i]
	if e.at == 0 {
		b.nttl++
	}
	e.at = at
	b.ttl.push(fieldDeadline{at: at, field: e.field})
	b.compactTTL()
}

func (b *bigHash) clearTTL(i int) {
	if b.ents[i].at != 0 {
		b.ents[i].at = 0
		b.nttl--
		b.compactTTL()
	}
}

// compactTTL drops the stale heap entries once they outnumber the live.
func (b *bigHash) compactTTL() {
	if len(b.ttl) <= 2*b.nttl+32 {
		return
	}
	h := b.ttl[:0]
	for _, d := range b.ttl {
		if b.live(d) {
			h = append(h, d)
		}
	}
	clear(b.ttl[len(h):])
	b.ttl = h
	b.ttl.init()
}

// live reports whether a heap entry is the field's current deadline.
func (b *bigHash) live(d fieldDeadline) bool {
	i, ok := b.index[d.field]
	return ok && b.ents[i].at == d.at
}

// minTTL is the nearest deadline of a field, 0 when none has one.
func (b *bigHash) minTTL() int64 {
	if b.nttl == 0 {
		b.ttl = nil
		return 0
	}
	for len(b.ttl) > 0 {
		if d := b.ttl[0]; b.live(d) {
			return d.at
		}
		b.ttl.pop()
	}
	return 0
}

// fieldDeadline is an entry of a big hash's deadline heap.
type fieldDeadline struct {
	at    int64
	field string
}

// fieldHeap is a min-heap of deadlines.
type fieldHeap []fieldDeadline

func (q *fieldHeap) push(d fieldDeadline) {
	*q = append(*q, d)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].at <= h[i].at {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (q *fieldHeap) pop() fieldDeadline {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = fieldDeadline{}
	*q = h[:last]
	q.down(0)
	return top
}

func (q fieldHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(q) {
			return
		}
		m := l
		if r := l + 1; r < len(q) && q[r].at < q[l].at {
			m = r
		}
		if q[i].at <= q[m].at {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}

func (q fieldHeap) init() {
	for i := len(q)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}

// ---------------------------------------------------------------------------
// The hash API, over both layouts

// length is the number of fields, expired ones not yet deleted included
// (what HLEN answers).
func (h *hashValue) length() int {
	if h.big != nil {
		return len(h.big.ents)
	}
	return int(h.n)
}

// get returns field's value and deadline, whether or not it expired. The
// value aliases the hash: use it before changing the hash.
func (h *hashValue) get(field []byte) (v []byte, at int64, ok bool) {
	if b := h.big; b != nil {
		i, ok := b.index[string(field)]
		if !ok {
			return nil, 0, false
		}
		e := &b.ents[i]
		return bytesOfString(e.value), e.at, true
	}
	off, _, v, at := h.lpFind(field)
	return v, at, off >= 0
}

// set stores value at field and reports whether the field existed. A
// field that existed loses its deadline unless keepTTL. The caller
// converts the layout when the sizes call for it.
func (h *hashValue) set(field, value []byte, keepTTL bool) bool {
	if b := h.big; b != nil {
		i, ok := b.index[string(field)]
		if !ok {
			b.add(string(field), string(value), 0)
			return false
		}
		b.ents[i].value = string(value)
		if !keepTTL {
			b.clearTTL(i)
		}
		return true
	}
	off, end, old, at := h.lpFind(field)
	if off < 0 {
		h.lpInsert(field, value, 0)
		return false
	}
	if len(old) == len(value) && (at == 0 || keepTTL) {
		copy(old[:len(value):len(value)], value)
		return true
	}
	f := slices.Clone(field)
	if at != 0 && !keepTTL {
		// The field loses its deadline: it moves to the end, with the
		// other fields that have none.
		h.lpDelete(off, end)
		h.lpInsert(f, value, 0)
		return true
	}
	entry := lpAppendEntry(nil, f, value, at, h.ex)
	if grow := len(entry) - (end - off); grow > 0 {
		h.reserve(grow)
	}
	h.lp = slices.Replace(h.lp, off, end, entry...)
	return true
}

// del removes field and reports whether it was there.
func (h *hashValue) del(field []byte) bool {
	if b := h.big; b != nil {
		i, ok := b.index[string(field)]
		if ok {
			b.remove(i)
		}
		return ok
	}
	off, end, _, _ := h.lpFind(field)
	if off < 0 {
		return false
	}
	h.lpDelete(off, end)
	return true
}

// setTTL gives the existing field the deadline at (non-zero), or, with
// at 0, removes its deadline. A compact hash must be in the listpackex
// layout.
func (h *hashValue) setTTL(field []byte, at int64) {
	if b := h.big; b != nil {
		i, ok := b.index[string(field)]
		switch {
		case !ok:
		case at == 0:
			b.clearTTL(i)
		default:
			b.setTTL(i, at)
		}
		return
	}
	off, end, v, _ := h.lpFind(field)
	if off < 0 {
		return
	}
	f, val := slices.Clone(field), slices.Clone(v)
	h.lpDelete(off, end)
	h.lpInsert(f, val, at)
}

// hasTTL reports whether some field has a deadline.
func (h *hashValue) hasTTL() bool { return h.minTTL() != 0 }

// minTTL is the nearest deadline of a field, 0 when none has one.
func (h *hashValue) minTTL() int64 {
	if h.big != nil {
		return h.big.minTTL()
	}
	if !h.ex || h.n == 0 {
		return 0
	}
	_, _, at, _ := lpEntry(h.lp, 0, true)
	return at
}

// each calls fn for every field, expired ones included, in the layout's
// order, until fn returns false. fn must not change the hash.
func (h *hashValue) each(fn func(f, v []byte, at int64) bool) {
	if b := h.big; b != nil {
		for i := range b.ents {
			e := &b.ents[i]
			if !fn(bytesOfString(e.field), bytesOfString(e.value), e.at) {
				return
			}
		}
		return
	}
	for off := 0; off < len(h.lp); {
		f, v, at, next := lpEntry(h.lp, off, h.ex)
		if !fn(f, v, at) {
			return
		}
		off = next
	}
}

// liveCount is the number of fields not expired at now.
func (h *hashValue) liveCount(now int64) int {
	if !h.hasTTL() {
		return h.length()
	}
	n := 0
	h.each(func(_, _ []byte, at int64) bool {
		if !fieldExpired(at, now) {
			n++
		}
		return true
	})
	return n
}

// expireFields deletes up to max fields whose deadline is at or before
// now, the earliest first, and returns how many it deleted.
func (h *hashValue) expireFields(now int64, max int) int {
	n := 0
	if b := h.big; b != nil {
		for n < max {
			at := b.minTTL()
			if at == 0 || at > now {
				break
			}
			d := b.ttl.pop()
			b.remove(b.index[d.field])
			n++
		}
		return n
	}
	if !h.ex {
		return 0
	}
	off := 0
	for off < len(h.lp) && n < max {
		_, _, at, next := lpEntry(h.lp, off, true)
		if at == 0 || at > now {
			break
		}
		off = next
		n++
	}
	if n > 0 {
		h.lp = append(h.lp[:0], h.lp[off:]...)
		h.n -= int32(n)
	}
	return n
}

// entryAt returns the i-th entry in the layout's order.
func (h *hashValue) entryAt(i int) (f, v []byte) {
	if b := h.big; b != nil {
		e := &b.ents[i]
		return bytesOfString(e.field), bytesOfString(e.value)
	}
	off := 0
	for ; i > 0; i-- {
		_, _, _, off = lpEntry(h.lp, off, h.ex)
	}
	f, v, _, _ = lpEntry(h.lp, off, h.ex)
	return f, v
}

// scan is one HSCAN step over a big hash: it visits up to count entries,
// from the end of the entry slice towards its start, calling fn for each,
// and returns the cursor of the next step, 0 when the walk is done.
//
// The cursor is the next position plus one (0 starts at the last entry).
// Deleting moves the last entry into the hole; when that entry was not
// visited yet, its new place is not visited yet either, and when it was,
// it may be returned twice, which SCAN allows. New entries go to the end,
// already walked past. So every field present for the whole iteration is
// returned at least once, as Redis guarantees.
func (b *bigHash) scan(cursor uint64, count int64, fn func(e *hashEntry)) uint64 {
	n := uint64(len(b.ents))
	if n == 0 {
		return 0
	}
	p := n - 1
	if cursor != 0 && cursor-1 < p {
		p = cursor - 1
	}
	for ; count > 0; count-- {
		fn(&b.ents[p])
		if p == 0 {
			return 0
		}
		p--
	}
	return p + 1
}

// randomIndex picks a position uniformly.
func (h *hashValue) randomIndex() int { return rand.IntN(h.length()) }

// ---------------------------------------------------------------------------
// Generic key support: COPY, OBJECT ENCODING, DEBUG DIGEST

// copyObject duplicates the hash for COPY. The copy carries the
// original's registration time, which db.insert's hook registers it
// under, as Redis registers a copy like its original.
func (h *hashValue) copyObject() any {
	c := &hashValue{lp: slices.Clone(h.lp), n: h.n, ex: h.ex, regAt: h.regAt}
	if b := h.big; b != nil {
		nb := &bigHash{index: make(map[string]int, len(b.ents)), ents: make([]hashEntry, 0, len(b.ents))}
		for _, e := range b.ents {
			nb.add(e.field, e.value, e.at)
		}
		c.big = nb
	}
	return c
}

func (h *hashValue) objectEncoding() string {
	switch {
	case h.big != nil:
		return "hashtable"
	case h.ex:
		return "listpackex"
	}
	return "listpack"
}

// digestObject digests the fields and values, in no order, with a mark
// for the fields that have a deadline (as Redis's digest does).
func (h *hashValue) digestObject(hh hash.Hash) {
	type kv struct {
		f, v []byte
		ttl  bool
	}
	all := make([]kv, 0, h.length())
	h.each(func(f, v []byte, at int64) bool {
		all = append(all, kv{f, v, at != 0})
		return true
	})
	digestUnordered(hh, len(all), func(i int, eh hash.Hash) {
		writeLen(eh, len(all[i].f))
		eh.Write(all[i].f)
		writeLen(eh, len(all[i].v))
		eh.Write(all[i].v)
		if all[i].ttl {
			eh.Write([]byte("!!hexpire!!"))
		}
	})
}

// reloadEncoding gives the hash the encoding saving and loading it would
// (DEBUG RELOAD), as Redis's RDB loading does: a hashtable that fits the
// listpack limits again loads as a listpack (a listpackex when a field has
// a deadline), a listpack with more entries than allowed as a hashtable.
// Only a hash with deadlines stays registered for active expiry.
func (h *hashValue) reloadEncoding(c *client) {
	cfg := c.e.cfg
	if !h.hasTTL() {
		h.regAt = 0
	}
	if h.big == nil {
		if int64(h.n) > cfg.hashMaxListpackEntries {
			h.convert()
		}
		return
	}
	ents := h.big.ents
	if int64(len(ents)) > cfg.hashMaxListpackEntries {
		return
	}
	size := 0
	for i := range ents {
		if int64(len(ents[i].field)) > cfg.hashMaxListpackValue || int64(len(ents[i].value)) > cfg.hashMaxListpackValue {
			return
		}
		size += len(ents[i].field) + len(ents[i].value)
	}
	if size > lpMaxSafeSize {
		return
	}
	compact := &hashValue{ex: h.big.nttl > 0}
	for i := range ents {
		e := &ents[i]
		compact.lpInsert(bytesOfString(e.field), bytesOfString(e.value), e.at)
	}
	h.lp, h.n, h.ex, h.big = compact.lp, compact.n, compact.ex, nil
}

// ---------------------------------------------------------------------------
// Per-database queue of hashes with field deadlines

// hashExpiry is a database's queue of hashes registered for active
// expiry of their fields, by deadline, as Redis's db->hexpires: INFO's
// subexpiry counts them. A hash is registered (regAt != 0) once a field
// of it is given a deadline, and it stays registered, as in Redis, until
// active expiry (or HRANDFIELD's sweep, or an HEXPIRE that removes the
// last deadline) finds it has no deadline left, even when HPERSIST, HSET
// or HDEL took them away meanwhile; its queue time may be earlier than
// its nearest deadline, never later.
//
// The queue holds key names, which renames and deletions make stale: an
// entry is live when its key still holds its hash and the hash's regAt is
// its time. Stale entries are dropped when they come to the top, or all
// at once when pushes outpace the live entries.
type hashExpiry struct {
	q      []hashDue
	pushes int // since the last compaction
}

type hashDue struct {
	at  int64
	key string
	h   *hashValue
}

func (x *hashExpiry) less(i, j int) bool { return x.q[i].at < x.q[j].at }

func (x *hashExpiry) push(d hashDue) {
	x.q = append(x.q, d)
	for i := len(x.q) - 1; i > 0; {
		p := (i - 1) / 2
		if !x.less(i, p) {
			break
		}
		x.q[p], x.q[i] = x.q[i], x.q[p]
		i = p
	}
}

func (x *hashExpiry) pop() hashDue {
	top := x.q[0]
	last := len(x.q) - 1
	x.q[0] = x.q[last]
	x.q[last] = hashDue{}
	x.q = x.q[:last]
	x.down(0)
	return top
}

func (x *hashExpiry) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(x.q) {
			return
		}
		m := l
		if r := l + 1; r < len(x.q) && x.less(r, l) {
			m = r
		}
		if !x.less(m, i) {
			return
		}
		x.q[i], x.q[m] = x.q[m], x.q[i]
		i = m
	}
}

// liveDue reports whether a queue entry is its hash's registration.
func (d *db) liveDue(due hashDue) bool {
	if due.h.regAt != due.at {
		return false
	}
	o := d.keys.GetString(due.key)
	if o == nil || o.kind != kindHash {
		return false
	}
	h, _ := o.val.(*hashValue)
	return h == due.h
}

// registerHash queues the hash stored at key under time at. key must be
// the keyspace's own key string.
func (d *db) registerHash(key string, h *hashValue, at int64) {
	x := &d.hexpires
	x.push(hashDue{at: at, key: key, h: h})
	h.regAt = at
	if x.pushes++; x.pushes > len(x.q)/2+64 {
		d.compactHashExpiry()
	}
}

// reregisterHash registers the hash at key under its nearest deadline
// when that is earlier than its queue time (or it is not registered), and
// unregisters it when it has no deadline left.
func (d *db) reregisterHash(key []byte, h *hashValue) {
	at := h.minTTL()
	switch {
	case at == 0:
		h.regAt = 0
	case h.regAt == 0 || at < h.regAt:
		if e := d.keys.find(key); e != nil {
			d.registerHash(e.key, h, at)
		}
	}
}

// noteHash is db.insert's and db.set's hook: a hash stored under a key
// (renamed, moved or copied there) keeps its registration, and a hash
// that arrives with deadlines but unregistered is registered.
func (d *db) noteHash(key []byte, o *object) {
	h, ok := o.val.(*hashValue)
	if !ok {
		return
	}
	at := h.regAt
	if at == 0 {
		at = h.minTTL()
	}
	if at == 0 {
		return
	}
	if e := d.keys.find(key); e != nil {
		d.registerHash(e.key, h, at)
	}
}

// compactHashExpiry drops the queue's stale entries.
func (d *db) compactHashExpiry() {
	x := &d.hexpires
	q := x.q[:0]
	for _, due := range x.q {
		if d.liveDue(due) {
			q = append(q, due)
		}
	}
	clear(x.q[len(q):])
	x.q = q
	for i := len(q)/2 - 1; i >= 0; i-- {
		x.down(i)
	}
	x.pushes = 0
}

// subexpiry counts the registered hashes (INFO keyspace), dropping the
// stale queue entries on the way.
func (d *db) subexpiry() int {
	if len(d.hexpires.q) == 0 {
		return 0
	}
	d.compactHashExpiry()
	return len(d.hexpires.q)
}

// hashFieldsPerSecond is how many fields active expiry deletes per second
// and database at most (Redis's HFE_DB_BASE_ACTIVE_EXPIRE_FIELDS_PER_SEC).
const hashFieldsPerSecond = 10000

// activeExpireHashFields deletes expired hash fields of d, the earliest
// first, up to a quota per call, and the hashes they leave empty. It is
// part of the active expiry cycle; the caller holds the engine lock.
func (e *Engine) activeExpireHashFields(d *db) {
	x := &d.hexpires
	if len(x.q) == 0 {
		return
	}
	now := e.nowMs
	quota := hashFieldsPerSecond / int(min(max(e.cfg.hz, 1), 500))
	for quota > 0 && len(x.q) > 0 && x.q[0].at <= now {
		due := x.pop()
		if !d.liveDue(due) {
			continue
		}
		h := due.h
		n := h.expireFields(now, quota)
		quota -= n
		e.stats.expiredSubkeys += int64(n)
		key := bytesOfString(due.key)
		if h.length() == 0 {
			d.remove(key)
			continue
		}
		if n > 0 {
			d.modified(key)
		}
		if at := h.minTTL(); at != 0 {
			d.registerHash(due.key, h, at)
		} else {
			h.regAt = 0
		}
	}
}
