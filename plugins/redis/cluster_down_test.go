package redis

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/remote/remotetest"
	"github.com/rk-redis/rk/internal/resp"
)

// TestClusterNodeDown stops one master: a command for its slots gets an
// error reply naming the node, and the session goes on serving the other
// nodes (the driver returns a Go error, which ends the session, only when
// the session itself is gone).
func TestClusterNodeDown(t *testing.T) {
	addrs := testCluster(t)
	home := addrs[0]
	var near, far string
	var farNode string
	for i := 0; near == "" || far == ""; i++ {
		k := fmt.Sprint("key:", i)
		switch owner := remotetest.SlotOwner(t, addrs, k); {
		case owner == home && near == "":
			near = k
		case owner != home && far == "":
			far, farNode = k, owner
		}
	}
	b := openURL(t, "redis+cluster://"+home)
	s := newSession(t, b)
	s.must(resp.Simple("OK"), "SET", near, "v")
	s.must(resp.Simple("OK"), "SET", far, "v")
	remotetest.Command(farNode, "SHUTDOWN", "NOSAVE")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := remotetest.Command(farNode, "PING"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still answers", farNode)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := s.s.Do(ctx, [][][]byte{argv("GET", far)})
	if err != nil {
		t.Fatalf("GET on the stopped node: Go error %v, want an error reply", err)
	}
	if got := decodeT(t, r.Frames); len(got) != 1 || !got[0].IsError() || !strings.Contains(got[0].Str, farNode) || r.Closed {
		t.Errorf("GET on the stopped node: %v (closed %v)", got, r.Closed)
	}
	// The rest of the cluster still answers through the same session.
	s.must(resp.Bulk("v"), "GET", near)
}
