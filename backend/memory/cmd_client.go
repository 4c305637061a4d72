package memory

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
)

// Client commands: CLIENT ID INFO LIST KILL SETNAME GETNAME SETINFO REPLY
// NO-EVICT NO-TOUCH PAUSE UNPAUSE UNBLOCK HELP.
//
// Client-side caching (CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO)
// is not implemented, so those subcommands are not registered.
//
// Besides the handlers, this file holds the per-connection state they set
// (clientOpts) and the two mechanisms the session applies around every
// command (client.run): CLIENT REPLY OFF|SKIP drops the command's replies
// through a replyGate, and CLIENT PAUSE makes the session wait, outside
// the engine lock, before running the command.
var clientCommands = map[string]handler{
	"client|id":       cmdClientID,
	"client|info":     cmdClientInfo,
	"client|list":     cmdClientList,
	"client|kill":     cmdClientKill,
	"client|setname":  cmdClientSetName,
	"client|getname":  cmdClientGetName,
	"client|setinfo":  cmdClientSetInfo,
	"client|reply":    cmdClientReply,
	"client|no-evict": cmdClientNoEvict,
	"client|no-touch": cmdClientNoTouch,
	"client|pause":    cmdClientPause,
	"client|unpause":  cmdClientUnpause,
	"client|unblock":  cmdClientUnblock,
	"client|help":     cmdClientHelp,
}

// clientOpts is the connection state the CLIENT subcommands set. It lives
// in client.opts and is read and written under the engine lock.
type clientOpts struct {
	// replyOff is CLIENT REPLY OFF: no replies until CLIENT REPLY ON.
	replyOff bool
	// replySkip drops the replies of the command running now; it is set
	// for the one command after CLIENT REPLY SKIP (from replySkipNext).
	replySkip     bool
	replySkipNext bool
	// gate is the reply writer handed to commands while replies are off
	// or skipped; kept here so that using it allocates nothing.
	gate replyGate

	noEvict bool // CLIENT NO-EVICT ON (flag e)
	noTouch bool // CLIENT NO-TOUCH ON (flag T)

	// postponed is set while the session waits for CLIENT PAUSE to end
	// (flag b, counted in blocked_clients).
	postponed bool

	// replyPeak is the largest batch of replies (bytes) seen since
	// replyPeakMs, for CLIENT LIST's rbp; the window restarts every five
	// seconds, as Redis's peak does.
	replyPeak   int
	replyPeakMs int64
}

// resetClientOpts is RESET's part of the CLIENT state: replies back on,
// NO-EVICT and NO-TOUCH off. A SKIP already applying to RESET itself
// stays, as in Redis; lib-name and lib-ver are kept.
func (c *client) resetClientOpts() {
	c.opts.replyOff = false
	c.opts.replySkipNext = false
	c.opts.noEvict = false
	c.opts.noTouch = false
}

// run executes one top-level command of the session; the engine lock is
// held. It returns false when the session must stop running the batch:
// it was ended (CLIENT KILL) or will close after this reply (QUIT).
//
// While CLIENT REPLY OFF or SKIP is in effect the command writes through
// a replyGate, which drops what it writes unless the command itself turns
// replies back on. A command held back by CLIENT PAUSE makes run wait,
// with the lock released, and then try it again, so the session's later
// commands stay behind it.
func (c *client) run(ctx context.Context, argv [][]byte, w resp.ReplyWriter) bool {
	if c.ended() {
		return false
	}
	rw := w
	if c.opts.replyOff || c.opts.replySkip {
		c.opts.gate = replyGate{c: c, w: w}
		rw = &c.opts.gate
	}
	for c.exec(argv, rw) {
		if !c.waitUnpause(ctx) {
			return false
		}
	}
	// Serve the clients blocked on keys the command made ready, and wait
	// here if the command blocked itself (blocking.go): its reply, when
	// it comes, passes the same gate, and a SKIP covers it.
	if !c.afterCommand(ctx, rw) {
		return false
	}
	c.opts.replySkip, c.opts.replySkipNext = c.opts.replySkipNext, false
	return !c.closeAfterReply
}

