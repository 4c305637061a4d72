package compat_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/memory"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// TestCompat runs every script in testdata/ against redis-server and rk,
// in RESP2 and in RESP3. See the package doc for the script language.
func TestCompat(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata: %v", err)
	}
	rktest.RedisServerPath(t) // skip (or fail in CI) once, not per script
	for _, file := range files {
		sc, err := parseScript(file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		for _, proto := range []int{2, 3} {
			t.Run(name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				run(t, sc, proto)
			})
		}
	}
}

// line is one line of a script.
type line struct {
	file string
	no   int
	text string

	args []string // the command, or the instruction's arguments
	inst string   // "config", "sleep", "raw", "send", "repeat", "close"; "" for a command

	mode  string // "exact", "shape", "sorted", "near", "ignore"
	near  int64
	v74   bool
	conn  string
	proto int // 0: both passes
}

func (l line) where() string { return fmt.Sprintf("%s:%d: %s", l.file, l.no, l.text) }

type script struct {
	file   string
	config [][2]string
	lines  []line
}

func parseScript(file string) (*script, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	sc := &script{file: file}
	seenCommand := false
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		l := line{file: filepath.Base(file), no: i + 1, text: text, mode: "exact", conn: "a"}
		toks, err := resp.SplitArgs([]byte(text))
		if err != nil {
			return nil, fmt.Errorf("%s: unbalanced quotes", l.where())
		}
		var args []string
		for _, tok := range toks {
			args = append(args, string(tok))
		}
		for len(args) > 0 && strings.HasPrefix(args[0], "@") {
			d := args[0]
			args = args[1:]
			switch {
			case d == "@shape" || d == "@sorted" || d == "@ignore" || d == "@kind":
				l.mode = d[1:]
			case strings.HasPrefix(d, "@near="):
				l.mode = "near"
				l.near, err = strconv.ParseInt(d[len("@near="):], 10, 64)
			case d == "@v7.4":
				l.v74 = true
			case strings.HasPrefix(d, "@conn="):
				l.conn = d[len("@conn="):]
			case d == "@resp2":
				l.proto = 2
			case d == "@resp3":
				l.proto = 3
			default:
				err = fmt.Errorf("unknown directive %s", d)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %v", l.where(), err)
			}
		}
		if len(args) == 0 {
			return nil, fmt.Errorf("%s: no command", l.where())
		}
		if strings.HasPrefix(args[0], "!") {
			l.inst, l.args = args[0][1:], args[1:]
			switch l.inst {
			case "config":
				if seenCommand || len(l.args) != 2 {
					return nil, fmt.Errorf("%s: !config NAME VALUE comes before the first command", l.where())
				}
				sc.config = append(sc.config, [2]string{l.args[0], l.args[1]})
				continue
			case "sleep", "raw", "send", "repeat", "close":
			default:
				return nil, fmt.Errorf("%s: unknown instruction", l.where())
			}
		} else {
			l.args = args
		}
		seenCommand = true
		sc.lines = append(sc.lines, l)
	}
	return sc, nil
}

// pair is one client connection to each server.
type pair struct {
	rk, redis *rktest.Conn
}

type runner struct {
	t       *testing.T
	proto   int
	rkAddr  string
	refAddr string
	is74    bool
	conns   map[string]*pair
}

func run(t *testing.T, sc *script, proto int) {
	var redisArgs []string
	// rktest.StartRedis runs redis-server without persistence; so does rk.
	config := map[string]string{"save": "", "appendonly": "no"}
	for _, kv := range sc.config {
		redisArgs = append(redisArgs, "--"+kv[0], kv[1])
		config[kv[0]] = kv[1]
	}
	refAddr := rktest.StartRedis(t, redisArgs...)
	e, err := memory.New(memory.Options{Config: config})
	if err != nil {
		t.Fatalf("rk: %v", err)
	}
	r := &runner{
		t:       t,
		proto:   proto,
		rkAddr:  rktest.Serve(t, e),
		refAddr: refAddr,
		conns:   map[string]*pair{},
	}
	r.is74 = rktest.VersionAtLeast(redisVersion(t, refAddr, config["requirepass"]), "7.4")
	for _, l := range sc.lines {
		if l.proto != 0 && l.proto != proto {
			continue
		}
		r.step(l)
	}
}

