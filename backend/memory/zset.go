package memory

import (
	"encoding/binary"
	"hash"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// zset is a sorted set value (object.val of a kindZSet object). Like
// Redis it has two forms, and OBJECT ENCODING names them as Redis does:
//
//   - "listpack", for small sets: the entries sorted by (score, member)
//     in one slice, each pointing at its member's bytes in one shared
//     buffer. Two allocations per set, O(1) access by rank, linear member
//     lookup (Redis's listpack is linear too).
//   - "skiplist", once the set has more than zset-max-listpack-entries
//     members or a member longer than zset-max-listpack-value bytes: a
//     skiplist with spans plus a member index (skiplist.go).
//
// A set converts to the skiplist form under Redis's rules (zsetAdd,
// zsetTypeCreate, zsetTypeMaybeConvert) and back only where Redis does
// (the results of ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE).
//
// Member strings handed out by a zset never change: skiplist members are
// Go strings, and listpack members are views of a buffer that is only
// ever appended to (compaction moves live members to a new buffer).
type zset struct {
	ents []zlpEntry
	buf  []byte
	// dead counts the bytes of buf no entry points at any more.
	dead int
	// sl is the skiplist form; nil while the set is a listpack.
	sl *zskiplist
}

type zlpEntry struct {
	off, n uint32
	score  float64
}

// zsetLimits are the listpack thresholds in force.
type zsetLimits struct {
	maxEntries, maxValue int64
}

func (c *client) zlimits() zsetLimits {
	return zsetLimits{c.e.cfg.zsetMaxListpackEntries, c.e.cfg.zsetMaxListpackValue}
}

// zsetLpMaxSafety is Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows
// past 1 GB.
const zsetLpMaxSafety = 1 << 30

// newZset makes an empty set in the form Redis's zsetTypeCreate picks for
// about size members of about valLen bytes.
func newZset(size, valLen int, lim zsetLimits) *zset {
	if int64(size) <= lim.maxEntries && int64(valLen) <= lim.maxValue {
		return &zset{}
	}
	return &zset{sl: newZskiplist(size)}
}

func (z *zset) len() int {
	if z.sl != nil {
		return z.sl.length
	}
	return len(z.ents)
}

func (z *zset) objectEncoding() string {
	if z.sl != nil {
		return "skiplist"
	}
	return "listpack"
}

// lpMember is entry i's member, a view of buf.
func (z *zset) lpMember(i int) string {
	e := z.ents[i]
	if e.n == 0 {
		return ""
	}
	return unsafe.String(&z.buf[e.off], int(e.n))
}

// lpFind is the index of member in the listpack, or -1.
func (z *zset) lpFind(member string) int {
	for i, e := range z.ents {
		if int(e.n) == len(member) && string(z.buf[e.off:e.off+e.n]) == member {
			return i
		}
	}
	return -1
}

// lpBytes approximates the listpack's size, for the 1 GB limit.
func (z *zset) lpBytes() int {
	return len(z.buf) - z.dead + 12*len(z.ents) + 7
}

// lpInsert adds a member the caller knows is absent, in order. A listpack
// stores integral scores as integers, which turns -0 into 0.
func (z *zset) lpInsert(member string, score float64) {
	if score == 0 {
		score = 0
	}
	pos := sort.Search(len(z.ents), func(i int) bool {
		e := z.ents[i]
		return score < e.score || (score == e.score && member < z.lpMember(i))
	})
	off := len(z.buf)
	z.buf = append(z.buf, member...)
	z.ents = slices.Insert(z.ents, pos, zlpEntry{off: uint32(off), n: uint32(len(member)), score: score})
}

// lpDelete removes the entries at indexes [i, j).
func (z *zset) lpDelete(i, j int) {
	for _, e := range z.ents[i:j] {
		z.dead += int(e.n)
	}
	z.ents = slices.Delete(z.ents, i, j)
	if len(z.ents) == 0 {
		z.ents, z.buf, z.dead = nil, nil, 0
		return
	}
	if z.dead > 64 && z.dead*2 > len(z.buf) {
		z.lpCompact()
	}
}

// lpCompact moves the live members to a new buffer; the old one is left
// as it was, so views of it stay valid.
func (z *zset) lpCompact() {
	buf := make([]byte, 0, len(z.buf)-z.dead)
	for i := range z.ents {
		e := &z.ents[i]
		off := len(buf)
		buf = append(buf, z.buf[e.off:e.off+e.n]...)
		e.off = uint32(off)
	}
	z.buf, z.dead = buf, 0
}

// toSkiplist converts a listpack to the skiplist form, sized for size
// members.
func (z *zset) toSkiplist(size int) {
	if z.sl != nil {
		return
	}
	sl := newZskiplist(max(size, len(z.ents)))
	for i := len(z.ents) - 1; i >= 0; i-- {
		// From the highest down: each insert stops at the head.
		sl.insert(z.ents[i].score, strings.Clone(z.lpMember(i)))
	}
	z.sl, z.ents, z.buf, z.dead = sl, nil, nil, 0
}

// toListpack converts a skiplist to the listpack form.
func (z *zset) toListpack() {
	if z.sl == nil {
		return
	}
	n := z.sl.length
	size := 0
	for x := z.sl.first(); x != nil; x = x.level[0].forward {
		size += len(x.member)
	}
	z.ents, z.buf = make([]zlpEntry, 0, n), make([]byte, 0, size)
	for x := z.sl.first(); x != nil; x = x.level[0].forward {
		score := x.score
		if score == 0 {
			score = 0
		}
		z.ents = append(z.ents, zlpEntry{off: uint32(len(z.buf)), n: uint32(len(x.member)), score: score})
		z.buf = append(z.buf, x.member...)
	}
	z.sl = nil
}

// maybeConvert is Redis's zsetTypeMaybeConvert: a listpack about to take
// size more members becomes a skiplist when that would exceed the limit.
func (z *zset) maybeConvert(size int, lim zsetLimits) {
	if z.sl == nil && int64(size) > lim.maxEntries {
		z.toSkiplist(z.len() + size)
	}
}

// convertToListpackIfNeeded is Redis's zsetConvertToListpackIfNeeded, for
// the results of the store commands.
func (z *zset) convertToListpackIfNeeded(lim zsetLimits) {
	if z.sl == nil {
		return
	}
	maxLen, total := 0, 0
	for x := z.sl.first(); x != nil; x = x.level[0].forward {
		maxLen = max(maxLen, len(x.member))
		total += len(x.member)
	}
	if int64(z.sl.length) <= lim.maxEntries && int64(maxLen) <= lim.maxValue && total <= zsetLpMaxSafety {
		z.toListpack()
	}
}

// score returns member's score.
func (z *zset) score(member string) (float64, bool) {
	if z.sl != nil {
		if n := z.sl.index.find(member); n != nil {
			return n.score, true
		}
		return 0, false
	}
	if i := z.lpFind(member); i >= 0 {
		return z.ents[i].score, true
	}
	return 0, false
}

// rank returns member's 0-based rank in ascending order, and its score.
func (z *zset) rank(member string) (int, float64, bool) {
	if z.sl != nil {
		n := z.sl.index.find(member)
		if n == nil {
			return 0, 0, false
		}
		return z.sl.rankOf(n) - 1, n.score, true
	}
	if i := z.lpFind(member); i >= 0 {
		return i, z.ents[i].score, true
	}
	return 0, 0, false
}

// The flags of zsetAdd.
const (
	zaddNX = 1 << iota
	zaddXX
	zaddGT
	zaddLT
	zaddIncr
)

// The outcome of zsetAdd.
const (
	zaddAdded = 1 << iota
	zaddUpdated
	zaddNop
	zaddNaN
)

// add is Redis's zsetAdd: insert member or update its score under the
// flags. It returns what it did and the member's new score; zaddNaN means
// it did nothing because the score (or the incremented one) is NaN.
func (z *zset) add(member string, score float64, flags int, lim zsetLimits) (int, float64) {
	if math.IsNaN(score) {
		return zaddNaN, 0
	}
	var (
		cur    float64
		exists bool
		node   *zslNode
		idx    = -1
	)
	if z.sl != nil {
		if node = z.sl.index.find(member); node != nil {
			cur, exists = node.score, true
		}
	} else if idx = z.lpFind(member); idx >= 0 {
		cur, exists = z.ents[idx].score, true
	}
	if exists {
		if flags&zaddNX != 0 {
			return zaddNop, 0
		}
		if flags&zaddIncr != 0 {
			score += cur
			if math.IsNaN(score) {
				return zaddNaN, 0
			}
		}
		if (flags&zaddLT != 0 && score >= cur) || (flags&zaddGT != 0 && score <= cur) {
			return zaddNop, 0
		}
		if score == cur {
			return 0, score
		}
		if node != nil {
			z.sl.updateScore(node, score)
		} else {
			z.lpDelete(idx, idx+1)
			z.lpInsert(member, score)
		}
		return zaddUpdated, score
	}
	if flags&zaddXX != 0 {
		return zaddNop, 0
	}
	z.insertNew(member, score, lim)
	return zaddAdded, score
}

// insertNew adds a member the caller knows is absent, converting a
// listpack that would grow past its limits. member is copied.
func (z *zset) insertNew(member string, score float64, lim zsetLimits) {
	if z.sl == nil {
		if int64(len(z.ents)+1) > lim.maxEntries || int64(len(member)) > lim.maxValue ||
			z.lpBytes()+len(member) > zsetLpMaxSafety {
			z.toSkiplist(len(z.ents) + 1)
		} else {
			z.lpInsert(member, score)
			return
		}
	}
	z.sl.insert(score, strings.Clone(member))
}

// del removes member and reports whether it was there.
func (z *zset) del(member string) bool {
	if z.sl != nil {
		n := z.sl.index.find(member)
		if n == nil {
			return false
		}
		z.sl.remove(n)
		return true
	}
	if i := z.lpFind(member); i >= 0 {
		z.lpDelete(i, i+1)
		return true
	}
	return false
}

// deleteRanks removes the members of 0-based ranks start..end.
func (z *zset) deleteRanks(start, end int) int {
	if start > end {
		return 0
	}
	if z.sl != nil {
		return z.sl.deleteRankRange(start+1, end+1)
	}
	z.lpDelete(start, end+1)
	return end - start + 1
}

// zpos is a position in a zset, for walking it in order.
type zpos struct {
	i int      // listpack index, or rank (0-based) in the skiplist
	n *zslNode // skiplist node, nil past either end
}

// seek returns the position of 0-based rank r.
func (z *zset) seek(r int) zpos {
	if z.sl == nil {
		return zpos{i: r}
	}
	switch {
	case r == 0:
		return zpos{i: r, n: z.sl.first()}
	case r == z.sl.length-1:
		return zpos{i: r, n: z.sl.tail}
	}
	return zpos{i: r, n: z.sl.byRank(r + 1)}
}

func (z *zset) at(p zpos) (string, float64) {
	if z.sl != nil {
		return p.n.member, p.n.score
	}
	return z.lpMember(p.i), z.ents[p.i].score
}

func (z *zset) valid(p zpos) bool {
	if z.sl != nil {
		return p.n != nil
	}
	return p.i >= 0 && p.i < len(z.ents)
}

func (z *zset) next(p *zpos) {
	p.i++
	if p.n != nil {
		p.n = p.n.level[0].forward
	}
}

func (z *zset) prev(p *zpos) {
	p.i--
	if p.n != nil {
		p.n = p.n.backward
	}
}

// each calls fn for every member in ascending order until fn returns
// false. fn must not change the set.
func (z *zset) each(fn func(member string, score float64) bool) {
	if z.sl != nil {
		for x := z.sl.first(); x != nil; x = x.level[0].forward {
			if !fn(x.member, x.score) {
				return
			}
		}
		return
	}
	for i := range z.ents {
		if !fn(z.lpMember(i), z.ents[i].score) {
			return
		}
	}
}

// random returns a member chosen uniformly at random.
func (z *zset) random() (string, float64) {
	return z.at(z.seek(rand.IntN(z.len())))
}

// copyObject duplicates the set for COPY, in the same encoding.
func (z *zset) copyObject() any {
	if z.sl == nil {
		cp := &zset{ents: slices.Clone(z.ents), buf: slices.Clone(z.buf), dead: z.dead}
		if z.dead > 0 {
			cp.lpCompact()
		}
		return cp
	}
	cp := &zset{sl: newZskiplist(z.sl.length)}
	for x := z.sl.tail; x != nil; x = x.backward {
		cp.sl.insert(x.score, x.member) // strings are immutable: share them
	}
	return cp
}

// digestObject feeds the members and scores, in order, to h: the layout
// (skiplist levels, buffer holes) plays no part.
func (z *zset) digestObject(h hash.Hash) {
	writeLen(h, z.len())
	var b [8]byte
	z.each(func(m string, s float64) bool {
		writeLen(h, len(m))
		h.Write(bytesOfString(m))
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(s))
		h.Write(b[:])
		return true
	})
}

