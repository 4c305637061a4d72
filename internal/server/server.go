// Package server serves any backend.Backend over the Redis protocol, on TCP
// and unix sockets, shaped like net/http: a Server with Serve(l) and
// Shutdown(ctx), and ErrServerClosed.
//
// Each connection has one goroutine. It reads what the client sent, parses
// every complete command in the buffer, runs them as one batch (one
// Pipeliner call, so the memory engine takes its lock once) and writes all
// the replies with one write. A protocol error is answered, then the
// connection is closed, after the commands before it ran.
//
// While a command waits (a blocking command, CLIENT PAUSE), the replies
// before it are sent and the connection is read, so that a client that
// goes away is noticed and what it sends meanwhile is kept, within
// client-query-buffer-limit. A session that pushes out-of-band data
// (backend.PushSource) gets a handler that sends each push at once, or
// with the flush of the batch that is running, never inside a reply. A
// session ended from outside closes its connection after the batch in
// flight; a killed client that does not read is dropped at once.
package server

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("server: closed")

// protectedModeError is Redis's reply to a non-loopback client refused by
// protected mode.
const protectedModeError = "-DENIED Redis is running in protected mode because protected " +
	"mode is enabled and no password is set for the default user. " +
	"In this mode connections are only accepted from the loopback interface. " +
	"If you want to connect from external computers to Redis you " +
	"may adopt one of the following solutions: " +
	"1) Just disable protected mode sending the command " +
	"'CONFIG SET protected-mode no' from the loopback interface " +
	"by connecting to Redis from the same host the server is " +
	"running, however MAKE SURE Redis is not publicly accessible " +
	"from internet if you do so. Use CONFIG REWRITE to make this " +
	"change permanent. " +
	"2) Alternatively you can just disable the protected mode by " +
	"editing the Redis configuration file, and setting the protected " +
	"mode option to 'no', and then restarting the server. " +
	"3) If you started the server manually just for testing, restart " +
	"it with the '--protected-mode no' option. " +
	"4) Set up an authentication password for the default user. " +
	"NOTE: You only need to do one of the above things in order for " +
	"the server to start accepting connections from the outside.\r\n"

// Server serves a Backend to network clients.
type Server struct {
	// Backend executes the commands.
	Backend backend.Backend
	// Protected reports whether protected mode applies now; when it does,
	// clients from outside the loopback interface are refused. nil means
	// never.
	Protected func() bool
	// MaxBulkLen reports proto-max-bulk-len; nil means the default.
	MaxBulkLen func() int64
	// MaxQueryBuf reports client-query-buffer-limit, which bounds what a
	// client may send while its command waits (blockHook); nil means the
	// default, 1 GB. An unauthenticated client is held to 1 MB.
	MaxQueryBuf func() int64
	// ErrorLog receives accept and connection errors; nil means the
	// standard logger.
	ErrorLog *log.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	closed    atomic.Bool
	wg        sync.WaitGroup
}

// Serve accepts connections on l until Shutdown or Close, and returns
// ErrServerClosed then.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = make(map[net.Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}()

	var delay time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.closed.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTemporary(err)) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("server: accept: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		s.wg.Add(1)
		go s.serveConn(nc)
	}
}

// errTemporary treats EMFILE-like accept errors as worth retrying.
func errTemporary(err error) error {
	if strings.Contains(err.Error(), "too many open files") {
		return err
	}
	return errNever
}

var errNever = errors.New("never")

