package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

func expectExit(t *testing.T, p *rktest.Process, want int) {
	t.Helper()
	code, err := p.Wait(10 * time.Second)
	if err != nil || code != want {
		t.Fatalf("rk exited with %d (%v), want %d\nstderr:\n%s", code, err, want, p.Stderr)
	}
}

// TestShutdown: SHUTDOWN from a client makes rk exit 0, closing every
// connection.
func TestShutdown(t *testing.T) {
	for _, args := range [][]string{{"SHUTDOWN"}, {"SHUTDOWN", "NOSAVE"}, {"shutdown", "now", "force"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			rk := startRK(t)
			idle := rktest.Dial(t, rk.Addr)
			idle.MustOK("SET", "k", "v")
			r := cli(t, rk.Port, "", args...)
			expectExit(t, rk.Process, 0)
			if r.Code != 0 || strings.TrimSpace(r.Stdout) != "" {
				t.Errorf("redis-cli %s: %v", args, r)
			}
			idle.ExpectClosed(5 * time.Second)
		})
	}
	rk := startRK(t)
	if r := cli(t, rk.Port, "", "--no-raw", "SHUTDOWN", "BOGUS"); !strings.Contains(r.Stdout, "ERR syntax error") {
		t.Errorf("SHUTDOWN BOGUS: %v", r)
	}
	if r := cli(t, rk.Port, "", "PING"); strings.TrimSpace(r.Stdout) != "PONG" {
		t.Errorf("after a refused SHUTDOWN: %v", r)
	}
}

// TestSignals: SIGTERM and SIGINT make rk exit 0, as redis-server does.
func TestSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			rk := startRK(t)
			c := rktest.Dial(t, rk.Addr)
			c.MustOK("SET", "k", "v")
			if err := rk.Signal(sig); err != nil {
				t.Fatal(err)
			}
			expectExit(t, rk.Process, 0)
			c.ExpectClosed(5 * time.Second)
		})
	}
}

// TestConfigFile: rk serve reads a redis.conf-style file, given with
// --config or as the argument, and flags override it.
func TestConfigFile(t *testing.T) {
	port := rktest.FreePort(t)
	file := filepath.Join(t.TempDir(), "rk.conf")
	conf := "# rk test configuration\n" +
		"port " + strconv.Itoa(port) + "\n" +
		"bind 127.0.0.1\n" +
		"requirepass \"s3cret pass\"\n" +
		"databases 4\n" +
		"slowlog-max-len 7\n" +
		"save \"\"\n"
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, argv := range map[string][]string{"--config": {"serve", "--config", file}, "argument": {"serve", file}} {
		t.Run(name, func(t *testing.T) {
			rk := startRKArgs(t, port, argv...)
			c := rktest.Dial(t, rk.Addr)
			c.MustErr("NOAUTH Authentication required.", "GET", "k")
			c.MustOK("AUTH", "s3cret pass")
			c.Must(resp.BulkStrings("databases", "4"), "CONFIG", "GET", "databases")
			c.Must(resp.BulkStrings("slowlog-max-len", "7"), "CONFIG", "GET", "slowlog-max-len")
			c.MustErr("ERR DB index is out of range", "SELECT", "4")
			c.MustOK("SELECT", "3")
			rk.Signal(syscall.SIGTERM)
			expectExit(t, rk.Process, 0)
		})
	}
	t.Run("flags override the file", func(t *testing.T) {
		other := rktest.FreePort(t)
		rk := startRKArgs(t, other, "serve", "--config", file, "--port", strconv.Itoa(other), "--databases", "8")
		c := rktest.Dial(t, rk.Addr)
		c.MustOK("AUTH", "s3cret pass")
		c.Must(resp.BulkStrings("databases", "8"), "CONFIG", "GET", "databases")
	})
	t.Run("a bad file is refused", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.conf")
		os.WriteFile(bad, []byte("port "+strconv.Itoa(port)+"\nno-such-directive 1\n"), 0o644)
		p := rktest.StartProcess(t, rkBin, "serve", "--config", bad)
		code, err := p.Wait(10 * time.Second)
		if err != nil || code == 0 {
			t.Fatalf("rk serve with a bad config file: exit %d, %v", code, err)
		}
		if !strings.Contains(p.Stderr.String(), "no-such-directive") {
			t.Errorf("the error does not name the bad directive:\n%s", p.Stderr)
		}
		missing := rktest.StartProcess(t, rkBin, "serve", "--config", filepath.Join(t.TempDir(), "missing.conf"))
		if code, err := missing.Wait(10 * time.Second); err != nil || code == 0 {
			t.Fatalf("rk serve with a missing config file: exit %d, %v", code, err)
		}
	})
}

// TestProtectedModeLocalClients: with bind unset and no password,
// protected mode is on, and local clients are still served. (Whether a
// non-loopback client gets -DENIED is tested in internal/server, with a
// fake connection: these tests listen on loopback only.) To keep bind
// unset without listening on every interface, rk serves a unix socket and
// no TCP port.
func TestProtectedModeLocalClients(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "rk.sock")
	p := rktest.StartProcess(t, rkBin, "serve", "--port", "0", "--unixsocket", sock)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer rdb.Close()
	deadline := time.Now().Add(20 * time.Second)
	for rdb.Ping(ctx).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("rk on %s does not answer\n%s", sock, p.Stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if cfg := rdb.ConfigGet(ctx, "protected-mode").Val(); cfg["protected-mode"] != "yes" {
		t.Errorf("protected-mode = %q", cfg["protected-mode"])
	}
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Errorf("a unix-socket client under protected mode: %v", err)
	}
	p.Signal(syscall.SIGTERM)
	expectExit(t, p, 0)
}

// TestVersion checks the version stamped at build time (-X main.version,
// as goreleaser does) is what rk reports.
func TestVersion(t *testing.T) {
	r := runTool(t, "", rkBin, "version")
	if r.Code != 0 || !strings.Contains(r.Stdout, stampVersion) || !strings.Contains(r.Stdout, stampCommit) || !strings.Contains(r.Stdout, stampDate) {
		t.Errorf("rk version: %v", r)
	}
	r = runTool(t, "", rkBin, "--version")
	if r.Code != 0 || !strings.Contains(r.Stdout, stampVersion) {
		t.Errorf("rk --version: %v", r)
	}
	if r := runTool(t, "", rkBin, "no-such-command"); r.Code == 0 {
		t.Errorf("rk no-such-command: %v", r)
	}
}
