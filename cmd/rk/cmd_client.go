package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/internal/connopt"
	"github.com/rk-redis/rk/internal/resp"
)

// ClientListOptions are rk client list's filters.
type ClientListOptions struct {
	Type string
	IDs  []int64
	JSON bool
}

// ClientKillOptions are rk client kill's filters, passed to CLIENT KILL.
type ClientKillOptions struct {
	ID     int64
	IDSet  bool
	Type   string
	User   string
	Addr   string
	LAddr  string
	SkipMe string
	MaxAge int64
	JSON   bool
}

func newClientCommand() *cli.Command {
	return withUsageErrors(&cli.Command{
		Name:  "client",
		Usage: "list and disconnect a server's clients",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "list the server's client connections (CLIENT LIST)",
				Description: "Prints one line per connection, as CLIENT LIST does. With --cluster every node\n" +
					"is asked and each line ends with node=HOST:PORT.",
				Flags: append([]cli.Flag{
					&cli.StringFlag{Name: "type", Usage: "only clients of this `TYPE`: normal, master, replica, pubsub"},
					&cli.Int64SliceFlag{Name: "id", Usage: "only the clients with these `ID`s (repeatable)"},
					&cli.BoolFlag{Name: "json", Usage: "print a JSON array of objects"},
				}, connFlags()...),
				Action: func(c *cli.Context) error {
					if c.Args().Present() {
						return usageError{fmt.Errorf("client list takes flags, not arguments (got %q)", c.Args().First())}
					}
					opts := ClientListOptions{Type: c.String("type"), IDs: c.Int64Slice("id"), JSON: c.Bool("json")}
					conn, err := connOptions(c)
					if err != nil {
						return err
					}
					ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
					defer stop()
					return runClientList(ctx, opts, conn, c.App.Writer)
				},
			},
			{
				Name:  "kill",
				Usage: "disconnect the clients that match every filter given (CLIENT KILL)",
				Description: "At least one filter is needed. The filters go to the server as CLIENT KILL\n" +
					"filters and combine with AND. Prints the number of clients disconnected; with\n" +
					"--cluster every node is asked and the counts are summed (client IDs are per node).",
				Flags: append([]cli.Flag{
					&cli.Int64Flag{Name: "id", Usage: "the client with this `ID`"},
					&cli.StringFlag{Name: "type", Usage: "clients of this `TYPE`: normal, master, replica, pubsub"},
					&cli.StringFlag{Name: "user", Usage: "clients authenticated as this ACL `USER`"},
					&cli.StringFlag{Name: "addr", Usage: "the client connected from `IP:PORT`"},
					&cli.StringFlag{Name: "laddr", Usage: "clients connected to the server's `IP:PORT`"},
					&cli.StringFlag{Name: "skipme", Usage: "yes (default) or no: whether this connection is spared"},
					&cli.Int64Flag{Name: "maxage", Usage: "clients connected for at least `SECONDS` (Redis 7.4+)"},
					&cli.BoolFlag{Name: "json", Usage: `print {"killed": N}`},
				}, connFlagsForKill()...),
				Action: func(c *cli.Context) error {
					if c.Args().Present() {
						return usageError{fmt.Errorf("client kill takes flags, not arguments (got %q)", c.Args().First())}
					}
					opts := ClientKillOptions{
						ID: c.Int64("id"), IDSet: c.IsSet("id"),
						Type: c.String("type"), User: c.String("user"),
						Addr: c.String("addr"), LAddr: c.String("laddr"),
						SkipMe: c.String("skipme"), MaxAge: c.Int64("maxage"),
						JSON: c.Bool("json"),
					}
					conn, err := connOptions(c)
					if err != nil {
						return err
					}
					conn.User = c.String("auth-user")
					ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
					defer stop()
					return runClientKill(ctx, opts, conn, c.App.Writer)
				},
			},
		},
	})
}

// connFlagsForKill is connFlags with --user renamed --auth-user: in
// client kill, --user is the USER filter.
func connFlagsForKill() []cli.Flag {
	var out []cli.Flag
	for _, f := range connFlags() {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == "user" {
			out = append(out, &cli.StringFlag{Name: "auth-user", Usage: "ACL `USERNAME` to connect as (needs a password)", Category: connCategory})
			continue
		}
		out = append(out, f)
	}
	return out
}

// clientListArgs builds CLIENT LIST with its filters.
func (o ClientListOptions) args() []string {
	args := []string{"CLIENT", "LIST"}
	if o.Type != "" {
		args = append(args, "TYPE", o.Type)
	}
	if len(o.IDs) > 0 {
		args = append(args, "ID")
		for _, id := range o.IDs {
			args = append(args, strconv.FormatInt(id, 10))
		}
	}
	return args
}

func runClientList(ctx context.Context, opts ClientListOptions, conn connopt.Options, out io.Writer) error {
	if opts.Type != "" && len(opts.IDs) > 0 {
		return usageError{fmt.Errorf("client list: --type and --id cannot be combined")}
	}
	s, done, err := openSession(ctx, conn)
	if err != nil {
		return err
	}
	defer done()
	v, err := do(ctx, s, opts.args()...)
	if err != nil {
		return err
	}
	if v.IsError() {
		return serverError{v.Str}
	}
	if v.Kind != resp.KindBulk && v.Kind != resp.KindVerbatim && v.Kind != resp.KindSimple {
		return fmt.Errorf("client list: unexpected reply %s", v)
	}
	if !opts.JSON {
		io.WriteString(out, v.Str)
		if v.Str != "" && !strings.HasSuffix(v.Str, "\n") {
			io.WriteString(out, "\n")
		}
		return nil
	}
	clients := []map[string]string{}
	for _, line := range strings.Split(v.Str, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		clients = append(clients, parseClientLine(line))
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(clients)
}

// parseClientLine reads "id=3 addr=... name= ..." into a map. Values may
// not contain spaces, except the last field's; names are kept as they are.
func parseClientLine(line string) map[string]string {
	m := map[string]string{}
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		m[k] = v
	}
	return m
}

// args builds CLIENT KILL with its filters.
func (o ClientKillOptions) args() ([]string, error) {
	args := []string{"CLIENT", "KILL"}
	if o.IDSet {
		args = append(args, "ID", strconv.FormatInt(o.ID, 10))
	}
	add := func(k, v string) {
		if v != "" {
			args = append(args, k, v)
		}
	}
	add("TYPE", o.Type)
	add("USER", o.User)
	add("ADDR", o.Addr)
	add("LADDR", o.LAddr)
	if o.MaxAge != 0 {
		args = append(args, "MAXAGE", strconv.FormatInt(o.MaxAge, 10))
	}
	if len(args) == 2 {
		return nil, fmt.Errorf("client kill needs at least one filter: --id, --type, --user, --addr, --laddr or --maxage")
	}
	add("SKIPME", o.SkipMe)
	return args, nil
}

func runClientKill(ctx context.Context, opts ClientKillOptions, conn connopt.Options, out io.Writer) error {
	args, err := opts.args()
	if err != nil {
		return usageError{err}
	}
	s, done, err := openSession(ctx, conn)
	if err != nil {
		return err
	}
	defer done()
	v, err := do(ctx, s, args...)
	if err != nil {
		return err
	}
	if v.IsError() {
		return serverError{v.Str}
	}
	if v.Kind != resp.KindInt {
		return fmt.Errorf("client kill: unexpected reply %s", v)
	}
	if opts.JSON {
		fmt.Fprintf(out, "{\"killed\": %d}\n", v.Int)
		return nil
	}
	fmt.Fprintln(out, v.Int)
	return nil
}
