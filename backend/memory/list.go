package memory

import (
	"encoding/binary"
	"hash"
	"math"
	"slices"

	"github.com/rk-redis/rk/internal/resp"
)

// The list value.
//
// A list is a sequence of nodes, each a packed run of elements, as Redis's
// quicklist is: pushing and popping at either end touch only the end node
// (O(1)), finding an index walks the nodes from the nearer end and then one
// node, and a small element costs its bytes plus two or so. An element too
// large for a node ("plain", by Redis's rule) gets a node of its own and is
// stored as is.
//
// Inside a packed node each element is stored as
//
//	uvarint(len) bytes reverse-uvarint(len)
//
// where the trailing length is the same varint with its bytes reversed, so
// the node can be walked in both directions. Elements live in
// buf[start:]: popping from the front moves start, pushing to the front
// uses the room in front of it, which a node reallocates with headroom when
// it runs out.
//
// OBJECT ENCODING follows Redis 7.4: a list is "listpack" while it fits in
// one node by list-max-listpack-size, and becomes "quicklist" when an
// operation would take it past that; it returns to "listpack" when it
// shrinks to one packed node under half the limit (t_list.c
// listTypeTryConversion). Redis decides by a listpack's byte size, so every
// node keeps that size (sz) alongside its own, and the quicklist's rules
// for filling, splitting and merging nodes are followed, so that the
// encoding changes where Redis's does.
type list struct {
	// one is the only node of a listpack-encoded list (nodes == nil).
	one qnode
	// nodes holds the nodes of a quicklist-encoded list.
	nodes *qnodes
	count int
	// fill is list-max-listpack-size when the list became a quicklist;
	// like Redis's quicklist->fill it governs its nodes from then on.
	fill int32
}

// qnode is one node: packed elements, or a single plain element.
type qnode struct {
	// buf holds the packed elements in buf[start:]; a plain node's buf is
	// its element.
	buf   []byte
	start uint32
	n     uint32
	// sz is the node's size as a Redis listpack (header and end byte
	// included), or a plain node's element length: what Redis's fill
	// rules measure.
	sz    int
	plain bool
}

// Redis's listpack and quicklist constants.
const (
	lpEmptySize    = 7    // a listpack's header and end byte
	qlSafetyLimit  = 8192 // SIZE_SAFETY_LIMIT
	qlSizeOverhead = 8    // SIZE_ESTIMATE_OVERHEAD
)

var qlSizeLevels = [...]int{4096, 8192, 16384, 32768, 65536}

// listConf is what list operations read from the configuration.
type listConf struct {
	fill int // list-max-listpack-size
	// packed is the DEBUG QUICKLIST-PACKED-THRESHOLD in force, 0 when
	// none is.
	packed int
}

func (c *client) listConf() listConf {
	lc := listConf{fill: qlClampFill(c.e.cfg.listMaxListpackSize)}
	if t := c.e.cfg.debug.quicklistPackedThreshold; t != defaultPackedThreshold {
		lc.packed = int(t)
	}
	return lc
}

func qlClampFill(v int64) int {
	return int(min(max(v, math.MinInt32), math.MaxInt32))
}

// listLimits is Redis's quicklistNodeLimit: a size limit for a negative
// fill, a count limit otherwise.
func listLimits(fill int) (size, count int) {
	if fill >= 0 {
		return math.MaxInt, max(fill, 1)
	}
	i := min(-fill-1, len(qlSizeLevels)-1)
	return qlSizeLevels[i], math.MaxInt
}

// listExceeds is Redis's quicklistNodeExceedsLimit.
func listExceeds(fill, sz, count int) bool {
	sizeLimit, countLimit := listLimits(fill)
	if sizeLimit != math.MaxInt {
		return sz > sizeLimit
	}
	return sz > qlSafetyLimit || count > countLimit
}

