package rktest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
)

// Process is an external program a test started: a redis-server, an rk
// binary. It is stopped by its own PID when the test ends, never by name.
type Process struct {
	Cmd            *exec.Cmd
	Stdout, Stderr *Buffer

	done chan struct{}
	err  error
}

// StartProcess starts name with args. When the test ends a process still
// running gets SIGTERM, then SIGKILL five seconds later; its output is
// logged if the test failed.
func StartProcess(t testing.TB, name string, args ...string) *Process {
	t.Helper()
	p := &Process{Cmd: exec.Command(name, args...), Stdout: &Buffer{}, Stderr: &Buffer{}, done: make(chan struct{})}
	p.Cmd.Stdout, p.Cmd.Stderr = p.Stdout, p.Stderr
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.Cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Stop(5 * time.Second)
		if t.Failed() {
			t.Logf("%s (pid %d) stdout:\n%s\nstderr:\n%s", filepath.Base(name), p.Cmd.Process.Pid, p.Stdout, p.Stderr)
		}
	})
	return p
}

// PID is the process id.
func (p *Process) PID() int { return p.Cmd.Process.Pid }

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) error { return p.Cmd.Process.Signal(sig) }

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Wait waits up to timeout for the process to exit and returns its exit
// status; -1 and an error if it is still running or was killed by a signal.
func (p *Process) Wait(timeout time.Duration) (int, error) {
	select {
	case <-p.done:
	case <-time.After(timeout):
		return -1, fmt.Errorf("pid %d still running after %v", p.PID(), timeout)
	}
	if p.err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, fmt.Errorf("pid %d killed by %v", p.PID(), ws.Signal())
		}
		return ee.ExitCode(), nil
	}
	return -1, p.err
}

// Stop ends the process if it is still running: SIGTERM, then SIGKILL
// after grace.
func (p *Process) Stop(grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.Cmd.Process.Kill()
		<-p.done
	}
}

// Buffer is a bytes.Buffer safe for a process writing while a test reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// LookTool finds a program the tests need, such as redis-cli: the
// environment variable env if it is set, else PATH. A missing tool skips
// the test (fails it when RK_TEST_DISALLOW_SKIP is set).
func LookTool(t testing.TB, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		RequireSkipAllowed(t, name+" not found (set "+env+" or install it: apt-get install redis-server redis-tools)")
	}
	return p
}

// RedisCLIPath finds redis-cli: $RK_TEST_REDIS_CLI, else PATH.
func RedisCLIPath(t testing.TB) string {
	t.Helper()
	return LookTool(t, "RK_TEST_REDIS_CLI", "redis-cli")
}

// RedisBenchmarkPath finds redis-benchmark: $RK_TEST_REDIS_BENCHMARK, else
// PATH.
func RedisBenchmarkPath(t testing.TB) string {
	t.Helper()
	return LookTool(t, "RK_TEST_REDIS_BENCHMARK", "redis-benchmark")
}

// VersionAtLeast reports whether version ("7.0.15") is at least want
// ("7.4").
func VersionAtLeast(version, want string) bool {
	a, b := strings.Split(version, "."), strings.Split(want, ".")
	for i := 0; i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		y, _ = strconv.Atoi(b[i])
		if x != y {
			return x > y
		}
	}
	return true
}

// Shape describes a reply without its values: its kind and, for
// aggregates, the shape of every element. Replies that differ by nature
// (TIME, INFO, client ids) are compared by shape.
func Shape(v resp.Value) string {
	var b strings.Builder
	shape(&b, v)
	return b.String()
}

func shape(b *strings.Builder, v resp.Value) {
	if len(v.Attrs) > 0 {
		b.WriteString("|")
		shape(b, resp.Value{Kind: resp.KindMap, Elems: v.Attrs})
	}
	if v.Null {
		b.WriteString(string(v.Kind) + "-1")
		return
	}
	b.WriteByte(byte(v.Kind))
	switch v.Kind {
	case resp.KindArray, resp.KindSet, resp.KindPush, resp.KindMap, resp.KindAttribute:
		b.WriteString(strconv.Itoa(len(v.Elems)) + "[")
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(' ')
			}
			shape(b, e)
		}
		b.WriteByte(']')
	case resp.KindError, resp.KindBlobError:
		// The error code is part of the shape: ERR vs WRONGTYPE matters.
		b.WriteString(resp.Error(v.Str).Prefix())
	}
}

// WaitListening waits until something accepts TCP connections at addr.
func WaitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		nc, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			nc.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
