package memory

import (
	"math"

	"github.com/rk-redis/rk/internal/resp"
)

// List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET
// LRANGE LTRIM LREM LINSERT LPOS LMOVE RPOPLPUSH LMPOP, and the blocking
// BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP (blocking.go).
var listCommands = map[string]handler{
	"lpush":      cmdLPush,
	"rpush":      cmdRPush,
	"lpushx":     cmdLPushX,
	"rpushx":     cmdRPushX,
	"lpop":       cmdLPop,
	"rpop":       cmdRPop,
	"llen":       cmdLLen,
	"lindex":     cmdLIndex,
	"lset":       cmdLSet,
	"lrange":     cmdLRange,
	"ltrim":      cmdLTrim,
	"lrem":       cmdLRem,
	"linsert":    cmdLInsert,
	"lpos":       cmdLPos,
	"lmove":      cmdLMove,
	"rpoplpush":  cmdRPopLPush,
	"lmpop":      cmdLMPop,
	"blpop":      cmdBLPop,
	"brpop":      cmdBRPop,
	"blmove":     cmdBLMove,
	"brpoplpush": cmdBRPopLPush,
	"blmpop":     cmdBLMPop,
}

// Errors only the list commands give.
var (
	errListRankZero    error = resp.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	errListCountNeg    error = resp.Error("ERR COUNT can't be negative")
	errListMaxlenNeg   error = resp.Error("ERR MAXLEN can't be negative")
	errListNumkeys     error = resp.Error("ERR numkeys should be greater than 0")
	errListCountNotPos error = resp.Error("ERR count should be greater than 0")
	errListPositive    error = resp.ErrOutOfRangePos
)

// rangeArg reads an integer argument that must lie in [lo, hi], as
// Redis's getRangeLongFromObjectOrReply does: with msg, any failure
// answers msg; without, a bad integer and an out-of-range one have their
// own errors.
func rangeArg(arg []byte, lo, hi int64, msg error) (int64, error) {
	n, ok := resp.ParseInt(arg)
	if !ok {
		if msg != nil {
			return 0, msg
		}
		return 0, resp.ErrNotInt
	}
	if n < lo || n > hi {
		if msg != nil {
			return 0, msg
		}
		return 0, resp.ErrRangeBetween(lo, hi)
	}
	return n, nil
}

// readList is a read command's list lookup: nil when the key is missing.
func (c *client) readList(key []byte) (*list, error) {
	return valueOf[*list](c.readKey(key, false), kindList)
}

// writeList is a write command's list lookup: nil when the key is missing.
func (c *client) writeList(key []byte) (*list, error) {
	return valueOf[*list](c.writeKey(c.db, key), kindList)
}

// createList stores a new, empty list at key, a listpack as Redis starts
// one; the caller fills it at once.
func (c *client) createList(key []byte) *list {
	l := newList()
	c.db.insert(key, &object{kind: kindList, val: l, lru: c.e.lruClock()})
	return l
}

// listRemoved ends a change that took n elements out of the list at key:
// an empty list is deleted, and a quicklist that shrank enough becomes a
// listpack again.
func (c *client) listRemoved(key []byte, l *list, n int) {
	c.e.dirty += int64(n)
	if l.count == 0 {
		c.db.remove(key)
		return
	}
	l.shrinkCheck(c.listConf(), true)
	c.db.modified(key)
}

// listIndex turns a possibly negative index into a position, reporting
// false when it is out of range.
func listIndex(l *list, idx int64) (int, bool) {
	if idx < 0 {
		idx += int64(l.count)
	}
	if idx < 0 || idx >= int64(l.count) {
		return 0, false
	}
	return int(idx), true
}

// listRange clamps LRANGE-style indexes, returning the first position and
// the number of elements (0 for an empty range).
func listRange(count int, start, end int64) (int, int) {
	n := int64(count)
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= n {
		return 0, 0
	}
	if end >= n {
		end = n - 1
	}
	return int(start), int(end - start + 1)
}

