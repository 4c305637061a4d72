package memory

import (
	"crypto/subtle"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// Connection commands: PING ECHO SELECT QUIT HELLO AUTH RESET.
var connectionCommands = map[string]handler{
	"ping":   cmdPing,
	"echo":   cmdEcho,
	"select": cmdSelect,
	"quit":   cmdQuit,
	"hello":  cmdHello,
	"auth":   cmdAuth,
	"reset":  cmdReset,
}

func cmdPing(c *client, argv [][]byte, w resp.ReplyWriter) error {
	switch len(argv) {
	case 1:
		w.WriteSimple("PONG")
	case 2:
		w.WriteBulk(argv[1])
	default:
		return resp.ErrWrongArgs("ping")
	}
	return nil
}

func cmdEcho(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteBulk(argv[1])
	return nil
}

func cmdSelect(c *client, argv [][]byte, w resp.ReplyWriter) error {
	n, ok := resp.ParseInt(argv[1])
	if !ok {
		return resp.ErrNotInt
	}
	if n < 0 || n >= int64(len(c.e.dbs)) {
		return resp.ErrDBIndex
	}
	c.db = c.e.dbs[n]
	w.WriteSimple("OK")
	return nil
}

func cmdQuit(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteSimple("OK")
	c.closeAfterReply = true
	return nil
}

// checkPassword reports whether user/pass authenticate. Until ACL users
// exist, "default" is the only user and requirepass its password.
func (c *client) checkPassword(user, pass []byte) bool {
	if string(user) != "default" {
		return false
	}
	want := c.e.cfg.requirepass
	if want == "" {
		return true // nopass
	}
	return subtle.ConstantTimeCompare([]byte(want), pass) == 1
}

func cmdAuth(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var user, pass []byte
	switch len(argv) {
	case 2:
		if c.e.cfg.requirepass == "" {
			return resp.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		}
		user, pass = []byte("default"), argv[1]
	case 3:
		user, pass = argv[1], argv[2]
	default:
		return resp.ErrSyntax
	}
	if !c.checkPassword(user, pass) {
		return resp.ErrWrongPass
	}
	c.authenticated.Store(true)
	c.user = string(user)
	w.WriteSimple("OK")
	return nil
}

func cmdHello(c *client, argv [][]byte, w resp.ReplyWriter) error {
	proto := int64(c.proto)
	if len(argv) >= 2 {
		n, ok := resp.ParseInt(argv[1])
		if !ok {
			return resp.Error("ERR Protocol version is not an integer or out of range")
		}
		if n < 2 || n > 3 {
			return resp.ErrNoProto
		}
		proto = n
	}
	// Every option is read before AUTH applies (the last one given), as
	// in Redis: a HELLO refused for a bad option authenticates no one.
	var setName, user, pass []byte
	auth := false
	for i := 2; i < len(argv); i++ {
		more := len(argv) - i - 1
		switch opt := strings.ToLower(string(argv[i])); {
		case opt == "auth" && more >= 2:
			user, pass, auth = argv[i+1], argv[i+2], true
			i += 2
		case opt == "setname" && more >= 1:
			if err := validClientName(argv[i+1]); err != nil {
				return err
			}
			setName = argv[i+1]
			i++
		default:
			return resp.Error("ERR Syntax error in HELLO option '" + string(argv[i]) + "'")
		}
	}
	if auth {
		if !c.checkPassword(user, pass) {
			return resp.ErrWrongPass
		}
		c.authenticated.Store(true)
		c.user = string(user)
	}
	if !c.authenticated.Load() {
		return resp.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	}
	if setName != nil {
		c.name = string(setName)
	}
	c.proto = int(proto)
	w.SetProto(c.proto)
	w.WriteMap(7)
	w.WriteBulkString("server")
	w.WriteBulkString("redis")
	w.WriteBulkString("version")
	w.WriteBulkString(Version)
	w.WriteBulkString("proto")
	w.WriteInt(proto)
	w.WriteBulkString("id")
	w.WriteInt(c.id)
	w.WriteBulkString("mode")
	w.WriteBulkString("standalone")
	w.WriteBulkString("role")
	w.WriteBulkString("master")
	w.WriteBulkString("modules")
	w.WriteArray(0)
	return nil
}

// validClientName checks a CLIENT SETNAME / HELLO SETNAME name: only
// printable ASCII without spaces.
func validClientName(name []byte) error {
	if !isClientAttr(name) { // the rule CLIENT SETINFO shares (cmd_client.go)
		return resp.Error("ERR Client names cannot contain spaces, newlines or special characters.")
	}
	return nil
}

func cmdReset(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.releaseLocked()
	c.db = c.e.dbs[0]
	c.proto = 2
	w.SetProto(2)
	c.name = ""
	c.resetClientOpts() // CLIENT REPLY, NO-EVICT, NO-TOUCH (cmd_client.go)
	c.user = "default"
	c.authenticated.Store(c.e.cfg.requirepass == "")
	w.WriteSimple("RESET")
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
