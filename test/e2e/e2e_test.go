// Package e2e_test runs the rk binary as users do: built once with go
// build, started as `rk serve` on a free loopback port, driven by
// redis-cli, redis-benchmark and go-redis, and stopped by its PID. Where
// the output of a tool is compared, the same tool also runs against a real
// redis-server, which is right by definition.
package e2e_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/rktest"
)

// rkBin is the rk binary TestMain built.
var rkBin string

// The build stamps these, as goreleaser does.
const (
	stampVersion = "v0.0.0-e2e"
	stampCommit  = "e2ecommit"
	stampDate    = "2026-01-02T03:04:05Z"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rk-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rkBin = filepath.Join(dir, "rk")
	ldflags := "-X main.version=" + stampVersion + " -X main.commit=" + stampCommit + " -X main.date=" + stampDate
	build := exec.Command("go", "build", "-trimpath", "-ldflags", ldflags, "-o", rkBin, "github.com/rk-redis/rk/cmd/rk")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build ./cmd/rk:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// rkServer is a running `rk serve`.
type rkServer struct {
	*rktest.Process
	Addr string
	Port int
}

// startRK runs `rk serve --port P --bind 127.0.0.1 [args...]` and waits
// until it answers.
func startRK(t *testing.T, args ...string) *rkServer {
	t.Helper()
	port := rktest.FreePort(t)
	argv := append([]string{"serve", "--port", strconv.Itoa(port), "--bind", "127.0.0.1"}, args...)
	return startRKArgs(t, port, argv...)
}

// startRKArgs runs rk with exactly argv; port is where it will listen.
func startRKArgs(t *testing.T, port int, argv ...string) *rkServer {
	t.Helper()
	p := rktest.StartProcess(t, rkBin, argv...)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if err := waitServing(p, addr); err != nil {
		t.Fatalf("rk %s: %v\nstderr:\n%s", strings.Join(argv, " "), err, p.Stderr)
	}
	return &rkServer{Process: p, Addr: addr, Port: port}
}

func waitServing(p *rktest.Process, addr string) error {
	errc := make(chan error, 1)
	go func() { errc <- rktest.WaitPing(addr, 20*time.Second) }()
	select {
	case err := <-errc:
		return err
	case <-p.Exited():
		code, err := p.Wait(0)
		return fmt.Errorf("exited with status %d (%v) before serving", code, err)
	}
}

// redisServer is a real redis-server to compare with.
type redisServer struct {
	Addr string
	Port int
}

func startRedis(t *testing.T, args ...string) *redisServer {
	t.Helper()
	addr := rktest.StartRedis(t, args...)
	_, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	return &redisServer{Addr: addr, Port: n}
}

// result is what a command-line tool did.
type result struct {
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
}

// runTool runs a program with a timeout, feeding it stdin.
func runTool(t *testing.T, stdin string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s %q did not finish in 60s; stdout %q stderr %q", name, args, out.String(), errb.String())
	}
	res := result{Stdout: out.String(), Stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// cli runs redis-cli against port.
func cli(t *testing.T, port int, stdin string, args ...string) result {
	t.Helper()
	bin := rktest.RedisCLIPath(t)
	return runTool(t, stdin, bin, append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port)}, args...)...)
}
