package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseTrailingOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want map[string]string
		bad  bool
	}{
		{args: nil, want: map[string]string{}},
		{args: []string{"--port", "6380"}, want: map[string]string{"port": "6380"}},
		{args: []string{"--save", "900", "1", "--port", "7"}, want: map[string]string{"save": "900 1", "port": "7"}},
		{args: []string{"--PORT", "7"}, want: map[string]string{"port": "7"}},
		{args: []string{"--lua-time-limit", "10"}, want: map[string]string{"lua-time-limit": "10"}},
		{args: []string{"--save"}, want: map[string]string{"save": ""}},
		{args: []string{"6380"}, bad: true},
		{args: []string{"--nosuch", "1"}, bad: true},
	} {
		got, err := parseTrailingOptions(tc.args)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error, got %v", tc.args, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q = %v, %v; want %v", tc.args, got, err, tc.want)
		}
	}
}

// TestServeUsageErrors checks that mistakes on the command line exit with
// status 2 before anything listens.
func TestServeUsageErrors(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "rk.conf")
	if err := os.WriteFile(conf, []byte("port 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"rk", "serve", "--nosuchflag"},
		{"rk", "serve", "--port", "notaport"},
		{"rk", "serve", conf, "6380"},
		{"rk", "serve", conf, "--nosuch", "1"},
		// A requirepass the proxy would silently ignore leaves the
		// proxied server open: refused.
		{"rk", "serve", "--backend", "redis://127.0.0.1:1", "--requirepass", "x"},
	} {
		if got := run(args); got != 2 {
			t.Errorf("%q exited %d, want 2", args, got)
		}
	}
}

func TestTCPNetwork(t *testing.T) {
	for host, want := range map[string]string{
		"0.0.0.0": "tcp4", "127.0.0.1": "tcp4", "::": "tcp6", "::1": "tcp6", "localhost": "tcp",
	} {
		if got := tcpNetwork(host); got != want {
			t.Errorf("tcpNetwork(%q) = %q, want %q", host, got, want)
		}
	}
}
