package memory

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
//
// Objects live inside the keyspace's entries (dict.go): db.insert and
// db.set store a copy of the object they are given, and the *object that
// lookup and get return is the stored value, valid until the key is
// deleted or renamed. To change a value, change that object and call
// db.modified.
type object struct {
	kind kind
	// raw marks a string edited in place (APPEND, SETRANGE, SETBIT...),
	// which OBJECT ENCODING reports as "raw" whatever its length, as
	// Redis does; storing a new value must clear it.
	raw bool
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
	// pause is the engine's CLIENT PAUSE state: while writes are paused,
	// keys expire logically but are not deleted (see get).
	pause *clientPause
	keys  *dict
	// expires holds the deadline, in Unix milliseconds, of every key that
	// has one. Keys without a TTL cost nothing here. setExpire stores the
	// keyspace's own key string, so a deadline costs no key copy.
	expires map[string]int64
	// watchers lists, per key, the clients that WATCH it. It belongs to
	// the database index, not to its contents: SWAPDB leaves it in place.
	watchers map[string][]*client
	// hexpires queues the hashes with field deadlines (hash.go).
	hexpires hashExpiry
	// blocked lists, per key, the clients blocked on it (blocking.go);
	// nil while nobody waits. Like watchers it belongs to the index.
	blocked *blockedKeys
}

// modified records that key changed, so that clients WATCHing it fail
// their EXEC. Every write to a key ends here: set and remove call it, and
// handlers that change a value in place call it themselves.
func (d *db) modified(key []byte) {
	if d.blocked != nil {
		// A change may serve clients blocked on the key (blocking.go).
		d.signalKeyReady(key)
	}
	if len(d.watchers) == 0 {
		return
	}
	for _, c := range d.watchers[string(key)] {
		c.watchTouched = true
	}
}

// modifiedAll touches the watched keys that exist in the database, as
// emptying it (FLUSHDB, FLUSHALL) changes exactly those. Call it before
// emptying.
func (d *db) modifiedAll() {
	for k, cs := range d.watchers {
		if d.keys.GetString(k) == nil {
			continue
		}
		for _, c := range cs {
			c.watchTouched = true
		}
	}
}

func newDB(id int, st *stats, pause *clientPause) *db {
	return &db{id: id, stats: st, pause: pause, keys: newDict(), expires: make(map[string]int64)}
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
func (d *db) lookup(key []byte) *object { return d.keys.Get(key) }

// insert adds a new key holding a copy of *o; the caller knows the key
// does not exist. Later changes go through the object lookup returns.
func (d *db) insert(key []byte, o *object) {
	d.modified(key)
	d.keys.Insert(key, o)
	if o.kind == kindHash {
		d.noteHash(key, o)
	}
}

// size is the number of keys, expired ones not yet deleted included.
func (d *db) size() int { return d.keys.Len() }

// get returns the live object at key, deleting it first if it expired.
func (d *db) get(key []byte, now int64) *object {
	o := d.keys.Get(key)
	if o == nil {
		return nil
	}
	if len(d.expires) > 0 && d.expired(key, now) {
		if d.pause != nil && d.pause.writesPausedAt(now) {
			// As in Redis, a pause of writes (CLIENT PAUSE WRITE or ALL)
			// pauses expiry too: the key is gone for the command but
			// stays in the keyspace until the pause ends.
			return nil
		}
		d.remove(key)
		d.stats.expiredKeys++
		return nil
	}
	return o
}

// set stores a copy of *o at key, keeping any deadline the key had.
func (d *db) set(key []byte, o *object) {
	d.modified(key)
	d.keys.Set(key, o)
	if o.kind == kindHash {
		d.noteHash(key, o)
	}
}

// setOverwrite stores a copy of *o at key and drops any deadline (SET
// without KEEPTTL).
func (d *db) setOverwrite(key []byte, o *object) {
	d.set(key, o)
	if len(d.expires) > 0 {
		delete(d.expires, string(key))
	}
}

// remove deletes key and its deadline; it reports whether the key existed.
func (d *db) remove(key []byte) bool {
	if !d.keys.Delete(key) {
		return false
	}
	d.modified(key)
	if len(d.expires) > 0 {
		delete(d.expires, string(key))
	}
	return true
}

// setExpire gives the existing key the deadline at (Unix ms). It does not
// call modified.
func (d *db) setExpire(key []byte, at int64) {
	if e := d.keys.find(key); e != nil {
		d.expires[e.key] = at
	}
}

// getExpire returns key's deadline, if it has one.
func (d *db) getExpire(key []byte) (int64, bool) {
	if len(d.expires) == 0 {
		return 0, false
	}
	at, ok := d.expires[string(key)]
	return at, ok
}

// persist drops key's deadline and reports whether it had one. It does not
// call modified.
func (d *db) persist(key []byte) bool {
	if _, ok := d.expires[string(key)]; !ok {
		return false
	}
	delete(d.expires, string(key))
	return true
}

// randomKey returns a key chosen at random, or "" and false when the
// database is empty. The key may have expired without being deleted yet;
// RANDOMKEY deletes and skips those.
func (d *db) randomKey() (string, bool) {
	k, o := d.keys.Random()
	return k, o != nil
}

// flush empties the database.
func (d *db) flush() {
	d.modifiedAll()
	d.keys = newDict()
	d.expires = make(map[string]int64)
	d.hexpires = hashExpiry{}
}

// swap exchanges the contents of d and o (SWAPDB). Each database keeps its
// index and its watchers, so clients stay on the index they selected and
// see the other contents; a watched key whose logical value may change is
// touched, as Redis's touchAllWatchedKeysInDb does.
func (d *db) swap(o *db, now int64) {
	d.touchForSwap(o, now)
	o.touchForSwap(d, now)
	d.keys, o.keys = o.keys, d.keys
	d.expires, o.expires = o.expires, d.expires
	d.hexpires, o.hexpires = o.hexpires, d.hexpires
	// Blocked clients stay with the index: the new contents may serve
	// them (blocking.go).
	d.signalAllBlocked()
	o.signalAllBlocked()
}

// touchForSwap touches d's watched keys that exist in d, or that will
// exist after d's contents are replaced with other's; a key that will come
// in already expired is no change.
func (d *db) touchForSwap(other *db, now int64) {
	for k, cs := range d.watchers {
		kb := bytesOfString(k)
		if d.keys.GetString(k) == nil {
			if other.keys.GetString(k) == nil || other.expired(kb, now) {
				continue
			}
		}
		for _, c := range cs {
			c.watchTouched = true
		}
	}
}
