package memory

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/rk-redis/rk/internal/resp"
)

// Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS
// HINCRBY HINCRBYFLOAT HKEYS HVALS HGETALL HRANDFIELD HSCAN, and the field
// expiration commands HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL
// HEXPIRETIME HPEXPIRETIME HPERSIST. The data structure is in hash.go.
var hashCommands = map[string]handler{
	"hset":         cmdHSet,
	"hmset":        cmdHMSet,
	"hsetnx":       cmdHSetNX,
	"hget":         cmdHGet,
	"hmget":        cmdHMGet,
	"hdel":         cmdHDel,
	"hlen":         cmdHLen,
	"hstrlen":      cmdHStrlen,
	"hexists":      cmdHExists,
	"hincrby":      cmdHIncrBy,
	"hincrbyfloat": cmdHIncrByFloat,
	"hkeys":        cmdHKeys,
	"hvals":        cmdHVals,
	"hgetall":      cmdHGetAll,
	"hrandfield":   cmdHRandField,
	"hscan":        cmdHScan,
	"hexpire":      cmdHExpire,
	"hpexpire":     cmdHPExpire,
	"hexpireat":    cmdHExpireAt,
	"hpexpireat":   cmdHPExpireAt,
	"httl":         cmdHTTL,
	"hpttl":        cmdHPTTL,
	"hexpiretime":  cmdHExpireTime,
	"hpexpiretime": cmdHPExpireTime,
	"hpersist":     cmdHPersist,
}

// Errors only the hash commands give.
var (
	errHashNotInt        error = resp.Error("ERR hash value is not an integer")
	errHashNotFloat      error = resp.Error("ERR hash value is not a float")
	errNaNOrInfinity     error = resp.Error("ERR value is NaN or Infinity")
	errFieldsMissing     error = resp.Error("ERR Mandatory argument FIELDS is missing or not at the right position")
	errNumFieldsPositive error = resp.Error("ERR Number of fields must be a positive integer")
	errNumFieldsExpire   error = resp.Error("ERR Parameter `numFields` should be greater than 0")
	errNumFieldsMismatch error = resp.Error("ERR The `numfields` parameter must match the number of arguments")
	errExpireNegative    error = resp.Error("ERR invalid expire time, must be >= 0")
)

// ---------------------------------------------------------------------------
// Lookups

// hashRead is a read command's lookup (counting a keyspace hit or miss):
// nil when the key is missing, WRONGTYPE for another kind.
func (c *client) hashRead(key []byte) (*hashValue, error) {
	return valueOf[*hashValue](c.readKey(key, false), kindHash)
}

// hashWrite is a write command's lookup.
func (c *client) hashWrite(key []byte) (*hashValue, error) {
	return valueOf[*hashValue](c.writeKey(c.db, key), kindHash)
}

// hashCreate stores a new empty hash at key, which must be missing.
func (c *client) hashCreate(key []byte) *hashValue {
	h := &hashValue{}
	c.db.insert(key, &object{kind: kindHash, val: h, lru: c.e.lruClock()})
	return h
}

// hashWriteOrCreate is hashWrite that creates the hash when it is missing.
func (c *client) hashWriteOrCreate(key []byte) (*hashValue, error) {
	h, err := c.hashWrite(key)
	if err != nil || h != nil {
		return h, err
	}
	return c.hashCreate(key), nil
}

// hashGet reads field with lazy expiry: a field whose deadline passed is
// deleted (counted in expired_subkeys), and so is the key when that
// empties the hash (gone). ok is false for a missing or expired field.
// The value aliases the hash.
func (c *client) hashGet(key []byte, h *hashValue, field []byte) (v []byte, ok, gone bool) {
	v, at, ok := h.get(field)
	if !ok {
		return nil, false, false
	}
	if !fieldExpired(at, c.e.nowMs) {
		return v, true, false
	}
	h.del(field)
	c.e.stats.expiredSubkeys++
	if h.length() == 0 {
		c.db.remove(key)
		return nil, false, true
	}
	c.db.modified(key)
	return nil, false, false
}

