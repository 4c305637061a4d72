package memory_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// pairs turns a CONFIG GET reply (a flat array in RESP2) into a map.
func pairs(t *testing.T, v resp.Value) map[string]string {
	t.Helper()
	if v.IsError() || len(v.Elems)%2 != 0 {
		t.Fatalf("not a CONFIG GET reply: %v", v)
	}
	m := map[string]string{}
	for i := 0; i < len(v.Elems); i += 2 {
		m[v.Elems[i].Str] = v.Elems[i+1].Str
	}
	return m
}

func TestConfigGet(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.BulkStrings("maxmemory", "0"), "CONFIG", "GET", "maxmemory")
	c.Must(resp.BulkStrings("MAXMEMORY", "0"), "CONFIG", "GET", "MAXMEMORY")
	c.Must(resp.BulkStrings("lua-time-limit", "5000"), "CONFIG", "GET", "lua-time-limit")
	c.Must(resp.BulkStrings(), "CONFIG", "GET", "nosuch")
	c.Must(resp.BulkStrings("databases", "16", "save", "3600 1 300 100 60 10000"), "CONFIG", "GET", "databases", "save", "databases")
	c.MustErr("ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET")

	all := pairs(t, c.Do("CONFIG", "GET", "*"))
	if len(all) != 202 {
		t.Errorf("CONFIG GET * has %d parameters, Redis 7.4.1 has 202", len(all))
	}
	for name, want := range map[string]string{
		"proto-max-bulk-len": "536870912", "bind": "* -::*", "slaveof": "", "replicaof": "",
		"client-output-buffer-limit": "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
		"busy-reply-threshold":       "5000", "unixsocketperm": "0", "latency-tracking-info-percentiles": "50 99 99.9",
		"maxmemory-policy": "noeviction", "enable-debug-command": "no", "hz": "10",
	} {
		if got, ok := all[name]; !ok || got != want {
			t.Errorf("CONFIG GET * %s = %q (present %v), want %q", name, got, ok, want)
		}
	}
	if _, ok := all["key-load-delay"]; ok {
		t.Error("hidden parameter key-load-delay matched a pattern")
	}
	c.Must(resp.BulkStrings("key-load-delay", "0"), "CONFIG", "GET", "key-load-delay")

	got := pairs(t, c.Do("CONFIG", "GET", "maxmemory", "maxmemory*", "bind", "*of"))
	for _, want := range []string{"maxmemory", "maxmemory-samples", "maxmemory-clients", "bind", "slaveof", "replicaof"} {
		if _, ok := got[want]; !ok {
			t.Errorf("CONFIG GET maxmemory maxmemory* bind *of: missing %s in %v", want, got)
		}
	}
}

func TestConfigGetRESP3Map(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("HELLO", "3")
	c.Must(resp.Map(resp.Bulk("maxmemory"), resp.Bulk("0")), "CONFIG", "GET", "maxmemory")
}

func TestConfigSet(t *testing.T) {
	e, c := newServer(t, nil)
	if n := e.ProtoMaxBulkLen(); n != 512<<20 {
		t.Errorf("ProtoMaxBulkLen = %d", n)
	}
	c.MustOK("CONFIG", "SET", "proto-max-bulk-len", "2mb")
	if n := e.ProtoMaxBulkLen(); n != 2<<20 {
		t.Errorf("ProtoMaxBulkLen after CONFIG SET = %d", n)
	}
	c.MustOK("CONFIG", "SET", "maxmemory", "1GB")
	c.Must(resp.BulkStrings("maxmemory", "1073741824"), "CONFIG", "GET", "maxmemory")
	c.MustOK("CONFIG", "SET", "maxmemory", "10000001", "repl-backlog-size", "10000002", "save", "3000 5")
	c.Must(resp.BulkStrings("save", "3000 5"), "CONFIG", "GET", "save")
	c.MustOK("CONFIG", "SET", "lua-time-limit", "100")
	c.Must(resp.BulkStrings("busy-reply-threshold", "100"), "CONFIG", "GET", "busy-reply-threshold")
	c.MustOK("CONFIG", "SET", "hz", "1000000")
	c.Must(resp.BulkStrings("hz", "500"), "CONFIG", "GET", "hz")
	c.MustOK("CONFIG", "SET", "maxmemory-clients", "10%")
	c.Must(resp.BulkStrings("maxmemory-clients", "10%"), "CONFIG", "GET", "maxmemory-clients")
	c.MustOK("CONFIG", "SET", "shutdown-on-sigint", "save now")
	c.Must(resp.BulkStrings("shutdown-on-sigint", "save now"), "CONFIG", "GET", "shutdown-on-sigint")
	c.MustOK("CONFIG", "SET", "notify-keyspace-events", "KEA")
	c.Must(resp.BulkStrings("notify-keyspace-events", "AKE"), "CONFIG", "GET", "notify-keyspace-events")
	c.MustOK("CONFIG", "SET", "oom-score-adj", "relative")
	c.Must(resp.BulkStrings("oom-score-adj", "yes"), "CONFIG", "GET", "oom-score-adj")
	c.MustOK("CONFIG", "SET", "loglevel", "WARNING")
	c.Must(resp.BulkStrings("loglevel", "warning"), "CONFIG", "GET", "loglevel")
	c.MustOK("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2mb 3")
	c.Must(resp.BulkStrings("client-output-buffer-limit", "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"),
		"CONFIG", "GET", "client-output-buffer-limit")
}

