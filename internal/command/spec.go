// Package command is rk's command table: for every Redis command, its arity,
// flags, key positions, ACL categories, command tips and documentation.
//
// # Overview
//
// The facts (arity, flags, key specs, categories, tips, arguments, since,
// group, complexity) were captured from a real Redis 7.4 server's COMMAND
// INFO and COMMAND DOCS by ./gen and live in zz_facts.go; the summaries
// shown to users are rk's own words, in summaries.go.
//
// A backend that executes commands builds a Table of the commands it
// implements (Table.Only); the dispatcher then checks a command against its
// Spec once (existence, arity, flags) so handlers never re-check. The shell
// uses the full table for hints and completion against any server.
package command

import (
	"strings"
)

// Flag is a command flag, as COMMAND INFO reports it.
type Flag uint32

// Command flags.
const (
	Write Flag = 1 << iota
	Readonly
	DenyOOM
	Module
	Admin
	PubSub
	NoScript
	Blocking
	Loading
	Stale
	SkipMonitor
	SkipSlowlog
	Asking
	Fast
	NoAuth
	MayReplicate
	Sentinel
	OnlySentinel
	NoMandatoryKeys
	Protected
	ModuleGetkeys
	ModuleNoCluster
	NoAsyncLoading
	NoMulti
	MovableKeys
	AllowBusy
	ModuleGetchannels
	TouchesArbitraryKeys
)

var flagNames = []string{
	"write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript",
	"blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking",
	"fast", "no_auth", "may_replicate", "sentinel", "only_sentinel",
	"no_mandatory_keys", "protected", "module_getkeys", "module_no_cluster",
	"no_async_loading", "no_multi", "movablekeys", "allow_busy",
	"module_getchannels", "touches_arbitrary_keys",
}

// hiddenFromInfo are flags COMMAND INFO never shows.
const hiddenFromInfo = Sentinel | OnlySentinel | Protected | TouchesArbitraryKeys

// Names lists the flags' names in COMMAND INFO's order, leaving out the
// ones Redis keeps hidden.
func (f Flag) Names() []string {
	var out []string
	f &^= hiddenFromInfo
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Has reports whether all of g is set in f.
func (f Flag) Has(g Flag) bool { return f&g == g }

// Category is a set of ACL categories.
type Category uint32

// ACL categories, in Redis's order.
const (
	CatKeyspace Category = 1 << iota
	CatRead
	CatWrite
	CatSet
	CatSortedSet
	CatList
	CatHash
	CatString
	CatBitmap
	CatHyperLogLog
	CatGeo
	CatStream
	CatPubSub
	CatAdmin
	CatFast
	CatSlow
	CatBlocking
	CatDangerous
	CatConnection
	CatTransaction
	CatScripting
)

var categoryNames = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting",
}

// CategoryNames lists every ACL category name.
func CategoryNames() []string { return append([]string(nil), categoryNames...) }

// CategoryByName returns the category called name (without '@').
func CategoryByName(name string) (Category, bool) {
	for i, n := range categoryNames {
		if strings.EqualFold(n, name) {
			return 1 << i, true
		}
	}
	return 0, false
}

// Names lists the categories' names, each prefixed with '@' as COMMAND INFO
// prints them.
func (c Category) Names() []string {
	var out []string
	for i, n := range categoryNames {
		if c&(1<<i) != 0 {
			out = append(out, "@"+n)
		}
	}
	return out
}

// KeySpec is one key specification (COMMAND INFO's 8th field): how to find
// a group of keys in the arguments, and what the command does with them.
type KeySpec struct {
	Notes string
	Flags []string // "RW", "access", "update", ...

	// BeginSearch: either an index, or a keyword searched for from
	// StartFrom (negative: from the end).
	BeginIndex int
	Keyword    string
	StartFrom  int

	// FindKeys: either a range (LastKey relative to the begin, Step,
	// Limit), or a key count found at KeyNumIdx.
	IsKeynum  bool
	LastKey   int
	Step      int
	Limit     int
	KeyNumIdx int
	FirstKey  int
	// Unknown marks "unknown" begin_search or find_keys.
	UnknownBegin, UnknownFind bool
}

// Arg documents one argument, as COMMAND DOCS reports it.
type Arg struct {
	Name          string
	Type          string // string, integer, double, key, pattern, unix-time, pure-token, oneof, block
	KeySpecIndex  int    // for type key; -1 otherwise
	Token         string
	Summary       string
	Since         string
	Optional      bool
	Multiple      bool
	MultipleToken bool
	Deprecated    bool
	Value         string
	Args          []Arg // oneof and block
}

// Spec describes one command or subcommand.
type Spec struct {
	// Name is the lower-case name ("get"; "kill" for CLIENT KILL).
	Name string
	// Arity follows Redis's sign rule: N means exactly N arguments
	// (the name included), -N at least N.
	Arity int
	Flags Flag
	// ACL holds the categories COMMAND INFO shows, implied ones included.
	ACL Category
	// FirstKey, LastKey and Step are the legacy key positions.
	FirstKey, LastKey, Step int
	KeySpecs                []KeySpec
	Tips                    []string

	Group      string
	Since      string
	Complexity string
	Summary    string
	DocFlags   []string // "deprecated", "syscmd"
	Deprecated string   // doc_flags deprecated: replaced by ...
	History    [][2]string
	Args       []Arg

	Subcommands []*Spec
	// Parent is the container of a subcommand.
	Parent *Spec
	// ID numbers the specs of one Table (subcommands included) from 0, so
	// a backend can keep per-command data in a slice.
	ID int
}

// FullName is the name errors and statistics use: "get", "client|kill".
func (s *Spec) FullName() string {
	if s.Parent != nil {
		return s.Parent.Name + "|" + s.Name
	}
	return s.Name
}

// IsContainer reports whether s has subcommands (CLIENT, CONFIG, ...).
func (s *Spec) IsContainer() bool { return len(s.Subcommands) > 0 }

// Subcommand finds a subcommand by name, case-insensitively.
func (s *Spec) Subcommand(name []byte) *Spec {
	for _, sub := range s.Subcommands {
		if equalFold(sub.Name, name) {
			return sub
		}
	}
	return nil
}

// ArityOK reports whether argc arguments (name included) fit the arity.
func (s *Spec) ArityOK(argc int) bool {
	if s.Arity >= 0 {
		return argc == s.Arity
	}
	return argc >= -s.Arity
}

func equalFold(s string, b []byte) bool {
	if len(s) != len(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if s[i] != c {
			return false
		}
	}
	return true
}