// writeListRange writes n elements from position start as an array,
// backwards from start when rev.
func writeListRange(w resp.ReplyWriter, l *list, start, n int, rev bool) {
	w.WriteArray(n)
	if n == 0 {
		return
	}
	it := l.iter(start, rev)
	for ; n > 0; n-- {
		v, _ := it.next()
		w.WriteBulk(v)
	}
}

// ---------------------------------------------------------------------------
// LPUSH RPUSH LPUSHX RPUSHX

func cmdLPush(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.push(argv, w, true, false)
}

func cmdRPush(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.push(argv, w, false, false)
}

func cmdLPushX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.push(argv, w, true, true)
}

func cmdRPushX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.push(argv, w, false, true)
}

// push adds argv[2:] at the head or the tail; xx only if the list exists.
func (c *client) push(argv [][]byte, w resp.ReplyWriter, head, xx bool) error {
	key := argv[1]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		if xx {
			w.WriteInt(0)
			return nil
		}
		l = c.createList(key)
	} else {
		c.db.modified(key)
	}
	lc := c.listConf()
	vals := argv[2:]
	l.growCheck(lc, qlArgsBytes(vals), len(vals))
	for _, v := range vals {
		l.push(lc, v, head)
	}
	c.e.dirty += int64(len(vals))
	w.WriteInt(int64(l.count))
	return nil
}

// ---------------------------------------------------------------------------
// LPOP RPOP LMPOP

func cmdLPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.pop(argv, w, true)
}

func cmdRPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.pop(argv, w, false)
}

func (c *client) pop(argv [][]byte, w resp.ReplyWriter, head bool) error {
	if len(argv) > 3 {
		return resp.ErrWrongArgs(c.lastCmd.Name)
	}
	hasCount := len(argv) == 3
	var count int64
	if hasCount {
		n, err := rangeArg(argv[2], 0, math.MaxInt64, errListPositive)
		if err != nil {
			return err
		}
		count = n
	}
	key := argv[1]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		if hasCount {
			w.WriteNullArray()
		} else {
			w.WriteNull()
		}
		return nil
	}
	if !hasCount {
		w.WriteBulk(l.pop(head))
		c.listRemoved(key, l, 1)
		return nil
	}
	if count == 0 {
		w.WriteArray(0)
		return nil
	}
	c.popRange(key, l, int(min(count, int64(l.count))), head, w)
	return nil
}

// popRange writes and removes n elements from the head or the tail, in the
// order they are popped.
func (c *client) popRange(key []byte, l *list, n int, head bool, w resp.ReplyWriter) {
	if head {
		writeListRange(w, l, 0, n, false)
		l.delRange(0, n)
	} else {
		writeListRange(w, l, l.count-1, n, true)
		l.delRange(l.count-n, n)
	}
	c.listRemoved(key, l, n)
}

// mpopArgs is what LMPOP and BLMPOP read after their numkeys argument.
type mpopArgs struct {
	keys  [][]byte
	head  bool
	count int64
}

// parseMPop reads "numkeys key... LEFT|RIGHT [COUNT count]" from argv[i:].
func parseMPop(argv [][]byte, i int) (mpopArgs, error) {
	var a mpopArgs
	numkeys, err := rangeArg(argv[i], 1, math.MaxInt64, errListNumkeys)
	if err != nil {
		return a, err
	}
	if numkeys >= int64(len(argv)-i-1) {
		return a, resp.ErrSyntax
	}
	a.keys = argv[i+1 : i+1+int(numkeys)]
	j := i + 1 + int(numkeys)
	if a.head, err = parseWhere(argv[j]); err != nil {
		return a, err
	}
	a.count = -1
	for j++; j < len(argv); j++ {
		if a.count == -1 && optIs(argv[j], "count") && j+1 < len(argv) {
			j++
			if a.count, err = rangeArg(argv[j], 1, math.MaxInt64, errListCountNotPos); err != nil {
				return a, err
			}
			continue
		}
		return a, resp.ErrSyntax
	}
	if a.count == -1 {
		a.count = 1
	}
	return a, nil
}