// isLarge is Redis's isLargeElement: such an element gets a plain node.
func (lc listConf) isLarge(sz, fill int) bool {
	if lc.packed != 0 {
		return sz >= lc.packed
	}
	if fill >= 0 {
		return sz > qlSafetyLimit
	}
	s, _ := listLimits(fill)
	return sz > s
}

// ---------------------------------------------------------------------------
// Listpack sizes

// qlStoredInt is listpack's lpStringToInt64: whether v is stored as an integer.
// The rules are string2ll's, which resp.ParseInt follows.
func qlStoredInt(v []byte) (int64, bool) { return resp.ParseInt(v) }

// qlListpackBytes is the size of v's entry in a Redis listpack.
func qlListpackBytes(v []byte) int {
	var enc int
	if n, ok := qlStoredInt(v); ok {
		switch {
		case n >= 0 && n <= 127:
			enc = 1
		case n >= -4096 && n <= 4095:
			enc = 2
		case n >= -32768 && n <= 32767:
			enc = 3
		case n >= -8388608 && n <= 8388607:
			enc = 4
		case n >= math.MinInt32 && n <= math.MaxInt32:
			enc = 5
		default:
			enc = 9
		}
	} else {
		switch l := len(v); {
		case l < 64:
			enc = 1 + l
		case l < 4096:
			enc = 2 + l
		default:
			enc = 5 + l
		}
	}
	switch {
	case enc <= 127:
		return enc + 1
	case enc < 16383:
		return enc + 2
	case enc < 2097151:
		return enc + 3
	case enc < 268435455:
		return enc + 4
	}
	return enc + 5
}

// ---------------------------------------------------------------------------
// Packed entries

func listVarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// qlEntrySize is the bytes an element of n bytes takes in a packed node.
func qlEntrySize(n int) int { return 2*listVarintLen(n) + n }

// qlPutEntry writes v's entry at the start of b, which has room for it.
func qlPutEntry(b, v []byte) {
	k := binary.PutUvarint(b, uint64(len(v)))
	copy(b[k:], v)
	p := k + len(v)
	for i := k - 1; i >= 0; i-- {
		b[p] = b[i]
		p++
	}
}

func qlAppendEntry(dst, v []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, qlEntrySize(len(v)))[:n+qlEntrySize(len(v))]
	qlPutEntry(dst[n:], v)
	return dst
}

// qlEntryAt decodes the entry at b[p:]: its value and the offset after it.
func qlEntryAt(b []byte, p int) ([]byte, int) {
	n, k := binary.Uvarint(b[p:])
	s := p + k
	e := s + int(n)
	return b[s:e:e], e + k
}

// qlEntryBefore decodes the entry that ends at b[end]: its value and the
// offset where it starts.
func qlEntryBefore(b []byte, end int) ([]byte, int) {
	var n uint64
	var shift uint
	i := end - 1
	for {
		c := b[i]
		n |= uint64(c&0x7f) << shift
		i--
		if c < 0x80 {
			break
		}
		shift += 7
	}
	k := end - 1 - i
	e := i + 1
	s := e - int(n)
	return b[s:e:e], s - k
}

// ---------------------------------------------------------------------------
// Nodes

func qlNewPlainNode(v []byte) *qnode {
	return &qnode{buf: slices.Clone(v), n: 1, sz: len(v), plain: true}
}

func qlNewNodeWith(v []byte) *qnode {
	nd := &qnode{sz: lpEmptySize}
	nd.pushBack(v)
	return nd
}

// value returns the only element of a plain node.
func (nd *qnode) value() []byte { return nd.buf }

func (nd *qnode) pushBack(v []byte) {
	need := qlEntrySize(len(v))
	if s := int(nd.start); s > 0 && len(nd.buf)+need > cap(nd.buf) && s >= len(nd.buf)-s {
		// Mostly consumed from the front: slide down instead of growing.
		m := copy(nd.buf, nd.buf[s:])
		nd.buf, nd.start = nd.buf[:m], 0
	}
	nd.buf = qlAppendEntry(nd.buf, v)
	nd.n++
	nd.sz += qlListpackBytes(v)
}

