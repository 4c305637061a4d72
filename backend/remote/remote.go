package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/plugins/protocol"
)

// Options tune a remote backend. Zero values mean the defaults.
type Options struct {
	// CallTimeout bounds every call to the plugin other than running
	// commands: opening and closing backends and sessions (which includes
	// connecting to servers). Default 30s; a plugin that stops answering
	// is caught sooner by the watchdog.
	CallTimeout time.Duration
	// CommandTimeout bounds one Do or DoPipeline call. Default: no bound,
	// since blocking commands may wait as long as they were told to.
	CommandTimeout time.Duration
	// PingInterval is how long a call may run before the watchdog starts
	// checking that the plugin process answers. Default 1s.
	PingInterval time.Duration
	// PingTimeout is how long the plugin has to answer a health check.
	// Default 2s.
	PingTimeout time.Duration
	// PushLimit bounds the out-of-band bytes a session holds for its owner.
	// Default 32 MB (Redis's pub/sub output buffer hard limit).
	PushLimit int
}

func (o Options) withDefaults() Options {
	if o.CallTimeout <= 0 {
		o.CallTimeout = 30 * time.Second
	}
	if o.PingInterval <= 0 {
		o.PingInterval = time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 2 * time.Second
	}
	if o.PushLimit <= 0 {
		o.PushLimit = 32 << 20
	}
	return o
}

// Backend is a URL opened through a driver plugin.
type Backend struct {
	name string
	url  string // redacted, for messages
	drv  protocol.Driver
	pb   protocol.Backend
	proc *process // nil for a driver in this process
	opts Options
	info protocol.Info

	mu       sync.Mutex
	sessions map[*Session]struct{}
	closed   bool
}

var (
	_ backend.Backend    = (*Backend)(nil)
	_ backend.PushSource = (*Session)(nil)
)

// OpenDriver opens url through a driver running in this process. name
// appears in error messages.
func OpenDriver(ctx context.Context, name string, drv protocol.Driver, url string, opts Options) (*Backend, error) {
	return open(ctx, name, drv, nil, url, opts)
}

func open(ctx context.Context, name string, drv protocol.Driver, proc *process, url string, opts Options) (*Backend, error) {
	b := &Backend{name: name, url: backend.RedactURL(url), drv: drv, proc: proc, opts: opts.withDefaults(), sessions: map[*Session]struct{}{}}
	cctx, cancel := b.callCtx(ctx)
	defer cancel()
	err := b.watch(cctx, func(ctx context.Context) error {
		var err error
		b.info, err = drv.Info(ctx)
		return err
	})
	if err != nil {
		return nil, b.wrap(cctx, "describe itself", err)
	}
	err = b.watch(cctx, func(ctx context.Context) error {
		var err error
		b.pb, err = drv.Open(ctx, url)
		return err
	})
	if err != nil {
		return nil, b.wrap(cctx, "open "+b.url, err)
	}
	return b, nil
}

// Name is the plugin's name.
func (b *Backend) Name() string { return b.name }

// Info is what the driver says about itself.
func (b *Backend) Info() protocol.Info { return b.info }

// PID is the plugin process's id, or 0 for a driver in this process.
func (b *Backend) PID() int {
	if b.proc == nil {
		return 0
	}
	return b.proc.pid
}

// ProtocolVersion is the negotiated plugin protocol version.
func (b *Backend) ProtocolVersion() int {
	if b.proc == nil {
		return protocol.Version
	}
	return b.proc.version
}

func (b *Backend) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.opts.CallTimeout)
}

// Open starts a session.
func (b *Backend) Open(ctx context.Context, info backend.ClientInfo) (backend.Session, error) {
	return b.OpenSession(ctx, info)
}

// OpenSession is Open with the concrete type.
func (b *Backend) OpenSession(ctx context.Context, info backend.ClientInfo) (*Session, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, fmt.Errorf("plugin %s: backend closed", b.name)
	}
	b.mu.Unlock()
	s := &Session{b: b, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	cctx, cancel := b.callCtx(ctx)
	defer cancel()
	var ps protocol.Session
	err := b.watch(cctx, func(ctx context.Context) error {
		var err error
		ps, err = b.pb.OpenSession(ctx, protocol.ClientInfo{Addr: info.Addr, LAddr: info.LAddr}, (*sessionEvents)(s))
		return err
	})
	if err != nil {
		return nil, b.wrap(cctx, "open a session", err)
	}
	s.mu.Lock()
	s.ps = ps
	s.mu.Unlock()
	select {
	case <-s.done: // ended while opening
		ps.Close()
		return nil, fmt.Errorf("plugin %s: session ended while opening: %v", b.name, s.Err())
	default:
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		ps.Close()
		return nil, fmt.Errorf("plugin %s: backend closed", b.name)
	}
	b.sessions[s] = struct{}{}
	b.mu.Unlock()
	return s, nil
}

