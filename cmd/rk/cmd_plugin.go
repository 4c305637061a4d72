package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/backend/remote"
	"github.com/rk-redis/rk/internal/server"
	"github.com/rk-redis/rk/plugins/redis"
)

// selfExe is the rk executable that built-in plugins run from; tests
// point it at a freshly built rk.
var selfExe = os.Executable

// newRegistry returns the backends rk knows by URL scheme: the embedded
// engine, the built-in Redis driver (run out of process by re-executing
// rk as "rk plugin serve redis"), and third-party rk-plugin-NAME
// executables for any other scheme.
func newRegistry() *backend.Registry {
	reg := &backend.Registry{}
	reg.Register("memory", func(ctx context.Context, u *url.URL) (backend.Backend, error) {
		return memory.New(memory.Options{})
	})
	builtin := remote.Factory(remote.Plugin{
		Name: redis.Name,
		Cmd: func() *exec.Cmd {
			exe, err := selfExe()
			if err != nil {
				exe = os.Args[0]
			}
			return exec.Command(exe, "plugin", "serve", redis.Name)
		},
	})
	for _, scheme := range redis.Schemes {
		reg.Register(scheme, builtin)
	}
	reg.SetFallback(remote.ThirdPartyFactory(remote.Plugin{}))
	return reg
}

func newPluginCommand() *cli.Command {
	return withUsageErrors(&cli.Command{
		Name:  "plugin",
		Usage: "list driver plugins",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the built-in driver and the rk-plugin-NAME executables rk finds",
				Action: func(c *cli.Context) error {
					return runPluginList(c.App.Writer)
				},
			},
			{
				Name:      "serve",
				Usage:     "run a built-in driver as a plugin process (rk starts it itself)",
				ArgsUsage: "NAME",
				Hidden:    true,
				Action: func(c *cli.Context) error {
					if c.Args().First() != redis.Name || c.Args().Len() != 1 {
						return usageError{fmt.Errorf("plugin serve: unknown built-in plugin %q (built in: %s)", c.Args().First(), redis.Name)}
					}
					redis.Serve(version)
					return nil
				},
			},
		},
	})
}

func runPluginList(w io.Writer) error {
	fmt.Fprintf(w, "%-10s %-8s %s\n", redis.Name, "built-in", strings.Join(redis.Schemes, ", "))
	for _, f := range remote.List() {
		note := ""
		if f.Shadowed {
			note = " (shadowed by an earlier one)"
		}
		fmt.Fprintf(w, "%-10s %-8s %s://%s\n", f.Name, f.Path, f.Name, note)
	}
	fmt.Fprintf(w, "\nsearched: %s\n", strings.Join(remote.SearchDirs(), string(os.PathListSeparator)))
	return nil
}

// proxyParams are the configuration parameters that apply to a proxy: the
// listening ones. The rest configure the embedded engine.
var proxyParams = map[string]bool{"port": true, "bind": true, "unixsocket": true, "unixsocketperm": true, "protected-mode": true}

// runProxy serves a non-memory backend: rk serve --backend URL is a RESP
// proxy in front of it. Only the listening parameters of the
// configuration apply (proxyParams); any other one is refused rather than
// silently ignored, since a requirepass that does nothing would leave the
// proxied server open.
func runProxy(ctx context.Context, opts ServeOptions, ready chan<- []net.Addr) error {
	for name := range opts.Config {
		if !proxyParams[name] {
			return usageError{fmt.Errorf("serve: %s configures the embedded engine and has no effect with --backend (only port, bind, unixsocket, unixsocketperm and protected-mode apply; the proxied server keeps its own configuration)", name)}
		}
	}
	param := func(name string) string {
		if v, ok := opts.Config[name]; ok {
			return v
		}
		for _, p := range memory.ConfigParams() {
			if p.Name == name {
				return p.Default
			}
		}
		return ""
	}
	b, err := newRegistry().Open(ctx, opts.Backend)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer b.Close()
	// Fail now, not at the first client, if the server cannot be reached.
	probe, err := b.Open(ctx, backend.ClientInfo{FD: -1})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	probe.Close()

	// Protected mode as in rk serve: without an explicit bind, only
	// loopback clients are served (the proxy cannot know whether the
	// server behind it wants a password).
	protected := opts.Config["bind"] == "" && param("protected-mode") != "no"
	srv := &server.Server{
		Backend:   b,
		Protected: func() bool { return protected },
		ErrorLog:  log.New(os.Stderr, "rk: ", log.LstdFlags),
	}
	port, err := strconv.Atoi(param("port"))
	if err != nil {
		return usageError{fmt.Errorf("serve: invalid port %q", param("port"))}
	}
	ls, err := openListeners(srv, param("bind"), port, param("unixsocket"), param("unixsocketperm"))
	if err != nil {
		return err
	}
	addrs := ls.addrs()
	if len(addrs) == 0 {
		return errors.New("serve: nothing to listen on (port 0 and no unixsocket)")
	}
	fmt.Fprintf(os.Stderr, "rk %s proxying %s, ready to accept connections on %s\n", version, backend.RedactURL(opts.Backend), joinAddrs(addrs))
	if ready != nil {
		ready <- addrs
	}
	select {
	case <-ctx.Done():
	case err := <-ls.errc:
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