// ended reports whether the session was ended (CLIENT KILL, SHUTDOWN).
func (c *client) ended() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// noteReplies records the size of a batch's replies for CLIENT LIST's
// rbp, when w can tell it. The engine lock is held.
func (c *client) noteReplies(w resp.ReplyWriter) {
	lw, ok := w.(interface{ Len() int })
	if !ok {
		return
	}
	if c.e.nowMs-c.opts.replyPeakMs >= 5000 {
		c.opts.replyPeak, c.opts.replyPeakMs = 0, c.e.nowMs
	}
	c.opts.replyPeak = max(c.opts.replyPeak, lw.Len())
}

// ---------------------------------------------------------------------------
// CLIENT REPLY

// replyGate is the reply writer of a command run while CLIENT REPLY OFF or
// SKIP applies. It asks at every write whether replies are on, as Redis
// does, so that CLIENT REPLY ON (and RESET) answer although the command
// started with replies off.
type replyGate struct {
	c *client
	w resp.ReplyWriter
}

var _ resp.ReplyWriter = (*replyGate)(nil)

func (g *replyGate) on() bool { return !g.c.opts.replyOff && !g.c.opts.replySkip }

func (g *replyGate) Proto() int     { return g.w.Proto() }
func (g *replyGate) SetProto(p int) { g.w.SetProto(p) }

func (g *replyGate) WriteSimple(s string) {
	if g.on() {
		g.w.WriteSimple(s)
	}
}

func (g *replyGate) WriteError(msg string) {
	if g.on() {
		g.w.WriteError(msg)
	}
}

func (g *replyGate) WriteInt(n int64) {
	if g.on() {
		g.w.WriteInt(n)
	}
}

func (g *replyGate) WriteBulk(b []byte) {
	if g.on() {
		g.w.WriteBulk(b)
	}
}

func (g *replyGate) WriteBulkString(s string) {
	if g.on() {
		g.w.WriteBulkString(s)
	}
}

func (g *replyGate) WriteNull() {
	if g.on() {
		g.w.WriteNull()
	}
}

func (g *replyGate) WriteNullArray() {
	if g.on() {
		g.w.WriteNullArray()
	}
}

func (g *replyGate) WriteArray(n int) {
	if g.on() {
		g.w.WriteArray(n)
	}
}

func (g *replyGate) WriteMap(n int) {
	if g.on() {
		g.w.WriteMap(n)
	}
}

func (g *replyGate) WriteSet(n int) {
	if g.on() {
		g.w.WriteSet(n)
	}
}

func (g *replyGate) WritePush(n int) {
	if g.on() {
		g.w.WritePush(n)
	}
}

func (g *replyGate) WriteDouble(f float64) {
	if g.on() {
		g.w.WriteDouble(f)
	}
}

func (g *replyGate) WriteBool(b bool) {
	if g.on() {
		g.w.WriteBool(b)
	}
}

func (g *replyGate) WriteBigNumber(s string) {
	if g.on() {
		g.w.WriteBigNumber(s)
	}
}

func (g *replyGate) WriteVerbatim(format, text string) {
	if g.on() {
		g.w.WriteVerbatim(format, text)
	}
}

func cmdClientReply(c *client, argv [][]byte, w resp.ReplyWriter) error {
	switch strings.ToLower(string(argv[2])) {
	case "on":
		c.opts.replyOff, c.opts.replySkip = false, false
		w.WriteSimple("OK")
	case "off":
		c.opts.replyOff = true
	case "skip":
		if !c.opts.replyOff {
			c.opts.replySkipNext = true
		}
	default:
		return resp.ErrSyntax
	}
	return nil
}

// ---------------------------------------------------------------------------
// CLIENT PAUSE / UNPAUSE

// clientPause is the server-wide CLIENT PAUSE state, in Engine.pause,
// guarded by the engine lock. It uses the real clock, not the engine's
// (which tests may freeze): a pause is about how long clients wait.
type clientPause struct {
	active bool
	all    bool // ALL; otherwise WRITE
	end    time.Time
	// lifted is closed, and replaced, when the pause ends early (CLIENT
	// UNPAUSE), so that waiting sessions look again at once. A pause
	// that runs out is noticed by each waiter's own timer.
	lifted chan struct{}
}

// maxPauseMs caps a pause's length so that it fits a time.Duration; a
// pause of 100 years is forever for every practical purpose.
const maxPauseMs = 100 * 365 * 24 * 3600 * 1000

