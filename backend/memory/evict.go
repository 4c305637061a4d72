package memory

import (
	"math"
	"runtime/metrics"
	"time"

	"github.com/rk-redis/rk/internal/command"
)

// maxmemory: measuring used memory, the OOM refusal and eviction.
//
// # Used memory
//
// Redis counts its allocator's bytes exactly; rk reads the Go heap through
// runtime/metrics (a few hundred nanoseconds, no stop-the-world, unlike
// runtime.ReadMemStats), at most once per batch and once per
// memReadInterval (the first command of a batch that the dispatcher checks
// reads it), and only while maxmemory is set, so the hot path pays one
// branch when it is not. Between readings the estimate moves by what is
// evicted and by the arguments of the deny-oom commands run.
//
// The Go heap does not shrink when a key is deleted: the memory comes back
// after the next garbage collection, and even then
// /memory/classes/heap/objects only drops as the sweeper gets to it. So
// the engine estimates:
//
//	used = live heap marked by the last GC (/gc/heap/live)
//	     + bytes allocated since that GC (/gc/heap/allocs, from a base
//	       taken when the engine first sees the cycle)
//	     - what the keys evicted since that GC are estimated to free
//
// which does not depend on sweeping, and forgets the eviction credit as
// soon as a GC has run (its live count no longer includes those keys).
// When readings were interrupted for more than a second (maxmemory was 0,
// or no command came), allocations may have gone unseen, and the estimate
// starts again from the heap-objects reading, which by then has usually
// been swept (if not, it errs on the side of evicting).
//
// The heap includes garbage not yet collected (up to GOGC percent of the
// live heap), client buffers and everything else the process allocates,
// so rk reaches maxmemory earlier than Redis would with the same data.
//
// # Eviction
//
// As in Redis's performEvictions, every command run while maxmemory is set
// first tries to get under it by evicting keys by maxmemory-policy; if it
// cannot (noeviction, or no candidate key left), commands flagged
// deny-oom are refused with OOM (dispatch.go). Eviction never loops on the
// heap reading: each evicted key lowers the estimate by its estimated
// size (evictionSize), and eviction stops when the estimate is under the
// limit. It runs in slices bounded by maxmemory-eviction-tenacity (Redis's
// evictionTimeLimitUs); a command that runs out of time is not refused,
// and the next one carries on.
//
// Sampling policies (lru, lfu, ttl) look at maxmemory-samples keys of
// each database, walking the hash table from a random bucket (Redis's
// dictGetSomeKeys, so a database with fewer keys is sampled whole), and
// evict the best candidate: the one idle longest, or with the soonest
// deadline. rk keeps no eviction pool across evictions, and has no access
// frequency counter: the LFU policies evict by idle time, as the LRU ones
// do.

// memGauge is the used-memory estimate. It is read and written under the
// engine lock.
type memGauge struct {
	samples [4]metrics.Sample
	// cycles is the GC cycle count the estimate is based on; allocBase
	// the allocation total subtracted from /gc/heap/allocs.
	cycles    uint64
	allocBase uint64
	// lastRead is when the gauge was last read; valid is false before
	// the first reading.
	lastRead time.Time
	valid    bool
	// freed is what the keys evicted since GC cycle `cycles` are
	// estimated to free.
	freed int64
	// used is the current estimate: the last reading, less what was
	// evicted since, plus the arguments of the deny-oom commands run
	// since.
	used int64
}

// memReadInterval is how old a reading may be and still serve a new
// batch. A reading costs about as much as a GET; without this, one-command
// batches would pay it every time.
const memReadInterval = time.Millisecond

const (
	memHeapObjects = iota
	memHeapLive
	memHeapAllocs
	memGCCycles
)

