package memory

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Sorted set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
// ZREVRANK ZCOUNT ZLEXCOUNT ZRANGE ZRANGESTORE ZREVRANGE ZRANGEBYSCORE
// ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK
// ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZUNION
// ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD ZSCAN
// BZPOPMIN BZPOPMAX BZMPOP.
var zsetCommands = map[string]handler{
	"zadd":             cmdZAdd,
	"zincrby":          cmdZIncrBy,
	"zrem":             cmdZRem,
	"zcard":            cmdZCard,
	"zscore":           cmdZScore,
	"zmscore":          cmdZMScore,
	"zrank":            cmdZRank,
	"zrevrank":         cmdZRevRank,
	"zcount":           cmdZCount,
	"zlexcount":        cmdZLexCount,
	"zrange":           cmdZRange,
	"zrangestore":      cmdZRangeStore,
	"zrevrange":        cmdZRevRange,
	"zrangebyscore":    cmdZRangeByScore,
	"zrevrangebyscore": cmdZRevRangeByScore,
	"zrangebylex":      cmdZRangeByLex,
	"zrevrangebylex":   cmdZRevRangeByLex,
	"zremrangebyrank":  cmdZRemRangeByRank,
	"zremrangebyscore": cmdZRemRangeByScore,
	"zremrangebylex":   cmdZRemRangeByLex,
	"zpopmin":          cmdZPopMin,
	"zpopmax":          cmdZPopMax,
	"zmpop":            cmdZMPop,
	"zrandmember":      cmdZRandMember,
	"zunion":           cmdZUnion,
	"zinter":           cmdZInter,
	"zdiff":            cmdZDiff,
	"zunionstore":      cmdZUnionStore,
	"zinterstore":      cmdZInterStore,
	"zdiffstore":       cmdZDiffStore,
	"zintercard":       cmdZInterCard,
	"zscan":            cmdZScan,
	"bzpopmin":         cmdBZPopMin,
	"bzpopmax":         cmdBZPopMax,
	"bzmpop":           cmdBZMPop,
}

var (
	errZsetNaN      = resp.Error("ERR resulting score is not a number (NaN)")
	errZaddXXNX     = resp.Error("ERR XX and NX options at the same time are not compatible")
	errZaddGTLTNX   = resp.Error("ERR GT, LT, and/or NX options at the same time are not compatible")
	errZaddIncrPair = resp.Error("ERR INCR option supports a single increment-element pair")
	errMinMaxFloat  = resp.Error("ERR min or max is not a float")
	errMinMaxLex    = resp.Error("ERR min or max not valid string range item")
	errWeightFloat  = resp.Error("ERR weight value is not a float")
	errLimitNeg     = resp.Error("ERR LIMIT can't be negative")
	errNumkeys      = resp.Error("ERR numkeys should be greater than 0")
	errCountPos     = resp.Error("ERR count should be greater than 0")
	errZLimitRank   = resp.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	errZWithLex     = resp.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
)

// zsetRead is a read command's lookup of a sorted set.
func (c *client) zsetRead(key []byte) (*zset, error) {
	return valueOf[*zset](c.readKey(key, false), kindZSet)
}

// zsetWrite is a write command's lookup of a sorted set.
func (c *client) zsetWrite(key []byte) (*zset, error) {
	return valueOf[*zset](c.writeKey(c.db, key), kindZSet)
}

// zsetChanged finishes a write to key's set z: the key goes when the set
// is empty, otherwise its watchers (and clients blocked on it, through
// db.modified) are told.
func (c *client) zsetChanged(key []byte, z *zset) {
	if z.len() == 0 {
		c.db.remove(key)
	} else {
		c.db.modified(key)
	}
}

// writeScorePair writes a member and its score: flat in RESP2, as a pair
// in RESP3.
func writeScorePair(w resp.ReplyWriter, member string, score float64) {
	if w.Proto() >= 3 {
		w.WriteArray(2)
	}
	w.WriteBulkString(member)
	w.WriteDouble(score)
}

// writeMember writes a member alone, or with its score (writeScorePair)
// when withScores.
func writeMember(w resp.ReplyWriter, member string, score float64, withScores bool) {
	if withScores {
		writeScorePair(w, member, score)
	} else {
		w.WriteBulkString(member)
	}
}

// writePairsHeader opens an array of n items that, with pairs, are each a
// member and its score or a field and its value: flat in RESP2 (2n
// elements), n two-element arrays in RESP3.
func writePairsHeader(w resp.ReplyWriter, n int, pairs bool) {
	if pairs && w.Proto() < 3 {
		w.WriteArray(2 * n)
	} else {
		w.WriteArray(n)
	}
}

