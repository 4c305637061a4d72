// Package spin reads from local sockets the way a latency-bound relay
// wants to: when a reply is due any moment, a read polls the socket
// without sleeping for a short while (the budget) before the goroutine
// parks as usual.
//
// # Why
//
// A command through a plugin crosses three processes: rk, the plugin and
// the server. Each time one of them waits for another, its CPU goes idle;
// on a virtual machine an idle vCPU is halted and waking it costs tens of
// microseconds, several times what the work of relaying a command costs.
// A reader that keeps polling for the few tens of microseconds a local
// reply takes keeps its vCPU awake, so the reply is seen at once and no
// wake-up is needed (the kernel finds nobody sleeping on the socket).
//
// # Cost and bounds
//
//   - A read polls only while the caller says a reply is due (the want
//     function) and for at most Budget; then it parks as any read would.
//     An idle connection costs nothing.
//   - At most one goroutine per process polls at a time; another reader
//     that finds the slot taken parks at once. Polling yields to the Go
//     scheduler and to the kernel between attempts, so it delays neither
//     other goroutines nor other processes on the same CPU.
//   - $RK_PLUGIN_SPIN sets the budget (a Go duration such as 50us); 0
//     turns polling off. The default is 50µs.
//   - Only Linux polls; elsewhere Conn reads as the connection it wraps.
//
// The polling read is a raw non-blocking read(2) of the socket: it cannot
// block, so it skips the runtime's system-call bookkeeping, which would
// otherwise wake the runtime's monitor thread on every attempt.
package spin

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBudget is how long a read polls when $RK_PLUGIN_SPIN is unset:
// enough for a local server's reply (tens of microseconds), short enough
// that a reader that waits for longer wastes little.
const DefaultBudget = 50 * time.Microsecond

// Budget is how long a read polls before parking; 0 means never.
var Budget = budgetFromEnv(os.Getenv("RK_PLUGIN_SPIN"))

func budgetFromEnv(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultBudget
	}
	if v == "0" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return DefaultBudget
	}
	return min(d, time.Millisecond)
}

// Always is a want function for a connection whose reads always wait for
// a reply that is due.
func Always() bool { return true }

// spinning is the process's one polling slot.
var spinning atomic.Bool

// Conn is a net.Conn whose reads poll for up to Budget while want reports
// that data is due.
type Conn struct {
	net.Conn
	want   func() bool
	kicked atomic.Bool
	raw    rawReader // nil where reads cannot poll
}

// New wraps nc. want is called at the start of every read; it must be
// cheap and safe to call from the reading goroutine.
func New(nc net.Conn, want func() bool) *Conn {
	c := &Conn{Conn: nc, want: want}
	if Budget > 0 {
		c.raw = newRawReader(nc)
	}
	return c
}

// Kick makes a read that is parked waiting for data return to the top of
// Read, where it asks want again: a caller that has just made a reply due
// kicks the connection's reader so that it polls for it. The read itself
// does not end. Kick uses the read deadline, so a Conn that is kicked must
// not be given read deadlines of its own.
func (c *Conn) Kick() {
	if c.raw == nil {
		return
	}
	c.kicked.Store(true)
	c.Conn.SetReadDeadline(time.Unix(1, 0))
}

// Read reads as net.Conn's Read does, polling first when a reply is due.
func (c *Conn) Read(p []byte) (int, error) {
	for {
		n, err := c.read(p)
		if err != nil && c.kicked.Load() && errors.Is(err, os.ErrDeadlineExceeded) {
			c.kicked.Store(false)
			c.Conn.SetReadDeadline(time.Time{})
			continue
		}
		return n, err
	}
}

func (c *Conn) read(p []byte) (int, error) {
	if c.raw == nil || len(p) == 0 || !c.want() || !spinning.CompareAndSwap(false, true) {
		return c.Conn.Read(p)
	}
	return c.raw.read(p, time.Now().Add(Budget), func() { spinning.Store(false) })
}

// rawReader polls a socket with non-blocking reads.
type rawReader interface {
	// read polls until data comes or deadline passes, calls release once it
	// stops polling, then waits as a plain read would.
	read(p []byte, deadline time.Time, release func()) (int, error)
}