// Close closes every session, the backend and the plugin process.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	ss := make([]*Session, 0, len(b.sessions))
	for s := range b.sessions {
		ss = append(ss, s)
	}
	b.mu.Unlock()
	for _, s := range ss {
		s.end(errors.New("backend closed"))
	}
	var err error
	if b.pb != nil && (b.proc == nil || !b.proc.broken()) {
		err = b.pb.Close()
	}
	if b.proc != nil {
		b.proc.stop()
	}
	if err != nil {
		return fmt.Errorf("plugin %s: close: %w", b.name, err)
	}
	return nil
}

// watch runs f, checking that the plugin process stays alive while it
// runs; a plugin that stops answering is killed and f's context
// cancelled.
func (b *Backend) watch(ctx context.Context, f func(context.Context) error) error {
	if b.proc == nil {
		return f(ctx)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	timer := time.AfterFunc(b.opts.PingInterval, func() { b.proc.watchdog(b.opts, stop, cancel) })
	err := f(ctx)
	timer.Stop()
	close(stop)
	return err
}

// wrap turns an error from the driver or the transport into the error rk
// shows, naming the plugin.
func (b *Backend) wrap(ctx context.Context, what string, err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return &DriverError{Plugin: b.name, Err: pe}
	}
	if b.proc != nil && b.proc.hung.Load() {
		return b.proc.failure()
	}
	if ctx.Err() != nil && (b.proc == nil || !b.proc.client.Exited()) {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("plugin %s did not %s in time", b.name, what)
		}
		return fmt.Errorf("plugin %s: %s: %w", b.name, what, ctx.Err())
	}
	if b.proc != nil {
		if perr := b.proc.failure(); perr != nil {
			return perr
		}
	}
	return fmt.Errorf("plugin %s: %s: %w", b.name, what, err)
}

// DriverError is a failure the driver reported: its message is meant for
// the user ("Could not connect to Redis at 127.0.0.1:6379: Connection
// refused").
type DriverError struct {
	Plugin string
	Err    *protocol.Error
}

func (e *DriverError) Error() string { return e.Err.Message }
func (e *DriverError) Unwrap() error { return e.Err }

// Session is one client session through a plugin. It implements
// backend.Session and backend.Pipeliner.
type Session struct {
	b  *Backend
	ps protocol.Session

	mu        sync.Mutex
	pushes    []push // out-of-band frames not yet delivered
	pushBytes int
	pushSeq   uint64 // pushes received so far
	written   uint64 // reply frames handed on so far
	busy      bool   // a call is in flight
	endAfter  error  // the driver closed the session during the call in flight
	handler   func(resp.Value)
	err       error // why the session ended
	deliverMu sync.Mutex
	wake      chan struct{}

	done     chan struct{}
	doneOnce sync.Once
}

type push struct {
	seq   uint64
	after uint64 // reply frames that preceded it on the wire
	frame []byte
}

// noLimit as deliverLocked's upTo or replies lifts that bound.
const noLimit = ^uint64(0)

var (
	_ backend.Session   = (*Session)(nil)
	_ backend.Pipeliner = (*Session)(nil)
)

// Do runs one command and writes its reply to w. If the session fails, an
// error reply says why (unless the driver reports the session closed, which
// gets no reply, as from a server), and Done is closed.
func (s *Session) Do(ctx context.Context, argv [][]byte, w resp.ReplyWriter) {
	s.run(ctx, [][][]byte{argv}, w)
}

// DoPipeline runs a batch of commands as one call.
func (s *Session) DoPipeline(ctx context.Context, cmds [][][]byte, w resp.ReplyWriter) {
	s.run(ctx, cmds, w)
}