func (nd *qnode) pushFront(v []byte) {
	need := qlEntrySize(len(v))
	if int(nd.start) < need {
		live := len(nd.buf) - int(nd.start)
		room := need + max(live/2, need, 16)
		nb := make([]byte, room+live)
		copy(nb[room:], nd.buf[nd.start:])
		nd.buf, nd.start = nb, uint32(room)
	}
	nd.start -= uint32(need)
	qlPutEntry(nd.buf[nd.start:], v)
	nd.n++
	nd.sz += qlListpackBytes(v)
}

// popFront removes and returns the first element. The result shares the
// node's memory: use it before the next change to the list.
func (nd *qnode) popFront() []byte {
	v, next := qlEntryAt(nd.buf, int(nd.start))
	nd.start = uint32(next)
	nd.n--
	nd.sz -= qlListpackBytes(v)
	return v
}

// popBack removes and returns the last element, like popFront.
func (nd *qnode) popBack() []byte {
	v, s := qlEntryBefore(nd.buf, len(nd.buf))
	nd.buf = nd.buf[:s]
	nd.n--
	nd.sz -= qlListpackBytes(v)
	return v
}

// seek returns the offset of entry j (0 ≤ j ≤ n; n gives the end).
func (nd *qnode) seek(j int) int {
	if j <= int(nd.n)/2 {
		off := int(nd.start)
		for ; j > 0; j-- {
			_, off = qlEntryAt(nd.buf, off)
		}
		return off
	}
	off := len(nd.buf)
	for k := int(nd.n); k > j; k-- {
		_, off = qlEntryBefore(nd.buf, off)
	}
	return off
}

// get returns element j.
func (nd *qnode) get(j int) []byte {
	if nd.plain {
		return nd.buf
	}
	v, _ := qlEntryAt(nd.buf, nd.seek(j))
	return v
}

// insertAt inserts v as a new entry at offset off.
func (nd *qnode) insertAt(off int, v []byte) {
	if off == int(nd.start) {
		nd.pushFront(v)
		return
	}
	need := qlEntrySize(len(v))
	old := len(nd.buf)
	nd.buf = slices.Grow(nd.buf, need)[:old+need]
	copy(nd.buf[off+need:], nd.buf[off:old])
	qlPutEntry(nd.buf[off:], v)
	nd.n++
	nd.sz += qlListpackBytes(v)
}

// replaceAt replaces the entry at offset off with v.
func (nd *qnode) replaceAt(off int, v []byte) {
	oldV, next := qlEntryAt(nd.buf, off)
	nd.sz += qlListpackBytes(v) - qlListpackBytes(oldV)
	need, have := qlEntrySize(len(v)), next-off
	switch {
	case need == have:
		qlPutEntry(nd.buf[off:], v)
	case need < have:
		qlPutEntry(nd.buf[off:], v)
		nd.buf = append(nd.buf[:off+need], nd.buf[next:]...)
	default:
		old := len(nd.buf)
		nd.buf = slices.Grow(nd.buf, need-have)[:old+need-have]
		copy(nd.buf[off+need:], nd.buf[next:old])
		qlPutEntry(nd.buf[off:], v)
	}
}

// deleteRange removes cnt entries from entry j on.
func (nd *qnode) deleteRange(j, cnt int) {
	from := nd.seek(j)
	to := from
	for k := 0; k < cnt; k++ {
		var v []byte
		v, to = qlEntryAt(nd.buf, to)
		nd.sz -= qlListpackBytes(v)
	}
	nd.n -= uint32(cnt)
	if from == int(nd.start) {
		nd.start = uint32(to)
	} else {
		nd.buf = append(nd.buf[:from], nd.buf[to:]...)
	}
	if nd.n == 0 {
		nd.buf, nd.start = nd.buf[:0], 0
	}
}

