package memory

import (
	"math/rand/v2"
	"time"
)

// Background keyspace upkeep, hz times a second (Redis's serverCron; hz
// is 10 by default):
//
//   - Active rehashing (activerehashing yes): a database whose table is
//     resizing but that sees few commands would otherwise keep two tables
//     for a long time, so each tick moves buckets for up to a millisecond.
//   - Active expiry, like Redis's slow activeExpireCycle: per database,
//     sample 20 keys that have a deadline, delete the expired ones, and
//     sample again while more than a tenth of a sample was expired. The
//     cycle is bounded to a quarter of the tick and runs in slices of at
//     most a millisecond, releasing the engine lock between slices so
//     commands are never held up for long. active-expire-effort (1 to 10)
//     raises the sample size, the time bound and the persistence as in
//     Redis. DEBUG SET-ACTIVE-EXPIRE 0 (Engine.expireOn) turns active
//     expiry off; lazy expiry on access stays on. DEBUG PAUSE-CRON 1 stops
//     both.
//
// Every key deleted because its deadline passed counts in INFO's
// expired_keys.
const (
	activeExpireEvery  = 100 * time.Millisecond // the first tick
	activeExpireSlice  = time.Millisecond
	activeRehashBudget = time.Millisecond
	// activeExpireMaxRounds bounds one cycle, should the clock stall.
	activeExpireMaxRounds = 1 << 20
)

// expireParams are one cycle's settings, from hz and active-expire-effort.
type expireParams struct {
	sample   int           // keys per sample
	stalePct int           // sample again while more than this % expired
	budget   time.Duration // for the whole cycle
}

func newExpireParams(hz, effort int64) expireParams {
	ef := int(min(max(effort, 1), 10)) - 1 // 0..9, as Redis rescales it
	tick := time.Second / time.Duration(min(max(hz, 1), 500))
	return expireParams{
		sample:   20 + 20/4*ef,
		stalePct: 10 - ef,
		budget:   tick * time.Duration(25+2*ef) / 100,
	}
}

func (e *Engine) activeExpireLoop() {
	timer := time.NewTimer(activeExpireEvery)
	defer timer.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-timer.C:
		}
		e.lock()
		hz := e.cfg.hz
		params := newExpireParams(hz, e.cfg.activeExpireEffort)
		// DEBUG PAUSE-CRON stops background work; CLIENT PAUSE WRITE or
		// ALL stops expiry (Redis's PAUSE_ACTION_EXPIRE).
		paused := e.cfg.debug.pauseCron
		expiryPaused := e.pause.writesPausedAt(e.nowMs)
		if !paused && keyspaceParam(e, "activerehashing") != "no" {
			e.activeRehash()
		}
		e.unlock()
		if !paused && !expiryPaused && e.expireOn.Load() {
			e.activeExpireCycle(params)
		}
		timer.Reset(time.Second / time.Duration(min(max(hz, 1), 500)))
	}
}

// activeRehash advances the incremental rehashing of every database for
// up to activeRehashBudget in total. The caller holds the engine lock.
func (e *Engine) activeRehash() {
	deadline := time.Now().Add(activeRehashBudget)
	for _, d := range e.dbs {
		left := time.Until(deadline)
		if left <= 0 {
			return
		}
		d.keys.rehashFor(left)
	}
}

// expireCycle is the progress of one active expiry cycle over the
// databases, which starts at a random one so that none is favoured when
// the budget runs out.
type expireCycle struct {
	first, done int
	rounds      int
	params      expireParams
}

// activeExpireCycle runs one cycle, taking the engine lock for each slice.
func (e *Engine) activeExpireCycle(p expireParams) {
	end := time.Now().Add(p.budget)
	e.lock()
	cy := expireCycle{first: rand.IntN(len(e.dbs)), params: p}
	for {
		slice := time.Now().Add(activeExpireSlice)
		if slice.After(end) {
			slice = end
		}
		finished := e.activeExpireSlice(&cy, slice)
		e.unlock()
		if finished || !time.Now().Before(end) || !e.expireOn.Load() {
			return
		}
		select {
		case <-e.closed:
			return
		default:
		}
		e.lock()
	}
}

// activeExpireSlice works on the cycle until it is finished (reporting
// true) or the deadline passes. The caller holds the engine lock.
func (e *Engine) activeExpireSlice(cy *expireCycle, deadline time.Time) bool {
	n := len(e.dbs)
	for cy.done < n {
		d := e.dbs[(cy.first+cy.done)%n]
		e.activeExpireHashFields(d)
		for {
			sampled, expired := e.expireSample(d, cy.params.sample)
			cy.rounds++
			if sampled == 0 || expired*100 <= sampled*cy.params.stalePct {
				break
			}
			if cy.rounds >= activeExpireMaxRounds || !time.Now().Before(deadline) {
				return cy.rounds >= activeExpireMaxRounds
			}
		}
		cy.done++
		if !time.Now().Before(deadline) {
			return cy.done == n
		}
	}
	return true
}

// expireSample looks at up to n keys with a deadline, from a random place
// (Go map iteration starts at one), and deletes the expired ones.
func (e *Engine) expireSample(d *db, n int) (sampled, expired int) {
	now := e.nowMs
	for k, at := range d.expires {
		if sampled == n {
			break
		}
		sampled++
		if at <= now {
			d.remove(bytesOfString(k))
			d.stats.expiredKeys++
			expired++
		}
	}
	return sampled, expired
}
