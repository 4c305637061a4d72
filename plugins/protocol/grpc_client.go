package protocol

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// Client is the host's view of a plugin: a Driver whose calls go over gRPC.
// The Events a host passes to OpenSession receive the session's
// out-of-band frames from the backend's event stream, through PushAfter
// when they implement OrderedEvents; the return value is ignored on this
// side. Do returns only after every out-of-band
// frame that preceded its replies has been pushed.
type Client struct {
	conn *grpc.ClientConn
	rpc  pb.DriverClient
	ids  atomic.Uint64
}

// NewClient returns a Client over a connection to a plugin.
func NewClient(conn *grpc.ClientConn) *Client {
	return &Client{conn: conn, rpc: pb.NewDriverClient(conn)}
}

var _ Driver = (*Client)(nil)

// Ping checks that the plugin process answers, within ctx.
func (c *Client) Ping(ctx context.Context) error {
	_, err := grpc_health_v1.NewHealthClient(c.conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: "plugin"})
	if err != nil {
		return StatusToErr(err)
	}
	return nil
}

// Info implements Driver.
func (c *Client) Info(ctx context.Context) (Info, error) {
	r, err := c.rpc.Info(ctx, &pb.InfoRequest{})
	if err != nil {
		return Info{}, StatusToErr(err)
	}
	return Info{Name: r.Name, Version: r.Version, Schemes: r.Schemes}, nil
}

// Open implements Driver: it opens the backend and its event stream.
func (c *Client) Open(ctx context.Context, url string) (Backend, error) {
	id := c.ids.Add(1)
	if _, err := c.rpc.Open(ctx, &pb.OpenRequest{Backend: id, Url: url}); err != nil {
		return nil, StatusToErr(err)
	}
	b := &cliBackend{c: c, id: id, sessions: map[uint64]*cliSession{}, channel: c.dataChannel(ctx)}
	sctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	stream, err := c.rpc.Events(sctx, &pb.EventsRequest{Backend: id})
	if err != nil {
		cancel()
		c.rpc.Close(ctx, &pb.CloseRequest{Backend: id})
		return nil, StatusToErr(err)
	}
	b.streamDone = make(chan struct{})
	go b.readEvents(stream)
	return b, nil
}

type cliBackend struct {
	c          *Client
	id         uint64
	channel    *pb.ChannelResponse // where the data channel is; nil: none
	cancel     context.CancelFunc
	streamDone chan struct{}

	mu        sync.Mutex
	sessions  map[uint64]*cliSession
	streamErr error // set once the event stream has ended
	closed    bool
}

type cliSession struct {
	b      *cliBackend
	id     uint64
	events Events

	// The session's data channel, when the plugin offers one, else its
	// Exec stream, opened by the first Do. Do is called by one goroutine
	// at a time; smu guards the fields against Close.
	smu          sync.Mutex
	data         *dataConn
	dataErr      error // why the data channel failed; the session is unusable
	stream       pb.Driver_ExecClient
	cancelStream context.CancelFunc
	closed       bool

	mu        sync.Mutex
	delivered uint64
	ended     bool          // a closed notice was delivered, or the stream died
	wake      chan struct{} // closed and replaced whenever delivered or ended changes
}

func (b *cliBackend) readEvents(stream pb.Driver_EventsClient) {
	defer close(b.streamDone)
	for {
		ev, err := stream.Recv()
		if err != nil {
			b.mu.Lock()
			closing := b.closed
			b.streamErr = StatusToErr(err)
			ss := make([]*cliSession, 0, len(b.sessions))
			for _, s := range b.sessions {
				ss = append(ss, s)
			}
			b.mu.Unlock()
			if !closing {
				for _, s := range ss {
					s.end(&TransportError{Err: errors.New("lost the plugin's event stream: " + err.Error())})
				}
			}
			return
		}
		b.mu.Lock()
		s := b.sessions[ev.Session]
		b.mu.Unlock()
		if s == nil {
			continue
		}
		if ev.Closed {
			s.end(errors.New(ev.Reason))
			continue
		}
		PushAfter(s.events, ev.Frame, ev.RepliesBefore)
		s.mu.Lock()
		s.delivered = ev.Seq
		close(s.wake)
		s.wake = make(chan struct{})
		s.mu.Unlock()
	}
}

func (s *cliSession) end(reason error) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
	s.events.Closed(reason)
}

// waitDelivered waits until the events up to seq have been pushed, the
// session has ended, or ctx is done.
func (s *cliSession) waitDelivered(ctx context.Context, seq uint64) {
	for {
		s.mu.Lock()
		if s.delivered >= seq || s.ended {
			s.mu.Unlock()
			return
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return
		}
	}
}

