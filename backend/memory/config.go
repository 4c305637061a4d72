package memory

import (
	"errors"
	"fmt"
	"math"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Configuration parameters.
//
// params is the registry of every parameter a Redis 7.4.1 server reports in
// CONFIG GET *, plus its hidden ones, each with Redis's type, bounds,
// default, alias and flags (immutable, protected, hidden, sensitive,
// multi-argument). CONFIG GET/SET/REWRITE, the config file and rk serve's
// command-line flags all go through it, so every parameter validates and
// reports the way Redis does.
//
// Parameters rk acts on are typed fields of config, bound to their
// registry entry; the others are stored, validated and reported faithfully
// (in config.bools/ints/strs) so that tools and test suites that read or
// restore them see what they expect. Values are always read and written
// under the engine lock.

// config holds the engine's configuration.
type config struct {
	databases          int64
	requirepass        string
	protectedMode      bool
	slowlogSlowerThan  int64
	slowlogMaxLen      int64
	protoMaxBulkLen    int64
	busyReplyThreshold int64 // ms
	port               int64
	bind               []string
	unixsocket         string
	unixsocketperm     int64
	maxmemory          int64 // bytes; stored as uint64 bits
	maxmemoryPolicy    int64 // one of the maxmemoryPolicies values
	maxmemorySamples   int64
	maxmemoryTenacity  int64 // maxmemory-eviction-tenacity
	maxclients         int64
	timeout            int64 // idle client timeout, seconds; 0 = never
	hz                 int64 // clamped to 1..500 like Redis
	dynamicHz          bool
	activeExpireEffort int64
	appendonly         bool
	appendfsync        int64
	dir                string
	dbfilename         string
	save               []savePoint
	loglevel           int64
	logfile            string
	acllogMaxLen       int64
	aclPubsubDefault   int64
	latencyTracking    bool
	latencyPercentiles []float64
	// notifyKeyspaceEvents is a set of notify* flags.
	notifyKeyspaceEvents int64
	trackingTableMaxKeys int64

	lazyfreeLazyEviction  bool
	lazyfreeLazyExpire    bool
	lazyfreeLazyServerDel bool
	lazyfreeLazyUserDel   bool
	lazyfreeLazyUserFlush bool

	enableProtectedConfigs int64 // protectedNo / protectedYes / protectedLocal
	enableDebugCommand     int64
	enableModuleCommand    int64

	clientQueryBufferLimit int64
	clientOutputLimits     [3]obufLimit // normal, replica, pubsub
	oomScoreAdjValues      [3]int64
	replBacklogSize        int64

	// Encoding thresholds, for OBJECT ENCODING and the data types.
	listMaxListpackSize    int64
	listCompressDepth      int64
	hashMaxListpackEntries int64
	hashMaxListpackValue   int64
	setMaxIntsetEntries    int64
	setMaxListpackEntries  int64
	setMaxListpackValue    int64
	zsetMaxListpackEntries int64
	zsetMaxListpackValue   int64
	streamNodeMaxBytes     int64
	streamNodeMaxEntries   int64
	hllSparseMaxBytes      int64

	// replicaof is "host port", empty for a master. rk does not replicate,
	// so only the empty value is accepted.
	replicaof string

	// Parameters rk stores and reports without acting on them, by name.
	bools map[string]bool
	ints  map[string]int64
	strs  map[string]string

	// debug holds what only DEBUG changes.
	debug debugKnobs

	// listen applies a new bind/port at run time (CONFIG SET port, bind);
	// nil when nothing listens for this engine.
	listen func(bind []string, port int) error
}

// savePoint is one "save <seconds> <changes>" snapshot rule.
type savePoint struct{ seconds, changes int64 }

// obufLimit is one client class's client-output-buffer-limit.
type obufLimit struct{ hard, soft, softSeconds int64 }

var defaultObufLimits = [3]obufLimit{{0, 0, 0}, {256 << 20, 64 << 20, 60}, {32 << 20, 8 << 20, 60}}

var obufClassNames = [3]string{"normal", "slave", "pubsub"}

// Values of enable-protected-configs, enable-debug-command and
// enable-module-command.
const (
	protectedNo int64 = iota
	protectedYes
	protectedLocal
)

// Keyspace notification classes (notify-keyspace-events), as Redis numbers
// them.
const (
	notifyKeyspace = 1 << 0  // K
	notifyKeyevent = 1 << 1  // E
	notifyGeneric  = 1 << 2  // g
	notifyString   = 1 << 3  // $
	notifyList     = 1 << 4  // l
	notifySet      = 1 << 5  // s
	notifyHash     = 1 << 6  // h
	notifyZSet     = 1 << 7  // z
	notifyExpired  = 1 << 8  // x
	notifyEvicted  = 1 << 9  // e
	notifyStream   = 1 << 10 // t
	notifyKeyMiss  = 1 << 11 // m (not part of A)
	notifyModule   = 1 << 13 // d
	notifyNew      = 1 << 14 // n (not part of A)
	notifyAll      = notifyGeneric | notifyString | notifyList | notifySet | notifyHash | notifyZSet |
		notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// maxmemory-policy values.
const (
	policyVolatileLRU int64 = iota
	policyVolatileLFU
	policyVolatileRandom
	policyVolatileTTL
	policyAllkeysLRU
	policyAllkeysLFU
	policyAllkeysRandom
	policyNoEviction
)

// loglevel values.
const (
	logDebug int64 = iota
	logVerbose
	logNotice
	logWarning
	logNothing
)

// pflag are a parameter's flags.
type pflag uint8

const (
	pImmutable pflag = 1 << iota // CONFIG SET refuses it
	pProtected                   // CONFIG SET needs enable-protected-configs
	pHidden                      // only an exact CONFIG GET name finds it
	pSensitive                   // its value is redacted from SLOWLOG
	pMultiArg                    // takes several arguments (save, bind...)
	pEmptyNull                   // an empty string means "unset": REWRITE drops it
)

// pkind is the type of a parameter.
type pkind uint8

const (
	kBool pkind = iota
	kInt
	kEnum
	kString
	kSpecial
)

// numeric formats.
const (
	numPlain uint8 = iota
	numMemory
	numMemoryPercent // memory, or "n%" stored as -n
	numOctal
)

type enumItem struct {
	name string
	val  int64
}

// param is one configuration parameter.
type param struct {
	name, alias string
	flags       pflag
	kind        pkind

	defBool bool
	defInt  int64
	defStr  string

	// numbers: inclusive bounds, unsigned comparison, text format
	min, max int64
	unsigned bool
	numFmt   uint8

	enum     []enumItem
	bitflags bool // enum values combine (shutdown-on-sigint)

	boolField func(*config) *bool
	intField  func(*config) *int64
	strField  func(*config) *string

	// check validates a parsed value (bool, int64 or string); it returns
	// Redis's reason text.
	check func(v any) error
	// after runs once a value is stored (hz clamping).
	after func(c *config)
	// apply makes a CONFIG SET change take effect; it can fail, and the
	// whole CONFIG SET is then rolled back.
	apply func(c *config, old *config) error

	// kSpecial
	getFn     func(c *config) string
	setFn     func(c *config, args []string) error
	rewriteFn func(c *config, st *rewriteState, p *param)
}

func (p *param) has(f pflag) bool { return p.flags&f != 0 }

// reason is the text after "CONFIG SET failed (...) - ".
type reason string

func (r reason) Error() string { return string(r) }

func newConfig() *config {
	c := &config{bools: map[string]bool{}, ints: map[string]int64{}, strs: map[string]string{}}
	for _, p := range params {
		p.setDefault(c)
	}
	c.debug.quicklistPackedThreshold = defaultPackedThreshold
	return c
}

// clone copies c deeply enough to roll a failed CONFIG SET back.
func (c *config) clone() *config {
	n := *c
	n.bind = append([]string(nil), c.bind...)
	n.save = append([]savePoint(nil), c.save...)
	n.latencyPercentiles = append([]float64(nil), c.latencyPercentiles...)
	n.bools = make(map[string]bool, len(c.bools))
	for k, v := range c.bools {
		n.bools[k] = v
	}
	n.ints = make(map[string]int64, len(c.ints))
	for k, v := range c.ints {
		n.ints[k] = v
	}
	n.strs = make(map[string]string, len(c.strs))
	for k, v := range c.strs {
		n.strs[k] = v
	}
	return &n
}

func (p *param) setDefault(c *config) {
	switch p.kind {
	case kBool:
		p.storeBool(c, p.defBool)
	case kInt, kEnum:
		p.storeInt(c, p.defInt)
	case kString:
		p.storeStr(c, p.defStr)
	case kSpecial:
		if err := p.setFn(c, splitValue(p.defStr)); err != nil {
			panic("memory: default of " + p.name + ": " + err.Error())
		}
	}
}

func (p *param) storeBool(c *config, v bool) {
	if p.boolField != nil {
		*p.boolField(c) = v
		return
	}
	c.bools[p.name] = v
}

func (p *param) storeInt(c *config, v int64) {
	if p.intField != nil {
		*p.intField(c) = v
		return
	}
	c.ints[p.name] = v
}

func (p *param) storeStr(c *config, v string) {
	if p.strField != nil {
		*p.strField(c) = v
		return
	}
	c.strs[p.name] = v
}

func (p *param) loadBool(c *config) bool {
	if p.boolField != nil {
		return *p.boolField(c)
	}
	return c.bools[p.name]
}

func (p *param) loadInt(c *config) int64 {
	if p.intField != nil {
		return *p.intField(c)
	}
	return c.ints[p.name]
}

func (p *param) loadStr(c *config) string {
	if p.strField != nil {
		return *p.strField(c)
	}
	return c.strs[p.name]
}

// get returns the value as CONFIG GET shows it.
func (p *param) get(c *config) string {
	switch p.kind {
	case kBool:
		return yesNo(p.loadBool(c))
	case kInt:
		return p.formatNum(p.loadInt(c))
	case kEnum:
		return p.enumName(p.loadInt(c))
	case kString:
		return p.loadStr(c)
	default:
		return p.getFn(c)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (p *param) formatNum(n int64) string {
	switch {
	case p.numFmt == numMemoryPercent && n < 0:
		return strconv.FormatInt(-n, 10) + "%"
	case p.numFmt == numOctal:
		return strconv.FormatInt(n, 8)
	case p.unsigned || p.numFmt == numMemory:
		return strconv.FormatUint(uint64(n), 10)
	}
	return strconv.FormatInt(n, 10)
}

func (p *param) enumName(v int64) string {
	var names []string
	left := v
	for _, it := range p.enum {
		if it.val == v {
			return it.name
		}
		if p.bitflags && it.val != 0 && left&it.val == it.val {
			names = append(names, it.name)
			left &^= it.val
		}
	}
	if len(names) == 0 || left != 0 {
		return "unknown"
	}
	return strings.Join(names, " ")
}

// set parses args (one argument unless the parameter is multi-argument)
// and stores the value. Its error is Redis's reason text.
func (p *param) set(c *config, args []string) error {
	if p.kind == kSpecial {
		return p.setFn(c, args)
	}
	if p.kind == kEnum && p.bitflags {
		return p.setEnum(c, args)
	}
	if len(args) != 1 {
		return reason("wrong number of arguments")
	}
	v := args[0]
	switch p.kind {
	case kBool:
		var b bool
		switch strings.ToLower(v) {
		case "yes":
			b = true
		case "no":
		default:
			return reason("argument must be 'yes' or 'no'")
		}
		if p.check != nil {
			if err := p.check(b); err != nil {
				return err
			}
		}
		p.storeBool(c, b)
	case kInt:
		n, err := p.parseNum(v)
		if err != nil {
			return err
		}
		if err := p.checkBounds(n); err != nil {
			return err
		}
		if p.check != nil {
			if err := p.check(n); err != nil {
				return err
			}
		}
		p.storeInt(c, n)
	case kEnum:
		return p.setEnum(c, args)
	case kString:
		if p.check != nil {
			if err := p.check(v); err != nil {
				return err
			}
		}
		p.storeStr(c, v)
	}
	if p.after != nil {
		p.after(c)
	}
	return nil
}

func (p *param) setEnum(c *config, args []string) error {
	var v int64
	ok := len(args) > 0 && (p.bitflags || len(args) == 1)
	for _, a := range args {
		matched := false
		for _, it := range p.enum {
			if strings.EqualFold(a, it.name) {
				v |= it.val
				matched = true
			}
		}
		if !matched {
			ok = false
		}
	}
	if !ok {
		names := make([]string, len(p.enum))
		for i, it := range p.enum {
			names[i] = it.name
		}
		return reason("argument(s) must be one of the following: " + strings.Join(names, ", "))
	}
	if p.check != nil {
		if err := p.check(v); err != nil {
			return err
		}
	}
	p.storeInt(c, v)
	return nil
}

func (p *param) parseNum(s string) (int64, error) {
	if p.numFmt == numMemory || p.numFmt == numMemoryPercent {
		if n, ok := parseMemoryValue(s); ok {
			return int64(n), nil
		}
	}
	if p.numFmt == numMemoryPercent && len(s) > 1 && s[len(s)-1] == '%' {
		if n, ok := resp.ParseInt([]byte(s[:len(s)-1])); ok && n >= 0 {
			return -n, nil
		}
	}
	if p.numFmt == numOctal {
		if n, err := strconv.ParseInt(s, 8, 64); err == nil {
			return n, nil
		}
	}
	if p.numFmt == numPlain {
		if n, ok := resp.ParseInt([]byte(s)); ok {
			return n, nil
		}
	}
	switch p.numFmt {
	case numMemoryPercent:
		return 0, reason("argument must be a memory or percent value")
	case numMemory:
		return 0, reason("argument must be a memory value")
	case numOctal:
		return 0, reason("argument couldn't be parsed as an octal number")
	}
	return 0, reason("argument couldn't be parsed into an integer")
}

func (p *param) checkBounds(n int64) error {
	if p.unsigned {
		u, lo, hi := uint64(n), uint64(p.min), uint64(p.max)
		if u < lo || u > hi {
			if p.numFmt == numOctal {
				return reason(fmt.Sprintf("argument must be between %o and %o inclusive", lo, hi))
			}
			return reason(fmt.Sprintf("argument must be between %d and %d inclusive", lo, hi))
		}
		return nil
	}
	if p.numFmt == numMemoryPercent && n < 0 {
		if n < p.min {
			return reason(fmt.Sprintf("percentage argument must be less or equal to %d", -p.min))
		}
		return nil
	}
	if n < p.min || n > p.max {
		return reason(fmt.Sprintf("argument must be between %d and %d inclusive", p.min, p.max))
	}
	return nil
}

// parseMemoryValue parses a memory amount as redis.conf writes it: digits
// with an optional unit b, k, kb, m, mb, g, gb (case-insensitive; k = 1000,
// kb = 1024). Negative numbers are refused.
func parseMemoryValue(s string) (uint64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, false
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	return n * mul, true
}

// formatMemory writes bytes the way CONFIG REWRITE does: in gb, mb or kb
// when exact.
func formatMemory(n int64) string {
	const kb, mb, gb = 1024, 1024 * 1024, 1024 * 1024 * 1024
	switch {
	case n != 0 && n%gb == 0:
		return strconv.FormatInt(n/gb, 10) + "gb"
	case n != 0 && n%mb == 0:
		return strconv.FormatInt(n/mb, 10) + "mb"
	case n != 0 && n%kb == 0:
		return strconv.FormatInt(n/kb, 10) + "kb"
	}
	return strconv.FormatUint(uint64(n), 10)
}

// The parameter constructors. field may be nil: the value is then stored
// by name.

func boolP(name, alias string, fl pflag, def bool, field func(*config) *bool) *param {
	return &param{name: name, alias: alias, flags: fl, kind: kBool, defBool: def, boolField: field}
}

func intP(name, alias string, fl pflag, min, max, def int64, field func(*config) *int64) *param {
	return &param{name: name, alias: alias, flags: fl, kind: kInt, min: min, max: max, defInt: def, intField: field}
}

func uintP(name, alias string, fl pflag, min, max, def int64, field func(*config) *int64) *param {
	p := intP(name, alias, fl, min, max, def, field)
	p.unsigned = true
	return p
}

func memP(name, alias string, fl pflag, min, max, def int64, field func(*config) *int64) *param {
	p := uintP(name, alias, fl, min, max, def, field)
	p.numFmt = numMemory
	return p
}

func enumP(name, alias string, fl pflag, items []enumItem, def int64, field func(*config) *int64) *param {
	return &param{name: name, alias: alias, flags: fl, kind: kEnum, enum: items, defInt: def, intField: field}
}

func strP(name, alias string, fl pflag, def string, field func(*config) *string) *param {
	return &param{name: name, alias: alias, flags: fl, kind: kString, defStr: def, strField: field}
}

func specialP(name, alias string, fl pflag, def string, get func(*config) string, set func(*config, []string) error,
	rewrite func(*config, *rewriteState, *param)) *param {
	return &param{name: name, alias: alias, flags: fl, kind: kSpecial, defStr: def, getFn: get, setFn: set, rewriteFn: rewrite}
}

func (p *param) withCheck(f func(v any) error) *param { p.check = f; return p }

func enumItems(names ...string) []enumItem {
	out := make([]enumItem, len(names))
	for i, n := range names {
		out[i] = enumItem{n, int64(i)}
	}
	return out
}

const (
	intMax   = math.MaxInt32
	intMin   = math.MinInt32
	uintMax  = math.MaxUint32
	longMax  = math.MaxInt64
	ullMax   = -1 // all bits set: the unsigned maximum
	ssizeMax = math.MaxInt64
)

var (
	yesNoLocal     = enumItems("no", "yes", "local")
	oomScoreAdj    = []enumItem{{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}
	shutdownOnSig  = []enumItem{{"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}}
	policies       = enumItems("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")
	syslogFacility = enumItems("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7")
)

func checkShutdownFlags(v any) error {
	if n := v.(int64); n&1 != 0 && n&2 != 0 {
		return reason("shutdown options SAVE and NOSAVE can't be used simultaneously")
	}
	return nil
}

func checkBaseName(what string, allowEmpty bool, kindWord string) func(v any) error {
	return func(v any) error {
		s := v.(string)
		if s == "" && !allowEmpty {
			return reason(what + " can't be empty")
		}
		if strings.ContainsAny(s, "/\\") {
			return reason(what + " can't be a path, just a " + kindWord)
		}
		return nil
	}
}

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9.-]*$`)

func checkHostname(v any) error {
	s := v.(string)
	if len(s) >= 256 {
		return reason("Hostnames must be less than 256 characters")
	}
	if !hostnameRE.MatchString(s) {
		return reason("Hostnames may only contain alphanumeric characters, hyphens or dots")
	}
	return nil
}

func checkNodename(v any) error {
	for _, b := range []byte(v.(string)) {
		if b < '!' || b > '~' {
			return reason("Announced human node name contained invalid character")
		}
	}
	return nil
}

var procTitleVar = regexp.MustCompile(`\{[^}]*\}`)

func checkProcTitle(v any) error {
	s := v.(string)
	for _, m := range procTitleVar.FindAllString(s, -1) {
		switch m {
		case "{title}", "{listen-addr}", "{server-mode}", "{port}", "{tls-port}", "{unixsocket}", "{config-file}":
		default:
			return reason("template format is invalid or contains unknown variables")
		}
	}
	if strings.Count(s, "{") != strings.Count(s, "}") || strings.TrimSpace(s) == "" && s != "" {
		return reason("template format is invalid or contains unknown variables")
	}
	return nil
}

var localeRE = regexp.MustCompile(`^([A-Za-z]{2,3}(_[A-Za-z]{2})?(\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?|C|POSIX|C\.UTF-8)$`)

func checkLocale(v any) error {
	if s := v.(string); s != "" && !localeRE.MatchString(s) {
		return reason("Invalid locale name")
	}
	return nil
}

func refuseYes(msg string) func(v any) error {
	return func(v any) error {
		if v.(bool) {
			return reason(msg)
		}
		return nil
	}
}

// params is the registry, in Redis's order.
var params = []*param{
	// Booleans.
	boolP("rdbchecksum", "", pImmutable, true, nil),
	boolP("daemonize", "", pImmutable, false, nil),
	boolP("io-threads-do-reads", "", pImmutable, false, nil),
	boolP("always-show-logo", "", pImmutable, false, nil),
	boolP("protected-mode", "", 0, true, func(c *config) *bool { return &c.protectedMode }),
	boolP("rdbcompression", "", 0, true, nil),
	boolP("rdb-del-sync-files", "", 0, false, nil),
	boolP("activerehashing", "", 0, true, nil),
	boolP("stop-writes-on-bgsave-error", "", 0, true, nil),
	boolP("set-proc-title", "", pImmutable, true, nil),
	boolP("dynamic-hz", "", 0, true, func(c *config) *bool { return &c.dynamicHz }),
	boolP("lazyfree-lazy-eviction", "", 0, false, func(c *config) *bool { return &c.lazyfreeLazyEviction }),
	boolP("lazyfree-lazy-expire", "", 0, false, func(c *config) *bool { return &c.lazyfreeLazyExpire }),
	boolP("lazyfree-lazy-server-del", "", 0, false, func(c *config) *bool { return &c.lazyfreeLazyServerDel }),
	boolP("lazyfree-lazy-user-del", "", 0, false, func(c *config) *bool { return &c.lazyfreeLazyUserDel }),
	boolP("lazyfree-lazy-user-flush", "", 0, false, func(c *config) *bool { return &c.lazyfreeLazyUserFlush }),
	boolP("repl-disable-tcp-nodelay", "", 0, false, nil),
	boolP("repl-diskless-sync", "", 0, true, nil),
	boolP("aof-rewrite-incremental-fsync", "", 0, true, nil),
	boolP("no-appendfsync-on-rewrite", "", 0, false, nil),
	boolP("cluster-require-full-coverage", "", 0, true, nil),
	boolP("rdb-save-incremental-fsync", "", 0, true, nil),
	boolP("aof-load-truncated", "", 0, true, nil),
	boolP("aof-use-rdb-preamble", "", 0, true, nil),
	boolP("aof-timestamp-enabled", "", 0, false, nil),
	boolP("cluster-replica-no-failover", "cluster-slave-no-failover", 0, false, nil),
	boolP("replica-lazy-flush", "slave-lazy-flush", 0, false, nil),
	boolP("replica-serve-stale-data", "slave-serve-stale-data", 0, true, nil),
	boolP("replica-read-only", "slave-read-only", 0, true, nil),
	boolP("replica-ignore-maxmemory", "slave-ignore-maxmemory", 0, true, nil),
	boolP("jemalloc-bg-thread", "", 0, true, nil),
	boolP("activedefrag", "", 0, false, nil).withCheck(refuseYes("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution")),
	boolP("syslog-enabled", "", pImmutable, false, nil),
	boolP("cluster-enabled", "", pImmutable, false, nil),
	boolP("appendonly", "", 0, false, func(c *config) *bool { return &c.appendonly }),
	boolP("cluster-allow-reads-when-down", "", 0, false, nil),
	boolP("cluster-allow-pubsubshard-when-down", "", 0, true, nil),
	boolP("crash-log-enabled", "", 0, true, nil),
	boolP("crash-memcheck-enabled", "", 0, true, nil),
	boolP("use-exit-on-panic", "", pHidden, false, nil),
	boolP("disable-thp", "", pImmutable, true, nil),
	boolP("cluster-allow-replica-migration", "", 0, true, nil),
	boolP("replica-announced", "", 0, true, nil),
	boolP("latency-tracking", "", 0, true, func(c *config) *bool { return &c.latencyTracking }),
	boolP("aof-disable-auto-gc", "", pHidden, false, nil),
	boolP("replica-ignore-disk-write-errors", "", 0, false, nil),
	boolP("hide-user-data-from-log", "", 0, false, nil),

	// Strings.
	strP("aclfile", "", pImmutable, "", nil),
	strP("unixsocket", "", pImmutable|pEmptyNull, "", func(c *config) *string { return &c.unixsocket }),
	strP("pidfile", "", pImmutable|pEmptyNull, "", nil),
	strP("replica-announce-ip", "slave-announce-ip", pEmptyNull, "", nil),
	strP("masteruser", "", pSensitive|pEmptyNull, "", nil),
	strP("cluster-announce-ip", "", pEmptyNull, "", nil),
	strP("cluster-config-file", "", pImmutable, "nodes.conf", nil),
	strP("cluster-announce-hostname", "", pEmptyNull, "", nil).withCheck(checkHostname),
	strP("cluster-announce-human-nodename", "", pEmptyNull, "", nil).withCheck(checkNodename),
	strP("syslog-ident", "", pImmutable, "redis", nil),
	strP("dbfilename", "", pProtected, "dump.rdb", func(c *config) *string { return &c.dbfilename }).withCheck(checkBaseName("dbfilename", true, "filename")),
	strP("appendfilename", "", pImmutable, "appendonly.aof", nil).withCheck(checkBaseName("appendfilename", false, "filename")),
	strP("appenddirname", "", pImmutable, "appendonlydir", nil).withCheck(checkBaseName("appenddirname", false, "dirname")),
	strP("server-cpulist", "server_cpulist", pImmutable|pEmptyNull, "", nil),
	strP("bio-cpulist", "bio_cpulist", pImmutable|pEmptyNull, "", nil),
	strP("aof-rewrite-cpulist", "aof_rewrite_cpulist", pImmutable|pEmptyNull, "", nil),
	strP("bgsave-cpulist", "bgsave_cpulist", pImmutable|pEmptyNull, "", nil),
	strP("ignore-warnings", "", 0, "", nil),
	strP("proc-title-template", "", 0, "{title} {listen-addr} {server-mode}", nil).withCheck(checkProcTitle),
	strP("bind-source-addr", "", pEmptyNull, "", nil),
	strP("logfile", "", pImmutable, "", func(c *config) *string { return &c.logfile }),
	strP("locale-collate", "", 0, "", nil).withCheck(checkLocale),
	strP("masterauth", "", pSensitive|pEmptyNull, "", nil),
	strP("requirepass", "", pSensitive|pEmptyNull, "", func(c *config) *string { return &c.requirepass }),

	// Enums.
	enumP("supervised", "", pImmutable, []enumItem{{"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}}, 0, nil),
	enumP("syslog-facility", "", pImmutable, syslogFacility, 1, nil),
	enumP("repl-diskless-load", "", 0, enumItems("disabled", "on-empty-db", "swapdb"), 0, nil),
	enumP("loglevel", "", 0, enumItems("debug", "verbose", "notice", "warning", "nothing"), logNotice, func(c *config) *int64 { return &c.loglevel }),
	enumP("maxmemory-policy", "", 0, policies, policyNoEviction, func(c *config) *int64 { return &c.maxmemoryPolicy }),
	enumP("appendfsync", "", 0, []enumItem{{"everysec", 1}, {"always", 2}, {"no", 0}}, 1, func(c *config) *int64 { return &c.appendfsync }),
	enumP("oom-score-adj", "", 0, oomScoreAdj, 0, nil),
	enumP("acl-pubsub-default", "", 0, []enumItem{{"allchannels", 1}, {"resetchannels", 0}}, 0, func(c *config) *int64 { return &c.aclPubsubDefault }),
	enumP("sanitize-dump-payload", "", 0, enumItems("no", "yes", "clients"), 0, nil),
	enumP("enable-protected-configs", "", pImmutable, yesNoLocal, protectedNo, func(c *config) *int64 { return &c.enableProtectedConfigs }),
	enumP("enable-debug-command", "", pImmutable, yesNoLocal, protectedNo, func(c *config) *int64 { return &c.enableDebugCommand }),
	enumP("enable-module-command", "", pImmutable, yesNoLocal, protectedNo, func(c *config) *int64 { return &c.enableModuleCommand }),
	enumP("cluster-preferred-endpoint-type", "", 0, enumItems("ip", "hostname", "unknown-endpoint"), 0, nil),
	enumP("propagation-error-behavior", "", 0, enumItems("ignore", "panic", "panic-on-replicas"), 0, nil),
	shutdownP("shutdown-on-sigint"),
	shutdownP("shutdown-on-sigterm"),

	// Integers.
	intP("databases", "", pImmutable, 1, intMax, 16, func(c *config) *int64 { return &c.databases }),
	portP(),
	intP("io-threads", "", pImmutable, 1, 128, 1, nil),
	intP("auto-aof-rewrite-percentage", "", 0, 0, intMax, 100, nil),
	intP("cluster-replica-validity-factor", "cluster-slave-validity-factor", 0, 0, intMax, 10, nil),
	intP("list-max-listpack-size", "list-max-ziplist-size", 0, intMin, intMax, -2, func(c *config) *int64 { return &c.listMaxListpackSize }),
	intP("tcp-keepalive", "", 0, 0, intMax, 300, nil),
	intP("cluster-migration-barrier", "", 0, 0, intMax, 1, nil),
	intP("active-defrag-cycle-min", "", 0, 1, 99, 1, nil),
	intP("active-defrag-cycle-max", "", 0, 1, 99, 25, nil),
	intP("active-defrag-threshold-lower", "", 0, 0, 1000, 10, nil),
	intP("active-defrag-threshold-upper", "", 0, 0, 1000, 100, nil),
	intP("lfu-log-factor", "", 0, 0, intMax, 10, nil),
	intP("lfu-decay-time", "", 0, 0, intMax, 1, nil),
	intP("replica-priority", "slave-priority", 0, 0, intMax, 100, nil),
	intP("repl-diskless-sync-delay", "", 0, 0, intMax, 5, nil),
	intP("maxmemory-samples", "", 0, 1, 64, 5, func(c *config) *int64 { return &c.maxmemorySamples }),
	intP("maxmemory-eviction-tenacity", "", 0, 0, 100, 10, func(c *config) *int64 { return &c.maxmemoryTenacity }),
	intP("timeout", "", 0, 0, intMax, 0, func(c *config) *int64 { return &c.timeout }),
	intP("replica-announce-port", "slave-announce-port", 0, 0, 65535, 0, nil),
	intP("tcp-backlog", "", pImmutable, 0, intMax, 511, nil),
	intP("cluster-port", "", pImmutable, 0, 65535, 0, nil),
	intP("cluster-announce-bus-port", "", 0, 0, 65535, 0, nil),
	intP("cluster-announce-port", "", 0, 0, 65535, 0, nil),
	intP("cluster-announce-tls-port", "", 0, 0, 65535, 0, nil),
	intP("repl-timeout", "", 0, 1, intMax, 60, nil),
	intP("repl-ping-replica-period", "repl-ping-slave-period", 0, 1, intMax, 10, nil),
	intP("list-compress-depth", "", 0, 0, intMax, 0, func(c *config) *int64 { return &c.listCompressDepth }),
	intP("rdb-key-save-delay", "", pHidden, intMin, intMax, 0, nil),
	intP("key-load-delay", "", pHidden, intMin, intMax, 0, nil),
	intP("active-expire-effort", "", 0, 1, 10, 1, func(c *config) *int64 { return &c.activeExpireEffort }),
	hzP(),
	intP("min-replicas-to-write", "min-slaves-to-write", 0, 0, intMax, 0, nil),
	intP("min-replicas-max-lag", "min-slaves-max-lag", 0, 0, intMax, 10, nil),
	intP("watchdog-period", "", pHidden, 0, intMax, 0, nil),
	intP("shutdown-timeout", "", 0, 0, intMax, 10, nil),
	intP("repl-diskless-sync-max-replicas", "", 0, 0, intMax, 0, nil),
	uintP("maxclients", "", 0, 1, uintMax, 10000, func(c *config) *int64 { return &c.maxclients }),
	octalP("unixsocketperm", pImmutable, 0, 0o777, 0, func(c *config) *int64 { return &c.unixsocketperm }),
	uintP("socket-mark-id", "", pImmutable, 0, uintMax, 0, nil),
	uintP("max-new-connections-per-cycle", "", 0, 1, 1000, 10, nil),
	uintP("max-new-tls-connections-per-cycle", "", 0, 1, 1000, 1, nil),
	uintP("active-defrag-max-scan-fields", "", 0, 1, longMax, 1000, nil),
	uintP("slowlog-max-len", "", 0, 0, longMax, 128, func(c *config) *int64 { return &c.slowlogMaxLen }),
	uintP("acllog-max-len", "", 0, 0, longMax, 128, func(c *config) *int64 { return &c.acllogMaxLen }),
	intP("busy-reply-threshold", "lua-time-limit", 0, 0, longMax, 5000, func(c *config) *int64 { return &c.busyReplyThreshold }),
	intP("cluster-node-timeout", "", 0, 0, longMax, 15000, nil),
	intP("cluster-ping-interval", "", pHidden, 0, longMax, 0, nil),
	intP("slowlog-log-slower-than", "", 0, -1, longMax, 10000, func(c *config) *int64 { return &c.slowlogSlowerThan }),
	intP("latency-monitor-threshold", "", 0, 0, longMax, 0, nil),
	signedMemP("proto-max-bulk-len", 1<<20, longMax, 512<<20, func(c *config) *int64 { return &c.protoMaxBulkLen }),
	intP("stream-node-max-entries", "", 0, 0, longMax, 100, func(c *config) *int64 { return &c.streamNodeMaxEntries }),
	signedMemP("repl-backlog-size", 1, longMax, 1<<20, func(c *config) *int64 { return &c.replBacklogSize }),
	memP("maxmemory", "", 0, 0, ullMax, 0, func(c *config) *int64 { return &c.maxmemory }),
	memP("cluster-link-sendbuf-limit", "", 0, 0, ullMax, 0, nil),
	uintP("hash-max-listpack-entries", "hash-max-ziplist-entries", 0, 0, longMax, 512, func(c *config) *int64 { return &c.hashMaxListpackEntries }),
	uintP("set-max-intset-entries", "", 0, 0, longMax, 512, func(c *config) *int64 { return &c.setMaxIntsetEntries }),
	uintP("set-max-listpack-entries", "", 0, 0, longMax, 128, func(c *config) *int64 { return &c.setMaxListpackEntries }),
	uintP("set-max-listpack-value", "", 0, 0, longMax, 64, func(c *config) *int64 { return &c.setMaxListpackValue }),
	uintP("zset-max-listpack-entries", "zset-max-ziplist-entries", 0, 0, longMax, 128, func(c *config) *int64 { return &c.zsetMaxListpackEntries }),
	memP("active-defrag-ignore-bytes", "", 0, 1, longMax, 100<<20, nil),
	memP("hash-max-listpack-value", "hash-max-ziplist-value", 0, 0, longMax, 64, func(c *config) *int64 { return &c.hashMaxListpackValue }),
	memP("stream-node-max-bytes", "", 0, 0, longMax, 4096, func(c *config) *int64 { return &c.streamNodeMaxBytes }),
	memP("zset-max-listpack-value", "zset-max-ziplist-value", 0, 0, longMax, 64, func(c *config) *int64 { return &c.zsetMaxListpackValue }),
	memP("hll-sparse-max-bytes", "", 0, 0, longMax, 3000, func(c *config) *int64 { return &c.hllSparseMaxBytes }),
	uintP("tracking-table-max-keys", "", 0, 0, longMax, 1000000, func(c *config) *int64 { return &c.trackingTableMaxKeys }),
	memP("client-query-buffer-limit", "", 0, 1<<20, longMax, 1<<30, func(c *config) *int64 { return &c.clientQueryBufferLimit }),
	maxmemoryClientsP(),
	intP("repl-backlog-ttl", "", 0, 0, longMax, 3600, nil),
	signedMemP("auto-aof-rewrite-min-size", 0, longMax, 64<<20, nil),
	intP("loading-process-events-interval-bytes", "", pHidden, 1024, intMax, 2<<20, nil),
	intP("tls-port", "", 0, 0, 65535, 0, nil),
	intP("tls-session-cache-size", "", 0, 0, intMax, 20*1024, nil),
	intP("tls-session-cache-timeout", "", 0, 0, intMax, 300, nil),
	boolP("tls-cluster", "", 0, false, nil),
	boolP("tls-replication", "", 0, false, nil),
	enumP("tls-auth-clients", "", 0, enumItems("no", "yes", "optional"), 1, nil),
	boolP("tls-prefer-server-ciphers", "", 0, false, nil),
	boolP("tls-session-caching", "", 0, true, nil),
	strP("tls-cert-file", "", pEmptyNull, "", nil),
	strP("tls-key-file", "", pEmptyNull, "", nil),
	strP("tls-key-file-pass", "", pSensitive|pEmptyNull, "", nil),
	strP("tls-client-cert-file", "", pEmptyNull, "", nil),
	strP("tls-client-key-file", "", pEmptyNull, "", nil),
	strP("tls-client-key-file-pass", "", pSensitive|pEmptyNull, "", nil),
	strP("tls-dh-params-file", "", pEmptyNull, "", nil),
	strP("tls-ca-cert-file", "", pEmptyNull, "", nil),
	strP("tls-ca-cert-dir", "", pEmptyNull, "", nil),
	strP("tls-protocols", "", pEmptyNull, "", nil),
	strP("tls-ciphers", "", pEmptyNull, "", nil),
	strP("tls-ciphersuites", "", pEmptyNull, "", nil),

	// Parameters with their own syntax.
	specialP("dir", "", pProtected, "", getDir, setDir, rewriteDir),
	specialP("save", "", pMultiArg, "3600 1 300 100 60 10000", getSave, setSave, rewriteSave),
	specialP("client-output-buffer-limit", "", pMultiArg, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
		getObufLimits, setObufLimits, rewriteObufLimits),
	specialP("oom-score-adj-values", "", pMultiArg, "0 200 800", getOOMValues, setOOMValues, rewriteOOMValues),
	specialP("notify-keyspace-events", "", 0, "", getNotify, setNotify, rewriteNotify),
	bindP(),
	specialP("replicaof", "slaveof", pImmutable|pMultiArg, "", func(c *config) string { return c.replicaof }, setReplicaOf, rewriteReplicaOf),
	specialP("latency-tracking-info-percentiles", "", pMultiArg, "50 99 99.9", getPercentiles, setPercentiles, rewritePercentiles),
}

func shutdownP(name string) *param {
	p := enumP(name, "", pMultiArg, shutdownOnSig, 0, nil)
	p.bitflags = true
	p.check = checkShutdownFlags
	return p
}

func octalP(name string, fl pflag, min, max, def int64, field func(*config) *int64) *param {
	p := uintP(name, "", fl, min, max, def, field)
	p.numFmt = numOctal
	return p
}

// signedMemP is a memory parameter whose C type is signed: its bounds
// are compared signed.
func signedMemP(name string, min, max, def int64, field func(*config) *int64) *param {
	p := intP(name, "", 0, min, max, def, field)
	p.numFmt = numMemory
	return p
}

func maxmemoryClientsP() *param {
	p := intP("maxmemory-clients", "", 0, -100, ssizeMax, 0, nil)
	p.numFmt = numMemoryPercent
	return p
}

func hzP() *param {
	p := intP("hz", "", 0, 0, intMax, 10, func(c *config) *int64 { return &c.hz })
	p.after = func(c *config) {
		c.hz = min(max(c.hz, 1), 500)
	}
	return p
}

func portP() *param {
	p := intP("port", "", 0, 0, 65535, 6379, func(c *config) *int64 { return &c.port })
	p.apply = func(c, old *config) error {
		if c.port == old.port {
			return nil
		}
		if c.listen == nil || c.listen(c.bind, int(c.port)) != nil {
			return reason("Unable to listen on this port. Check server logs.")
		}
		return nil
	}
	return p
}

func bindP() *param {
	p := specialP("bind", "", pMultiArg, "* -::*",
		func(c *config) string { return strings.Join(c.bind, " ") },
		func(c *config, args []string) error {
			if len(args) > 16 {
				return reason("Too many bind addresses specified.")
			}
			if len(args) == 1 && args[0] == "" {
				args = nil
			}
			c.bind = append([]string(nil), args...)
			return nil
		}, rewriteBind)
	p.apply = func(c, old *config) error {
		if strings.Join(c.bind, " ") == strings.Join(old.bind, " ") {
			return nil
		}
		if c.listen == nil || c.listen(c.bind, int(c.port)) != nil {
			return reason("Failed to bind to specified addresses.")
		}
		return nil
	}
	return p
}

// paramsByName indexes params by name and alias.
var paramsByName = func() map[string]*param {
	m := make(map[string]*param, 2*len(params))
	for _, p := range params {
		m[p.name] = p
		if p.alias != "" {
			m[p.alias] = p
		}
	}
	return m
}()

// lookupParam finds a parameter by name or alias, case-insensitively.
func lookupParam(name string) *param {
	if p := paramsByName[name]; p != nil {
		return p
	}
	return paramsByName[strings.ToLower(name)]
}

// splitValue splits a multi-argument value given as one string ("3600 1
// 300 100"), with redis.conf quoting.
func splitValue(v string) []string {
	if v == "" {
		return []string{""}
	}
	args, err := resp.SplitArgs([]byte(v))
	if err != nil || len(args) == 0 {
		return []string{v}
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// set sets a parameter at start-up (startup true: immutable ones allowed)
// from one string, as a config file line or a command-line flag gives it.
func (c *config) set(e *Engine, name, value string, startup bool) error {
	p := lookupParam(name)
	if p == nil {
		return fmt.Errorf("unknown configuration parameter %q", name)
	}
	if p.has(pImmutable) && !startup {
		return resp.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config")
	}
	args := []string{value}
	if p.has(pMultiArg) {
		args = splitValue(value)
	}
	if err := p.set(c, args); err != nil {
		return fmt.Errorf("configuration parameter %q: %v", p.name, err)
	}
	if err := startupSupported(p, c); err != nil {
		return err
	}
	return nil
}

// startupSupported refuses settings rk cannot honour, clearly, instead of
// silently ignoring them.
func startupSupported(p *param, c *config) error {
	switch p.name {
	case "daemonize":
		if p.loadBool(c) {
			return errors.New("daemonize yes is not supported by rk: run rk serve under a service manager instead")
		}
	case "cluster-enabled":
		if p.loadBool(c) {
			return errors.New("cluster-enabled yes is not supported by rk")
		}
	}
	return nil
}

// getInt returns an integer, enum or boolean (0/1) parameter's value by
// name; other code uses it for parameters without a typed field.
func (c *config) getInt(name string) int64 {
	p := lookupParam(name)
	if p == nil {
		panic("memory: no configuration parameter " + name)
	}
	switch p.kind {
	case kBool:
		if p.loadBool(c) {
			return 1
		}
		return 0
	case kInt, kEnum:
		return p.loadInt(c)
	}
	n, _ := strconv.ParseInt(p.get(c), 10, 64)
	return n
}

// getString returns a parameter's value as CONFIG GET shows it.
func (c *config) getString(name string) string {
	p := lookupParam(name)
	if p == nil {
		panic("memory: no configuration parameter " + name)
	}
	return p.get(c)
}

// ConfigParam describes a configuration parameter for flags and help.
type ConfigParam struct {
	Name, Alias, Default string
}

// ConfigParams lists every configuration parameter the engine knows, by
// its primary name, with its default as CONFIG GET shows it.
func ConfigParams() []ConfigParam {
	def := newConfig()
	out := make([]ConfigParam, len(params))
	for i, p := range params {
		out[i] = ConfigParam{Name: p.name, Alias: p.alias, Default: p.get(def)}
	}
	return out
}

// ConfigValue returns a parameter's current value as CONFIG GET shows it,
// or "" for an unknown name.
func (e *Engine) ConfigValue(name string) string {
	p := lookupParam(name)
	if p == nil {
		return ""
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return p.get(e.cfg)
}

// SetListenPort records the TCP port actually listened on (port 0 asks the
// system for a free one), so CONFIG GET port and INFO report it.
func (e *Engine) SetListenPort(a net.Addr) {
	if ta, ok := a.(*net.TCPAddr); ok {
		e.mu.Lock()
		e.cfg.port = int64(ta.Port)
		e.mu.Unlock()
	}
}

// ProtoMaxBulkLen returns proto-max-bulk-len without taking the engine
// lock, for the network server's per-read check.
func (e *Engine) ProtoMaxBulkLen() int64 {
	if n := e.stats.protoMaxBulkLen.Load(); n != 0 {
		return n
	}
	e.mu.Lock()
	n := e.cfg.protoMaxBulkLen
	e.mu.Unlock()
	e.stats.protoMaxBulkLen.Store(n)
	return n
}

// ClientQueryBufferLimit returns client-query-buffer-limit without taking
// the engine lock, for the network server.
func (e *Engine) ClientQueryBufferLimit() int64 {
	if n := e.stats.queryBufLimit.Load(); n != 0 {
		return n
	}
	e.mu.Lock()
	n := e.cfg.clientQueryBufferLimit
	e.mu.Unlock()
	e.stats.queryBufLimit.Store(n)
	return n
}

// SetListener installs the function that applies CONFIG SET port and
// CONFIG SET bind at run time: it is called, under the engine lock, with
// the new addresses and port and returns an error if the server could not
// listen there (the CONFIG SET then fails and is rolled back, as in
// Redis). Without one, changing port or bind fails.
func (e *Engine) SetListener(fn func(bind []string, port int) error) {
	e.mu.Lock()
	e.cfg.listen = fn
	e.mu.Unlock()
}

// configSet is CONFIG SET's core: it sets every pair or none, with Redis's
// checks in Redis's order. local reports whether the client may change
// protected parameters under enable-protected-configs local.
func (e *Engine) configSet(pairs [][]byte, local bool) error {
	n := len(pairs) / 2
	chosen := make([]*param, 0, n)
	var firstErr error
	for i := 0; i < n; i++ {
		name := string(pairs[2*i])
		p := lookupParam(name)
		if p == nil {
			if firstErr == nil {
				firstErr = resp.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'")
			}
			continue
		}
		if firstErr != nil {
			continue
		}
		switch {
		case p.has(pImmutable):
			firstErr = configSetErr(name, "can't set immutable config")
		case p.has(pProtected) && !allowProtected(e.cfg.enableProtectedConfigs, local):
			firstErr = configSetErr(name, "can't set protected config")
		}
		for _, q := range chosen {
			if firstErr == nil && q == p {
				firstErr = configSetErr(name, "duplicate parameter")
			}
		}
		chosen = append(chosen, p)
	}
	if firstErr != nil {
		return firstErr
	}
	old := e.cfg.clone()
	for i, p := range chosen {
		v := string(pairs[2*i+1])
		args := []string{v}
		if p.has(pMultiArg) {
			args = strings.Split(v, " ")
		}
		if err := p.set(e.cfg, args); err != nil {
			e.cfg = old
			return configSetErr(p.nameFor(pairs[2*i]), err.Error())
		}
	}
	for i, p := range chosen {
		if p.apply == nil {
			continue
		}
		if err := p.apply(e.cfg, old); err != nil {
			e.cfg = old
			return configSetErr(p.nameFor(pairs[2*i]), err.Error())
		}
	}
	e.stats.protoMaxBulkLen.Store(e.cfg.protoMaxBulkLen)
	e.stats.queryBufLimit.Store(e.cfg.clientQueryBufferLimit)
	return nil
}

// nameFor is the name, primary or alias, that arg (any case) refers to.
func (p *param) nameFor(arg []byte) string {
	if p.alias != "" && strings.EqualFold(string(arg), p.alias) {
		return p.alias
	}
	return p.name
}

func configSetErr(name, why string) error {
	return resp.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why)
}

// allowProtected applies an enable-*-command / enable-protected-configs
// value to a client.
func allowProtected(setting int64, local bool) bool {
	return setting == protectedYes || setting == protectedLocal && local
}

// configGet returns the parameters CONFIG GET names or patterns select:
// exact names in the order given (as given), then pattern matches sorted.
// Hidden parameters only match exactly.
func (e *Engine) configGet(args [][]byte) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, a := range args {
		name := string(a)
		if !strings.ContainsAny(name, "[*?") {
			if seen[strings.ToLower(name)] {
				continue
			}
			if p := lookupParam(name); p != nil {
				seen[strings.ToLower(name)] = true
				out = append(out, [2]string{name, p.get(e.cfg)})
			}
			continue
		}
		var matched []string
		for key, p := range paramsByName {
			if p.has(pHidden) || seen[key] || !globMatch(name, key, true) {
				continue
			}
			matched = append(matched, key)
		}
		sort.Strings(matched)
		for _, key := range matched {
			seen[key] = true
			out = append(out, [2]string{key, paramsByName[key].get(e.cfg)})
		}
	}
	return out
}

// sensitiveParam reports whether CONFIG SET's value for name must be kept
// out of SLOWLOG and MONITOR.
func sensitiveParam(name []byte) bool {
	p := lookupParam(string(name))
	return p != nil && p.has(pSensitive)
}