func (s *Session) run(ctx context.Context, cmds [][][]byte, w resp.ReplyWriter) {
	select {
	case <-s.done:
		return
	default:
	}
	var cctx context.Context
	var cancel context.CancelFunc
	if t := s.b.opts.CommandTimeout; t > 0 {
		cctx, cancel = context.WithTimeout(ctx, t)
	} else {
		cctx, cancel = context.WithCancel(ctx)
	}
	finish := watchClient(ctx, cancel)
	s.mu.Lock()
	s.busy = true
	s.mu.Unlock()
	defer s.idle()
	var r protocol.Reply
	err := s.b.watch(cctx, func(ctx context.Context) error {
		var err error
		r, err = s.ps.Do(ctx, cmds)
		return err
	})
	finish()
	if err != nil {
		err = s.b.wrap(cctx, "run "+commandName(cmds), err)
		if cctx.Err() != nil && ctx.Err() == nil && s.b.opts.CommandTimeout > 0 && (s.b.proc == nil || s.b.proc.failure() == nil) {
			err = fmt.Errorf("plugin %s: %s did not finish within %v", s.b.name, commandName(cmds), s.b.opts.CommandTimeout)
		}
		cancel()
		// A session the driver reports closed (killed, interrupted) gets
		// no reply, as from a server; any other failure is explained.
		if !protocol.IsCode(err, protocol.CodeClosed) {
			s.deliverMu.Lock()
			s.deliverLocked(w, noLimit, noLimit)
			w.WriteError("ERR " + oneLine(err.Error()))
			s.deliverMu.Unlock()
		}
		s.end(err)
		return
	}
	cancel()
	s.deliverMu.Lock()
	s.writeReply(w, r)
	s.deliverMu.Unlock()
	if r.Closed {
		s.end(nil)
	}
}

// writeReply writes a batch's replies to w, with the pushes that preceded
// each of them on the wire just before it: a push goes before the batch's
// last reply if its sequence number is at most r.Pushes, and before an
// earlier reply if, besides, the driver says enough replies came before
// it (protocol.OrderedEvents). Pushes that followed the last reply stay
// queued, for the push handler or the next Do. Called with deliverMu held.
func (s *Session) writeReply(w resp.ReplyWriter, r protocol.Reply) {
	frames := r.Frames
	for first := true; ; first = false {
		// Every push with a sequence number up to r.Pushes is queued by
		// now (the client waits for them): once none is left, the rest of
		// the replies go in one write.
		s.mu.Lock()
		base := s.written
		held := len(s.pushes) > 0 && s.pushes[0].seq <= r.Pushes
		s.mu.Unlock()
		n, count := len(frames), uint64(0)
		if held {
			n, count = frameLen(frames), 1
			if n == len(frames) {
				s.deliverLocked(w, r.Pushes, noLimit)
			} else {
				s.deliverLocked(w, r.Pushes, base)
			}
		} else {
			count = countFrames(frames)
		}
		if first && r.Proto != 0 && r.Proto != w.Proto() {
			w.SetProto(r.Proto)
		}
		writeFrames(w, frames[:n])
		frames = frames[n:]
		s.mu.Lock()
		s.written += count
		s.mu.Unlock()
		if len(frames) == 0 {
			return
		}
	}
}

// countFrames counts the RESP frames in b.
func countFrames(b []byte) uint64 {
	var n uint64
	for len(b) > 0 {
		b = b[frameLen(b):]
		n++
	}
	return n
}

// idle ends a call: pushes held for replies it was to bring go out now,
// whether they came or not (a plugin that miscounts, a call that failed),
// so that nothing waits for a reply that will never be written.
func (s *Session) idle() {
	s.mu.Lock()
	s.busy = false
	h := s.handler
	reason := s.endAfter
	s.endAfter = nil
	s.mu.Unlock()
	if h != nil {
		s.kick()
	}
	if reason != nil {
		s.end(reason)
	}
}

// frameLen returns the length of the RESP frame at the start of b, or
// len(b) when b does not start with a whole frame.
func frameLen(b []byte) int {
	n, ok := frameEnd(b, 0, 0)
	if !ok {
		return len(b)
	}
	return n
}

