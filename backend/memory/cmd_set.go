package memory

import (
	"bytes"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/rk-redis/rk/internal/resp"
)

// Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER
// SPOP SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF
// SDIFFSTORE SSCAN. The set values themselves are in set.go.
var setCommands = map[string]handler{
	"sadd":        cmdSAdd,
	"srem":        cmdSRem,
	"scard":       cmdSCard,
	"sismember":   cmdSIsMember,
	"smismember":  cmdSMIsMember,
	"smembers":    cmdSMembers,
	"srandmember": cmdSRandMember,
	"spop":        cmdSPop,
	"smove":       cmdSMove,
	"sinter":      cmdSInter,
	"sintercard":  cmdSInterCard,
	"sinterstore": cmdSInterStore,
	"sunion":      cmdSUnion,
	"sunionstore": cmdSUnionStore,
	"sdiff":       cmdSDiff,
	"sdiffstore":  cmdSDiffStore,
	"sscan":       cmdSScan,
}

// Errors only the set commands give.
var (
	errSetNumkeys     error = resp.Error("ERR numkeys should be greater than 0")
	errSetNumkeysArgs error = resp.Error("ERR Number of keys can't be greater than number of args")
	errSetLimit       error = resp.Error("ERR LIMIT can't be negative")
)

// setReadKey is a read command's lookup of a set: nil when the key is
// missing, WRONGTYPE when it holds something else.
func (c *client) setReadKey(key []byte) (*object, error) {
	return checkKind(c.readKey(key, false), kindSet)
}

// setWriteKey is setReadKey for write commands.
func (c *client) setWriteKey(key []byte) (*object, error) {
	return checkKind(c.writeKey(c.db, key), kindSet)
}

// ---------------------------------------------------------------------------
// SADD SREM SMOVE

func cmdSAdd(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	o, err := c.setWriteKey(key)
	if err != nil {
		return err
	}
	lim := c.setLimits()
	hint := int64(len(argv) - 2)
	var added int64
	if o == nil {
		n := object{kind: kindSet, val: setTypeCreate(argv[2], hint, lim), lru: c.e.lruClock()}
		for _, m := range argv[2:] {
			if setTypeAdd(&n, m, lim) {
				added++
			}
		}
		c.db.insert(key, &n)
	} else {
		setTypeMaybeConvert(o, hint, lim)
		for _, m := range argv[2:] {
			if setTypeAdd(o, m, lim) {
				added++
			}
		}
		if added > 0 {
			c.db.modified(key)
		}
	}
	c.e.dirty += added
	w.WriteInt(added)
	return nil
}

// cmdSRem removes members; the key goes when the set empties, and the
// members after that point are not looked at.
func cmdSRem(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	o, err := c.setWriteKey(key)
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteInt(0)
		return nil
	}
	var deleted int64
	for _, m := range argv[2:] {
		if setTypeRemove(o.val, m) {
			deleted++
			if setTypeSize(o.val) == 0 {
				c.db.remove(key)
				break
			}
		}
	}
	if deleted > 0 {
		c.db.modified(key)
		c.e.dirty += deleted
	}
	w.WriteInt(deleted)
	return nil
}

// cmdSMove moves a member between sets. The destination only counts as
// changed (for WATCH) when the member was not already there.
func cmdSMove(c *client, argv [][]byte, w resp.ReplyWriter) error {
	src, dst, m := argv[1], argv[2], argv[3]
	so := c.writeKey(c.db, src)
	do := c.writeKey(c.db, dst)
	if so == nil {
		w.WriteInt(0)
		return nil
	}
	if so.kind != kindSet || (do != nil && do.kind != kindSet) {
		return resp.ErrWrongType
	}
	if bytes.Equal(src, dst) {
		w.WriteInt(setBoolInt(setTypeIsMember(so.val, m)))
		return nil
	}
	if !setTypeRemove(so.val, m) {
		w.WriteInt(0)
		return nil
	}
	if setTypeSize(so.val) == 0 {
		c.db.remove(src)
	}
	c.db.modified(src)
	c.e.dirty++
	lim := c.setLimits()
	if do == nil {
		n := object{kind: kindSet, val: setTypeCreate(m, 1, lim), lru: c.e.lruClock()}
		setTypeAdd(&n, m, lim)
		c.db.insert(dst, &n)
		c.e.dirty++
	} else if setTypeAdd(do, m, lim) {
		c.db.modified(dst)
		c.e.dirty++
	}
	w.WriteInt(1)
	return nil
}

func setBoolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// SCARD SISMEMBER SMISMEMBER

func cmdSCard(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.setReadKey(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteInt(0)
		return nil
	}
	w.WriteInt(int64(setTypeSize(o.val)))
	return nil
}