// Shutdown stops accepting, ends every connection after the command it is
// running, and waits for them until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	s.mu.Lock()
	for c := range s.conns {
		c.interrupt()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	s.closeListeners()
	s.mu.Lock()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed.Store(true)
	for l := range s.listeners {
		l.Close()
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// conn is one client connection.
type conn struct {
	s       *Server
	nc      net.Conn
	stopped atomic.Bool
	// wmu serialises the connection's writer between the batch and
	// out-of-band pushes (backend.PushSource); busy is set while a batch
	// runs, when a push waits in the writer for the batch's flush. Both are
	// used only for sessions that push.
	wmu    sync.Mutex
	busy   bool
	pushes bool
	// pending holds bytes read while a command blocked (blockHook), which
	// the command reader gets before reading the connection again.
	pending []byte
	// unwatching is set while blockHook's stop ends the watch.
	unwatching atomic.Bool
	// sess is the connection's session, set by serve.
	sess backend.Session
	// batch is batchIdle, batchRunning while a batch runs, or batchFinal
	// once the session ended during one (see ended).
	batch atomic.Int32
}

const (
	batchIdle = iota
	batchRunning
	batchFinal
)

// ended is called when the session is ended from outside (CLIENT KILL,
// SHUTDOWN) or by its own command (QUIT). A session ended while a batch
// runs gets that batch's replies written, then closes; one ended between
// batches is freed at once, as Redis frees a killed client: a write
// waiting for a client that does not read is abandoned.
func (c *conn) ended() {
	c.interrupt()
	if c.batch.CompareAndSwap(batchRunning, batchFinal) || c.batch.Load() == batchFinal {
		return
	}
	c.nc.SetWriteDeadline(time.Unix(1, 0))
}

// batchDone ends the running batch; if the session ended meanwhile, the
// batch's replies are the last ones and are written in full.
func (c *conn) batchDone(sess backend.Session) {
	select {
	case <-sess.Done():
		c.batch.Store(batchFinal)
		return
	default:
	}
	c.batch.CompareAndSwap(batchRunning, batchIdle)
}

// Read is the command reader's source: bytes kept while a command
// blocked, then the connection.
func (c *conn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		if len(c.pending) == 0 {
			c.pending = nil // let a big buffer go
		}
		return n, nil
	}
	return c.nc.Read(p)
}

// blockHook is the backend.BlockHook of the connection. While a command
// blocks, the replies before it are sent and the connection is read, so
// that a client that goes away is noticed, as Redis frees a blocked
// client whose socket closes; what the client sends meanwhile is kept for
// after the command.
func (c *conn) blockHook(w *resp.Writer) backend.BlockHook {
	return func() (<-chan struct{}, func()) {
		// The replies sent here are not those of a command in flight: a
		// session ended meanwhile abandons them (see ended).
		if c.batch.CompareAndSwap(batchRunning, batchIdle) {
			c.lockWriter()
			w.WriteTo(c.nc)
			c.unlockWriter()
			c.batch.CompareAndSwap(batchIdle, batchRunning)
		} else {
			c.nc.SetWriteDeadline(time.Unix(1, 0)) // ended from outside
		}
		limit := c.queryLimit()
		gone := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			var buf [4096]byte
			for {
				n, err := c.nc.Read(buf[:])
				c.pending = append(c.pending, buf[:n]...)
				if int64(len(c.pending)) > limit {
					// As Redis does, close a client whose query buffer
					// outgrows the limit.
					c.s.logf("server: closing client that reached max query buffer length: %s", c.nc.RemoteAddr())
					c.pending = nil
					c.stopped.Store(true)
					close(gone)
					return
				}
				if err != nil {
					var ne net.Error
					if errors.As(err, &ne) && ne.Timeout() && c.unwatching.Load() && !c.stopped.Load() {
						return // stop ended the watch
					}
					close(gone)
					return
				}
			}
		}()
		return gone, func() {
			c.unwatching.Store(true)
			c.nc.SetReadDeadline(time.Unix(1, 0))
			<-done
			c.unwatching.Store(false)
			if !c.stopped.Load() {
				c.nc.SetReadDeadline(time.Time{})
			}
		}
	}
}

// queryLimit is what the client may have sent but not had run yet:
// client-query-buffer-limit, and at most 1 MB before it authenticates.
func (c *conn) queryLimit() int64 {
	limit := int64(defaultMaxQueryBuf)
	if c.s.MaxQueryBuf != nil {
		limit = c.s.MaxQueryBuf()
	}
	if c.sess.AuthRequired() {
		limit = min(limit, unauthMaxQueryBuf)
	}
	return limit
}

const (
	defaultMaxQueryBuf = 1 << 30
	unauthMaxQueryBuf  = 1 << 20
)

// interrupt makes the connection's goroutine stop at its next read: the
// command in flight completes and its reply is written first.
func (c *conn) interrupt() {
	c.stopped.Store(true)
	c.nc.SetReadDeadline(time.Unix(1, 0))
}

