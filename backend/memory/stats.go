package memory

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rk-redis/rk/internal/resp"
)

// cmdStats are one command's INFO commandstats counters. They are written
// under the engine lock.
type cmdStats struct {
	calls    int64
	usec     int64
	rejected int64
	failed   int64
}

// errorStatsMax is how many distinct error codes errorstats tracks; past
// it, tracking stops (until CONFIG RESETSTAT) and a single
// ERRORSTATS_DISABLED entry says so, as in Redis.
const errorStatsMax = 128

// stats are the engine-wide counters of INFO stats, clients and errorstats.
//
// Fields without a comment are plain counters written under the engine
// lock. The atomic ones may be updated from outside it: by the network
// server (traffic, connections) or by code that tracks client states
// (blocked, tracking, pubsub clients), which should keep them current so
// that INFO clients reports them.
type stats struct {
	mu              sync.Mutex // guards errors and the error counters, which INFO reads
	errors          map[string]int64
	totalErrors     int64
	errorsDisabled  bool
	connectionsRecv atomic.Int64
	rejectedConns   atomic.Int64
	expiredKeys     int64
	expiredSubkeys  int64 // hash fields deleted because their deadline passed
	keyspaceHits    int64
	keyspaceMisses  int64
	// totalCommands is unused: total_commands_processed is the sum of the
	// commands' calls, which CONFIG RESETSTAT also resets.
	totalCommands       int64
	netInput, netOutput atomic.Int64
	// readsProcessed and writesProcessed count network reads and writes
	// (total_reads_processed, total_writes_processed).
	readsProcessed, writesProcessed atomic.Int64

	// Client states, maintained by the code that enters and leaves them.
	blockedClients  atomic.Int64
	trackingClients atomic.Int64
	pubsubClients   atomic.Int64

	// ACL refusals (INFO stats acl_access_denied_*).
	aclDeniedAuth, aclDeniedCmd, aclDeniedKey, aclDeniedChannel atomic.Int64

	// protoMaxBulkLen mirrors the parameter for ProtoMaxBulkLen; 0 until
	// first read.
	protoMaxBulkLen atomic.Int64
	// queryBufLimit likewise mirrors client-query-buffer-limit for
	// ClientQueryBufferLimit.
	queryBufLimit atomic.Int64

	// evictedKeys counts keys removed by maxmemory eviction.
	evictedKeys int64

	// ids holds the run id and replication ids, made on first use.
	idsOnce         sync.Once
	runID           string
	replID, replID2 string
	peakMemory      atomic.Uint64
	instantaneous   rateSampler
}

// countError adds one reply error to errorstats, keyed by its code.
func (s *stats) countError(err error) {
	code := "ERR"
	if re, ok := err.(resp.Error); ok {
		code = re.Prefix()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.totalErrors++
	if s.errorsDisabled {
		return
	}
	if s.errors == nil {
		s.errors = make(map[string]int64)
	}
	if _, ok := s.errors[code]; !ok && len(s.errors) >= errorStatsMax {
		s.errors = map[string]int64{"ERRORSTATS_DISABLED": 1}
		s.errorsDisabled = true
		return
	}
	s.errors[code]++
}

// errorCounts returns a copy of the errorstats counters.
func (s *stats) errorCounts() (map[string]int64, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.errors))
	for k, v := range s.errors {
		out[k] = v
	}
	return out, s.totalErrors
}

// ids returns the run id and the replication ids, making them on first
// use.
func (s *stats) ids() (runID, replID, replID2 string) {
	s.idsOnce.Do(func() {
		s.runID = randomHexID()
		s.replID = randomHexID()
		s.replID2 = zeroID
	})
	return s.runID, s.replID, s.replID2
}

// changeReplID gives the instance a new replication id and clears the
// secondary one (DEBUG CHANGE-REPL-ID).
func (s *stats) changeReplID() {
	s.ids()
	s.replID = randomHexID()
	s.replID2 = zeroID
}

const zeroID = "0000000000000000000000000000000000000000"

// randomHexID returns 40 random hex digits, like Redis's run ids.
func randomHexID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// resetStats clears the counters CONFIG RESETSTAT resets. The caller holds
// the engine lock. The slow log and the client-state gauges stay.
func (e *Engine) resetStats() {
	for _, c := range e.commands {
		if c != nil {
			c.cmdStats = cmdStats{}
		}
	}
	e.stats.mu.Lock()
	e.stats.errors = nil
	e.stats.totalErrors = 0
	e.stats.errorsDisabled = false
	e.stats.mu.Unlock()
	e.stats.expiredKeys = 0
	e.stats.expiredSubkeys = 0
	e.stats.evictedKeys = 0
	e.stats.keyspaceHits = 0
	e.stats.keyspaceMisses = 0
	e.stats.totalCommands = 0
	e.stats.connectionsRecv.Store(0)
	e.stats.rejectedConns.Store(0)
	e.stats.netInput.Store(0)
	e.stats.netOutput.Store(0)
	e.stats.readsProcessed.Store(0)
	e.stats.writesProcessed.Store(0)
	e.stats.aclDeniedAuth.Store(0)
	e.stats.aclDeniedCmd.Store(0)
	e.stats.aclDeniedKey.Store(0)
	e.stats.aclDeniedChannel.Store(0)
	e.stats.instantaneous.reset()
}

// commandsProcessed is total_commands_processed: every call of every
// command, those run by EXEC and scripts included, rejected ones not.
func (e *Engine) commandsProcessed() int64 {
	var n int64
	for _, c := range e.commands {
		if c != nil {
			n += c.calls
		}
	}
	return n
}

// CountRejectedConnection counts a connection the server refused
// (maxclients), for INFO's rejected_connections.
func (e *Engine) CountRejectedConnection() { e.stats.rejectedConns.Add(1) }

// rateSampler turns counters into the instantaneous_* rates of INFO
// stats. It samples when INFO runs, at most every 100ms, and reports the
// rate over the last two seconds of samples, as Redis's 16-sample window
// at 100ms does with a sample every cron tick.
type rateSampler struct {
	mu      sync.Mutex
	samples []rateSample
}

type rateSample struct {
	at           time.Time
	ops, in, out int64
}

func (r *rateSampler) reset() {
	r.mu.Lock()
	r.samples = nil
	r.mu.Unlock()
}

// rates records a sample and returns operations per second and input and
// output bytes per second.
func (r *rateSampler) rates(now time.Time, ops, in, out int64) (opsPS, inPS, outPS float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.samples); n == 0 || now.Sub(r.samples[n-1].at) >= 100*time.Millisecond {
		r.samples = append(r.samples, rateSample{now, ops, in, out})
	}
	for len(r.samples) > 1 && now.Sub(r.samples[0].at) > 2*time.Second {
		r.samples = r.samples[1:]
	}
	first, last := r.samples[0], r.samples[len(r.samples)-1]
	secs := last.at.Sub(first.at).Seconds()
	if secs <= 0 {
		return 0, 0, 0
	}
	return float64(last.ops-first.ops) / secs, float64(last.in-first.in) / secs, float64(last.out-first.out) / secs
}
