package memory

import (
	"bytes"
	"context"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
)

// Blocking commands (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK...): commands
// that wait for a key to become ready, as Redis's blocked.c does.
//
// # Writing a blocking command
//
// The handler parses its timeout with blockTimeout (before looking at
// keys, as Redis does) and tries to serve the client at once. When it
// cannot, it returns what blockOnKeys returns:
//
//	deadline, err := c.blockTimeout(argv[len(argv)-1], true)
//	if err != nil {
//		return err
//	}
//	... serve from the first ready key and return nil ...
//	if !c.canBlock() { // inside MULTI/EXEC or a script
//		w.WriteNullArray() // what the command answers on a timeout
//		return nil
//	}
//	return c.blockOnKeys(kindZSet, keys, deadline)
//
// A command with more needs (XREADGROUP also wakes when a key is
// deleted; XREAD runs again with "$" resolved) returns a *blockOn it fills
// itself (nokey, argv).
//
// The dispatcher then parks the client: it is queued, first come first
// served, on each key, and its session releases the engine lock and waits.
// Nothing is written and the call is not counted yet.
//
// Every write to a key ends in db.modified, which marks the key ready when
// clients wait on it (signalKeyReady). After each top-level command (a
// MULTI/EXEC block or a script counts as one) the engine serves the ready
// keys: for each key, the clients that wait on it, oldest first, whose
// key now exists with the kind they wait for (blockOn.kind) are unblocked
// and their command is run again, by the dispatcher, on their behalf. A
// command that still cannot be served blocks again, keeping its deadline,
// at the end of the queues. Keys made ready while serving (BLMOVE pushes)
// are served in the same pass. So a key pushed and popped inside one
// transaction wakes nobody, and a client pushing and then blocking in one
// pipeline lets the clients already waiting go first.
//
// A blocked client is also released by its timeout (the command's
// timeout reply, blockOn.onTimeout), by CLIENT UNBLOCK (unblockWait), and
// by the end of its session (Close, CLIENT KILL, a disconnect noticed by
// the server through backend.BlockHook), which drops the command.
//
// INFO clients reports blocked_clients (stats.blockedClients) and
// total_blocking_keys (blockingKeyCounts); CLIENT LIST's "b" flag is
// client.isBlocked.

// blockOn is the error value with which a handler says that its client
// must wait (see blockOnKeys).
type blockOn struct {
	kind     kind
	keys     [][]byte
	deadline int64 // Unix ms; 0 waits forever
	// nokey also wakes the client when a key is deleted (XREADGROUP).
	nokey bool
	// argv, when set, is the command to run again once a key is ready
	// instead of the one received (XREAD resolves "$" to an ID first).
	argv [][]byte
	// onTimeout writes the reply for a timeout or CLIENT UNBLOCK; nil
	// writes a null array, as every Redis blocking command on keys does.
	onTimeout func(w resp.ReplyWriter)
}

func (*blockOn) Error() string { return "memory: command blocked" }

// blockOnKeys is what a blocking handler returns when it must wait until
// one of keys holds a value of kind k (or the deadline, Unix ms, passes;
// 0 waits forever). The caller has checked canBlock.
func (c *client) blockOnKeys(k kind, keys [][]byte, deadline int64) error {
	return &blockOn{kind: k, keys: keys, deadline: deadline}
}

// canBlock reports whether the running command may block. Inside
// MULTI/EXEC, or when the caller denies blocking (scripts), a blocking
// command answers as if its timeout had passed.
func (c *client) canBlock() bool { return c.blk.depth <= 1 && !c.blk.deny }

// isBlocked reports whether the client waits in a blocking command (the
// "b" flag of CLIENT LIST). The caller holds the engine lock.
func (c *client) isBlocked() bool { return c.blk.state != nil }

// blockTimeout reads a blocking command's timeout as Redis's
// getTimeoutFromObjectOrReply does: in seconds as a float (BLPOP...), or
// in milliseconds as an integer (XREAD BLOCK, WAIT) when !seconds. It
// returns the deadline in Unix ms, 0 for a timeout of 0 (forever).
func (c *client) blockTimeout(arg []byte, seconds bool) (int64, error) {
	var ms int64
	if seconds {
		f, ok := parseLongDouble(arg)
		if !ok {
			return 0, resp.ErrTimeoutNotFloat
		}
		f = newLD().Mul(f, big.NewFloat(1000))
		if f.Cmp(new(big.Float).SetInt64(math.MaxInt64)) > 0 {
			return 0, resp.ErrTimeoutRange
		}
		if f.IsInf() {
			return 0, resp.ErrTimeoutNegative
		}
		i, acc := f.Int(nil)
		if acc == big.Below { // a positive fraction: round up
			i.Add(i, big.NewInt(1))
		}
		if !i.IsInt64() {
			return 0, resp.ErrTimeoutNegative
		}
		ms = i.Int64()
	} else {
		n, ok := resp.ParseInt(arg)
		if !ok {
			return 0, resp.ErrTimeoutNotInt
		}
		ms = n
	}
	if ms < 0 {
		return 0, resp.ErrTimeoutNegative
	}
	if ms == 0 {
		return 0, nil
	}
	now := c.e.nowMs
	if ms > math.MaxInt64-now {
		return 0, resp.ErrTimeoutRange
	}
	return now + ms, nil
}

