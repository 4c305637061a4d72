package protocol

import (
	"math"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// closeTimeout bounds the host's close calls to a plugin.
const closeTimeout = 5 * time.Second

// ServeConfig configures Serve.
type ServeConfig struct {
	// Driver is the plugin's driver.
	Driver Driver
	// Logger receives the plugin's logs. nil means JSON lines on stderr,
	// which rk shows through its own logger, at the level named by
	// RK_LOG_LEVEL (default info).
	Logger hclog.Logger
	// Test runs the plugin in-process for tests (see go-plugin's
	// ServeTestConfig); nil for a real plugin process.
	Test *plugin.ServeTestConfig
}

// Serve runs a plugin: it answers rk's handshake on stdout and serves the
// driver until rk stops it. A plugin's main calls it and nothing else;
// stdout belongs to the handshake, so log to stderr (or through Logger).
// Started by hand instead of by rk, it explains that and exits with 1.
//
// A plugin process runs on one OS thread (GOMAXPROCS 1) unless the
// environment sets GOMAXPROCS: a driver relays I/O, and with more threads
// every hand-off between goroutines becomes a wake-up of another thread,
// which on small machines costs more than the relaying itself
// (docs/benchmarks.md, "Plugin hop"). Serve offers the data channel
// (docs/plugin-protocol.md) when rk names a directory for it.
func Serve(cfg *ServeConfig) {
	if cfg.Test == nil && os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = hclog.New(&hclog.LoggerOptions{
			Name:       "plugin",
			Level:      LogLevel(),
			Output:     os.Stderr,
			JSONFormat: true,
		})
	}
	if cfg.Test == nil {
		go exitWithParent()
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(cfg.Driver),
		GRPCServer:       NewGRPCServer,
		TLSProvider:      pluginTLS,
		Logger:           logger,
		Test:             cfg.Test,
	})
}

// NewGRPCServer is the gRPC server a plugin serves on: go-plugin's default
// with message size limits raised to what Redis allows (a bulk string may
// be 512 MB), since commands and replies cross in single messages.
func NewGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts, grpc.MaxRecvMsgSize(math.MaxInt32), grpc.MaxSendMsgSize(math.MaxInt32),
		grpc.InitialWindowSize(windowSize), grpc.InitialConnWindowSize(windowSize))
	return grpc.NewServer(opts...)
}

// windowSize is the HTTP/2 flow-control window of plugin connections. A
// fixed window turns off gRPC's bandwidth estimation, whose pings would
// otherwise travel with the replies of a command-by-command exchange and
// cost as much as the replies themselves.
const windowSize = 4 << 20

// DialOptions are the gRPC options a host uses towards a plugin, matching
// NewGRPCServer.
func DialOptions() []grpc.DialOption {
	return []grpc.DialOption{grpc.WithInitialWindowSize(windowSize), grpc.WithInitialConnWindowSize(windowSize)}
}

// LogLevel is the level named by $RK_LOG_LEVEL (trace, debug, info, warn,
// error, off), info by default.
func LogLevel() hclog.Level {
	if l := hclog.LevelFromString(strings.TrimSpace(os.Getenv("RK_LOG_LEVEL"))); l != hclog.NoLevel {
		return l
	}
	return hclog.Info
}

// exitWithParent ends the plugin once the process that started it is gone,
// so a crashed rk leaves no plugin behind.
func exitWithParent() {
	parent := os.Getppid()
	for {
		time.Sleep(500 * time.Millisecond)
		if os.Getppid() != parent {
			os.Exit(0)
		}
	}
}