func frameEnd(b []byte, pos, depth int) (int, bool) {
	if depth > 1000 || pos >= len(b) {
		return 0, false
	}
	eol := bytes.Index(b[pos:], []byte("\r\n"))
	if eol < 1 {
		return 0, false
	}
	line := b[pos+1 : pos+eol]
	next := pos + eol + 2
	switch b[pos] {
	case '+', '-', ':', '_', ',', '#', '(':
		return next, true
	case '$', '!', '=':
		n, ok := resp.ParseInt(line)
		if !ok || n < -1 {
			return 0, false
		}
		if n < 0 {
			return next, true
		}
		if int64(len(b)-next) < n+2 {
			return 0, false
		}
		return next + int(n) + 2, true
	case '*', '~', '>', '%', '|':
		n, ok := resp.ParseInt(line)
		if !ok || n < -1 {
			return 0, false
		}
		if b[pos] == '%' || b[pos] == '|' {
			n *= 2
		}
		for ; n > 0; n-- {
			if next, ok = frameEnd(b, next, depth+1); !ok {
				return 0, false
			}
		}
		if b[pos] == '|' {
			// An attribute belongs to the reply that follows it.
			return frameEnd(b, next, depth)
		}
		return next, true
	}
	return 0, false
}

// blockAfter is how long a call runs before the session lets the server
// watch its client (backend.BlockHook): a command that takes that long is
// most likely blocking (BLPOP, XREAD BLOCK, WAIT) or slow.
const blockAfter = 50 * time.Millisecond

// watchClient lets the network server, if there is one in ctx, watch the
// client's connection while a call takes longer than blockAfter, and
// cancels the call if the client goes away: the plugin then drops the
// command and its connection, so a BLPOP 0 of a vanished client does not
// hold a server connection forever. finish ends the watch; it is called
// before the session writes replies.
func watchClient(ctx context.Context, cancel context.CancelFunc) (finish func()) {
	hook := backend.BlockHookFrom(ctx)
	if hook == nil {
		return func() {}
	}
	var (
		mu       sync.Mutex
		stop     func()
		finished bool
	)
	done := make(chan struct{})
	t := time.AfterFunc(blockAfter, func() {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return
		}
		gone, st := hook()
		stop = st
		go func() {
			select {
			case <-gone:
				cancel()
			case <-done:
			}
		}()
	})
	return func() {
		t.Stop()
		mu.Lock()
		finished = true
		st := stop
		mu.Unlock()
		close(done)
		if st != nil {
			st()
		}
	}
}

func commandName(cmds [][][]byte) string {
	if len(cmds) == 0 || len(cmds[0]) == 0 {
		return "commands"
	}
	name := strings.ToUpper(string(cmds[0][0]))
	if len(name) > 32 {
		name = name[:32]
	}
	if len(cmds) > 1 {
		return fmt.Sprintf("a pipeline of %d commands", len(cmds))
	}
	return name
}

func oneLine(s string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(s) }

// writeFrames writes reply frames to w: as they are when w takes raw RESP
// (the network server's writer), else decoded.
func writeFrames(w resp.ReplyWriter, frames []byte) {
	if len(frames) == 0 {
		return
	}
	if rw, ok := w.(interface{ WriteRaw([]byte) }); ok {
		rw.WriteRaw(frames)
		return
	}
	rd := resp.NewReader(bytes.NewReader(frames))
	for {
		v, err := rd.ReadValue()
		if err == io.EOF {
			return
		}
		if err != nil {
			w.WriteError("ERR rk: malformed reply from the plugin: " + err.Error())
			return
		}
		resp.WriteValue(w, v)
	}
}

// AuthRequired is false: the server behind the plugin does its own
// authentication.
func (s *Session) AuthRequired() bool { return false }

// Done is closed once the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err says why the session ended: nil while it runs, and after QUIT or
// Close.
func (s *Session) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close ends the session.
func (s *Session) Close() error {
	s.end(nil)
	return nil
}

func (s *Session) end(err error) {
	s.doneOnce.Do(func() {
		s.mu.Lock()
		s.err = err
		ps := s.ps
		s.mu.Unlock()
		close(s.done)
		s.b.mu.Lock()
		delete(s.b.sessions, s)
		backendClosing := s.b.closed
		s.b.mu.Unlock()
		// Closing the backend closes its sessions in the plugin at once.
		if ps != nil && !backendClosing && (s.b.proc == nil || !s.b.proc.broken()) {
			ps.Close()
		}
	})
}

