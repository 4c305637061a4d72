package memory

import (
	"bytes"
	"math"
	"math/big"
	"strconv"

	"github.com/rk-redis/rk/internal/resp"
)

// String commands: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET
// GETDEL GETEX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR DECR INCRBY
// DECRBY INCRBYFLOAT LCS.
var stringCommands = map[string]handler{
	"get":         cmdGet,
	"set":         cmdSet,
	"setnx":       cmdSetNX,
	"setex":       cmdSetEX,
	"psetex":      cmdPSetEX,
	"mget":        cmdMGet,
	"mset":        cmdMSet,
	"msetnx":      cmdMSetNX,
	"getset":      cmdGetSet,
	"getdel":      cmdGetDel,
	"getex":       cmdGetEX,
	"append":      cmdAppend,
	"strlen":      cmdStrlen,
	"getrange":    cmdGetRange,
	"substr":      cmdGetRange,
	"setrange":    cmdSetRange,
	"incr":        cmdIncr,
	"decr":        cmdDecr,
	"incrby":      cmdIncrBy,
	"decrby":      cmdDecrBy,
	"incrbyfloat": cmdIncrByFloat,
	"lcs":         cmdLCS,
}

// Errors only the string commands give.
var (
	errDecrOverflow  error = resp.Error("ERR decrement would overflow")
	errLCSNotStrings error = resp.Error("ERR The specified keys must contain string values")
	errLCSLenAndIdx  error = resp.Error("ERR If you want both the length and indexes, please just use IDX.")
	errLCSTooLong    error = resp.Error("ERR String too long for LCS")
	errLCSMemory     error = resp.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
)

// lookupString is the read-side lookup of a string (Redis's
// lookupKeyRead): it counts a keyspace hit or miss, and returns nil when
// the key is missing, or WRONGTYPE.
func (c *client) lookupString(key []byte) (*object, error) {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		c.e.stats.keyspaceMisses++
		return nil, nil
	}
	c.e.stats.keyspaceHits++
	if o.kind != kindString {
		return nil, resp.ErrWrongType
	}
	c.touchKey(o) // CLIENT NO-TOUCH applies (cmd_client.go)
	return o, nil
}

// lookupStringWrite is the write-side lookup of a string (Redis's
// lookupKeyWrite): an expired key is deleted, hits and misses are not
// counted. It returns nil when the key is missing, or WRONGTYPE.
func (c *client) lookupStringWrite(key []byte) (*object, error) {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		return nil, nil
	}
	if o.kind != kindString {
		return nil, resp.ErrWrongType
	}
	c.touchKey(o) // CLIENT NO-TOUCH applies (cmd_client.go)
	return o, nil
}

// setString stores a copy of val at key, dropping any TTL. An existing
// string value's buffer is reused when it is large enough.
func (c *client) setString(key, val []byte) {
	c.storeString(c.db.get(key, c.e.nowMs), key, val, false)
}

// storeString stores a copy of val at key, whose current object (of any
// kind) is old, nil when the key is missing. The TTL is dropped unless
// keepTTL. An existing string's buffer is reused when its size suits val,
// so overwriting a value allocates nothing.
func (c *client) storeString(old *object, key, val []byte, keepTTL bool) {
	d := c.db
	if old == nil {
		d.insert(key, &object{kind: kindString, str: append([]byte(nil), val...), lru: c.e.lruClock()})
		return
	}
	d.modified(key)
	if old.kind == kindString && cap(old.str) >= len(val) && cap(old.str) <= 2*len(val)+16 {
		old.str = append(old.str[:0], val...)
	} else {
		old.kind, old.str, old.val = kindString, append([]byte(nil), val...), nil
	}
	old.raw = false
	old.lru = c.e.lruClock()
	if !keepTTL && len(d.expires) > 0 {
		delete(d.expires, string(key))
	}
}

