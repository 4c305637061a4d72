package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/server"
)

// ServeOptions are rk serve's settings.
type ServeOptions struct {
	// Config holds redis.conf parameters: from --config, then flags.
	Config     map[string]string
	ConfigFile string
	Backend    string
}

func newServeCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "read configuration from `FILE` (redis.conf syntax)"},
		&cli.StringFlag{Name: "backend", Value: "memory://", Usage: "serve this backend `URL`: memory:// (embedded engine) or a remote server to proxy"},
		&cli.StringFlag{Name: "cpuprofile", Hidden: true, Usage: "write a CPU profile to `FILE` until the server stops"},
	}
	for _, p := range memory.ConfigParams() {
		flags = append(flags, &cli.StringFlag{
			Name:     p.Name,
			Usage:    "configuration parameter " + p.Name + " (default " + strconv.Quote(p.Default) + ")",
			Category: "Configuration parameters (as in redis.conf):",
		})
	}
	return &cli.Command{
		Name:      "serve",
		Usage:     "run a Redis-compatible server",
		ArgsUsage: "[config-file]",
		Description: "Serves the embedded in-memory engine (or, with --backend, proxies another server)\n" +
			"over RESP2/RESP3. Every redis.conf parameter is also a flag: rk serve --port 6380 --requirepass s3cret.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts := ServeOptions{Config: map[string]string{}, Backend: c.String("backend")}
			file := c.String("config")
			if file == "" && c.Args().Len() > 0 {
				file = c.Args().First()
			}
			if file != "" {
				cfg, err := memory.ReadConfigFile(file)
				if err != nil {
					return err
				}
				opts.Config = cfg
				opts.ConfigFile = file
			}
			for _, p := range memory.ConfigParams() {
				if c.IsSet(p.Name) {
					opts.Config[p.Name] = c.String(p.Name)
				}
			}
			if path := c.String("cpuprofile"); path != "" {
				f, err := os.Create(path)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, opts, nil)
		},
	}
}

// runServe serves until ctx is done or a client runs SHUTDOWN. When ready
// is not nil it receives the addresses listened on.
func runServe(ctx context.Context, opts ServeOptions, ready chan<- []net.Addr) error {
	if opts.Backend != "" && opts.Backend != "memory://" {
		return fmt.Errorf("serve: backend %q: only memory:// is available in this build", opts.Backend)
	}
	shutdown := make(chan struct{})
	var once sync.Once
	eng, err := memory.New(memory.Options{
		Config:     opts.Config,
		ConfigFile: opts.ConfigFile,
		OnShutdown: func() { once.Do(func() { close(shutdown) }) },
	})
	if err != nil {
		return usageError{err}
	}
	defer eng.Close()
	applyIOThreads(eng.ConfigValue("io-threads"))

	bind := eng.ConfigValue("bind")
	bindExplicit := opts.Config["bind"] != ""
	port := eng.ConfigValue("port")
	srv := &server.Server{
		Backend:    eng,
		Protected:  func() bool { return !bindExplicit && eng.ProtectedMode() },
		MaxBulkLen: func() int64 { n, _ := strconv.ParseInt(eng.ConfigValue("proto-max-bulk-len"), 10, 64); return n },
		ErrorLog:   log.New(os.Stderr, "rk: ", log.LstdFlags),
	}
	var listeners []net.Listener
	if port != "0" {
		for _, addr := range bindAddrs(bind) {
			l, err := net.Listen("tcp", net.JoinHostPort(addr.host, port))
			if err != nil {
				if addr.optional {
					continue
				}
				closeAll(listeners)
				return fmt.Errorf("serve: listen on %s port %s: %w", addr.host, port, err)
			}
			listeners = append(listeners, l)
		}
	}
	if sock := eng.ConfigValue("unixsocket"); sock != "" {
		os.Remove(sock)
		l, err := net.Listen("unix", sock)
		if err != nil {
			closeAll(listeners)
			return fmt.Errorf("serve: listen on unix socket %s: %w", sock, err)
		}
		if perm := eng.ConfigValue("unixsocketperm"); perm != "" && perm != "0" {
			if mode, err := strconv.ParseUint(perm, 8, 32); err == nil {
				os.Chmod(sock, os.FileMode(mode))
			}
		}
		listeners = append(listeners, l)
	}
	if len(listeners) == 0 {
		return errors.New("serve: nothing to listen on (port 0 and no unixsocket)")
	}
	var addrs []net.Addr
	errc := make(chan error, len(listeners))
	for _, l := range listeners {
		addrs = append(addrs, l.Addr())
		go func(l net.Listener) { errc <- srv.Serve(l) }(l)
	}
	eng.SetListenPort(listeners[0].Addr())
	fmt.Fprintf(os.Stderr, "rk %s ready to accept connections on %s\n", version, joinAddrs(addrs))
	if ready != nil {
		ready <- addrs
	}
	select {
	case <-ctx.Done():
	case <-shutdown:
	case err := <-errc:
		if !errors.Is(err, server.ErrServerClosed) {
			srv.Close()
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	fmt.Fprintln(os.Stderr, "rk is now ready to exit, bye bye...")
	return nil
}

type bindAddr struct {
	host     string
	optional bool // "-addr": skip if unavailable, as in redis.conf
}

// bindAddrs parses the bind parameter: space-separated addresses, "*" for
// every IPv4 address, "::*" for every IPv6 one, a leading '-' for optional.
func bindAddrs(bind string) []bindAddr {
	var out []bindAddr
	for _, f := range strings.Fields(bind) {
		a := bindAddr{}
		if strings.HasPrefix(f, "-") {
			a.optional = true
			f = f[1:]
		}
		switch f {
		case "*":
			f = "0.0.0.0"
		case "::*":
			f = "::"
		}
		a.host = f
		out = append(out, a)
	}
	return out
}

func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

func joinAddrs(addrs []net.Addr) string {
	var s []string
	for _, a := range addrs {
		s = append(s, a.String())
	}
	return strings.Join(s, ", ")
}

// applyIOThreads maps Redis's io-threads parameter onto GOMAXPROCS, unless
// the GOMAXPROCS environment variable already chose. Commands execute one at
// a time under the engine lock, so more threads only help parsing and
// encoding in parallel; measured on two cores, one thread (Redis's default,
// io-threads 1) serves both unpipelined and pipelined load best, because the
// lock hand-off between threads costs more than it saves
// (docs/benchmarks.md).
func applyIOThreads(v string) {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		n = 1
	}
	runtime.GOMAXPROCS(n)
}
