// Command rk runs, scripts, inspects and administers Redis-compatible
// servers. This package only wires things together: each subcommand lives
// in its own cmd_<name>.go with a newXCommand constructor and a runX
// function that tests call directly.
package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/rk-redis/rk/backend/remote"
)

// Set at build time with -ldflags "-X main.version=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	// rk's commands relay requests and replies one at a time; on one OS
	// thread a goroutine hand-off is a function switch, on several it is a
	// wake-up of another thread, which costs more than it saves
	// (docs/benchmarks.md). rk serve raises it with io-threads, and the
	// GOMAXPROCS environment variable always wins.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	code := run(os.Args)
	// Commands close their backends, which stops their plugins; this
	// catches any a failure path left running.
	remote.CleanupClients()
	os.Exit(code)
}

// run executes the app and returns the process exit status: 0 on success,
// 1 on a failure the user should see, 2 on bad usage.
func run(args []string) int {
	app := newApp()
	if err := app.Run(args); err != nil {
		return reportError(err)
	}
	return 0
}

func newApp() *cli.App {
	// -h means host, as in redis-cli; help is --help only.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	return &cli.App{
		Name:                 "rk",
		Usage:                "run, script and administer Redis-compatible servers",
		Version:              version,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return usageError{err}
		},
		Commands: []*cli.Command{
			newServeCommand(),
			newScriptCommand(),
			newClientCommand(),
			newPluginCommand(),
			newVersionCommand(),
		},
	}
}

// usageError marks bad usage: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func reportError(err error) int {
	fmt.Fprintln(os.Stderr, "rk:", err)
	switch e := err.(type) {
	case usageError:
		return 2
	case cli.ExitCoder:
		return e.ExitCode()
	}
	return 1
}