// parseWhere reads LEFT or RIGHT: true for the head.
func parseWhere(arg []byte) (bool, error) {
	switch {
	case optIs(arg, "left"):
		return true, nil
	case optIs(arg, "right"):
		return false, nil
	}
	return false, resp.ErrSyntax
}

// mpop pops from the first non-empty list of a.keys, replying [key,
// [elements]]; it reports false, having written nothing, when every list
// is empty.
func (c *client) mpop(a mpopArgs, w resp.ReplyWriter) (bool, error) {
	for _, key := range a.keys {
		l, err := c.writeList(key)
		if err != nil {
			return false, err
		}
		if l == nil || l.count == 0 {
			continue
		}
		w.WriteArray(2)
		w.WriteBulk(key)
		c.popRange(key, l, int(min(a.count, int64(l.count))), a.head, w)
		return true, nil
	}
	return false, nil
}

func cmdLMPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	a, err := parseMPop(argv, 1)
	if err != nil {
		return err
	}
	if ok, err := c.mpop(a, w); ok || err != nil {
		return err
	}
	w.WriteNullArray()
	return nil
}

// ---------------------------------------------------------------------------
// LLEN LINDEX LSET LRANGE LTRIM

func cmdLLen(c *client, argv [][]byte, w resp.ReplyWriter) error {
	l, err := c.readList(argv[1])
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteInt(0)
		return nil
	}
	w.WriteInt(int64(l.count))
	return nil
}

func cmdLIndex(c *client, argv [][]byte, w resp.ReplyWriter) error {
	l, err := c.readList(argv[1])
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteNull()
		return nil
	}
	idx, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	i, ok := listIndex(l, idx)
	if !ok {
		w.WriteNull()
		return nil
	}
	w.WriteBulk(l.index(i))
	return nil
}

func cmdLSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, val := argv[1], argv[3]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		return resp.ErrNoSuchKey
	}
	idx, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	lc := c.listConf()
	// Redis checks the growth before it knows whether the index exists.
	l.growCheck(lc, len(val), 1)
	i, ok := listIndex(l, idx)
	if !ok {
		return resp.ErrIndexOutOfRange
	}
	l.set(lc, i, val)
	l.shrinkCheck(lc, true)
	c.db.modified(key)
	c.e.dirty++
	w.WriteSimple("OK")
	return nil
}

func cmdLRange(c *client, argv [][]byte, w resp.ReplyWriter) error {
	start, ok1 := resp.ParseInt(argv[2])
	end, ok2 := resp.ParseInt(argv[3])
	if !ok1 || !ok2 {
		return resp.ErrNotInt
	}
	l, err := c.readList(argv[1])
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteArray(0)
		return nil
	}
	from, n := listRange(l.count, start, end)
	writeListRange(w, l, from, n, false)
	return nil
}

func cmdLTrim(c *client, argv [][]byte, w resp.ReplyWriter) error {
	start, ok1 := resp.ParseInt(argv[2])
	end, ok2 := resp.ParseInt(argv[3])
	if !ok1 || !ok2 {
		return resp.ErrNotInt
	}
	key := argv[1]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteSimple("OK")
		return nil
	}
	from, n := listRange(l.count, start, end)
	ltrim, rtrim := from, l.count-from-n
	if n == 0 {
		ltrim, rtrim = l.count, 0
	}
	l.delRange(0, ltrim)
	l.delRange(l.count-rtrim, rtrim)
	c.listRemoved(key, l, ltrim+rtrim)
	w.WriteSimple("OK")
	return nil
}

// ---------------------------------------------------------------------------
// LREM LINSERT LPOS

