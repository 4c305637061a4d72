package memory

import (
	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
	"strings"
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
		listCommands,
		hashCommands,
		setCommands,
		zsetCommands,
		bitmapCommands,
		clientCommands,
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
		if fn := handlers[s.Name]; fn != nil {
			e.commands[s.ID] = &cmdEntry{spec: s, fn: fn}
		}
		if !s.IsContainer() {
			if e.commands[s.ID] == nil {
				panic("memory: no handler for " + s.Name)
			}
			continue
		}
		for _, sub := range s.Subcommands {
			fn := handlers[sub.FullName()]
			if fn == nil {
				panic("memory: no handler for " + sub.FullName())
			}
			e.commands[sub.ID] = &cmdEntry{spec: sub, fn: fn}
		}
	}
}

// exec runs one command through Redis's checks, in Redis's order (the
// spec's §0), then its handler. The caller holds the engine lock. It
// reports postponed when CLIENT PAUSE holds the command back: nothing ran
// and nothing was written, and the caller runs it again once the pause
// may be over (client.run).
func (c *client) exec(argv [][]byte, w resp.ReplyWriter) (postponed bool) {
	if len(argv) == 0 {
		return false
	}
	e := c.e
	c.lastMs = e.nowMs
	if isCrossProtocolAttack(argv[0]) {
		// A browser tricked into posting to Redis: drop the connection
		// without a reply, as Redis does.
		e.logf(logWarning, "possible cross-protocol attack: an HTTP request (POST or Host:) arrived from %s; connection closed", c.info.Addr)
		c.closeAfterReply = true
		return false
	}
	spec, err := e.table.Lookup(argv)
	// Redis records the command looked up before any check (nil when
	// unknown), for CLIENT LIST's cmd.
	c.lastCmd = spec
	var entry *cmdEntry
	if spec != nil {
		entry = e.commands[spec.ID]
	}
	if err == nil && entry == nil {
		// A container named alone whose arity allows it but which has no
		// handler of its own.
		err = resp.ErrWrongArgs(spec.FullName())
	}
	if err != nil {
		c.reject(entry, argv, err, w)
		return false
	}
	if spec.Flags.Has(command.Protected) {
		if err := c.protectedAllowed(spec); err != nil {
			c.reject(entry, argv, err, w)
			return false
		}
	}
	if !c.authenticated.Load() && !spec.Flags.Has(command.NoAuth) {
		c.reject(entry, argv, resp.ErrNoAuth, w)
		return false
	}
	if c.multi != nil && spec.Flags.Has(command.NoMulti) {
		c.reject(entry, argv, resp.ErrNotAllowedMulti, w)
		return false
	}
	// maxmemory: evict, or refuse with OOM (evict.go).
	if e.cfg.maxmemory != 0 && c.checkOOM(spec, argv) {
		c.reject(entry, argv, resp.ErrOOM, w)
		return false
	}
	// CLIENT PAUSE (cmd_client.go) comes after every refusal and before
	// MULTI queueing, as in Redis.
	if c.pausedFor(spec) {
		return true
	}
	if c.multi != nil {
		if !execsInMulti(spec) {
			c.multi.queue(entry, argv)
			w.WriteSimple("QUEUED")
			return false
		}
	}
	c.call(entry, argv, w)
	return false
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
	c.blk.depth++
	err := entry.fn(c, argv, w)
	c.blk.depth--
	dur := c.e.mark() - start
	if b, ok := err.(*blockOn); ok {
		// The command waits for keys (blocking.go). It is counted once
		// it is served, times out or is unblocked.
		c.blockFor(entry, argv, w, b)
		return
	}
	entry.calls++
	entry.usec += dur.Microseconds()
	if err != nil {
		entry.failed++
		c.e.stats.countError(err)
		w.WriteError(errorText(err))
	}
	c.e.slowlog.maybeAdd(c, entry.spec, argv, dur)
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
		// Redis quotes the refusal without the ERR code it adds to plain
		// messages ("wrong number of arguments ..."), but keeps other
		// codes ("NOAUTH ...", "BUSY ...").
		err = resp.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(text, "ERR "))
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

// isCrossProtocolAttack recognises an HTTP request sent to the server: its
// first line parses as the command "POST" or "Host:".
func isCrossProtocolAttack(name []byte) bool {
	switch len(name) {
	case 4:
		return strings.EqualFold(string(name), "post")
	case 5:
		return strings.EqualFold(string(name), "host:")
	}
	return false
}

// protectedAllowed applies enable-debug-command and enable-module-command
// to the commands they protect.
func (c *client) protectedAllowed(spec *command.Spec) error {
	if spec.Name == "debug" && !allowProtected(c.e.cfg.enableDebugCommand, c.isLocalClient()) {
		return errDebugNotAllowed
	}
	return nil
}