// readMemory takes the used-memory reading for a batch. The caller holds
// the engine lock and maxmemory is set.
func (e *Engine) readMemory() {
	g := &e.mem
	if g.samples[0].Name == "" {
		g.samples[memHeapObjects].Name = "/memory/classes/heap/objects:bytes"
		g.samples[memHeapLive].Name = "/gc/heap/live:bytes"
		g.samples[memHeapAllocs].Name = "/gc/heap/allocs:bytes"
		g.samples[memGCCycles].Name = "/gc/cycles/total:gc-cycles"
	}
	metrics.Read(g.samples[:])
	heap := g.samples[memHeapObjects].Value.Uint64()
	live := g.samples[memHeapLive].Value.Uint64()
	allocs := g.samples[memHeapAllocs].Value.Uint64()
	cycles := g.samples[memGCCycles].Value.Uint64()
	if cycles != g.cycles {
		// A collection ran: its live count no longer has the evicted
		// keys, and what was allocated before it is counted there.
		g.cycles, g.allocBase, g.freed = cycles, allocs, 0
	}
	if !g.valid || e.batchStart.Sub(g.lastRead) > time.Second {
		// Allocations since the collection may have gone unseen: start
		// from the heap objects, which count them.
		g.allocBase = allocs - min(allocs, heap-min(heap, live))
		g.valid = true
	}
	g.lastRead = e.batchStart
	used := int64(live + allocs - min(allocs, g.allocBase))
	g.used = max(used-g.freed, 0)
}

// overMaxmemory reports whether the estimate is above maxmemory.
func (e *Engine) overMaxmemory() bool {
	return uint64(e.mem.used) > uint64(e.cfg.maxmemory)
}

type evictResult int

const (
	evictOK      evictResult = iota // under the limit, or evictions are not safe now
	evictRunning                    // still over, out of time for this command
	evictFail                       // over, and nothing more can be evicted
)

// performEvictions evicts keys by maxmemory-policy until the estimate is
// under maxmemory, as Redis's performEvictions does. The caller holds the
// engine lock and maxmemory is set.
func (e *Engine) performEvictions() evictResult {
	if !e.overMaxmemory() {
		return evictOK
	}
	// As in Redis, a pause of writes pauses eviction, and then nothing
	// is refused either.
	if e.pause.writesPausedAt(e.nowMs) {
		return evictOK
	}
	policy := e.cfg.maxmemoryPolicy
	if policy == policyNoEviction {
		return evictFail
	}
	limit := evictionTimeLimit(e.cfg.maxmemoryTenacity)
	var start time.Time
	if limit >= 0 {
		start = time.Now()
	}
	for n := 1; e.overMaxmemory(); n++ {
		d, key, o := e.evictionCandidate(policy)
		if o == nil {
			return evictFail
		}
		size := evictionSize(key, o)
		d.remove(bytesOfString(key))
		e.stats.evictedKeys++
		e.mem.used = max(e.mem.used-size, 0)
		e.mem.freed += size
		if limit >= 0 && n%16 == 0 && time.Since(start) >= limit {
			if e.overMaxmemory() {
				return evictRunning
			}
			break
		}
	}
	return evictOK
}

// evictionTimeLimit is how long one command may spend evicting, by
// maxmemory-eviction-tenacity (Redis's evictionTimeLimitUs); negative
// means no limit.
func evictionTimeLimit(tenacity int64) time.Duration {
	switch {
	case tenacity <= 10:
		return time.Duration(50*tenacity) * time.Microsecond
	case tenacity < 100:
		return time.Duration(500*math.Pow(1.15, float64(tenacity-10))) * time.Microsecond
	}
	return -1
}

