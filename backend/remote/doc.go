// Package remote is the backend for real servers: a plugin host that runs a
// driver plugin (rk's built-in Redis driver, or a third-party rk-plugin-NAME
// executable) with hashicorp/go-plugin and maps rk's sessions onto the
// plugin's sessions.
//
// # Overview
//
// [Open] launches the plugin process, negotiates the protocol version
// (plugins/protocol: a fixed magic cookie, versioned plugin sets from 1,
// gRPC only, automatic mutual TLS with one-time certificates — go-plugin's
// AutoMTLS scheme, with P-256 keys made by rk, see protocol.HostTLS), opens
// the URL through the plugin's driver and returns a [*Backend]. Each
// [Backend.Open] is a plugin session; each [Session.Do] one message
// carrying the command, or the whole pipeline for [Session.DoPipeline],
// answered with the server's reply frames unchanged. The messages travel
// on the session's data channel, a plain unix socket in a private
// directory made for the plugin (RK_PLUGIN_DATA_DIR, removed when the
// plugin is gone), or on a gRPC stream for a plugin that offers none
// (docs/plugin-protocol.md, "Data channel").
// [OpenDriver] does the same over a driver in this process, for tests and
// embedding.
//
// Out-of-band data (pub/sub messages, MONITOR lines, invalidations) arrives
// on the backend's event stream. A session delivers it, in wire order, to
// the handler set with [Session.SetPushHandler]; without a handler it is
// written to the ReplyWriter just before the next reply, as a server writes
// it on the connection. Either way it is bounded ([Options.PushLimit]): a
// session whose owner does not keep up is closed, like a Redis client over
// its output buffer limit.
//
// # Failures
//
// rk never waits on a plugin without a bound. Launching is bounded by
// [Plugin.StartTimeout] and by the caller's context (Ctrl-C); every control
// call by [Options.CallTimeout]. A command may legitimately block (BLPOP 0),
// so Do is bounded by the caller's context and [Options.CommandTimeout]
// (off by default, as in redis-cli), and watched: once a call has taken
// longer than [Options.PingInterval], the plugin's health service is asked
// whether the process is alive, and a plugin that does not answer within
// [Options.PingTimeout] is killed and the call fails. A plugin that dies is
// noticed at once (its connection closes); every error names the plugin.
// Driver errors (server unreachable, bad URL) are shown as the driver wrote
// them; Redis error replies are replies, never Go errors.
//
// Plugin processes are reaped: [Backend.Close] stops the plugin (gracefully,
// then by force), go-plugin's managed clients are killed by CleanupClients
// at exit, and on Linux a plugin gets SIGKILL if rk dies without cleaning
// up (Pdeathsig); plugins/protocol's Serve also exits when its parent
// process is gone.
//
// # Discovery
//
// Third-party plugins are executables named rk-plugin-NAME, looked up in the
// directories of $RK_PLUGIN_PATH (a path list), then the user's plugin
// directory ([UserPluginDir]), then the directory of the rk executable. The
// URL scheme NAME:// (or NAME+anything://) picks rk-plugin-NAME.
package remote