// parseRandCount reads the count and the WITHSCORES or WITHVALUES option
// (with) of ZRANDMEMBER and HRANDFIELD, in Redis's order: the count must
// be an integer above -2^63, the option the only one, and a count with the
// option small enough that twice it fits in an int64.
func parseRandCount(argv [][]byte, with string) (count int64, pairs bool, err error) {
	count, ok := resp.ParseInt(argv[2])
	if !ok {
		return 0, false, resp.ErrNotInt
	}
	if count == math.MinInt64 {
		return 0, false, resp.ErrRangeBetween(-math.MaxInt64, math.MaxInt64)
	}
	if len(argv) > 4 || (len(argv) == 4 && !optIs(argv[3], with)) {
		return 0, false, resp.ErrSyntax
	}
	if len(argv) == 4 {
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			return 0, false, resp.ErrOutOfRange
		}
		pairs = true
	}
	return count, pairs, nil
}

// randomDistinct calls fn with count distinct indexes below size, drawn
// at random in random order; count should be well below size.
func randomDistinct(size, count int, fn func(i int)) {
	seen := make(map[int]struct{}, count)
	for len(seen) < count {
		i := rand.IntN(size)
		if _, dup := seen[i]; dup {
			continue
		}
		seen[i] = struct{}{}
		fn(i)
	}
}

// ---------------------------------------------------------------------------
// ZADD ZINCRBY ZREM

func cmdZAdd(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zadd(argv, 0, w)
}

func cmdZIncrBy(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zadd(argv, zaddIncr, w)
}

// zadd is ZADD and ZINCRBY (which is ZADD INCR with its own syntax; both
// read options the same way, as Redis's zaddGenericCommand does).
func (c *client) zadd(argv [][]byte, flags int, w resp.ReplyWriter) error {
	ch := false
	i := 2
options:
	for ; i < len(argv); i++ {
		switch opt := bytesAsString(argv[i]); {
		case strings.EqualFold(opt, "nx"):
			flags |= zaddNX
		case strings.EqualFold(opt, "xx"):
			flags |= zaddXX
		case strings.EqualFold(opt, "ch"):
			ch = true
		case strings.EqualFold(opt, "incr"):
			flags |= zaddIncr
		case strings.EqualFold(opt, "gt"):
			flags |= zaddGT
		case strings.EqualFold(opt, "lt"):
			flags |= zaddLT
		default:
			break options
		}
	}
	pairs := len(argv) - i
	if pairs%2 != 0 || pairs == 0 {
		return resp.ErrSyntax
	}
	pairs /= 2
	nx, xx, gt, lt, incr := flags&zaddNX != 0, flags&zaddXX != 0, flags&zaddGT != 0, flags&zaddLT != 0, flags&zaddIncr != 0
	if nx && xx {
		return errZaddXXNX
	}
	if (gt && nx) || (lt && nx) || (gt && lt) {
		return errZaddGTLTNX
	}
	if incr && pairs > 1 {
		return errZaddIncrPair
	}
	var small [8]float64
	scores := small[:0]
	if pairs > len(small) {
		scores = make([]float64, 0, pairs)
	}
	for j := 0; j < pairs; j++ {
		f, ok := parseScore(argv[i+2*j])
		if !ok {
			return resp.ErrNotFloat
		}
		scores = append(scores, f)
	}
	key := argv[1]
	o := c.writeKey(c.db, key)
	z, err := valueOf[*zset](o, kindZSet)
	if err != nil {
		return err
	}
	lim := c.zlimits()
	var added, updated, processed int
	var score float64
	isNew := false
	if z == nil {
		if xx {
			return c.zaddReply(incr, ch, 0, 0, 0, 0, w)
		}
		z = newZset(pairs, len(argv[i+1]), lim)
		isNew = true
	} else {
		z.maybeConvert(pairs, lim)
	}
	for j, s := range scores {
		out, ns := z.add(bytesAsString(argv[i+2*j+1]), s, flags, lim)
		if out&zaddNaN != 0 {
			if added+updated > 0 {
				c.zaddDone(key, z, isNew, added+updated)
			}
			return errZsetNaN
		}
		if out&zaddAdded != 0 {
			added++
		}
		if out&zaddUpdated != 0 {
			updated++
		}
		if out&zaddNop == 0 {
			processed++
		}
		score = ns
	}
	if added+updated > 0 {
		c.zaddDone(key, z, isNew, added+updated)
	}
	return c.zaddReply(incr, ch, added, updated, processed, score, w)
}

// zaddDone stores a new set or records the change to an existing one.
func (c *client) zaddDone(key []byte, z *zset, isNew bool, changes int) {
	if isNew {
		c.db.insert(key, &object{kind: kindZSet, val: z, lru: c.e.lruClock()})
	} else {
		c.db.modified(key)
	}
	c.e.dirty += int64(changes)
}

func (c *client) zaddReply(incr, ch bool, added, updated, processed int, score float64, w resp.ReplyWriter) error {
	switch {
	case incr && processed > 0:
		w.WriteDouble(score)
	case incr:
		w.WriteNull()
	case ch:
		w.WriteInt(int64(added + updated))
	default:
		w.WriteInt(int64(added))
	}
	return nil
}