func cmdSIsMember(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.setReadKey(argv[1])
	if err != nil {
		return err
	}
	w.WriteInt(setBoolInt(o != nil && setTypeIsMember(o.val, argv[2])))
	return nil
}

func cmdSMIsMember(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.setReadKey(argv[1])
	if err != nil {
		return err
	}
	w.WriteArray(len(argv) - 2)
	for _, m := range argv[2:] {
		w.WriteInt(setBoolInt(o != nil && setTypeIsMember(o.val, m)))
	}
	return nil
}

// ---------------------------------------------------------------------------
// SPOP SRANDMEMBER

func cmdSPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	switch {
	case len(argv) == 3:
		return spopWithCount(c, argv, w)
	case len(argv) > 3:
		return resp.ErrSyntax
	}
	key := argv[1]
	o, err := c.setWriteKey(key)
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	i := rand.IntN(setTypeSize(o.val))
	setTypeRemoveAt(o.val, []int{i}, func(m []byte) { w.WriteBulk(m) })
	if setTypeSize(o.val) == 0 {
		c.db.remove(key)
	} else {
		c.db.modified(key)
	}
	c.e.dirty++
	return nil
}

// spopMoveStrategyMul: SPOP with a count rebuilds the set from the members
// it keeps, rather than removing the ones it returns, when it keeps at most
// a fifth as many as it returns (Redis's SPOP_MOVE_STRATEGY_MUL).
const spopMoveStrategyMul = 5

func spopWithCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	count, ok := resp.ParseInt(argv[2])
	if !ok || count < 0 {
		return resp.ErrOutOfRangePos
	}
	key := argv[1]
	o, err := c.setWriteKey(key)
	if err != nil {
		return err
	}
	if o == nil || count == 0 {
		w.WriteSet(0)
		return nil
	}
	size := int64(setTypeSize(o.val))
	c.e.dirty += min(count, size)
	if count >= size {
		// Everything goes: answer the whole set and delete the key.
		w.WriteSet(int(size))
		setTypeForEach(o.val, func(m []byte) bool {
			w.WriteBulk(m)
			return true
		})
		c.db.remove(key)
		return nil
	}
	w.WriteSet(int(count))
	remaining := size - count
	if remaining*spopMoveStrategyMul > count {
		idx := setSampleIndexes(int(size), int(count))
		setTypeRemoveAt(o.val, idx, func(m []byte) { w.WriteBulk(m) })
	} else {
		// Keep a few random members in a new set, which takes the
		// encoding a set of just those members gets, and answer the
		// rest.
		keep := setSampleIndexes(int(size), int(remaining))
		lim := c.setLimits()
		ns := object{kind: kindSet}
		if _, isInt := o.val.(*intset); isInt {
			ns.val = newIntset()
		} else {
			ns.val = &setListpack{}
		}
		i, next := 0, 0
		setTypeForEach(o.val, func(m []byte) bool {
			if next < len(keep) && keep[next] == i {
				setTypeAdd(&ns, m, lim)
				next++
			} else {
				w.WriteBulk(m)
			}
			i++
			return true
		})
		o.val = ns.val
	}
	c.db.modified(key)
	return nil
}