// qlPackedSize is the listpack size of the entries in b.
func qlPackedSize(b []byte) (sz, n int) {
	sz = lpEmptySize
	for off := 0; off < len(b); n++ {
		var v []byte
		v, off = qlEntryAt(b, off)
		sz += qlListpackBytes(v)
	}
	return sz, n
}

// split is Redis's _quicklistSplitNode. With after, nd keeps entries
// [0, j] and the returned node gets the rest; otherwise the returned node
// gets [0, j) and nd keeps the rest.
func (nd *qnode) split(j int, after bool) *qnode {
	var cut int
	if after {
		cut = nd.seek(j + 1)
	} else {
		cut = nd.seek(j)
	}
	nw := &qnode{}
	if after {
		nw.buf = slices.Clone(nd.buf[cut:])
		nd.buf = nd.buf[:cut]
	} else {
		nw.buf = slices.Clone(nd.buf[nd.start:cut])
		nd.start = uint32(cut)
	}
	sz, n := qlPackedSize(nw.buf)
	nw.sz, nw.n = sz, uint32(n)
	nd.sz -= sz - lpEmptySize
	nd.n -= uint32(n)
	return nw
}

// trim drops spare capacity from a node that is not expected to grow.
func (nd *qnode) trim() {
	if nd.plain {
		return
	}
	live := len(nd.buf) - int(nd.start)
	if cap(nd.buf)-live > live/4+16 {
		nd.buf, nd.start = slices.Clone(nd.buf[nd.start:]), 0
	}
}

func (nd *qnode) clone() *qnode {
	cp := *nd
	cp.buf = slices.Clone(nd.buf[nd.start:])
	cp.start = 0
	return &cp
}

// qnodes is a deque of nodes: a slice with room at both ends.
type qnodes struct {
	a  []*qnode
	lo int // live nodes are a[lo:]
}

func (q *qnodes) len() int        { return len(q.a) - q.lo }
func (q *qnodes) at(i int) *qnode { return q.a[q.lo+i] }

func (q *qnodes) pushBack(n *qnode) {
	if len(q.a) == cap(q.a) && q.lo > 0 && q.lo >= q.len() {
		// Mostly popped from the front (a queue): slide down rather
		// than carry the dead slots into a larger array.
		m := copy(q.a, q.a[q.lo:])
		clear(q.a[m:])
		q.a, q.lo = q.a[:m], 0
	}
	q.a = append(q.a, n)
}

func (q *qnodes) pushFront(n *qnode) {
	if q.lo == 0 {
		live := len(q.a)
		room := max(live/2, 4)
		na := make([]*qnode, room+live, room+live+max(live/2, 4))
		copy(na[room:], q.a)
		q.a, q.lo = na, room
	}
	q.lo--
	q.a[q.lo] = n
}

// insert makes n the node at position i.
func (q *qnodes) insert(i int, n *qnode) {
	if i == 0 {
		q.pushFront(n)
		return
	}
	q.a = slices.Insert(q.a, q.lo+i, n)
}

// remove drops the node at position i.
func (q *qnodes) remove(i int) {
	switch {
	case i == 0:
		q.a[q.lo] = nil
		q.lo++
		if q.lo == len(q.a) {
			q.a, q.lo = q.a[:0], 0
		}
	default:
		q.a = slices.Delete(q.a, q.lo+i, q.lo+i+1)
	}
}

// ---------------------------------------------------------------------------
// Lists

func newList() *list { return &list{one: qnode{sz: lpEmptySize}} }

func (l *list) quick() bool { return l.nodes != nil }

func (l *list) numNodes() int {
	if l.nodes == nil {
		return 1
	}
	return l.nodes.len()
}

func (l *list) node(i int) *qnode {
	if l.nodes == nil {
		return &l.one
	}
	return l.nodes.at(i)
}

func (l *list) objectEncoding() string {
	if l.quick() {
		return "quicklist"
	}
	return "listpack"
}

