package memory

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Generic key commands: DEL UNLINK EXISTS TYPE TOUCH KEYS SCAN RANDOMKEY
// RENAME RENAMENX COPY MOVE SWAPDB EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL
// PTTL EXPIRETIME PEXPIRETIME PERSIST OBJECT (ENCODING FREQ IDLETIME
// REFCOUNT HELP).
var keyspaceCommands = map[string]handler{
	"del":             cmdDel,
	"unlink":          cmdDel, // values are freed by the GC either way
	"exists":          cmdExists,
	"type":            cmdType,
	"touch":           cmdTouch,
	"keys":            cmdKeys,
	"scan":            cmdScan,
	"randomkey":       cmdRandomKey,
	"rename":          cmdRename,
	"renamenx":        cmdRenameNX,
	"copy":            cmdCopy,
	"move":            cmdMove,
	"swapdb":          cmdSwapDB,
	"expire":          cmdExpire,
	"pexpire":         cmdPExpire,
	"expireat":        cmdExpireAt,
	"pexpireat":       cmdPExpireAt,
	"ttl":             cmdTTL,
	"pttl":            cmdPTTL,
	"expiretime":      cmdExpireTime,
	"pexpiretime":     cmdPExpireTime,
	"persist":         cmdPersist,
	"object|encoding": cmdObjectEncoding,
	"object|freq":     cmdObjectFreq,
	"object|idletime": cmdObjectIdletime,
	"object|refcount": cmdObjectRefcount,
	"object|help":     cmdObjectHelp,
}

// Value types other than strings live in o.val, owned by their command
// groups. These optional interfaces let the generic commands handle them.
type (
	// objectCopier duplicates a value for COPY: the copy must share no
	// mutable state with the original.
	objectCopier interface{ copyObject() any }
	// objectEncoder names a value's encoding for OBJECT ENCODING
	// ("listpack", "hashtable", "intset", "skiplist", "quicklist"...).
	objectEncoder interface{ objectEncoding() string }
	// objectValue is what every value type implements; objectDigester
	// is in cmd_debug.go.
	objectValue interface {
		objectCopier
		objectEncoder
		objectDigester
	}
)

// The value types of the kinds rk implements.
var _ = [...]objectValue{
	(*list)(nil),
	(*hashValue)(nil),
	(*intset)(nil), (*setListpack)(nil), (*setTable)(nil),
	(*zset)(nil),
}

// readKey is a read command's key lookup (Redis's lookupKeyRead): lazy
// expiry, a keyspace hit or miss in INFO stats, and, unless notouch, a new
// access time for OBJECT IDLETIME.
func (c *client) readKey(key []byte, notouch bool) *object {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		c.e.stats.keyspaceMisses++
		return nil
	}
	c.e.stats.keyspaceHits++
	if !notouch {
		c.touchKey(o) // CLIENT NO-TOUCH applies (cmd_client.go)
	}
	return o
}

// writeKey is a write command's key lookup (Redis's lookupKeyWrite): lazy
// expiry and a new access time, but no hit or miss in the stats.
func (c *client) writeKey(d *db, key []byte) *object {
	o := d.get(key, c.e.nowMs)
	if o != nil {
		c.touchKey(o) // CLIENT NO-TOUCH applies (cmd_client.go)
	}
	return o
}

// checkKind is a command's type check of a looked-up key: o when it holds
// a value of kind k, nil for a missing key, WRONGTYPE for another kind.
func checkKind(o *object, k kind) (*object, error) {
	if o != nil && o.kind != k {
		return nil, resp.ErrWrongType
	}
	return o, nil
}

// valueOf is checkKind for the kinds whose o.val is always a T (hashes,
// lists, sorted sets): the value, nil for a missing key, or WRONGTYPE.
// The type lookups of those groups are valueOf of readKey or writeKey.
func valueOf[T any](o *object, k kind) (T, error) {
	var zero T
	if o == nil {
		return zero, nil
	}
	if o.kind != k {
		return zero, resp.ErrWrongType
	}
	return o.val.(T), nil
}

// ---------------------------------------------------------------------------
// DEL UNLINK EXISTS TYPE TOUCH

func cmdDel(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var n int64
	for _, k := range argv[1:] {
		if c.writeKey(c.db, k) != nil && c.db.remove(k) {
			n++
		}
	}
	c.e.dirty += n
	w.WriteInt(n)
	return nil
}