// SetPushHandler makes the session hand its out-of-band replies (pub/sub
// messages, MONITOR lines, invalidations) to h, in order, from a goroutine
// of its own, instead of writing them before the next reply. Every push that
// came before a reply on the wire is handed to h before Do writes that
// reply, and one that came after it (for a driver that says so,
// protocol.OrderedEvents) after Do wrote it. h must not block for long;
// nil restores the default.
func (s *Session) SetPushHandler(h func(resp.Value)) {
	s.mu.Lock()
	first := s.handler == nil && h != nil
	s.handler = h
	s.mu.Unlock()
	if first {
		go s.pushLoop()
	}
	s.kick()
}

func (s *Session) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Session) pushLoop() {
	for {
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
		s.mu.Lock()
		h := s.handler
		s.mu.Unlock()
		if h == nil {
			return
		}
		// Pushes that followed a reply not written yet wait for it while
		// a call is in flight; with none in flight, all go out at once.
		s.deliverMu.Lock()
		s.mu.Lock()
		replies := noLimit
		if s.busy {
			replies = s.written
		}
		s.mu.Unlock()
		s.deliverLocked(nil, noLimit, replies)
		s.deliverMu.Unlock()
	}
}

// deliverLocked hands the queued pushes to the handler, or writes them to
// w when there is none (w nil: keep them): the longest run from the head of
// the queue of pushes whose sequence number is at most upTo and that
// followed at most replies reply frames. The caller holds deliverMu: Do
// holds it from its pushes through its reply, so that a handler never runs
// while Do writes (backend.PushSource).
func (s *Session) deliverLocked(w resp.ReplyWriter, upTo, replies uint64) {
	s.mu.Lock()
	h := s.handler
	if h == nil && w == nil {
		s.mu.Unlock()
		return
	}
	n := 0
	for n < len(s.pushes) && s.pushes[n].seq <= upTo && s.pushes[n].after <= replies {
		n++
	}
	batch := s.pushes[:n:n]
	s.pushes = s.pushes[n:]
	for _, p := range batch {
		s.pushBytes -= len(p.frame)
	}
	s.mu.Unlock()
	for _, p := range batch {
		if h != nil {
			if v, err := resp.NewReader(bytes.NewReader(p.frame)).ReadValue(); err == nil {
				h(v)
			}
		} else {
			writeFrames(w, p.frame)
		}
	}
}

// closedGrace is how long a call in flight may still finish after the
// driver reported its session closed.
const closedGrace = time.Second

// sessionEvents receives a session's events from the driver.
type sessionEvents Session

var _ protocol.OrderedEvents = (*sessionEvents)(nil)

func (e *sessionEvents) Push(frame []byte) uint64 { return e.PushAfter(frame, 0) }

func (e *sessionEvents) PushAfter(frame []byte, replies uint64) uint64 {
	s := (*Session)(e)
	s.mu.Lock()
	s.pushSeq++
	seq := s.pushSeq
	over := s.pushBytes+len(frame) > s.b.opts.PushLimit
	if !over {
		s.pushes = append(s.pushes, push{seq: seq, after: replies, frame: append([]byte(nil), frame...)})
		s.pushBytes += len(frame)
	}
	hasHandler := s.handler != nil
	s.mu.Unlock()
	if over {
		go s.end(fmt.Errorf("plugin %s: the session's out-of-band data passed %d bytes before it was read; closing it", s.b.name, s.b.opts.PushLimit))
		return seq
	}
	if hasHandler {
		s.kick()
	}
	return seq
}

// Closed ends the session, after the call in flight if there is one: the
// notice and the call's reply travel separately, and a server that answers
// and then closes (QUIT, CLIENT KILL of the session itself) must still
// have its reply delivered. A call that has not finished a second later is
// ended anyway.
func (e *sessionEvents) Closed(reason error) {
	s := (*Session)(e)
	if reason == nil {
		reason = errors.New("connection closed")
	}
	go func() {
		// A broken event stream usually means a dead plugin: say so.
		var te *protocol.TransportError
		if errors.As(reason, &te) && s.b.proc != nil {
			if perr := s.b.proc.failure(); perr != nil {
				reason = perr
			}
		}
		s.mu.Lock()
		if s.busy {
			s.endAfter = reason
			s.mu.Unlock()
			time.AfterFunc(closedGrace, func() { s.end(reason) })
			return
		}
		s.mu.Unlock()
		s.end(reason)
	}()
}