// hashPrepare converts a compact hash before the field/value pairs in args
// are added, as Redis's hashTypeTryConversion does: when they are more
// pairs than hash-max-listpack-entries, when a string is longer than
// hash-max-listpack-value, or when the buffer would grow too large.
func (c *client) hashPrepare(h *hashValue, args [][]byte) {
	if h.big != nil {
		return
	}
	cfg := c.e.cfg
	if int64(len(args)/2) > cfg.hashMaxListpackEntries {
		h.convert()
		return
	}
	sum := 0
	for _, a := range args {
		if int64(len(a)) > cfg.hashMaxListpackValue {
			h.convert()
			return
		}
		sum += len(a)
	}
	if len(h.lp)+sum > lpMaxSafeSize {
		h.convert()
	}
}

// hashSet stores value at field (Redis's hashTypeSet), converting a
// compact hash whose strings or size outgrow it, and reports whether the
// field existed.
func (c *client) hashSet(h *hashValue, field, value []byte, keepTTL bool) bool {
	cfg := c.e.cfg
	if h.big == nil && (int64(len(field)) > cfg.hashMaxListpackValue || int64(len(value)) > cfg.hashMaxListpackValue) {
		h.convert()
	}
	update := h.set(field, value, keepTTL)
	if h.big == nil && int64(h.n) > cfg.hashMaxListpackEntries {
		h.convert()
	}
	return update
}

// ---------------------------------------------------------------------------
// HSET HMSET HSETNX

func cmdHSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	n, err := c.hset(argv, "hset")
	if err != nil {
		return err
	}
	w.WriteInt(n)
	return nil
}

func cmdHMSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if _, err := c.hset(argv, "hmset"); err != nil {
		return err
	}
	w.WriteSimple("OK")
	return nil
}

// hset stores the field/value pairs of argv and returns how many fields
// are new.
func (c *client) hset(argv [][]byte, cmd string) (int64, error) {
	if len(argv)%2 == 1 {
		return 0, resp.ErrWrongArgs(cmd)
	}
	key := argv[1]
	h, err := c.hashWriteOrCreate(key)
	if err != nil {
		return 0, err
	}
	c.hashPrepare(h, argv[2:])
	var created int64
	for i := 2; i < len(argv); i += 2 {
		if !c.hashSet(h, argv[i], argv[i+1], false) {
			created++
		}
	}
	c.db.modified(key)
	c.e.dirty += int64(len(argv)-2) / 2
	return created, nil
}

func cmdHSetNX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, field := argv[1], argv[2]
	h, err := c.hashWrite(key)
	if err != nil {
		return err
	}
	if h != nil {
		_, ok, gone := c.hashGet(key, h, field)
		if ok {
			w.WriteInt(0)
			return nil
		}
		if gone {
			h = nil
		}
	}
	if h == nil {
		h = c.hashCreate(key)
	}
	c.hashPrepare(h, argv[2:4])
	c.hashSet(h, field, argv[3], false)
	c.db.modified(key)
	c.e.dirty++
	w.WriteInt(1)
	return nil
}

// ---------------------------------------------------------------------------
// HGET HMGET HDEL HLEN HSTRLEN HEXISTS

func cmdHGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	h, err := c.hashRead(argv[1])
	if err != nil {
		return err
	}
	if h == nil {
		w.WriteNull()
		return nil
	}
	if v, ok, _ := c.hashGet(argv[1], h, argv[2]); ok {
		w.WriteBulk(v)
	} else {
		w.WriteNull()
	}
	return nil
}

func cmdHMGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	h, err := c.hashRead(key)
	if err != nil {
		return err
	}
	w.WriteArray(len(argv) - 2)
	for _, f := range argv[2:] {
		if h == nil {
			w.WriteNull()
			continue
		}
		v, ok, gone := c.hashGet(key, h, f)
		switch {
		case ok:
			w.WriteBulk(v)
		case gone:
			h = nil
			w.WriteNull()
		default:
			w.WriteNull()
		}
	}
	return nil
}