// checkStringLength refuses a string that would grow to size+add bytes
// when that passes proto-max-bulk-len (or overflows).
func (c *client) checkStringLength(size, add int64) error {
	total := size + add
	if total > c.e.cfg.protoMaxBulkLen || total < size || total < add {
		return resp.ErrStringTooLong
	}
	return nil
}

// optIs reports whether the option argument arg is name, ignoring case.
// Like Redis, which compares C strings, it ignores anything from a NUL
// byte on.
func optIs(arg []byte, name string) bool {
	if len(arg) < len(name) || (len(arg) > len(name) && arg[len(name)] != 0) {
		return false
	}
	for i := 0; i < len(name); i++ {
		a, b := arg[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Expire arguments

// expireForm says how an expire argument is read: relative to now or an
// absolute Unix time, in seconds or in milliseconds.
type expireForm uint8

const (
	expireEX   expireForm = iota // relative seconds: EX, SETEX, EXPIRE
	expirePX                     // relative milliseconds: PX, PSETEX, PEXPIRE
	expireEXAT                   // Unix seconds: EXAT, EXPIREAT
	expirePXAT                   // Unix milliseconds: PXAT, PEXPIREAT
)

func (f expireForm) seconds() bool  { return f == expireEX || f == expireEXAT }
func (f expireForm) relative() bool { return f == expireEX || f == expirePX }

// parseExpireArg reads the expire argument arg of the command cmd (its
// lower-case name, for the error text) and returns the deadline in Unix
// milliseconds. nowMs is the command's time (c.e.nowMs).
//
// With strict, it follows SET, SETEX, PSETEX and GETEX (Redis's
// getExpireMillisecondsOrReply): the value must be positive, and a value
// whose conversion to milliseconds or addition to now overflows is
// refused. Without strict, it follows EXPIRE, PEXPIRE, EXPIREAT and
// PEXPIREAT (expireGenericCommand): zero and negative values are allowed
// (the caller deletes the key when the deadline is not after nowMs) and
// only overflow is refused.
//
// A non-integer is "ERR value is not an integer or out of range"; a value
// out of range is "ERR invalid expire time in '<cmd>' command".
func parseExpireArg(arg []byte, form expireForm, nowMs int64, cmd string, strict bool) (int64, error) {
	n, ok := resp.ParseInt(arg)
	if !ok {
		return 0, resp.ErrNotInt
	}
	if !strict {
		if form.seconds() {
			if n > math.MaxInt64/1000 || n < math.MinInt64/1000 {
				return 0, resp.ErrInvalidExpire(cmd)
			}
			n *= 1000
		}
		var base int64
		if form.relative() {
			base = nowMs
		}
		if n > math.MaxInt64-base {
			return 0, resp.ErrInvalidExpire(cmd)
		}
		return n + base, nil
	}
	if n <= 0 || (form.seconds() && n > math.MaxInt64/1000) {
		return 0, resp.ErrInvalidExpire(cmd)
	}
	if form.seconds() {
		n *= 1000
	}
	if form.relative() {
		n += nowMs // may wrap; caught below, as in Redis
	}
	if n <= 0 {
		return 0, resp.ErrInvalidExpire(cmd)
	}
	return n, nil
}

// ---------------------------------------------------------------------------
// GET, SET and their variants

// strFlags are the options of SET and GETEX.
type strFlags uint16

const (
	strNX strFlags = 1 << iota
	strXX
	strGet
	strKeepTTL
	strEX
	strPX
	strEXAT
	strPXAT
	strPersist

	strAnyExpire = strEX | strPX | strEXAT | strPXAT
)

// form is the expireForm of the expire option among f.
func (f strFlags) form() expireForm {
	switch {
	case f&strPX != 0:
		return expirePX
	case f&strEXAT != 0:
		return expireEXAT
	case f&strPXAT != 0:
		return expirePXAT
	}
	return expireEX
}

// parseStringOpts parses the options of SET (forSet) or GETEX, in opts,
// with Redis's rules: NX and XX exclude each other, the expire options
// exclude each other and KEEPTTL (SET) or PERSIST (GETEX), and repeating
// an option is allowed, the last expire value winning. It returns the
// flags and the expire argument, nil when there is none.
func parseStringOpts(opts [][]byte, forSet bool) (strFlags, []byte, error) {
	var f strFlags
	var expire []byte
	for j := 0; j < len(opts); j++ {
		opt := opts[j]
		hasNext := j+1 < len(opts)
		var set strFlags
		var excl strFlags
		takesArg := false
		switch {
		case forSet && optIs(opt, "nx"):
			set, excl = strNX, strXX
		case forSet && optIs(opt, "xx"):
			set, excl = strXX, strNX
		case forSet && optIs(opt, "get"):
			set = strGet
		case forSet && optIs(opt, "keepttl"):
			set, excl = strKeepTTL, strPersist|strAnyExpire
		case !forSet && optIs(opt, "persist"):
			set, excl = strPersist, strKeepTTL|strAnyExpire
		case optIs(opt, "ex"):
			set, excl, takesArg = strEX, strKeepTTL|strPersist|strAnyExpire&^strEX, true
		case optIs(opt, "px"):
			set, excl, takesArg = strPX, strKeepTTL|strPersist|strAnyExpire&^strPX, true
		case optIs(opt, "exat"):
			set, excl, takesArg = strEXAT, strKeepTTL|strPersist|strAnyExpire&^strEXAT, true
		case optIs(opt, "pxat"):
			set, excl, takesArg = strPXAT, strKeepTTL|strPersist|strAnyExpire&^strPXAT, true
		default:
			return 0, nil, resp.ErrSyntax
		}
		if f&excl != 0 || (takesArg && !hasNext) {
			return 0, nil, resp.ErrSyntax
		}
		f |= set
		if takesArg {
			j++
			expire = opts[j]
		}
	}
	return f, expire, nil
}

func cmdGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	w.WriteBulk(o.str)
	return nil
}

func cmdSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv) == 3 {
		c.setString(argv[1], argv[2])
		c.e.dirty++
		w.WriteSimple("OK")
		return nil
	}
	flags, expire, err := parseStringOpts(argv[3:], true)
	if err != nil {
		return err
	}
	return c.setGeneric("set", argv[1], argv[2], flags, expire, false, w)
}

