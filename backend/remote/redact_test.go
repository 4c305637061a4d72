package remote_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/remote"
)

// TestErrorsHidePasswords opens a cluster whose seed accepts connections
// and never answers: the error names the URL without its password, given
// as userinfo or as the password= option.
func TestErrorsHidePasswords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, url := range []string{
		"redis+cluster://" + ln.Addr().String() + "?password=s3cret",
		"redis+cluster://:s3cret@" + ln.Addr().String(),
	} {
		p := helper(t, "redis")
		p.Options = remote.Options{CallTimeout: 500 * time.Millisecond}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		b, err := remote.Open(ctx, p, url)
		cancel()
		if err == nil {
			b.Close()
			t.Fatalf("%s: opened a server that never answers", url)
		}
		if !strings.Contains(err.Error(), "in time") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", url, err)
		}
	}
}