func cmdLRem(c *client, argv [][]byte, w resp.ReplyWriter) error {
	toRemove, err := rangeArg(argv[2], -math.MaxInt64, math.MaxInt64, nil)
	if err != nil {
		return err
	}
	key := argv[1]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteInt(0)
		return nil
	}
	fromTail := toRemove < 0
	if fromTail {
		toRemove = -toRemove
	}
	limit := int(min(toRemove, int64(l.count)))
	if toRemove == 0 {
		limit = 0
	}
	removed := l.removeMatches(argv[3], limit, fromTail)
	if removed > 0 {
		c.listRemoved(key, l, removed)
	}
	w.WriteInt(int64(removed))
	return nil
}

func cmdLInsert(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var after bool
	switch {
	case optIs(argv[2], "after"):
		after = true
	case optIs(argv[2], "before"):
	default:
		return resp.ErrSyntax
	}
	key, pivot, val := argv[1], argv[3], argv[4]
	l, err := c.writeList(key)
	if err != nil {
		return err
	}
	if l == nil {
		w.WriteInt(0)
		return nil
	}
	lc := c.listConf()
	// As in Redis, the list converts before the pivot is looked for.
	l.growCheck(lc, len(val), 1)
	it := l.iter(0, false)
	for i := 0; ; i++ {
		v, ok := it.next()
		if !ok {
			w.WriteInt(-1)
			return nil
		}
		if string(v) == string(pivot) {
			l.insertAt(lc, i, val, after)
			break
		}
	}
	c.db.modified(key)
	c.e.dirty++
	w.WriteInt(int64(l.count))
	return nil
}

func cmdLPos(c *client, argv [][]byte, w resp.ReplyWriter) error {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(argv); j++ {
		more := j+1 < len(argv)
		var err error
		switch {
		case optIs(argv[j], "rank") && more:
			j++
			if rank, err = rangeArg(argv[j], -math.MaxInt64, math.MaxInt64, nil); err != nil {
				return err
			}
			if rank == 0 {
				return errListRankZero
			}
		case optIs(argv[j], "count") && more:
			j++
			if count, err = rangeArg(argv[j], 0, math.MaxInt64, errListCountNeg); err != nil {
				return err
			}
		case optIs(argv[j], "maxlen") && more:
			j++
			if maxlen, err = rangeArg(argv[j], 0, math.MaxInt64, errListMaxlenNeg); err != nil {
				return err
			}
		default:
			return resp.ErrSyntax
		}
	}
	rev := rank < 0
	if rev {
		rank = -rank
	}
	l, err := c.readList(argv[1])
	if err != nil {
		return err
	}
	if l == nil {
		if count != -1 {
			w.WriteArray(0)
		} else {
			w.WriteNull()
		}
		return nil
	}
	start := 0
	if rev {
		start = l.count - 1
	}
	it := l.iter(start, rev)
	var found []int64
	var matches int64
	ele := string(argv[2])
	for idx := int64(0); maxlen == 0 || idx < maxlen; idx++ {
		v, ok := it.next()
		if !ok {
			break
		}
		if string(v) != ele {
			continue
		}
		matches++
		if matches < rank {
			continue
		}
		pos := idx
		if rev {
			pos = int64(l.count) - idx - 1
		}
		found = append(found, pos)
		if count == -1 || (count > 0 && matches-rank+1 >= count) {
			break
		}
	}
	if count != -1 {
		w.WriteArray(len(found))
		for _, p := range found {
			w.WriteInt(p)
		}
		return nil
	}
	if len(found) == 0 {
		w.WriteNull()
		return nil
	}
	w.WriteInt(found[0])
	return nil
}

// ---------------------------------------------------------------------------
// LMOVE RPOPLPUSH

func cmdLMove(c *client, argv [][]byte, w resp.ReplyWriter) error {
	from, err := parseWhere(argv[3])
	if err != nil {
		return err
	}
	to, err := parseWhere(argv[4])
	if err != nil {
		return err
	}
	return c.lmove(argv[1], argv[2], from, to, w)
}