// growCheck is Redis's listTypeTryConversionAppend: before adding
// elements of addBytes bytes in all (addCount of them), a listpack that
// would pass the limit becomes a quicklist.
func (l *list) growCheck(lc listConf, addBytes, addCount int) {
	if l.quick() || !listExceeds(lc.fill, l.one.sz+addBytes, int(l.one.n)+addCount) {
		return
	}
	l.nodes = &qnodes{}
	if l.one.n > 0 {
		nd := new(qnode)
		*nd = l.one
		l.nodes.pushBack(nd)
	}
	l.one = qnode{}
	l.fill = int32(lc.fill)
}

// shrinkCheck is Redis's listTypeTryConversion for a list that shrank
// (shrinking) or was just built: a quicklist of one packed node under the
// limit (under half of it when shrinking) becomes a listpack again.
func (l *list) shrinkCheck(lc listConf, shrinking bool) {
	if !l.quick() || l.nodes.len() != 1 {
		return
	}
	nd := l.nodes.at(0)
	if nd.plain {
		return
	}
	sizeLimit, countLimit := listLimits(lc.fill)
	if shrinking {
		sizeLimit /= 2
		countLimit /= 2
	}
	if nd.sz > sizeLimit || l.count > countLimit {
		return
	}
	l.one = *nd
	l.nodes = nil
}

// qlArgsBytes sums the lengths of elements about to be added, for
// growCheck.
func qlArgsBytes(vs [][]byte) int {
	n := 0
	for _, v := range vs {
		n += len(v)
	}
	return n
}

// push adds v at the head or the tail. A listpack grows in place (the
// caller ran growCheck); a quicklist follows Redis's quicklistPush rules.
func (l *list) push(lc listConf, v []byte, head bool) {
	l.count++
	if !l.quick() {
		if head {
			l.one.pushFront(v)
		} else {
			l.one.pushBack(v)
		}
		return
	}
	fill := int(l.fill)
	q := l.nodes
	if lc.isLarge(len(v), fill) {
		if head {
			q.pushFront(qlNewPlainNode(v))
		} else {
			q.pushBack(qlNewPlainNode(v))
		}
		return
	}
	var end *qnode
	if q.len() > 0 {
		if head {
			end = q.at(0)
		} else {
			end = q.at(q.len() - 1)
		}
	}
	if l.allowInsert(lc, end, len(v)) {
		if head {
			end.pushFront(v)
		} else {
			end.pushBack(v)
		}
		return
	}
	if end != nil {
		end.trim()
	}
	if head {
		q.pushFront(qlNewNodeWith(v))
	} else {
		q.pushBack(qlNewNodeWith(v))
	}
}

// allowInsert is Redis's _quicklistNodeAllowInsert.
func (l *list) allowInsert(lc listConf, nd *qnode, sz int) bool {
	if nd == nil || nd.plain || lc.isLarge(sz, int(l.fill)) {
		return false
	}
	return !listExceeds(int(l.fill), nd.sz+sz+qlSizeOverhead, int(nd.n)+1)
}

// pop removes and returns the head or tail element, which shares the
// list's memory until its next change. The list must not be empty.
func (l *list) pop(head bool) []byte {
	l.count--
	if !l.quick() {
		if head {
			return l.one.popFront()
		}
		return l.one.popBack()
	}
	i := 0
	if !head {
		i = l.nodes.len() - 1
	}
	nd := l.nodes.at(i)
	var v []byte
	switch {
	case nd.plain:
		v = nd.buf
		nd.n = 0
	case head:
		v = nd.popFront()
	default:
		v = nd.popBack()
	}
	if nd.n == 0 {
		l.nodes.remove(i)
	}
	return v
}

// locate finds element i (0 ≤ i < count): its node's position and its
// index in that node.
func (l *list) locate(i int) (int, *qnode, int) {
	if !l.quick() {
		return 0, &l.one, i
	}
	q := l.nodes
	if i < l.count/2 {
		for ni := 0; ; ni++ {
			nd := q.at(ni)
			if i < int(nd.n) {
				return ni, nd, i
			}
			i -= int(nd.n)
		}
	}
	back := l.count - 1 - i // elements after i
	for ni := q.len() - 1; ; ni-- {
		nd := q.at(ni)
		if back < int(nd.n) {
			return ni, nd, int(nd.n) - 1 - back
		}
		back -= int(nd.n)
	}
}