func cmdZRem(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	z, err := c.zsetWrite(key)
	if err != nil {
		return err
	}
	if z == nil {
		w.WriteInt(0)
		return nil
	}
	deleted := 0
	for _, m := range argv[2:] {
		if z.del(bytesAsString(m)) {
			deleted++
		}
		if z.len() == 0 {
			break
		}
	}
	if deleted > 0 {
		c.zsetChanged(key, z)
		c.e.dirty += int64(deleted)
	}
	w.WriteInt(int64(deleted))
	return nil
}

// ---------------------------------------------------------------------------
// ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT

func cmdZCard(c *client, argv [][]byte, w resp.ReplyWriter) error {
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	if z == nil {
		w.WriteInt(0)
	} else {
		w.WriteInt(int64(z.len()))
	}
	return nil
}

func cmdZScore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	if z != nil {
		if s, ok := z.score(bytesAsString(argv[2])); ok {
			w.WriteDouble(s)
			return nil
		}
	}
	w.WriteNull()
	return nil
}

func cmdZMScore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	w.WriteArray(len(argv) - 2)
	for _, m := range argv[2:] {
		if z != nil {
			if s, ok := z.score(bytesAsString(m)); ok {
				w.WriteDouble(s)
				continue
			}
		}
		w.WriteNull()
	}
	return nil
}

func cmdZRank(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrank(argv, false, w)
}

func cmdZRevRank(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrank(argv, true, w)
}

func (c *client) zrank(argv [][]byte, rev bool, w resp.ReplyWriter) error {
	if len(argv) > 4 {
		return resp.ErrWrongArgs(strings.ToLower(string(argv[0])))
	}
	withScore := false
	if len(argv) == 4 {
		if !optIs(argv[3], "withscore") {
			return resp.ErrSyntax
		}
		withScore = true
	}
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	if z != nil {
		if r, s, ok := z.rank(bytesAsString(argv[2])); ok {
			if rev {
				r = z.len() - 1 - r
			}
			if withScore {
				w.WriteArray(2)
				w.WriteInt(int64(r))
				w.WriteDouble(s)
			} else {
				w.WriteInt(int64(r))
			}
			return nil
		}
	}
	if withScore {
		w.WriteNullArray()
	} else {
		w.WriteNull()
	}
	return nil
}

func cmdZCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	r, ok := parseScoreRange(argv[2], argv[3])
	if !ok {
		return errMinMaxFloat
	}
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	n := 0
	if z != nil && z.inScoreRange(&r) {
		lo, hi := z.scoreEdges(&r)
		n = max(hi-lo, 0)
	}
	w.WriteInt(int64(n))
	return nil
}

func cmdZLexCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	r, ok := parseLexRange(argv[2], argv[3])
	if !ok {
		return errMinMaxLex
	}
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	w.WriteInt(int64(zlexCount(z, &r)))
	return nil
}

// zlexCount counts the members in r: a listpack by walking from the first
// one in range, a skiplist from the ranks of the first and last ones.
func zlexCount(z *zset, r *zlexRange) int {
	if z == nil {
		return 0
	}
	first := z.nthInLexRange(r, 0)
	if first < 0 {
		return 0
	}
	if z.sl == nil {
		n := 0
		for p := z.seek(first); z.valid(p); z.next(&p) {
			if m, _ := z.at(p); !r.lteMax(m) {
				break
			}
			n++
		}
		return n
	}
	n := z.len() - first
	if last := z.nthInLexRange(r, -1); last >= 0 {
		n -= z.len() - (last + 1)
	}
	return n
}

// ---------------------------------------------------------------------------
// ZRANGE and its variants

type zrangeKind int

