package memory

import (
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Server commands: DBSIZE FLUSHALL FLUSHDB SHUTDOWN.
var serverCommands = map[string]handler{
	"dbsize":   cmdDBSize,
	"flushall": cmdFlushAll,
	"flushdb":  cmdFlushDB,
	"shutdown": cmdShutdown,
}

func cmdDBSize(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteInt(int64(c.db.size()))
	return nil
}

// flushMode parses FLUSHALL/FLUSHDB's optional ASYNC|SYNC.
func flushMode(argv [][]byte) error {
	if len(argv) > 2 {
		return resp.ErrSyntax
	}
	if len(argv) == 2 {
		switch strings.ToLower(string(argv[1])) {
		case "async", "sync":
		default:
			return resp.ErrSyntax
		}
	}
	return nil
}

func cmdFlushAll(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if err := flushMode(argv); err != nil {
		return err
	}
	for _, d := range c.e.dbs {
		d.flush()
	}
	w.WriteSimple("OK")
	return nil
}

func cmdFlushDB(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if err := flushMode(argv); err != nil {
		return err
	}
	c.db.flush()
	w.WriteSimple("OK")
	return nil
}

// cmdShutdown stops the server. rk keeps no data on disk yet, so SAVE and
// NOSAVE are accepted and mean the same; ABORT has nothing to abort.
func cmdShutdown(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var nosave, save, now, force, abort bool
	for _, a := range argv[1:] {
		switch strings.ToLower(string(a)) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now":
			now = true
		case "force":
			force = true
		case "abort":
			abort = true
		default:
			return resp.ErrSyntax
		}
	}
	if (nosave && save) || (abort && (nosave || save || now || force)) {
		return resp.ErrSyntax
	}
	if abort {
		return resp.Error("ERR No shutdown in progress.")
	}
	c.e.shutdownRequested.Store(true)
	c.closeAfterReply = true
	// Redis sends no reply: the connection just closes.
	return nil
}