func cmdExists(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var n int64
	for _, k := range argv[1:] {
		if c.readKey(k, true) != nil {
			n++
		}
	}
	w.WriteInt(n)
	return nil
}

func cmdType(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if o := c.readKey(argv[1], true); o != nil {
		w.WriteSimple(o.kind.String())
	} else {
		w.WriteSimple("none")
	}
	return nil
}

func cmdTouch(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var n int64
	for _, k := range argv[1:] {
		// TOUCH records the access even under CLIENT NO-TOUCH, as in
		// Redis: it is what the command is for.
		if o := c.readKey(k, true); o != nil {
			o.lru = c.e.lruClock()
			n++
		}
	}
	w.WriteInt(n)
	return nil
}

// ---------------------------------------------------------------------------
// KEYS SCAN RANDOMKEY

// cmdKeys lists the matching keys. Expired keys are left out but not
// deleted, as in Redis.
func cmdKeys(c *client, argv [][]byte, w resp.ReplyWriter) error {
	pattern := bytesAsString(argv[1])
	all := pattern == "*"
	d, now := c.db, c.e.nowMs
	var keys []string
	d.keys.Range(func(k string, _ *object) bool {
		if (all || globMatch(pattern, k, false)) && !d.expired(bytesOfString(k), now) {
			keys = append(keys, k)
		}
		return true
	})
	w.WriteArray(len(keys))
	for _, k := range keys {
		w.WriteBulkString(k)
	}
	return nil
}

// scanOpts are the options of SCAN, HSCAN, SSCAN and ZSCAN.
type scanOpts struct {
	count int64
	// pattern is nil when every element matches (no MATCH, or MATCH *).
	pattern []byte
	// typeName is SCAN's TYPE argument, nil without one.
	typeName []byte
	noValues bool
}

// parseScanCursor reads a SCAN cursor as Redis does: an unsigned 64-bit
// decimal, which strtoull also accepts with leading blanks, a sign (a
// minus negates it modulo 2^64) and leading zeros; a negative value that
// fits in an int64 is refused.
func parseScanCursor(b []byte) (uint64, error) {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i] // read as a C string
	}
	if n, ok := resp.ParseInt(b); ok {
		if n < 0 {
			return 0, errInvalidCursor
		}
		return uint64(n), nil
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) {
		return 0, errInvalidCursor
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, errInvalidCursor
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, errInvalidCursor
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, nil
}

var errInvalidCursor = resp.Error("ERR invalid cursor")

// parseScanOpts parses the options from argv[i] on. key is false for
// SCAN, which alone takes TYPE; hscan allows NOVALUES.
func parseScanOpts(argv [][]byte, i int, key, hscan bool) (scanOpts, error) {
	opts := scanOpts{count: 10}
	for ; i < len(argv); i++ {
		more := len(argv) - i - 1
		switch {
		case more >= 1 && strings.EqualFold(bytesAsString(argv[i]), "count"):
			n, ok := resp.ParseInt(argv[i+1])
			if !ok {
				return opts, resp.ErrNotInt
			}
			if n < 1 {
				return opts, resp.ErrSyntax
			}
			opts.count = n
			i++
		case more >= 1 && strings.EqualFold(bytesAsString(argv[i]), "match"):
			opts.pattern = argv[i+1]
			if len(opts.pattern) == 1 && opts.pattern[0] == '*' {
				opts.pattern = nil
			}
			i++
		case more >= 1 && !key && strings.EqualFold(bytesAsString(argv[i]), "type"):
			opts.typeName = argv[i+1]
			i++
		case strings.EqualFold(bytesAsString(argv[i]), "novalues"):
			if !hscan {
				return opts, resp.Error("ERR NOVALUES option can only be used in HSCAN")
			}
			opts.noValues = true
		default:
			return opts, resp.ErrSyntax
		}
	}
	return opts, nil
}

// scanKindByName is the kind a SCAN TYPE name selects; 0 for an unknown
// name, which Redis 7.4 accepts and matches no key with.
func scanKindByName(name []byte) kind {
	for k := kindString; k <= kindStream; k++ {
		if strings.EqualFold(bytesAsString(name), k.String()) {
			return k
		}
	}
	return 0
}