// ---------------------------------------------------------------------------
// Ranges.

// zscoreRange is a score interval as ZRANGEBYSCORE takes it: "(" makes an
// end exclusive.
type zscoreRange struct {
	min, max     float64
	minex, maxex bool
}

func (r *zscoreRange) gteMin(v float64) bool {
	if r.minex {
		return v > r.min
	}
	return v >= r.min
}

func (r *zscoreRange) lteMax(v float64) bool {
	if r.maxex {
		return v < r.max
	}
	return v <= r.max
}

func (r *zscoreRange) empty() bool {
	return r.min > r.max || (r.min == r.max && (r.minex || r.maxex))
}

// zlexBound is one end of a lexicographic range: "-" (inf < 0), "+"
// (inf > 0), or a member with "[" (inclusive) or "(" (exclusive).
type zlexBound struct {
	s   string
	inf int8
	ex  bool
}

// cmpLex compares a member with a bound's string, the infinities
// included (Redis's sdscmplex).
func cmpLex(a string, ainf int8, b string, binf int8) int {
	switch {
	case ainf == binf && ainf != 0:
		return 0
	case ainf < 0 || binf > 0:
		return -1
	case ainf > 0 || binf < 0:
		return 1
	}
	return strings.Compare(a, b)
}

type zlexRange struct{ min, max zlexBound }

