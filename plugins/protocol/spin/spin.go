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
//   - A read polls only when it is the one read in its process waiting for
//     a reply: a process with several replies due (rk serve --backend with
//     many busy clients) has work for its CPU anyway, and polling would
//     take time from it (measured: 8-10% of the proxy's throughput at 50
//     clients), and it polls only once it has been the lone one for 10 ms.
//     A read that waits for a peer's next request (NewRequests)
//     polls only when no reply is due at all. So at most one goroutine per
//     process polls at a time. Polling yields to the Go scheduler and to
//     the kernel between attempts.
//   - Polling stops for a second when two polls within 100 ms find that
//     another task took their CPU for a time slice (yielding can hand the
//     CPU away for whole slices). That catches only the worst of a machine
//     kept busy by low-priority work: there polling still makes a round
//     trip slower, since a busy task runs a while whenever the poller
//     yields, where a woken sleeper would preempt it. Set RK_PLUGIN_SPIN=0
//     there (docs/benchmarks.md, "Plugin hop").
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
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
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

// due counts the reads of this process that wait for a reply that is due,
// except those that polled their budget out and parked (a blocking
// command, a slow server). Only a lone one polls: with several, the
// process has other work in flight, its CPU is not about to idle, and
// polling would only take time from that work. A read that waits for a
// peer's next request is not counted, and polls only when nothing is due.
var due atomic.Int32

// lastBusy is when a read last found another reply due (Unix
// nanoseconds). Replies in flight come and go, so a process polls only
// once it has had one at a time for busyWindow: under load the count dips
// to one often, and polling in those dips cost the proxy 4% of its
// throughput at 50 clients.
var lastBusy atomic.Int64

const busyWindow = 10 * time.Millisecond

// Polling stops while the CPU is contended: quietAfter is when it may
// resume, lastContended when a poll last lost the CPU (Unix nanoseconds).
var quietAfter, lastContended atomic.Int64

const (
	// contendedGap is the pause between two polling attempts that shows
	// another task had the CPU for a time slice: an attempt takes a
	// microsecond or two, and other work of a quiet machine (the server
	// answering on this CPU, say) tens of microseconds.
	contendedGap = 250 * time.Microsecond
	// Two polls that lose the CPU within strikeWindow stop polling for
	// quietPause: a stray interruption (about one a second on a quiet
	// machine) is ignored, while a machine kept busy by other work, where
	// yielding hands the CPU away for a whole slice, is left alone.
	strikeWindow = 100 * time.Millisecond
	quietPause   = time.Second
)

// contended records a poll that lost the CPU.
func contended(now time.Time) {
	t := now.UnixNano()
	if t-lastContended.Swap(t) < int64(strikeWindow) {
		quietAfter.Store(now.Add(quietPause).UnixNano())
	}
}

// Conn is a net.Conn whose reads poll for up to Budget while want reports
// that data is due.
type Conn struct {
	net.Conn
	want     func() bool
	requests bool // reads wait for the peer's next request, not a reply
	kicked   atomic.Bool
	rc       syscall.RawConn // nil where reads cannot poll
}

// New wraps nc, a connection whose reads wait for replies. want is called
// at the start of every read and says whether a reply is due; it must be
// cheap and safe to call from the reading goroutine.
func New(nc net.Conn, want func() bool) *Conn {
	c := &Conn{Conn: nc, want: want}
	if sc, ok := nc.(syscall.Conn); ok && Budget > 0 && canPoll {
		c.rc, _ = sc.SyscallConn()
	}
	return c
}

// NewRequests wraps nc, a connection whose reads wait for the peer's next
// request (a server's side): a read polls for it only while no reply is
// due anywhere in the process, since the peer may be idle for good.
func NewRequests(nc net.Conn) *Conn {
	c := New(nc, Always)
	c.requests = true
	return c
}

// Kick makes a read that is parked waiting for data return to the top of
// Read, where it asks want again: a caller that has just made a reply due
// kicks the connection's reader so that it polls for it. The read itself
// does not end. Kick uses the read deadline, so a Conn that is kicked must
// not be given read deadlines of its own.
func (c *Conn) Kick() {
	if c.rc == nil {
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
	if c.rc == nil || len(p) == 0 || !c.want() {
		return c.Conn.Read(p)
	}
	if c.requests {
		if due.Load() > 0 || !mayPoll() {
			return c.Conn.Read(p)
		}
		return c.poll(p, func() {})
	}
	if due.Add(1) > 1 {
		lastBusy.Store(time.Now().UnixNano())
		defer due.Add(-1)
		return c.Conn.Read(p)
	}
	if !mayPoll() {
		defer due.Add(-1)
		return c.Conn.Read(p)
	}
	return c.poll(p, func() { due.Add(-1) })
}

// mayPoll takes the polling slot unless the process was busy lately or the
// CPU was found contended.
func mayPoll() bool {
	now := time.Now().UnixNano()
	return now-lastBusy.Load() >= int64(busyWindow) && now >= quietAfter.Load() &&
		spinning.CompareAndSwap(false, true)
}

// poll reads with non-blocking attempts until data comes or the budget is
// spent, then waits as a plain read does. It holds the polling slot until
// it stops polling, and then calls done.
func (c *Conn) poll(p []byte, done func()) (int, error) {
	var n int
	var errno syscall.Errno
	polling := true
	stop := func() {
		if polling {
			polling = false
			spinning.Store(false)
			done()
		}
	}
	defer stop()
	last := time.Now()
	deadline := last.Add(Budget)
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			n, errno = tryRead(fd, p)
			if errno == syscall.EINTR {
				continue
			}
			if errno != syscall.EAGAIN {
				return true
			}
			if !polling {
				return false // park until the socket is readable
			}
			now := time.Now()
			if now.Sub(last) > contendedGap {
				// Another task had this CPU: polling would keep handing
				// it over.
				contended(now)
				stop()
				return false
			}
			if now.After(deadline) {
				stop()
				return false
			}
			last = now
			runtime.Gosched()
			yieldCPU()
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		// As net.Conn reports a failed read.
		la := c.Conn.LocalAddr()
		return 0, &net.OpError{Op: "read", Net: la.Network(), Source: la, Addr: c.Conn.RemoteAddr(), Err: os.NewSyscallError("read", errno)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
