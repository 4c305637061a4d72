package memory

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/rk-redis/rk/internal/resp"
)

// DEBUG: the subcommands Redis's test suite and its tools rely on. DEBUG
// is one command (arity -2), not a container: each subcommand checks its
// own argument count, and anything else is "unknown subcommand or wrong
// number of arguments", as in Redis. Like Redis, DEBUG is refused unless
// enable-debug-command allows it (yes, or local for loopback and unix
// socket clients).
var debugCommands = map[string]handler{
	"debug": cmdDebug,
}

// debugKnobs are settings only DEBUG changes. They live in config so that
// the code they concern reads them in one place.
type debugKnobs struct {
	// quicklistPackedThreshold is the element size from which a list
	// stores an element in a node of its own ("plain"), 1GB by default.
	quicklistPackedThreshold int64
	disableDenyScripts       bool
	pauseCron                bool
	skipChecksumValidation   bool
	dictResizingOff          bool
	replyBufferResizingOff   bool
}

const defaultPackedThreshold = 1 << 30

const errDebugNotAllowed = resp.Error(`ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`)

func cmdDebug(c *client, argv [][]byte, w resp.ReplyWriter) error {
	e := c.e
	n := len(argv)
	sub := strings.ToLower(string(argv[1]))
	knobs := &e.cfg.debug
	ok := func() error { w.WriteSimple("OK"); return nil }
	switch {
	case sub == "help" && n == 2:
		writeDebugHelp(w)
		return nil
	case sub == "log" && n == 3:
		e.logf(logWarning, "DEBUG LOG: %s", argv[2])
		return ok()
	case sub == "sleep" && n == 3:
		// Holds the engine lock, as Redis blocks its only thread.
		time.Sleep(time.Duration(parseLeadingFloat(string(argv[2])) * float64(time.Second)))
		return ok()
	case sub == "set-active-expire" && n == 3:
		e.expireOn.Store(atoi(argv[2]) != 0)
		return ok()
	case sub == "reload":
		for _, opt := range argv[2:] {
			switch strings.ToLower(string(opt)) {
			case "merge", "noflush", "nosave":
			default:
				return resp.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
			}
		}
		// rk keeps no snapshot yet: saving and loading it back would give
		// the same dataset, which is what a reload checks, with the
		// encodings loading picks (reloadEncodings, list.go).
		c.reloadEncodings()
		e.logf(logNotice, "DB reloaded by DEBUG RELOAD")
		return ok()
	case sub == "loadaof":
		e.logf(logNotice, "Append Only File loaded by DEBUG LOADAOF")
		return ok()
	case sub == "object" && n == 3:
		return debugObject(c, argv[2], w)
	case sub == "sdslen" && n == 3:
		return debugSDSLen(c, argv[2], w)
	case sub == "listpack" && n == 3:
		return debugEncodingDump(c, argv[2], "listpack", w)
	case sub == "quicklist" && (n == 3 || n == 4):
		return debugEncodingDump(c, argv[2], "quicklist", w)
	case sub == "populate" && n >= 3 && n <= 5:
		return debugPopulate(c, argv, w)
	case sub == "digest" && n == 2:
		w.WriteSimple(hex.EncodeToString(e.datasetDigest()))
		return nil
	case sub == "digest-value" && n >= 2:
		w.WriteArray(n - 2)
		for _, k := range argv[2:] {
			w.WriteSimple(hex.EncodeToString(keyDigest(c.db, k, false)))
		}
		return nil
	case sub == "protocol" && n == 3:
		return debugProtocol(string(argv[2]), w)
	case sub == "change-repl-id" && n == 2:
		e.logf(logNotice, "Changing replication IDs after receiving DEBUG change-repl-id")
		e.stats.changeReplID()
		return ok()
	case sub == "stringmatch-test" && n == 2:
		stringmatchFuzz()
		w.WriteSimple("Apparently Redis did not crash: test passed")
		return nil
	case sub == "quicklist-packed-threshold" && n == 3:
		sz, valid := parseMemoryValue(string(argv[2]))
		if !valid || sz > 1<<32-1<<20 {
			return resp.Error("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
		}
		if sz == 0 {
			sz = defaultPackedThreshold
		}
		knobs.quicklistPackedThreshold = int64(sz)
		return ok()
	case sub == "set-skip-checksum-validation" && n == 3:
		knobs.skipChecksumValidation = atoi(argv[2]) != 0
		return ok()
	case sub == "set-disable-deny-scripts" && n == 3:
		knobs.disableDenyScripts = atoi(argv[2]) != 0
		return ok()
	case sub == "pause-cron" && n == 3:
		knobs.pauseCron = atoi(argv[2]) != 0
		return ok()
	case sub == "dict-resizing" && n == 3:
		knobs.dictResizingOff = atoi(argv[2]) == 0
		return ok()
	case sub == "replybuffer" && n == 4:
		switch strings.ToLower(string(argv[2])) {
		case "peak-reset-time":
			if s := strings.ToLower(string(argv[3])); s != "never" && s != "reset" {
				if _, valid := resp.ParseInt(argv[3]); !valid {
					return resp.ErrNotInt
				}
			}
		case "resizing":
			knobs.replyBufferResizingOff = atoi(argv[3]) == 0
		default:
			return resp.ErrUnknownSubcommandOrArgs(argv[1], "debug")
		}
		return ok()
	case (sub == "aof-flush-sleep" || sub == "leak") && n == 3, sub == "replicate" && n >= 3:
		return ok()
	case sub == "error" && n == 3:
		w.WriteError(strings.NewReplacer("\r", " ", "\n", " ").Replace(string(argv[2])))
		return nil
	case sub == "structsize" && n == 2:
		w.WriteBulkString(fmt.Sprintf("bits:%d robj:%d dictentry:%d ", 32<<(^uint(0)>>63),
			unsafe.Sizeof(object{}), unsafe.Sizeof(dictEntry{})))
		return nil
	case sub == "htstats" && n >= 3:
		id, valid := resp.ParseInt(argv[2])
		if !valid {
			return resp.ErrNotInt
		}
		if id < 0 || id >= int64(len(e.dbs)) {
			return resp.Error("ERR Out of range database")
		}
		w.WriteVerbatim("txt", htStats(e.dbs[id]))
		return nil
	case sub == "htstats-key" && n >= 3:
		o := c.db.get(argv[2], e.nowMs)
		if o == nil {
			return resp.ErrNoSuchKey
		}
		if enc := objectEncoding(o); enc != "hashtable" && enc != "skiplist" {
			return resp.Error("ERR The value stored at the specified key is not represented using an hash table")
		}
		w.WriteVerbatim("txt", "No stats available for empty dictionaries\n")
		return nil
	case sub == "config-rewrite-force-all" && n == 2:
		path := e.opts.ConfigFile
		if path == "" {
			return resp.Error("ERR CONFIG-REWRITE-FORCE-ALL failed: " + errnoText(os.ErrNotExist))
		}
		if err := e.cfg.rewriteConfig(path, true); err != nil {
			return resp.Error("ERR CONFIG-REWRITE-FORCE-ALL failed: " + errnoText(err))
		}
		return ok()
	case sub == "client-eviction" && n == 2:
		if e.cfg.getInt("maxmemory-clients") == 0 {
			return resp.Error("ERR maxmemory-clients is disabled.")
		}
		w.WriteVerbatim("txt", "rk does not evict clients yet.\n")
		return nil
	}
	return resp.ErrUnknownSubcommandOrArgs(argv[1], "debug")
}

func writeDebugHelp(w resp.ReplyWriter) {
	writeSubcommandHelp(w, "debug", []string{
		"CHANGE-REPL-ID",
		"    Give the instance new replication ids.",
		"CONFIG-REWRITE-FORCE-ALL",
		"    Like CONFIG REWRITE, but write every parameter, defaults included.",
		"DIGEST",
		"    Show a 40-digit hex signature of the whole dataset (all zeros when empty).",
		"DIGEST-VALUE <key> [<key> ...]",
		"    Show a signature of each key's value, the same for equal values.",
		"DICT-RESIZING <0|1>",
		"    Turn the keyspace's table resizing off or back on.",
		"ERROR <string>",
		"    Reply with <string> as an error, for testing clients.",
		"HTSTATS <dbid> [full]",
		"    Show the keyspace table statistics of a database.",
		"HTSTATS-KEY <key> [full]",
		"    Show the table statistics of a value stored as a hash table.",
		"LISTPACK <key>",
		"    Print a listpack-encoded value on the server's standard output.",
		"LOADAOF",
		"    Load the append-only file again (rk keeps none yet: the data stays).",
		"LOG <message>",
		"    Write <message> to the server log.",
		"OBJECT <key>",
		"    Show low-level facts about the value at <key>.",
		"PAUSE-CRON <0|1>",
		"    Pause or resume periodic background work.",
		"POPULATE <count> [<prefix>] [<size>]",
		"    Create <count> string keys <prefix>:<n> (prefix 'key') with values value:<n>,",
		"    padded or cut to <size> bytes if given; existing keys are left alone.",
		"PROTOCOL <type>",
		"    Reply with a sample value of a type: string, integer, double, bignum, null,",
		"    array, set, map, attrib, push, verbatim, true, false.",
		"QUICKLIST <key> [<0|1>]",
		"    Print a quicklist-encoded value on the server's standard output.",
		"QUICKLIST-PACKED-THRESHOLD <size>",
		"    Set the element size from which lists keep an element in a node of its own",
		"    (0 restores the 1gb default).",
		"RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
		"    Save and reload the dataset (rk keeps no snapshot yet: the data stays).",
		"REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|<milliseconds>>",
		"    Set how often client reply buffer peaks are reset.",
		"REPLYBUFFER RESIZING <0|1>",
		"    Turn client reply buffer resizing off or on.",
		"SDSLEN <key>",
		"    Show the sizes of a string key and its value.",
		"SET-ACTIVE-EXPIRE <0|1>",
		"    Turn the background deletion of expired keys off (0) or on (1); keys still",
		"    expire when accessed.",
		"SET-DISABLE-DENY-SCRIPTS <0|1>",
		"    Let scripts run commands they are normally denied (1), or not (0).",
		"SET-SKIP-CHECKSUM-VALIDATION <0|1>",
		"    Skip checksum checks of RESTORE payloads (1), or not (0).",
		"SLEEP <seconds>",
		"    Stop serving every client for <seconds> (decimals allowed).",
		"STRINGMATCH-TEST",
		"    Run random patterns through the glob matcher.",
		"STRUCTSIZE",
		"    Show the sizes of the engine's core structures.",
	})
}

// atoi reads a leading integer like C's atoi: 0 when there is none.
func atoi(b []byte) int64 {
	s := strings.TrimLeft(string(b), " \t\n\v\f\r")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[0] == '-' || s[0] == '+')) {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// parseLeadingFloat reads a leading number like C's strtod: 0 when there
// is none.
func parseLeadingFloat(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	for end := len(s); end > 0; end-- {
		if f, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return f
		}
	}
	return 0
}

