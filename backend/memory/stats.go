package memory

import (
	"sync"
	"sync/atomic"

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

// stats are the engine-wide counters of INFO stats and errorstats.
type stats struct {
	mu                  sync.Mutex // guards errors, which INFO reads
	errors              map[string]int64
	totalErrors         int64
	connectionsRecv     atomic.Int64
	rejectedConns       atomic.Int64
	expiredKeys         int64
	keyspaceHits        int64
	keyspaceMisses      int64
	totalCommands       int64
	netInput, netOutput atomic.Int64
}

// countError adds one reply error to errorstats, keyed by its code.
func (s *stats) countError(err error) {
	code := "ERR"
	if re, ok := err.(resp.Error); ok {
		code = re.Prefix()
	}
	s.mu.Lock()
	if s.errors == nil {
		s.errors = make(map[string]int64)
	}
	s.errors[code]++
	s.totalErrors++
	s.mu.Unlock()
}

// resetStats clears the counters CONFIG RESETSTAT resets. The caller holds
// the engine lock.
func (e *Engine) resetStats() {
	for _, c := range e.commands {
		c.cmdStats = cmdStats{}
	}
	e.stats.mu.Lock()
	e.stats.errors = nil
	e.stats.totalErrors = 0
	e.stats.mu.Unlock()
	e.stats.expiredKeys = 0
	e.stats.keyspaceHits = 0
	e.stats.keyspaceMisses = 0
	e.stats.totalCommands = 0
	e.stats.connectionsRecv.Store(0)
	e.stats.rejectedConns.Store(0)
	e.stats.netInput.Store(0)
	e.stats.netOutput.Store(0)
}
