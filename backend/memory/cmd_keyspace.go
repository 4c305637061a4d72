package memory

import (
	"github.com/rk-redis/rk/internal/resp"
)

// Generic key commands: DEL EXISTS.
var keyspaceCommands = map[string]handler{
	"del":    cmdDel,
	"exists": cmdExists,
}

func cmdDel(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var n int64
	for _, k := range argv[1:] {
		if c.db.get(k, c.e.nowMs) != nil && c.db.remove(k) {
			n++
		}
	}
	w.WriteInt(n)
	return nil
}

func cmdExists(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var n int64
	for _, k := range argv[1:] {
		if c.db.get(k, c.e.nowMs) != nil {
			n++
		}
	}
	w.WriteInt(n)
	return nil
}
