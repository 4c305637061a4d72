package command

import (
	"sort"

	"github.com/rk-redis/rk/internal/resp"
)

// Table is a set of commands, looked up case-insensitively.
type Table struct {
	byName map[string]*Spec
	sorted []*Spec
	nIDs   int
}

// NewTable builds a table of the given top-level specs. A duplicate name
// panics: the table is built once at start-up.
func NewTable(specs []*Spec) *Table {
	t := &Table{byName: make(map[string]*Spec, len(specs))}
	for _, s := range specs {
		if _, dup := t.byName[s.Name]; dup {
			panic("command: duplicate spec for " + s.Name)
		}
		for _, sub := range s.Subcommands {
			sub.Parent = s
		}
		t.byName[s.Name] = s
		t.sorted = append(t.sorted, s)
	}
	sort.Slice(t.sorted, func(i, j int) bool { return t.sorted[i].Name < t.sorted[j].Name })
	for _, s := range t.sorted {
		s.ID = t.nIDs
		t.nIDs++
		for _, sub := range s.Subcommands {
			sub.ID = t.nIDs
			t.nIDs++
		}
	}
	return t
}

// All is the table of every Redis 7.4 command rk knows the facts of.
func All() *Table { return allTable }

var allTable = NewTable(allSpecs())

// Only returns a table of the named commands and subcommands ("get",
// "client|list"); a container is kept with just the listed subcommands.
// It panics on a name the full table does not have, so a typo in a
// backend's registration fails at start-up.
func (t *Table) Only(names []string) *Table {
	type want struct {
		all  bool
		subs map[string]bool
	}
	wanted := map[string]*want{}
	for _, n := range names {
		parent, sub := n, ""
		for i := 0; i < len(n); i++ {
			if n[i] == '|' {
				parent, sub = n[:i], n[i+1:]
			}
		}
		w := wanted[parent]
		if w == nil {
			w = &want{subs: map[string]bool{}}
			wanted[parent] = w
		}
		if sub == "" {
			w.all = true
		} else {
			w.subs[sub] = true
		}
	}
	var specs []*Spec
	for name, w := range wanted {
		s, ok := t.byName[name]
		if !ok {
			panic("command: no spec for " + name)
		}
		c := *s
		c.Subcommands = nil
		for sub := range w.subs {
			ss := s.Subcommand([]byte(sub))
			if ss == nil {
				panic("command: no spec for " + name + "|" + sub)
			}
			cs := *ss
			c.Subcommands = append(c.Subcommands, &cs)
		}
		if len(s.Subcommands) > 0 && len(c.Subcommands) == 0 && w.all {
			panic("command: container " + name + " registered without subcommands")
		}
		sort.Slice(c.Subcommands, func(i, j int) bool { return c.Subcommands[i].Name < c.Subcommands[j].Name })
		specs = append(specs, &c)
	}
	return NewTable(specs)
}

// Get returns the top-level command called name (any case).
func (t *Table) Get(name []byte) *Spec {
	if len(name) <= 32 {
		var buf [32]byte
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		return t.byName[string(buf[:len(name)])]
	}
	return nil
}

// Specs lists the top-level commands sorted by name.
func (t *Table) Specs() []*Spec { return t.sorted }

// NumIDs is the number of specs in the table, subcommands included; IDs
// run from 0 to NumIDs()-1.
func (t *Table) NumIDs() int { return t.nIDs }

// Len is the number of top-level commands.
func (t *Table) Len() int { return len(t.sorted) }

// Lookup finds the spec argv names, resolving a container's subcommand, and
// checks arity. Its errors are the replies Redis gives, in Redis's order:
// unknown command, unknown subcommand, then wrong number of arguments. On
// an arity error the spec is returned too, so the caller can count the
// rejection against the command. A container named alone is itself the
// command looked up (COMMAND; CLIENT alone fails its arity).
func (t *Table) Lookup(argv [][]byte) (*Spec, error) {
	s := t.Get(argv[0])
	if s == nil {
		return nil, resp.ErrUnknownCommand(argv[0], argv[1:])
	}
	if s.IsContainer() && len(argv) > 1 {
		sub := s.Subcommand(argv[1])
		if sub == nil {
			return nil, resp.ErrUnknownSubcommand(argv[1], s.Name)
		}
		s = sub
	}
	if !s.ArityOK(len(argv)) {
		return s, resp.ErrWrongArgs(s.FullName())
	}
	return s, nil
}

// Keys returns the positions of the key arguments in argv, from the key
// specs (falling back to the legacy first/last/step). It is what COMMAND
// GETKEYS answers and what ACL and cluster checks use.
func (s *Spec) Keys(argv [][]byte) []int {
	if len(s.KeySpecs) == 0 {
		return legacyKeys(s.FirstKey, s.LastKey, s.Step, len(argv))
	}
	var out []int
	for _, ks := range s.KeySpecs {
		out = append(out, ks.keys(argv)...)
	}
	return out
}

func legacyKeys(first, last, step, argc int) []int {
	if first <= 0 || step <= 0 {
		return nil
	}
	if last < 0 {
		last = argc + last
	}
	var out []int
	for i := first; i <= last && i < argc; i += step {
		out = append(out, i)
	}
	return out
}

func (ks KeySpec) keys(argv [][]byte) []int {
	if ks.UnknownBegin || ks.UnknownFind {
		return nil
	}
	argc := len(argv)
	begin := 0
	if ks.Keyword == "" {
		begin = ks.BeginIndex
	} else {
		start, end, step := ks.StartFrom, argc-1, 1
		if ks.StartFrom < 0 {
			start, end, step = argc+ks.StartFrom, 0, -1
		}
		for i := start; i >= 1 && i < argc && (step > 0 && i <= end || step < 0 && i >= end); i += step {
			if equalFold(lower(ks.Keyword), argv[i]) {
				begin = i + 1
				break
			}
		}
		if begin == 0 {
			return nil
		}
	}
	if begin <= 0 || begin >= argc {
		return nil
	}
	var out []int
	if !ks.IsKeynum {
		last := ks.LastKey
		switch {
		case last >= 0:
			last = begin + last
		case ks.Limit > 1:
			last = begin + (argc-1-begin)/ks.Limit
		default:
			last = argc + last
		}
		step := ks.Step
		if step <= 0 {
			step = 1
		}
		for i := begin; i <= last && i < argc; i += step {
			out = append(out, i)
		}
		return out
	}
	numIdx := begin + ks.KeyNumIdx
	if numIdx >= argc {
		return nil
	}
	n, ok := resp.ParseInt(argv[numIdx])
	if !ok || n <= 0 {
		return nil
	}
	first := begin + ks.FirstKey
	step := ks.Step
	if step <= 0 {
		step = 1
	}
	for i := 0; i < int(n); i++ {
		p := first + i*step
		if p >= argc {
			break
		}
		out = append(out, p)
	}
	return out
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