func cmdSetNX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.setGeneric("setnx", argv[1], argv[2], strNX, nil, true, w)
}

func cmdSetEX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.setGeneric("setex", argv[1], argv[3], strEX, argv[2], false, w)
}

func cmdPSetEX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.setGeneric("psetex", argv[1], argv[3], strPX, argv[2], false, w)
}

// setGeneric is SET with its options, and SETNX, SETEX and PSETEX, in
// Redis's order: the expire value is checked first, then GET answers with
// the old value (or fails with WRONGTYPE, setting nothing), then NX/XX
// decide. intReply answers 1/0 (SETNX) instead of OK/null.
func (c *client) setGeneric(cmd string, key, val []byte, flags strFlags, expire []byte, intReply bool, w resp.ReplyWriter) error {
	var deadline int64
	if expire != nil {
		var err error
		if deadline, err = parseExpireArg(expire, flags.form(), c.e.nowMs, cmd, true); err != nil {
			return err
		}
	}
	if flags&strGet != 0 {
		o, err := c.lookupString(key)
		if err != nil {
			return err
		}
		if o == nil {
			w.WriteNull()
		} else {
			w.WriteBulk(o.str)
		}
	}
	old := c.db.get(key, c.e.nowMs)
	if (flags&strNX != 0 && old != nil) || (flags&strXX != 0 && old == nil) {
		if flags&strGet == 0 {
			if intReply {
				w.WriteInt(0)
			} else {
				w.WriteNull()
			}
		}
		return nil
	}
	c.storeString(old, key, val, flags&strKeepTTL != 0 || expire != nil)
	if expire != nil {
		c.db.setExpire(key, deadline)
	}
	c.e.dirty++
	if flags&strGet == 0 {
		if intReply {
			w.WriteInt(1)
		} else {
			w.WriteSimple("OK")
		}
	}
	return nil
}

func cmdMGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteArray(len(argv) - 1)
	for _, k := range argv[1:] {
		if o := c.strLookupRead(k); o != nil && o.kind == kindString {
			w.WriteBulk(o.str)
		} else {
			w.WriteNull()
		}
	}
	return nil
}

func cmdMSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv)%2 == 0 {
		return resp.ErrWrongArgs("mset")
	}
	for j := 1; j < len(argv); j += 2 {
		c.setString(argv[j], argv[j+1])
	}
	c.e.dirty += int64(len(argv) / 2)
	w.WriteSimple("OK")
	return nil
}

func cmdMSetNX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv)%2 == 0 {
		return resp.ErrWrongArgs("msetnx")
	}
	for j := 1; j < len(argv); j += 2 {
		if c.db.get(argv[j], c.e.nowMs) != nil {
			w.WriteInt(0)
			return nil
		}
	}
	for j := 1; j < len(argv); j += 2 {
		c.setString(argv[j], argv[j+1])
	}
	c.e.dirty += int64(len(argv) / 2)
	w.WriteInt(1)
	return nil
}

func cmdGetSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
	} else {
		w.WriteBulk(o.str)
	}
	c.storeString(o, argv[1], argv[2], false)
	c.e.dirty++
	return nil
}

func cmdGetDel(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	w.WriteBulk(o.str)
	c.db.remove(argv[1])
	c.e.dirty++
	return nil
}

// cmdGetEX is GET that also sets or removes the TTL. The options are
// checked before the key is read, the expire value only after (a missing
// key answers null even with a bad value).
func cmdGetEX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	flags, expire, err := parseStringOpts(argv[2:], false)
	if err != nil {
		return err
	}
	key := argv[1]
	o, err := c.lookupString(key)
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	var deadline int64
	if expire != nil {
		if deadline, err = parseExpireArg(expire, flags.form(), c.e.nowMs, "getex", true); err != nil {
			return err
		}
	}
	w.WriteBulk(o.str)
	d := c.db
	switch {
	case flags&(strEXAT|strPXAT) != 0 && deadline <= c.e.nowMs:
		d.remove(key)
		c.e.dirty++
	case expire != nil:
		d.setExpire(key, deadline)
		d.modified(key)
		c.e.dirty++
	case flags&strPersist != 0:
		if d.persist(key) {
			d.modified(key)
			c.e.dirty++
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// APPEND STRLEN GETRANGE SETRANGE

func cmdAppend(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, val := argv[1], argv[2]
	o, err := c.lookupStringWrite(key)
	if err != nil {
		return err
	}
	if o == nil {
		c.db.insert(key, &object{kind: kindString, str: append([]byte(nil), val...), lru: c.e.lruClock()})
		c.e.dirty++
		w.WriteInt(int64(len(val)))
		return nil
	}
	if err := c.checkStringLength(int64(len(o.str)), int64(len(val))); err != nil {
		return err
	}
	o.str = append(o.str, val...)
	o.raw = true // edited in place, as OBJECT ENCODING reports
	c.db.modified(key)
	c.e.dirty++
	w.WriteInt(int64(len(o.str)))
	return nil
}

func cmdStrlen(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteInt(0)
		return nil
	}
	w.WriteInt(int64(len(o.str)))
	return nil
}

// cmdGetRange is GETRANGE and its old name SUBSTR. Negative indexes count
// from the end; the range is clipped to the string.
func cmdGetRange(c *client, argv [][]byte, w resp.ReplyWriter) error {
	start, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	end, ok := resp.ParseInt(argv[3])
	if !ok {
		return resp.ErrNotInt
	}
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteBulk(nil)
		return nil
	}
	s := o.str
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		w.WriteBulk(nil)
		return nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		w.WriteBulk(nil)
		return nil
	}
	w.WriteBulk(s[start : end+1])
	return nil
}

