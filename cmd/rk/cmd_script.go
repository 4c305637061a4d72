package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/internal/connopt"
)

func newScriptCommand() *cli.Command {
	return withUsageErrors(&cli.Command{
		Name:  "script",
		Usage: "administer Lua scripts on a server",
		Subcommands: []*cli.Command{
			{
				Name:  "kill",
				Usage: "stop the Lua script the server is running (SCRIPT KILL)",
				Description: "Sends SCRIPT KILL, which a server accepts even while a script keeps it busy.\n" +
					"With --cluster it goes to every master; it succeeds if one of them was running a\n" +
					"script that could be killed. Exit status: 0 if a script was killed, 1 with the\n" +
					"server's error (NOTBUSY, UNKILLABLE) on stderr, 2 on bad usage.",
				Flags: connFlags(),
				Action: func(c *cli.Context) error {
					if c.Args().Present() {
						return usageError{fmt.Errorf("script kill takes no arguments (got %q)", c.Args().First())}
					}
					conn, err := connOptions(c)
					if err != nil {
						return err
					}
					ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
					defer stop()
					return runScriptKill(ctx, conn, c.App.Writer)
				},
			},
		},
	})
}

// runScriptKill sends SCRIPT KILL and prints OK, or returns the server's
// error.
func runScriptKill(ctx context.Context, conn connopt.Options, out io.Writer) error {
	s, done, err := openSession(ctx, conn)
	if err != nil {
		return err
	}
	defer done()
	v, err := do(ctx, s, "SCRIPT", "KILL")
	if err != nil {
		return err
	}
	if v.IsError() {
		return serverError{v.Str}
	}
	fmt.Fprintln(out, v.Str)
	return nil
}
