package memory

import (
	"net"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Server commands: DBSIZE FLUSHALL FLUSHDB SHUTDOWN, CONFIG GET|SET|
// RESETSTAT|REWRITE|HELP, INFO (info.go), TIME, LASTSAVE, SLOWLOG
// GET|LEN|RESET|HELP.
var serverCommands = map[string]handler{
	"dbsize":           cmdDBSize,
	"flushall":         cmdFlushAll,
	"flushdb":          cmdFlushDB,
	"shutdown":         cmdShutdown,
	"config|get":       cmdConfigGet,
	"config|set":       cmdConfigSet,
	"config|resetstat": cmdConfigResetStat,
	"config|rewrite":   cmdConfigRewrite,
	"config|help":      cmdConfigHelp,
	"info":             cmdInfo,
	"time":             cmdTime,
	"lastsave":         cmdLastSave,
	"slowlog|get":      cmdSlowlogGet,
	"slowlog|len":      cmdSlowlogLen,
	"slowlog|reset":    cmdSlowlogReset,
	"slowlog|help":     cmdSlowlogHelp,
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

// writeSubcommandHelp writes a container command's HELP reply in Redis's
// shape: a header line, the subcommands with their indented descriptions,
// and HELP itself last, each a status line.
func writeSubcommandHelp(w resp.ReplyWriter, container string, lines []string) {
	w.WriteArray(len(lines) + 3)
	w.WriteSimple(strings.ToUpper(container) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		w.WriteSimple(l)
	}
	w.WriteSimple("HELP")
	w.WriteSimple("    Print this help.")
}

// isLocalClient reports whether c connected over a unix socket or the
// loopback interface (or is embedded), for the "local" setting of
// enable-protected-configs and enable-debug-command.
func (c *client) isLocalClient() bool {
	if c.info.Unix || c.info.Addr == "" {
		return true
	}
	host, _, err := net.SplitHostPort(c.info.Addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cmdConfigGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	kv := c.e.configGet(argv[2:])
	w.WriteMap(len(kv))
	for _, p := range kv {
		w.WriteBulkString(p[0])
		w.WriteBulkString(p[1])
	}
	return nil
}

func cmdConfigSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv)%2 != 0 {
		return resp.ErrSyntax
	}
	if err := c.e.configSet(argv[2:], c.isLocalClient()); err != nil {
		return err
	}
	w.WriteSimple("OK")
	return nil
}

func cmdConfigResetStat(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.e.resetStats()
	w.WriteSimple("OK")
	return nil
}

func cmdConfigRewrite(c *client, argv [][]byte, w resp.ReplyWriter) error {
	path := c.e.opts.ConfigFile
	if path == "" {
		return resp.Error("ERR The server is running without a config file")
	}
	if err := c.e.cfg.rewriteConfig(path, false); err != nil {
		c.e.logf(logWarning, "CONFIG REWRITE failed: %s", errnoText(err))
		return resp.Error("ERR Rewriting config file: " + errnoText(err))
	}
	c.e.logf(logNotice, "CONFIG REWRITE executed with success.")
	w.WriteSimple("OK")
	return nil
}

func cmdConfigHelp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	writeSubcommandHelp(w, "config", []string{
		"GET <pattern> [<pattern> ...]",
		"    Show the parameters whose names match a glob-style pattern, with their values.",
		"SET <parameter> <value> [<parameter> <value> ...]",
		"    Change parameters at run time; all of them change, or none does.",
		"RESETSTAT",
		"    Zero the counters INFO reports (commandstats, errorstats, stats).",
		"REWRITE",
		"    Save the current parameters into the configuration file the server started with.",
	})
	return nil
}

// cmdTime answers with the command time of the batch, like Redis's cached
// command time: every command of a pipeline or script sees the same one.
func cmdTime(c *client, argv [][]byte, w resp.ReplyWriter) error {
	ms := c.e.nowMs
	w.WriteArray(2)
	w.WriteBulkString(strconv.FormatInt(ms/1000, 10))
	w.WriteBulkString(strconv.FormatInt(ms%1000*1000, 10))
	return nil
}

// cmdLastSave reports the start time: rk has not saved since.
func cmdLastSave(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteInt(c.e.lastSave())
	return nil
}

func cmdSlowlogGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	count := int64(10)
	if len(argv) > 3 {
		return resp.ErrUnknownSubcommandOrArgs(argv[1], "slowlog")
	}
	if len(argv) == 3 {
		n, ok := resp.ParseInt(argv[2])
		if !ok || n < -1 {
			return resp.Error("ERR count should be greater than or equal to -1")
		}
		count = n
	}
	entries := c.e.slowlog.entries
	if count == -1 || count > int64(len(entries)) {
		count = int64(len(entries))
	}
	w.WriteArray(int(count))
	for _, se := range entries[:count] {
		w.WriteArray(6)
		w.WriteInt(se.id)
		w.WriteInt(se.unix)
		w.WriteInt(se.usec)
		w.WriteArray(len(se.argv))
		for _, a := range se.argv {
			w.WriteBulk(a)
		}
		w.WriteBulkString(se.addr)
		w.WriteBulkString(se.name)
	}
	return nil
}

func cmdSlowlogLen(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteInt(int64(len(c.e.slowlog.entries)))
	return nil
}

func cmdSlowlogReset(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.e.slowlog.reset()
	w.WriteSimple("OK")
	return nil
}

func cmdSlowlogHelp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	writeSubcommandHelp(w, "slowlog", []string{
		"GET [<count>]",
		"    Show the <count> most recent slow commands, newest first (10 by default, -1 for all).",
		"    Each entry holds: id, Unix time, duration in microseconds, arguments,",
		"    client address and client name.",
		"LEN",
		"    Count the entries in the slow log.",
		"RESET",
		"    Empty the slow log.",
	})
	return nil
}
