package redis

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rk-redis/rk/plugins/protocol"
	"github.com/rk-redis/rk/plugins/protocol/spin"
)

// conn is one connection to one server node, used by one session. It
// relays commands and reply frames unchanged, and keeps just enough of the
// connection's state to tell, for every frame the server sends, whether it
// answers a command (and which) or is out-of-band data:
//
//   - how many frames each command is answered with: none under CLIENT REPLY
//     OFF/SKIP, one per channel for (P|S)(UN)SUBSCRIBE, else one;
//   - whether the connection is in subscribed mode (RESP2 messages are plain
//     arrays) or MONITOR mode (monitor lines are simple strings);
//   - the protocol version, which HELLO and RESET change.
//
// A reader goroutine matches frames to the commands waiting for them, in
// order, and hands out-of-band frames to the session's Events as they come.
type conn struct {
	addr string
	nc   net.Conn
	// reads polls for a reply that is due instead of parking at once
	// (package spin); exec kicks it after sending commands.
	reads  *spin.Conn
	bw     *bufio.Writer
	br     *bufio.Reader
	events protocol.Events
	// onClose is called once when the connection ends without the owner
	// closing it.
	onClose func(error)

	wmu sync.Mutex // serialises writers

	mu      sync.Mutex
	pending []*call
	// State as of the commands sent so far.
	replyOff, skipNext, inMulti bool
	channels, patterns, shards  map[string]struct{}
	// State as of the frames read so far.
	proto      int
	monitoring bool
	subCount   int64 // channels + patterns, as the server last reported
	shardCount int64
	lastPush   uint64
	// replies counts the reply frames read for the owner (not dropped, not
	// the handshake's): an out-of-band frame is pushed with the count so
	// far (protocol.PushAfter), or, on a cluster session's connection,
	// with the session's count (order).
	replies uint64
	order   *replyOrder
	// The cluster command that the last reply frame read answered, and
	// how many of its frames were read here.
	replyGen   uint64
	genFrames  uint64
	quitting   bool
	err        error // why the connection ended
	ownerClose bool
	done       chan struct{}
}

type cmdKind uint8

const (
	kindPlain cmdKind = iota
	kindSubscribe
	kindHello
	kindMonitor
	kindReset
	kindQuit
	kindMulti
	kindExec
)

type call struct {
	want    int // frames still expected
	kind    cmdKind
	hello   int // the protocol HELLO asks for
	discard bool
	b       *batch
}

type batch struct {
	frames []byte
	left   int
	pushes uint64
	done   chan struct{}
}

var errConnClosed = errors.New("connection closed")

// dial connects to one node and runs the connection handshake: HELLO 3 or
// AUTH, SELECT, CLIENT SETNAME, as the URL asks. It sends nothing else, so
// it also works against a server that is busy running a script (HELLO and
// AUTH are allowed then).
func dial(ctx context.Context, cfg *config, addr string, events protocol.Events, order *replyOrder, onClose func(error)) (*conn, error) {
	d := net.Dialer{Timeout: cfg.dial, KeepAlive: 15 * time.Second}
	nc, err := d.DialContext(ctx, cfg.network, addr)
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeUnavailable, "Could not connect to Redis at %s: %s", addr, sysText(err))
	}
	if tcp, ok := nc.(*net.TCPConn); ok {
		tcp.SetNoDelay(true)
	}
	c := &conn{
		addr:    addr,
		events:  events,
		order:   order,
		onClose: onClose,
		proto:   2,
		done:    make(chan struct{}),
	}
	c.reads = spin.New(nc, c.replyDue)
	nc = c.reads
	if tc := cfg.tlsFor(addr); tc != nil {
		tlsConn := tls.Client(nc, tc)
		hctx, cancel := cfg.dialContext(ctx)
		err := tlsConn.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return nil, protocol.Errorf(protocol.CodeUnavailable, "Could not negotiate a TLS connection to %s: %v", addr, err)
		}
		nc = tlsConn
	}
	c.nc = nc
	c.bw = bufio.NewWriterSize(nc, 16*1024)
	c.br = bufio.NewReaderSize(nc, 32*1024)
	go c.readLoop()
	if err := c.handshake(ctx, cfg); err != nil {
		c.close()
		return nil, err
	}
	c.mu.Lock()
	c.replies = 0 // the handshake's replies are not the session's
	c.mu.Unlock()
	return c, nil
}