// clientBlocking is a client's part in blocking (the client's blk field).
type clientBlocking struct {
	// state is the wait the client is in, nil when it is not blocked.
	state *blockState
	// depth counts nested calls (EXEC runs its commands at depth 2).
	depth int
	// deny is set by callers under which commands must not block
	// (scripts).
	deny bool
	// rerun is the wait whose command is being run again: blocking again
	// keeps its deadline and its reply buffer.
	rerun *blockState
}

// blockState is one wait of a blocked client.
type blockState struct {
	entry     *cmdEntry
	argv      [][]byte
	db        *db
	kind      kind
	nokey     bool
	deadline  int64
	onTimeout func(w resp.ReplyWriter)
	keys      []string
	nodes     []*blockNode // the client's place in each key's queue
	// proto is the client's protocol, for out.
	proto int
	// out holds what is answered while the client's own goroutine waits
	// (the served command's reply, a CLIENT UNBLOCK reply); the waiter
	// copies it into the session's writer.
	out *resp.Writer
	// wake is closed when the wait ends other than by timing out.
	wake chan struct{}
	// aborted is set when the session ended during the wait.
	aborted bool
	// postponed is set when the command, run again for a ready key, was
	// held back by CLIENT PAUSE: the client's goroutine waits for the
	// pause to end and runs it once more (waitBlocked), as Redis turns
	// such a client into a postponed one.
	postponed bool
}

func (bs *blockState) writer() *resp.Writer {
	if bs.out == nil {
		bs.out = resp.NewWriter()
		bs.out.SetProto(bs.proto)
	}
	return bs.out
}

func (bs *blockState) timeoutReply(w resp.ReplyWriter) {
	if bs.onTimeout != nil {
		bs.onTimeout(w)
	} else {
		w.WriteNullArray()
	}
}

func (bs *blockState) waitsOn(key string) bool { return slices.Contains(bs.keys, key) }

// blockRegistry is the engine's part: keys signalled ready and not yet
// served (the Engine's blocking field).
type blockRegistry struct {
	ready []readyKey
}

type readyKey struct {
	d   *db
	key string
}

// blockedKeys is a database's part: who waits on which key (the db's
// blocked field, nil while nobody waits there).
type blockedKeys struct {
	e      *Engine
	queues map[string]*blockQueue
	// ready holds the keys already in the engine's ready list.
	ready map[string]struct{}
}

// blockQueue lists the clients waiting on one key, oldest first.
type blockQueue struct {
	head, tail *blockNode
	n          int
	nokey      int // how many of them also wake on deletion
}

type blockNode struct {
	prev, next *blockNode
	c          *client
}

func (q *blockQueue) pushBack(c *client) *blockNode {
	nd := &blockNode{prev: q.tail, c: c}
	if q.tail != nil {
		q.tail.next = nd
	} else {
		q.head = nd
	}
	q.tail = nd
	q.n++
	return nd
}

func (q *blockQueue) remove(nd *blockNode) {
	if nd.prev != nil {
		nd.prev.next = nd.next
	} else {
		q.head = nd.next
	}
	if nd.next != nil {
		nd.next.prev = nd.prev
	} else {
		q.tail = nd.prev
	}
	nd.prev, nd.next = nil, nil
	q.n--
}

// signalKeyReady records that key may now serve clients blocked on it; it
// costs nothing when nobody waits in the database. db.modified calls it
// for every write, so commands need not.
func (d *db) signalKeyReady(key []byte) {
	bk := d.blocked
	if bk == nil {
		return
	}
	if _, ok := bk.queues[string(key)]; !ok {
		return
	}
	if _, ok := bk.ready[string(key)]; ok {
		return
	}
	k := string(key)
	bk.ready[k] = struct{}{}
	bk.e.blocking.ready = append(bk.e.blocking.ready, readyKey{d, k})
}

// signalAllBlocked marks every key someone waits on in d as ready, for
// changes that replace the whole keyspace (SWAPDB).
func (d *db) signalAllBlocked() {
	if d.blocked == nil {
		return
	}
	for k := range d.blocked.queues {
		d.signalKeyReady(bytesOfString(k))
	}
}