func (r *zlexRange) gteMin(v string) bool {
	c := cmpLex(v, 0, r.min.s, r.min.inf)
	if r.min.ex {
		return c > 0
	}
	return c >= 0
}

func (r *zlexRange) lteMax(v string) bool {
	c := cmpLex(v, 0, r.max.s, r.max.inf)
	if r.max.ex {
		return c < 0
	}
	return c <= 0
}

func (r *zlexRange) empty() bool {
	c := cmpLex(r.min.s, r.min.inf, r.max.s, r.max.inf)
	return c > 0 || (c == 0 && (r.min.ex || r.max.ex))
}

// inScoreRange reports whether part of the set can be in r (Redis's
// zslIsInRange): r is not empty, the last member is not below it and the
// first not above it.
func (z *zset) inScoreRange(r *zscoreRange) bool {
	if r.empty() || z.len() == 0 {
		return false
	}
	_, last := z.at(z.seek(z.len() - 1))
	_, first := z.at(z.seek(0))
	return r.gteMin(last) && r.lteMax(first)
}

func (z *zset) inLexRange(r *zlexRange) bool {
	if r.empty() || z.len() == 0 {
		return false
	}
	last, _ := z.at(z.seek(z.len() - 1))
	first, _ := z.at(z.seek(0))
	return r.gteMin(last) && r.lteMax(first)
}

