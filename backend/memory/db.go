package memory

import (
	"math/rand/v2"
)

// kind is the type of a value, as TYPE reports it.
type kind uint8

const (
	kindString kind = iota + 1
	kindList
	kindSet
	kindZSet
	kindHash
	kindStream
)

func (k kind) String() string {
	switch k {
	case kindString:
		return "string"
	case kindList:
		return "list"
	case kindSet:
		return "set"
	case kindZSet:
		return "zset"
	case kindHash:
		return "hash"
	case kindStream:
		return "stream"
	}
	return "none"
}

// object is a value in the keyspace. Strings keep their bytes in str; the
// other kinds keep their structure in val.
type object struct {
	kind kind
	// lru is the engine clock (seconds) of the last access, for OBJECT
	// IDLETIME.
	lru uint32
	str []byte
	val any
}

// db is one of the numbered databases.
type db struct {
	id    int
	stats *stats
	keys  map[string]*object
	// expires holds the deadline, in Unix milliseconds, of every key that
	// has one. Keys without a TTL cost nothing here.
	expires map[string]int64
	// watchers lists, per key, the clients that WATCH it.
	watchers map[string][]*client
}

// modified records that key changed, so that clients WATCHing it fail
// their EXEC. Every write to a key ends here: set and remove call it, and
// handlers that change a value in place call it themselves.
func (d *db) modified(key []byte) {
	if len(d.watchers) == 0 {
		return
	}
	for _, c := range d.watchers[string(key)] {
		c.watchTouched = true
	}
}

// modifiedAll touches every watched key of the database (FLUSHDB, SWAPDB).
func (d *db) modifiedAll() {
	for _, cs := range d.watchers {
		for _, c := range cs {
			c.watchTouched = true
		}
	}
}

func newDB(id int, st *stats) *db {
	return &db{id: id, stats: st, keys: make(map[string]*object), expires: make(map[string]int64)}
}

// expired reports whether key has a deadline at or before now.
func (d *db) expired(key []byte, now int64) bool {
	if len(d.expires) == 0 {
		return false
	}
	at, ok := d.expires[string(key)]
	return ok && at <= now
}

// lookup returns the object at key without looking at its deadline.
func (d *db) lookup(key []byte) *object { return d.keys[string(key)] }

// insert adds a new key; the caller knows it does not exist.
func (d *db) insert(key []byte, o *object) {
	d.modified(key)
	d.keys[string(key)] = o
}

// size is the number of keys, expired ones not yet deleted included.
func (d *db) size() int { return len(d.keys) }

// get returns the live object at key, deleting it first if it expired.
func (d *db) get(key []byte, now int64) *object {
	o := d.keys[string(key)]
	if o == nil {
		return nil
	}
	if d.expired(key, now) {
		d.remove(key)
		d.stats.expiredKeys++
		return nil
	}
	return o
}

// set stores o at key, keeping any deadline the key had.
func (d *db) set(key []byte, o *object) {
	d.modified(key)
	if old, ok := d.keys[string(key)]; ok {
		*old = *o
		return
	}
	d.keys[string(key)] = o
}

// setOverwrite stores o at key and drops any deadline (SET without KEEPTTL).
func (d *db) setOverwrite(key []byte, o *object) {
	d.set(key, o)
	if len(d.expires) > 0 {
		delete(d.expires, string(key))
	}
}

// remove deletes key and its deadline; it reports whether the key existed.
func (d *db) remove(key []byte) bool {
	if _, ok := d.keys[string(key)]; !ok {
		return false
	}
	d.modified(key)
	delete(d.keys, string(key))
	if len(d.expires) > 0 {
		delete(d.expires, string(key))
	}
	return true
}

// randomKey returns a key chosen at random, or "" and false when the
// database is empty. Go's map iteration starts at a random position.
func (d *db) randomKey() (string, bool) {
	n := len(d.keys)
	if n == 0 {
		return "", false
	}
	skip := rand.IntN(min(n, 16))
	for k := range d.keys {
		if skip == 0 {
			return k, true
		}
		skip--
	}
	return "", false
}

// flush empties the database.
func (d *db) flush() {
	d.modifiedAll()
	d.keys = make(map[string]*object)
	d.expires = make(map[string]int64)
}