// blockFor parks c on the keys b names. The dispatcher calls it when a
// handler returned a *blockOn; w is the writer of that call.
func (c *client) blockFor(entry *cmdEntry, argv [][]byte, w resp.ReplyWriter, b *blockOn) {
	if c.blk.depth > 0 || c.blk.deny {
		// A handler that did not ask canBlock, run where nothing may
		// wait (EXEC, a script): answer as a timeout would.
		(&blockState{onTimeout: b.onTimeout, entry: entry}).timeoutReply(w)
		entry.calls++
		return
	}
	bs := c.blk.rerun
	if bs == nil {
		bs = &blockState{entry: entry, db: c.db, deadline: b.deadline, proto: w.Proto(), wake: make(chan struct{})}
		if b.argv != nil {
			argv = b.argv
		}
		bs.argv = copyArgv(argv)
	} else if b.argv != nil {
		bs.argv = copyArgv(b.argv)
	}
	bs.kind, bs.nokey, bs.onTimeout = b.kind, b.nokey, b.onTimeout
	d := bs.db
	if d.blocked == nil {
		d.blocked = &blockedKeys{e: c.e, queues: map[string]*blockQueue{}, ready: map[string]struct{}{}}
	}
	for _, k := range b.keys {
		if bs.waitsOn(string(k)) {
			continue
		}
		key := string(k)
		q := d.blocked.queues[key]
		if q == nil {
			q = &blockQueue{}
			d.blocked.queues[key] = q
		}
		bs.keys = append(bs.keys, key)
		bs.nodes = append(bs.nodes, q.pushBack(c))
		if bs.nokey {
			q.nokey++
		}
	}
	c.blk.state = bs
	c.e.stats.blockedClients.Add(1)
}

func copyArgv(argv [][]byte) [][]byte {
	cp := make([][]byte, len(argv))
	for i, a := range argv {
		cp[i] = slices.Clone(a)
	}
	return cp
}

// leaveQueues takes c out of the key queues; the caller ends or resumes
// the wait.
func (c *client) leaveQueues() *blockState {
	bs := c.blk.state
	d := bs.db
	for i, k := range bs.keys {
		q := d.blocked.queues[k]
		q.remove(bs.nodes[i])
		if bs.nokey {
			q.nokey--
		}
		if q.n == 0 {
			delete(d.blocked.queues, k)
		}
	}
	bs.keys, bs.nodes = bs.keys[:0], bs.nodes[:0]
	if len(d.blocked.queues) == 0 {
		d.blocked = nil
	}
	c.blk.state = nil
	c.e.stats.blockedClients.Add(-1)
	return bs
}

// abortBlock drops c's wait without a reply, as its session ends. The
// caller holds the engine lock.
func (c *client) abortBlock() {
	if c.blk.state == nil {
		return
	}
	bs := c.leaveQueues()
	bs.aborted = true
	close(bs.wake)
}

// account counts a blocked command that ended without running again (a
// timeout or CLIENT UNBLOCK), as Redis's updateStatsOnUnblock does.
func (bs *blockState) account(failed bool) {
	bs.entry.calls++
	if failed {
		bs.entry.failed++
	}
}

// unblockWait ends c's wait as CLIENT UNBLOCK does: with the command's
// timeout reply, or with an UNBLOCKED error when byError. It reports
// whether c was blocked (a client held by CLIENT PAUSE is not). The
// caller holds the engine lock.
func (c *client) unblockWait(byError bool) bool {
	if c.blk.state == nil {
		return false
	}
	bs := c.leaveQueues()
	out := bs.writer()
	if byError {
		err := resp.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
		c.e.stats.countError(err)
		out.WriteError(string(err))
	} else {
		bs.timeoutReply(out)
	}
	bs.account(byError)
	close(bs.wake)
	return true
}

// blockingKeyCounts returns INFO's total_blocking_keys and
// total_blocking_keys_on_nokey. The caller holds the engine lock.
func (e *Engine) blockingKeyCounts() (keys, nokey int) {
	for _, d := range e.dbs {
		if d.blocked == nil {
			continue
		}
		keys += len(d.blocked.queues)
		for _, q := range d.blocked.queues {
			if q.nokey > 0 {
				nokey++
			}
		}
	}
	return keys, nokey
}

