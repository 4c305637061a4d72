package memory

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rk-redis/rk/internal/resp"
)

// INFO [section ...]: Redis 7.4's sections, field names and formats, with
// values that are true for rk. Fields about machinery rk does not have
// (forks, replication links, jemalloc, event-loop internals) are present
// with the values Redis shows when that machinery is idle, so that tools
// parsing INFO find every field they expect.
//
// The text uses CRLF line ends, one "# Name" header per section and an
// empty line between sections; it is a bulk string in RESP2 and a
// verbatim string ("txt") in RESP3.

// infoSections lists the sections in output order. The name is what INFO
// accepts; "modules" also answers to "module_list".
var infoSections = []struct {
	name  string
	title string
	write func(e *Engine, b *infoBuilder)
}{
	{"server", "Server", (*Engine).infoServer},
	{"clients", "Clients", (*Engine).infoClients},
	{"memory", "Memory", (*Engine).infoMemory},
	{"persistence", "Persistence", (*Engine).infoPersistence},
	{"stats", "Stats", (*Engine).infoStats},
	{"replication", "Replication", (*Engine).infoReplication},
	{"cpu", "CPU", (*Engine).infoCPU},
	{"module_list", "Modules", func(*Engine, *infoBuilder) {}},
	{"commandstats", "Commandstats", (*Engine).infoCommandStats},
	{"errorstats", "Errorstats", (*Engine).infoErrorStats},
	{"latencystats", "Latencystats", func(*Engine, *infoBuilder) {}},
	{"cluster", "Cluster", func(e *Engine, b *infoBuilder) { b.field("cluster_enabled", "0") }},
	{"keyspace", "Keyspace", (*Engine).infoKeyspace},
}

var defaultInfoSections = []string{"server", "clients", "memory", "persistence", "stats", "replication",
	"cpu", "module_list", "errorstats", "cluster", "keyspace"}

func cmdInfo(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteVerbatim("txt", c.e.infoText(argv[1:]))
	return nil
}

// infoText renders the sections args select (none: the default ones).
// The caller holds the engine lock.
func (e *Engine) infoText(args [][]byte) string {
	want := map[string]bool{}
	all := false
	if len(args) == 0 {
		for _, s := range defaultInfoSections {
			want[s] = true
		}
	}
	for _, a := range args {
		switch s := strings.ToLower(string(a)); s {
		case "default":
			for _, d := range defaultInfoSections {
				want[d] = true
			}
		case "all", "everything":
			all = true
		case "modules":
			want["module_list"] = true
		default:
			want[s] = true
		}
	}
	b := &infoBuilder{}
	for _, sec := range infoSections {
		if !all && !want[sec.name] {
			continue
		}
		if b.sections > 0 {
			b.WriteString("\r\n")
		}
		b.sections++
		b.WriteString("# " + sec.title + "\r\n")
		sec.write(e, b)
	}
	return b.String()
}

type infoBuilder struct {
	strings.Builder
	sections int
}

func (b *infoBuilder) field(name, value string) {
	b.WriteString(name)
	b.WriteByte(':')
	b.WriteString(value)
	b.WriteString("\r\n")
}

func (b *infoBuilder) int(name string, v int64) { b.field(name, strconv.FormatInt(v, 10)) }

func (b *infoBuilder) float(name string, v float64) {
	b.field(name, strconv.FormatFloat(v, 'f', 2, 64))
}

// infoSafe replaces the characters INFO's format reserves (':', '#',
// CR, LF) in names it prints, as Redis does.
func infoSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ':', '#', '\r', '\n':
			return '_'
		}
		return r
	}, s)
}

// Process facts, read once.
var (
	processStartHeap = func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}()
	buildID = func() string {
		h := fnv.New64a()
		if bi, ok := debug.ReadBuildInfo(); ok {
			h.Write([]byte(bi.String()))
		}
		return fmt.Sprintf("%016x", h.Sum64())
	}()
)

