// Package resp is rk's one codec for the Redis serialization protocol.
//
// # Overview
//
// The server side reads commands with [CommandReader] (multibulk and inline
// forms, Redis's limits and protocol-error texts) and answers through the
// [ReplyWriter] interface. [Writer] is the byte-level implementation: it
// appends replies to one buffer that the connection flushes once per batch,
// and it is the single place where RESP3 replies are down-converted for RESP2
// clients.
//
// The client side (the shell, the plugin driver, tests) reads replies with
// [Reader.ReadValue], which keeps every RESP3 type: simple vs bulk strings,
// map order, doubles, verbatim strings and pushes.
//
// [Error] values hold Redis's error lines byte for byte; the catalogue in
// errors.go is the only place their texts are written.
//
// This package imports only the standard library.
package resp
