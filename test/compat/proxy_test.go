package compat_test

import (
	"context"
	"testing"

	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/redis"
)

// TestProxyDeliversPushesAtOnce serves a real redis-server through the
// remote backend (rk serve --backend) and checks that a subscriber of the
// proxy gets each message as it is published, without sending anything,
// in RESP2 and in RESP3, and that replies and messages keep their order.
func TestProxyDeliversPushesAtOnce(t *testing.T) {
	addr := rktest.StartRedis(t)
	be, err := remote.OpenDriver(context.Background(), "redis", redis.New("test"), "redis://"+addr, remote.Options{})
	if err != nil {
		t.Fatal(err)
	}
	proxy := rktest.Serve(t, be)
	publisher := rktest.Dial(t, addr)
	for _, proto := range []string{"2", "3"} {
		sub := rktest.Dial(t, proxy)
		sub.Do("HELLO", proto)
		sub.Send("SUBSCRIBE", "news")
		confirm := sub.Read()
		if len(confirm.Elems) != 3 || confirm.Elems[0].Str != "subscribe" {
			t.Fatalf("RESP%s SUBSCRIBE = %v", proto, confirm)
		}
		for _, msg := range []string{"one", "two"} {
			publisher.Must(resp.Int(1), "PUBLISH", "news", msg)
			got := sub.Read() // no command sent: the push must come by itself
			want := resp.Push(resp.Bulk("message"), resp.Bulk("news"), resp.Bulk(msg))
			if proto == "2" {
				want.Kind = resp.KindArray
			}
			if !rktest.Equal(got, want) {
				t.Errorf("RESP%s message %q = %v, want %v", proto, msg, got, want)
			}
		}
		sub.Send("UNSUBSCRIBE", "news")
		if v := sub.Read(); len(v.Elems) != 3 || v.Elems[0].Str != "unsubscribe" {
			t.Errorf("RESP%s UNSUBSCRIBE = %v", proto, v)
		}
	}
}