// pause starts or extends a pause, as Redis does: a new pause never ends
// an existing one sooner, and WRITE does not weaken an active ALL. A
// timeout of 0 changes nothing but the mode of an active pause.
func (p *clientPause) pause(ms int64, all bool, now time.Time) {
	p.expire(now)
	if p.active && p.all {
		all = true
	}
	if ms > 0 {
		if end := now.Add(time.Duration(min(ms, maxPauseMs)) * time.Millisecond); !p.active || end.After(p.end) {
			p.end = end
		}
		p.active = true
	}
	if p.active {
		p.all = all
	}
}

// expire ends a pause whose time has passed.
func (p *clientPause) expire(now time.Time) {
	if p.active && !now.Before(p.end) {
		p.active, p.all = false, false
	}
}

// writesPausedAt reports whether writes, and so expiry, are paused at
// nowMs (Unix milliseconds): under CLIENT PAUSE WRITE and ALL alike.
func (p *clientPause) writesPausedAt(nowMs int64) bool {
	return p.active && nowMs < p.end.UnixMilli()
}

// unpause ends the pause now and wakes the waiting sessions.
func (p *clientPause) unpause() {
	p.active, p.all = false, false
	if p.lifted != nil {
		close(p.lifted)
		p.lifted = nil
	}
}

// pausedFor reports whether CLIENT PAUSE holds back the command spec of c
// now: every command under ALL; under WRITE the ones that write or may
// replicate, and an EXEC whose transaction holds one. The engine lock is
// held.
func (c *client) pausedFor(spec *command.Spec) bool {
	p := &c.e.pause
	if !p.active {
		return false
	}
	p.expire(time.Now())
	if !p.active {
		return false
	}
	if p.all {
		return true
	}
	const writing = command.Write | command.MayReplicate
	if spec.Flags&writing != 0 {
		return true
	}
	if spec.Name == "exec" && spec.Parent == nil && c.multi != nil {
		for _, q := range c.multi.cmds {
			if q.entry.spec.Flags&writing != 0 {
				return true
			}
		}
	}
	return false
}

// waitUnpause waits, with the engine lock released, until the pause that
// held back c's command may be over. It is called and returns with the
// lock held. It reports false when the session ended meanwhile.
func (c *client) waitUnpause(ctx context.Context) bool {
	p := &c.e.pause
	if p.lifted == nil {
		p.lifted = make(chan struct{})
	}
	lifted, end := p.lifted, p.end
	c.opts.postponed = true
	c.e.stats.blockedClients.Add(1)
	c.e.unlock()

	// Like a blocked command (waitBlocked), a postponed one lets the
	// server send the replies before it and notice a client that goes
	// away, which Redis frees at once, dropping the command.
	var gone <-chan struct{}
	stop := func() {}
	if hook := backend.BlockHookFrom(ctx); hook != nil {
		gone, stop = hook()
	}
	t := time.NewTimer(time.Until(end))
	ok := true
	select {
	case <-lifted:
	case <-t.C:
	case <-gone:
		ok = false
	case <-c.done:
		ok = false
	case <-ctx.Done():
		ok = false
	}
	t.Stop()
	stop()

	c.e.lock()
	c.opts.postponed = false
	c.e.stats.blockedClients.Add(-1)
	return ok
}

func cmdClientPause(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv) > 4 {
		return resp.ErrUnknownSubcommandOrArgs(argv[1], "client")
	}
	all := true
	if len(argv) == 4 {
		switch strings.ToLower(string(argv[3])) {
		case "write":
			all = false
		case "all":
		default:
			return resp.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
		}
	}
	ms, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrTimeoutNotInt
	}
	if ms < 0 {
		return resp.ErrTimeoutNegative
	}
	// Redis turns the timeout into an absolute time in ms and refuses
	// one that overflows.
	if ms > 0 && ms > math.MaxInt64-c.e.nowMs {
		return resp.ErrTimeoutRange
	}
	c.e.pause.pause(ms, all, time.Now())
	w.WriteSimple("OK")
	return nil
}

func cmdClientUnpause(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.e.pause.unpause()
	w.WriteSimple("OK")
	return nil
}

// ---------------------------------------------------------------------------
// CLIENT ID INFO LIST

func cmdClientID(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteInt(c.id)
	return nil
}