// logf writes a line to the server log (logfile, or standard error), in
// Redis's log format, when level is at or above loglevel. The caller holds
// the engine lock.
func (e *Engine) logf(level int64, format string, args ...any) {
	if level < e.cfg.loglevel || e.cfg.loglevel == logNothing {
		return
	}
	mark := ".-*#"[min(level, logWarning)]
	line := fmt.Sprintf("%d:M %s %c %s\n", os.Getpid(), time.Now().Format("02 Jan 2006 15:04:05.000"), mark,
		fmt.Sprintf(format, args...))
	if path := e.cfg.logfile; path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.WriteString(line)
			f.Close()
			return
		}
	}
	os.Stderr.WriteString(line)
}

// debugObject is DEBUG OBJECT: it finds the key without expiring it, as
// a debugging aid should.
func debugObject(c *client, key []byte, w resp.ReplyWriter) error {
	o := c.db.lookup(key)
	if o == nil {
		return resp.ErrNoSuchKey
	}
	enc := objectEncoding(o)
	idle := int64(c.e.lruClock()) - int64(o.lru)
	w.WriteSimple(fmt.Sprintf("Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d",
		o, enc, serializedLength(o, enc), o.lru, max(idle, 0)))
	return nil
}

// serializedLength estimates the bytes the value would take in a
// snapshot: for strings as Redis's RDB encodes them (without compression),
// for other kinds the size of their contents.
func serializedLength(o *object, enc string) int64 {
	if o.kind != kindString {
		d := &digester{h: sha1.New(), seen: map[uintptr]bool{}}
		d.walk(reflect.ValueOf(o.val))
		return d.n
	}
	if enc == "int" {
		n, _ := resp.ParseInt(o.str)
		switch {
		case n >= math.MinInt8 && n <= math.MaxInt8:
			return 2
		case n >= math.MinInt16 && n <= math.MaxInt16:
			return 3
		case n >= math.MinInt32 && n <= math.MaxInt32:
			return 5
		}
	}
	l := int64(len(o.str))
	switch {
	case l < 1<<6:
		return l + 1
	case l < 1<<14:
		return l + 2
	case l <= math.MaxUint32:
		return l + 5
	}
	return l + 9
}