func cmdSetRange(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key, val := argv[1], argv[3]
	offset, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if offset < 0 {
		return resp.ErrOffsetRange
	}
	o, err := c.lookupStringWrite(key)
	if err != nil {
		return err
	}
	if o == nil {
		if len(val) == 0 {
			w.WriteInt(0)
			return nil
		}
		if err := c.checkStringLength(offset, int64(len(val))); err != nil {
			return err
		}
		buf := make([]byte, int(offset)+len(val))
		copy(buf[offset:], val)
		c.db.insert(key, &object{kind: kindString, str: buf, raw: true, lru: c.e.lruClock()})
		c.e.dirty++
		w.WriteInt(int64(len(buf)))
		return nil
	}
	if len(val) == 0 {
		w.WriteInt(int64(len(o.str)))
		return nil
	}
	if err := c.checkStringLength(offset, int64(len(val))); err != nil {
		return err
	}
	if need := int(offset) + len(val); need > len(o.str) {
		o.str = growZero(o.str, need)
	}
	copy(o.str[offset:], val)
	o.raw = true
	c.db.modified(key)
	c.e.dirty++
	w.WriteInt(int64(len(o.str)))
	return nil
}

// growZero extends b to n bytes, the new bytes zero.
func growZero(b []byte, n int) []byte {
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		clear(b[old:])
		return b
	}
	nb := make([]byte, n, max(n, 2*cap(b)))
	copy(nb, b)
	return nb
}

// ---------------------------------------------------------------------------
// INCR DECR INCRBY DECRBY INCRBYFLOAT

func cmdIncr(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.incrBy(argv[1], 1, w)
}

func cmdDecr(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.incrBy(argv[1], -1, w)
}

func cmdIncrBy(c *client, argv [][]byte, w resp.ReplyWriter) error {
	n, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	return c.incrBy(argv[1], n, w)
}

func cmdDecrBy(c *client, argv [][]byte, w resp.ReplyWriter) error {
	n, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if n == math.MinInt64 {
		return errDecrOverflow
	}
	return c.incrBy(argv[1], -n, w)
}

// incrBy adds incr to the integer at key (0 when missing), keeping its
// TTL. The new value is formatted into the existing buffer.
func (c *client) incrBy(key []byte, incr int64, w resp.ReplyWriter) error {
	o, err := c.lookupStringWrite(key)
	if err != nil {
		return err
	}
	var v int64
	if o != nil {
		var ok bool
		if v, ok = resp.ParseInt(o.str); !ok {
			return resp.ErrNotInt
		}
	}
	if (incr < 0 && v < 0 && incr < math.MinInt64-v) || (incr > 0 && v > 0 && incr > math.MaxInt64-v) {
		return resp.ErrIncrOverflow
	}
	v += incr
	if o == nil {
		c.db.insert(key, &object{kind: kindString, str: strconv.AppendInt(make([]byte, 0, 20), v, 10), lru: c.e.lruClock()})
	} else {
		buf := o.str[:0]
		if cap(buf) > 64 {
			buf = make([]byte, 0, 20) // don't keep a large buffer for a number
		}
		o.str = strconv.AppendInt(buf, v, 10)
		o.raw = false
		c.db.modified(key)
	}
	c.e.dirty++
	w.WriteInt(v)
	return nil
}

// cmdIncrByFloat adds in long double arithmetic, as Redis does on x86-64,
// so that the results (and their text) match Redis's: see longdouble
// below.
func cmdIncrByFloat(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	o, err := c.lookupStringWrite(key)
	if err != nil {
		return err
	}
	cur := ldZero
	if o != nil {
		v, ok := parseLongDouble(o.str)
		if !ok {
			return resp.ErrNotFloat
		}
		cur = v
	}
	incr, ok := parseLongDouble(argv[2])
	if !ok {
		return resp.ErrNotFloat
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		return resp.ErrIncrNaNInf
	}
	var text []byte
	if o == nil {
		text = appendLongDouble(nil, sum)
		c.db.insert(key, &object{kind: kindString, str: text, lru: c.e.lruClock()})
	} else {
		o.str = appendLongDouble(o.str[:0], sum)
		o.raw = false
		text = o.str
		c.db.modified(key)
	}
	c.e.dirty++
	w.WriteBulk(text)
	return nil
}

