package memory

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// The large form of a sorted set: a skiplist ordered by (score, member)
// whose levels carry spans, so that a rank is found in O(log n) as well as
// a score, plus a hash index from member to node for O(1) score lookups.
//
// The index is chained through the nodes themselves (zslNode.next), so a
// member costs one allocation: its node. Like the keyspace's dict, the
// index rehashes incrementally and is scanned with a reversed-bits cursor,
// which gives ZSCAN Redis's guarantee (every member present for the whole
// iteration is returned at least once) while the set changes.

// zslMaxLevel bounds a node's height, enough for 2^64 members at p = 1/4.
const zslMaxLevel = 32

type zslLevel struct {
	forward *zslNode
	// span is the number of nodes the forward link skips over, counting
	// the one it lands on: rank differences along a search path.
	span int
}

type zslNode struct {
	member   string
	score    float64
	backward *zslNode
	// next and hash chain the node in the member index.
	next  *zslNode
	hash  uint64
	level []zslLevel
}

// Nodes come with their levels in the same allocation; heights follow a
// geometric law (3/4 of the nodes have one level), so a few size classes
// cover almost every node.
type (
	zslNode1 struct {
		zslNode
		l [1]zslLevel
	}
	zslNode2 struct {
		zslNode
		l [2]zslLevel
	}
	zslNode4 struct {
		zslNode
		l [4]zslLevel
	}
)

func newZslNode(level int, score float64, member string) *zslNode {
	var n *zslNode
	switch {
	case level == 1:
		x := &zslNode1{}
		n = &x.zslNode
		n.level = x.l[:]
	case level == 2:
		x := &zslNode2{}
		n = &x.zslNode
		n.level = x.l[:]
	case level <= 4:
		x := &zslNode4{}
		n = &x.zslNode
		n.level = x.l[:level]
	default:
		n = &zslNode{level: make([]zslLevel, level)}
	}
	n.score, n.member = score, member
	return n
}

// zslRandomLevel draws a node height: each extra level with probability
// 1/4, as Redis does.
func zslRandomLevel() int {
	// Two random bits per level: the level grows while both are zero.
	l := 1 + bits.TrailingZeros64(rand.Uint64()|1<<62)/2
	return min(l, zslMaxLevel)
}

// zslLess orders nodes by score, then member bytes.
func zslLess(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

type zskiplist struct {
	header *zslNode
	tail   *zslNode
	length int
	level  int
	index  zslIndex
}

func newZskiplist(sizeHint int) *zskiplist {
	zl := &zskiplist{header: newZslNode(zslMaxLevel, 0, ""), level: 1}
	zl.index.init(sizeHint)
	return zl
}

// first is the lowest node, nil when empty.
func (zl *zskiplist) first() *zslNode { return zl.header.level[0].forward }

// insert adds a member the caller knows is absent and returns its node.
// The member string is kept as is: the caller passes a copy it owns.
func (zl *zskiplist) insert(score float64, member string) *zslNode {
	n := newZslNode(zslRandomLevel(), score, member)
	zl.link(n)
	zl.index.add(n)
	return n
}

// link puts n, with its own height, in the list.
func (zl *zskiplist) link(n *zslNode) {
	var update [zslMaxLevel]*zslNode
	var rank [zslMaxLevel]int
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		if i < zl.level-1 {
			rank[i] = rank[i+1]
		}
		for f := x.level[i].forward; f != nil && zslLess(f.score, f.member, n.score, n.member); f = x.level[i].forward {
			rank[i] += x.level[i].span
			x = f
		}
		update[i] = x
	}
	level := len(n.level)
	if level > zl.level {
		for i := zl.level; i < level; i++ {
			rank[i] = 0
			update[i] = zl.header
			update[i].level[i].span = zl.length
		}
		zl.level = level
	}
	for i := 0; i < level; i++ {
		n.level[i].forward = update[i].level[i].forward
		update[i].level[i].forward = n
		n.level[i].span = update[i].level[i].span - (rank[0] - rank[i])
		update[i].level[i].span = rank[0] - rank[i] + 1
	}
	for i := level; i < zl.level; i++ {
		update[i].level[i].span++
	}
	if update[0] != zl.header {
		n.backward = update[0]
	} else {
		n.backward = nil
	}
	if f := n.level[0].forward; f != nil {
		f.backward = n
	} else {
		zl.tail = n
	}
	zl.length++
}

// findUpdate fills update with the last node before (score, member) on
// every level.
func (zl *zskiplist) findUpdate(score float64, member string, update *[zslMaxLevel]*zslNode) {
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for f := x.level[i].forward; f != nil && zslLess(f.score, f.member, score, member); f = x.level[i].forward {
			x = f
		}
		update[i] = x
	}
}

// unlinkNode takes x out of the list, given the nodes before it.
func (zl *zskiplist) unlinkNode(x *zslNode, update *[zslMaxLevel]*zslNode) {
	for i := 0; i < zl.level; i++ {
		if update[i].level[i].forward == x {
			update[i].level[i].span += x.level[i].span - 1
			update[i].level[i].forward = x.level[i].forward
		} else {
			update[i].level[i].span--
		}
	}
	if f := x.level[0].forward; f != nil {
		f.backward = x.backward
	} else {
		zl.tail = x.backward
	}
	for zl.level > 1 && zl.header.level[zl.level-1].forward == nil {
		zl.level--
	}
	zl.length--
	for i := range x.level {
		x.level[i] = zslLevel{}
	}
	x.backward = nil
}

