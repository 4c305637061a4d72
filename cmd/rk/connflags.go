package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/connopt"
	"github.com/rk-redis/rk/internal/resp"
)

const connCategory = "Connection (as in redis-cli):"

// connFlags are redis-cli's connection options, shared by every command
// that talks to a server.
func connFlags() []cli.Flag {
	cat := connCategory
	return []cli.Flag{
		&cli.StringFlag{Name: "h", Value: "127.0.0.1", Usage: "server `HOST`name", Category: cat},
		&cli.IntFlag{Name: "p", Value: 6379, Usage: "server `PORT`", Category: cat},
		&cli.StringFlag{Name: "s", Usage: "server unix `SOCKET` (overrides -h and -p)", Category: cat},
		&cli.StringFlag{Name: "a", Aliases: []string{"pass"}, Usage: "`PASSWORD` (REDISCLI_AUTH is safer)", Category: cat},
		&cli.StringFlag{Name: "user", Usage: "ACL `USERNAME` (needs a password)", Category: cat},
		&cli.IntFlag{Name: "n", Usage: "database `NUMBER`", Category: cat},
		&cli.StringFlag{Name: "u", Usage: "server `URL`: redis://[[user]:password@]host[:port][/db], rediss://, unix:///path, redis+cluster://, or any backend URL", Category: cat},
		&cli.BoolFlag{Name: "2", Usage: "use RESP2", Category: cat},
		&cli.BoolFlag{Name: "3", Usage: "use RESP3", Category: cat},
		&cli.BoolFlag{Name: "tls", Usage: "connect with TLS", Category: cat},
		&cli.StringFlag{Name: "cacert", Usage: "CA certificate `FILE` to verify the server with", Category: cat},
		&cli.StringFlag{Name: "cacertdir", Usage: "`DIR`ectory of trusted CA certificates", Category: cat},
		&cli.StringFlag{Name: "cert", Usage: "client certificate `FILE`", Category: cat},
		&cli.StringFlag{Name: "key", Usage: "client private key `FILE`", Category: cat},
		&cli.StringFlag{Name: "sni", Usage: "server name `HOST` for TLS (SNI)", Category: cat},
		&cli.BoolFlag{Name: "insecure", Usage: "do not verify the server's certificate", Category: cat},
		&cli.BoolFlag{Name: "cluster", Aliases: []string{"c"}, Usage: "Redis Cluster mode: route commands to the nodes that own them", Category: cat},
		&cli.BoolFlag{Name: "no-auth-warning", Usage: "do not warn about a password on the command line", Category: cat},
	}
}

// connOptions reads the connection flags.
func connOptions(c *cli.Context) (connopt.Options, error) {
	o := connopt.Options{
		Host: c.String("h"), HostSet: c.IsSet("h"),
		Port: c.Int("p"), PortSet: c.IsSet("p"),
		Socket:   c.String("s"),
		User:     c.String("user"),
		Password: c.String("a"), PasswordSet: c.IsSet("a"),
		DB: c.Int("n"), DBSet: c.IsSet("n"),
		URL:       c.String("u"),
		TLS:       c.Bool("tls"),
		CACert:    c.String("cacert"),
		CACertDir: c.String("cacertdir"),
		Cert:      c.String("cert"),
		Key:       c.String("key"),
		SNI:       c.String("sni"),
		Insecure:  c.Bool("insecure"),
		Cluster:   c.Bool("cluster"),
	}
	switch {
	case c.Bool("2") && c.Bool("3"):
		return o, usageError{fmt.Errorf("options -2 and -3 are mutually exclusive")}
	case c.Bool("2"):
		o.RESP = 2
	case c.Bool("3"):
		o.RESP = 3
	}
	if !c.Bool("no-auth-warning") && (o.PasswordSet || urlHasPassword(o.URL)) {
		fmt.Fprintln(c.App.ErrWriter, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.")
	}
	return o, nil
}

func urlHasPassword(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.User != nil && u.User.String() != ""
}

// openSession opens the backend the connection options describe and one
// session on it. close releases both.
func openSession(ctx context.Context, o connopt.Options) (backend.Session, func(), error) {
	b, err := o.Open(ctx, newRegistry(), os.Getenv)
	if err != nil {
		if connopt.IsUsage(err) {
			return nil, nil, usageError{err}
		}
		return nil, nil, err
	}
	s, err := b.Open(ctx, backend.ClientInfo{FD: -1})
	if err != nil {
		b.Close()
		return nil, nil, err
	}
	return s, func() { s.Close(); b.Close() }, nil
}

// do runs one command on a session and returns its reply. A session that
// failed (server gone, plugin crashed) is an error; a Redis error reply is a
// reply.
func do(ctx context.Context, s backend.Session, args ...string) (resp.Value, error) {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	w := resp.NewWriter()
	s.Do(ctx, argv, w)
	if failed, ok := s.(interface{ Err() error }); ok {
		select {
		case <-s.Done():
			if err := failed.Err(); err != nil {
				return resp.Value{}, err
			}
		default:
		}
	}
	if w.Len() == 0 {
		return resp.Value{}, fmt.Errorf("%s: no reply (connection closed)", args[0])
	}
	v, err := resp.NewReader(bytes.NewReader(w.Bytes())).ReadValue()
	if err != nil {
		return resp.Value{}, fmt.Errorf("%s: unreadable reply: %w", args[0], err)
	}
	return v, nil
}

// serverError is an error reply from the server: exit status 1, its text
// shown as the server wrote it.
type serverError struct{ text string }

func (e serverError) Error() string { return e.text }
func (e serverError) ExitCode() int { return 1 }

// withUsageErrors makes bad flags on cmd and its subcommands usage errors
// (exit status 2, no help dump), and hides urfave's help subcommand.
func withUsageErrors(cmd *cli.Command) *cli.Command {
	cmd.HideHelpCommand = true
	cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usageError{err} }
	for _, sub := range cmd.Subcommands {
		withUsageErrors(sub)
	}
	return cmd
}