const (
	zrangeAuto zrangeKind = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

// zrangeQuery is a parsed ZRANGE-style request.
type zrangeQuery struct {
	kind       zrangeKind
	rev        bool
	start, end int64
	score      zscoreRange
	lex        zlexRange
	offset     int64
	limit      int64
	withScores bool
}

// parseZrange parses "<min> <max> [options]" from argv[i] on, as Redis's
// zrangeGenericCommand does. kind and rev are fixed by the old commands;
// zrangeAuto and dirAuto let the options choose.
func parseZrange(argv [][]byte, i int, store bool, kind zrangeKind, rev, dirAuto bool) (zrangeQuery, error) {
	q := zrangeQuery{kind: kind, rev: rev, limit: -1}
	limitSet := false
	for j := i + 2; j < len(argv); j++ {
		left := len(argv) - j - 1
		switch {
		case !store && optIs(argv[j], "withscores"):
			q.withScores = true
		case optIs(argv[j], "limit") && left >= 2:
			off, ok := resp.ParseInt(argv[j+1])
			if !ok {
				return q, resp.ErrNotInt
			}
			lim, ok := resp.ParseInt(argv[j+2])
			if !ok {
				return q, resp.ErrNotInt
			}
			q.offset, q.limit, limitSet = off, lim, true
			j += 2
		case dirAuto && !q.rev && optIs(argv[j], "rev"):
			q.rev = true
		case q.kind == zrangeAuto && kind == zrangeAuto && optIs(argv[j], "bylex"):
			q.kind = zrangeLex
		case q.kind == zrangeAuto && kind == zrangeAuto && optIs(argv[j], "byscore"):
			q.kind = zrangeScore
		default:
			return q, resp.ErrSyntax
		}
	}
	if q.kind == zrangeAuto {
		q.kind = zrangeRank
	}
	if limitSet && q.limit != -1 && q.kind == zrangeRank {
		return q, errZLimitRank
	}
	if q.withScores && q.kind == zrangeLex {
		return q, errZWithLex
	}
	minArg, maxArg := argv[i], argv[i+1]
	if q.rev && q.kind != zrangeRank {
		minArg, maxArg = maxArg, minArg
	}
	switch q.kind {
	case zrangeRank:
		var ok bool
		if q.start, ok = resp.ParseInt(minArg); !ok {
			return q, resp.ErrNotInt
		}
		if q.end, ok = resp.ParseInt(maxArg); !ok {
			return q, resp.ErrNotInt
		}
	case zrangeScore:
		var ok bool
		if q.score, ok = parseScoreRange(minArg, maxArg); !ok {
			return q, errMinMaxFloat
		}
	case zrangeLex:
		var ok bool
		if q.lex, ok = parseLexRange(minArg, maxArg); !ok {
			return q, errMinMaxLex
		}
	}
	return q, nil
}

// walk calls fn for the members the query selects, in reply order, and
// returns how many there were. It reproduces Redis's quirks: a negative
// LIMIT count means no limit; a negative offset selects nothing in a
// listpack and counts from the other end in a skiplist.
func (q *zrangeQuery) walk(z *zset, fn func(member string, score float64)) int {
	n := 0
	llen := int64(z.len())
	switch q.kind {
	case zrangeRank:
		start, end := q.start, q.end
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		start = max(start, 0)
		if start > end || start >= llen {
			return 0
		}
		end = min(end, llen-1)
		if q.rev {
			p := z.seek(int(llen - 1 - start))
			for r := start; r <= end; r++ {
				fn(z.at(p))
				z.prev(&p)
				n++
			}
		} else {
			p := z.seek(int(start))
			for r := start; r <= end; r++ {
				fn(z.at(p))
				z.next(&p)
				n++
			}
		}
		return n
	case zrangeScore:
		if q.offset > 0 && q.offset >= llen {
			return 0
		}
	}
	if z.sl == nil && q.offset < 0 {
		return 0
	}
	nth := q.offset
	if q.rev {
		nth = -q.offset - 1
	}
	nthInt := int(max(min(nth, math.MaxInt32), math.MinInt32))
	var rank int
	if q.kind == zrangeScore {
		rank = z.nthInScoreRange(&q.score, nthInt)
	} else {
		rank = z.nthInLexRange(&q.lex, nthInt)
	}
	if rank < 0 {
		return 0
	}
	limit := q.limit
	for p := z.seek(rank); z.valid(p) && limit != 0; limit-- {
		m, s := z.at(p)
		var in bool
		switch {
		case q.kind == zrangeScore && q.rev:
			in = q.score.gteMin(s)
		case q.kind == zrangeScore:
			in = q.score.lteMax(s)
		case q.rev:
			in = q.lex.gteMin(m)
		default:
			in = q.lex.lteMax(m)
		}
		if !in {
			break
		}
		fn(m, s)
		n++
		if q.rev {
			z.prev(&p)
		} else {
			z.next(&p)
		}
	}
	return n
}

// zrange runs a ZRANGE-style command whose key is argv[1].
func (c *client) zrange(argv [][]byte, kind zrangeKind, rev, dirAuto bool, w resp.ReplyWriter) error {
	q, err := parseZrange(argv, 2, false, kind, rev, dirAuto)
	if err != nil {
		return err
	}
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	if z == nil {
		w.WriteArray(0)
		return nil
	}
	writePairsHeader(w, q.walk(z, func(string, float64) {}), q.withScores)
	q.walk(z, func(m string, s float64) { writeMember(w, m, s, q.withScores) })
	return nil
}

func cmdZRange(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeAuto, false, true, w)
}

func cmdZRevRange(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeRank, true, false, w)
}

func cmdZRangeByScore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeScore, false, false, w)
}

func cmdZRevRangeByScore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeScore, true, false, w)
}

func cmdZRangeByLex(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeLex, false, false, w)
}

func cmdZRevRangeByLex(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zrange(argv, zrangeLex, true, false, w)
}

// cmdZRangeStore stores the range in a new set, built the way Redis's
// zrangeResultBeginStore does (sized by the range's length when known),
// so its encoding is Redis's.
func cmdZRangeStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	q, err := parseZrange(argv, 3, true, zrangeAuto, false, true)
	if err != nil {
		return err
	}
	dst := argv[1]
	z, err := c.zsetRead(argv[2])
	if err != nil {
		return err
	}
	n := 0
	var out *zset
	if z != nil {
		size := 0
		if q.kind == zrangeRank {
			size = q.walk(z, func(string, float64) {})
		}
		lim := c.zlimits()
		out = newZset(size, 0, lim)
		n = q.walk(z, func(m string, s float64) {
			out.add(m, s, 0, lim)
		})
	}
	c.storeZset(dst, out, n, w)
	return nil
}

