package memory

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/command"
)

// Version is the Redis version rk reports (INFO, HELLO, LOLWUT): the
// version whose behaviour it follows.
const Version = "7.4.1"

// Options configure a new Engine.
type Options struct {
	// Config holds configuration parameters by name, as in redis.conf
	// ("requirepass", "databases", ...). Unknown names are an error.
	Config map[string]string
	// ConfigFile is the path CONFIG REWRITE writes to; empty when the
	// server was started without one.
	ConfigFile string
	// OnShutdown is called, outside the engine lock, when a client runs
	// SHUTDOWN. The server stops accepting and closes every connection.
	OnShutdown func()
	// Now replaces the clock, for tests that move time.
	Now func() time.Time
	// ServerInfo supplies the listener's facts for INFO server (port,
	// executable, config file); nil means embedded.
	ServerInfo func() ServerInfo
}

// ServerInfo describes the network server an engine runs behind.
type ServerInfo struct {
	TCPPort    int
	Executable string
	ConfigFile string
}

// Engine is the in-memory backend.
type Engine struct {
	mu   sync.Mutex // the engine lock; see the package doc
	opts Options
	cfg  *config

	table    *command.Table
	commands []*cmdEntry // by command.Spec.ID

	dbs []*db

	// nowMs is the time of the batch being executed (Unix ms), read once
	// per lock acquisition.
	nowMs   int64
	started time.Time
	// batchStart and lastMark time commands within a batch (see mark).
	batchStart time.Time
	lastMark   time.Duration
	fakeClock  bool

	clients clientRegistry
	// blocking holds the keys made ready for blocked clients (blocking.go).
	blocking blockRegistry
	pause    clientPause // CLIENT PAUSE (cmd_client.go), under mu
	nextID   atomic.Int64
	stats    stats
	slowlog  slowlog
	dirty    int64 // changes since start, for INFO persistence
	closed   chan struct{}
	closeMu  sync.Once
	expireOn atomic.Bool

	// mem is the used-memory estimate while maxmemory is set, and
	// evictNextDB the next database random eviction looks at (evict.go).
	mem         memGauge
	evictNextDB int

	shutdownRequested atomic.Bool
	shutdownOnce      atomic.Bool
}

// Interface guards.
var (
	_ backend.Backend   = (*Engine)(nil)
	_ backend.Session   = (*client)(nil)
	_ backend.Pipeliner = (*client)(nil)
)

// New returns an engine configured by opts. It fails on an unknown or
// invalid configuration parameter.
func New(opts Options) (*Engine, error) {
	e := &Engine{
		opts:    opts,
		started: time.Now(),
		closed:  make(chan struct{}),
	}
	if e.opts.Now == nil {
		e.opts.Now = time.Now
	} else {
		e.fakeClock = true
	}
	e.cfg = newConfig()
	for name, value := range opts.Config {
		if err := e.cfg.set(e, name, value, true); err != nil {
			return nil, err
		}
	}
	e.dbs = make([]*db, e.cfg.databases)
	for i := range e.dbs {
		e.dbs[i] = newDB(i, &e.stats, &e.pause)
	}
	e.nextID.Store(2) // Redis's first user connection gets id 3
	e.registerCommands()
	e.expireOn.Store(true)
	e.slowlog.init()
	go e.activeExpireLoop()
	return e, nil
}

// Open starts a client session.
func (e *Engine) Open(ctx context.Context, info backend.ClientInfo) (backend.Session, error) {
	select {
	case <-e.closed:
		return nil, errEngineClosed
	default:
	}
	return e.newClient(info), nil
}

// Close stops the engine's background work and ends every session.
func (e *Engine) Close() error {
	e.closeMu.Do(func() {
		close(e.closed)
		e.clients.endAll()
	})
	return nil
}

// Table is the command table of the commands the engine implements.
func (e *Engine) Table() *command.Table { return e.table }

// ProtectedMode reports whether protected mode applies: it is enabled and
// the default user has no password, so non-loopback clients are refused
// unless the server was bound explicitly.
func (e *Engine) ProtectedMode() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.protectedMode && e.cfg.requirepass == ""
}

// lock takes the engine lock and reads the clock for the batch.
func (e *Engine) lock() {
	e.mu.Lock()
	t := time.Now()
	e.batchStart, e.lastMark = t, 0
	if e.fakeClock {
		t = e.opts.Now()
	}
	e.nowMs = t.UnixMilli()
}

// mark reads the monotonic clock as an offset into the batch. Command
// durations chain marks: a command runs from the previous mark to the next,
// so timing costs one clock read per command, not two.
func (e *Engine) mark() time.Duration {
	e.lastMark = time.Since(e.batchStart)
	return e.lastMark
}

func (e *Engine) unlock() { e.mu.Unlock() }

// lruClock is the engine's coarse clock for object access times, in
// seconds since the engine started.
func (e *Engine) lruClock() uint32 {
	return uint32((e.nowMs - e.started.UnixMilli()) / 1000)
}

type engineError string

func (e engineError) Error() string { return string(e) }

const errEngineClosed = engineError("memory: engine closed")
