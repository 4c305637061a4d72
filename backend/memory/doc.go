// Package memory is rk's embedded Redis engine: sixteen databases of keys,
// the commands that act on them, and the client sessions that send them.
//
// # Concurrency
//
// One engine lock (Engine.mu) serialises every command, MULTI/EXEC block and
// script, as Redis's single thread does. Reading and parsing commands and
// encoding replies happen outside it, in each connection's goroutine; a
// pipeline read in one batch runs under one acquisition of the lock
// (Session.DoPipeline), so a busy client pays for the lock once per batch,
// not once per command. The time is read once per batch as well: every
// command of the batch sees the same "now", like a Redis event-loop tick.
//
// A command that must wait (BLPOP and the other blocking commands, or a
// command held back by CLIENT PAUSE) gives the lock up while it waits, in
// its own session, and runs again under the lock when a write makes one
// of its keys ready (db.modified marks it), its timeout passes, the pause
// ends, or CLIENT UNBLOCK, CLIENT KILL or a disconnect ends the wait
// (blocking.go). Clients waiting on a key are served oldest first, after
// the command that made it ready, as Redis serves them after each command.
//
// Keys expire lazily, when a command touches them, and actively: a
// background goroutine samples keys with a deadline ten times a second and
// deletes the expired ones in short slices under the lock (expire.go).
// While CLIENT PAUSE holds writes back, keys expire logically but are not
// deleted, as in Redis.
//
// With maxmemory set, the dispatcher estimates used memory from the Go
// heap (runtime/metrics, at most once per batch), evicts keys by
// maxmemory-policy in time-bounded slices under the lock, and refuses
// deny-oom commands with OOM when it cannot get under the limit
// (evict.go, which says how the estimate copes with a garbage-collected
// heap). With maxmemory 0 the hot path pays one branch.
//
// # Layout
//
// engine.go holds the Engine and its options; session.go the client
// session; dispatch.go the table-driven checks every command passes, in
// Redis's order, before its handler runs; db.go the keyspace and dict.go
// its hash table (incremental rehashing, Redis's SCAN cursor); list.go,
// hash.go, set.go, zset.go and skiplist.go the value types, each keeping
// the encodings OBJECT ENCODING reports. Handlers live
// in one cmd_<group>.go file per command group, each opening with the list
// of commands it registers. Handlers never check arity: the command table
// (internal/command) did, once, in the dispatcher.
package memory
