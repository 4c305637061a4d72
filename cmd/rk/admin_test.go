package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/remote/remotetest"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/redis"
)

// The test binary stands in for rk when rk re-executes itself as the
// built-in plugin ("rk plugin serve redis"): selfExe is os.Executable, and
// this init serves the plugin before the testing package looks at the
// arguments.
func init() {
	if len(os.Args) == 4 && os.Args[1] == "plugin" && os.Args[2] == "serve" && os.Args[3] == redis.Name {
		redis.Serve("test")
		os.Exit(0)
	}
}

var stdioMu sync.Mutex

// rk runs the rk command line in-process and returns its exit status and
// what it wrote to stdout and stderr.
func rk(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	stdioMu.Lock()
	defer stdioMu.Unlock()
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	var ob, eb bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { io.Copy(&ob, outR); wg.Done() }()
	go func() { io.Copy(&eb, errR); wg.Done() }()
	code = run(append([]string{"rk"}, args...))
	os.Stdout, os.Stderr = oldOut, oldErr
	outW.Close()
	errW.Close()
	wg.Wait()
	return code, ob.String(), eb.String()
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// busyScript runs a script that never ends on addr, in the background.
func busyScript(t *testing.T, addr string) {
	t.Helper()
	go remotetest.Command(addr, "EVAL", "while true do end", "0")
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, _ := remotetest.Command(addr, "PING")
		if v.IsError() && strings.HasPrefix(v.Str, "BUSY") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became busy: %v", addr, v)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestScriptKill(t *testing.T) {
	addr := rktest.StartRedis(t, "--busy-reply-threshold", "100")
	code, out, errOut := rk(t, "script", "kill", "-p", port(addr))
	if code != 1 || out != "" || errOut != "rk: NOTBUSY No scripts in execution right now.\n" {
		t.Errorf("nothing running: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	busyScript(t, addr)
	code, out, errOut = rk(t, "script", "kill", "-u", "redis://"+addr)
	if code != 0 || out != "OK\n" || errOut != "" {
		t.Errorf("busy: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Usage errors: exit status 2.
	for _, args := range [][]string{
		{"script", "kill", "extra"},
		{"script", "kill", "--bogus"},
		{"script", "kill", "-2", "-3"},
		{"script", "kill", "-s", "/tmp/x.sock", "--cluster"},
		{"script", "kill", "-u", "redis://h/notanumber"},
	} {
		if code, _, errOut := rk(t, args...); code != 2 || !strings.HasPrefix(errOut, "rk: ") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
	// An unreachable server: exit status 1, redis-cli's words.
	free := strconv.Itoa(rktest.FreePort(t))
	code, _, errOut = rk(t, "script", "kill", "-p", free)
	if want := "rk: Could not connect to Redis at 127.0.0.1:" + free + ": Connection refused\n"; code != 1 || errOut != want {
		t.Errorf("refused: exit %d, stderr %q, want %q", code, errOut, want)
	}
}

func TestClientListAndKill(t *testing.T) {
	addr := rktest.StartRedis(t)
	var victims []*rktest.Conn
	for i := range 3 {
		c := rktest.Dial(t, addr)
		c.MustOK("CLIENT", "SETNAME", fmt.Sprint("victim", i))
		victims = append(victims, c)
	}
	code, out, errOut := rk(t, "client", "list", "-p", port(addr))
	if code != 0 || strings.Count(out, "name=victim") != 3 || !strings.Contains(out, "cmd=client|list") {
		t.Errorf("list: exit %d, stderr %q\n%s", code, errOut, out)
	}
	code, out, _ = rk(t, "client", "list", "-p", port(addr), "--json", "--type", "normal")
	var list []map[string]string
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 4 || list[0]["name"] != "victim0" {
		t.Errorf("list --json: exit %d, %v\n%s", code, err, out)
	}
	id := list[1]["id"]
	code, out, _ = rk(t, "client", "list", "-p", port(addr), "--id", id)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "name=victim1") {
		t.Errorf("list --id: exit %d\n%s", code, out)
	}
	// Kill one by address, then the rest by type; rk's own connection is
	// spared (SKIPME yes).
	code, out, _ = rk(t, "client", "kill", "-p", port(addr), "--addr", list[0]["addr"])
	if code != 0 || out != "1\n" {
		t.Errorf("kill --addr: exit %d, %q", code, out)
	}
	code, out, _ = rk(t, "client", "kill", "-p", port(addr), "--type", "normal", "--json")
	if code != 0 || out != "{\"killed\": 2}\n" {
		t.Errorf("kill --type: exit %d, %q", code, out)
	}
	for _, v := range victims {
		v.ExpectClosed(2 * time.Second)
	}
	// Server errors: exit 1 with the server's text; no filter: exit 2.
	code, _, errOut = rk(t, "client", "kill", "-p", port(addr), "--user", "nobody")
	if code != 1 || errOut != "rk: ERR No such user 'nobody'\n" {
		t.Errorf("kill --user nobody: exit %d, %q", code, errOut)
	}
	if code, _, errOut = rk(t, "client", "kill", "-p", port(addr)); code != 2 || !strings.Contains(errOut, "at least one filter") {
		t.Errorf("kill without filters: exit %d, %q", code, errOut)
	}
}

func TestAuthFromEnvironment(t *testing.T) {
	addr := rktest.StartRedis(t, "--requirepass", "s3cret")
	code, _, errOut := rk(t, "client", "list", "-p", port(addr))
	if code != 1 || !strings.Contains(errOut, "NOAUTH") {
		t.Errorf("without a password: exit %d, %q", code, errOut)
	}
	t.Setenv("REDISCLI_AUTH", "s3cret")
	if code, out, errOut := rk(t, "client", "list", "-p", port(addr)); code != 0 || !strings.Contains(out, "id=") || errOut != "" {
		t.Errorf("REDISCLI_AUTH: exit %d, %q, %q", code, out, errOut)
	}
	// -a wins over REDISCLI_AUTH, and warns as redis-cli does.
	code, _, errOut = rk(t, "client", "list", "-p", port(addr), "-a", "wrong")
	if code != 1 || !strings.Contains(errOut, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.") || !strings.Contains(errOut, "AUTH failed: WRONGPASS") {
		t.Errorf("-a wrong: exit %d, %q", code, errOut)
	}
}

func TestClusterAdmin(t *testing.T) {
	addrs := remotetest.StartCluster(t, 3, "--busy-reply-threshold", "100")
	for _, a := range addrs {
		c := rktest.Dial(t, a)
		c.MustOK("CLIENT", "SETNAME", "victim")
	}
	code, out, errOut := rk(t, "client", "list", "--cluster", "-p", port(addrs[0]))
	if code != 0 || strings.Count(out, "name=victim") != 3 {
		t.Fatalf("client list --cluster: exit %d %q\n%s", code, errOut, out)
	}
	for _, a := range addrs {
		if !strings.Contains(out, "name=victim") || !strings.Contains(out, " node="+a+"\n") {
			t.Errorf("no line tagged node=%s:\n%s", a, out)
		}
	}
	code, out, errOut = rk(t, "client", "kill", "--cluster", "-p", port(addrs[1]), "--type", "normal")
	if code != 0 || out != "3\n" {
		t.Errorf("client kill --cluster: exit %d, %q, %q", code, out, errOut)
	}

	busyScript(t, addrs[2])
	code, out, errOut = rk(t, "script", "kill", "--cluster", "-p", port(addrs[0]))
	if code != 0 || out != "OK\n" {
		t.Errorf("script kill --cluster: exit %d, %q, %q", code, out, errOut)
	}
	code, _, errOut = rk(t, "script", "kill", "-c", "-p", port(addrs[0]))
	if code != 1 || errOut != "rk: NOTBUSY No scripts in execution right now.\n" {
		t.Errorf("script kill --cluster, nothing running: exit %d, %q", code, errOut)
	}
}

// TestServeProxy runs rk serve --backend redis://... and talks to it.
func TestServeProxy(t *testing.T) {
	addr := rktest.StartRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan []net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, ServeOptions{
			Backend: "redis://" + addr,
			Config:  map[string]string{"port": "0", "bind": "127.0.0.1", "unixsocket": t.TempDir() + "/rk.sock"},
		}, ready)
	}()
	var addrs []net.Addr
	select {
	case addrs = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		t.Fatal("proxy not ready")
	}
	nc, err := net.Dial(addrs[0].Network(), addrs[0].String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rd := resp.NewReader(nc)
	send := func(args ...string) resp.Value {
		argv := make([][]byte, len(args))
		for i, a := range args {
			argv[i] = []byte(a)
		}
		nc.SetDeadline(time.Now().Add(5 * time.Second))
		nc.Write(resp.AppendCommand(nil, argv...))
		v, err := rd.ReadValue()
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return v
	}
	if v := send("SET", "k", "v"); v.Str != "OK" {
		t.Errorf("SET: %v", v)
	}
	if v := send("HELLO", "3"); v.Kind != resp.KindMap {
		t.Errorf("HELLO 3: %v", v)
	}
	if v := send("GET", "nope"); v.Kind != resp.KindNull {
		t.Errorf("RESP3 GET nope: %v", v)
	}
	if v, _ := remotetest.Command(addr, "GET", "k"); v.Str != "v" {
		t.Errorf("the write did not reach the server: %v", v)
	}
	// A client that leaves while its BLPOP waits does not leave the
	// server's connection blocked behind it.
	blocked, err := net.Dial(addrs[0].Network(), addrs[0].String())
	if err != nil {
		t.Fatal(err)
	}
	blocked.Write(resp.AppendCommand(nil, []byte("BLPOP"), []byte("nolist"), []byte("0")))
	waitClients := func(want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			v, _ := remotetest.Command(addr, "CLIENT", "LIST")
			if n := strings.Count(v.Str, "cmd=blpop"); n == want {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("%d clients in BLPOP on the server, want %d:\n%s", n, want, v.Str)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitClients(1)
	blocked.Close()
	waitClients(0)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not stop")
	}
	// An unreachable backend fails at start.
	free := strconv.Itoa(rktest.FreePort(t))
	err = runServe(context.Background(), ServeOptions{Backend: "redis://127.0.0.1:" + free, Config: map[string]string{"port": "0", "unixsocket": t.TempDir() + "/x.sock"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "Could not connect to Redis at 127.0.0.1:"+free) {
		t.Errorf("unreachable backend: %v", err)
	}
}
