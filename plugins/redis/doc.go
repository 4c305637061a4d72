// Package redis is rk's built-in driver for Redis-compatible servers —
// Redis, Valkey, KeyDB, Dragonfly, another rk serve — standalone or as a
// Redis Cluster. It is compiled into rk and served out of process by
// re-executing rk ("rk plugin serve redis", see Serve), so that built-in and
// third-party drivers cross the same plugin boundary.
//
// # URLs
//
// redis://, rediss:// (TLS), unix:// and redis+cluster:// / rediss+cluster://
// (see parseURL for the options). Credentials come from the URL; rk's
// command line puts -a, --user and REDISCLI_AUTH there.
//
// # Sessions are relays
//
// A session owns its connection (one per node in a cluster) and relays
// commands and reply frames byte for byte: the frames rk receives are the
// ones the server sent. A session is a client of the server in every
// respect — SELECT, HELLO, CLIENT SETNAME, MULTI/WATCH, blocking commands,
// CLIENT REPLY OFF, (P|S)SUBSCRIBE, MONITOR and RESET all behave as on a
// direct connection, and CLIENT KILL sees and counts the session itself.
//
// A Redis client library cannot be that relay: rueidis, which keeps reply
// types best of the Go clients, still folds RESP2's null bulk and null
// array into one null, refuses SUBSCRIBE through its generic command
// builder, and, like any pipelining client, waits for a reply that CLIENT
// REPLY OFF suppresses. So the relay is rk's own small RESP connection
// (conn.go): it finds frame boundaries without decoding, and keeps just
// enough state to tell replies from out-of-band frames (messages in
// subscribed mode, MONITOR lines, RESP3 pushes), which go to the session's
// Events in wire order.
//
// The cluster's control plane is rueidis: the questions rk asks the cluster
// itself — its layout (CLUSTER SHARDS, or CLUSTER SLOTS before Redis 7) and
// what each command is (COMMAND INFO: key positions and tips) — are asked
// with short-lived rueidis clients, whose typed replies and connection
// handling (TLS, AUTH, RESP3 with a RESP2 fallback) suit them.
//
// # Cluster routing
//
// Commands are routed by key slot, following MOVED (which also repairs the
// slot map) and ASK redirections, and, where a command has no key, by the
// server's command tips, implemented generically: request policies
// all_nodes, all_shards and multi_shard (split by slot, replies reassembled
// in key order), response policies one_succeeded, all_succeeded,
// agg_logical_and, agg_logical_or, agg_min, agg_max and agg_sum; without a
// response policy (or with "special"), arrays and maps are merged and a
// single value is one of the non-null replies, at random (RANDOMKEY, as
// Redis documents it). SCRIPT KILL
// and FUNCTION KILL carry all_shards + one_succeeded in Redis itself. CLIENT
// LIST, CLIENT KILL and MONITOR have no tips in Redis; rk supplies them
// (route.go: extraTips) — CLIENT KILL counts are summed, CLIENT LIST lines
// are concatenated, each tagged " node=HOST:PORT". Tips the server gives
// always win. Transactions run on one node: the node of the first keyed
// command after MULTI (or of WATCH). Connection-wide commands (HELLO, AUTH,
// CLIENT SETNAME, CLIENT REPLY, READONLY) apply to all of the session's
// connections, and to those it opens later.
//
// A seed node that cannot describe the cluster because a script keeps it
// busy (BUSY) does not stop the driver: it then works with the seeds it was
// given, so that SCRIPT KILL still reaches the busy node.
package redis