// storeZset ends a store command: a non-empty result replaces dst (and
// its time to live), an empty one deletes it. It replies with the size.
func (c *client) storeZset(dst []byte, z *zset, n int, w resp.ReplyWriter) {
	if n > 0 {
		c.writeKey(c.db, dst)
		c.db.setOverwrite(dst, &object{kind: kindZSet, val: z, lru: c.e.lruClock()})
		c.e.dirty++
	} else if c.writeKey(c.db, dst) != nil {
		c.db.remove(dst)
		c.e.dirty++
	}
	w.WriteInt(int64(n))
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX

func cmdZRemRangeByRank(c *client, argv [][]byte, w resp.ReplyWriter) error {
	start, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	end, ok := resp.ParseInt(argv[3])
	if !ok {
		return resp.ErrNotInt
	}
	return c.zremRange(argv[1], w, func(z *zset) int {
		llen := int64(z.len())
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		start = max(start, 0)
		if start > end || start >= llen {
			return 0
		}
		end = min(end, llen-1)
		return z.deleteRanks(int(start), int(end))
	})
}

func cmdZRemRangeByScore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	r, ok := parseScoreRange(argv[2], argv[3])
	if !ok {
		return errMinMaxFloat
	}
	return c.zremRange(argv[1], w, func(z *zset) int {
		if !z.inScoreRange(&r) {
			return 0
		}
		lo, hi := z.scoreEdges(&r)
		return z.deleteRanks(lo, hi-1)
	})
}

func cmdZRemRangeByLex(c *client, argv [][]byte, w resp.ReplyWriter) error {
	r, ok := parseLexRange(argv[2], argv[3])
	if !ok {
		return errMinMaxLex
	}
	return c.zremRange(argv[1], w, func(z *zset) int {
		// A listpack starts from its first member in range (Redis's
		// zzlFirstInLexRange); a skiplist from the first one not below
		// the range, without zslIsInLexRange's checks
		// (zslDeleteRangeByLex).
		first := -1
		if z.sl == nil {
			first = z.nthInLexRange(&r, 0)
		} else if lo, _ := z.lexEdges(&r); lo < z.len() {
			if m, _ := z.at(z.seek(lo)); r.lteMax(m) {
				first = lo
			}
		}
		if first < 0 {
			return 0
		}
		last := first
		p := z.seek(first)
		for z.next(&p); z.valid(p); z.next(&p) {
			if m, _ := z.at(p); !r.lteMax(m) {
				break
			}
			last++
		}
		return z.deleteRanks(first, last)
	})
}

// zremRange is the rest of ZREMRANGEBY*, once the range is read: the
// key's lookup, then del, which deletes the members in range from the
// set and returns how many it deleted.
func (c *client) zremRange(key []byte, w resp.ReplyWriter, del func(z *zset) int) error {
	z, err := c.zsetWrite(key)
	if err != nil {
		return err
	}
	if z == nil {
		w.WriteInt(0)
		return nil
	}
	n := del(z)
	if n > 0 {
		c.zsetChanged(key, z)
	}
	c.e.dirty += int64(n)
	w.WriteInt(int64(n))
	return nil
}

// ---------------------------------------------------------------------------
// ZPOPMIN ZPOPMAX ZMPOP

func cmdZPopMin(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zpopMinMax(argv, false, w)
}

func cmdZPopMax(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zpopMinMax(argv, true, w)
}

func (c *client) zpopMinMax(argv [][]byte, max bool, w resp.ReplyWriter) error {
	if len(argv) > 3 {
		return resp.ErrSyntax
	}
	count := int64(-1)
	if len(argv) == 3 {
		n, ok := resp.ParseInt(argv[2])
		if !ok || n < 0 {
			return resp.ErrOutOfRangePos
		}
		count = n
	}
	nested := w.Proto() >= 3 && count != -1
	return c.zpop(argv[1:2], max, false, count, nested, false, w)
}

