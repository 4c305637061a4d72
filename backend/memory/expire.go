package memory

import (
	"time"
)

// Active expiry: like Redis's activeExpireCycle, ten times a second sample
// keys that have a deadline, delete the expired ones, and go on while more
// than a quarter of a sample was expired, within a small time budget so the
// lock is never held long.
const (
	activeExpireEvery    = 100 * time.Millisecond
	activeExpireSample   = 20
	activeExpireBudget   = 25 * time.Millisecond
	activeExpireRepeatAt = activeExpireSample / 4
)

func (e *Engine) activeExpireLoop() {
	t := time.NewTicker(activeExpireEvery)
	defer t.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-t.C:
		}
		if !e.expireOn.Load() {
			continue
		}
		e.lock()
		e.activeExpireCycle()
		e.unlock()
	}
}

// activeExpireCycle runs one cycle over every database. The caller holds
// the engine lock.
func (e *Engine) activeExpireCycle() {
	deadline := time.Now().Add(activeExpireBudget)
	for _, d := range e.dbs {
		for len(d.expires) > 0 {
			expired, sampled := 0, 0
			for k, at := range d.expires {
				if sampled == activeExpireSample {
					break
				}
				sampled++
				if at <= e.nowMs {
					d.remove([]byte(k))
					e.stats.expiredKeys++
					expired++
				}
			}
			if expired <= activeExpireRepeatAt || time.Now().After(deadline) {
				break
			}
		}
		if time.Now().After(deadline) {
			return
		}
	}
}