func TestConfigSetErrors(t *testing.T) {
	_, c := newServer(t, nil)
	for _, tc := range []struct {
		err  string
		args []string
	}{
		{"ERR wrong number of arguments for 'config|set' command", []string{"maxmemory"}},
		{"ERR syntax error", []string{"maxmemory", "1", "hz"}},
		{"ERR Unknown option or number of arguments for CONFIG SET - 'nope'", []string{"nope", "1"}},
		{"ERR Unknown option or number of arguments for CONFIG SET - 'nope'", []string{"maxmemory", "10", "nope", "1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config", []string{"daemonize", "yes", "nope", "2"}},
		{"ERR Unknown option or number of arguments for CONFIG SET - 'nope'", []string{"nope", "2", "daemonize", "yes"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter", []string{"maxmemory", "5", "maxmemory", "6", "daemonize", "yes"}},
		{"ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - duplicate parameter", []string{"busy-reply-threshold", "5", "lua-time-limit", "6"}},
		{"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config", []string{"dir", "/tmp"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value", []string{"maxmemory", "-1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'lua-time-limit') - argument couldn't be parsed into an integer", []string{"lua-time-limit", "abc"}},
		{"ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive", []string{"hz", "-1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive", []string{"maxclients", "-1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no", []string{"appendfsync", "bad"}},
		{"ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'", []string{"protected-mode", "maybe"}},
		{"ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters", []string{"save", "0 1"}},
		{"ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously", []string{"shutdown-on-sigint", "save nosave"}},
		{"ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", []string{"notify-keyspace-events", "Q"}},
		{"ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive", []string{"proto-max-bulk-len", "5"}},
		{"ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100", []string{"maxmemory-clients", "200%"}},
	} {
		c.MustErr(tc.err, append([]string{"CONFIG", "SET"}, tc.args...)...)
	}
}

// TestConfigSetRollback follows Redis's "CONFIG SET rollback on set error":
// a failing pair leaves every parameter as it was.
func TestConfigSetRollback(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("CONFIG", "SET", "maxmemory", "10000002")
	c.MustErr("ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100",
		"CONFIG", "SET", "maxmemory", "10000001", "maxmemory-clients", "200%", "client-query-buffer-limit", "invalid")
	c.Must(resp.BulkStrings("maxmemory", "10000002"), "CONFIG", "GET", "maxmemory")
	c.Must(resp.BulkStrings("maxmemory-clients", "0"), "CONFIG", "GET", "maxmemory-clients")

	// Without a listener to move, a new port fails to apply, and the whole
	// CONFIG SET is undone.
	c.MustErr("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
		"CONFIG", "SET", "maxmemory", "10000001", "port", "1", "client-query-buffer-limit", "10m")
	c.Must(resp.BulkStrings("maxmemory", "10000002"), "CONFIG", "GET", "maxmemory")
	c.Must(resp.BulkStrings("client-query-buffer-limit", "1073741824"), "CONFIG", "GET", "client-query-buffer-limit")
}

// TestConfigSetSameValue is Redis's "CONFIG sanity" and what its test
// harness does after every test: setting every parameter to its current
// value succeeds (or is refused as immutable/protected) and changes
// nothing.
func TestConfigSetSameValue(t *testing.T) {
	_, c := newServer(t, nil)
	before := pairs(t, c.Do("CONFIG", "GET", "*"))
	for k, v := range before {
		got := c.Do("CONFIG", "SET", k, v)
		if got.IsError() && !strings.Contains(got.Str, "immutable") && !strings.Contains(got.Str, "protected") {
			t.Errorf("CONFIG SET %s %q: %v", k, v, got)
		}
	}
	after := pairs(t, c.Do("CONFIG", "GET", "*"))
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed from %q to %q", k, v, after[k])
		}
	}
}

func TestConfigProtected(t *testing.T) {
	dir := t.TempDir()
	_, c := newServer(t, map[string]string{"enable-protected-configs": "local"})
	c.MustOK("CONFIG", "SET", "dir", dir)
	c.Must(resp.BulkStrings("dir", dir), "CONFIG", "GET", "dir")
	c.MustErr("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory", "CONFIG", "SET", "dir", filepath.Join(dir, "nope"))
	c.MustErr("ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename", "CONFIG", "SET", "dbfilename", "a/b")
	c.MustErr("ERR CONFIG SET failed (possibly related to argument 'enable-protected-configs') - can't set immutable config", "CONFIG", "SET", "enable-protected-configs", "yes")
}

func TestConfigRequirepassNewConnectionsOnly(t *testing.T) {
	e, err := memory.New(memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := rktest.Serve(t, e)
	c := rktest.Dial(t, addr)
	c.MustOK("CONFIG", "SET", "requirepass", "s3cret")
	c.Must(resp.Simple("PONG"), "PING")
	c2 := rktest.Dial(t, addr)
	c2.MustErr("NOAUTH Authentication required.", "PING")
	c2.MustOK("AUTH", "s3cret")
	c2.MustOK("CONFIG", "SET", "requirepass", "")
	rktest.Dial(t, addr).Must(resp.Simple("PONG"), "PING")
}

func TestConfigResetStat(t *testing.T) {
	_, c := newServer(t, map[string]string{"slowlog-log-slower-than": "0"})
	c.Do("SET", "k", "v")
	c.Do("GET", "k")
	c.Do("nosuch")
	if info := c.Do("INFO", "commandstats").Str; !strings.Contains(info, "cmdstat_get:calls=1,") {
		t.Fatalf("INFO commandstats before RESETSTAT: %q", info)
	}
	c.MustOK("CONFIG", "RESETSTAT")
	info := c.Do("INFO", "all").Str
	for _, gone := range []string{"cmdstat_get", "cmdstat_set", "errorstat_ERR"} {
		if strings.Contains(info, gone) {
			t.Errorf("INFO after CONFIG RESETSTAT still has %s", gone)
		}
	}
	for _, zero := range []string{"total_error_replies:0\r\n", "keyspace_hits:0\r\n", "total_connections_received:0\r\n"} {
		if !strings.Contains(info, zero) {
			t.Errorf("INFO after CONFIG RESETSTAT lacks %q", zero)
		}
	}
	// The slow log is not a statistic: it survives.
	if n := c.Do("SLOWLOG", "LEN"); n.Int < 3 {
		t.Errorf("SLOWLOG LEN after CONFIG RESETSTAT = %v, want the earlier entries kept", n)
	}
}

func TestConfigHelp(t *testing.T) {
	_, c := newServer(t, nil)
	v := c.Do("CONFIG", "HELP")
	if len(v.Elems) < 4 || v.Elems[0].Str != "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
		v.Elems[len(v.Elems)-2].Str != "HELP" || v.Elems[len(v.Elems)-1].Str != "    Print this help." {
		t.Errorf("CONFIG HELP = %v", v)
	}
	c.MustErr("ERR unknown subcommand 'nope'. Try CONFIG HELP.", "CONFIG", "nope")
}

func TestConfigRewrite(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustErr("ERR The server is running without a config file", "CONFIG", "REWRITE")

	dir := t.TempDir()
	path := filepath.Join(dir, "redis.conf")
	orig := "# my settings\n" +
		"port 0\n" +
		"save 900 1\n" +
		"save 300 10\n" +
		"maxmemory 100mb\n" +
		"\n\n" +
		"# the password\n" +
		"requirepass \"a b\"\n" +
		"lua-time-limit 3000\n" +
		"appendonly no\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := memory.ReadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg["save"] != "900 1 300 10" || cfg["busy-reply-threshold"] != "3000" || cfg["requirepass"] != "a b" {
		t.Fatalf("ReadConfigFile = %v", cfg)
	}
	e, err := memory.New(memory.Options{Config: cfg, ConfigFile: path})
	if err != nil {
		t.Fatal(err)
	}
	c = rktest.Dial(t, rktest.Serve(t, e))
	c.MustOK("AUTH", "a b")
	c.MustOK("CONFIG", "SET", "maxmemory", "1000", "hz", "20", "save", "100 1", "notify-keyspace-events", "KA")
	// An unknown line added behind the server's back is kept, commented.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("bogus-directive 1\n")
	f.Close()
	c.MustOK("CONFIG", "REWRITE")
	data, _ := os.ReadFile(path)
	// The server under test listens on a free port, which the rewrite
	// records in place of the file's "port 0".
	port := c.Do("CONFIG", "GET", "port").Elems[1].Str
	want := "# my settings\n" +
		"port " + port + "\n" +
		"save 100 1\n" +
		"\n" +
		"maxmemory 1000\n" +
		"\n" +
		"# the password\n" +
		"requirepass \"a b\"\n" +
		"busy-reply-threshold 3000\n" +
		"appendonly no\n" +
		"# ??? bogus-directive 1\n" +
		"\n" +
		"# Generated by CONFIG REWRITE\n"
	if !strings.HasPrefix(string(data), want) {
		t.Fatalf("rewritten file:\n%s\nwant it to start with:\n%s", data, want)
	}
	rest := strings.Split(strings.TrimPrefix(string(data), want), "\n")
	sort.Strings(rest)
	wd, _ := os.Getwd()
	if got, want := strings.Join(rest, "|"), `|dir "`+wd+`"|hz 20|latency-tracking-info-percentiles 50 99 99.9|notify-keyspace-events "AK"`; got != want {
		t.Errorf("appended lines %q, want %q", got, want)
	}
	// The rewritten file reads back to the same settings.
	cfg2, err := memory.ReadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg2["hz"] != "20" || cfg2["save"] != "100 1" || cfg2["maxmemory"] != "1000" {
		t.Errorf("re-read config = %v", cfg2)
	}
}

func TestConfigReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("extra.conf", "hz 30\nbind 10.0.0.1\n")
	write("conf.d-a.conf", "maxmemory-policy allkeys-lru\n")
	main := write("main.conf", "# comment\n"+
		"  port 7000  \r\n"+
		"bind 127.0.0.1 ::1\n"+
		"include "+filepath.Join(dir, "extra.conf")+"\n"+
		"include "+filepath.Join(dir, "conf.d-*.conf")+"\n"+
		"save 900 1\nsave \"\"\nsave 60 100\n"+
		"SLAVE-READ-ONLY no\n"+
		"requirepass \"it's\"\n"+
		"list-max-ziplist-entries 5\n")
	cfg, err := memory.ReadConfigFile(main)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"port": "7000", "bind": "10.0.0.1", "hz": "30", "maxmemory-policy": "allkeys-lru",
		"save": "60 100", "replica-read-only": "no", "requirepass": "it's"}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, cfg[k], v, cfg)
		}
	}
	if _, err := memory.New(memory.Options{Config: cfg}); err != nil {
		t.Errorf("New with the file's settings: %v", err)
	}

	for text, wantErr := range map[string]string{
		"hz 10\nmaxmemory lots\n":   "bad.conf:2: argument must be a memory value (in 'maxmemory lots')",
		"nosuch 1\n":                "bad.conf:1: Bad directive or wrong number of arguments (in 'nosuch 1')",
		"requirepass a b\n":         "bad.conf:1: wrong number of arguments (in 'requirepass a b')",
		"requirepass \"a\n":         "bad.conf:1: unbalanced quotes in configuration line",
		"rename-command GET FOO\n":  "bad.conf:1: the rename-command directive is not supported by rk",
		"daemonize yes\n":           "bad.conf:1: daemonize yes is not supported by rk",
		"replicaof 10.0.0.1 6379\n": "bad.conf:1: rk does not support replication (replicaof)",
	} {
		_, err := memory.ReadConfigFile(write("bad.conf", text))
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("ReadConfigFile(%q) error %v, want it to contain %q", text, err, wantErr)
		}
	}
	if _, err := memory.ReadConfigFile(filepath.Join(dir, "missing.conf")); err == nil {
		t.Error("ReadConfigFile of a missing file succeeded")
	}
}