func (c *conn) handshake(ctx context.Context, cfg *config) error {
	type step struct {
		argv [][]byte
		what string
		code protocol.Code
	}
	var steps []step
	if cfg.proto == 3 {
		argv := [][]byte{[]byte("HELLO"), []byte("3")}
		if cfg.hasPass {
			user := cfg.user
			if user == "" {
				user = "default"
			}
			argv = append(argv, []byte("AUTH"), []byte(user), []byte(cfg.pass))
		}
		steps = append(steps, step{argv, "HELLO 3", protocol.CodeAuth})
	} else if cfg.hasPass {
		argv := [][]byte{[]byte("AUTH")}
		if cfg.user != "" {
			argv = append(argv, []byte(cfg.user))
		}
		steps = append(steps, step{append(argv, []byte(cfg.pass)), "AUTH", protocol.CodeAuth})
	}
	if cfg.db != 0 {
		steps = append(steps, step{[][]byte{[]byte("SELECT"), []byte(strconv.Itoa(cfg.db))}, "SELECT " + strconv.Itoa(cfg.db), protocol.CodeInvalid})
	}
	if cfg.name != "" {
		steps = append(steps, step{[][]byte{[]byte("CLIENT"), []byte("SETNAME"), []byte(cfg.name)}, "CLIENT SETNAME", protocol.CodeInvalid})
	}
	if len(steps) == 0 {
		return nil
	}
	cmds := make([][][]byte, len(steps))
	for i, s := range steps {
		cmds[i] = s.argv
	}
	hctx, cancel := cfg.dialContext(ctx)
	defer cancel()
	frames, _, err := c.exec(hctx, cmds, 0)
	if err != nil {
		return err
	}
	for _, s := range steps {
		var f []byte
		f, frames = splitFrame(frames)
		if isError(f) {
			return protocol.Errorf(s.code, "%s failed: %s", s.what, errorText(f))
		}
	}
	return nil
}

// splitFrame returns the first frame of a concatenation and the rest.
func splitFrame(frames []byte) ([]byte, []byte) {
	r := bufio.NewReader(bytes.NewReader(frames))
	f, err := readFrame(r, nil)
	if err != nil {
		return nil, nil
	}
	return f, frames[len(f):]
}

// exec sends cmds in one write and waits for their replies, returned
// concatenated; the replies of the first skip commands are dropped.
// pushes is the sequence number of the last out-of-band frame read before
// the last reply.
func (c *conn) exec(ctx context.Context, cmds [][][]byte, skip int) (frames []byte, pushes uint64, err error) {
	c.wmu.Lock()
	c.mu.Lock()
	if c.err != nil {
		err := c.failureLocked(c.err)
		c.mu.Unlock()
		c.wmu.Unlock()
		return nil, 0, err
	}
	b := &batch{done: make(chan struct{})}
	for i, argv := range cmds {
		cl := c.expect(argv)
		if cl.want == 0 {
			continue
		}
		cl.discard = i < skip
		cl.b = b
		b.left++
		c.pending = append(c.pending, cl)
	}
	waiting := b.left > 0
	if !waiting {
		b.pushes = c.lastPush
	}
	c.mu.Unlock()
	// A write blocks only when the server stops reading; the caller's
	// context still ends it.
	stop := context.AfterFunc(ctx, func() { c.nc.SetWriteDeadline(time.Unix(1, 0)) })
	for _, argv := range cmds {
		writeCommand(c.bw, argv)
	}
	werr := c.bw.Flush()
	if !stop() && werr == nil {
		werr = ctx.Err()
	}
	c.wmu.Unlock()
	if werr != nil {
		c.fail(werr)
		return nil, 0, c.failure(werr)
	}
	if !waiting {
		return nil, b.pushes, nil
	}
	c.reads.Kick()
	select {
	case <-b.done:
		return b.frames, b.pushes, nil
	case <-c.done:
		select {
		case <-b.done:
			return b.frames, b.pushes, nil
		default:
		}
		return nil, 0, c.failure(nil)
	case <-ctx.Done():
		// The server may still run the commands and answer later; the
		// connection cannot be trusted to stay in step, so it ends.
		c.fail(fmt.Errorf("command interrupted: %w", ctx.Err()))
		return nil, 0, protocol.Errorf(protocol.CodeClosed, "command interrupted (%v); the connection to %s was closed", ctx.Err(), c.addr)
	}
}

// replyDue reports whether a command waits for its reply: the reader
// then polls for it (package spin).
func (c *conn) replyDue() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending) > 0
}

// failure is the error a caller sees for a connection that ended with err
// (nil: with the error recorded).
func (c *conn) failure(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.failureLocked(err)
}

