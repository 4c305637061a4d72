package memory

import (
	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
)

// handler runs one command whose existence and arity the dispatcher has
// checked. It writes its reply to w, or returns an error that the
// dispatcher writes (and counts in errorstats) instead.
type handler func(c *client, argv [][]byte, w resp.ReplyWriter) error

// cmdEntry is a command the engine implements, with its statistics.
type cmdEntry struct {
	spec *command.Spec
	fn   handler
	cmdStats
}

// registerCommands builds the command table from the handler groups. Each
// group lives in its own cmd_<group>.go file. A command registered twice,
// or a table entry without a handler, panics at start-up.
func (e *Engine) registerCommands() {
	handlers := map[string]handler{}
	for _, group := range []map[string]handler{
		connectionCommands,
		stringCommands,
		keyspaceCommands,
		serverCommands,
		commandCommands,
		debugCommands,
		transactionCommands,
	} {
		for name, fn := range group {
			if _, dup := handlers[name]; dup {
				panic("memory: multiple registrations for " + name)
			}
			handlers[name] = fn
		}
	}
	names := make([]string, 0, len(handlers))
	for n := range handlers {
		names = append(names, n)
	}
	e.table = command.All().Only(names)
	e.commands = make([]*cmdEntry, e.table.NumIDs())
	for _, s := range e.table.Specs() {
		specs := []*command.Spec{s}
		if s.IsContainer() {
			specs = s.Subcommands
		}
		for _, sp := range specs {
			fn := handlers[sp.FullName()]
			if fn == nil {
				panic("memory: no handler for " + sp.FullName())
			}
			e.commands[sp.ID] = &cmdEntry{spec: sp, fn: fn}
		}
	}
}

// exec runs one command through Redis's checks, in Redis's order (the
// spec's §0), then its handler. The caller holds the engine lock.
func (c *client) exec(argv [][]byte, w resp.ReplyWriter) {
	if len(argv) == 0 {
		return
	}
	e := c.e
	c.lastMs = e.nowMs
	spec, err := e.table.Lookup(argv)
	if err != nil {
		c.reject(nil, argv, err, w)
		return
	}
	entry := e.commands[spec.ID]
	c.lastCmd = spec
	if !c.authenticated.Load() && !spec.Flags.Has(command.NoAuth) {
		c.reject(entry, argv, resp.ErrNoAuth, w)
		return
	}
	if c.multi != nil {
		if spec.Flags.Has(command.NoMulti) {
			c.reject(entry, argv, resp.ErrNotAllowedMulti, w)
			return
		}
		if !execsInMulti(spec) {
			c.multi.queue(entry, argv)
			w.WriteSimple("QUEUED")
			return
		}
	}
	c.call(entry, argv, w)
}

// execsInMulti reports whether a command runs at once inside MULTI rather
// than being queued.
func execsInMulti(s *command.Spec) bool {
	switch s.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return s.Parent == nil
	}
	return false
}

// call runs a checked command and accounts for it.
func (c *client) call(entry *cmdEntry, argv [][]byte, w resp.ReplyWriter) {
	start := c.e.lastMark
	err := entry.fn(c, argv, w)
	dur := c.e.mark() - start
	entry.calls++
	entry.usec += dur.Microseconds()
	if err != nil {
		entry.failed++
		c.e.stats.countError(err)
		w.WriteError(errorText(err))
	}
	c.e.slowlog.maybeAdd(c, argv, dur)
}

// reject answers a command refused before it ran. entry is nil for an
// unknown command. An open transaction is marked as failed, and a refused
// EXEC discards it with the refusal's reason.
func (c *client) reject(entry *cmdEntry, argv [][]byte, err error, w resp.ReplyWriter) {
	if entry != nil {
		entry.rejected++
	}
	text := errorText(err)
	if entry != nil && entry.spec.Name == "exec" && entry.spec.Parent == nil {
		c.discardMulti()
		err = resp.Error("EXECABORT Transaction discarded because of: " + text)
		text = errorText(err)
	} else if c.multi != nil {
		c.multi.failed = true
	}
	c.e.stats.countError(err)
	w.WriteError(text)
}

// errorText is the error line for err: a resp.Error as is, any other error
// with the generic ERR code.
func errorText(err error) string {
	if re, ok := err.(resp.Error); ok {
		return string(re)
	}
	return "ERR " + err.Error()
}