func cmdScan(c *client, argv [][]byte, w resp.ReplyWriter) error {
	cursor, err := parseScanCursor(argv[1])
	if err != nil {
		return err
	}
	opts, err := parseScanOpts(argv, 2, false, false)
	if err != nil {
		return err
	}
	d := c.db
	var keys [][]byte
	var sampled int64
	collect := func(k string, _ *object) {
		sampled++
		if opts.match(k) {
			keys = append(keys, bytesOfString(k))
		}
	}
	cursor = scanSteps(cursor, opts.count, &sampled, func(cur uint64) uint64 {
		return d.keys.Scan(cur, collect)
	})
	// Drop expired keys (deleting them) and, with TYPE, other types.
	live := keys[:0]
	if opts.typeName != nil {
		want := scanKindByName(opts.typeName)
		for _, k := range keys {
			if o := c.readKey(k, true); o != nil && o.kind == want {
				live = append(live, k)
			}
		}
	} else {
		for _, k := range keys {
			if d.get(k, c.e.nowMs) != nil {
				live = append(live, k)
			}
		}
	}
	writeScanReply(w, cursor, live)
	return nil
}

// match reports whether an element passes the MATCH pattern.
func (o *scanOpts) match(elem string) bool {
	return o.pattern == nil || globMatch(bytesAsString(o.pattern), elem, false)
}

// scanSteps runs the steps of one SCAN call over a hash table: step visits
// one bucket (or, during a resize, the buckets that fold together) from a
// cursor, adding the elements it sees to *sampled, and returns the next
// cursor. Steps go on until count elements were seen, the walk is done
// (cursor 0), or ten times count buckets were visited (a sparse table),
// as in Redis's scanGenericCommand. It returns the cursor to answer.
func scanSteps(cursor uint64, count int64, sampled *int64, step func(cursor uint64) uint64) uint64 {
	steps := count * 10
	if count > math.MaxInt64/10 {
		steps = math.MaxInt64
	}
	for {
		cursor = step(cursor)
		if cursor == 0 || steps == 0 || *sampled >= count {
			return cursor
		}
		steps--
	}
}

// scanKey starts HSCAN, SSCAN or ZSCAN in Redis's order: the cursor, then
// the key's lookup, then the options (NOVALUES with hscan), so that a
// missing key answers an empty scan whatever follows the cursor. It
// returns the zero value once it has written that reply.
func scanKey[T comparable](argv [][]byte, hscan bool, lookup func(key []byte) (T, error), w resp.ReplyWriter) (v T, cursor uint64, opts scanOpts, err error) {
	var zero T
	if cursor, err = parseScanCursor(argv[2]); err != nil {
		return zero, 0, opts, err
	}
	if v, err = lookup(argv[1]); err != nil || v == zero {
		if err == nil {
			writeScanReply(w, 0, nil)
		}
		return zero, 0, opts, err
	}
	if opts, err = parseScanOpts(argv, 3, true, hscan); err != nil {
		return zero, 0, opts, err
	}
	return v, cursor, opts, nil
}

// writeScanReply writes a SCAN-family reply: the next cursor, then the
// elements. A missing key answers writeScanReply(w, 0, nil).
func writeScanReply(w resp.ReplyWriter, cursor uint64, elems [][]byte) {
	w.WriteArray(2)
	var buf [20]byte
	w.WriteBulk(strconv.AppendUint(buf[:0], cursor, 10))
	w.WriteArray(len(elems))
	for _, e := range elems {
		w.WriteBulk(e)
	}
}

// cmdRandomKey answers a random live key, deleting the expired keys it
// draws on the way.
func cmdRandomKey(c *client, argv [][]byte, w resp.ReplyWriter) error {
	d := c.db
	for {
		k, ok := d.randomKey()
		if !ok {
			w.WriteNull()
			return nil
		}
		if d.get(bytesOfString(k), c.e.nowMs) != nil {
			w.WriteBulkString(k)
			return nil
		}
	}
}

// ---------------------------------------------------------------------------
// RENAME RENAMENX COPY MOVE SWAPDB

func cmdRename(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.rename(argv[1], argv[2], false, w)
}

func cmdRenameNX(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.rename(argv[1], argv[2], true, w)
}