// zpop is Redis's genericZpopCommand: pop up to count members (-1: one,
// replied without nesting) from the first of keys that exists. emitKey
// adds the key to the reply; nested pairs members with scores; nilEmpty
// replies a null array rather than an empty one when no key exists.
func (c *client) zpop(keys [][]byte, max, emitKey bool, count int64, nested, nilEmpty bool, w resp.ReplyWriter) error {
	var key []byte
	var z *zset
	for _, k := range keys {
		var err error
		if z, err = c.zsetWrite(k); err != nil {
			return err
		}
		if z != nil {
			key = k
			break
		}
	}
	if z == nil {
		if nilEmpty {
			w.WriteNullArray()
		} else {
			w.WriteArray(0)
		}
		return nil
	}
	if count == 0 {
		w.WriteArray(0)
		return nil
	}
	if count == -1 {
		count = 1
	}
	n := int(min(count, int64(z.len())))
	switch {
	case !nested && !emitKey:
		w.WriteArray(2 * n)
	case nested && !emitKey:
		w.WriteArray(n)
	case !nested && emitKey:
		w.WriteArray(2*n + 1)
		w.WriteBulk(key)
	default:
		w.WriteArray(2)
		w.WriteBulk(key)
		w.WriteArray(n)
	}
	for i := 0; i < n; i++ {
		r := 0
		if max {
			r = z.len() - 1
		}
		m, s := z.at(z.seek(r))
		if nested {
			w.WriteArray(2)
		}
		w.WriteBulkString(m)
		w.WriteDouble(s)
		z.deleteRanks(r, r)
		c.e.dirty++
	}
	c.zsetChanged(key, z)
	return nil
}

func cmdZMPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	keys, max, count, err := parseZMPop(argv, 1)
	if err != nil {
		return err
	}
	return c.zpop(keys, max, true, count, true, true, w)
}

// parseZMPop reads "numkeys key... MIN|MAX [COUNT count]" from argv[i].
func parseZMPop(argv [][]byte, i int) (keys [][]byte, max bool, count int64, err error) {
	numkeys, ok := resp.ParseInt(argv[i])
	if !ok || numkeys < 1 {
		return nil, false, 0, errNumkeys
	}
	where := int64(i) + numkeys + 1
	if numkeys > int64(len(argv)) || where >= int64(len(argv)) {
		return nil, false, 0, resp.ErrSyntax
	}
	switch {
	case optIs(argv[where], "min"):
	case optIs(argv[where], "max"):
		max = true
	default:
		return nil, false, 0, resp.ErrSyntax
	}
	count = -1
	for j := int(where) + 1; j < len(argv); j++ {
		if count == -1 && optIs(argv[j], "count") && j+1 < len(argv) {
			j++
			n, ok := resp.ParseInt(argv[j])
			if !ok || n < 1 {
				return nil, false, 0, errCountPos
			}
			count = n
			continue
		}
		return nil, false, 0, resp.ErrSyntax
	}
	if count == -1 {
		count = 1
	}
	return argv[i+1 : where], max, count, nil
}

func cmdBZPopMin(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bzpop(argv, false, w)
}

func cmdBZPopMax(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bzpop(argv, true, w)
}

func (c *client) bzpop(argv [][]byte, max bool, w resp.ReplyWriter) error {
	deadline, err := c.blockTimeout(argv[len(argv)-1], true)
	if err != nil {
		return err
	}
	return c.bzpopKeys(argv[1:len(argv)-1], max, deadline, -1, false, w)
}

// cmdBZMPop checks its arguments before its timeout, as Redis does.
func cmdBZMPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	keys, max, count, err := parseZMPop(argv, 2)
	if err != nil {
		return err
	}
	deadline, err := c.blockTimeout(argv[1], true)
	if err != nil {
		return err
	}
	return c.bzpopKeys(keys, max, deadline, count, true, w)
}

// bzpopKeys is Redis's blockingGenericZpopCommand: pop from the first key
// holding a set, or wait for one.
func (c *client) bzpopKeys(keys [][]byte, max bool, deadline, count int64, mpop bool, w resp.ReplyWriter) error {
	for i, key := range keys {
		z, err := c.zsetWrite(key)
		if err != nil {
			return err
		}
		if z == nil || z.len() == 0 {
			continue
		}
		return c.zpop(keys[i:i+1], max, true, count, mpop, mpop, w)
	}
	if !c.canBlock() {
		w.WriteNullArray()
		return nil
	}
	return c.blockOnKeys(kindZSet, keys, deadline)
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER

// zrandSubStrategyMul: below this ratio of set size to count, ZRANDMEMBER
// picks the members to drop rather than the ones to keep.
const zrandSubStrategyMul = 3

func cmdZRandMember(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv) == 2 {
		z, err := c.zsetRead(argv[1])
		if err != nil {
			return err
		}
		if z == nil {
			w.WriteNull()
			return nil
		}
		m, _ := z.random()
		w.WriteBulkString(m)
		return nil
	}
	l, withScores, err := parseRandCount(argv, "withscores")
	if err != nil {
		return err
	}
	z, err := c.zsetRead(argv[1])
	if err != nil {
		return err
	}
	if z == nil || l == 0 {
		w.WriteArray(0)
		return nil
	}
	emit := func(m string, s float64) { writeMember(w, m, s, withScores) }
	size := z.len()
	if l < 0 || l == 1 {
		// Repeats allowed: draw each one independently.
		count := l
		if count < 0 {
			count = -count
		}
		writePairsHeader(w, int(count), withScores)
		for ; count > 0; count-- {
			emit(z.random())
		}
		return nil
	}
	count := int(min(l, int64(size)))
	writePairsHeader(w, count, withScores)
	if count == size {
		z.each(func(m string, s float64) bool { emit(m, s); return true })
		return nil
	}
	if z.sl == nil || count*zrandSubStrategyMul > size {
		// Choose which ranks to keep in one ordered pass (selection
		// sampling): every subset of count members is equally likely.
		need := count
		for p := z.seek(0); z.valid(p) && need > 0; z.next(&p) {
			if rand.IntN(size-p.i) < need {
				emit(z.at(p))
				need--
			}
		}
		return nil
	}
	randomDistinct(size, count, func(r int) { emit(z.at(z.seek(r))) })
	return nil
}

