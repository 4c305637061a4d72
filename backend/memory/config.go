package memory

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// config holds the engine's configuration parameters as typed fields. The
// registry below maps Redis's parameter names to them; CONFIG GET/SET,
// the config file and the command-line flags all go through it.
type config struct {
	databases          int64
	requirepass        string
	protectedMode      bool
	slowlogSlowerThan  int64
	slowlogMaxLen      int64
	protoMaxBulkLen    int64
	busyReplyThreshold int64
	port               int64
	bind               string
	unixsocket         string
	unixsocketperm     string

	// other holds parameters rk accepts and reports but does not act on.
	other map[string]string
}

func newConfig() *config {
	c := &config{other: map[string]string{}}
	for _, p := range params {
		if err := p.set(c, p.def); err != nil {
			panic("memory: default of " + p.name + ": " + err.Error())
		}
	}
	return c
}

// param is one configuration parameter.
type param struct {
	name  string
	alias string
	def   string
	// immutable parameters can only be set at start-up.
	immutable bool
	get       func(c *config) string
	set       func(c *config, v string) error
}

var params = []*param{
	intParam("databases", "", "16", true, 1, 1<<31-1, func(c *config) *int64 { return &c.databases }),
	stringParam("requirepass", "", "", func(c *config) *string { return &c.requirepass }),
	boolParam("protected-mode", "", "yes", func(c *config) *bool { return &c.protectedMode }),
	intParam("slowlog-log-slower-than", "", "10000", false, -1, 1<<63-1, func(c *config) *int64 { return &c.slowlogSlowerThan }),
	intParam("slowlog-max-len", "", "128", false, 0, 1<<63-1, func(c *config) *int64 { return &c.slowlogMaxLen }),
	memParam("proto-max-bulk-len", "", "512mb", 1024*1024, 1<<63-1, func(c *config) *int64 { return &c.protoMaxBulkLen }),
	intParam("port", "", "6379", true, 0, 65535, func(c *config) *int64 { return &c.port }),
	stringParam("bind", "", "* -::*", func(c *config) *string { return &c.bind }),
	stringParam("unixsocket", "", "", func(c *config) *string { return &c.unixsocket }),
	stringParam("unixsocketperm", "", "0", func(c *config) *string { return &c.unixsocketperm }),
	intParam("busy-reply-threshold", "lua-time-limit", "5000", false, 0, 1<<63-1, func(c *config) *int64 { return &c.busyReplyThreshold }),
}

func lookupParam(name string) *param {
	name = strings.ToLower(name)
	for _, p := range params {
		if p.name == name || p.alias == name {
			return p
		}
	}
	return nil
}

// set sets a parameter by name; startup allows immutable ones.
func (c *config) set(e *Engine, name, value string, startup bool) error {
	p := lookupParam(name)
	if p == nil {
		return fmt.Errorf("unknown configuration parameter %q", name)
	}
	if p.immutable && !startup {
		return resp.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config")
	}
	return p.set(c, value)
}

func intParam(name, alias, def string, immutable bool, min, max int64, field func(*config) *int64) *param {
	return &param{
		name: name, alias: alias, def: def, immutable: immutable,
		get: func(c *config) string { return strconv.FormatInt(*field(c), 10) },
		set: func(c *config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("argument couldn't be parsed into an integer")
			}
			if n < min || n > max {
				return fmt.Errorf("argument must be between %d and %d inclusive", min, max)
			}
			*field(c) = n
			return nil
		},
	}
}

func memParam(name, alias, def string, min, max int64, field func(*config) *int64) *param {
	return &param{
		name: name, alias: alias, def: def,
		get: func(c *config) string { return strconv.FormatInt(*field(c), 10) },
		set: func(c *config, v string) error {
			n, err := parseMemory(v)
			if err != nil {
				return fmt.Errorf("argument must be a memory value")
			}
			if n < min || n > max {
				return fmt.Errorf("argument must be between %d and %d inclusive", min, max)
			}
			*field(c) = n
			return nil
		},
	}
}

func boolParam(name, alias, def string, field func(*config) *bool) *param {
	return &param{
		name: name, alias: alias, def: def,
		get: func(c *config) string {
			if *field(c) {
				return "yes"
			}
			return "no"
		},
		set: func(c *config, v string) error {
			switch strings.ToLower(v) {
			case "yes":
				*field(c) = true
			case "no":
				*field(c) = false
			default:
				return fmt.Errorf("argument must be 'yes' or 'no'")
			}
			return nil
		},
	}
}

func stringParam(name, alias, def string, field func(*config) *string) *param {
	return &param{
		name: name, alias: alias, def: def,
		get: func(c *config) string { return *field(c) },
		set: func(c *config, v string) error {
			*field(c) = v
			return nil
		},
	}
}

// parseMemory parses a memory amount as redis.conf writes it: a number
// with an optional unit k, kb, m, mb, g, gb (case-insensitive; k = 1000,
// kb = 1024).
func parseMemory(s string) (int64, error) {
	l := strings.ToLower(s)
	mul := int64(1)
	for _, u := range []struct {
		suffix string
		mul    int64
	}{{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024 * 1024 * 1024}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}, {"b", 1}} {
		if strings.HasSuffix(l, u.suffix) {
			l, mul = strings.TrimSuffix(l, u.suffix), u.mul
			break
		}
	}
	n, err := strconv.ParseInt(l, 10, 64)
	if err != nil {
		return 0, err
	}
	return n * mul, nil
}

// ConfigParam describes a configuration parameter for flags and help.
type ConfigParam struct {
	Name, Alias, Default string
}

// ConfigParams lists every configuration parameter the engine knows.
func ConfigParams() []ConfigParam {
	out := make([]ConfigParam, len(params))
	for i, p := range params {
		out[i] = ConfigParam{Name: p.name, Alias: p.alias, Default: p.def}
	}
	return out
}

// ConfigValue returns a parameter's current value as CONFIG GET shows it.
func (e *Engine) ConfigValue(name string) string {
	p := lookupParam(name)
	if p == nil {
		return ""
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return p.get(e.cfg)
}

// SetListenPort records the TCP port actually listened on (port 0 asks the
// system for a free one), so CONFIG GET port and INFO report it.
func (e *Engine) SetListenPort(a net.Addr) {
	if ta, ok := a.(*net.TCPAddr); ok {
		e.mu.Lock()
		e.cfg.port = int64(ta.Port)
		e.mu.Unlock()
	}
}

// ReadConfigFile reads a redis.conf-style file: one "name value..." per
// line, '#' comments, arguments split and quoted like redis-cli's.
// Multi-argument values are joined with spaces.
func ReadConfigFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	cfg := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		args, err := resp.SplitArgs([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: unbalanced quotes", path, i+1)
		}
		if len(args) < 2 {
			return nil, fmt.Errorf("%s:%d: %q needs a value", path, i+1, line)
		}
		name := strings.ToLower(string(args[0]))
		if lookupParam(name) == nil {
			return nil, fmt.Errorf("%s:%d: unknown configuration parameter %q", path, i+1, name)
		}
		var vals []string
		for _, a := range args[1:] {
			vals = append(vals, string(a))
		}
		cfg[name] = strings.Join(vals, " ")
	}
	return cfg, nil
}