// index returns element i (0 ≤ i < count).
func (l *list) index(i int) []byte {
	_, nd, j := l.locate(i)
	return nd.get(j)
}

// listIter walks a list from an index, forwards or backwards.
type listIter struct {
	l    *list
	ni   int
	nd   *qnode
	off  int // packed: offset of the next entry, or the end of it backwards
	left int // entries still to visit in nd
	rev  bool
}

// iter starts a walk at element i (0 ≤ i < count).
func (l *list) iter(i int, rev bool) listIter {
	ni, nd, j := l.locate(i)
	it := listIter{l: l, ni: ni, nd: nd, rev: rev}
	if rev {
		it.left = j + 1
		if !nd.plain {
			it.off = nd.seek(j + 1)
		}
	} else {
		it.left = int(nd.n) - j
		if !nd.plain {
			it.off = nd.seek(j)
		}
	}
	return it
}

// next returns the next element, or false at the end of the list.
func (it *listIter) next() ([]byte, bool) {
	for it.left == 0 {
		if it.rev {
			it.ni--
		} else {
			it.ni++
		}
		if it.ni < 0 || it.ni >= it.l.numNodes() {
			return nil, false
		}
		it.nd = it.l.node(it.ni)
		it.left = int(it.nd.n)
		if it.rev {
			it.off = len(it.nd.buf)
		} else {
			it.off = int(it.nd.start)
		}
	}
	it.left--
	if it.nd.plain {
		return it.nd.buf, true
	}
	var v []byte
	if it.rev {
		v, it.off = qlEntryBefore(it.nd.buf, it.off)
	} else {
		v, it.off = qlEntryAt(it.nd.buf, it.off)
	}
	return v, true
}

// delRange removes cnt elements from element start on (Redis's
// quicklistDelRange; no nodes are merged).
func (l *list) delRange(start, cnt int) {
	cnt = min(cnt, l.count-start)
	if cnt <= 0 {
		return
	}
	ni, _, j := l.locate(start)
	l.count -= cnt
	if !l.quick() {
		l.one.deleteRange(start, cnt)
		return
	}
	for cnt > 0 {
		nd := l.nodes.at(ni)
		if j == 0 && cnt >= int(nd.n) {
			cnt -= int(nd.n)
			l.nodes.remove(ni)
			continue
		}
		del := min(int(nd.n)-j, cnt)
		nd.deleteRange(j, del)
		cnt -= del
		if nd.n == 0 {
			l.nodes.remove(ni)
		} else {
			ni++
		}
		j = 0
	}
}

// insertAt inserts v before (after == false) or after element i,
// following Redis's _quicklistInsert for a quicklist.
func (l *list) insertAt(lc listConf, i int, v []byte, after bool) {
	ni, nd, j := l.locate(i)
	l.count++
	if !l.quick() {
		off := nd.seek(j)
		if after {
			_, off = qlEntryAt(nd.buf, off)
		}
		nd.insertAt(off, v)
		return
	}
	l.quickInsert(lc, ni, j, v, after)
}