// rename moves src's value and deadline to dst. Renaming a key to itself
// changes nothing but still needs the key to exist.
func (c *client) rename(src, dst []byte, nx bool, w resp.ReplyWriter) error {
	d := c.db
	o := c.writeKey(d, src)
	if o == nil {
		return resp.ErrNoSuchKey
	}
	if bytes.Equal(src, dst) {
		if nx {
			w.WriteInt(0)
		} else {
			w.WriteSimple("OK")
		}
		return nil
	}
	if c.writeKey(d, dst) != nil {
		if nx {
			w.WriteInt(0)
			return nil
		}
		d.remove(dst)
	}
	c.moveKey(d, src, d, dst, o)
	c.e.dirty++
	if nx {
		w.WriteInt(1)
	} else {
		w.WriteSimple("OK")
	}
	return nil
}

// moveKey stores o, the value at src in from, at dst in to, with src's
// deadline, then deletes src. dst must not exist in to.
func (c *client) moveKey(from *db, src []byte, to *db, dst []byte, o *object) {
	at, volatile := from.getExpire(src)
	v := *o
	to.insert(dst, &v)
	if volatile {
		to.setExpire(dst, at)
	}
	from.remove(src)
}

// parseDBIndex reads a database number argument (COPY DB, MOVE): an int
// in C's int range, then an existing database.
func (c *client) parseDBIndex(arg []byte) (*db, error) {
	n, ok := resp.ParseInt(arg)
	if !ok {
		return nil, resp.ErrNotInt
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return nil, resp.ErrRangeBetween(math.MinInt32, math.MaxInt32)
	}
	if n < 0 || n >= int64(len(c.e.dbs)) {
		return nil, resp.ErrDBIndex
	}
	return c.e.dbs[n], nil
}

func cmdCopy(c *client, argv [][]byte, w resp.ReplyWriter) error {
	src, dst := argv[1], argv[2]
	from, to := c.db, c.db
	replace := false
	for i := 3; i < len(argv); i++ {
		switch opt := bytesAsString(argv[i]); {
		case strings.EqualFold(opt, "replace"):
			replace = true
		case strings.EqualFold(opt, "db") && i+1 < len(argv):
			d, err := c.parseDBIndex(argv[i+1])
			if err != nil {
				return err
			}
			to = d
			i++
		default:
			return resp.ErrSyntax
		}
	}
	if from == to && bytes.Equal(src, dst) {
		return resp.ErrSameObject
	}
	o := c.readKey(src, false)
	if o == nil {
		w.WriteInt(0)
		return nil
	}
	at, volatile := from.getExpire(src)
	if c.writeKey(to, dst) != nil {
		if !replace {
			w.WriteInt(0)
			return nil
		}
		to.remove(dst)
	}
	v, err := copyObject(o)
	if err != nil {
		return err
	}
	v.lru = c.e.lruClock()
	to.insert(dst, &v)
	if volatile {
		to.setExpire(dst, at)
	}
	c.e.dirty++
	w.WriteInt(1)
	return nil
}

// copyObject duplicates a value for COPY.
func copyObject(o *object) (object, error) {
	v := *o
	if o.kind == kindString {
		v.str = append([]byte(nil), o.str...)
		return v, nil
	}
	cp, ok := o.val.(objectCopier)
	if !ok {
		return v, resp.Error("ERR COPY does not support keys of type " + o.kind.String() + " yet")
	}
	v.val = cp.copyObject()
	return v, nil
}

func cmdMove(c *client, argv [][]byte, w resp.ReplyWriter) error {
	key := argv[1]
	to, err := c.parseDBIndex(argv[2])
	if err != nil {
		return err
	}
	from := c.db
	if from == to {
		return resp.ErrSameObject
	}
	o := c.writeKey(from, key)
	if o == nil || c.writeKey(to, key) != nil {
		w.WriteInt(0)
		return nil
	}
	c.moveKey(from, key, to, key, o)
	c.e.dirty++
	w.WriteInt(1)
	return nil
}

func cmdSwapDB(c *client, argv [][]byte, w resp.ReplyWriter) error {
	parse := func(arg []byte, which string) (int64, error) {
		n, ok := resp.ParseInt(arg)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return 0, resp.Error("ERR invalid " + which + " DB index")
		}
		return n, nil
	}
	a, err := parse(argv[1], "first")
	if err != nil {
		return err
	}
	b, err := parse(argv[2], "second")
	if err != nil {
		return err
	}
	n := int64(len(c.e.dbs))
	if a < 0 || a >= n || b < 0 || b >= n {
		return resp.ErrDBIndex
	}
	if a != b {
		c.e.dbs[a].swap(c.e.dbs[b], c.e.nowMs)
	}
	c.e.dirty++
	w.WriteSimple("OK")
	return nil
}