// evictionCandidate picks the key to evict under policy, nil when there is
// none.
func (e *Engine) evictionCandidate(policy int64) (*db, string, *object) {
	volatile := policy == policyVolatileLRU || policy == policyVolatileLFU ||
		policy == policyVolatileRandom || policy == policyVolatileTTL
	if policy == policyAllkeysRandom || policy == policyVolatileRandom {
		// One random key of the next database that has one, round robin
		// over the databases, as Redis does.
		for range e.dbs {
			d := e.dbs[e.evictNextDB%len(e.dbs)]
			e.evictNextDB++
			if volatile {
				for k := range d.expires {
					return d, k, d.keys.GetString(k)
				}
				continue
			}
			if k, o := d.keys.Random(); o != nil {
				return d, k, o
			}
		}
		return nil, "", nil
	}
	n := int(e.cfg.maxmemorySamples)
	clock := int64(e.lruClock())
	var (
		bestDB    *db
		bestKey   string
		bestObj   *object
		bestScore int64
	)
	consider := func(d *db, k string, o *object) {
		var score int64
		if policy == policyVolatileTTL {
			// The soonest deadline first.
			score = -d.expires[k]
		} else {
			// Idle time: for LRU, and for LFU too, since rk keeps no
			// access frequency.
			score = clock - int64(o.lru)
		}
		if bestObj == nil || score > bestScore {
			bestDB, bestKey, bestObj, bestScore = d, k, o, score
		}
	}
	for _, d := range e.dbs {
		if volatile {
			i := 0
			for k := range d.expires {
				if i == n {
					break
				}
				i++
				if o := d.keys.GetString(k); o != nil {
					consider(d, k, o)
				}
			}
			continue
		}
		d.keys.Sample(n, func(k string, o *object) { consider(d, k, o) })
	}
	return bestDB, bestKey, bestObj
}

// evictionSize estimates the memory deleting key and its value frees: the
// keyspace entry (dict.go: 80 to 128 bytes, keys over 48 bytes apart) and
// its bucket, and the value's main allocations. It is rough by design;
// what matters is that eviction stops after about the overage.
func evictionSize(key string, o *object) int64 {
	n := int64(112)
	if len(key) > 48 {
		n += int64(len(key))
	}
	switch o.kind {
	case kindString:
		n += int64(cap(o.str))
	case kindList:
		l := o.val.(*list)
		for i := 0; i < l.numNodes(); i++ {
			n += int64(cap(l.node(i).buf)) + 64
		}
	case kindHash:
		h := o.val.(*hashValue)
		n += int64(cap(h.lp))
		if h.big != nil {
			n += int64(len(h.big.ents)) * 112
		}
	case kindSet:
		switch s := o.val.(type) {
		case *setTable:
			n += int64(len(s.entries))*48 + int64(len(s.buckets))*4
		case *setListpack:
			n += int64(cap(s.data))
		case *intset:
			n += int64(cap(s.data))
		}
	case kindZSet:
		z := o.val.(*zset)
		n += int64(cap(z.buf)) + int64(cap(z.ents))*16
		if z.sl != nil {
			n += int64(z.sl.length) * 128
		}
	default:
		n += 64
	}
	return n
}

// checkOOM runs the eviction step of Redis's processCommand for a command
// about to be dispatched, and reports whether the command is refused with
// OOM. The caller holds the engine lock and maxmemory is set.
func (c *client) checkOOM(spec *command.Spec, argv [][]byte) bool {
	e := c.e
	if !e.mem.valid || e.batchStart.Sub(e.mem.lastRead) >= memReadInterval {
		e.readMemory()
	}
	denyOOM := spec.Flags.Has(command.DenyOOM)
	if e.performEvictions() == evictFail {
		reject := denyOOM
		if c.multi != nil {
			top := spec.Parent == nil
			switch {
			case top && spec.Name == "exec":
				// EXEC is refused when it would run a deny-oom command.
				reject = reject || c.multi.denyOOM
			case top && (spec.Name == "discard" || spec.Name == "quit" || spec.Name == "reset"):
			default:
				// Queueing takes memory too: refuse it.
				reject = true
			}
		}
		if reject {
			return true
		}
	}
	if denyOOM {
		// The reading does not see what commands since have added;
		// count their arguments, a lower bound.
		for _, a := range argv {
			e.mem.used += int64(len(a))
		}
	}
	return false
}
