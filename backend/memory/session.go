package memory

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
)

// client is one session: the state Redis keeps per connection.
type client struct {
	e    *Engine
	id   int64
	info backend.ClientInfo

	db *db
	// authenticated is read by the server outside the engine lock.
	authenticated atomic.Bool
	user          string
	name          string
	libName       string
	libVer        string
	proto         int
	createdMs     int64
	lastMs        int64
	lastCmd       *command.Spec
	multi         *multiState
	watched       []watchedKey
	// watchTouched is set when a watched key changes.
	watchTouched bool

	// blk is the client's state in blocking commands (blocking.go).
	blk clientBlocking

	// closeAfterReply is set by QUIT and by a CLIENT KILL that matched
	// the caller: the session ends once the current reply is written.
	closeAfterReply bool

	// opts is the state CLIENT REPLY, NO-EVICT, NO-TOUCH and PAUSE keep
	// for the connection (cmd_client.go).
	opts clientOpts

	done     chan struct{}
	doneOnce sync.Once
}

func (e *Engine) newClient(info backend.ClientInfo) *client {
	now := e.opts.Now().UnixMilli()
	c := &client{
		e:         e,
		id:        e.nextID.Add(1),
		info:      info,
		user:      "default",
		proto:     2,
		createdMs: now,
		lastMs:    now,
		done:      make(chan struct{}),
	}
	e.mu.Lock()
	c.db = e.dbs[0]
	c.authenticated.Store(e.cfg.requirepass == "")
	e.mu.Unlock()
	e.clients.add(c)
	e.stats.connectionsRecv.Add(1)
	return c
}

// Do runs one command.
func (c *client) Do(ctx context.Context, argv [][]byte, w resp.ReplyWriter) {
	c.e.lock()
	// CLIENT REPLY and PAUSE apply in run (cmd_client.go), which also
	// serves the clients blocked on keys the command made ready, and
	// waits there if it blocked itself (blocking.go).
	c.run(ctx, argv, w)
	c.noteReplies(w)
	c.e.unlock()
	c.afterBatch()
}

// DoPipeline runs a batch of commands under one acquisition of the engine
// lock (a command held back by CLIENT PAUSE releases it while it waits,
// and the rest of the batch waits behind it).
func (c *client) DoPipeline(ctx context.Context, cmds [][][]byte, w resp.ReplyWriter) {
	c.e.lock()
	for _, argv := range cmds {
		// A command that blocked or is held back by CLIENT PAUSE waits
		// in run, and the rest of the batch runs after it.
		if !c.run(ctx, argv, w) {
			break
		}
	}
	c.noteReplies(w)
	c.e.unlock()
	c.afterBatch()
}

// afterBatch runs what must happen outside the engine lock once a batch is
// answered.
func (c *client) afterBatch() {
	if c.closeAfterReply {
		c.Close()
	}
	if c.e.shutdownRequested.Load() {
		if c.e.shutdownOnce.CompareAndSwap(false, true) && c.e.opts.OnShutdown != nil {
			c.e.opts.OnShutdown()
		}
	}
}

// CountTraffic adds a batch's network bytes to INFO stats.
func (c *client) CountTraffic(in, out int) {
	c.e.stats.netInput.Add(int64(in))
	c.e.stats.netOutput.Add(int64(out))
	c.e.stats.readsProcessed.Add(1)
	c.e.stats.writesProcessed.Add(1)
}

// AuthRequired reports whether the client still has to authenticate.
func (c *client) AuthRequired() bool { return !c.authenticated.Load() }

// Done is closed when the session has ended.
func (c *client) Done() <-chan struct{} { return c.done }

// Close ends the session. It takes the engine lock, so it is called from
// outside it; code under the lock uses releaseLocked and end.
func (c *client) Close() error {
	c.e.mu.Lock()
	c.releaseLocked()
	c.e.mu.Unlock()
	c.end()
	return nil
}

// releaseLocked drops what the session holds in the engine (watched keys, a
// pending transaction). The caller holds the engine lock.
func (c *client) releaseLocked() {
	c.abortBlock() // a blocked command is dropped (blocking.go)
	c.unwatchAll()
	c.multi = nil
}

// end marks the session done and forgets it; safe to call more than once.
// It does not take the engine lock.
func (c *client) end() {
	c.doneOnce.Do(func() {
		close(c.done)
		c.e.clients.remove(c)
	})
}

// clientRegistry holds the connected clients. It has its own lock so that
// sessions can come and go without the engine lock.
type clientRegistry struct {
	mu   sync.Mutex
	byID map[int64]*client
}

func (r *clientRegistry) add(c *client) {
	r.mu.Lock()
	if r.byID == nil {
		r.byID = make(map[int64]*client)
	}
	r.byID[c.id] = c
	r.mu.Unlock()
}

func (r *clientRegistry) remove(c *client) {
	r.mu.Lock()
	delete(r.byID, c.id)
	r.mu.Unlock()
}

// list returns the clients in connection order.
func (r *clientRegistry) list() []*client {
	r.mu.Lock()
	out := make([]*client, 0, len(r.byID))
	for _, c := range r.byID {
		out = append(out, c)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (r *clientRegistry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID)
}

func (r *clientRegistry) endAll() {
	for _, c := range r.list() {
		c.end()
	}
}
