package protocol

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// DriverPlugin is the go-plugin glue for a Driver: the plugin side serves
// Impl over gRPC, the host side gets a *Client.
type DriverPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	// Impl is the driver a plugin serves; nil on the host.
	Impl Driver
}

var _ plugin.GRPCPlugin = (*DriverPlugin)(nil)

// GRPCServer registers the driver's gRPC service (plugin side).
func (p *DriverPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("protocol: DriverPlugin has no Impl")
	}
	pb.RegisterDriverServer(s, newServer(p.Impl))
	return nil
}

// GRPCClient returns the host's *Client for the plugin's connection.
func (p *DriverPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return NewClient(c), nil
}

// EventBufferLimit bounds the out-of-band data a plugin holds for one
// backend while the host has not read it yet (Redis's pub/sub
// client-output-buffer-limit hard limit is 32 MB; this covers every
// session of a backend). A session that overflows it is closed.
const EventBufferLimit = 64 << 20

// server adapts a Driver to the gRPC service.
type server struct {
	impl Driver

	mu       sync.Mutex
	backends map[uint64]*srvBackend
	sessions map[uint64]*srvSession

	// The data channel, opened by the first Channel call in the directory
	// the host named.
	dataDir string
	chOnce  sync.Once
	ch      *channel
}

func newServer(d Driver) *server {
	return &server{impl: d, backends: map[uint64]*srvBackend{}, sessions: map[uint64]*srvSession{},
		dataDir: os.Getenv(envDataDir)}
}

var _ pb.DriverServer = (*server)(nil)

type srvBackend struct {
	id uint64
	b  Backend
	q  eventQueue
}

var _ OrderedEvents = (*srvSession)(nil)

type srvSession struct {
	id      uint64
	backend *srvBackend
	s       Session
	// ctx ends when the session is closed; batches run on the data
	// channel run under it.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	seq      uint64
	closed   bool // a closed notice was queued
	attached bool // a data channel serves the session
}

// attach claims the session for a data channel connection; false if one
// has it already.
func (s *srvSession) attach() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attached {
		return false
	}
	s.attached = true
	return true
}

func (s *srvSession) detach() {
	s.mu.Lock()
	s.attached = false
	s.mu.Unlock()
}

func (g *server) Info(ctx context.Context, _ *pb.InfoRequest) (*pb.InfoResponse, error) {
	info, err := g.impl.Info(ctx)
	if err != nil {
		return nil, ErrToStatus(err)
	}
	return &pb.InfoResponse{Name: info.Name, Version: info.Version, Schemes: info.Schemes}, nil
}

func (g *server) Open(ctx context.Context, req *pb.OpenRequest) (*pb.OpenResponse, error) {
	g.mu.Lock()
	_, dup := g.backends[req.Backend]
	g.mu.Unlock()
	if dup {
		return nil, ErrToStatus(Errorf(CodeInvalid, "backend %d is already open", req.Backend))
	}
	b, err := g.impl.Open(ctx, req.Url)
	if err != nil {
		return nil, ErrToStatus(err)
	}
	sb := &srvBackend{id: req.Backend, b: b}
	sb.q.init()
	g.mu.Lock()
	g.backends[req.Backend] = sb
	g.mu.Unlock()
	return &pb.OpenResponse{}, nil
}

func (g *server) Close(_ context.Context, req *pb.CloseRequest) (*pb.CloseResponse, error) {
	g.mu.Lock()
	sb := g.backends[req.Backend]
	delete(g.backends, req.Backend)
	var ss []*srvSession
	for id, s := range g.sessions {
		if s.backend == sb {
			ss = append(ss, s)
			delete(g.sessions, id)
		}
	}
	g.mu.Unlock()
	if sb == nil {
		return &pb.CloseResponse{}, nil
	}
	for _, s := range ss {
		s.cancel()
		s.s.Close()
	}
	err := sb.b.Close()
	sb.q.close()
	return &pb.CloseResponse{}, ErrToStatus(err)
}

func (g *server) backend(id uint64) (*srvBackend, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if b := g.backends[id]; b != nil {
		return b, nil
	}
	return nil, ErrToStatus(Errorf(CodeClosed, "no open backend %d", id))
}

func (g *server) session(id uint64) (*srvSession, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.sessions[id]; s != nil {
		return s, nil
	}
	return nil, ErrToStatus(Errorf(CodeClosed, "no open session %d", id))
}

func (g *server) OpenSession(ctx context.Context, req *pb.OpenSessionRequest) (*pb.OpenSessionResponse, error) {
	sb, err := g.backend(req.Backend)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	_, dup := g.sessions[req.Session]
	g.mu.Unlock()
	if dup {
		return nil, ErrToStatus(Errorf(CodeInvalid, "session %d is already open", req.Session))
	}
	ss := &srvSession{id: req.Session, backend: sb}
	ss.ctx, ss.cancel = context.WithCancel(context.Background())
	var info ClientInfo
	if req.Client != nil {
		info = ClientInfo{Addr: req.Client.Addr, LAddr: req.Client.Laddr}
	}
	s, err := sb.b.OpenSession(ctx, info, ss)
	if err != nil {
		ss.cancel()
		return nil, ErrToStatus(err)
	}
	ss.s = s
	g.mu.Lock()
	g.sessions[req.Session] = ss
	g.mu.Unlock()
	return &pb.OpenSessionResponse{}, nil
}