// redisVersion reads the reference server's version from INFO.
func redisVersion(t *testing.T, addr, pass string) string {
	c := rktest.Dial(t, addr)
	defer c.Close()
	if pass != "" {
		c.MustOK("AUTH", pass)
	}
	info := c.Do("INFO", "server").Str
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "redis_version:"); ok {
			return v
		}
	}
	t.Fatalf("no redis_version in INFO: %q", info)
	return ""
}

// conn returns the named connection pair, opening it (and switching it to
// RESP3 in the RESP3 pass) on first use.
func (r *runner) conn(l line) *pair {
	if p := r.conns[l.conn]; p != nil {
		return p
	}
	p := &pair{rk: rktest.Dial(r.t, r.rkAddr), redis: rktest.Dial(r.t, r.refAddr)}
	p.rk.SetTimeout(3 * time.Second)
	p.redis.SetTimeout(3 * time.Second)
	r.conns[l.conn] = p
	if r.proto == 3 {
		hello := line{file: l.file, no: l.no, text: "(connection " + l.conn + ": HELLO 3)", mode: "shape", args: []string{"HELLO", "3"}}
		r.compareCommand(hello, p)
	}
	return p
}

func (r *runner) drop(name string) {
	if p := r.conns[name]; p != nil {
		p.rk.Close()
		p.redis.Close()
		delete(r.conns, name)
	}
}

func (r *runner) step(l line) {
	switch l.inst {
	case "":
		p := r.conn(l)
		r.compareCommand(l, p)
		if strings.EqualFold(l.args[0], "QUIT") {
			r.expectClosed(l, p)
			r.drop(l.conn)
		}
	case "sleep":
		d, err := time.ParseDuration(l.args[0])
		if err != nil {
			r.t.Fatalf("%s: %v", l.where(), err)
		}
		time.Sleep(d)
	case "close":
		r.drop(l.conn)
	case "repeat":
		n, err := strconv.Atoi(l.args[0])
		if err != nil || len(l.args) != 2 {
			r.t.Fatalf("%s: !repeat N \"bytes\"", l.where())
		}
		b := bytes.Repeat([]byte(l.args[1]), n)
		p := r.conn(l)
		p.rk.SendRaw(b)
		p.redis.SendRaw(b)
	case "send":
		n, err := strconv.Atoi(l.args[0])
		if err != nil {
			r.t.Fatalf("%s: !send N \"bytes\"", l.where())
		}
		b := []byte(strings.Join(l.args[1:], ""))
		p := r.conn(l)
		p.rk.SendRaw(b)
		p.redis.SendRaw(b)
		for i := 0; i < n; i++ {
			if !r.compareReply(l, p, fmt.Sprintf(" (reply %d)", i+1)) {
				r.drop(l.conn)
				return
			}
		}
	case "raw":
		b := []byte(strings.Join(l.args, ""))
		p := r.conn(l)
		// `!raw ""` only reads what an earlier line provoked; writing
		// nothing to a socket the server has reset would fail the test
		// for no reason.
		if len(b) > 0 {
			p.rk.SendRaw(b)
			p.redis.SendRaw(b)
		}
		rkAll, rkClosed := readUntilClosed(p.rk)
		refAll, refClosed := readUntilClosed(p.redis)
		if rkAll != refAll {
			r.t.Errorf("%s\n  rk:    %q\n  redis: %q", l.where(), rkAll, refAll)
		}
		if rkClosed != refClosed {
			r.t.Errorf("%s\n  rk closed the connection: %v; redis: %v", l.where(), rkClosed, refClosed)
		}
		r.drop(l.conn)
	}
}