func debugSDSLen(c *client, key []byte, w resp.ReplyWriter) error {
	o := c.db.lookup(key)
	if o == nil {
		return resp.ErrNoSuchKey
	}
	if o.kind != kindString || objectEncoding(o) == "int" {
		return resp.Error("ERR Not an sds encoded string.")
	}
	w.WriteSimple(fmt.Sprintf("key_sds_len:%d, key_sds_avail:0, key_zmalloc: %d, val_sds_len:%d, val_sds_avail:%d, val_zmalloc: %d",
		len(key), len(key), len(o.str), cap(o.str)-len(o.str), cap(o.str)))
	return nil
}

// debugEncodingDump is DEBUG LISTPACK and DEBUG QUICKLIST: they print the
// value's layout on the server's standard output.
func debugEncodingDump(c *client, key []byte, want string, w resp.ReplyWriter) error {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		return resp.ErrNoSuchKey
	}
	if enc := objectEncoding(o); enc != want && (want != "listpack" || enc != "listpackex") {
		return resp.Error("ERR Not a " + want + " encoded object.")
	}
	fmt.Fprintf(os.Stdout, "{%s key %q: %s value %+v}\n", want, key, o.kind, o.val)
	if want == "listpack" {
		w.WriteSimple("Listpack structure printed on stdout")
	} else {
		w.WriteSimple("Quicklist structure printed on stdout")
	}
	return nil
}

