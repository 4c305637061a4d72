package memory

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The parameters with a syntax of their own: dir, save,
// client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events,
// replicaof and latency-tracking-info-percentiles (bind is with port, in
// config.go).

func getDir(c *config) string { return c.dir }

func setDir(c *config, args []string) error {
	if len(args) != 1 {
		return reason("wrong number of arguments")
	}
	d := args[0]
	if d == "" {
		// The default: the working directory rk started in.
		wd, err := os.Getwd()
		if err != nil {
			return reason(errnoText(err))
		}
		c.dir = wd
		return nil
	}
	if !filepath.IsAbs(d) {
		d = filepath.Join(c.dir, d)
	}
	st, err := os.Stat(d)
	if err != nil {
		return reason(errnoText(err))
	}
	if !st.IsDir() {
		return reason(errnoText(syscall.ENOTDIR))
	}
	c.dir = filepath.Clean(d)
	return nil
}

// errnoText is the C library's strerror text for err's errno ("No such
// file or directory"), or err's text.
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

func getSave(c *config) string {
	parts := make([]string, 0, 2*len(c.save))
	for _, s := range c.save {
		parts = append(parts, strconv.FormatInt(s.seconds, 10), strconv.FormatInt(s.changes, 10))
	}
	return strings.Join(parts, " ")
}

func setSave(c *config, args []string) error {
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	if len(args)%2 != 0 {
		return reason("Invalid save parameters")
	}
	var pts []savePoint
	for i := 0; i < len(args); i += 2 {
		s, err1 := strconv.ParseInt(args[i], 10, 64)
		n, err2 := strconv.ParseInt(args[i+1], 10, 64)
		if err1 != nil || err2 != nil || s < 1 || n < 0 {
			return reason("Invalid save parameters")
		}
		pts = append(pts, savePoint{s, n})
	}
	c.save = pts
	return nil
}

func getObufLimits(c *config) string {
	var parts []string
	for i, l := range c.clientOutputLimits {
		parts = append(parts, fmt.Sprintf("%s %d %d %d", obufClassNames[i], uint64(l.hard), uint64(l.soft), l.softSeconds))
	}
	return strings.Join(parts, " ")
}

func setObufLimits(c *config, args []string) error {
	if len(args)%4 != 0 {
		return reason("Wrong number of arguments in buffer limit configuration.")
	}
	limits := c.clientOutputLimits
	for i := 0; i < len(args); i += 4 {
		class := -1
		switch strings.ToLower(args[i]) {
		case "normal":
			class = 0
		case "slave", "replica":
			class = 1
		case "pubsub":
			class = 2
		}
		if class < 0 {
			return reason("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := parseMemoryValue(args[i+1])
		soft, ok2 := parseMemoryValue(args[i+2])
		secs, err := strconv.ParseInt(args[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil || secs < 0 {
			return reason("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		limits[class] = obufLimit{int64(hard), int64(soft), secs}
	}
	c.clientOutputLimits = limits
	return nil
}

func getOOMValues(c *config) string {
	return fmt.Sprintf("%d %d %d", c.oomScoreAdjValues[0], c.oomScoreAdjValues[1], c.oomScoreAdjValues[2])
}

func setOOMValues(c *config, args []string) error {
	if len(args) != 3 {
		return reason("wrong number of arguments")
	}
	var v [3]int64
	for i, a := range args {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < -2000 || n > 2000 {
			return reason("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
		}
		v[i] = n
	}
	c.oomScoreAdjValues = v
	return nil
}

var notifyLetters = []struct {
	c    byte
	flag int64
}{
	{'g', notifyGeneric}, {'$', notifyString}, {'l', notifyList}, {'s', notifySet}, {'h', notifyHash},
	{'z', notifyZSet}, {'x', notifyExpired}, {'e', notifyEvicted}, {'t', notifyStream}, {'d', notifyModule},
	{'n', notifyNew},
}

// notifyString formats notify-keyspace-events flags as Redis does.
func notifyFlagsString(f int64) string {
	var b []byte
	if f&notifyAll == notifyAll {
		b = append(b, 'A')
		if f&notifyNew != 0 {
			b = append(b, 'n')
		}
	} else {
		for _, l := range notifyLetters {
			if f&l.flag != 0 {
				b = append(b, l.c)
			}
		}
	}
	if f&notifyKeyspace != 0 {
		b = append(b, 'K')
	}
	if f&notifyKeyevent != 0 {
		b = append(b, 'E')
	}
	if f&notifyKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}

// parseNotifyFlags parses notify-keyspace-events classes.
func parseNotifyFlags(s string) (int64, bool) {
	var f int64
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			f |= notifyAll
		case 'K':
			f |= notifyKeyspace
		case 'E':
			f |= notifyKeyevent
		case 'm':
			f |= notifyKeyMiss
		default:
			found := false
			for _, l := range notifyLetters {
				if l.c == s[i] {
					f |= l.flag
					found = true
				}
			}
			if !found {
				return 0, false
			}
		}
	}
	return f, true
}

func getNotify(c *config) string { return notifyFlagsString(c.notifyKeyspaceEvents) }

func setNotify(c *config, args []string) error {
	if len(args) != 1 {
		return reason("wrong number of arguments")
	}
	f, ok := parseNotifyFlags(args[0])
	if !ok {
		return reason("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
	}
	c.notifyKeyspaceEvents = f
	return nil
}

func setReplicaOf(c *config, args []string) error {
	if len(args) == 1 && args[0] == "" { // the default: a master
		c.replicaof = ""
		return nil
	}
	if len(args) != 2 {
		return reason("wrong number of arguments")
	}
	if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
		c.replicaof = ""
		return nil
	}
	port, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || port < 0 || port > 65535 {
		return reason("Invalid master port")
	}
	return reason("rk does not support replication (replicaof)")
}

func formatPercentile(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func getPercentiles(c *config) string {
	parts := make([]string, len(c.latencyPercentiles))
	for i, f := range c.latencyPercentiles {
		parts[i] = formatPercentile(f)
	}
	return strings.Join(parts, " ")
}

func setPercentiles(c *config, args []string) error {
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	out := make([]float64, 0, len(args))
	for _, a := range args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil || math.IsNaN(f) {
			return reason("Invalid latency-tracking-info-percentiles parameters")
		}
		if f > 100 || f < 0 {
			return reason("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
		}
		out = append(out, f)
	}
	c.latencyPercentiles = out
	return nil
}
