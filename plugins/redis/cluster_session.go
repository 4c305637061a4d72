package redis

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rk-redis/rk/plugins/protocol"
)

// clusterSession is a client session on a Redis Cluster: one connection
// per node it has needed, all owned by the session, so that per-connection
// state (authentication, protocol, client name, subscriptions) behaves as
// on a single server. The session's first node (the first seed) is its
// home: keyless commands without tips and connection-wide commands go
// there first.
type clusterSession struct {
	b      *clusterBackend
	events protocol.Events

	mu     sync.Mutex
	conns  map[string]*conn
	closed bool

	// Connection-wide commands that succeeded (HELLO, AUTH, CLIENT SETNAME,
	// CLIENT REPLY, READONLY...), replayed on connections opened later.
	replay [][][]byte
	// Transactions run on one node: the node of the first keyed command
	// after MULTI (or of WATCH). MULTI itself is sent with the first
	// command, once that node is known.
	inMulti      bool
	multiPending bool
	pin          string
	pushes       uint64
	order        replyOrder
}

// replyOrder counts a cluster session's replies for the out-of-band frames
// its connections read (protocol.PushAfter). The session runs one command
// at a time; a frame read on a connection after that connection answered
// the command in flight counts that command's frames read there as
// preceding it (for a command whose replies rk combines, possibly more
// than the one frame it returns: the push then waits a little longer,
// never less).
type replyOrder struct {
	gen atomic.Uint64 // the command in flight, numbered from 1

	mu       sync.Mutex
	cur      uint64 // the command in flight, 0 between commands
	produced uint64 // reply frames of the finished commands
}

func (o *replyOrder) begin() {
	o.mu.Lock()
	o.cur = o.gen.Add(1)
	o.mu.Unlock()
}

func (o *replyOrder) end(frames []byte) {
	n := countFrames(frames)
	o.mu.Lock()
	o.produced += n
	o.cur = 0
	o.mu.Unlock()
}

// stamp is the number of replies before an out-of-band frame read on c;
// called with c.mu held.
func (o *replyOrder) stamp(c *conn) uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cur != 0 && c.replyGen == o.cur {
		return o.produced + c.genFrames
	}
	return o.produced
}

var errSessionClosed = protocol.Errorf(protocol.CodeClosed, "session closed")

func (b *clusterBackend) OpenSession(ctx context.Context, _ protocol.ClientInfo, events protocol.Events) (protocol.Session, error) {
	s := &clusterSession{b: b, events: events, conns: map[string]*conn{}}
	if _, err := s.conn(ctx, s.home()); err != nil {
		return nil, err
	}
	if !b.sessions.add(s) {
		s.Close()
		return nil, protocol.Errorf(protocol.CodeClosed, "backend closed")
	}
	return s, nil
}

func (s *clusterSession) home() string { return s.b.cfg.addrs[0] }

// conn returns the session's connection to addr, dialling it if needed.
func (s *clusterSession) conn(ctx context.Context, addr string) (*conn, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errSessionClosed
	}
	if c := s.conns[addr]; c != nil {
		s.mu.Unlock()
		return c, nil
	}
	replay := append([][][]byte(nil), s.replay...)
	s.mu.Unlock()
	var c *conn
	c, err := dial(ctx, s.b.cfg, addr, s.events, &s.order, func(err error) { s.lost(addr, c, err) })
	if err != nil {
		return nil, err
	}
	if len(replay) > 0 {
		if _, _, err := c.exec(ctx, replay, len(replay)); err != nil {
			c.close()
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.close()
		return nil, errSessionClosed
	}
	if old := s.conns[addr]; old != nil {
		c.close()
		return old, nil
	}
	s.conns[addr] = c
	return c, nil
}

// lost handles a connection that ended on its own. Losing the home
// connection ends the session (it was killed, or its server went away);
// other connections are dialled again when next needed.
func (s *clusterSession) lost(addr string, c *conn, err error) {
	s.mu.Lock()
	if s.conns[addr] == c {
		delete(s.conns, addr)
	}
	end := addr == s.home() && !s.closed
	if end {
		s.closed = true
	}
	s.mu.Unlock()
	if end {
		for _, o := range s.openConns() {
			o.close()
		}
		s.events.Closed(err)
	} else {
		s.b.refreshSoon()
	}
}

func (s *clusterSession) openConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	return out
}