func (s *Server) serveConn(nc net.Conn) {
	defer s.wg.Done()
	c := &conn{s: s, nc: nc}
	s.mu.Lock()
	if s.conns == nil {
		s.conns = make(map[*conn]struct{})
	}
	s.conns[c] = struct{}{}
	closed := s.closed.Load()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		nc.Close()
	}()
	if closed {
		return
	}

	info := clientInfo(nc)
	if s.Protected != nil && !info.Unix && !isLoopback(nc.RemoteAddr()) && s.Protected() {
		io.WriteString(nc, protectedModeError)
		return
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sess, err := s.Backend.Open(ctx, info)
	if err != nil {
		io.WriteString(nc, "-ERR "+strings.ReplaceAll(err.Error(), "\r\n", " ")+"\r\n")
		return
	}
	defer sess.Close()

	// A session ended from outside (CLIENT KILL, SHUTDOWN) interrupts a
	// read that is waiting for the client.
	stopWatch := make(chan struct{})
	defer close(stopWatch)
	go func() {
		select {
		case <-sess.Done():
			c.ended()
		case <-stopWatch:
		}
	}()

	c.serve(ctx, sess)
}

func (c *conn) serve(ctx context.Context, sess backend.Session) {
	c.sess = sess
	rd := resp.NewCommandReader(c)
	w := resp.NewWriter()
	ctx = backend.WithBlockHook(ctx, c.blockHook(w))
	if ps, ok := sess.(backend.PushSource); ok {
		c.pushes = true
		ps.SetPushHandler(c.pushHandler(w))
	}
	pipe, _ := sess.(backend.Pipeliner)
	traffic, _ := sess.(backend.TrafficCounter)
	batch := make([][][]byte, 0, 64)
	for {
		if c.stopped.Load() {
			return
		}
		before := rd.Buffered()
		if err := rd.Fill(); err != nil {
			return
		}
		in := rd.Buffered() - before
		if c.s.MaxBulkLen != nil {
			rd.MaxBulkLen = c.s.MaxBulkLen()
		}
		for {
			batch = batch[:0]
			authRequired := sess.AuthRequired()
			var protoErr error
			for {
				argv, err := rd.Next(authRequired)
				if err != nil {
					protoErr = err
					break
				}
				if argv == nil {
					break
				}
				if len(argv) > 0 {
					batch = append(batch, argv)
				}
			}
			c.setBusy(true)
			c.batch.Store(batchRunning)
			switch {
			case len(batch) == 1 || pipe == nil:
				for _, argv := range batch {
					sess.Do(ctx, argv, w)
				}
			case len(batch) > 1:
				pipe.DoPipeline(ctx, batch, w)
			}
			c.batchDone(sess)
			if protoErr != nil && authRequired && len(batch) > 0 && isUnauthLimit(protoErr) && !sess.AuthRequired() {
				// The batch authenticated the client: parse the rest
				// with the normal limits.
				continue
			}
			if protoErr != nil {
				c.lockWriter()
				w.WriteError(protoErr.Error())
				w.WriteTo(c.nc)
				c.unlockWriter()
				return
			}
			break
		}
		c.lockWriter()
		c.busy = false
		n, err := w.WriteTo(c.nc)
		c.unlockWriter()
		if traffic != nil {
			traffic.CountTraffic(in, int(n))
		}
		if err != nil {
			return
		}
		select {
		case <-sess.Done():
			return
		default:
		}
	}
}

func isUnauthLimit(err error) bool {
	return err == resp.ErrProtoUnauthBulk || err == resp.ErrProtoUnauthMultibulk
}

func clientInfo(nc net.Conn) backend.ClientInfo {
	info := backend.ClientInfo{FD: -1}
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { info.FD = int(fd) })
		}
	}
	if uc, ok := nc.(*net.UnixConn); ok {
		info.Unix = true
		info.Addr = uc.LocalAddr().String() + ":0"
		info.LAddr = info.Addr
		return info
	}
	info.Addr = nc.RemoteAddr().String()
	info.LAddr = nc.LocalAddr().String()
	return info
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return !ok || ta.IP.IsLoopback()
}

// pushHandler is the backend.PushSource handler of the connection: a push
// joins the writer behind the replies written so far, and goes out at once
// unless a batch is running, whose flush then carries it.
func (c *conn) pushHandler(w *resp.Writer) func(resp.Value) {
	return func(v resp.Value) {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		resp.WriteValue(w, v)
		if !c.busy {
			w.WriteTo(c.nc)
		}
	}
}

func (c *conn) setBusy(b bool) {
	if c.pushes {
		c.wmu.Lock()
		c.busy = b
		c.wmu.Unlock()
	}
}

func (c *conn) lockWriter() {
	if c.pushes {
		c.wmu.Lock()
	}
}

func (c *conn) unlockWriter() {
	if c.pushes {
		c.wmu.Unlock()
	}
}