func TestConfigStartupErrors(t *testing.T) {
	for cfg, wantErr := range map[string]string{
		"nosuch":    `unknown configuration parameter "nosuch"`,
		"databases": `configuration parameter "databases": argument must be between 1 and 2147483647 inclusive`,
	} {
		_, err := memory.New(memory.Options{Config: map[string]string{cfg: "0"}})
		if err == nil || err.Error() != wantErr {
			t.Errorf("New(%s 0) error %v, want %q", cfg, err, wantErr)
		}
	}
	e, err := memory.New(memory.Options{Config: map[string]string{"databases": "4", "save": "", "bind": "127.0.0.1 ::1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for name, want := range map[string]string{"databases": "4", "save": "", "bind": "127.0.0.1 ::1", "nosuch": ""} {
		if got := e.ConfigValue(name); got != want {
			t.Errorf("ConfigValue(%s) = %q, want %q", name, got, want)
		}
	}
	var names []string
	for _, p := range memory.ConfigParams() {
		names = append(names, p.Name)
		if p.Name == "busy-reply-threshold" && (p.Alias != "lua-time-limit" || p.Default != "5000") {
			t.Errorf("ConfigParams busy-reply-threshold = %+v", p)
		}
	}
	if len(names) < 180 {
		t.Errorf("ConfigParams lists %d parameters", len(names))
	}
}

// TestConfigDifferential compares rk with a real redis-server: the names
// CONFIG GET * reports and the errors of a set of bad CONFIG SETs.
func TestConfigDifferential(t *testing.T) {
	r := rktest.Reference74(t)
	_, c := newServer(t, nil)
	rn, cn := pairs(t, r.Do("CONFIG", "GET", "*")), pairs(t, c.Do("CONFIG", "GET", "*"))
	for k := range rn {
		if _, ok := cn[k]; !ok {
			t.Errorf("rk lacks parameter %s", k)
		}
	}
	for k := range cn {
		if _, ok := rn[k]; !ok {
			t.Errorf("rk has parameter %s, redis does not", k)
		}
	}
	for k, v := range rn {
		switch k {
		case "port", "dir", "bind", "save", "logfile", "appendonly":
			continue
		}
		if strings.HasPrefix(k, "tls-") {
			continue // depends on how redis-server was built
		}
		if cn[k] != v {
			t.Errorf("default %s: rk %q, redis %q", k, cn[k], v)
		}
	}
	for _, args := range [][]string{
		{"maxmemory", "abc"}, {"maxmemory", "1.5gb"}, {"hz", "x"}, {"timeout", "-1"}, {"maxclients", "0"},
		{"unixsocketperm", "777"}, {"oom-score-adj-values", "1 2"}, {"latency-tracking-info-percentiles", "50 101"},
		{"locale-collate", "bogus"}, {"activedefrag", "yes"}, {"cluster-announce-hostname", "a b"},
		{"slowlog-max-len", "-1"}, {"list-max-listpack-size", "x"}, {"repl-backlog-size", "0"},
		{"client-output-buffer-limit", "master 1 2 3"}, {"client-output-buffer-limit", "normal 1 2"},
		{"maxmemory-policy", "lru"}, {"acl-pubsub-default", "x"}, {"sanitize-dump-payload", "x"},
	} {
		argv := append([]string{"CONFIG", "SET"}, args...)
		want, got := r.Do(argv...), c.Do(argv...)
		if !rktest.Equal(want, got) {
			t.Errorf("%q: rk %v, redis %v", argv, got, want)
		}
	}
}