func (e *Engine) infoServer(b *infoBuilder) {
	now := e.opts.Now()
	uptime := int64(now.Sub(e.started) / time.Second)
	runID, _, _ := e.stats.ids()
	exe, _ := os.Executable()
	configFile := e.opts.ConfigFile
	if e.opts.ServerInfo != nil {
		si := e.opts.ServerInfo()
		if si.Executable != "" {
			exe = si.Executable
		}
		if si.ConfigFile != "" {
			configFile = si.ConfigFile
		}
	}
	if configFile != "" {
		if abs, err := filepath.Abs(configFile); err == nil {
			configFile = abs
		}
	}
	b.field("redis_version", Version)
	b.field("redis_git_sha1", "00000000")
	b.field("redis_git_dirty", "0")
	b.field("redis_build_id", buildID)
	b.field("redis_mode", "standalone")
	b.field("os", osString())
	b.int("arch_bits", 32<<(^uint(0)>>63))
	b.field("monotonic_clock", "Go runtime monotonic clock")
	b.field("multiplexing_api", multiplexingAPI())
	b.field("atomicvar_api", "go-sync-atomic")
	b.field("gcc_version", "0.0.0")
	b.int("process_id", int64(os.Getpid()))
	b.field("process_supervised", "no")
	b.field("run_id", runID)
	b.int("tcp_port", e.cfg.port)
	b.int("server_time_usec", now.UnixMicro())
	b.int("uptime_in_seconds", uptime)
	b.int("uptime_in_days", uptime/(3600*24))
	b.int("hz", e.cfg.hz)
	b.int("configured_hz", e.cfg.hz)
	b.int("lru_clock", int64(e.lruClock()))
	b.field("executable", exe)
	b.field("config_file", configFile)
	b.field("io_threads_active", "0")
	if e.cfg.port != 0 {
		var s strings.Builder
		s.WriteString("name=tcp")
		for _, a := range e.cfg.bind {
			s.WriteString(",bind=" + a)
		}
		s.WriteString(",port=" + strconv.FormatInt(e.cfg.port, 10))
		b.field("listener0", s.String())
	}
	if e.cfg.unixsocket != "" {
		b.field("listener1", "name=unix,bind="+e.cfg.unixsocket)
	}
}

func osString() string {
	name := runtime.GOOS
	if name != "" {
		name = strings.ToUpper(name[:1]) + name[1:]
	}
	release := ""
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		release = strings.TrimSpace(string(data))
	}
	machine := runtime.GOARCH
	switch machine {
	case "amd64":
		machine = "x86_64"
	case "arm64":
		machine = "aarch64"
	case "386":
		machine = "i686"
	}
	if release == "" {
		return name + " " + machine
	}
	return name + " " + release + " " + machine
}

func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux", "android":
		return "epoll"
	case "darwin", "ios", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "solaris", "illumos":
		return "evport"
	}
	return "go-netpoll"
}

func (e *Engine) infoClients(b *infoBuilder) {
	watching, watchedKeys := 0, 0
	for _, d := range e.dbs {
		watchedKeys += len(d.watchers)
	}
	for _, c := range e.clients.list() {
		if len(c.watched) > 0 {
			watching++
		}
	}
	b.int("connected_clients", int64(e.clients.count()))
	b.field("cluster_connections", "0")
	b.int("maxclients", e.cfg.maxclients)
	b.field("client_recent_max_input_buffer", "0")
	b.field("client_recent_max_output_buffer", "0")
	b.int("blocked_clients", e.stats.blockedClients.Load())
	b.int("tracking_clients", e.stats.trackingClients.Load())
	b.int("pubsub_clients", e.stats.pubsubClients.Load())
	b.int("watching_clients", int64(watching))
	b.field("clients_in_timeout_table", "0")
	b.int("total_watched_keys", int64(watchedKeys))
	blockingKeys, blockingNokey := e.blockingKeyCounts()
	b.int("total_blocking_keys", int64(blockingKeys))
	b.int("total_blocking_keys_on_nokey", int64(blockingNokey))
}

// memInfo is what INFO memory reports, read from the Go runtime and the
// operating system.
type memInfo struct {
	used, rss, peak, startup       uint64
	allocated, active, resident    uint64
	totalSystem                    uint64
	fragRatio, rssRatio, totalFrag float64
}

