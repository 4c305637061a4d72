package redis

import (
	"context"
	"sync"

	"github.com/rk-redis/rk/plugins/protocol"
)

// Name is the built-in driver's plugin name.
const Name = "redis"

// Driver drives real Redis-compatible servers: standalone servers over
// TCP, TLS or unix sockets, and Redis Cluster.
type Driver struct {
	// Version is reported by Info.
	Version string
}

// New returns the driver.
func New(version string) *Driver { return &Driver{Version: version} }

var _ protocol.Driver = (*Driver)(nil)

// Serve runs the driver as a plugin process (rk plugin serve redis).
func Serve(version string) {
	protocol.Serve(&protocol.ServeConfig{Driver: New(version)})
}

// Info implements protocol.Driver.
func (d *Driver) Info(context.Context) (protocol.Info, error) {
	return protocol.Info{Name: Name, Version: d.Version, Schemes: Schemes}, nil
}

// Open implements protocol.Driver. A standalone backend connects when its
// first session opens; a cluster backend discovers the cluster's nodes
// first.
func (d *Driver) Open(ctx context.Context, url string) (protocol.Backend, error) {
	cfg, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	if cfg.cluster {
		return openCluster(ctx, cfg)
	}
	return &standalone{cfg: cfg}, nil
}

// standalone is a backend of one server.
type standalone struct {
	cfg      *config
	sessions sessionSet
}

func (b *standalone) OpenSession(ctx context.Context, _ protocol.ClientInfo, events protocol.Events) (protocol.Session, error) {
	s := &session{events: events, set: &b.sessions}
	c, err := dial(ctx, b.cfg, b.cfg.addrs[0], events, nil, s.lost)
	if err != nil {
		return nil, err
	}
	s.c = c
	if !b.sessions.add(s) {
		c.close()
		return nil, protocol.Errorf(protocol.CodeClosed, "backend closed")
	}
	return s, nil
}

func (b *standalone) Close() error {
	b.sessions.closeAll()
	return nil
}

// sessionSet tracks a backend's open sessions, so that closing the backend
// closes them.
type sessionSet struct {
	mu     sync.Mutex
	open   map[protocol.Session]struct{}
	closed bool
}

func (ss *sessionSet) add(s protocol.Session) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.closed {
		return false
	}
	if ss.open == nil {
		ss.open = map[protocol.Session]struct{}{}
	}
	ss.open[s] = struct{}{}
	return true
}

func (ss *sessionSet) remove(s protocol.Session) {
	ss.mu.Lock()
	delete(ss.open, s)
	ss.mu.Unlock()
}

func (ss *sessionSet) closeAll() {
	ss.mu.Lock()
	ss.closed = true
	open := ss.open
	ss.open = nil
	ss.mu.Unlock()
	for s := range open {
		s.Close()
	}
}

// session is a client session on a standalone server: one connection.
type session struct {
	c      *conn
	events protocol.Events
	set    *sessionSet

	mu     sync.Mutex
	closed bool
}

func (s *session) Do(ctx context.Context, cmds [][][]byte) (protocol.Reply, error) {
	frames, pushes, err := s.c.exec(ctx, cmds, 0)
	if err != nil {
		return protocol.Reply{}, err
	}
	proto, closed := s.c.state()
	return protocol.Reply{Frames: frames, Proto: proto, Pushes: pushes, Closed: closed}, nil
}

// lost is called when the connection ends on its own.
func (s *session) lost(err error) {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed && s.events != nil {
		s.events.Closed(err)
	}
}

func (s *session) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.c.close()
	s.set.remove(s)
	return nil
}