func (b *cliBackend) OpenSession(ctx context.Context, client ClientInfo, events Events) (Session, error) {
	id := b.c.ids.Add(1)
	s := &cliSession{b: b, id: id, events: events, wake: make(chan struct{})}
	b.mu.Lock()
	if b.streamErr != nil {
		err := b.streamErr
		b.mu.Unlock()
		return nil, err
	}
	b.sessions[id] = s
	b.mu.Unlock()
	_, err := b.c.rpc.OpenSession(ctx, &pb.OpenSessionRequest{Backend: b.id, Session: id,
		Client: &pb.ClientInfo{Addr: client.Addr, Laddr: client.LAddr}})
	if err != nil {
		b.mu.Lock()
		delete(b.sessions, id)
		b.mu.Unlock()
		return nil, StatusToErr(err)
	}
	if b.channel != nil {
		// Without its data channel the session still works, over Exec.
		s.data, _ = dialChannel(ctx, b.channel, id)
	}
	return s, nil
}

// dataChannel asks the plugin where its data channel is; nil if it offers
// none.
func (c *Client) dataChannel(ctx context.Context) *pb.ChannelResponse {
	r, err := c.rpc.Channel(ctx, &pb.ChannelRequest{})
	// A plugin that predates the channel answers Unimplemented.
	if err != nil || r.Network != "unix" || r.Address == "" || len(r.Token) != tokenSize {
		return nil
	}
	return r
}

func (b *cliBackend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_, err := b.c.rpc.Close(ctx, &pb.CloseRequest{Backend: b.id})
	b.cancel()
	<-b.streamDone
	return StatusToErr(err)
}

func (s *cliSession) Do(ctx context.Context, cmds [][][]byte) (Reply, error) {
	req := &pb.DoRequest{Session: s.id, Commands: make([]*pb.Command, len(cmds))}
	pcs := make([]pb.Command, len(cmds))
	for i, argv := range cmds {
		pcs[i].Args = argv
		req.Commands[i] = &pcs[i]
	}
	r, err := s.do(ctx, req)
	if err != nil {
		return Reply{}, err
	}
	if r.Error != nil {
		return Reply{}, &Error{Code: Code(r.Error.Code), Message: r.Error.Message}
	}
	if r.Pushes > 0 {
		s.waitDelivered(ctx, r.Pushes)
	}
	return Reply{Frames: r.Replies, Proto: int(r.Proto), Pushes: r.Pushes, Closed: r.Closed}, nil
}

// do runs one batch over the data channel or the Exec stream.
func (s *cliSession) do(ctx context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	s.smu.Lock()
	closed, data, dataErr := s.closed, s.data, s.dataErr
	s.smu.Unlock()
	switch {
	case closed:
		return nil, Errorf(CodeClosed, "session closed")
	case dataErr != nil:
		return nil, dataErr
	}
	if data != nil {
		r, err := data.exchange(ctx, req)
		if err != nil {
			s.smu.Lock()
			s.dataErr = err
			s.data = nil
			s.smu.Unlock()
			data.close()
		}
		return r, err
	}
	stream, cancel, err := s.execStream()
	if err != nil {
		return nil, err
	}
	// Interrupting the caller ends the stream, and with it the batch in
	// flight.
	stop := context.AfterFunc(ctx, cancel)
	r, err := exchange(stream, req)
	stop()
	if err != nil {
		cancel()
		s.smu.Lock()
		if s.stream == stream {
			s.stream = nil
		}
		s.smu.Unlock()
		if ctx.Err() != nil {
			return nil, &TransportError{Err: ctx.Err()}
		}
		return nil, StatusToErr(err)
	}
	return r, nil
}

// execStream returns the session's Exec stream, opening it if needed.
func (s *cliSession) execStream() (pb.Driver_ExecClient, context.CancelFunc, error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if s.closed {
		return nil, nil, Errorf(CodeClosed, "session closed")
	}
	if s.stream == nil {
		sctx, cancel := context.WithCancel(context.Background())
		stream, err := s.b.c.rpc.Exec(sctx)
		if err != nil {
			cancel()
			return nil, nil, StatusToErr(err)
		}
		s.stream, s.cancelStream = stream, cancel
	}
	return s.stream, s.cancelStream, nil
}

func exchange(stream pb.Driver_ExecClient, req *pb.DoRequest) (*pb.DoResponse, error) {
	if err := stream.Send(req); err != nil {
		// The stream's real error comes from Recv.
		if _, rerr := stream.Recv(); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	return stream.Recv()
}

func (s *cliSession) Close() error {
	s.smu.Lock()
	s.closed = true
	if s.data != nil {
		s.data.close()
		s.data = nil
	}
	if s.stream != nil {
		s.cancelStream()
		s.stream = nil
	}
	s.smu.Unlock()
	s.b.mu.Lock()
	_, open := s.b.sessions[s.id]
	delete(s.b.sessions, s.id)
	dead := s.b.streamErr != nil || s.b.closed
	s.b.mu.Unlock()
	if !open || dead {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_, err := s.b.c.rpc.CloseSession(ctx, &pb.CloseSessionRequest{Session: s.id})
	return StatusToErr(err)
}