func (s *clusterSession) Close() error {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.conns = map[string]*conn{}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.b.sessions.remove(s)
	return nil
}

func (s *clusterSession) Do(ctx context.Context, cmds [][][]byte) (protocol.Reply, error) {
	var out []byte
	s.mu.Lock()
	s.pushes = 0
	s.mu.Unlock()
	for _, argv := range cmds {
		if len(argv) == 0 {
			continue
		}
		s.order.begin()
		frame, err := s.one(ctx, argv)
		if err != nil {
			if !s.nodeFailure(ctx, err) {
				s.order.end(nil)
				return protocol.Reply{}, err
			}
			// One node out of reach fails the command, not the session.
			frame = nodeErrorReply(err)
		}
		out = append(out, frame...)
		s.order.end(frame)
	}
	proto, closed := 2, true
	s.mu.Lock()
	home := s.conns[s.home()]
	pushes := s.pushes
	ended := s.closed
	s.mu.Unlock()
	if !ended && home != nil {
		proto, closed = home.state()
	}
	return protocol.Reply{Frames: out, Proto: proto, Pushes: pushes, Closed: closed}, nil
}

// nodeFailure reports whether err is a node that could not be reached, or
// whose connection was lost, while the session itself goes on: its home
// connection is open and the caller did not give up.
func (s *clusterSession) nodeFailure(ctx context.Context, err error) bool {
	if ctx.Err() != nil || !protocol.IsCode(err, protocol.CodeUnavailable) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.closed && s.conns[s.home()] != nil
}

// nodeErrorReply is the error reply for a node failure, as fanOut writes
// it.
func nodeErrorReply(err error) []byte {
	var pe *protocol.Error
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = pe.Message
	}
	return []byte("-ERR rk: " + strings.NewReplacer("\r", " ", "\n", " ").Replace(msg) + "\r\n")
}

// send runs argv on one node (its reply dropped when skip) and returns the
// frames.
func (s *clusterSession) send(ctx context.Context, addr string, cmds [][][]byte, skip int) ([]byte, error) {
	c, err := s.conn(ctx, addr)
	if err != nil {
		return nil, err
	}
	frames, pushes, err := c.exec(ctx, cmds, skip)
	s.addPushes(pushes)
	return frames, err
}

// addPushes notes the sequence number of the last out-of-band frame seen
// before a reply of the batch in progress.
func (s *clusterSession) addPushes(p uint64) {
	s.mu.Lock()
	s.pushes = max(s.pushes, p)
	s.mu.Unlock()
}

// one runs a single command.
func (s *clusterSession) one(ctx context.Context, argv [][]byte) ([]byte, error) {
	name := lowerName(argv[0])
	switch name {
	case "multi":
		if s.inMulti {
			break
		}
		s.inMulti, s.multiPending = true, true
		return []byte("+OK\r\n"), nil
	case "exec", "discard":
		if !s.inMulti {
			break
		}
		addr := s.pin
		if addr == "" {
			addr = s.home()
		}
		cmds, skip := [][][]byte{argv}, 0
		if s.multiPending {
			cmds, skip = [][][]byte{{[]byte("MULTI")}, argv}, 1
		}
		s.inMulti, s.multiPending, s.pin = false, false, ""
		return s.send(ctx, addr, cmds, skip)
	case "unwatch":
		if !s.inMulti && s.pin != "" {
			addr := s.pin
			s.pin = ""
			return s.send(ctx, addr, [][][]byte{argv}, 0)
		}
	case "hello", "auth", "select", "readonly", "readwrite":
		return s.everywhere(ctx, argv)
	case "client":
		if len(argv) > 1 {
			switch lowerName(argv[1]) {
			case "setname", "reply", "setinfo", "no-evict", "no-touch":
				return s.everywhere(ctx, argv)
			}
		}
	case "reset":
		s.mu.Lock()
		s.replay = nil
		s.mu.Unlock()
		s.inMulti, s.multiPending, s.pin = false, false, ""
		return s.everywhere(ctx, argv)
	case "quit":
		frame, err := s.send(ctx, s.home(), [][][]byte{argv}, 0)
		for _, c := range s.openConns() {
			if c.addr != s.home() {
				c.close()
			}
		}
		return frame, err
	}

	ci := s.b.lookup(ctx, argv)
	fullName := name
	if ci != nil {
		fullName = ci.name
	} else if len(argv) > 1 {
		fullName = name + "|" + lowerName(argv[1])
	}
	keys, err := s.keys(ctx, ci, argv)
	if err != nil {
		return nil, err
	}

	if s.inMulti {
		addr := s.pin
		if addr == "" {
			addr = s.home()
			if len(keys) > 0 {
				addr = s.b.topology().nodeFor(keySlot(argv[keys[0]]))
			}
			s.pin = addr
		}
		if s.multiPending {
			s.multiPending = false
			return s.send(ctx, addr, [][][]byte{{[]byte("MULTI")}, argv}, 1)
		}
		return s.send(ctx, addr, [][][]byte{argv}, 0)
	}

	var req, respPolicy string
	if ci != nil {
		req, respPolicy = ci.request, ci.response
	}
	if req == "" && respPolicy == "" {
		req, respPolicy = extraTips(fullName, argv)
	}
	t := s.b.topology()
	switch req {
	case "all_nodes":
		return s.fanOut(ctx, t.nodes, argv, respPolicy)
	case "all_shards":
		return s.fanOut(ctx, t.masters, argv, respPolicy)
	case "multi_shard":
		if len(keys) > 0 && ci != nil && !ci.movable {
			if frame, split, err := s.multiShard(ctx, t, ci, argv, keys, respPolicy); split || err != nil {
				return frame, err
			}
		}
	}
	addr := s.home()
	if len(keys) > 0 {
		addr = t.nodeFor(keySlot(argv[keys[0]]))
	}
	frame, addr, err := s.redirected(ctx, addr, argv)
	if err == nil && name == "watch" && !isError(frame) {
		s.pin = addr
	}
	return frame, err
}

