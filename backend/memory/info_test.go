package memory_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// infoFields parses INFO text into its fields and section titles.
func infoFields(t *testing.T, text string) (map[string]string, []string) {
	t.Helper()
	if !strings.HasSuffix(text, "\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Fatalf("INFO lines must end in CRLF: %q", text)
	}
	fields := map[string]string{}
	var titles []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			titles = append(titles, line[2:])
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Fatalf("INFO line without ':': %q", line)
			}
			fields[k] = v
		}
	}
	return fields, titles
}

func TestInfoSections(t *testing.T) {
	_, c := newServer(t, nil)
	defaults := "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace"
	everything := "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace"
	for args, want := range map[string]string{
		"":                 defaults,
		"default":          defaults,
		"all":              everything,
		"everything":       everything,
		"cpu":              "CPU",
		"commandSTATS":     "Commandstats",
		"cpu sentinel":     "CPU",
		"keyspace server":  "Server Keyspace",
		"cpu all":          everything,
		"cpu default":      defaults,
		"modules":          "Modules",
		"nosuch":           "",
		"clients clients":  "Clients",
		"errorstats stats": "Stats Errorstats",
	} {
		argv := append([]string{"INFO"}, strings.Fields(args)...)
		v := c.Do(argv...)
		if v.Kind != resp.KindBulk {
			t.Fatalf("%q: %v", argv, v)
		}
		if v.Str == "" {
			if want != "" {
				t.Errorf("%q: empty", argv)
			}
			continue
		}
		_, titles := infoFields(t, v.Str)
		if got := strings.Join(titles, " "); got != want {
			t.Errorf("%q sections %q, want %q", argv, got, want)
		}
	}
	// The checks of Redis's tests/unit/info-command.tcl.
	for _, arg := range []string{"", "all", "default", "everything"} {
		info := c.Do("INFO", arg).Str
		if arg == "" {
			info = c.Do("INFO").Str
		}
		for _, want := range []string{"redis_version", "used_cpu_user", "used_memory"} {
			if !strings.Contains(info, want) {
				t.Errorf("INFO %s lacks %s", arg, want)
			}
		}
		if strings.Contains(info, "sentinel_tilt") {
			t.Errorf("INFO %s has sentinel_tilt", arg)
		}
		if got, want := strings.Contains(info, "rejected_calls"), arg == "all" || arg == "everything"; got != want {
			t.Errorf("INFO %s: rejected_calls present %v", arg, got)
		}
	}
	if info := c.Do("INFO", "cpu", "all").Str; strings.Count(info, "used_cpu_user_children") != 1 {
		t.Errorf("INFO cpu all repeats a section: %q", info)
	}
}

func TestInfoFields(t *testing.T) {
	_, c := newServer(t, nil)
	c.MustOK("SET", "k", "v")
	c.MustOK("SET", "t", "v", "EX", "100")
	c.Do("GET", "k")
	c.Do("GET", "missing")
	c.Do("nosuch")
	c.Do("SELECT", "x")
	c.Do("GET", "k", "extra")
	f, _ := infoFields(t, c.Do("INFO", "everything").Str)
	for k, want := range map[string]string{
		"redis_version":           "7.4.1",
		"redis_mode":              "standalone",
		"role":                    "master",
		"connected_clients":       "1",
		"blocked_clients":         "0",
		"cmdstat_set":             "calls=2,usec=",
		"cmdstat_get":             "calls=2,usec=",
		"cmdstat_select":          "calls=1,usec=",
		"errorstat_ERR":           "count=3",
		"total_error_replies":     "3",
		"keyspace_hits":           "1",
		"keyspace_misses":         "1",
		"db0":                     "keys=2,expires=1,avg_ttl=",
		"cluster_enabled":         "0",
		"maxmemory_policy":        "noeviction",
		"aof_enabled":             "0",
		"master_replid2":          "0000000000000000000000000000000000000000",
		"mem_fragmentation_ratio": "",
	} {
		got, ok := f[k]
		if !ok || !strings.HasPrefix(got, want) {
			t.Errorf("%s = %q (present %v), want prefix %q", k, got, ok, want)
		}
	}
	if !regexp.MustCompile(`^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=0$`).MatchString(f["cmdstat_get"]) {
		t.Errorf("cmdstat_get = %q", f["cmdstat_get"])
	}
	if !regexp.MustCompile(`^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$`).MatchString(f["cmdstat_select"]) {
		t.Errorf("cmdstat_select = %q", f["cmdstat_select"])
	}
	if !regexp.MustCompile(`^keys=2,expires=1,avg_ttl=\d+,subexpiry=0$`).MatchString(f["db0"]) {
		t.Errorf("db0 = %q", f["db0"])
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(f["run_id"]) {
		t.Errorf("run_id = %q", f["run_id"])
	}
	if !regexp.MustCompile(`^\d+\.\d{6}$`).MatchString(f["used_cpu_sys"]) {
		t.Errorf("used_cpu_sys = %q", f["used_cpu_sys"])
	}
	for _, k := range []string{"used_memory", "used_memory_rss", "total_commands_processed", "total_connections_received", "uptime_in_seconds", "process_id"} {
		if !regexp.MustCompile(`^\d+$`).MatchString(f[k]) {
			t.Errorf("%s = %q, want a number", k, f[k])
		}
	}
	if f["used_memory"] == "0" || f["total_connections_received"] == "0" {
		t.Errorf("used_memory %q, total_connections_received %q", f["used_memory"], f["total_connections_received"])
	}
}

func TestInfoVerbatimRESP3(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("HELLO", "3")
	v := c.Do("INFO", "server")
	if v.Kind != resp.KindVerbatim || v.Format != "txt" || !strings.HasPrefix(v.Str, "# Server\r\nredis_version:7.4.1\r\n") {
		t.Errorf("INFO server in RESP3 = %v", v)
	}
}

// TestInfoDifferential checks that rk's INFO everything has the fields of
// a real redis-server's, in the same sections and order.
func TestInfoDifferential(t *testing.T) {
	r := rktest.Reference74(t)
	_, c := newServer(t, nil)
	for _, conn := range []rktest.Doer{r, c} {
		conn.Do("SET", "k", "v")
		conn.Do("nosuch")
	}
	names := func(text string) []string {
		var out []string
		for _, line := range strings.Split(text, "\r\n") {
			name, _, _ := strings.Cut(line, ":")
			switch {
			case strings.HasPrefix(name, "cmdstat_"), strings.HasPrefix(name, "latency_percentiles_usec_"),
				strings.HasSuffix(name, "_main_thread"), strings.HasPrefix(name, "listener"):
				continue // depend on the commands run, the platform and the listeners
			}
			out = append(out, name)
		}
		return out
	}
	want, got := names(r.Do("INFO", "everything").Str), names(c.Do("INFO", "everything").Str)
	if strings.Join(want, " ") != strings.Join(got, " ") {
		t.Errorf("INFO everything fields differ:\nredis: %v\nrk:    %v", want, got)
	}
}