func debugPopulate(c *client, argv [][]byte, w resp.ReplyWriter) error {
	count, valid := resp.ParseInt(argv[2])
	if !valid || count < 0 {
		return resp.ErrOutOfRangePos
	}
	prefix := "key"
	if len(argv) >= 4 {
		prefix = string(argv[3])
	}
	size := int64(0)
	if len(argv) == 5 {
		n, valid := resp.ParseInt(argv[4])
		if !valid || n < 0 {
			return resp.ErrOutOfRangePos
		}
		size = n
	}
	now := c.e.nowMs
	for j := int64(0); j < count; j++ {
		key := []byte(prefix + ":" + strconv.FormatInt(j, 10))
		if c.db.get(key, now) != nil {
			continue
		}
		val := []byte("value:" + strconv.FormatInt(j, 10))
		if size > 0 {
			v := make([]byte, size)
			copy(v, val)
			val = v
		}
		c.db.insert(key, &object{kind: kindString, str: val, lru: c.e.lruClock()})
	}
	w.WriteSimple("OK")
	return nil
}

func debugProtocol(name string, w resp.ReplyWriter) error {
	switch strings.ToLower(name) {
	case "string":
		w.WriteBulkString("Hello World")
	case "integer":
		w.WriteInt(12345)
	case "double":
		w.WriteDouble(3.141)
	case "bignum":
		w.WriteBigNumber("1234567999999999999999999999999999999")
	case "null":
		w.WriteNull()
	case "array":
		w.WriteArray(3)
		for j := int64(0); j < 3; j++ {
			w.WriteInt(j)
		}
	case "set":
		w.WriteSet(3)
		for j := int64(0); j < 3; j++ {
			w.WriteInt(j)
		}
	case "map":
		w.WriteMap(3)
		for j := int64(0); j < 3; j++ {
			w.WriteInt(j)
			w.WriteBool(j == 1)
		}
	case "attrib":
		// An attribute is not a reply of its own: a RESP3 client gets it
		// before the real reply, a RESP2 client only the real reply.
		if raw, ok := w.(interface{ WriteRaw([]byte) }); ok && w.Proto() >= 3 {
			raw.WriteRaw([]byte("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"))
		}
		w.WriteBulkString("Some real reply following the attribute")
	case "push":
		if w.Proto() < 3 {
			return resp.Error("ERR RESP2 is not supported by this command")
		}
		// Redis delivers pushes made while a command runs after its reply.
		w.WriteBulkString("Some real reply following the push reply")
		w.WritePush(2)
		w.WriteBulkString("server-cpu-usage")
		w.WriteInt(42)
	case "true":
		w.WriteBool(true)
	case "false":
		w.WriteBool(false)
	case "verbatim":
		w.WriteVerbatim("txt", "This is a verbatim\nstring")
	default:
		return resp.Error("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	}
	return nil
}

// htStats describes a database's tables for DEBUG HTSTATS.
func htStats(d *db) string {
	var b strings.Builder
	b.WriteString("[Dictionary HT]\n")
	k := d.keys
	if k.Len() > 0 {
		fmt.Fprintf(&b, "Hash table 0 stats (main hash table):\n table size: %d\n number of elements: %d\n", len(k.tables[0]), k.used[0])
		if k.rehashing() {
			fmt.Fprintf(&b, "Hash table 1 stats (rehashing target):\n table size: %d\n number of elements: %d\n", len(k.tables[1]), k.used[1])
		}
	}
	b.WriteString("[Expires HT]\n")
	if n := len(d.expires); n > 0 {
		size := 4
		for size < n {
			size *= 2
		}
		fmt.Fprintf(&b, "Hash table 0 stats (main hash table):\n table size: %d\n number of elements: %d\n", size, n)
	}
	return b.String()
}

// stringmatchFuzz runs random patterns and subjects through the glob
// matcher, which must neither panic nor hang.
func stringmatchFuzz() {
	const alphabet = "*?[]^-\\abc"
	for i := 0; i < 1000; i++ {
		p := make([]byte, rand.IntN(32))
		s := make([]byte, rand.IntN(32))
		for j := range p {
			p[j] = alphabet[rand.IntN(len(alphabet))]
		}
		for j := range s {
			s[j] = alphabet[rand.IntN(len(alphabet))]
		}
		globMatch(string(p), string(s), i%2 == 0)
	}
}

// Digests (DEBUG DIGEST, DEBUG DIGEST-VALUE). A value's digest depends
// only on its contents: two keys holding equal values have equal digests
// however they were built, and the dataset's digest does not depend on the
// order keys are stored in. An empty dataset, or a missing key, digests to
// 40 zeros.
//
// A string value digests its bytes. Other kinds are digested by their
// type when it implements objectDigester, which a type whose memory
// layout can differ for equal contents (a skiplist with random levels, a
// hash table with tombstones) must do; otherwise a generic walk of the
// value's Go structure is used: maps are digested order-independently,
// slices in order, pointers followed once.
type objectDigester interface {
	// digestObject feeds the value's contents to h: ordered collections
	// element by element, unordered ones through orderedless helpers
	// (digestUnordered).
	digestObject(h hash.Hash)
}

// datasetDigest is DEBUG DIGEST's value.
func (e *Engine) datasetDigest() []byte {
	var final [20]byte
	nonEmpty := false
	for _, d := range e.dbs {
		if d.size() == 0 {
			continue
		}
		nonEmpty = true
		var dbx [20]byte
		d.keys.Range(func(key string, o *object) bool {
			xorInto(dbx[:], keyDigest(d, bytesOfString(key), true))
			return true
		})
		h := sha1.New()
		h.Write(final[:])
		var id [8]byte
		binary.LittleEndian.PutUint64(id[:], uint64(d.id))
		h.Write(id[:])
		h.Write(dbx[:])
		copy(final[:], h.Sum(nil))
	}
	if !nonEmpty {
		return make([]byte, 20)
	}
	return final[:]
}

// keyDigest digests the value at key (and, withKey, the key's name), with a
// mark when it has a time to live. A missing key digests to zeros. Expired
// keys not yet deleted count, as Redis's debug lookups do.
func keyDigest(d *db, key []byte, withKey bool) []byte {
	o := d.lookup(key)
	if o == nil {
		return make([]byte, 20)
	}
	h := sha1.New()
	if withKey {
		writeLen(h, len(key))
		h.Write(key)
	}
	h.Write([]byte{byte(o.kind)})
	digestObjectInto(h, o)
	if _, ok := d.getExpire(key); ok {
		h.Write([]byte("!!expire!!"))
	}
	return h.Sum(nil)
}

func digestObjectInto(h hash.Hash, o *object) {
	if o.kind == kindString {
		writeLen(h, len(o.str))
		h.Write(o.str)
		return
	}
	if od, ok := o.val.(objectDigester); ok {
		od.digestObject(h)
		return
	}
	d := &digester{h: h, seen: map[uintptr]bool{}}
	d.walk(reflect.ValueOf(o.val))
}

// digestUnordered feeds h the digest of a collection whose order does not
// matter: each element's own digest (made by elem) is XORed in.
func digestUnordered(h hash.Hash, n int, elem func(i int, h hash.Hash)) {
	var acc [20]byte
	for i := 0; i < n; i++ {
		eh := sha1.New()
		elem(i, eh)
		xorInto(acc[:], eh.Sum(nil))
	}
	writeLen(h, n)
	h.Write(acc[:])
}

func xorInto(dst, src []byte) {
	for i := range dst {
		dst[i] ^= src[i]
	}
}

func writeLen(h hash.Hash, n int) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(n))
	h.Write(b[:])
}