// ---------------------------------------------------------------------------
// EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST

func cmdExpire(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.expire(argv, expireEX, "expire", w)
}

func cmdPExpire(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.expire(argv, expirePX, "pexpire", w)
}

func cmdExpireAt(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.expire(argv, expireEXAT, "expireat", w)
}

func cmdPExpireAt(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.expire(argv, expirePXAT, "pexpireat", w)
}

// The conditions of the EXPIRE family.
const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

// expire sets a key's deadline, or deletes the key when the deadline is
// not in the future. Options are checked before the time argument, as in
// Redis.
func (c *client) expire(argv [][]byte, form expireForm, cmd string, w resp.ReplyWriter) error {
	var flags int
	for _, a := range argv[3:] {
		switch opt := bytesAsString(a); {
		case strings.EqualFold(opt, "nx"):
			flags |= expireNX
		case strings.EqualFold(opt, "xx"):
			flags |= expireXX
		case strings.EqualFold(opt, "gt"):
			flags |= expireGT
		case strings.EqualFold(opt, "lt"):
			flags |= expireLT
		default:
			if i := bytes.IndexByte(a, 0); i >= 0 {
				a = a[:i] // Redis formats it as a C string
			}
			return resp.Error("ERR Unsupported option " + string(a))
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		return resp.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		return resp.Error("ERR GT and LT options at the same time are not compatible")
	}
	at, err := parseExpireArg(argv[2], form, c.e.nowMs, cmd, false)
	if err != nil {
		return err
	}
	d, key := c.db, argv[1]
	if c.writeKey(d, key) == nil {
		w.WriteInt(0)
		return nil
	}
	if flags != 0 {
		cur, volatile := d.getExpire(key)
		switch {
		case flags&expireNX != 0 && volatile,
			flags&expireXX != 0 && !volatile,
			// No deadline is an infinite one: never less than any.
			flags&expireGT != 0 && (!volatile || at <= cur),
			flags&expireLT != 0 && volatile && at >= cur:
			w.WriteInt(0)
			return nil
		}
	}
	if at <= c.e.nowMs {
		// A deadline in the past is a deletion, not an expiry: Redis
		// does not count it in expired_keys.
		d.remove(key)
	} else {
		d.setExpire(key, at)
		d.modified(key)
	}
	c.e.dirty++
	w.WriteInt(1)
	return nil
}

func cmdPersist(c *client, argv [][]byte, w resp.ReplyWriter) error {
	d, key := c.db, argv[1]
	if c.writeKey(d, key) == nil || !d.persist(key) {
		w.WriteInt(0)
		return nil
	}
	d.modified(key)
	c.e.dirty++
	w.WriteInt(1)
	return nil
}

// ---------------------------------------------------------------------------
// TTL PTTL EXPIRETIME PEXPIRETIME

func cmdTTL(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.ttl(argv[1], false, false, w)
}

func cmdPTTL(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.ttl(argv[1], true, false, w)
}

func cmdExpireTime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.ttl(argv[1], false, true, w)
}

func cmdPExpireTime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return c.ttl(argv[1], true, true, w)
}

// ttl answers -2 for a missing key, -1 for a key without a deadline, and
// otherwise the time left (or the deadline, abs) in ms or in rounded
// seconds.
func (c *client) ttl(key []byte, ms, abs bool, w resp.ReplyWriter) error {
	if c.readKey(key, true) == nil {
		w.WriteInt(-2)
		return nil
	}
	at, ok := c.db.getExpire(key)
	if !ok {
		w.WriteInt(-1)
		return nil
	}
	t := at
	if !abs {
		t -= c.e.nowMs
	}
	t = max(t, 0)
	if !ms {
		t = (t + 500) / 1000
	}
	w.WriteInt(t)
	return nil
}

// ---------------------------------------------------------------------------
// OBJECT

// objectKey is OBJECT's lookup: a read that leaves the access time alone.
// A missing key answers null.
func (c *client) objectKey(key []byte, w resp.ReplyWriter) *object {
	o := c.readKey(key, true)
	if o == nil {
		w.WriteNull()
	}
	return o
}

func cmdObjectEncoding(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if o := c.objectKey(argv[2], w); o != nil {
		w.WriteBulkString(objectEncoding(o))
	}
	return nil
}