// scoreEdges returns the number of members below r and the number of
// members up to r's end (so the members in r are ranks lo..hi-1).
func (z *zset) scoreEdges(r *zscoreRange) (lo, hi int) {
	if z.sl != nil {
		lo = z.sl.countWhile(func(n *zslNode) bool { return !r.gteMin(n.score) })
		hi = z.sl.countWhile(func(n *zslNode) bool { return r.lteMax(n.score) })
		return lo, hi
	}
	lo = sort.Search(len(z.ents), func(i int) bool { return r.gteMin(z.ents[i].score) })
	hi = sort.Search(len(z.ents), func(i int) bool { return !r.lteMax(z.ents[i].score) })
	return lo, hi
}

// nthInScoreRange is Redis's zslNthInRange for the skiplist form: the
// rank of the n-th member in r counting from its start (n >= 0) or from
// its end (n < 0, -1 is the last), or -1.
func (z *zset) nthInScoreRange(r *zscoreRange, n int) int {
	if !z.inScoreRange(r) {
		return -1
	}
	lo, hi := z.scoreEdges(r)
	if n >= 0 {
		if lo+n >= z.len() {
			return -1
		}
		rank := lo + n
		if _, s := z.at(z.seek(rank)); !r.lteMax(s) {
			return -1
		}
		return rank
	}
	if hi < -n {
		return -1
	}
	rank := hi + n
	if _, s := z.at(z.seek(rank)); !r.gteMin(s) {
		return -1
	}
	return rank
}