// quickInsert is _quicklistInsert: v goes before or after entry j of node
// ni, into that node if it has room, else into a neighbour with room, a
// new node, or the two halves of the split node.
func (l *list) quickInsert(lc listConf, ni, j int, v []byte, after bool) {
	q := l.nodes
	nd := q.at(ni)
	fill := int(l.fill)
	var prev, next *qnode
	if ni > 0 {
		prev = q.at(ni - 1)
	}
	if ni+1 < q.len() {
		next = q.at(ni + 1)
	}
	full := !l.allowInsert(lc, nd, len(v))
	atTail := after && j == int(nd.n)-1
	atHead := !after && j == 0
	availNext := atTail && l.allowInsert(lc, next, len(v))
	availPrev := atHead && l.allowInsert(lc, prev, len(v))
	pos := ni // where a new node goes to be before nd
	if after {
		pos = ni + 1
	}
	if lc.isLarge(len(v), fill) {
		if nd.plain || atTail || atHead {
			q.insert(pos, qlNewPlainNode(v))
			return
		}
		half := nd.split(j, after)
		if after {
			q.insert(ni+1, qlNewPlainNode(v))
			q.insert(ni+2, half)
		} else {
			q.insert(ni, half)
			q.insert(ni+1, qlNewPlainNode(v))
		}
		return
	}
	switch {
	case !full:
		off := nd.seek(j)
		if after {
			_, off = qlEntryAt(nd.buf, off)
		}
		nd.insertAt(off, v)
	case atTail && availNext:
		next.pushFront(v)
	case atHead && availPrev:
		prev.pushBack(v)
	case atTail || atHead:
		q.insert(pos, qlNewNodeWith(v))
	default:
		half := nd.split(j, after)
		if after {
			half.pushFront(v)
			q.insert(ni+1, half)
		} else {
			half.pushBack(v)
			q.insert(ni, half)
			ni++
		}
		l.mergeAround(ni)
	}
}

// allowMerge is Redis's _quicklistNodeAllowMerge.
func (l *list) allowMerge(a, b *qnode) bool {
	if a.plain || b.plain {
		return false
	}
	return !listExceeds(int(l.fill), a.sz+b.sz-lpEmptySize, int(a.n+b.n))
}

// mergeWithNext appends node i+1's entries to node i and drops node i+1.
func (l *list) mergeWithNext(i int) {
	a, b := l.nodes.at(i), l.nodes.at(i+1)
	if a.start > 0 && len(a.buf)+len(b.buf)-int(b.start) > cap(a.buf) {
		a.buf, a.start = slices.Clone(a.buf[a.start:]), 0
	}
	a.buf = append(a.buf, b.buf[b.start:]...)
	a.n += b.n
	a.sz += b.sz - lpEmptySize
	l.nodes.remove(i + 1)
}

// mergeAround is Redis's _quicklistMergeNodes around node ci.
func (l *list) mergeAround(ci int) int {
	q := l.nodes
	if ci >= 2 && l.allowMerge(q.at(ci-2), q.at(ci-1)) {
		l.mergeWithNext(ci - 2)
		ci--
	}
	if ci+2 < q.len() && l.allowMerge(q.at(ci+1), q.at(ci+2)) {
		l.mergeWithNext(ci + 1)
	}
	if ci >= 1 && l.allowMerge(q.at(ci-1), q.at(ci)) {
		l.mergeWithNext(ci - 1)
		ci--
	}
	if ci+1 < q.len() && l.allowMerge(q.at(ci), q.at(ci+1)) {
		l.mergeWithNext(ci)
	}
	return ci
}

// set replaces element i with v, as Redis's quicklistReplaceEntry does.
func (l *list) set(lc listConf, i int, v []byte) {
	ni, nd, j := l.locate(i)
	if !l.quick() {
		nd.replaceAt(nd.seek(j), v)
		return
	}
	q := l.nodes
	large := lc.isLarge(len(v), int(l.fill))
	switch {
	case !nd.plain && !large:
		nd.replaceAt(nd.seek(j), v)
	case nd.plain && large:
		nd.buf, nd.sz = slices.Clone(v), len(v)
	case nd.plain:
		// Insert the small element after the plain node, then drop it.
		l.quickInsert(lc, ni, 0, v, true)
		q.remove(ni)
	default:
		// A large element in a packed node: split there, put the element
		// in a plain node of its own after the first half, and delete the
		// replaced entry, the first half's last.
		if j != int(nd.n)-1 {
			q.insert(ni+1, nd.split(j, true))
		}
		q.insert(ni+1, qlNewPlainNode(v))
		if nd.n == 1 {
			q.remove(ni)
			return
		}
		nd.popBack()
		l.mergeAround(ni + 1)
	}
}

