// Package protocol is rk's public plugin contract: what a driver plugin
// implements and how it is launched and spoken to. rk's own Redis driver
// (plugins/redis) and third-party plugins (executables named rk-plugin-NAME)
// are built on it alike.
//
// It imports only the standard library, hashicorp/go-plugin, gRPC and its
// own generated code (package pb), never another rk package, so a plugin in
// a module of its own can implement it.
//
// # Overview
//
// A plugin is a process that rk starts and talks to over gRPC with
// hashicorp/go-plugin: a fixed magic cookie ([Handshake]), versioned plugin
// sets starting at protocol 1 ([VersionedPlugins]), automatic mutual TLS,
// logs on stderr. A plugin's main function is one call:
//
//	func main() {
//		protocol.Serve(&protocol.ServeConfig{Driver: myDriver{}})
//	}
//
// # Lifecycle
//
//  1. rk launches the plugin and negotiates the newest protocol version both
//     sides know; a plugin speaking only versions rk does not know is refused
//     with an error that names it.
//  2. rk calls [Driver.Info], then [Driver.Open] with the backend URL the user
//     gave (redis://..., NAME://...).
//  3. For every client session rk calls [Backend.OpenSession], then
//     [Session.Do] with batches of commands. Replies travel as RESP frames,
//     exactly as the server encoded them; Redis error replies are frames too
//     and keep their text. Batches travel on a data channel, a plain unix
//     socket that [Serve] offers when rk names a directory for it, else on
//     a gRPC stream; a driver sees no difference.
//  4. Out-of-band data (pub/sub messages, MONITOR lines, invalidations) is
//     handed to [Events.Push] (or [PushAfter]) in wire order, and a session
//     that ends on its own is reported with [Events.Closed]. The host
//     receives them over a server-streaming RPC, delivers every push that
//     preceded a reply before the reply itself (see [Reply.Pushes]), and
//     every push that followed a reply after it (see [OrderedEvents]).
//  5. rk closes sessions, then the backend, then stops the plugin. A plugin
//     whose parent goes away exits by itself.
//
// The data channel departs from rk's rule of gRPC as the only transport,
// for the one exchange whose latency matters: through gRPC a command took
// three times as long as over a plain connection (docs/benchmarks.md,
// "Plugin hop"). It is announced and authenticated over gRPC, carries the
// protocol's own messages, and a plugin that does not offer it speaks
// gRPC alone.
//
// Failures the driver reports on purpose (server unreachable, bad URL) are
// [*Error] values with a [Code]; they cross the boundary as gRPC status
// details and come back as the same [*Error]. Any other failure is a
// transport or process failure, and rk reports it as such, naming the plugin.
package protocol

import (
	"context"

	"github.com/hashicorp/go-plugin"
)

// Version is the newest plugin protocol version this package speaks.
const Version = 1

// PluginName is the name of the one plugin in every plugin set.
const PluginName = "driver"

// Handshake is the handshake every rk plugin uses. The cookie only tells a
// plugin binary that rk started it; it is not a security measure. Its value
// never changes.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  Version,
	MagicCookieKey:   "RK_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "27b5e0f62f720fe03d368a7997aebf368eb04e7a14adf408",
}

// VersionedPlugins returns the plugin sets by protocol version. A plugin
// passes its driver; the host passes nil.
func VersionedPlugins(d Driver) map[int]plugin.PluginSet {
	return map[int]plugin.PluginSet{
		1: {PluginName: &DriverPlugin{Impl: d}},
	}
}

// Driver is what a plugin implements.
type Driver interface {
	// Info describes the driver.
	Info(ctx context.Context) (Info, error)
	// Open connects a backend for a URL. It may check that the server is
	// reachable; it should not keep rk waiting for long.
	Open(ctx context.Context, url string) (Backend, error)
}

// Info describes a driver.
type Info struct {
	// Name is the plugin's name, as in rk-plugin-NAME.
	Name    string
	Version string
	// Schemes lists the URL schemes the driver accepts.
	Schemes []string
}

// Backend is one opened URL: a server or a cluster.
type Backend interface {
	// OpenSession starts a client session. events receives the session's
	// out-of-band data; its methods never block.
	OpenSession(ctx context.Context, client ClientInfo, events Events) (Session, error)
	// Close releases the backend. Sessions still open are closed.
	Close() error
}

// ClientInfo describes the client a session serves, when rk serves one
// (rk serve --backend). Both fields are empty when rk itself is the client.
type ClientInfo struct {
	Addr, LAddr string
}

// Session is one client's connection. Do is called by one goroutine at a
// time; Close may be called at any time.
type Session interface {
	// Do runs a batch of commands (cmds[i][0] is the i-th command's name) and
	// returns their replies. The argument slices are only valid during the
	// call. A Redis error reply is a reply, not an error: Do returns an
	// error only when the batch could not be run (use *Error), and the
	// session is then unusable.
	Do(ctx context.Context, cmds [][][]byte) (Reply, error)
	// Close ends the session. It is safe to call more than once.
	Close() error
}

// Reply holds the replies to one batch.
type Reply struct {
	// Frames is one RESP frame per reply, concatenated, in command order,
	// encoded as the server sent them. A command whose reply the server
	// suppressed (CLIENT REPLY OFF) has no frame.
	Frames []byte
	// Proto is the session's protocol after the batch, 2 or 3.
	Proto int
	// Pushes is the number that Events.Push returned for the last
	// out-of-band frame that arrived before these replies on the wire, or 0.
	// The host delivers every out-of-band frame up to it before it hands the
	// replies on, so an invalidation is never seen after a reply it
	// preceded.
	Pushes uint64
	// Closed reports that the session ended with this batch: QUIT, or the
	// server closed the connection after the replies.
	Closed bool
}

// Events receives a session's out-of-band data. Its methods may be called
// from any goroutine, must be called in wire order, and do not block.
//
// The Events rk passes to OpenSession also implement [OrderedEvents]; a
// driver that can count its replies should push with [PushAfter].
type Events interface {
	// Push hands over one out-of-band RESP frame. It returns the frame's
	// sequence number (1, 2, ... per session) for Reply.Pushes. The frame
	// may be reused once Push returns. Push(frame) is PushAfter(frame, 0).
	Push(frame []byte) uint64
	// Closed reports that the session ended on its own: the connection was
	// lost or the server closed it (CLIENT KILL). It is called at most once.
	Closed(reason error)
}

// OrderedEvents is Events that also learn where an out-of-band frame stood
// among the session's replies.
type OrderedEvents interface {
	Events
	// PushAfter is Push for a frame that came, on the wire, after the
	// session's first replies reply frames: the frames of Reply.Frames,
	// counted over every batch the session has returned or is returning
	// (frames read for the driver's own use, such as a connection
	// handshake, do not count). The host holds the frame until it has
	// handed on that many replies, so a push that followed a reply is never
	// seen before it; it releases the frame anyway when the batch in
	// flight ends. 0 means no constraint, as with Push.
	PushAfter(frame []byte, replies uint64) uint64
}

// PushAfter hands frame to e with the number of reply frames that preceded
// it on the wire: with e.PushAfter when e implements [OrderedEvents], else
// with e.Push.
func PushAfter(e Events, frame []byte, replies uint64) uint64 {
	if oe, ok := e.(OrderedEvents); ok {
		return oe.PushAfter(frame, replies)
	}
	return e.Push(frame)
}