// lexEdges is scoreEdges for a lexicographic range (the members sorted
// by member, as when every score is equal).
func (z *zset) lexEdges(r *zlexRange) (lo, hi int) {
	if z.sl != nil {
		lo = z.sl.countWhile(func(n *zslNode) bool { return !r.gteMin(n.member) })
		hi = z.sl.countWhile(func(n *zslNode) bool { return r.lteMax(n.member) })
		return lo, hi
	}
	lo = sort.Search(len(z.ents), func(i int) bool { return r.gteMin(z.lpMember(i)) })
	hi = sort.Search(len(z.ents), func(i int) bool { return !r.lteMax(z.lpMember(i)) })
	return lo, hi
}

// nthInLexRange is nthInScoreRange for a lexicographic range.
func (z *zset) nthInLexRange(r *zlexRange, n int) int {
	if !z.inLexRange(r) {
		return -1
	}
	if z.sl == nil {
		// A listpack is walked from its ends, as Redis's zzlFirstInLexRange
		// and zzlLastInLexRange do.
		if n >= 0 {
			for i := range z.ents {
				if m := z.lpMember(i); r.gteMin(m) {
					if !r.lteMax(m) {
						return -1
					}
					if i+n >= len(z.ents) {
						return -1
					}
					return i + n
				}
			}
			return -1
		}
		for i := len(z.ents) - 1; i >= 0; i-- {
			if m := z.lpMember(i); r.lteMax(m) {
				if !r.gteMin(m) || i+n+1 < 0 {
					return -1
				}
				return i + n + 1
			}
		}
		return -1
	}
	lo, hi := z.lexEdges(r)
	if n >= 0 {
		if lo+n >= z.len() {
			return -1
		}
		if m, _ := z.at(z.seek(lo + n)); !r.lteMax(m) {
			return -1
		}
		return lo + n
	}
	if hi < -n {
		return -1
	}
	if m, _ := z.at(z.seek(hi + n)); !r.gteMin(m) {
		return -1
	}
	return hi + n
}

// ---------------------------------------------------------------------------
// Parsing and formatting numbers as Redis does.

