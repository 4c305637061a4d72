// Command rk-plugin-example is an example third-party rk plugin: a tiny
// in-memory key-value store served to rk for example:// URLs. It shows
// everything a driver plugin does (replies as RESP frames, Redis error
// texts, RESP2 and RESP3, out-of-band pushes, sessions that end) and
// depends on nothing of rk but the public plugins/protocol package, so it
// could live in a module of its own.
//
// Build it as rk-plugin-example somewhere rk looks (see docs/plugins.md),
// serve it, and talk to it with any Redis client:
//
//	go build -o ~/.config/rk/plugins/rk-plugin-example ./plugins/example
//	rk serve --port 6380 --backend example://demo &
//	redis-cli -p 6380 set greeting hello
package main

import "github.com/rk-redis/rk/plugins/protocol"

func main() {
	protocol.Serve(&protocol.ServeConfig{Driver: &driver{}})
}