// remove deletes member, whose node is n, from the list and the index.
func (zl *zskiplist) remove(n *zslNode) {
	var update [zslMaxLevel]*zslNode
	zl.findUpdate(n.score, n.member, &update)
	zl.unlinkNode(n, &update)
	zl.index.remove(n)
}

// updateScore moves n to a new score: in place when its neighbours keep
// it in order, otherwise unlinked and linked again (same node, so the
// index is untouched).
func (zl *zskiplist) updateScore(n *zslNode, score float64) {
	if (n.backward == nil || n.backward.score < score) &&
		(n.level[0].forward == nil || n.level[0].forward.score > score) {
		n.score = score
		return
	}
	var update [zslMaxLevel]*zslNode
	zl.findUpdate(n.score, n.member, &update)
	zl.unlinkNode(n, &update)
	n.score = score
	zl.link(n)
}

// rankOf is the 1-based rank of n.
func (zl *zskiplist) rankOf(n *zslNode) int {
	rank := 0
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for f := x.level[i].forward; f != nil && !zslLess(n.score, n.member, f.score, f.member); f = x.level[i].forward {
			rank += x.level[i].span
			x = f
		}
		if x == n {
			return rank
		}
	}
	return 0
}

// byRank returns the node of 1-based rank r, nil when out of range.
func (zl *zskiplist) byRank(r int) *zslNode {
	if r < 1 || r > zl.length {
		return nil
	}
	traversed := 0
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.level[i].forward != nil && traversed+x.level[i].span <= r {
			traversed += x.level[i].span
			x = x.level[i].forward
		}
		if traversed == r {
			return x
		}
	}
	return nil
}

// countWhile walks from the start while before(node) holds, which must be
// true for a prefix of the list, and returns how many nodes it passed.
func (zl *zskiplist) countWhile(before func(n *zslNode) bool) int {
	rank := 0
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for f := x.level[i].forward; f != nil && before(f); f = x.level[i].forward {
			rank += x.level[i].span
			x = f
		}
	}
	return rank
}

// deleteRankRange removes the nodes of 1-based ranks start..end and
// returns how many it removed.
func (zl *zskiplist) deleteRankRange(start, end int) int {
	var update [zslMaxLevel]*zslNode
	traversed := 0
	x := zl.header
	for i := zl.level - 1; i >= 0; i-- {
		for x.level[i].forward != nil && traversed+x.level[i].span < start {
			traversed += x.level[i].span
			x = x.level[i].forward
		}
		update[i] = x
	}
	traversed++
	x = x.level[0].forward
	removed := 0
	for x != nil && traversed <= end {
		next := x.level[0].forward
		zl.unlinkNode(x, &update)
		zl.index.remove(x)
		removed++
		traversed++
		x = next
	}
	return removed
}

// ---------------------------------------------------------------------------
// The member index.

// zslIndex maps members to their nodes: a chained hash table with
// incremental rehashing, as the keyspace's dict (dict.go) but specialised
// to skiplist nodes.
type zslIndex struct {
	seed maphash.Seed
	chainTables[zslNode, *zslNode]
}

func (n *zslNode) chainLink() **zslNode { return &n.next }
func (n *zslNode) chainHash() uint64    { return n.hash }

func (ix *zslIndex) init(sizeHint int) {
	ix.seed = maphash.MakeSeed()
	ix.rehashIdx = -1
	ix.tables[0] = make([]*zslNode, bucketsFor(sizeHint))
}

func (ix *zslIndex) len() int { return ix.used[0] + ix.used[1] }

func (ix *zslIndex) find(member string) *zslNode {
	if ix.len() == 0 {
		return nil
	}
	if ix.rehashIdx >= 0 {
		ix.rehash(1)
	}
	h := maphash.String(ix.seed, member)
	for t := 0; t < 2; t++ {
		tab := ix.tables[t]
		i := int(h & uint64(len(tab)-1))
		if t == 0 && i < ix.rehashIdx {
			// Moved already.
		} else {
			for n := tab[i]; n != nil; n = n.next {
				if n.hash == h && n.member == member {
					return n
				}
			}
		}
		if ix.rehashIdx < 0 {
			break
		}
	}
	return nil
}

func (ix *zslIndex) add(n *zslNode) {
	if ix.rehashIdx >= 0 {
		ix.rehash(1)
	} else if ix.used[0] >= len(ix.tables[0]) {
		ix.resize(ix.used[0] + 1)
	}
	n.hash = maphash.String(ix.seed, n.member)
	t := 0
	if ix.rehashIdx >= 0 {
		t = 1
	}
	tab := ix.tables[t]
	i := n.hash & uint64(len(tab)-1)
	n.next = tab[i]
	tab[i] = n
	ix.used[t]++
}

// remove unlinks n, which is in the index.
func (ix *zslIndex) remove(n *zslNode) {
	if ix.rehashIdx >= 0 {
		ix.rehash(1)
	}
	for t := 0; t < 2; t++ {
		tab := ix.tables[t]
		if tab == nil {
			break
		}
		i := int(n.hash & uint64(len(tab)-1))
		if t == 0 && i < ix.rehashIdx {
			continue
		}
		for link := &tab[i]; *link != nil; link = &(*link).next {
			if *link == n {
				*link = n.next
				n.next = nil
				ix.used[t]--
				ix.shrinkIfNeeded()
				return
			}
		}
	}
}

// scan is one step of a SCAN-style walk of the index (dict.Scan): it
// calls fn for the members of the step and returns the next cursor, 0
// when the walk is done.
func (ix *zslIndex) scan(cursor uint64, fn func(n *zslNode)) uint64 {
	if ix.len() == 0 {
		return 0
	}
	return ix.chainTables.scan(cursor, fn)
}