// ---------------------------------------------------------------------------
// LCS

// lcsRange is one matching range of LCS IDX: inclusive positions in the
// first and the second string.
type lcsRange struct {
	aStart, aEnd, bStart, bEnd uint32
}

// cmdLCS finds the longest common subsequence of two strings by dynamic
// programming over a (len(a)+1)×(len(b)+1) table, as Redis does, with the
// table's size bounded by proto-max-bulk-len. Missing keys are empty
// strings.
func cmdLCS(c *client, argv [][]byte, w resp.ReplyWriter) error {
	oa := c.strLookupRead(argv[1])
	ob := c.strLookupRead(argv[2])
	if (oa != nil && oa.kind != kindString) || (ob != nil && ob.kind != kindString) {
		return errLCSNotStrings
	}
	var a, b []byte
	if oa != nil {
		a = oa.str
	}
	if ob != nil {
		b = ob.str
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(argv); j++ {
		switch opt := argv[j]; {
		case optIs(opt, "idx"):
			getIdx = true
		case optIs(opt, "len"):
			getLen = true
		case optIs(opt, "withmatchlen"):
			withMatchLen = true
		case optIs(opt, "minmatchlen") && j+1 < len(argv):
			n, ok := resp.ParseInt(argv[j+1])
			if !ok {
				return resp.ErrNotInt
			}
			minMatchLen = max(n, 0)
			j++
		default:
			return resp.ErrSyntax
		}
	}
	if getLen && getIdx {
		return errLCSLenAndIdx
	}
	if uint64(len(a)) >= math.MaxUint32-1 || uint64(len(b)) >= math.MaxUint32-1 {
		return errLCSTooLong
	}
	alen, blen := len(a), len(b)
	cells := uint64(alen+1) * uint64(blen+1)
	if cells*4 > uint64(c.e.cfg.protoMaxBulkLen) {
		return errLCSMemory
	}
	// tab[i*(blen+1)+j] is the LCS length of a[:i] and b[:j].
	tab := make([]uint32, cells)
	row := blen + 1
	for i := 1; i <= alen; i++ {
		for j := 1; j <= blen; j++ {
			switch {
			case a[i-1] == b[j-1]:
				tab[i*row+j] = tab[(i-1)*row+j-1] + 1
			default:
				tab[i*row+j] = max(tab[(i-1)*row+j], tab[i*row+j-1])
			}
		}
	}
	total := tab[alen*row+blen]
	if getLen {
		w.WriteInt(int64(total))
		return nil
	}

	// Walk back from the end, collecting the common bytes and, for IDX,
	// the ranges where both strings match contiguously.
	result := make([]byte, total)
	var ranges []lcsRange
	idx := total
	const unset = math.MaxUint32
	cur := lcsRange{aStart: unset}
	for i, j := alen, blen; i > 0 && j > 0; {
		ai, bj := uint32(i-1), uint32(j-1)
		emit := false
		if a[i-1] == b[j-1] {
			result[idx-1] = a[i-1]
			switch {
			case cur.aStart == unset:
				cur = lcsRange{aStart: ai, aEnd: ai, bStart: bj, bEnd: bj}
			case cur.aStart == ai+1 && cur.bStart == bj+1:
				cur.aStart, cur.bStart = ai, bj
			default:
				emit = true // not contiguous: close the range
			}
			if cur.aStart == 0 || cur.bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if tab[(i-1)*row+j] > tab[i*row+j-1] {
				i--
			} else {
				j--
			}
			emit = cur.aStart != unset
		}
		if emit {
			if getIdx && (minMatchLen == 0 || int64(cur.aEnd-cur.aStart+1) >= minMatchLen) {
				ranges = append(ranges, cur)
			}
			cur.aStart = unset
		}
	}
	if !getIdx {
		w.WriteBulk(result)
		return nil
	}
	w.WriteMap(2)
	w.WriteBulkString("matches")
	w.WriteArray(len(ranges))
	for _, r := range ranges {
		if withMatchLen {
			w.WriteArray(3)
		} else {
			w.WriteArray(2)
		}
		w.WriteArray(2)
		w.WriteInt(int64(r.aStart))
		w.WriteInt(int64(r.aEnd))
		w.WriteArray(2)
		w.WriteInt(int64(r.bStart))
		w.WriteInt(int64(r.bEnd))
		if withMatchLen {
			w.WriteInt(int64(r.aEnd - r.aStart + 1))
		}
	}
	w.WriteBulkString("len")
	w.WriteInt(int64(total))
	return nil
}

// strLookupRead is a read lookup of a key of any kind that counts a keyspace
// hit or miss.
func (c *client) strLookupRead(key []byte) *object {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		c.e.stats.keyspaceMisses++
		return nil
	}
	c.e.stats.keyspaceHits++
	c.touchKey(o) // CLIENT NO-TOUCH applies (cmd_client.go)
	return o
}

