package memory

import (
	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
)

// Transactions: MULTI EXEC DISCARD WATCH UNWATCH.
var transactionCommands = map[string]handler{
	"multi":   cmdMulti,
	"exec":    cmdExec,
	"discard": cmdDiscard,
	"watch":   cmdWatch,
	"unwatch": cmdUnwatch,
}

// multiState is an open MULTI block.
type multiState struct {
	cmds []queued
	// failed is set when a command was refused while queueing; EXEC then
	// aborts.
	failed bool
	// denyOOM is set when a queued command is flagged deny-oom: EXEC is
	// then refused while used memory is over maxmemory (evict.go).
	denyOOM bool
}

type queued struct {
	entry *cmdEntry
	argv  [][]byte
}

// queue copies argv (its bytes belong to the connection's read buffer).
func (m *multiState) queue(entry *cmdEntry, argv [][]byte) {
	cp := make([][]byte, len(argv))
	for i, a := range argv {
		cp[i] = append([]byte(nil), a...)
	}
	m.cmds = append(m.cmds, queued{entry, cp})
	if entry.spec.Flags.Has(command.DenyOOM) {
		m.denyOOM = true
	}
}

// watchedKey is a key a client WATCHes.
type watchedKey struct {
	db  *db
	key string
	// existed records whether the key was live at WATCH time: if it
	// expires before EXEC, the transaction fails as Redis's does.
	existed bool
}

func cmdMulti(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if c.multi != nil {
		return resp.ErrMultiNested
	}
	c.multi = &multiState{}
	w.WriteSimple("OK")
	return nil
}

func cmdDiscard(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if c.multi == nil {
		return resp.ErrDiscardNoMulti
	}
	c.discardMulti()
	w.WriteSimple("OK")
	return nil
}

// discardMulti leaves MULTI and forgets watched keys.
func (c *client) discardMulti() {
	c.multi = nil
	c.unwatchAll()
}

func cmdExec(c *client, argv [][]byte, w resp.ReplyWriter) error {
	m := c.multi
	if m == nil {
		return resp.ErrExecNoMulti
	}
	if m.failed {
		c.discardMulti()
		return resp.ErrExecAbort
	}
	dirty := c.watchDirty()
	c.discardMulti()
	if dirty {
		w.WriteNullArray()
		return nil
	}
	w.WriteArray(len(m.cmds))
	exec := c.lastCmd
	for _, q := range m.cmds {
		c.lastCmd = q.entry.spec
		c.call(q.entry, q.argv, w)
	}
	// CLIENT LIST shows cmd=exec afterwards, as in Redis.
	c.lastCmd = exec
	return nil
}

func cmdWatch(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if c.multi != nil {
		return resp.ErrWatchInMulti
	}
	for _, k := range argv[1:] {
		c.watch(string(k))
	}
	w.WriteSimple("OK")
	return nil
}

func cmdUnwatch(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.unwatchAll()
	w.WriteSimple("OK")
	return nil
}

// watch records key in the client's database as watched by c.
func (c *client) watch(key string) {
	for _, wk := range c.watched {
		if wk.db == c.db && wk.key == key {
			return
		}
	}
	c.watched = append(c.watched, watchedKey{c.db, key, c.db.get([]byte(key), c.e.nowMs) != nil})
	d := c.db
	if d.watchers == nil {
		d.watchers = make(map[string][]*client)
	}
	d.watchers[key] = append(d.watchers[key], c)
}

// unwatchAll forgets every key c watches.
func (c *client) unwatchAll() {
	for _, wk := range c.watched {
		list := wk.db.watchers[wk.key]
		for i, o := range list {
			if o == c {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(wk.db.watchers, wk.key)
		} else {
			wk.db.watchers[wk.key] = list
		}
	}
	c.watched = nil
	c.watchTouched = false
}

// watchDirty reports whether a watched key was modified since WATCH.
func (c *client) watchDirty() bool {
	if c.watchTouched {
		return true
	}
	for _, wk := range c.watched {
		if wk.existed && wk.db.expired([]byte(wk.key), c.e.nowMs) {
			return true
		}
	}
	return false
}