func cmdClientInfo(c *client, argv [][]byte, w resp.ReplyWriter) error {
	b := c.appendClientLine(nil, c, argv, w)
	w.WriteVerbatim("txt", string(append(b, '\n')))
	return nil
}

func cmdClientList(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var clients []*client
	switch {
	case len(argv) == 2:
		clients = c.e.clients.list()
	case len(argv) == 4 && strings.EqualFold(string(argv[2]), "type"):
		t, ok := parseClientType(argv[3])
		if !ok {
			return resp.Error("ERR Unknown client type '" + string(argv[3]) + "'")
		}
		for _, cl := range c.e.clients.list() {
			if cl.clientType() == t {
				clients = append(clients, cl)
			}
		}
	case len(argv) > 3 && strings.EqualFold(string(argv[2]), "id"):
		ids := make([]int64, len(argv)-3)
		for i, a := range argv[3:] {
			id, ok := resp.ParseInt(a)
			if !ok {
				return resp.Error("ERR Invalid client ID")
			}
			ids[i] = id
		}
		for _, id := range ids {
			if cl := c.e.clients.get(id); cl != nil {
				clients = append(clients, cl)
			}
		}
	default:
		return resp.ErrSyntax
	}
	var b []byte
	for _, cl := range clients {
		b = c.appendClientLine(b, cl, argv, w)
		b = append(b, '\n')
	}
	w.WriteVerbatim("txt", string(b))
	return nil
}

// get returns the connected client with the given id, or nil.
func (r *clientRegistry) get(id int64) *client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// Client types, for the TYPE filters of CLIENT LIST and KILL. rk has no
// replication links, so no client is a master or a replica.
const (
	clientNormal = iota
	clientReplica
	clientMaster
	clientPubSub
)

func parseClientType(b []byte) (int, bool) {
	switch strings.ToLower(string(b)) {
	case "normal":
		return clientNormal, true
	case "replica", "slave":
		return clientReplica, true
	case "master":
		return clientMaster, true
	case "pubsub":
		return clientPubSub, true
	}
	return 0, false
}

// clientType is pubsub for a client subscribed to anything, in RESP2 or
// RESP3, and normal otherwise (MONITOR clients included).
func (c *client) clientType() int {
	if sub, psub, ssub := c.subscriptions(); sub+psub+ssub > 0 {
		return clientPubSub
	}
	return clientNormal
}

// subscriptions counts c's channel, pattern and shard-channel
// subscriptions, for CLIENT LIST's sub, psub and ssub, the P flag and the
// pubsub client type. Pub/sub is not implemented yet, so there are none;
// the pub/sub code replaces this body.
func (c *client) subscriptions() (sub, psub, ssub int) { return 0, 0, 0 }

// Sizes CLIENT LIST reports for a connection's buffers: the server reads
// commands into a 16 KiB buffer and gathers replies in another, and a
// session costs roughly clientOverhead bytes besides (its structures and
// the connection goroutine's stack).
const (
	queryBufSize   = 16 * 1024
	replyBufSize   = 16 * 1024
	clientOverhead = 8 * 1024
)