// readUntilClosed reads replies until the server closes the connection
// (or goes quiet for a second) and returns them, concatenated raw.
func readUntilClosed(c *rktest.Conn) (string, bool) {
	var all []byte
	c.SetTimeout(time.Second)
	for {
		raw, _, err := c.ReadRaw()
		all = append(all, raw...)
		if err != nil {
			return string(all), rktest.IsClosed(err)
		}
	}
}

func (r *runner) compareCommand(l line, p *pair) {
	p.rk.Send(l.args...)
	p.redis.Send(l.args...)
	if !r.compareReply(l, p, "") {
		r.drop(l.conn)
	}
}

// compareReply reads one reply from each server and compares them as the
// line's mode says. It returns false when a connection broke.
func (r *runner) compareReply(l line, p *pair, what string) bool {
	rkRaw, rkV, rkErr := p.rk.ReadRaw()
	refRaw, refV, refErr := p.redis.ReadRaw()
	if rkErr != nil || refErr != nil {
		if (rkErr == nil) != (refErr == nil) || !rktest.IsClosed(rkErr) || !rktest.IsClosed(refErr) {
			r.t.Errorf("%s%s\n  rk:    %q, %v\n  redis: %q, %v", l.where(), what, rkRaw, rkErr, refRaw, refErr)
		}
		return false
	}
	mode := l.mode
	if l.v74 && !r.is74 {
		mode = "ignore" // a known 7.0/7.4 difference: only 7.4 is the reference
	}
	ok := true
	switch mode {
	case "exact":
		ok = bytes.Equal(rkRaw, refRaw)
	case "shape":
		ok = rktest.Shape(rkV) == rktest.Shape(refV)
	case "kind":
		ok = kind(rkV) == kind(refV)
	case "sorted":
		ok = bytes.Equal(resp.AppendValue(nil, sorted(rkV)), resp.AppendValue(nil, sorted(refV)))
	case "near":
		ok = near(rkV, refV, l.near)
	}
	if !ok {
		r.t.Errorf("%s%s [%s]\n  rk:    %q\n  redis: %q", l.where(), what, mode, rkRaw, refRaw)
	}
	return true
}

func (r *runner) expectClosed(l line, p *pair) {
	if err := p.redis.WaitClosed(2 * time.Second); err != nil {
		r.t.Errorf("%s: redis: %v", l.where(), err)
	}
	if err := p.rk.WaitClosed(2 * time.Second); err != nil {
		r.t.Errorf("%s: rk: %v", l.where(), err)
	}
}

// kind is a reply's type, and its code for an error.
func kind(v resp.Value) string {
	if v.IsError() {
		return resp.Error(v.Str).Prefix()
	}
	return string(v.Kind)
}

// sorted returns v with every array or set of scalars sorted.
func sorted(v resp.Value) resp.Value {
	if len(v.Elems) == 0 || v.Kind == resp.KindMap {
		return v
	}
	out := v
	out.Elems = make([]resp.Value, len(v.Elems))
	scalars := true
	for i, e := range v.Elems {
		out.Elems[i] = sorted(e)
		if len(e.Elems) > 0 {
			scalars = false
		}
	}
	if scalars {
		sort.Slice(out.Elems, func(i, j int) bool {
			return string(resp.AppendValue(nil, out.Elems[i])) < string(resp.AppendValue(nil, out.Elems[j]))
		})
	}
	return out
}

// near reports whether a and b are equal except for integers that differ
// by at most d.
func near(a, b resp.Value, d int64) bool {
	if a.Kind != b.Kind || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Kind == resp.KindInt {
		diff := a.Int - b.Int
		return diff <= d && -diff <= d
	}
	for i := range a.Elems {
		if !near(a.Elems[i], b.Elems[i], d) {
			return false
		}
	}
	if len(a.Elems) == 0 {
		return bytes.Equal(resp.AppendValue(nil, a), resp.AppendValue(nil, b))
	}
	return true
}