func (e *Engine) readMemInfo() memInfo {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memInfo{
		used:      ms.HeapAlloc,
		allocated: ms.HeapAlloc,
		active:    ms.HeapInuse,
		resident:  ms.HeapSys - ms.HeapReleased,
		startup:   min(processStartHeap, ms.HeapAlloc),
	}
	m.rss = processRSS()
	if m.rss == 0 {
		m.rss = ms.Sys - ms.HeapReleased
	}
	for {
		peak := e.stats.peakMemory.Load()
		if m.used <= peak {
			m.peak = peak
			break
		}
		if e.stats.peakMemory.CompareAndSwap(peak, m.used) {
			m.peak = m.used
			break
		}
	}
	m.totalSystem = systemMemory()
	return m
}

// processRSS reads the resident set size from /proc (Linux); 0 elsewhere.
func processRSS() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// systemMemory reads the machine's memory from /proc/meminfo; 0 if
// unknown.
func systemMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseUint(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// bytesToHuman formats a byte count as INFO's *_human fields do.
func bytesToHuman(n uint64) string {
	d := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatUint(n, 10) + "B"
	case n < 1<<20:
		return fmt.Sprintf("%.2fK", d/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.2fM", d/(1<<20))
	case n < 1<<40:
		return fmt.Sprintf("%.2fG", d/(1<<30))
	case n < 1<<50:
		return fmt.Sprintf("%.2fT", d/(1<<40))
	case n < 1<<60:
		return fmt.Sprintf("%.2fP", d/(1<<50))
	}
	return strconv.FormatUint(n, 10) + "B"
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (e *Engine) infoMemory(b *infoBuilder) {
	m := e.readMemInfo()
	u := func(name string, v uint64) { b.field(name, strconv.FormatUint(v, 10)) }
	signed := func(name string, a, c uint64) { b.int(name, int64(a)-int64(c)) }
	overhead := m.startup
	dataset := uint64(0)
	if m.used > overhead {
		dataset = m.used - overhead
	}
	maxmem := uint64(e.cfg.maxmemory)
	u("used_memory", m.used)
	b.field("used_memory_human", bytesToHuman(m.used))
	u("used_memory_rss", m.rss)
	b.field("used_memory_rss_human", bytesToHuman(m.rss))
	u("used_memory_peak", m.peak)
	b.field("used_memory_peak_human", bytesToHuman(m.peak))
	b.field("used_memory_peak_perc", strconv.FormatFloat(ratio(m.used, m.peak)*100, 'f', 2, 64)+"%")
	u("used_memory_overhead", overhead)
	u("used_memory_startup", m.startup)
	u("used_memory_dataset", dataset)
	b.field("used_memory_dataset_perc", strconv.FormatFloat(ratio(dataset, m.used-min(m.startup, m.used))*100, 'f', 2, 64)+"%")
	u("allocator_allocated", m.allocated)
	u("allocator_active", m.active)
	u("allocator_resident", m.resident)
	u("allocator_muzzy", 0)
	u("total_system_memory", m.totalSystem)
	b.field("total_system_memory_human", bytesToHuman(m.totalSystem))
	u("used_memory_lua", 0)
	u("used_memory_vm_eval", 0)
	b.field("used_memory_lua_human", bytesToHuman(0))
	u("used_memory_scripts_eval", 0)
	u("number_of_cached_scripts", 0)
	u("number_of_functions", 0)
	u("number_of_libraries", 0)
	u("used_memory_vm_functions", 0)
	u("used_memory_vm_total", 0)
	b.field("used_memory_vm_total_human", bytesToHuman(0))
	u("used_memory_functions", 0)
	u("used_memory_scripts", 0)
	b.field("used_memory_scripts_human", bytesToHuman(0))
	u("maxmemory", maxmem)
	b.field("maxmemory_human", bytesToHuman(maxmem))
	b.field("maxmemory_policy", lookupParam("maxmemory-policy").enumName(e.cfg.maxmemoryPolicy))
	b.float("allocator_frag_ratio", ratio(m.active, m.allocated))
	signed("allocator_frag_bytes", m.active, m.allocated)
	b.float("allocator_rss_ratio", ratio(m.resident, m.active))
	signed("allocator_rss_bytes", m.resident, m.active)
	b.float("rss_overhead_ratio", ratio(m.rss, m.resident))
	signed("rss_overhead_bytes", m.rss, m.resident)
	b.float("mem_fragmentation_ratio", ratio(m.rss, m.used))
	signed("mem_fragmentation_bytes", m.rss, m.used)
	u("mem_not_counted_for_evict", 0)
	u("mem_replication_backlog", 0)
	u("mem_total_replication_buffers", 0)
	u("mem_clients_slaves", 0)
	u("mem_clients_normal", 0)
	u("mem_cluster_links", 0)
	u("mem_aof_buffer", 0)
	b.field("mem_allocator", runtime.Version())
	u("mem_overhead_db_hashtable_rehashing", 0)
	u("active_defrag_running", 0)
	u("lazyfree_pending_objects", 0)
	u("lazyfreed_objects", 0)
}

// lastSave is the Unix time of the last successful save: rk keeps no
// snapshot, so it is the start time, as Redis reports before its first
// save.
func (e *Engine) lastSave() int64 { return e.started.Unix() }

func (e *Engine) infoPersistence(b *infoBuilder) {
	zero := []string{"loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age"}
	for _, f := range zero {
		b.field(f, "0")
	}
	b.field("current_fork_perc", "0.00")
	b.field("current_save_keys_processed", "0")
	b.field("current_save_keys_total", "0")
	b.int("rdb_changes_since_last_save", e.dirty)
	b.field("rdb_bgsave_in_progress", "0")
	b.int("rdb_last_save_time", e.lastSave())
	b.field("rdb_last_bgsave_status", "ok")
	b.field("rdb_last_bgsave_time_sec", "-1")
	b.field("rdb_current_bgsave_time_sec", "-1")
	b.field("rdb_saves", "0")
	b.field("rdb_last_cow_size", "0")
	b.field("rdb_last_load_keys_expired", "0")
	b.field("rdb_last_load_keys_loaded", "0")
	b.field("aof_enabled", "0")
	b.field("aof_rewrite_in_progress", "0")
	b.field("aof_rewrite_scheduled", "0")
	b.field("aof_last_rewrite_time_sec", "-1")
	b.field("aof_current_rewrite_time_sec", "-1")
	b.field("aof_last_bgrewrite_status", "ok")
	b.field("aof_rewrites", "0")
	b.field("aof_rewrites_consecutive_failures", "0")
	b.field("aof_last_write_status", "ok")
	b.field("aof_last_cow_size", "0")
	b.field("module_fork_in_progress", "0")
	b.field("module_fork_last_cow_size", "0")
}

func (e *Engine) infoStats(b *infoBuilder) {
	s := &e.stats
	ops := e.commandsProcessed()
	in, out := s.netInput.Load(), s.netOutput.Load()
	opsPS, inPS, outPS := s.instantaneous.rates(time.Now(), ops, in, out)
	_, totalErrors := s.errorCounts()
	b.int("total_connections_received", s.connectionsRecv.Load())
	b.int("total_commands_processed", ops)
	b.int("instantaneous_ops_per_sec", int64(opsPS+0.5))
	b.int("total_net_input_bytes", in)
	b.int("total_net_output_bytes", out)
	b.field("total_net_repl_input_bytes", "0")
	b.field("total_net_repl_output_bytes", "0")
	b.float("instantaneous_input_kbps", inPS/1024)
	b.float("instantaneous_output_kbps", outPS/1024)
	b.field("instantaneous_input_repl_kbps", "0.00")
	b.field("instantaneous_output_repl_kbps", "0.00")
	b.int("rejected_connections", s.rejectedConns.Load())
	b.field("sync_full", "0")
	b.field("sync_partial_ok", "0")
	b.field("sync_partial_err", "0")
	b.int("expired_subkeys", s.expiredSubkeys)
	b.int("expired_keys", s.expiredKeys)
	b.field("expired_stale_perc", "0.00")
	b.field("expired_time_cap_reached_count", "0")
	b.field("expire_cycle_cpu_milliseconds", "0")
	b.int("evicted_keys", s.evictedKeys)
	b.field("evicted_clients", "0")
	b.field("evicted_scripts", "0")
	b.field("total_eviction_exceeded_time", "0")
	b.field("current_eviction_exceeded_time", "0")
	b.int("keyspace_hits", s.keyspaceHits)
	b.int("keyspace_misses", s.keyspaceMisses)
	for _, f := range []string{"pubsub_channels", "pubsub_patterns", "pubsubshard_channels", "latest_fork_usec",
		"total_forks", "migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits",
		"active_defrag_misses", "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
		"current_active_defrag_time", "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes",
		"unexpected_error_replies"} {
		b.field(f, "0")
	}
	b.int("total_error_replies", totalErrors)
	b.field("dump_payload_sanitizations", "0")
	b.int("total_reads_processed", s.readsProcessed.Load())
	b.int("total_writes_processed", s.writesProcessed.Load())
	for _, f := range []string{"io_threaded_reads_processed", "io_threaded_writes_processed",
		"client_query_buffer_limit_disconnections", "client_output_buffer_limit_disconnections",
		"reply_buffer_shrinks", "reply_buffer_expands", "eventloop_cycles", "eventloop_duration_sum",
		"eventloop_duration_cmd_sum", "instantaneous_eventloop_cycles_per_sec",
		"instantaneous_eventloop_duration_usec"} {
		b.field(f, "0")
	}
	b.int("acl_access_denied_auth", s.aclDeniedAuth.Load())
	b.int("acl_access_denied_cmd", s.aclDeniedCmd.Load())
	b.int("acl_access_denied_key", s.aclDeniedKey.Load())
	b.int("acl_access_denied_channel", s.aclDeniedChannel.Load())
}

func (e *Engine) infoReplication(b *infoBuilder) {
	_, replID, replID2 := e.stats.ids()
	b.field("role", "master")
	b.field("connected_slaves", "0")
	b.field("master_failover_state", "no-failover")
	b.field("master_replid", replID)
	b.field("master_replid2", replID2)
	b.field("master_repl_offset", "0")
	b.field("second_repl_offset", "-1")
	b.field("repl_backlog_active", "0")
	b.int("repl_backlog_size", e.cfg.replBacklogSize)
	b.field("repl_backlog_first_byte_offset", "0")
	b.field("repl_backlog_histlen", "0")
}

func (e *Engine) infoCPU(b *infoBuilder) {
	t := readCPUTimes()
	sec := func(d time.Duration) string {
		return fmt.Sprintf("%d.%06d", d/time.Second, d%time.Second/time.Microsecond)
	}
	b.field("used_cpu_sys", sec(t.sys))
	b.field("used_cpu_user", sec(t.user))
	b.field("used_cpu_sys_children", sec(t.childSys))
	b.field("used_cpu_user_children", sec(t.childUser))
}

// cpuTimes is the process's CPU use (getrusage).
type cpuTimes struct{ sys, user, childSys, childUser time.Duration }

func (e *Engine) infoCommandStats(b *infoBuilder) {
	entries := make([]*cmdEntry, 0, len(e.commands))
	for _, c := range e.commands {
		if c != nil && (c.calls != 0 || c.failed != 0 || c.rejected != 0) {
			entries = append(entries, c)
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].spec.FullName() < entries[j].spec.FullName() })
	for _, c := range entries {
		perCall := 0.0
		if c.calls != 0 {
			perCall = float64(c.usec) / float64(c.calls)
		}
		b.field("cmdstat_"+infoSafe(c.spec.FullName()), fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			c.calls, c.usec, perCall, c.rejected, c.failed))
	}
}

func (e *Engine) infoErrorStats(b *infoBuilder) {
	counts, _ := e.stats.errorCounts()
	codes := make([]string, 0, len(counts))
	for k := range counts {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		b.field("errorstat_"+infoSafe(k), "count="+strconv.FormatInt(counts[k], 10))
	}
}

func (e *Engine) infoKeyspace(b *infoBuilder) {
	for _, d := range e.dbs {
		keys, expires := d.size(), len(d.expires)
		if keys == 0 && expires == 0 {
			continue
		}
		b.field("db"+strconv.Itoa(d.id), fmt.Sprintf("keys=%d,expires=%d,avg_ttl=%d,subexpiry=%d",
			keys, expires, d.avgTTL(e.nowMs), d.subexpiry()))
	}
}

// avgTTL estimates the average remaining time to live, in milliseconds, of
// the keys with a deadline, from a sample of them as Redis's estimate is.
func (d *db) avgTTL(now int64) int64 {
	const sample = 256
	var sum, n int64
	for _, at := range d.expires {
		if n == sample {
			break
		}
		if ttl := at - now; ttl > 0 {
			sum += ttl
		}
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / n
}
