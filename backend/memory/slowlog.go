package memory

import (
	"time"

	"github.com/rk-redis/rk/internal/command"
)

const skipSlowlog = command.SkipSlowlog

// slowlogEntry is one SLOWLOG GET entry.
type slowlogEntry struct {
	id   int64
	unix int64 // seconds
	usec int64
	argv [][]byte
	addr string
	name string
}

// slowlog keeps the most recent commands slower than
// slowlog-log-slower-than, at most slowlog-max-len of them, newest first.
type slowlog struct {
	entries []slowlogEntry
	nextID  int64
}

func (s *slowlog) init() {}

// maybeAdd records the command if it was slow enough. The caller holds the
// engine lock.
func (s *slowlog) maybeAdd(c *client, argv [][]byte, dur time.Duration) {
	threshold := c.e.cfg.slowlogSlowerThan
	if threshold < 0 || dur.Microseconds() < threshold {
		return
	}
	if c.lastCmd != nil && c.lastCmd.Flags.Has(skipSlowlog) {
		return
	}
	// Like Redis, keep at most 32 arguments and 128 bytes of each.
	n := len(argv)
	if n > 32 {
		n = 32
	}
	cp := make([][]byte, n)
	for i := 0; i < n; i++ {
		a := argv[i]
		if i == 31 && len(argv) > 32 {
			cp[i] = []byte("... (" + itoa(int64(len(argv)-31)) + " more arguments)")
			continue
		}
		if len(a) > 128 {
			cp[i] = append(append([]byte(nil), a[:128]...), []byte("... ("+itoa(int64(len(a)-128))+" more bytes)")...)
			continue
		}
		cp[i] = append([]byte(nil), a...)
	}
	e := slowlogEntry{
		id:   s.nextID,
		unix: c.e.nowMs / 1000,
		usec: dur.Microseconds(),
		argv: cp,
		addr: c.info.Addr,
		name: c.name,
	}
	s.nextID++
	s.entries = append([]slowlogEntry{e}, s.entries...)
	if max := int(c.e.cfg.slowlogMaxLen); len(s.entries) > max {
		s.entries = s.entries[:max]
	}
}
