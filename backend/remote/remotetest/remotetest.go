// Package remotetest holds test helpers for the remote backend and the
// commands built on it: a Redis Cluster of real redis-server processes, and
// building rk and plugin binaries. Only tests import it.
package remotetest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// StartCluster starts a Redis Cluster of n masters (no replicas), each a
// redis-server on a free loopback port, created with redis-cli --cluster
// create, and waits until every node sees all slots served. extra are
// redis-server options for every node. The servers stop when the test
// ends.
func StartCluster(t testing.TB, n int, extra ...string) []string {
	t.Helper()
	cli := rktest.RedisCLIPath(t)
	var addrs []string
	for range n {
		args := append([]string{"--cluster-enabled", "yes", "--cluster-node-timeout", "5000"}, extra...)
		addrs = append(addrs, rktest.StartRedis(t, args...))
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	cmd := exec.Command(cli, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, a := range addrs {
		for {
			ok, err := clusterReady(a, n)
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s not ready: %v", a, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return addrs
}

// clusterReady reports whether the node at addr says the cluster is up and
// knows n masters covering every slot.
func clusterReady(addr string, n int) (bool, error) {
	info, err := Command(addr, "CLUSTER", "INFO")
	if err != nil {
		return false, err
	}
	if !strings.Contains(info.Str, "cluster_state:ok") || !strings.Contains(info.Str, "cluster_slots_assigned:16384") {
		return false, fmt.Errorf("CLUSTER INFO: %q", info.Str)
	}
	slots, err := Command(addr, "CLUSTER", "SLOTS")
	if err != nil {
		return false, err
	}
	masters := map[string]bool{}
	for _, r := range slots.Elems {
		if len(r.Elems) >= 3 && len(r.Elems[2].Elems) >= 2 {
			masters[r.Elems[2].Elems[0].Str+fmt.Sprint(r.Elems[2].Elems[1].Int)] = true
		}
	}
	return len(masters) == n, fmt.Errorf("CLUSTER SLOTS: %d masters", len(masters))
}

// Command runs one command on a fresh connection and returns the reply.
func Command(addr string, args ...string) (resp.Value, error) {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return resp.Value{}, err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	if _, err := nc.Write(resp.AppendCommand(nil, argv...)); err != nil {
		return resp.Value{}, err
	}
	return resp.NewReader(bufio.NewReader(nc)).ReadValue()
}

// SlotOwner returns the address of the node serving key's slot.
func SlotOwner(t testing.TB, addrs []string, key string) string {
	t.Helper()
	v, err := Command(addrs[0], "CLUSTER", "KEYSLOT", key)
	if err != nil {
		t.Fatal(err)
	}
	slots, err := Command(addrs[0], "CLUSTER", "SLOTS")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range slots.Elems {
		if r.Elems[0].Int <= v.Int && v.Int <= r.Elems[1].Int {
			return net.JoinHostPort(r.Elems[2].Elems[0].Str, fmt.Sprint(r.Elems[2].Elems[1].Int))
		}
	}
	t.Fatalf("no node serves slot %d", v.Int)
	return ""
}

// Build compiles the package pkg (an import path or ./relative to the
// module root) into dir/name and returns the binary's path.
func Build(dir, pkg, name string) (string, error) {
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = moduleRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// ProcessGone reports whether no process with this pid exists any more
// (zombies count as gone once reaped).
func ProcessGone(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	return p.Signal(syscall.Signal(0)) != nil
}
