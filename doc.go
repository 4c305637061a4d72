// Package rk is the root of the rk module; it holds no code, only this tour.
//
// rk is one binary, cmd/rk, whose subcommands all work over one abstraction,
// the backend (package backend): a place that executes Redis commands for a
// client session.
//
//	cmd/rk             the urfave/cli app; the only composition root
//	internal/server    the RESP network server over any backend
//	backend            Backend and Session interfaces, URL registry
//	backend/memory     the embedded engine: keyspace, commands, clients
//	backend/remote     the plugin host that drives real servers
//	backend/backendtest the conformance suite every backend passes
//	plugins/protocol   the public plugin contract (go-plugin, gRPC)
//	plugins/redis      the built-in driver for Redis-compatible servers
//	internal/command   the command table: arity, flags, keys, docs
//	internal/resp      the RESP2/RESP3 codec and error catalogue
//	internal/rktest    test helpers
//	test/              differential and end-to-end tests
//
// Imports only go down this list: nothing imports cmd/rk; backend/memory
// and backend/remote never import each other; internal/resp imports only
// the standard library. imports_test.go enforces the rule.
package rk
