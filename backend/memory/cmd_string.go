package memory

import (
	"github.com/rk-redis/rk/internal/resp"
)

// String commands: GET SET.
var stringCommands = map[string]handler{
	"get": cmdGet,
	"set": cmdSet,
}

// lookupString returns the string value at key, nil when the key is
// missing, or WRONGTYPE.
func (c *client) lookupString(key []byte) (*object, error) {
	o := c.db.get(key, c.e.nowMs)
	if o == nil {
		c.e.stats.keyspaceMisses++
		return nil, nil
	}
	c.e.stats.keyspaceHits++
	if o.kind != kindString {
		return nil, resp.ErrWrongType
	}
	o.lru = c.e.lruClock()
	return o, nil
}

func cmdGet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	o, err := c.lookupString(argv[1])
	if err != nil {
		return err
	}
	if o == nil {
		w.WriteNull()
		return nil
	}
	w.WriteBulk(o.str)
	return nil
}

func cmdSet(c *client, argv [][]byte, w resp.ReplyWriter) error {
	c.setString(argv[1], argv[2])
	w.WriteSimple("OK")
	return nil
}

// setString stores a copy of val at key, dropping any TTL. An existing
// string value's buffer is reused when it is large enough.
func (c *client) setString(key, val []byte) {
	d := c.db
	if o := d.lookup(key); o != nil {
		d.modified(key)
		if o.kind == kindString && cap(o.str) >= len(val) && cap(o.str) <= 2*len(val)+16 {
			o.str = append(o.str[:0], val...)
		} else {
			o.kind, o.str, o.val = kindString, append([]byte(nil), val...), nil
		}
		o.lru = c.e.lruClock()
		if len(d.expires) > 0 {
			delete(d.expires, string(key))
		}
		return
	}
	d.insert(key, &object{kind: kindString, str: append([]byte(nil), val...), lru: c.e.lruClock()})
}
