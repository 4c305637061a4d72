package memory

import (
	"strings"
	"time"

	"github.com/rk-redis/rk/internal/command"
)

const skipSlowlog = command.SkipSlowlog

// Limits on what one slow log entry keeps, as in Redis: at most 32
// arguments (the last one then says how many more there were) and 128
// bytes of each.
const (
	slowlogMaxArgc = 32
	slowlogMaxArg  = 128
)

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
// It is used under the engine lock. CONFIG RESETSTAT leaves it alone, as
// in Redis; SLOWLOG RESET empties it but entry ids keep counting.
type slowlog struct {
	entries []slowlogEntry
	nextID  int64
}

func (s *slowlog) init() {}

func (s *slowlog) reset() { s.entries = nil }

// maybeAdd records the command if it was slow enough. The caller holds the
// engine lock.
func (s *slowlog) maybeAdd(c *client, spec *command.Spec, argv [][]byte, dur time.Duration) {
	cfg := c.e.cfg
	threshold := cfg.slowlogSlowerThan
	if threshold < 0 || cfg.slowlogMaxLen == 0 || dur.Microseconds() < threshold || len(argv) == 0 {
		return
	}
	if spec.Flags.Has(skipSlowlog) {
		return
	}
	argv = redactArgs(spec, argv)
	n := min(len(argv), slowlogMaxArgc)
	cp := make([][]byte, n)
	for i := 0; i < n; i++ {
		a := argv[i]
		switch {
		case n != len(argv) && i == n-1:
			cp[i] = []byte("... (" + itoa(int64(len(argv)-n+1)) + " more arguments)")
		case len(a) > slowlogMaxArg:
			cp[i] = append(append([]byte(nil), a[:slowlogMaxArg]...), "... ("+itoa(int64(len(a)-slowlogMaxArg))+" more bytes)"...)
		default:
			cp[i] = append([]byte(nil), a...)
		}
	}
	e := slowlogEntry{
		id:   s.nextID,
		unix: c.e.opts.Now().Unix(),
		usec: dur.Microseconds(),
		argv: cp,
		addr: c.info.Addr,
		name: c.name,
	}
	s.nextID++
	s.entries = append(s.entries, slowlogEntry{})
	copy(s.entries[1:], s.entries)
	s.entries[0] = e
	if max := cfg.slowlogMaxLen; max > 0 && int64(len(s.entries)) > max {
		s.entries = s.entries[:max]
	}
}

// redacted replaces secrets in what SLOWLOG (and MONITOR) shows.
var redacted = []byte("(redacted)")

// redactArgs returns argv with its secrets replaced, as Redis hides them:
// AUTH's arguments, HELLO's AUTH credentials, MIGRATE's AUTH/AUTH2
// credentials, the user names and rules of ACL SETUSER, GETUSER and
// DELUSER, and the values of sensitive parameters in CONFIG SET. argv
// itself is not changed.
func redactArgs(spec *command.Spec, argv [][]byte) [][]byte {
	var hide []int
	switch spec.FullName() {
	case "auth":
		if len(argv) <= 3 { // longer is a syntax error, logged as sent
			for i := 1; i < len(argv); i++ {
				hide = append(hide, i)
			}
		}
	case "acl|setuser", "acl|deluser":
		for i := 2; i < len(argv); i++ {
			hide = append(hide, i)
		}
	case "acl|getuser":
		hide = append(hide, 2)
	case "hello":
		for i := 2; i < len(argv); i++ {
			if strings.EqualFold(string(argv[i]), "auth") && i+2 < len(argv) {
				hide = append(hide, i+1, i+2)
				i += 2
			}
		}
	case "migrate":
		for i := 6; i < len(argv); i++ {
			switch {
			case strings.EqualFold(string(argv[i]), "auth") && i+1 < len(argv):
				hide = append(hide, i+1)
				i++
			case strings.EqualFold(string(argv[i]), "auth2") && i+2 < len(argv):
				hide = append(hide, i+1, i+2)
				i += 2
			}
		}
	case "config|set":
		for i := 2; i+1 < len(argv); i += 2 {
			if sensitiveParam(argv[i]) {
				hide = append(hide, i+1)
			}
		}
	}
	if len(hide) == 0 {
		return argv
	}
	out := append([][]byte(nil), argv...)
	for _, i := range hide {
		out[i] = redacted
	}
	return out
}