func (g *server) Do(ctx context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	ss, err := g.session(req.Session)
	if err != nil {
		return nil, err
	}
	return ss.do(ctx, req)
}

// do runs a batch on the session.
func (ss *srvSession) do(ctx context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	cmds := make([][][]byte, len(req.Commands))
	for i, c := range req.Commands {
		cmds[i] = c.Args
	}
	r, err := ss.s.Do(ctx, cmds)
	if err != nil {
		return nil, ErrToStatus(err)
	}
	return &pb.DoResponse{Replies: r.Frames, Proto: int32(r.Proto), Pushes: r.Pushes, Closed: r.Closed}, nil
}

func (g *server) Exec(stream pb.Driver_ExecServer) error {
	ctx := stream.Context()
	for {
		req, err := stream.Recv()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		resp, err := g.Do(ctx, req)
		if err != nil {
			resp = &pb.DoResponse{Error: toDriverError(err)}
		}
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
}

func (g *server) CloseSession(_ context.Context, req *pb.CloseSessionRequest) (*pb.CloseSessionResponse, error) {
	g.mu.Lock()
	ss := g.sessions[req.Session]
	delete(g.sessions, req.Session)
	g.mu.Unlock()
	if ss == nil {
		return &pb.CloseSessionResponse{}, nil
	}
	ss.mu.Lock()
	ss.closed = true
	ss.mu.Unlock()
	ss.cancel()
	return &pb.CloseSessionResponse{}, ErrToStatus(ss.s.Close())
}

// Channel offers the data channel, when the host named a directory for it.
func (g *server) Channel(context.Context, *pb.ChannelRequest) (*pb.ChannelResponse, error) {
	g.chOnce.Do(func() {
		ch, err := openChannel(g, g.dataDir)
		if err != nil {
			// Exec still works; the host uses it when no channel is offered.
			fmt.Fprintf(os.Stderr, "rk plugin: no data channel: %v\n", err)
		}
		g.ch = ch
	})
	if g.ch == nil {
		return &pb.ChannelResponse{}, nil
	}
	return &pb.ChannelResponse{Network: "unix", Address: g.ch.ln.Addr().String(), Token: g.ch.token}, nil
}

func (g *server) Events(req *pb.EventsRequest, stream pb.Driver_EventsServer) error {
	sb, err := g.backend(req.Backend)
	if err != nil {
		return err
	}
	ctx := stream.Context()
	for {
		evs, ok := sb.q.take(ctx)
		if !ok {
			return nil
		}
		for _, ev := range evs {
			if err := stream.Send(ev); err != nil {
				return err
			}
		}
	}
}

// Push implements Events for the driver's session.
func (s *srvSession) Push(frame []byte) uint64 { return s.PushAfter(frame, 0) }

// PushAfter implements OrderedEvents for the driver's session.
func (s *srvSession) PushAfter(frame []byte, replies uint64) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.seq
	}
	s.seq++
	ev := &pb.Event{Session: s.id, Seq: s.seq, Frame: append([]byte(nil), frame...), RepliesBefore: replies}
	if !s.backend.q.put(ev) {
		s.closed = true
		s.backend.q.force(&pb.Event{Session: s.id, Closed: true,
			Reason: fmt.Sprintf("out-of-band data for the session passed %d MB before rk read it", EventBufferLimit>>20)})
		go s.s.Close()
	}
	return s.seq
}

// Closed implements Events for the driver's session.
func (s *srvSession) Closed(reason error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	msg := "connection closed"
	if reason != nil {
		msg = reason.Error()
	}
	s.backend.q.force(&pb.Event{Session: s.id, Closed: true, Reason: msg})
}

// eventQueue holds a backend's events until the Events stream sends them.
type eventQueue struct {
	mu     sync.Mutex
	items  []*pb.Event
	size   int
	notify chan struct{}
	done   bool
}

func (q *eventQueue) init() { q.notify = make(chan struct{}, 1) }

// put queues ev unless that would pass the limit.
func (q *eventQueue) put(ev *pb.Event) bool {
	q.mu.Lock()
	if q.size+len(ev.Frame) > EventBufferLimit {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, ev)
	q.size += len(ev.Frame)
	q.mu.Unlock()
	q.wake()
	return true
}

// force queues ev regardless of the limit (small notices).
func (q *eventQueue) force(ev *pb.Event) {
	q.mu.Lock()
	q.items = append(q.items, ev)
	q.size += len(ev.Frame)
	q.mu.Unlock()
	q.wake()
}

func (q *eventQueue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	q.wake()
}

// take waits for events and returns all that are queued; false once the
// queue is closed and drained or ctx is done.
func (q *eventQueue) take(ctx context.Context) ([]*pb.Event, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			items := q.items
			q.items, q.size = nil, 0
			q.mu.Unlock()
			return items, true
		}
		done := q.done
		q.mu.Unlock()
		if done {
			return nil, false
		}
		select {
		case <-q.notify:
		case <-ctx.Done():
			return nil, false
		}
	}
}