// removeMatches deletes up to limit elements equal to v (all of them when
// limit is 0), from the head or from the tail, and returns how many went.
func (l *list) removeMatches(v []byte, limit int, fromTail bool) int {
	removed := 0
	n := l.numNodes()
	for k := 0; k < n && (limit == 0 || removed < limit); k++ {
		ni := k
		if fromTail {
			ni = n - 1 - k
		}
		nd := l.node(ni)
		if nd.plain {
			if string(nd.buf) == string(v) {
				nd.n = 0
				removed++
			}
			continue
		}
		removed += nd.removeMatches(v, limit-removed, limit == 0, fromTail)
	}
	l.count -= removed
	if l.quick() {
		for ni := l.nodes.len() - 1; ni >= 0; ni-- {
			if l.nodes.at(ni).n == 0 {
				l.nodes.remove(ni)
			}
		}
	}
	return removed
}

// removeMatches deletes entries equal to v from a packed node, up to
// limit unless all, compacting it in one pass.
func (nd *qnode) removeMatches(v []byte, limit int, all, fromTail bool) int {
	removed := 0
	b := nd.buf
	if !fromTail {
		wr := int(nd.start)
		for rd := int(nd.start); rd < len(b); {
			e, next := qlEntryAt(b, rd)
			if (all || removed < limit) && string(e) == string(v) {
				nd.sz -= qlListpackBytes(e)
				removed++
			} else {
				if wr != rd {
					copy(b[wr:], b[rd:next])
				}
				wr += next - rd
			}
			rd = next
		}
		nd.buf = b[:wr]
	} else {
		wr := len(b)
		for rd := len(b); rd > int(nd.start); {
			e, s := qlEntryBefore(b, rd)
			if (all || removed < limit) && string(e) == string(v) {
				nd.sz -= qlListpackBytes(e)
				removed++
			} else {
				if wr != rd {
					copy(b[wr-(rd-s):], b[s:rd])
				}
				wr -= rd - s
			}
			rd = s
		}
		nd.start = uint32(wr)
	}
	nd.n -= uint32(removed)
	return removed
}

// copyObject duplicates the list for COPY.
func (l *list) copyObject() any {
	cp := &list{count: l.count, fill: l.fill}
	if !l.quick() {
		cp.one = *l.one.clone()
		return cp
	}
	cp.nodes = &qnodes{a: make([]*qnode, 0, l.nodes.len())}
	for i := 0; i < l.nodes.len(); i++ {
		cp.nodes.pushBack(l.nodes.at(i).clone())
	}
	return cp
}

// digestObject feeds the elements, in order, to h.
func (l *list) digestObject(h hash.Hash) {
	writeLen(h, l.count)
	if l.count == 0 {
		return
	}
	it := l.iter(0, false)
	for v, ok := it.next(); ok; v, ok = it.next() {
		writeLen(h, len(v))
		h.Write(v)
	}
}

// objectReloader is implemented by values whose encoding saving and
// loading them changes; DEBUG RELOAD applies it (reloadEncodings).
type objectReloader interface{ reloadEncoding(c *client) }

// reloadEncodings gives every value the encoding a snapshot reload
// would: Redis's loader picks encodings afresh.
func (c *client) reloadEncodings() {
	for _, d := range c.e.dbs {
		d.keys.Range(func(_ string, o *object) bool {
			if r, ok := o.val.(objectReloader); ok {
				r.reloadEncoding(c)
			}
			return true
		})
	}
}

// reloadEncoding is Redis's LIST_CONV_AUTO after loading a list: a
// quicklist of one packed node within the limit loads as a listpack.
func (l *list) reloadEncoding(c *client) {
	lc := c.listConf()
	if l.quick() {
		l.shrinkCheck(lc, false)
	} else {
		l.growCheck(lc, 0, 0)
	}
}
