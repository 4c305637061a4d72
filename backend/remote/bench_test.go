package remote_test

import (
	"bufio"
	"context"
	"net"
	"testing"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
	"github.com/rk-redis/rk/plugins/redis"
)

// BenchmarkHop measures what the plugin hop costs per command: the same
// PING loop against one redis-server, over a plain connection (direct),
// through the driver in this process (inprocess: rk's relay, no plugin),
// through the driver in a plugin process (plugin: relay plus the hop over
// the data channel, a unix socket) and through a plugin that offers no data
// channel (plugin-exec: the hop over gRPC Exec, with mutual TLS); hop-only
// is a plugin that answers PONG itself, without a server: the hop alone.
// depth is the pipeline depth: the commands sent per round trip. ns/op is
// per command. $RK_PLUGIN_SPIN=0 turns off the polling reads (package
// plugins/protocol/spin) of inprocess and the plugin paths.
//
//	go test -run '^$' -bench Hop -benchtime 20000x ./backend/remote/
func BenchmarkHop(b *testing.B) {
	addr := rktest.StartRedis(b)
	for _, depth := range []int{1, 16} {
		b.Run("direct/depth="+itoa(depth), func(b *testing.B) { benchDirect(b, addr, depth) })
		b.Run("inprocess/depth="+itoa(depth), func(b *testing.B) {
			be, err := remote.OpenDriver(context.Background(), "redis", redis.New("bench"), "redis://"+addr, remote.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer be.Close()
			benchSession(b, be, depth)
		})
		b.Run("plugin/depth="+itoa(depth), func(b *testing.B) {
			be := openPlugin(b, helper(b, "redis"), "redis://"+addr)
			benchSession(b, be, depth)
		})
		b.Run("plugin-exec/depth="+itoa(depth), func(b *testing.B) {
			be := openPlugin(b, helper(b, "redis-exec"), "redis://"+addr)
			benchSession(b, be, depth)
		})
		b.Run("hop-only/depth="+itoa(depth), func(b *testing.B) {
			be := openPlugin(b, helper(b, "pong"), "pong://")
			benchSession(b, be, depth)
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

var ping = [][]byte{[]byte("PING")}

func benchDirect(b *testing.B, addr string, depth int) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	rd := resp.NewReader(bufio.NewReader(nc))
	var batch []byte
	for range depth {
		batch = resp.AppendCommand(batch, ping...)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += depth {
		if _, err := nc.Write(batch); err != nil {
			b.Fatal(err)
		}
		for range depth {
			if _, err := rd.ReadValue(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchSession(b *testing.B, be *remote.Backend, depth int) {
	s, err := be.OpenSession(context.Background(), backend.ClientInfo{FD: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	w := resp.NewWriter()
	cmds := make([][][]byte, depth)
	for i := range cmds {
		cmds[i] = ping
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i += depth {
		if depth == 1 {
			s.Do(ctx, ping, w)
		} else {
			s.DoPipeline(ctx, cmds, w)
		}
		if w.Len() != 7*depth {
			b.Fatalf("reply %q", w.Bytes())
		}
		w.Reset()
	}
}