// digester walks a Go value generically, feeding its contents to h and
// counting the bytes (for DEBUG OBJECT's serializedlength).
type digester struct {
	h    hash.Hash
	n    int64
	seen map[uintptr]bool
}

func (d *digester) write(b []byte) {
	d.h.Write(b)
	d.n += int64(len(b))
}

func (d *digester) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	d.write(b[:])
}

func (d *digester) walk(v reflect.Value) {
	if !v.IsValid() {
		d.write([]byte{0})
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			d.write([]byte{1})
		} else {
			d.write([]byte{0})
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.u64(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.u64(v.Uint())
	case reflect.Float32, reflect.Float64:
		d.u64(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		d.u64(math.Float64bits(real(c)))
		d.u64(math.Float64bits(imag(c)))
	case reflect.String:
		d.u64(uint64(v.Len()))
		d.write([]byte(v.String()))
	case reflect.Slice, reflect.Array:
		d.u64(uint64(v.Len()))
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			d.write(v.Bytes())
			return
		}
		for i := 0; i < v.Len(); i++ {
			d.walk(v.Index(i))
		}
	case reflect.Map:
		var acc [20]byte
		it := v.MapRange()
		for it.Next() {
			sub := &digester{h: sha1.New(), seen: d.seen}
			sub.walk(it.Key())
			sub.walk(it.Value())
			xorInto(acc[:], sub.h.Sum(nil))
			d.n += sub.n
		}
		d.u64(uint64(v.Len()))
		d.h.Write(acc[:])
	case reflect.Pointer:
		if v.IsNil() {
			d.write([]byte{0})
			return
		}
		p := v.Pointer()
		if d.seen[p] {
			d.write([]byte{2})
			return
		}
		d.seen[p] = true
		d.walk(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			d.write([]byte{0})
			return
		}
		d.walk(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			d.walk(v.Field(i))
		}
	}
}