func cmdRPopLPush(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.lmove(argv[1], argv[2], false, true, w)
}

// lmove pops from src and pushes onto dst, replying with the element, or
// null when src is missing.
func (c *client) lmove(src, dst []byte, fromHead, toHead bool, w resp.ReplyWriter) error {
	sl, err := c.writeList(src)
	if err != nil {
		return err
	}
	if sl == nil || sl.count == 0 {
		w.WriteNull()
		return nil
	}
	dl, err := c.writeList(dst)
	if err != nil {
		return err
	}
	// The element is copied: with src == dst the push may reuse its
	// memory.
	srcQuick := sl.quick()
	v := append([]byte(nil), sl.pop(fromHead)...)
	if dl == nil {
		dl = c.createList(dst)
	} else {
		c.db.modified(dst)
	}
	lc := c.listConf()
	addBytes := len(v)
	if _, isInt := qlStoredInt(v); isInt && srcQuick {
		// Redis pops an integer out of a quicklist as an integer object,
		// which its growth check does not measure.
		addBytes = 0
	}
	dl.growCheck(lc, addBytes, 1)
	dl.push(lc, v, toHead)
	w.WriteBulk(v)
	c.listRemoved(src, sl, 1)
	return nil
}

// ---------------------------------------------------------------------------
// BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH

func cmdBLPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bpop(argv, w, true)
}

func cmdBRPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.bpop(argv, w, false)
}

func (c *client) bpop(argv [][]byte, w resp.ReplyWriter, head bool) error {
	deadline, err := c.blockTimeout(argv[len(argv)-1], true)
	if err != nil {
		return err
	}
	keys := argv[1 : len(argv)-1]
	for _, key := range keys {
		l, err := c.writeList(key)
		if err != nil {
			return err
		}
		if l == nil || l.count == 0 {
			continue
		}
		w.WriteArray(2)
		w.WriteBulk(key)
		w.WriteBulk(l.pop(head))
		c.listRemoved(key, l, 1)
		return nil
	}
	if !c.canBlock() {
		w.WriteNullArray()
		return nil
	}
	return c.blockOnKeys(kindList, keys, deadline)
}

func cmdBLMPop(c *client, argv [][]byte, w resp.ReplyWriter) error {
	a, err := parseMPop(argv, 2)
	if err != nil {
		return err
	}
	deadline, err := c.blockTimeout(argv[1], true)
	if err != nil {
		return err
	}
	if ok, err := c.mpop(a, w); ok || err != nil {
		return err
	}
	if !c.canBlock() {
		w.WriteNullArray()
		return nil
	}
	return c.blockOnKeys(kindList, a.keys, deadline)
}

func cmdBLMove(c *client, argv [][]byte, w resp.ReplyWriter) error {
	from, err := parseWhere(argv[3])
	if err != nil {
		return err
	}
	to, err := parseWhere(argv[4])
	if err != nil {
		return err
	}
	deadline, err := c.blockTimeout(argv[5], true)
	if err != nil {
		return err
	}
	return c.blmove(argv[1], argv[2], from, to, deadline, w)
}

func cmdBRPopLPush(c *client, argv [][]byte, w resp.ReplyWriter) error {
	deadline, err := c.blockTimeout(argv[3], true)
	if err != nil {
		return err
	}
	return c.blmove(argv[1], argv[2], false, true, deadline, w)
}

func (c *client) blmove(src, dst []byte, fromHead, toHead bool, deadline int64, w resp.ReplyWriter) error {
	sl, err := c.writeList(src)
	if err != nil {
		return err
	}
	if sl != nil {
		return c.lmove(src, dst, fromHead, toHead, w)
	}
	if !c.canBlock() {
		w.WriteNull()
		return nil
	}
	return c.blockOnKeys(kindList, [][]byte{src}, deadline)
}