func cmdSRandMember(c *client, argv [][]byte, w resp.ReplyWriter) error {
	switch {
	case len(argv) == 3:
		return srandmemberWithCount(c, argv, w)
	case len(argv) > 3:
		return resp.ErrSyntax
	}
	o, err := c.setReadKey(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	var buf [20]byte
	w.WriteBulk(setTypeRandom(o.val, buf[:]))
	return nil
}

// srandmemberWithCount answers count distinct random members, or with a
// negative count -count members drawn independently (repeats allowed).
func srandmemberWithCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	l, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if l == math.MinInt64 {
		return resp.ErrRangeBetween(-math.MaxInt64, math.MaxInt64)
	}
	uniq := l >= 0
	count := l
	if !uniq {
		count = -l
	}
	o, err := c.setReadKey(argv[1])
	if err != nil {
		return err
	}
	if o == nil || count == 0 {
		w.WriteArray(0)
		return nil
	}
	size := int64(setTypeSize(o.val))
	var buf [20]byte
	switch {
	case !uniq || count == 1:
		w.WriteArray(int(count))
		if lp, isLP := o.val.(*setListpack); isLP && count > 1 {
			// Find the members once rather than walking the
			// listpack for every pick.
			members := make([][]byte, 0, lp.n)
			setTypeForEach(lp, func(m []byte) bool {
				members = append(members, m)
				return true
			})
			for ; count > 0; count-- {
				w.WriteBulk(members[rand.IntN(len(members))])
			}
			break
		}
		for ; count > 0; count-- {
			w.WriteBulk(setTypeRandom(o.val, buf[:]))
		}
	case count >= size:
		w.WriteArray(int(size))
		setTypeForEach(o.val, func(m []byte) bool {
			w.WriteBulk(m)
			return true
		})
	default:
		w.WriteArray(int(count))
		idx := setSampleIndexes(int(size), int(count))
		if _, isLP := o.val.(*setListpack); isLP {
			// One walk of the listpack, picking the chosen indexes.
			i, next := 0, 0
			setTypeForEach(o.val, func(m []byte) bool {
				if idx[next] == i {
					w.WriteBulk(m)
					next++
				}
				i++
				return next < len(idx)
			})
			break
		}
		for _, i := range idx {
			w.WriteBulk(setTypeAt(o.val, i, buf[:]))
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// SMEMBERS SINTER SINTERCARD SINTERSTORE

func cmdSMembers(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sinterGeneric(argv[1:2], nil, false, 0, w)
}

func cmdSInter(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sinterGeneric(argv[1:], nil, false, 0, w)
}

func cmdSInterStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sinterGeneric(argv[2:], argv[1], false, 0, w)
}

func cmdSInterCard(c *client, argv [][]byte, w resp.ReplyWriter) error {
	numkeys, ok := resp.ParseInt(argv[1])
	if !ok || numkeys < 1 {
		return errSetNumkeys
	}
	if numkeys > int64(len(argv)-2) {
		return errSetNumkeysArgs
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(argv); j++ {
		if !optIs(argv[j], "limit") || j+1 >= len(argv) {
			return resp.ErrSyntax
		}
		j++
		n, ok := resp.ParseInt(argv[j])
		if !ok || n < 0 {
			return errSetLimit
		}
		limit = n
	}
	return c.sinterGeneric(argv[2:2+numkeys], nil, true, limit, w)
}

// sinterGeneric intersects the sets at keys (a missing key is an empty
// set): it answers the members, or with cardOnly their number (stopping
// at limit when it is not 0), or stores them at dst.
func (c *client) sinterGeneric(keys [][]byte, dst []byte, cardOnly bool, limit int64, w resp.ReplyWriter) error {
	sets := make([]*object, len(keys))
	empty := false
	for j, k := range keys {
		o, err := c.setReadKey(k)
		if err != nil {
			return err
		}
		if o == nil {
			empty = true
		}
		sets[j] = o
	}
	if empty {
		switch {
		case dst != nil:
			if c.db.remove(dst) {
				c.e.dirty++
			}
			w.WriteInt(0)
		case cardOnly:
			w.WriteInt(0)
		default:
			w.WriteSet(0)
		}
		return nil
	}
	// Walk the smallest set, looking each member up in the others.
	sort.SliceStable(sets, func(a, b int) bool { return setTypeSize(sets[a].val) < setTypeSize(sets[b].val) })
	inAll := func(m []byte) bool {
		for _, s := range sets[1:] {
			if s != sets[0] && !setTypeIsMember(s.val, m) {
				return false
			}
		}
		return true
	}
	first := sets[0].val
	whole := true // every set is the first one (SMEMBERS, SINTER k k)
	for _, s := range sets[1:] {
		whole = whole && s == sets[0]
	}
	switch {
	case dst == nil && !cardOnly && whole:
		w.WriteSet(setTypeSize(first))
		setTypeForEach(first, func(m []byte) bool {
			w.WriteBulk(m)
			return true
		})
	case cardOnly:
		var n int64
		setTypeForEach(first, func(m []byte) bool {
			if inAll(m) {
				n++
				if limit > 0 && n >= limit {
					return false
				}
			}
			return true
		})
		w.WriteInt(n)
	case dst == nil:
		var out [][]byte
		setTypeForEach(first, func(m []byte) bool {
			if inAll(m) {
				out = append(out, m)
			}
			return true
		})
		w.WriteSet(len(out))
		for _, m := range out {
			w.WriteBulk(m)
		}
	default:
		// The result starts as an intset when the smallest set is one,
		// otherwise as a listpack, and becomes an intset at the end if
		// every member is an integer.
		lim := c.setLimits()
		res := object{kind: kindSet}
		if _, isInt := first.(*intset); isInt {
			res.val = newIntset()
		} else {
			res.val = &setListpack{}
		}
		onlyInts := true
		setTypeForEach(first, func(m []byte) bool {
			if inAll(m) {
				if onlyInts {
					_, onlyInts = resp.ParseInt(m)
				}
				setTypeAdd(&res, m, lim)
			}
			return true
		})
		if onlyInts {
			setTypeMaybeToIntset(&res, lim)
		}
		c.storeSetResult(dst, &res, w)
	}
	return nil
}

// storeSetResult stores the computed set res at dst (replacing whatever
// was there, TTL included) and answers its size; an empty result deletes
// dst instead.
func (c *client) storeSetResult(dst []byte, res *object, w resp.ReplyWriter) {
	n := setTypeSize(res.val)
	if n == 0 {
		w.WriteInt(0)
		if c.db.remove(dst) {
			c.e.dirty++
		}
		return
	}
	setTypeCompact(res.val)
	c.writeKey(c.db, dst) // expire the old value first, as Redis does
	res.lru = c.e.lruClock()
	c.db.setOverwrite(dst, res)
	c.e.dirty++
	w.WriteInt(int64(n))
}

// ---------------------------------------------------------------------------
// SUNION SUNIONSTORE SDIFF SDIFFSTORE

func cmdSUnion(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sunionDiffGeneric(argv[1:], nil, false, w)
}

func cmdSUnionStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sunionDiffGeneric(argv[2:], argv[1], false, w)
}

func cmdSDiff(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sunionDiffGeneric(argv[1:], nil, true, w)
}

func cmdSDiffStore(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.sunionDiffGeneric(argv[2:], argv[1], true, w)
}

// sunionDiffGeneric computes the union, or the difference of the first set
// and the others, of the sets at keys (a missing key is an empty set), into
// a set built by adding members as SADD would, so that the stored result
// has the encoding Redis gives it. It answers the members or stores them at
// dst.
func (c *client) sunionDiffGeneric(keys [][]byte, dst []byte, diff bool, w resp.ReplyWriter) error {
	sets := make([]*object, len(keys))
	sameSet := false
	for j, k := range keys {
		o, err := c.setReadKey(k)
		if err != nil {
			return err
		}
		sets[j] = o
		if j > 0 && o != nil && o == sets[0] {
			sameSet = true
		}
	}
	size := func(o *object) int64 {
		if o == nil {
			return 0
		}
		return int64(setTypeSize(o.val))
	}
	// For a difference, pick the cheaper algorithm: look each member of
	// the first set up in the others (1), or add the first set and remove
	// the others (2). Algorithm 1 checks the biggest sets first.
	algo := 1
	if diff && sets[0] != nil && !sameSet {
		var one, two int64
		for _, s := range sets {
			if s != nil {
				one += size(sets[0])
				two += size(s)
			}
		}
		if one/2 > two {
			algo = 2
		}
		if algo == 1 && len(sets) > 1 {
			rest := sets[1:]
			sort.SliceStable(rest, func(a, b int) bool { return size(rest[a]) > size(rest[b]) })
		}
	}
	lim := c.setLimits()
	res := object{kind: kindSet, val: newIntset()}
	var card int64
	switch {
	case !diff:
		for _, s := range sets {
			if s == nil {
				continue
			}
			setTypeForEach(s.val, func(m []byte) bool {
				if setTypeAdd(&res, m, lim) {
					card++
				}
				return true
			})
		}
	case sameSet, sets[0] == nil:
		// Empty.
	case algo == 1:
		setTypeForEach(sets[0].val, func(m []byte) bool {
			for _, s := range sets[1:] {
				if s == nil {
					continue
				}
				if s == sets[0] || setTypeIsMember(s.val, m) {
					return true
				}
			}
			if setTypeAdd(&res, m, lim) {
				card++
			}
			return true
		})
	default:
		for j, s := range sets {
			if s == nil {
				continue
			}
			setTypeForEach(s.val, func(m []byte) bool {
				if j == 0 {
					if setTypeAdd(&res, m, lim) {
						card++
					}
				} else if setTypeRemove(res.val, m) {
					card--
				}
				return true
			})
			if card == 0 {
				break
			}
		}
	}
	if dst != nil {
		c.storeSetResult(dst, &res, w)
		return nil
	}
	w.WriteSet(int(card))
	setTypeForEach(res.val, func(m []byte) bool {
		w.WriteBulk(m)
		return true
	})
	return nil
}

// ---------------------------------------------------------------------------
// SSCAN

// cmdSScan walks a hash-table set with the cursor; the compact encodings
// are answered whole in one step, with cursor 0. Options are read after
// the key: a missing key answers an empty scan whatever they say.
func cmdSScan(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, cursor, opts, err := scanKey(argv, false, c.setReadKey, w)
	if err != nil || o == nil {
		return err
	}
	var out [][]byte
	if t, ok := o.val.(*setTable); ok {
		var sampled int64
		collect := func(k string) {
			sampled++
			if opts.match(k) {
				out = append(out, bytesOfString(k))
			}
		}
		cursor = scanSteps(cursor, opts.count, &sampled, func(cur uint64) uint64 {
			return t.scan(cur, collect)
		})
	} else {
		setTypeForEach(o.val, func(m []byte) bool {
			if opts.match(bytesAsString(m)) {
				out = append(out, m)
			}
			return true
		})
		cursor = 0
	}
	writeScanReply(w, cursor, out)
	return nil
}