// appendClientLine appends cl's CLIENT LIST line, without the newline.
// c is the client running CLIENT LIST or INFO with arguments argv, which
// writes its reply to w: its own line shows the command being run as the
// query buffer and the replies not yet sent as the output buffer. Other
// clients are between commands, with nothing buffered.
func (c *client) appendClientLine(b []byte, cl *client, argv [][]byte, w resp.ReplyWriter) []byte {
	var qbuf, argvMem, obl int
	if cl == c {
		qbuf, argvMem = commandSize(argv)
		if lw, ok := w.(interface{ Len() int }); ok {
			obl = lw.Len()
		}
	}
	rbs := max(replyBufSize, cl.opts.replyPeak)
	omem := 0
	if obl > rbs {
		obl, omem = rbs, obl-rbs
	}
	oll := 0
	if omem > 0 {
		oll = 1
	}
	multiCmds, multiMem := -1, 0
	if cl.multi != nil {
		multiCmds = len(cl.multi.cmds)
		for _, q := range cl.multi.cmds {
			_, n := commandSize(q.argv)
			multiMem += n + 8*len(q.argv)
		}
	}
	sub, psub, ssub := cl.subscriptions()
	totMem := clientOverhead + queryBufSize + max(qbuf-queryBufSize, 0) + argvMem + multiMem + rbs + omem +
		len(cl.name) + len(cl.libName) + len(cl.libVer) + 64*len(cl.watched)
	cmd := "NULL"
	if cl.lastCmd != nil {
		cmd = cl.lastCmd.FullName()
	}
	nowS := c.e.nowMs / 1000

	b = appendField(b, "id=", cl.id)
	b = append(b, " addr="...)
	b = append(b, cl.info.Addr...)
	b = append(b, " laddr="...)
	b = append(b, cl.info.LAddr...)
	b = appendField(b, " fd=", int64(cl.info.FD))
	b = append(b, " name="...)
	b = append(b, cl.name...)
	b = appendField(b, " age=", nowS-cl.createdMs/1000)
	b = appendField(b, " idle=", nowS-cl.lastMs/1000)
	b = append(b, " flags="...)
	b = cl.appendFlags(b)
	b = appendField(b, " db=", int64(cl.db.id))
	b = appendField(b, " sub=", int64(sub))
	b = appendField(b, " psub=", int64(psub))
	b = appendField(b, " ssub=", int64(ssub))
	b = appendField(b, " multi=", int64(multiCmds))
	b = appendField(b, " watch=", int64(len(cl.watched)))
	b = appendField(b, " qbuf=", int64(qbuf))
	b = appendField(b, " qbuf-free=", int64(max(queryBufSize-qbuf, 0)))
	b = appendField(b, " argv-mem=", int64(argvMem))
	b = appendField(b, " multi-mem=", int64(multiMem))
	b = appendField(b, " rbs=", int64(rbs))
	b = appendField(b, " rbp=", int64(cl.opts.replyPeak))
	b = appendField(b, " obl=", int64(obl))
	b = appendField(b, " oll=", int64(oll))
	b = appendField(b, " omem=", int64(omem))
	b = appendField(b, " tot-mem=", int64(totMem))
	b = append(b, " events=r cmd="...)
	b = append(b, cmd...)
	b = append(b, " user="...)
	b = append(b, cl.user...)
	b = append(b, " redir=-1 resp="...)
	b = strconv.AppendInt(b, int64(cl.proto), 10)
	b = append(b, " lib-name="...)
	b = append(b, cl.libName...)
	b = append(b, " lib-ver="...)
	b = append(b, cl.libVer...)
	return b
}

func appendField(b []byte, key string, n int64) []byte {
	return strconv.AppendInt(append(b, key...), n, 10)
}

// commandSize returns the size of argv as a RESP request (what a query
// buffer holds) and the total length of its arguments.
func commandSize(argv [][]byte) (wire, args int) {
	var buf [20]byte
	wire = 3 + len(strconv.AppendInt(buf[:0], int64(len(argv)), 10))
	for _, a := range argv {
		wire += 5 + len(strconv.AppendInt(buf[:0], int64(len(a)), 10)) + len(a)
		args += len(a)
	}
	return wire, args
}

// appendFlags appends c's CLIENT LIST flag letters, in Redis's order, or
// N for none. rk has no replication links and no client-side caching, so
// O, S, M, t, R, B, A and r never appear.
func (c *client) appendFlags(b []byte) []byte {
	n := len(b)
	if sub, psub, ssub := c.subscriptions(); sub+psub+ssub > 0 {
		b = append(b, 'P')
	}
	if c.multi != nil {
		b = append(b, 'x')
	}
	if c.opts.postponed || c.isBlocked() { // isBlocked: blocking.go
		b = append(b, 'b')
	}
	if c.watchTouched {
		b = append(b, 'd')
	}
	if c.closeAfterReply {
		b = append(b, 'c')
	}
	if c.info.Unix {
		b = append(b, 'U')
	}
	if c.opts.noEvict {
		b = append(b, 'e')
	}
	if c.opts.noTouch {
		b = append(b, 'T')
	}
	if len(b) == n {
		b = append(b, 'N')
	}
	return b
}

// ---------------------------------------------------------------------------
// CLIENT KILL

// killFilter is what CLIENT KILL matches, every given filter at once.
type killFilter struct {
	addr, laddr, user *string
	typ               int // -1: any
	id                int64
	maxAge            int64
	skipMe            bool
}

