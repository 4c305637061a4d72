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
// Keys expire lazily, when a command touches them, and actively: a
// background goroutine samples keys with a deadline ten times a second and
// deletes the expired ones in short slices under the lock (expire.go).
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
// Redis's order, before its handler runs; db.go the keyspace. Handlers live
// in one cmd_<group>.go file per command group, each opening with the list
// of commands it registers. Handlers never check arity: the command table
// (internal/command) did, once, in the dispatcher.
package memory