// ---------------------------------------------------------------------------
// Long doubles
//
// Redis computes INCRBYFLOAT (and HINCRBYFLOAT) in C's long double, which on
// x86-64 is the x87 80-bit format: a 64-bit significand and a 15-bit
// exponent. It reads numbers with strtold and writes them with "%.17Lf"
// and the trailing zeros removed. float64 gives different answers (1.1 +
// 2.2 is "3.3" in Redis but 3.3000000000000003 in float64), so rk emulates
// the format with math/big: values are big.Floats of 64-bit precision,
// rounded to nearest-even, with the x87 range and subnormals enforced by
// hand.

const (
	ldPrec = 64
	// ldMaxExp and ldMinExp bound big.Float's exponent (x = m × 2^exp,
	// 0.5 ≤ |m| < 1) for normal long doubles: 2^-16382 ≤ |x| < 2^16384.
	ldMaxExp = 16384
	ldMinExp = -16381
	// ldDenormShift: the smallest subnormal is 2^-16445.
	ldDenormShift = 16445
	// ldMaxChars is Redis's MAX_LONG_DOUBLE_CHARS: longer input is refused.
	ldMaxChars = 5 * 1024
)

// ldZero is a long double 0.
var ldZero = newLD()

func newLD() *big.Float { return new(big.Float).SetPrec(ldPrec).SetMode(big.ToNearestEven) }

