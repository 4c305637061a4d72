// Package backend defines what every rk subcommand works over: a Backend
// that opens client Sessions, each of which executes Redis commands.
//
// # Lifecycle
//
//  1. A Backend is opened by URL with Open (memory://, redis://, ...), or
//     built directly by its package.
//  2. Backend.Open starts a client session; ClientInfo carries what CLIENT
//     LIST shows about it.
//  3. Session.Do runs one command and writes its reply through a
//     resp.ReplyWriter that knows the session's protocol. A session whose
//     owner read a whole pipeline may also implement Pipeliner, to run the
//     batch at once.
//  4. A session can be ended from outside (CLIENT KILL, QUIT, SHUTDOWN):
//     Done is closed, and the owner closes its connection after the reply
//     in flight, never in the middle of one.
//  5. Session.Close releases the session; Backend.Close the backend.
//
// Implementations: backend/memory (the embedded engine) and backend/remote
// (driver plugins for real servers). Both pass backend/backendtest.
package backend

import (
	"context"
	"io"

	"github.com/rk-redis/rk/internal/resp"
)

// Backend executes Redis commands for client sessions.
type Backend interface {
	// Open starts a client session.
	Open(ctx context.Context, info ClientInfo) (Session, error)
	io.Closer
}

// ClientInfo describes the client a session serves.
type ClientInfo struct {
	// Addr and LAddr are the peer and local addresses ("ip:port"); for an
	// embedded session both are empty and CLIENT LIST shows them as such.
	Addr, LAddr string
	// FD is the socket's file descriptor, or -1.
	FD int
	// Unix is set for unix-socket clients.
	Unix bool
}

// Session is one client's connection to a backend. A session is used by one
// goroutine at a time, except Done and Close.
type Session interface {
	// Do runs one command (argv[0] is its name) and writes its reply to w.
	// The arguments may be reused by the caller once Do returns. Do writes
	// nothing for a command whose reply is suppressed (CLIENT REPLY OFF).
	Do(ctx context.Context, argv [][]byte, w resp.ReplyWriter)
	// AuthRequired reports whether the session must authenticate before
	// running commands; the server then applies the protocol's
	// unauthenticated limits.
	AuthRequired() bool
	// Done is closed once the session has been ended: by QUIT, CLIENT KILL,
	// SHUTDOWN or the backend going away. The owner then flushes the
	// replies written so far and closes the connection.
	Done() <-chan struct{}
	// Close ends the session. It is safe to call more than once.
	Close() error
}

// Pipeliner is implemented by sessions that can run a batch of commands read
// together, e.g. under one acquisition of an engine lock, or as one round
// trip to a remote server. Replies are written in order.
type Pipeliner interface {
	DoPipeline(ctx context.Context, cmds [][][]byte, w resp.ReplyWriter)
}

// TrafficCounter is implemented by sessions that account for their network
// traffic (INFO's total_net_input_bytes and total_net_output_bytes). The
// server reports the bytes it read and wrote, once per batch.
type TrafficCounter interface {
	CountTraffic(in, out int)
}

// BlockHook is how a server learns that a session's command is about to
// wait (BLPOP, BLMOVE, XREAD BLOCK, WAIT...). The session calls it from Do
// or DoPipeline before waiting: the server sends the replies written so
// far and watches the connection, closing gone if the client disconnects
// (or the server shuts down) before stop is called; the session then
// abandons the command. The session calls stop when the wait ends, before
// it writes again. Servers pass a hook in the context of Do and
// DoPipeline (WithBlockHook); sessions find it with BlockHookFrom.
type BlockHook func() (gone <-chan struct{}, stop func())

type blockHookKey struct{}

// WithBlockHook returns ctx carrying h.
func WithBlockHook(ctx context.Context, h BlockHook) context.Context {
	return context.WithValue(ctx, blockHookKey{}, h)
}

// BlockHookFrom returns the hook in ctx, or nil.
func BlockHookFrom(ctx context.Context) BlockHook {
	h, _ := ctx.Value(blockHookKey{}).(BlockHook)
	return h
}

// PushSource is implemented by sessions whose server sends out-of-band
// data: pub/sub messages, MONITOR lines, tracking invalidations. Without a
// handler, a session writes such data to the ReplyWriter of its next Do,
// just before the reply. With one, it hands every push to h as it arrives,
// in the server's order, so an owner like the network server can send it
// at once. The contract that keeps frames whole and in order:
//
//   - a push that came before a reply is handed to h before Do writes that
//     reply;
//   - h is never called while Do or DoPipeline is writing to its
//     ReplyWriter, so h may append to the same writer;
//   - h must not block for long, and the session bounds what it holds for
//     a slow owner (Redis's client-output-buffer-limit), closing the
//     session rather than growing without limit.
type PushSource interface {
	SetPushHandler(h func(resp.Value))
}