// ---------------------------------------------------------------------------
// ZUNION ZINTER ZDIFF ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZINTERCARD

type zsetOp int

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

// The AGGREGATE modes.
const (
	aggrSum = iota
	aggrMin
	aggrMax
)

// zsrc is one input of the set operations: a sorted set, or a set whose
// members all score 1.
type zsrc struct {
	obj    *object // for spotting the same key given twice
	z      *zset
	set    any // a set value (object.val) when the input is a set
	weight float64
}

func (s *zsrc) len() int {
	switch {
	case s.z != nil:
		return s.z.len()
	case s.set != nil:
		return setTypeSize(s.set)
	}
	return 0
}

// each calls fn for every member; a set's member bytes are only valid
// during the call.
func (s *zsrc) each(fn func(m string, score float64) bool) {
	switch {
	case s.z != nil:
		s.z.each(fn)
	case s.set != nil:
		setTypeForEach(s.set, func(m []byte) bool { return fn(bytesAsString(m), 1) })
	}
}

func (s *zsrc) find(m string) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.score(m)
	case s.set != nil:
		return 1, setTypeIsMember(s.set, bytesOfString(m))
	}
	return 0, false
}

func aggregate(target *float64, v float64, mode int) {
	switch mode {
	case aggrSum:
		*target += v
		// inf + -inf: Redis settles on 0.
		if math.IsNaN(*target) {
			*target = 0
		}
	case aggrMin:
		if v < *target {
			*target = v
		}
	case aggrMax:
		if v > *target {
			*target = v
		}
	}
}

// zentry is a member and score of a set operation's result.
type zentry struct {
	member string
	score  float64
}

func cmdZUnion(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, nil, 1, zopUnion, false, w)
}

func cmdZInter(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, nil, 1, zopInter, false, w)
}

func cmdZDiff(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, nil, 1, zopDiff, false, w)
}

func cmdZUnionStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, argv[1], 2, zopUnion, false, w)
}

func cmdZInterStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, argv[1], 2, zopInter, false, w)
}

func cmdZDiffStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, argv[1], 2, zopDiff, false, w)
}

func cmdZInterCard(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.zsetOperation(argv, nil, 1, zopInter, true, w)
}

// zsetOperation is Redis's zunionInterDiffGenericCommand: the inputs are
// looked up (and type-checked) before the options are parsed, as there.
func (c *client) zsetOperation(argv [][]byte, dst []byte, numIdx int, op zsetOp, cardOnly bool, w resp.ReplyWriter) error {
	setnum, ok := resp.ParseInt(argv[numIdx])
	if !ok {
		return resp.ErrNotInt
	}
	if setnum < 1 {
		return resp.Error("ERR at least 1 input key is needed for '" + strings.ToLower(string(argv[0])) + "' command")
	}
	if setnum > int64(len(argv)-(numIdx+1)) {
		return resp.ErrSyntax
	}
	src := make([]zsrc, setnum)
	j := numIdx + 1
	for i := range src {
		o := c.readKey(argv[j], false)
		j++
		src[i].weight = 1
		if o == nil {
			continue
		}
		switch o.kind {
		case kindZSet:
			src[i].z = o.val.(*zset)
		case kindSet:
			src[i].set = o.val
		default:
			return resp.ErrWrongType
		}
		src[i].obj = o
	}
	mode := aggrSum
	withScores := false
	limit := int64(0)
	for j < len(argv) {
		remaining := len(argv) - j
		switch {
		case op != zopDiff && !cardOnly && remaining >= int(setnum)+1 && optIs(argv[j], "weights"):
			j++
			for i := range src {
				f, ok := parseScore(argv[j])
				if !ok {
					return errWeightFloat
				}
				src[i].weight = f
				j++
			}
		case op != zopDiff && !cardOnly && remaining >= 2 && optIs(argv[j], "aggregate"):
			switch {
			case optIs(argv[j+1], "sum"):
				mode = aggrSum
			case optIs(argv[j+1], "min"):
				mode = aggrMin
			case optIs(argv[j+1], "max"):
				mode = aggrMax
			default:
				return resp.ErrSyntax
			}
			j += 2
		case dst == nil && !cardOnly && optIs(argv[j], "withscores"):
			withScores = true
			j++
		case cardOnly && remaining >= 2 && optIs(argv[j], "limit"):
			n, ok := resp.ParseInt(argv[j+1])
			if !ok || n < 0 {
				return errLimitNeg
			}
			limit = n
			j += 2
		default:
			return resp.ErrSyntax
		}
	}
	if op != zopDiff {
		// Smallest inputs first.
		slices.SortStableFunc(src, func(a, b zsrc) int { return a.len() - b.len() })
	}
	var res []zentry
	var card int64
	switch op {
	case zopInter:
		if src[0].len() == 0 {
			break
		}
		first := &src[0]
		first.each(func(m string, s float64) bool {
			score := first.weight * s
			if math.IsNaN(score) {
				score = 0
			}
			for k := 1; k < len(src); k++ {
				v, found := s, true
				if src[k].obj != first.obj {
					v, found = src[k].find(m)
				}
				if !found {
					return true
				}
				aggregate(&score, v*src[k].weight, mode)
			}
			if cardOnly {
				card++
				return limit == 0 || card < limit
			}
			res = append(res, zentry{ownMember(first, m), score})
			return true
		})
	case zopUnion:
		acc := make(map[string]int, src[len(src)-1].len())
		for k := range src {
			s := &src[k]
			s.each(func(m string, v float64) bool {
				score := s.weight * v
				if math.IsNaN(score) {
					score = 0
				}
				if at, ok := acc[m]; ok {
					aggregate(&res[at].score, score, mode)
					return true
				}
				m = ownMember(s, m)
				acc[m] = len(res)
				res = append(res, zentry{m, score})
				return true
			})
		}
	case zopDiff:
		res = zdiff(src)
	}
	if cardOnly {
		w.WriteInt(card)
		return nil
	}
	slices.SortFunc(res, func(a, b zentry) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		}
		return strings.Compare(a.member, b.member)
	})
	if dst != nil {
		var z *zset
		if len(res) > 0 {
			z = zsetFromSorted(res, c.zlimits())
		}
		c.storeZset(dst, z, len(res), w)
		return nil
	}
	writePairsHeader(w, len(res), withScores)
	for _, e := range res {
		writeMember(w, e.member, e.score, withScores)
	}
	return nil
}

