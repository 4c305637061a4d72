package remote_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/plugins/protocol"
	"github.com/rk-redis/rk/plugins/redis"
)

// The test binary doubles as the plugin: started with RK_TEST_PLUGIN set,
// TestMain serves a plugin instead of running tests (go-plugin's
// helper-process pattern, without the testing package's output on stdout,
// which belongs to the handshake).
func TestMain(m *testing.M) {
	if mode := os.Getenv("RK_TEST_PLUGIN"); mode != "" {
		servePlugin(mode)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func servePlugin(mode string) {
	switch mode {
	case "redis":
		redis.Serve("test")
	case "redis-exec":
		// A plugin that offers no data channel: batches go over gRPC Exec.
		os.Unsetenv("RK_PLUGIN_DATA_DIR")
		redis.Serve("test")
	case "stall":
		protocol.Serve(&protocol.ServeConfig{Driver: stallDriver{}})
	case "pong":
		protocol.Serve(&protocol.ServeConfig{Driver: pongDriver{}})
	case "hang-start":
		time.Sleep(time.Hour)
	case "exit-start":
		fmt.Fprintln(os.Stderr, "rk-plugin-broken: cannot start: no configuration")
		os.Exit(1)
	case "garbage":
		fmt.Println("hello from a program that is not a plugin")
		time.Sleep(time.Hour)
	case "version2":
		// A plugin from the future: it only speaks protocol 2.
		plugin.Serve(&plugin.ServeConfig{
			HandshakeConfig: protocol.Handshake,
			VersionedPlugins: map[int]plugin.PluginSet{
				2: {protocol.PluginName: &protocol.DriverPlugin{Impl: stallDriver{}}},
			},
			GRPCServer: plugin.DefaultGRPCServer,
		})
	default:
		fmt.Fprintln(os.Stderr, "unknown RK_TEST_PLUGIN mode", mode)
		os.Exit(2)
	}
}

// helper describes the test binary as a plugin in the given mode.
func helper(t testing.TB, mode string) remote.Plugin {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return remote.Plugin{
		Name: "test-" + mode,
		Cmd: func() *exec.Cmd {
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), "RK_TEST_PLUGIN="+mode)
			return cmd
		},
		StartTimeout: 10 * time.Second,
	}
}

// stallDriver's sessions never answer: Do waits until its context ends.
type stallDriver struct{}

func (stallDriver) Info(context.Context) (protocol.Info, error) {
	return protocol.Info{Name: "stall", Schemes: []string{"stall"}}, nil
}

func (stallDriver) Open(_ context.Context, url string) (protocol.Backend, error) {
	if url == "stall://refuse" {
		return nil, protocol.Errorf(protocol.CodeUnavailable, "Could not connect to the stall server")
	}
	return stallBackend{}, nil
}

type stallBackend struct{}

func (stallBackend) OpenSession(context.Context, protocol.ClientInfo, protocol.Events) (protocol.Session, error) {
	return stallSession{}, nil
}
func (stallBackend) Close() error { return nil }

type stallSession struct{}

func (stallSession) Do(ctx context.Context, _ [][][]byte) (protocol.Reply, error) {
	<-ctx.Done()
	return protocol.Reply{}, errors.New("stopped waiting")
}
func (stallSession) Close() error { return nil }

// pongDriver answers every command with +PONG at once: the plugin hop and
// nothing else, for benchmarks.
type pongDriver struct{ stallDriver }

func (pongDriver) Open(context.Context, string) (protocol.Backend, error) { return pongBackend{}, nil }

type pongBackend struct{ stallBackend }

func (pongBackend) OpenSession(context.Context, protocol.ClientInfo, protocol.Events) (protocol.Session, error) {
	return pongSession{}, nil
}

type pongSession struct{ stallSession }

func (pongSession) Do(_ context.Context, cmds [][][]byte) (protocol.Reply, error) {
	var b []byte
	for range cmds {
		b = append(b, "+PONG\r\n"...)
	}
	return protocol.Reply{Frames: b, Proto: 2}, nil
}