// keys returns the positions of argv's keys, asking the server (COMMAND
// GETKEYS) when the key specifications are beyond rk.
func (s *clusterSession) keys(ctx context.Context, ci *cmdInfo, argv [][]byte) ([]int, error) {
	idx, ok := ci.keyIndexes(argv)
	if ok {
		return idx, nil
	}
	args := make([]string, 0, len(argv)+2)
	args = append(args, "COMMAND", "GETKEYS")
	for _, a := range argv {
		args = append(args, string(a))
	}
	msg, err := s.b.ctl.do(ctx, s.b.topology().masters[0], args...)
	if err != nil {
		return nil, nil // let the server judge the command itself
	}
	names, _ := msg.AsStrSlice()
	used := make([]bool, len(argv))
	for _, k := range names {
		for i := 1; i < len(argv); i++ {
			if !used[i] && string(argv[i]) == k {
				used[i] = true
				idx = append(idx, i)
				break
			}
		}
	}
	return idx, nil
}

// everywhere runs a connection-wide command on the home node and, when it
// succeeds, on the session's other connections, and remembers it for
// connections opened later. The home node's reply is returned.
func (s *clusterSession) everywhere(ctx context.Context, argv [][]byte) ([]byte, error) {
	frame, err := s.send(ctx, s.home(), [][][]byte{argv}, 0)
	if err != nil || isError(frame) {
		return frame, err
	}
	cp := make([][]byte, len(argv))
	for i, a := range argv {
		cp[i] = append([]byte(nil), a...)
	}
	s.mu.Lock()
	if lowerName(argv[0]) != "reset" {
		s.replay = append(s.replay, cp)
	}
	s.mu.Unlock()
	for _, c := range s.openConns() {
		if c.addr == s.home() {
			continue
		}
		c.exec(ctx, [][][]byte{cp}, 1)
	}
	return frame, nil
}

// redirected runs argv on addr, following MOVED and ASK redirections. It
// returns the reply and the node that gave it.
func (s *clusterSession) redirected(ctx context.Context, addr string, argv [][]byte) ([]byte, string, error) {
	asking := false
	for attempt := 0; ; attempt++ {
		cmds, skip := [][][]byte{argv}, 0
		if asking {
			cmds, skip = [][][]byte{{[]byte("ASKING")}, argv}, 1
		}
		frame, err := s.send(ctx, addr, cmds, skip)
		if err != nil || !isError(frame) || attempt >= 5 {
			return frame, addr, err
		}
		text := errorText(frame)
		switch {
		case strings.HasPrefix(text, "MOVED "), strings.HasPrefix(text, "ASK "):
			slot, to, ok := parseRedirect(text, addr)
			if !ok {
				return frame, addr, nil
			}
			asking = strings.HasPrefix(text, "ASK ")
			if !asking {
				s.b.moved(slot, to)
				s.b.refreshSoon()
			}
			addr = to
		case strings.HasPrefix(text, "TRYAGAIN"):
			select {
			case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
			case <-ctx.Done():
				return frame, addr, nil
			}
		default:
			return frame, addr, nil
		}
	}
}