// ownMember returns m as a string that outlives the input it came from: a
// set's member bytes are copied; a sorted set's members never change.
func ownMember(s *zsrc, m string) string {
	if s.set != nil {
		return strings.Clone(m)
	}
	return m
}

// zdiff is the members of src[0] found in no other input, with their
// scores.
func zdiff(src []zsrc) []zentry {
	if src[0].len() == 0 {
		return nil
	}
	for _, s := range src[1:] {
		if s.obj == src[0].obj {
			return nil
		}
	}
	var res []zentry
	src[0].each(func(m string, v float64) bool {
		for k := 1; k < len(src); k++ {
			if _, found := src[k].find(m); found {
				return true
			}
		}
		res = append(res, zentry{ownMember(&src[0], m), v})
		return true
	})
	return res
}

// zsetFromSorted builds the stored result of a set operation from its
// sorted entries: a listpack when small enough (Redis's
// zsetConvertToListpackIfNeeded), otherwise a skiplist.
func zsetFromSorted(res []zentry, lim zsetLimits) *zset {
	maxLen, total := 0, 0
	for _, e := range res {
		maxLen = max(maxLen, len(e.member))
		total += len(e.member)
	}
	if int64(len(res)) <= lim.maxEntries && int64(maxLen) <= lim.maxValue && total <= zsetLpMaxSafety {
		z := &zset{ents: make([]zlpEntry, 0, len(res)), buf: make([]byte, 0, total)}
		for _, e := range res {
			s := e.score
			if s == 0 {
				s = 0
			}
			z.ents = append(z.ents, zlpEntry{off: uint32(len(z.buf)), n: uint32(len(e.member)), score: s})
			z.buf = append(z.buf, e.member...)
		}
		return z
	}
	z := &zset{sl: newZskiplist(len(res))}
	for i := len(res) - 1; i >= 0; i-- {
		z.sl.insert(res[i].score, strings.Clone(res[i].member))
	}
	return z
}

// ---------------------------------------------------------------------------
// ZSCAN

func cmdZScan(c *client, argv [][]byte, w resp.ReplyWriter) error {
	z, cursor, opts, err := scanKey(argv, false, c.zsetRead, w)
	if err != nil || z == nil {
		return err
	}
	var items [][]byte
	if z.sl == nil {
		// A listpack is returned whole, scores as it stores them.
		cursor = 0
		for i := range z.ents {
			if m := z.lpMember(i); opts.match(m) {
				items = append(items, bytesOfString(m), resp.AppendFloat(nil, z.ents[i].score))
			}
		}
	} else {
		var sampled int64
		collect := func(n *zslNode) {
			sampled++
			if opts.match(n.member) {
				items = append(items, bytesOfString(n.member), appendScoreG(nil, n.score))
			}
		}
		cursor = scanSteps(cursor, opts.count, &sampled, func(cur uint64) uint64 {
			return z.sl.index.scan(cur, collect)
		})
	}
	writeScanReply(w, cursor, items)
	return nil
}