// parseLongDouble reads s as Redis's string2ld does: strtold's syntax
// (decimal or hexadecimal, "inf" and "infinity" in any case, an optional
// sign), the whole of s, no leading space, no NaN, nothing that overflows
// to infinity or underflows to zero. It rounds to the nearest long double.
func parseLongDouble(s []byte) (*big.Float, bool) {
	if len(s) == 0 || len(s) >= ldMaxChars || isCSpace(s[0]) {
		return nil, false
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if optIs(s, "inf") && len(s) == 3 || optIs(s, "infinity") && len(s) == 8 {
		return new(big.Float).SetInf(neg), true
	}
	hex := len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
	base, expChar := 10, byte('e')
	if hex {
		s, base, expChar = s[2:], 16, 'p'
	}
	// Significand: digits with at most one '.', at least one digit.
	var digits []byte
	fracDigits, i, seenDot := 0, 0, false
	for ; i < len(s); i++ {
		ch := s[i]
		if ch == '.' && !seenDot {
			seenDot = true
			continue
		}
		if digitValue(ch) >= base {
			break
		}
		digits = append(digits, ch)
		if seenDot {
			fracDigits++
		}
	}
	if len(digits) == 0 {
		return nil, false
	}
	// Exponent: decimal digits, of ten for decimal input, of two for hex.
	var exp int64
	if i < len(s) {
		if s[i]|0x20 != expChar {
			return nil, false
		}
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return nil, false
		}
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return nil, false
			}
			if exp < 1<<40 { // far past any long double; saturate
				exp = exp*10 + int64(s[i]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	m, ok := new(big.Int).SetString(string(digits), base)
	if !ok {
		return nil, false
	}
	if hex {
		return ldFromParts(neg, m, exp-4*int64(fracDigits), 0)
	}
	return ldFromParts(neg, m, 0, exp-int64(fracDigits))
}

// ldFromParts rounds ±m × 2^exp2 × 10^exp10 to a long double. It fails on
// overflow and when a non-zero value underflows to zero.
func ldFromParts(neg bool, m *big.Int, exp2, exp10 int64) (*big.Float, bool) {
	z := newLD()
	if m.Sign() == 0 {
		if neg {
			z.Neg(z)
		}
		return z, true
	}
	// log2 of the value lies in [est-1, est): refuse the hopeless cases
	// before building huge exact numbers.
	est := float64(m.BitLen()) + float64(exp2) + float64(exp10)*math.Log2(10)
	if est > ldMaxExp+8 || est < -ldDenormShift-8 {
		return nil, false
	}
	num, den := new(big.Int).Set(m), big.NewInt(1)
	if exp2 > 0 {
		num.Lsh(num, uint(exp2))
	} else {
		den.Lsh(den, uint(-exp2))
	}
	if exp10 > 0 {
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(exp10), nil))
	} else if exp10 < 0 {
		den.Mul(den, new(big.Int).Exp(big.NewInt(10), big.NewInt(-exp10), nil))
	}
	// num and den are exact (SetInt at precision 0 keeps every bit); Quo
	// rounds once, to z's 64 bits. (big.Rat would reduce the fraction
	// first, a GCD that is slow on numbers of thousands of digits.)
	z.Quo(new(big.Float).SetInt(num), new(big.Float).SetInt(den))
	switch e := z.MantExp(nil); {
	case e > ldMaxExp:
		return nil, false
	case e < ldMinExp:
		// Subnormal: round the exact value to a multiple of 2^-16445.
		q, r := new(big.Int).QuoRem(num.Lsh(num, ldDenormShift), den, new(big.Int))
		if c := r.Lsh(r, 1).Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
		if q.Sign() == 0 {
			return nil, false
		}
		z.SetInt(q)
		z.SetMantExp(z, -ldDenormShift)
	}
	if neg {
		z.Neg(z)
	}
	return z, true
}

// addLongDouble adds two long doubles; it fails when the sum is infinite
// or NaN (an infinite operand, or overflow).
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	// A sum in the subnormal range is exact, so rounding to 64 bits is
	// all there is to do.
	z := newLD().Add(a, b)
	if z.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return z, true
}

// appendLongDouble appends f as Redis's human-friendly long double text:
// 17 decimals, trailing zeros and a trailing point removed, and "-0"
// written "0".
func appendLongDouble(dst []byte, f *big.Float) []byte {
	if f.MantExp(nil) < -60 {
		// |f| < 2^-61, well under the 0.5e-17 that would round up to
		// the last decimal: "0", without expanding thousands of digits.
		return append(dst, '0')
	}
	start := len(dst)
	dst = f.Append(dst, 'f', 17)
	if bytes.IndexByte(dst[start:], '.') >= 0 {
		dst = bytes.TrimRight(dst, "0")
		dst = bytes.TrimSuffix(dst, []byte("."))
	}
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}

// digitValue is the value of a hexadecimal digit, or 99.
func digitValue(ch byte) int {
	switch {
	case '0' <= ch && ch <= '9':
		return int(ch - '0')
	case 'a' <= ch && ch <= 'f':
		return int(ch-'a') + 10
	case 'A' <= ch && ch <= 'F':
		return int(ch-'A') + 10
	}
	return 99
}

// isCSpace is C's isspace in the C locale.
func isCSpace(ch byte) bool {
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r'
}