// parseKillFilter reads CLIENT KILL's arguments: the old form (one
// address, which may be the caller's own) or filter/value pairs, checked
// left to right so that the first bad one decides the error.
func (c *client) parseKillFilter(argv [][]byte) (killFilter, error) {
	f := killFilter{typ: -1, skipMe: true}
	if len(argv) == 3 {
		addr := string(argv[2])
		f.addr, f.skipMe = &addr, false
		return f, nil
	}
	for i := 2; i < len(argv); i += 2 {
		if i+1 >= len(argv) {
			return f, resp.ErrSyntax
		}
		val := argv[i+1]
		switch strings.ToLower(string(argv[i])) {
		case "id":
			id, ok := resp.ParseInt(val)
			if !ok || id < 1 {
				return f, resp.Error("ERR client-id should be greater than 0")
			}
			f.id = id
		case "maxage":
			age, ok := resp.ParseInt(val)
			if !ok {
				return f, resp.Error("ERR maxage is not an integer or out of range")
			}
			if age <= 0 {
				return f, resp.Error("ERR maxage should be greater than 0")
			}
			f.maxAge = age
		case "type":
			t, ok := parseClientType(val)
			if !ok {
				return f, resp.Error("ERR Unknown client type '" + string(val) + "'")
			}
			f.typ = t
		case "addr":
			s := string(val)
			f.addr = &s
		case "laddr":
			s := string(val)
			f.laddr = &s
		case "user":
			s := string(val)
			if !c.e.userExists(s) {
				return f, resp.Error("ERR No such user '" + s + "'")
			}
			f.user = &s
		case "skipme":
			switch strings.ToLower(string(val)) {
			case "yes":
				f.skipMe = true
			case "no":
				f.skipMe = false
			default:
				return f, resp.ErrSyntax
			}
		default:
			return f, resp.ErrSyntax
		}
	}
	return f, nil
}

// userExists reports whether an ACL user of that name exists. Until ACL
// users can be created, "default" is the only one; the ACL code replaces
// this body.
func (e *Engine) userExists(name string) bool { return name == "default" }

// matches reports whether cl passes every filter; c runs CLIENT KILL.
func (f *killFilter) matches(c, cl *client) bool {
	switch {
	case f.addr != nil && cl.info.Addr != *f.addr,
		f.laddr != nil && cl.info.LAddr != *f.laddr,
		f.typ >= 0 && cl.clientType() != f.typ,
		f.id != 0 && cl.id != f.id,
		f.user != nil && cl.user != *f.user,
		f.skipMe && cl == c,
		f.maxAge != 0 && c.e.nowMs/1000-cl.createdMs/1000 < f.maxAge:
		return false
	}
	return true
}

func cmdClientKill(c *client, argv [][]byte, w resp.ReplyWriter) error {
	f, err := c.parseKillFilter(argv)
	if err != nil {
		return err
	}
	killed := 0
	for _, cl := range c.e.clients.list() {
		if !f.matches(c, cl) {
			continue
		}
		killed++
		if cl == c {
			// The caller gets its reply first, then its connection
			// closes.
			c.closeAfterReply = true
		} else {
			cl.kill()
		}
	}
	if len(argv) == 3 {
		if killed == 0 {
			return resp.Error("ERR No such client")
		}
		w.WriteSimple("OK")
		return nil
	}
	w.WriteInt(int64(killed))
	return nil
}

// kill ends another session at once: what it holds in the engine is
// released now (the engine lock is held), and its owner closes the
// connection without running anything more.
func (c *client) kill() {
	c.releaseLocked()
	c.end()
}

// ---------------------------------------------------------------------------
// CLIENT SETNAME GETNAME SETINFO

func cmdClientSetName(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if err := validClientName(argv[2]); err != nil {
		return err
	}
	c.name = string(argv[2])
	w.WriteSimple("OK")
	return nil
}

func cmdClientGetName(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if c.name == "" {
		w.WriteNull()
		return nil
	}
	w.WriteBulkString(c.name)
	return nil
}

func cmdClientSetInfo(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var dst *string
	switch attr := string(argv[2]); strings.ToLower(attr) {
	case "lib-name":
		dst = &c.libName
	case "lib-ver":
		dst = &c.libVer
	default:
		return resp.Error("ERR Unrecognized option '" + attr + "'")
	}
	if !isClientAttr(argv[3]) {
		return resp.Error("ERR " + string(argv[2]) + " cannot contain spaces, newlines or special characters.")
	}
	*dst = string(argv[3])
	w.WriteSimple("OK")
	return nil
}