// handleReadyKeys serves the clients blocked on keys signalled ready, in
// the order the keys were signalled and, per key, in the order the
// clients blocked. The caller holds the engine lock.
func (e *Engine) handleReadyKeys() {
	for len(e.blocking.ready) > 0 {
		batch := e.blocking.ready
		e.blocking.ready = nil
		// Serving is a new command for the clients served: read the
		// clock again (a transaction may have run for a while).
		e.refreshClock()
		for _, rk := range batch {
			bk := rk.d.blocked
			if bk == nil {
				continue
			}
			delete(bk.ready, rk.key)
			q := bk.queues[rk.key]
			if q == nil {
				continue
			}
			waiters := make([]*client, 0, q.n)
			for nd := q.head; nd != nil; nd = nd.next {
				waiters = append(waiters, nd.c)
			}
			key := bytesOfString(rk.key)
			for _, r := range waiters {
				bs := r.blk.state
				if bs == nil || bs.db != rk.d || !bs.waitsOn(rk.key) {
					continue
				}
				o := rk.d.lookup(key)
				if o != nil && rk.d.expired(key, e.nowMs) {
					o = nil // expired: not ready, and left for expiry to delete
				}
				if (o == nil || o.kind != bs.kind) && !bs.nokey {
					continue
				}
				r.serveBlocked()
			}
		}
	}
}

// refreshClock reads the engine's clock again within a batch.
func (e *Engine) refreshClock() {
	if e.fakeClock {
		e.nowMs = e.opts.Now().UnixMilli()
	} else {
		e.nowMs = time.Now().UnixMilli()
	}
}

// serveBlocked unblocks c and runs its command again, writing the reply
// for c's goroutine to pick up; if the command blocks again, c stays
// blocked with its deadline.
func (c *client) serveBlocked() {
	bs := c.leaveQueues()
	c.blk.rerun = bs
	if c.exec(bs.argv, bs.writer()) {
		// Held back by CLIENT PAUSE: nothing ran. Waiting on the keys
		// again would miss the end of the pause; the client waits for it
		// instead (waitBlocked).
		bs.postponed = true
	}
	c.blk.rerun = nil
	if c.blk.state == nil {
		close(bs.wake)
	}
}

// afterCommand runs after each top-level command of a session: it serves
// the clients blocked on keys the command made ready, then, if the command
// itself blocked, waits. It reports false when the session ended while
// waiting. The caller holds the engine lock.
func (c *client) afterCommand(ctx context.Context, w resp.ReplyWriter) bool {
	if len(c.e.blocking.ready) > 0 {
		c.e.handleReadyKeys()
	}
	if c.blk.state == nil {
		return true
	}
	return c.waitBlocked(ctx, w)
}

// waitBlocked waits, without the engine lock, until c's blocking command
// is served, times out or is unblocked, or the session ends. It is called
// and returns with the engine lock held.
func (c *client) waitBlocked(ctx context.Context, w resp.ReplyWriter) bool {
	e := c.e
	bs := c.blk.state
	var timeout <-chan time.Time
	if bs.deadline > 0 {
		t := time.NewTimer(time.Duration(bs.deadline-e.nowMs) * time.Millisecond)
		defer t.Stop()
		timeout = t.C
	}
	e.unlock()
	var gone <-chan struct{}
	stop := func() {}
	if hook := backend.BlockHookFrom(ctx); hook != nil {
		gone, stop = hook()
	}
	timedOut, left := false, false
	select {
	case <-bs.wake:
	case <-timeout:
		timedOut = true
	case <-gone:
		left = true
	case <-c.done:
		left = true
	case <-ctx.Done():
		left = true
	}
	stop()
	e.lock()
	if c.blk.state == bs {
		// Still waiting (perhaps again, after a run that blocked anew).
		c.leaveQueues()
		if !timedOut || left {
			return false
		}
		bs.timeoutReply(w)
		bs.account(false)
		return true
	}
	if bs.aborted {
		return false
	}
	if bs.postponed {
		return c.rerunPostponed(ctx, w, bs)
	}
	if bs.out != nil {
		copyReplies(w, bs.out.Bytes())
	}
	return true
}

// rerunPostponed runs again, once CLIENT PAUSE allows it, a blocked
// command that a ready key woke while the pause held it back; if it
// blocks again it keeps its deadline. Like waitBlocked, it is called and
// returns with the engine lock held, and reports false when the session
// ended meanwhile.
func (c *client) rerunPostponed(ctx context.Context, w resp.ReplyWriter, bs *blockState) bool {
	bs.postponed = false
	bs.wake = make(chan struct{})
	c.blk.rerun = bs
	defer func() { c.blk.rerun = nil }()
	for c.exec(bs.argv, w) {
		if !c.waitUnpause(ctx) {
			return false
		}
	}
	c.blk.rerun = nil
	return c.afterCommand(ctx, w)
}

// copyReplies writes encoded replies to w: as they are when w takes raw
// RESP, decoded and written again otherwise.
func copyReplies(w resp.ReplyWriter, b []byte) {
	if len(b) == 0 {
		return
	}
	if raw, ok := w.(interface{ WriteRaw([]byte) }); ok {
		raw.WriteRaw(b)
		return
	}
	rd := resp.NewReader(bytes.NewReader(b))
	for {
		v, err := rd.ReadValue()
		if err != nil {
			return
		}
		resp.WriteValue(w, v)
	}
}
