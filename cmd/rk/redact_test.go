package main

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/internal/rktest"
)

// TestPasswordsStayOutOfMessages checks that a password given in a URL,
// as userinfo or as the password= option, appears neither in usage errors
// nor in the proxy's start-up line.
func TestPasswordsStayOutOfMessages(t *testing.T) {
	// A URL that does not parse is refused without repeating its password.
	code, _, errOut := rk(t, "script", "kill", "--no-auth-warning", "-u", "redis://:s3cret@127.0.0.1:notaport")
	if code != 2 || strings.Contains(errOut, "s3cret") {
		t.Errorf("unparsable URL: exit %d, stderr %q", code, errOut)
	}

	addr := rktest.StartRedis(t, "--requirepass", "s3cret")
	stdioMu.Lock()
	defer stdioMu.Unlock()
	errR, errW, _ := os.Pipe()
	oldErr := os.Stderr
	os.Stderr = errW
	defer func() { os.Stderr = oldErr }()
	got := make(chan string, 1)
	go func() { b, _ := io.ReadAll(errR); got <- string(b) }()

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan []net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- runServe(ctx, ServeOptions{
			Backend: "redis://" + addr + "?password=s3cret",
			Config:  map[string]string{"port": "0", "unixsocket": t.TempDir() + "/rk.sock"},
		}, ready)
	}()
	select {
	case <-ready:
	case err := <-done:
		os.Stderr = oldErr
		t.Fatal(err)
	case <-time.After(20 * time.Second):
		os.Stderr = oldErr
		t.Fatal("proxy not ready")
	}
	cancel()
	<-done
	os.Stderr = oldErr
	errW.Close()
	out := <-got
	if !strings.Contains(out, "proxying") || strings.Contains(out, "s3cret") {
		t.Errorf("proxy start-up line shows the password:\n%s", out)
	}
}