// parseRedirect reads "MOVED 3999 127.0.0.1:6381"; an empty host means the
// host of the node that answered.
func parseRedirect(text, from string) (slot int, addr string, ok bool) {
	f := strings.Fields(text)
	if len(f) != 3 {
		return 0, "", false
	}
	slot, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, "", false
	}
	host, port, err := net.SplitHostPort(f[2])
	if err != nil {
		return 0, "", false
	}
	if host == "" {
		host, _, _ = net.SplitHostPort(from)
	}
	return slot, net.JoinHostPort(host, port), true
}

// fanOut runs argv on every node of addrs at once and combines the
// replies.
func (s *clusterSession) fanOut(ctx context.Context, addrs []string, argv [][]byte, policy string) ([]byte, error) {
	replies := make([]nodeReply, len(addrs))
	errs := make([]error, len(addrs))
	pushes := make([]uint64, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i].addr = addr
			c, err := s.conn(ctx, addr)
			if err != nil {
				errs[i] = err
				return
			}
			replies[i].frame, pushes[i], errs[i] = c.exec(ctx, [][][]byte{argv}, 0)
		}()
	}
	wg.Wait()
	var ok []nodeReply
	var firstErr error
	for i := range replies {
		s.addPushes(pushes[i])
		if errs[i] != nil {
			if firstErr == nil {
				firstErr = errs[i]
			}
			continue
		}
		if len(replies[i].frame) > 0 {
			ok = append(ok, replies[i])
		}
	}
	if len(ok) == 0 {
		if firstErr == nil {
			return nil, nil // replies suppressed (CLIENT REPLY OFF)
		}
		return nil, firstErr
	}
	if firstErr != nil && policy != "one_succeeded" {
		// A node that cannot be reached fails the command, unless one
		// success is enough.
		var pe *protocol.Error
		msg := firstErr.Error()
		if errors.As(firstErr, &pe) {
			msg = pe.Message
		}
		return []byte("-ERR rk: " + strings.ReplaceAll(msg, "\r\n", " ") + "\r\n"), nil
	}
	return aggregate(policy, ok), nil
}

// multiShard splits a command whose keys are in several slots (MGET, DEL,
// MSET...) into one command per slot, run in parallel, and combines the
// replies. split is false when every key is in one slot.
func (s *clusterSession) multiShard(ctx context.Context, t *topology, ci *cmdInfo, argv [][]byte, keys []int, policy string) ([]byte, bool, error) {
	step := max(ci.step, 1)
	first, last := keys[0], keys[len(keys)-1]+step-1
	type group struct {
		addr string
		argv [][]byte
		pos  []int
	}
	// Redis wants every key of a command in one slot: one command per slot.
	var groups []*group
	bySlot := map[int]*group{}
	for n, k := range keys {
		slot := keySlot(argv[k])
		g := bySlot[slot]
		if g == nil {
			g = &group{addr: t.nodeFor(slot), argv: append([][]byte(nil), argv[:first]...)}
			bySlot[slot] = g
			groups = append(groups, g)
		}
		end := min(k+step, len(argv))
		g.argv = append(g.argv, argv[k:end]...)
		g.pos = append(g.pos, n)
	}
	if len(groups) == 1 {
		return nil, false, nil
	}
	if last+1 < len(argv) {
		for _, g := range groups {
			g.argv = append(g.argv, argv[last+1:]...)
		}
	}
	replies := make([]nodeReply, len(groups))
	errs := make([]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frame, addr, err := s.redirected(ctx, g.addr, g.argv)
			replies[i] = nodeReply{addr: addr, frame: frame}
			errs[i] = err
		}()
	}
	wg.Wait()
	pos := make([][]int, len(groups))
	for i, g := range groups {
		if errs[i] != nil {
			return nil, true, errs[i]
		}
		pos[i] = g.pos
	}
	return reassemble(policy, replies, pos, len(keys)), true, nil
}
