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
	return withUsageErrors(&cli.Command{
		Name:      "serve",
		Usage:     "run a Redis-compatible server",
		ArgsUsage: "[config-file] [--parameter value ...]",
		Description: "Serves the embedded in-memory engine (or, with --backend, proxies another server)\n" +
			"over RESP2/RESP3. Every redis.conf parameter is also a flag: rk serve --port 6380 --requirepass s3cret.\n" +
			"As with redis-server, parameters may also follow a config file: rk serve redis.conf --port 6380.",
		Flags: flags,
		Action: func(c *cli.Context) error {
			opts := ServeOptions{Config: map[string]string{}, Backend: c.String("backend")}
			args := c.Args().Slice()
			file := c.String("config")
			if file == "" && len(args) > 0 && !strings.HasPrefix(args[0], "--") {
				file, args = args[0], args[1:]
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
			// Options after the file, redis-server style, win over it
			// and over the flags before it.
			trailing, err := parseTrailingOptions(args)
			if err != nil {
				return usageError{err}
			}
			for name, value := range trailing {
				opts.Config[name] = value
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
	})
}

// runServe serves until ctx is done or a client runs SHUTDOWN. When ready
// is not nil it receives the addresses listened on.
func runServe(ctx context.Context, opts ServeOptions, ready chan<- []net.Addr) error {
	if opts.Backend != "" && opts.Backend != "memory://" {
		return runProxy(ctx, opts, ready)
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

	bindExplicit := opts.Config["bind"] != ""
	srv := &server.Server{
		Backend:     eng,
		Protected:   func() bool { return !bindExplicit && eng.ProtectedMode() },
		MaxBulkLen:  eng.ProtoMaxBulkLen,
		MaxQueryBuf: eng.ClientQueryBufferLimit,
		ErrorLog:    log.New(os.Stderr, "rk: ", log.LstdFlags),
	}
	port, _ := strconv.Atoi(eng.ConfigValue("port"))
	ls, err := openListeners(srv, eng.ConfigValue("bind"), port, eng.ConfigValue("unixsocket"), eng.ConfigValue("unixsocketperm"))
	if err != nil {
		return err
	}
	addrs := ls.addrs()
	if len(addrs) == 0 {
		return errors.New("serve: nothing to listen on (port 0 and no unixsocket)")
	}
	eng.SetListenPort(addrs[0])
	eng.SetListener(ls.rebind)
	fmt.Fprintf(os.Stderr, "rk %s ready to accept connections on %s\n", version, joinAddrs(addrs))
	if ready != nil {
		ready <- addrs
	}
	errc := ls.errc
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

// openListeners starts srv on the TCP addresses of bind at port (none for
// port 0) and on the unix socket sock, if any, with the permissions perm
// (octal, as unixsocketperm).
func openListeners(srv *server.Server, bind string, port int, sock, perm string) (*listenerSet, error) {
	ls := &listenerSet{srv: srv, errc: make(chan error, 1)}
	if err := ls.rebind(strings.Fields(bind), port); err != nil {
		return nil, err
	}
	if sock != "" {
		os.Remove(sock)
		l, err := net.Listen("unix", sock)
		if err != nil {
			ls.closeAll()
			return nil, fmt.Errorf("serve: listen on unix socket %s: %w", sock, err)
		}
		if mode, err := strconv.ParseUint(perm, 8, 32); err == nil && mode != 0 {
			os.Chmod(sock, os.FileMode(mode))
		}
		ls.serve(l)
	}
	return ls, nil
}

// closeAll closes listeners (for code that opens its own).
func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// listenerSet holds the server's listeners, so that CONFIG SET port and
// CONFIG SET bind can move the TCP ones while clients stay connected.
type listenerSet struct {
	srv  *server.Server
	errc chan error // the first error of a listener nobody closed on purpose

	mu     sync.Mutex
	tcp    []net.Listener
	all    []net.Listener
	closed map[net.Listener]bool
}

// rebind listens on every bind address at port (port 0: no TCP), and only
// once all of them listen, stops listening on the old ones. On error
// nothing changes.
func (ls *listenerSet) rebind(bind []string, port int) error {
	var fresh []net.Listener
	if port != 0 {
		for _, addr := range bindAddrs(strings.Join(bind, " ")) {
			l, err := net.Listen(tcpNetwork(addr.host), net.JoinHostPort(addr.host, strconv.Itoa(port)))
			if err != nil {
				if addr.optional {
					continue
				}
				for _, f := range fresh {
					f.Close()
				}
				return fmt.Errorf("serve: listen on %s port %d: %w", addr.host, port, err)
			}
			fresh = append(fresh, l)
		}
	}
	ls.mu.Lock()
	old := ls.tcp
	ls.tcp = fresh
	ls.mu.Unlock()
	for _, l := range old {
		ls.stop(l)
	}
	for _, l := range fresh {
		ls.serve(l)
	}
	return nil
}

// serve accepts connections on l in the background.
func (ls *listenerSet) serve(l net.Listener) {
	ls.mu.Lock()
	ls.all = append(ls.all, l)
	ls.mu.Unlock()
	go func() {
		err := ls.srv.Serve(l)
		ls.mu.Lock()
		onPurpose := ls.closed[l]
		ls.mu.Unlock()
		if !onPurpose {
			select {
			case ls.errc <- err:
			default:
			}
		}
	}()
}

// stop closes l on purpose: its Serve returning is no failure.
func (ls *listenerSet) stop(l net.Listener) {
	ls.mu.Lock()
	if ls.closed == nil {
		ls.closed = make(map[net.Listener]bool)
	}
	ls.closed[l] = true
	for i, x := range ls.all {
		if x == l {
			ls.all = append(ls.all[:i], ls.all[i+1:]...)
			break
		}
	}
	ls.mu.Unlock()
	l.Close()
}

func (ls *listenerSet) addrs() []net.Addr {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	var out []net.Addr
	for _, l := range ls.all {
		out = append(out, l.Addr())
	}
	return out
}

func (ls *listenerSet) closeAll() {
	ls.mu.Lock()
	all := append([]net.Listener(nil), ls.all...)
	ls.mu.Unlock()
	for _, l := range all {
		ls.stop(l)
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

// parseTrailingOptions reads redis-server's command-line form that follows
// a config file: "--name value..." groups, where a value may be several
// words (--save 900 1) and ends at the next "--name".
func parseTrailingOptions(args []string) (map[string]string, error) {
	known := map[string]bool{}
	for _, p := range memory.ConfigParams() {
		known[p.Name] = true
		if p.Alias != "" {
			known[p.Alias] = true
		}
	}
	out := map[string]string{}
	name := ""
	var words []string
	flush := func() error {
		if name == "" {
			return nil
		}
		if !known[name] {
			return fmt.Errorf("serve: unknown configuration parameter %q", name)
		}
		out[name] = strings.Join(words, " ")
		return nil
	}
	for _, a := range args {
		if strings.HasPrefix(a, "--") && len(a) > 2 {
			if err := flush(); err != nil {
				return nil, err
			}
			name, words = strings.ToLower(a[2:]), nil
			continue
		}
		if name == "" {
			return nil, fmt.Errorf("serve: unexpected argument %q (options follow the config file as --name value)", a)
		}
		words = append(words, a)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// tcpNetwork listens on an IPv4 address with IPv4 only and on an IPv6 one
// with IPv6 only, as redis-server does: Go would otherwise answer "*"
// (0.0.0.0) with a dual-stack socket, and the "::" of the default bind
// would then find its port taken.
func tcpNetwork(host string) string {
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return "tcp"
	case ip.To4() != nil:
		return "tcp4"
	default:
		return "tcp6"
	}
}