// strtod reads the longest prefix of s that C's strtod accepts (leading
// white space, a sign, decimal or hexadecimal digits with an exponent,
// "inf", "infinity", "nan"), and returns the value, the length read (0
// when nothing converts) and whether the value was out of range
// (overflow, or a non-zero value rounded to zero).
func strtod(s []byte) (v float64, n int, erange bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	signed := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := s[i:]
	switch {
	case hasFoldPrefix(rest, "infinity"):
		return signed(math.Inf(1)), i + 8, false
	case hasFoldPrefix(rest, "inf"):
		return signed(math.Inf(1)), i + 3, false
	case hasFoldPrefix(rest, "nan"):
		j := i + 3
		if j < len(s) && s[j] == '(' {
			k := j + 1
			for k < len(s) && (s[k] == '_' || isAlnum(s[k])) {
				k++
			}
			if k < len(s) && s[k] == ')' {
				j = k + 1
			}
		}
		return math.NaN(), j, false
	}
	hex := len(rest) > 2 && rest[0] == '0' && rest[1]|0x20 == 'x' &&
		(digitValue(rest[2]) < 16 || rest[2] == '.' && len(rest) > 3 && digitValue(rest[3]) < 16)
	base, expChar := 10, byte('e')
	if hex {
		i += 2
		base, expChar = 16, 'p'
	}
	digits, nonzero := 0, false
	for ; i < len(s) && digitValue(s[i]) < base; i++ {
		digits++
		nonzero = nonzero || s[i] != '0'
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && digitValue(s[i]) < base; i++ {
			digits++
			nonzero = nonzero || s[i] != '0'
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	mantEnd := i
	if i < len(s) && s[i]|0x20 == expChar {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	text := string(s[start:i])
	if hex && i == mantEnd {
		text += "p0"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		// Only a range error is possible: the syntax was checked.
		return f, i, true
	}
	if f == 0 && nonzero {
		return f, i, true
	}
	return f, i, false
}

func hasFoldPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// parseScore reads a float argument as Redis's string2d does: the whole
// of it, no leading space, no NaN, nothing out of range.
func parseScore(b []byte) (float64, bool) {
	if len(b) == 0 || isCSpace(b[0]) {
		return 0, false
	}
	v, n, erange := strtod(b)
	if n != len(b) || math.IsNaN(v) || (erange && (math.IsInf(v, 0) || v == 0)) {
		return 0, false
	}
	return v, true
}

// cstring cuts b at its first NUL, as C reads a string.
func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// parseRangeEnd reads one end of a score range as Redis's zslParseRange
// does: strtod over the C string (leading space, overflow and even an
// empty string accepted), a leading "(" for an exclusive end, no NaN.
func parseRangeEnd(b []byte) (v float64, ex bool, ok bool) {
	b = cstring(b)
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	v, n, _ := strtod(b)
	if n != len(b) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, ex, true
}

func parseScoreRange(min, max []byte) (zscoreRange, bool) {
	var r zscoreRange
	var ok bool
	if r.min, r.minex, ok = parseRangeEnd(min); !ok {
		return r, false
	}
	if r.max, r.maxex, ok = parseRangeEnd(max); !ok {
		return r, false
	}
	return r, true
}

func parseLexBound(b []byte) (zlexBound, bool) {
	if len(b) == 0 {
		return zlexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return zlexBound{}, false
		}
		if b[0] == '+' {
			return zlexBound{inf: 1, ex: true}, true
		}
		return zlexBound{inf: -1, ex: true}, true
	case '(':
		return zlexBound{s: string(b[1:]), ex: true}, true
	case '[':
		return zlexBound{s: string(b[1:])}, true
	}
	return zlexBound{}, false
}

func parseLexRange(min, max []byte) (zlexRange, bool) {
	var r zlexRange
	var ok bool
	if r.min, ok = parseLexBound(min); !ok {
		return r, false
	}
	if r.max, ok = parseLexBound(max); !ok {
		return r, false
	}
	return r, true
}

// appendScoreG formats a score as C's "%.17Lg" (ZSCAN of a skiplist).
func appendScoreG(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}