func (c *conn) failureLocked(err error) error {
	if err == nil {
		err = c.err
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	if c.quitting || errors.Is(err, errConnClosed) {
		return protocol.Errorf(protocol.CodeClosed, "connection to %s closed", c.addr)
	}
	return protocol.Errorf(protocol.CodeUnavailable, "lost the connection to Redis at %s: %s", c.addr, sysText(err))
}

func writeCommand(w *bufio.Writer, argv [][]byte) {
	var tmp [24]byte
	w.WriteByte('*')
	w.Write(strconv.AppendInt(tmp[:0], int64(len(argv)), 10))
	w.WriteString("\r\n")
	for _, a := range argv {
		w.WriteByte('$')
		w.Write(strconv.AppendInt(tmp[:0], int64(len(a)), 10))
		w.WriteString("\r\n")
		w.Write(a)
		w.WriteString("\r\n")
	}
}

// expect works out how the server will answer argv, given the commands
// sent before it, and updates the send-side state. Called with c.mu held.
func (c *conn) expect(argv [][]byte) *call {
	cl := &call{want: 1}
	if len(argv) == 0 {
		return cl
	}
	name := lowerName(argv[0])
	skip := c.skipNext
	c.skipNext = false
	if name == "client" && len(argv) == 3 && !c.inMulti && strings.EqualFold(string(argv[1]), "reply") {
		switch strings.ToLower(string(argv[2])) {
		case "on":
			c.replyOff = false
			return cl
		case "off":
			c.replyOff = true
			cl.want = 0
			return cl
		case "skip":
			if !c.replyOff {
				c.skipNext = true
			}
			cl.want = 0
			return cl
		}
	}
	if c.replyOff || skip {
		cl.want = 0
	}
	switch name {
	case "multi":
		cl.kind = kindMulti
		c.inMulti = true
	case "exec", "discard":
		cl.kind = kindExec
		c.inMulti = false
	case "hello":
		cl.kind = kindHello
		if len(argv) > 1 {
			cl.hello, _ = strconv.Atoi(string(argv[1]))
		}
	case "monitor":
		if !c.inMulti {
			cl.kind = kindMonitor
		}
	case "reset":
		cl.kind = kindReset
		c.replyOff, c.skipNext, c.inMulti = false, false, false
		c.channels, c.patterns, c.shards = nil, nil, nil
		cl.want = 1
	case "quit":
		cl.kind = kindQuit
	case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe":
		if c.inMulti || cl.want == 0 {
			break
		}
		cl.kind = kindSubscribe
		set := c.subSet(name)
		args := argv[1:]
		switch {
		case name == "subscribe" || name == "psubscribe" || name == "ssubscribe":
			cl.want = max(1, len(args))
			for _, a := range args {
				(*set)[string(a)] = struct{}{}
			}
		case len(args) > 0:
			cl.want = len(args)
			for _, a := range args {
				delete(*set, string(a))
			}
		default:
			cl.want = max(1, len(*set))
			*set = nil
		}
	}
	return cl
}

func (c *conn) subSet(name string) *map[string]struct{} {
	var set *map[string]struct{}
	switch name {
	case "psubscribe", "punsubscribe":
		set = &c.patterns
	case "ssubscribe", "sunsubscribe":
		set = &c.shards
	default:
		set = &c.channels
	}
	if *set == nil {
		*set = map[string]struct{}{}
	}
	return set
}

func lowerName(b []byte) string {
	if len(b) > 16 {
		return strings.ToLower(string(b))
	}
	var buf [16]byte
	for i, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	return string(buf[:len(b)])
}

var confirmations = map[string]bool{
	"subscribe": true, "unsubscribe": true, "psubscribe": true,
	"punsubscribe": true, "ssubscribe": true, "sunsubscribe": true,
}

func (c *conn) readLoop() {
	buf := make([]byte, 0, 4096)
	for {
		frame, err := readFrame(c.br, buf[:0])
		if err != nil {
			c.fail(err)
			return
		}
		c.route(frame)
		if cap(frame) > 1<<20 {
			buf = make([]byte, 0, 4096)
		} else {
			buf = frame[:0]
		}
	}
}

// route hands one frame to the command waiting for it, or to the session's
// events when it is out-of-band.
func (c *conn) route(frame []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var head *call
	if len(c.pending) > 0 {
		head = c.pending[0]
	}
	confirmation := false
	switch frame[0] {
	case '>':
		kind, count, ok := pubsubHead(frame)
		if confirmations[kind] {
			c.countSubs(kind, count, ok)
		}
		if confirmations[kind] && head != nil && head.kind == kindSubscribe {
			confirmation = true
		} else {
			c.push(frame)
			return
		}
	case '*':
		// RESP2 has no push type: in subscribed mode messages are arrays.
		if c.proto == 2 && (c.subCount+c.shardCount > 0 || (head != nil && head.kind == kindSubscribe)) {
			kind, count, ok := pubsubHead(frame)
			if confirmations[kind] {
				// Also when the server unsubscribes on its own (a shard
				// channel's slot moved): the count says whether the
				// connection is still in subscribed mode.
				c.countSubs(kind, count, ok)
			}
			switch {
			case confirmations[kind] && head != nil && head.kind == kindSubscribe:
				confirmation = true
			case kind == "message" || kind == "pmessage" || kind == "smessage" || confirmations[kind]:
				c.push(frame)
				return
			}
		}
	case '+':
		if c.monitoring && isMonitorLine(frame) {
			c.push(frame)
			return
		}
	}
	if head == nil {
		c.push(frame)
		return
	}
	c.observe(head, frame)
	if !head.discard {
		head.b.frames = append(head.b.frames, frame...)
		c.replies++
		if c.order != nil {
			if g := c.order.gen.Load(); g != c.replyGen {
				c.replyGen, c.genFrames = g, 0
			}
			c.genFrames++
		}
	}
	head.want--
	if head.kind == kindSubscribe && !confirmation {
		head.want = 0 // an error (or +QUEUED) ends the command
	}
	if head.want > 0 {
		return
	}
	c.pending[0] = nil
	c.pending = c.pending[1:]
	head.b.left--
	if head.b.left == 0 {
		head.b.pushes = c.lastPush
		close(head.b.done)
	}
}

// push hands an out-of-band frame to the session's events, with the number
// of the session's replies that preceded it. Called with mu held.
func (c *conn) push(frame []byte) {
	if c.events == nil {
		return
	}
	replies := c.replies
	if c.order != nil {
		replies = c.order.stamp(c)
	}
	c.lastPush = protocol.PushAfter(c.events, frame, replies)
}

func (c *conn) countSubs(kind string, count int64, ok bool) {
	if !ok {
		return
	}
	if kind == "ssubscribe" || kind == "sunsubscribe" {
		c.shardCount = count
	} else {
		c.subCount = count
	}
}

// observe updates the read-side state with a command's reply.
func (c *conn) observe(cl *call, frame []byte) {
	if cl.kind == kindPlain || isError(frame) {
		return
	}
	switch cl.kind {
	case kindHello:
		if cl.hello == 2 || cl.hello == 3 {
			c.proto = cl.hello
		}
	case kindMonitor:
		c.monitoring = frame[0] == '+'
	case kindReset:
		c.proto, c.monitoring, c.subCount, c.shardCount = 2, false, 0, 0
	case kindQuit:
		c.quitting = true
	}
}

// isMonitorLine matches MONITOR's output: "1460100081.165665 [0 ...".
func isMonitorLine(frame []byte) bool {
	i := 1
	for i < len(frame) && frame[i] >= '0' && frame[i] <= '9' {
		i++
	}
	if i == 1 || i >= len(frame) || frame[i] != '.' {
		return false
	}
	i++
	for i < len(frame) && frame[i] >= '0' && frame[i] <= '9' {
		i++
	}
	return i+1 < len(frame) && frame[i] == ' ' && frame[i+1] == '['
}

// fail ends the connection because of err (nil when the owner closes it).
func (c *conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if err == nil {
		err = errConnClosed
		c.ownerClose = true
	}
	c.err = err
	notify := !c.ownerClose
	quitting := c.quitting
	c.pending = nil
	failure := c.failureLocked(err)
	c.mu.Unlock()
	close(c.done)
	c.nc.Close()
	if notify && c.onClose != nil {
		if quitting {
			c.onClose(nil)
		} else {
			c.onClose(failure)
		}
	}
}

func (c *conn) close() { c.fail(nil) }

// state returns the protocol version and whether the connection has ended
// (or is ending after QUIT).
func (c *conn) state() (proto int, closed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.proto, c.err != nil || c.quitting
}

// sysText renders a network error the way redis-cli does: the system's
// error text ("Connection refused") where there is one.
func sysText(err error) string {
	if err == nil {
		return "connection closed"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "Server closed the connection"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "Name or service not known"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "Connection timed out"
	}
	return err.Error()
}

// dialContext bounds a connection's set-up (TLS handshake, AUTH, HELLO) by
// dial_timeout; 0 means no limit, as for redis-cli -t 0 and net.Dialer.
func (cfg *config) dialContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if cfg.dial <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, cfg.dial)
}