// cmdHDel deletes fields whether or not their deadline passed.
func cmdHDel(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	h, err := c.hashWrite(key)
	if err != nil {
		return err
	}
	if h == nil {
		w.WriteInt(0)
		return nil
	}
	var deleted int64
	for _, f := range argv[2:] {
		if h.del(f) {
			deleted++
			if h.length() == 0 {
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

// cmdHLen counts expired fields not yet deleted too, as Redis does.
func cmdHLen(c *client, argv [][]byte, w resp.ReplyWriter) error {
	h, err := c.hashRead(argv[1])
	if err != nil {
		return err
	}
	if h == nil {
		w.WriteInt(0)
		return nil
	}
	w.WriteInt(int64(h.length()))
	return nil
}

func cmdHStrlen(c *client, argv [][]byte, w resp.ReplyWriter) error {
	h, err := c.hashRead(argv[1])
	if err != nil {
		return err
	}
	if h == nil {
		w.WriteInt(0)
		return nil
	}
	v, _, _ := c.hashGet(argv[1], h, argv[2])
	w.WriteInt(int64(len(v)))
	return nil
}

func cmdHExists(c *client, argv [][]byte, w resp.ReplyWriter) error {
	h, err := c.hashRead(argv[1])
	if err != nil {
		return err
	}
	if h == nil {
		w.WriteInt(0)
		return nil
	}
	if _, ok, _ := c.hashGet(argv[1], h, argv[2]); ok {
		w.WriteInt(1)
	} else {
		w.WriteInt(0)
	}
	return nil
}

// ---------------------------------------------------------------------------
// HINCRBY HINCRBYFLOAT

// hashIncrTarget finds the hash and the current value of field for an
// increment: the hash is created when missing (or when lazy expiry of the
// field deleted it), and an expired field counts as missing.
func (c *client) hashIncrTarget(key, field []byte) (*hashValue, []byte, bool, error) {
	h, err := c.hashWrite(key)
	if err != nil {
		return nil, nil, false, err
	}
	if h == nil {
		return c.hashCreate(key), nil, false, nil
	}
	v, ok, gone := c.hashGet(key, h, field)
	if gone {
		return c.hashCreate(key), nil, false, nil
	}
	return h, v, ok, nil
}

func cmdHIncrBy(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, field := argv[1], argv[2]
	incr, ok := resp.ParseInt(argv[3])
	if !ok {
		return resp.ErrNotInt
	}
	h, cur, found, err := c.hashIncrTarget(key, field)
	if err != nil {
		return err
	}
	var v int64
	if found {
		if v, ok = resp.ParseInt(cur); !ok {
			return errHashNotInt
		}
	}
	if (incr < 0 && v < 0 && incr < math.MinInt64-v) || (incr > 0 && v > 0 && incr > math.MaxInt64-v) {
		return resp.ErrIncrOverflow
	}
	v += incr
	var buf [20]byte
	c.hashSet(h, field, strconv.AppendInt(buf[:0], v, 10), true)
	c.db.modified(key)
	c.e.dirty++
	w.WriteInt(v)
	return nil
}

// cmdHIncrByFloat adds in long double arithmetic, as INCRBYFLOAT does, for
// Redis's exact results.
func cmdHIncrByFloat(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, field := argv[1], argv[2]
	incr, ok := parseLongDouble(argv[3])
	if !ok {
		return resp.ErrNotFloat
	}
	if incr.IsInf() {
		return errNaNOrInfinity
	}
	h, cur, found, err := c.hashIncrTarget(key, field)
	if err != nil {
		return err
	}
	v := ldZero
	if found {
		if v, ok = parseLongDouble(cur); !ok {
			return errHashNotFloat
		}
	}
	sum, ok := addLongDouble(v, incr)
	if !ok {
		return resp.ErrIncrNaNInf
	}
	text := appendLongDouble(nil, sum)
	c.hashSet(h, field, text, true)
	c.db.modified(key)
	c.e.dirty++
	w.WriteBulk(text)
	return nil
}

// ---------------------------------------------------------------------------
// HKEYS HVALS HGETALL

const (
	hashWantFields = 1 << iota
	hashWantValues
)

func cmdHKeys(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hgetall(argv[1], hashWantFields, w)
}

func cmdHVals(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hgetall(argv[1], hashWantValues, w)
}

func cmdHGetAll(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hgetall(argv[1], hashWantFields|hashWantValues, w)
}

// hgetall writes the hash's live fields, values or both (a map), leaving
// expired fields out without deleting them.
func (c *client) hgetall(key []byte, want int, w resp.ReplyWriter) error {
	h, err := c.hashRead(key)
	if err != nil {
		return err
	}
	both := want == hashWantFields|hashWantValues
	n := 0
	if h != nil {
		n = h.liveCount(c.e.nowMs)
	}
	if both {
		w.WriteMap(n)
	} else {
		w.WriteArray(n)
	}
	if h == nil {
		return nil
	}
	now := c.e.nowMs
	h.each(func(f, v []byte, at int64) bool {
		if fieldExpired(at, now) {
			return true
		}
		if want&hashWantFields != 0 {
			w.WriteBulk(f)
		}
		if want&hashWantValues != 0 {
			w.WriteBulk(v)
		}
		return true
	})
	return nil
}

// ---------------------------------------------------------------------------
// HRANDFIELD

// hrandMaxReply bounds HRANDFIELD's reply with a negative count. Redis
// streams such a reply until the client's output buffer limit closes the
// connection (or memory runs out); rk refuses it instead.
const hrandMaxReply = 1 << 24

func cmdHRandField(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	if len(argv) == 2 {
		h, err := c.hashRead(key)
		if err != nil {
			return err
		}
		if h == nil || c.hashExpireAll(key, h) {
			w.WriteNull()
			return nil
		}
		f, _ := h.entryAt(h.randomIndex())
		w.WriteBulk(f)
		return nil
	}
	l, withValues, err := parseRandCount(argv, "withvalues")
	if err != nil {
		return err
	}
	h, err := c.hashRead(key)
	if err != nil {
		return err
	}
	if h == nil || c.hashExpireAll(key, h) || l == 0 {
		w.WriteArray(0)
		return nil
	}
	return c.hrandWithCount(h, l, withValues, w)
}

// hashExpireAll deletes the fields whose deadline passed, before
// HRANDFIELD picks among the rest, and reports whether that deleted the
// key.
func (c *client) hashExpireAll(key []byte, h *hashValue) bool {
	now := c.e.nowMs
	if at := h.minTTL(); at == 0 || at >= now {
		return false
	}
	n := h.expireFields(now, math.MaxInt)
	c.e.stats.expiredSubkeys += int64(n)
	if h.length() == 0 {
		c.db.remove(key)
		return true
	}
	c.db.modified(key)
	c.db.reregisterHash(key, h)
	return false
}

func (c *client) hrandWithCount(h *hashValue, l int64, withValues bool, w resp.ReplyWriter) error {
	resp3 := w.Proto() > 2
	writePair := func(f, v []byte) {
		if withValues && resp3 {
			w.WriteArray(2)
		}
		w.WriteBulk(f)
		if withValues {
			w.WriteBulk(v)
		}
	}
	size := h.length()

	// A negative count (or 1): picks with repetition, in random order.
	if l < 0 || l == 1 {
		count := l
		if count < 0 {
			count = -count
		}
		if count > hrandMaxReply {
			return resp.ErrOutOfRange
		}
		writePairsHeader(w, int(count), withValues)
		if h.big != nil {
			for ; count > 0; count-- {
				f, v := h.entryAt(h.randomIndex())
				writePair(f, v)
			}
			return nil
		}
		// Index the compact entries once, then pick.
		offs := make([]int, 0, h.n)
		for off := 0; off < len(h.lp); {
			offs = append(offs, off)
			_, _, _, off = lpEntry(h.lp, off, h.ex)
		}
		for ; count > 0; count-- {
			f, v, _, _ := lpEntry(h.lp, offs[rand.IntN(len(offs))], h.ex)
			writePair(f, v)
		}
		return nil
	}

	count := int(min(l, int64(size)))
	writePairsHeader(w, count, withValues)
	// The whole hash, in its order.
	if count == size {
		h.each(func(f, v []byte, _ int64) bool {
			writePair(f, v)
			return true
		})
		return nil
	}
	// Compact: a uniform sample of distinct entries, in the hash's order
	// (selection sampling).
	if h.big == nil {
		need, left := count, size
		h.each(func(f, v []byte, _ int64) bool {
			if rand.IntN(left) < need {
				writePair(f, v)
				need--
			}
			left--
			return need > 0
		})
		return nil
	}
	// Big: when most entries are wanted, drop random ones from a copy of
	// the positions; otherwise draw distinct positions.
	ents := h.big.ents
	if count*3 > size {
		idx := make([]int, size)
		for i := range idx {
			idx[i] = i
		}
		for n := size; n > count; n-- {
			j := rand.IntN(n)
			idx[j] = idx[n-1]
		}
		for _, i := range idx[:count] {
			writePair(bytesOfString(ents[i].field), bytesOfString(ents[i].value))
		}
		return nil
	}
	randomDistinct(size, count, func(i int) {
		writePair(bytesOfString(ents[i].field), bytesOfString(ents[i].value))
	})
	return nil
}

// ---------------------------------------------------------------------------
// HSCAN

// cmdHScan returns a compact hash whole, with cursor 0, as Redis does;
// a big one is walked COUNT entries at a time (bigHash.scan). Expired
// fields are left out, not deleted. The options are read only once the
// key is found, as in Redis: a missing key answers an empty scan whatever
// follows the cursor.
func cmdHScan(c *client, argv [][]byte, w resp.ReplyWriter) error {
	h, cursor, opts, err := scanKey(argv, true, c.hashRead, w)
	if err != nil || h == nil {
		return err
	}
	now := c.e.nowMs
	var out [][]byte
	add := func(f, v []byte, at int64) {
		if fieldExpired(at, now) {
			return
		}
		if !opts.match(bytesAsString(f)) {
			return
		}
		out = append(out, f)
		if !opts.noValues {
			out = append(out, v)
		}
	}
	if h.big == nil {
		cursor = 0
		h.each(func(f, v []byte, at int64) bool {
			add(f, v, at)
			return true
		})
	} else {
		cursor = h.big.scan(cursor, opts.count, func(e *hashEntry) {
			add(bytesOfString(e.field), bytesOfString(e.value), e.at)
		})
	}
	writeScanReply(w, cursor, out)
	return nil
}

// ---------------------------------------------------------------------------
// HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT

func cmdHExpire(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hexpire(argv, c.e.nowMs, true, "hexpire", w)
}

func cmdHPExpire(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hexpire(argv, c.e.nowMs, false, "hpexpire", w)
}

func cmdHExpireAt(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hexpire(argv, 0, true, "hexpireat", w)
}

func cmdHPExpireAt(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.hexpire(argv, 0, false, "hpexpireat", w)
}

// hfeMaxTime is the latest deadline a field can be given (Redis's
// HFE_MAX_ABS_TIME_MSEC, 2^46-1 ms: in the year 4199).
const hfeMaxTime = (1<<48 - 1) >> 2

// The replies of the HEXPIRE family, per field.
const (
	hfeNoField  = -2 // no such field (or no such key)
	hfeNoCond   = 0  // NX, XX, GT or LT not met
	hfeSet      = 1  // deadline set
	hfeDeleted  = 2  // deadline not in the future: field deleted
	hfeNoTTL    = -1 // HTTL, HPERSIST: the field has no deadline
	hfePersists = 1  // HPERSIST: deadline removed
)

// parseHashFields checks the FIELDS numfields field... tail of argv, which
// starts at argv[at] (the FIELDS keyword), and returns the fields.
func parseHashFields(argv [][]byte, at int, numErr error) ([][]byte, error) {
	if !optIs(argv[at], "fields") {
		return nil, errFieldsMissing
	}
	n, ok := resp.ParseInt(argv[at+1])
	if !ok || n < 1 {
		return nil, numErr
	}
	fields := argv[at+2:]
	if n != int64(len(fields)) {
		return nil, errNumFieldsMismatch
	}
	return fields, nil
}

// hexpire sets field deadlines, in Redis's order of checks: the key's
// type, the time, the condition, FIELDS and the count. base is now for
// relative times, 0 for absolute ones.
func (c *client) hexpire(argv [][]byte, base int64, seconds bool, cmd string, w resp.ReplyWriter) error {
	key := argv[1]
	h, err := c.hashWrite(key)
	if err != nil {
		return err
	}
	at, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if at < 0 {
		return errExpireNegative
	}
	if seconds {
		if at > hfeMaxTime/1000 {
			return resp.ErrInvalidExpire(cmd)
		}
		at *= 1000
	}
	if at > hfeMaxTime-base {
		return resp.ErrInvalidExpire(cmd)
	}
	at += base
	cond, fieldsAt := 0, 3
	switch opt := argv[3]; {
	case optIs(opt, "nx"):
		cond = expireNX
	case optIs(opt, "xx"):
		cond = expireXX
	case optIs(opt, "gt"):
		cond = expireGT
	case optIs(opt, "lt"):
		cond = expireLT
	}
	if cond != 0 {
		fieldsAt++
	}
	fields, err := parseHashFields(argv, fieldsAt, errNumFieldsExpire)
	if err != nil {
		return err
	}
	w.WriteArray(len(fields))
	if h == nil {
		for range fields {
			w.WriteInt(hfeNoField)
		}
		return nil
	}
	h.toEx()
	now := c.e.nowMs
	var updated, deleted int64
	// minFields is the earliest of the changed fields' old and new
	// deadlines, which says whether the hash's registration may change.
	minFields := int64(math.MaxInt64)
	for _, f := range fields {
		_, cur, ok := h.get(f)
		switch {
		case !ok:
			w.WriteInt(hfeNoField)
			continue
		case cur == 0 && cond&(expireXX|expireGT) != 0,
			cur != 0 && (cond == expireNX || cond == expireGT && cur >= at || cond == expireLT && cur <= at):
			w.WriteInt(hfeNoCond)
			continue
		}
		if cur != 0 {
			minFields = min(minFields, cur)
		}
		if at <= now {
			h.del(f)
			c.e.stats.expiredSubkeys++
			deleted++
			w.WriteInt(hfeDeleted)
			continue
		}
		h.setTTL(f, at)
		minFields = min(minFields, at)
		updated++
		w.WriteInt(hfeSet)
	}
	if updated+deleted == 0 {
		return nil
	}
	c.e.dirty += updated + deleted
	if h.length() == 0 {
		c.db.remove(key)
		return nil
	}
	c.db.modified(key)
	// As Redis's hashTypeSetExDone: a hash queued before every changed
	// deadline keeps its place.
	if h.regAt == 0 || h.regAt >= minFields {
		c.db.reregisterHash(key, h)
	}
	return nil
}

// ---------------------------------------------------------------------------
// HTTL HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST

func cmdHTTL(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.httl(argv, c.e.nowMs, true, w)
}

func cmdHPTTL(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.httl(argv, c.e.nowMs, false, w)
}

func cmdHExpireTime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.httl(argv, 0, true, w)
}

func cmdHPExpireTime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.httl(argv, 0, false, w)
}

// httl answers each field's time to live (base now) or deadline (base
// 0), in seconds rounded up or in milliseconds; -1 for a field without a
// deadline, -2 for a missing field or one whose deadline passed.
func (c *client) httl(argv [][]byte, base int64, seconds bool, w resp.ReplyWriter) error {
	h, err := c.hashRead(argv[1])
	if err != nil {
		return err
	}
	fields, err := parseHashFields(argv, 2, errNumFieldsPositive)
	if err != nil {
		return err
	}
	now := c.e.nowMs
	w.WriteArray(len(fields))
	for _, f := range fields {
		if h == nil {
			w.WriteInt(hfeNoField)
			continue
		}
		_, at, ok := h.get(f)
		switch {
		case !ok:
			w.WriteInt(hfeNoField)
		case at == 0:
			w.WriteInt(hfeNoTTL)
		// Redis's listpackex treats a deadline equal to now as passed,
		// its hashtable does not.
		case at < now || (h.big == nil && at == now):
			w.WriteInt(hfeNoField)
		case seconds:
			w.WriteInt((at + 999 - base) / 1000)
		default:
			w.WriteInt(at - base)
		}
	}
	return nil
}

func cmdHPersist(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	h, err := c.hashWrite(key)
	if err != nil {
		return err
	}
	fields, err := parseHashFields(argv, 2, errNumFieldsPositive)
	if err != nil {
		return err
	}
	now := c.e.nowMs
	changed := false
	w.WriteArray(len(fields))
	for _, f := range fields {
		if h == nil {
			w.WriteInt(hfeNoField)
			continue
		}
		_, at, ok := h.get(f)
		switch {
		case !ok:
			w.WriteInt(hfeNoField)
		case at == 0:
			w.WriteInt(hfeNoTTL)
		case at < now:
			w.WriteInt(hfeNoField)
		default:
			h.setTTL(f, 0)
			changed = true
			w.WriteInt(hfePersists)
		}
	}
	if changed {
		c.db.modified(key)
		c.e.dirty++
	}
	return nil
}