// isClientAttr reports whether b may be shown in a CLIENT LIST field:
// printable ASCII without spaces, so that the line splits on spaces.
func isClientAttr(b []byte) bool {
	for _, ch := range b {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// CLIENT NO-EVICT NO-TOUCH

// onOff parses ON or OFF (any case).
func onOff(b []byte) (bool, error) {
	switch strings.ToLower(string(b)) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, resp.ErrSyntax
}

func cmdClientNoEvict(c *client, argv [][]byte, w resp.ReplyWriter) error {
	on, err := onOff(argv[2])
	if err != nil {
		return err
	}
	// rk does not evict clients (maxmemory-clients); the flag is kept and
	// shown.
	c.opts.noEvict = on
	w.WriteSimple("OK")
	return nil
}

func cmdClientNoTouch(c *client, argv [][]byte, w resp.ReplyWriter) error {
	on, err := onOff(argv[2])
	if err != nil {
		return err
	}
	c.opts.noTouch = on
	w.WriteSimple("OK")
	return nil
}

// touchKey records an access to o (its LRU time), unless the client is in
// CLIENT NO-TOUCH mode (TOUCH records its own).
func (c *client) touchKey(o *object) {
	if c.opts.noTouch {
		return
	}
	o.lru = c.e.lruClock()
}

// ---------------------------------------------------------------------------
// CLIENT UNBLOCK

func cmdClientUnblock(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv) > 4 {
		return resp.ErrUnknownSubcommandOrArgs(argv[1], "client")
	}
	byError := false
	if len(argv) == 4 {
		switch strings.ToLower(string(argv[3])) {
		case "timeout":
		case "error":
			byError = true
		default:
			return resp.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
		}
	}
	id, ok := resp.ParseInt(argv[2])
	if !ok {
		return resp.ErrNotInt
	}
	if cl := c.e.clients.get(id); cl != nil && cl.unblock(byError) {
		w.WriteInt(1)
		return nil
	}
	w.WriteInt(0)
	return nil
}

// unblock ends c's blocking command (BLPOP and the like) early, as if it
// timed out or, byError, with an UNBLOCKED error, and reports whether c
// was blocked (blocking.go). A session waiting for CLIENT PAUSE is not
// blocked in this sense.
func (c *client) unblock(byError bool) bool { return c.unblockWait(byError) }

// ---------------------------------------------------------------------------
// CLIENT HELP

func cmdClientHelp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	writeSubcommandHelp(w, "client", []string{
		"GETNAME",
		"    Show the name of this connection.",
		"ID",
		"    Show this connection's unique id.",
		"INFO",
		"    Describe this connection, in CLIENT LIST's format.",
		"KILL <ip:port>",
		"    Close the connection coming from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Close the connections matching every option given. Options:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      The connection's remote address.",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      The local address the connection was made to.",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      The kind of connection.",
		"    * USER <username>",
		"      The user the connection is authenticated as.",
		"    * SKIPME (YES|NO)",
		"      Whether to leave this connection alone (default: yes).",
		"    * ID <client-id>",
		"      The connection's id.",
		"    * MAXAGE <maxage>",
		"      Connections at least <maxage> seconds old.",
		"LIST [options ...]",
		"    Describe connections, one line each. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Only connections of this kind.",
		"    * ID <client-id> [<client-id> ...]",
		"      Only the connections with these ids.",
		"UNPAUSE",
		"    End a CLIENT PAUSE now.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Hold back every command, or only writes, for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Turn this connection's replies on or off, or drop only the next one.",
		"SETNAME <name>",
		"    Name this connection <name> (empty to clear it).",
		"SETINFO <option> <value>",
		"    Record facts about the client library. Options:",
		"    * LIB-NAME: the library's name.",
		"    * LIB-VER: the library's version.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    End the blocking command of another connection.",
		"NO-EVICT (ON|OFF)",
		"    Exempt this connection from client eviction, or stop exempting it.",
		"NO-TOUCH (ON|OFF)",
		"    While on, this connection's commands leave key access times alone.",
	})
	return nil
}