// objectEncoding is the encoding Redis would choose for o. A string is
// "int" when it is an integer Redis would store as a number (canonical,
// at most 20 bytes), "embstr" up to 44 bytes and "raw" beyond, or once it
// was edited in place.
func objectEncoding(o *object) string {
	switch o.kind {
	case kindString:
		switch {
		case o.raw:
			return "raw"
		case len(o.str) <= 20 && isCanonicalInt(o.str):
			return "int"
		case len(o.str) <= 44:
			return "embstr"
		}
		return "raw"
	case kindStream:
		return "stream"
	}
	if e, ok := o.val.(objectEncoder); ok {
		return e.objectEncoding()
	}
	switch o.kind {
	case kindList:
		return "quicklist"
	case kindSet, kindHash:
		return "hashtable"
	case kindZSet:
		return "skiplist"
	}
	return "unknown"
}

func isCanonicalInt(b []byte) bool {
	_, ok := resp.ParseInt(b)
	return ok
}

// lfuMode reports whether maxmemory-policy is one of the LFU policies.
func (c *client) lfuMode() bool {
	return strings.Contains(keyspaceParam(c.e, "maxmemory-policy"), "lfu")
}

// keyspaceParam is a configuration parameter's current value, "" when rk
// does not know the parameter. The caller holds the engine lock.
func keyspaceParam(e *Engine, name string) string {
	if p := lookupParam(name); p != nil {
		return p.get(e.cfg)
	}
	return ""
}

// lfuInitCount is the logarithmic access counter a new key starts with.
const lfuInitCount = 5

func cmdObjectFreq(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o := c.objectKey(argv[2], w)
	if o == nil {
		return nil
	}
	if !c.lfuMode() {
		return resp.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	}
	// rk keeps no access counter yet: report a new key's count, decayed
	// by one per idle minute as Redis's default lfu-decay-time does.
	idleMin := int64(c.e.lruClock()-o.lru) / 60
	w.WriteInt(max(lfuInitCount-idleMin, 0))
	return nil
}

func cmdObjectIdletime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o := c.objectKey(argv[2], w)
	if o == nil {
		return nil
	}
	if c.lfuMode() {
		return resp.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	}
	w.WriteInt(int64(c.e.lruClock() - o.lru))
	return nil
}

// sharedIntegers is the range of integer strings Redis shares between
// keys (OBJ_SHARED_INTEGERS), whose OBJECT REFCOUNT is INT_MAX.
const sharedIntegers = 10000

func cmdObjectRefcount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o := c.objectKey(argv[2], w)
	if o == nil {
		return nil
	}
	if o.kind == kindString && !o.raw && c.sharesIntegers() {
		if n, ok := resp.ParseInt(o.str); ok && n >= 0 && n < sharedIntegers {
			w.WriteInt(math.MaxInt32)
			return nil
		}
	}
	w.WriteInt(1)
	return nil
}

// sharesIntegers reports whether Redis would share small integer values:
// not when maxmemory is set with an LRU or LFU policy, which needs an
// access time per key.
func (c *client) sharesIntegers() bool {
	mm := keyspaceParam(c.e, "maxmemory")
	if mm == "" || mm == "0" {
		return true
	}
	p := keyspaceParam(c.e, "maxmemory-policy")
	return !strings.Contains(p, "lru") && !strings.Contains(p, "lfu")
}

// objectHelp is OBJECT HELP's text, in rk's words.
var objectHelp = []string{
	"ENCODING <key>",
	"    Name the internal representation of the value stored at <key>.",
	"FREQ <key>",
	"    Give the logarithmic access-frequency counter of <key> (needs an LFU",
	"    maxmemory-policy).",
	"IDLETIME <key>",
	"    Give the seconds since <key> was last read or written (not available",
	"    under an LFU maxmemory-policy).",
	"REFCOUNT <key>",
	"    Give the reference count of the value stored at <key>.",
}

func cmdObjectHelp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	writeObjectHelp(w, string(argv[0]), objectHelp)
	return nil
}

// writeObjectHelp writes a container command's HELP reply in Redis's
// shape: a synopsis line naming the command as typed (upper-cased), the
// lines, then HELP's own entry.
func writeObjectHelp(w resp.ReplyWriter, cmd string, lines []string) {
	w.WriteArray(len(lines) + 3)
	w.WriteSimple(strings.ToUpper(cmd) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		w.WriteSimple(l)
	}
	w.WriteSimple("HELP")
	w.WriteSimple("    Print this help.")
}
