package memory_test

import (
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

func TestCommandCountListInfo(t *testing.T) {
	e, c := newServer(t, nil)
	count := c.Do("COMMAND", "COUNT")
	if count.Kind != resp.KindInt || count.Int != int64(e.Table().Len()) {
		t.Fatalf("COMMAND COUNT = %v, table has %d", count, e.Table().Len())
	}
	list := c.Do("COMMAND", "LIST")
	names := map[string]bool{}
	for _, v := range list.Elems {
		names[v.Str] = true
	}
	for _, want := range []string{"get", "config", "config|get", "command|info", "debug", "info", "slowlog|reset"} {
		if !names[want] {
			t.Errorf("COMMAND LIST lacks %s", want)
		}
	}
	// Only what rk implements.
	for _, s := range e.Table().Specs() {
		if !names[s.Name] {
			t.Errorf("COMMAND LIST lacks %s", s.Name)
		}
	}
	for name := range names {
		if e.Table().Get([]byte(strings.Split(name, "|")[0])) == nil {
			t.Errorf("COMMAND LIST lists %s, which rk does not implement", name)
		}
	}
	c.Must(resp.BulkStrings("config", "config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"),
		"COMMAND", "LIST", "FILTERBY", "PATTERN", "CONF*")
	c.Must(resp.BulkStrings(), "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch")
	c.Must(resp.BulkStrings(), "COMMAND", "LIST", "FILTERBY", "MODULE", "x")
	if v := c.Do("COMMAND", "LIST", "FILTERBY", "ACLCAT", "string"); !strings.Contains(v.String(), `"get"`) || strings.Contains(v.String(), `"config"`) {
		t.Errorf("COMMAND LIST FILTERBY ACLCAT string = %v", v)
	}
	c.MustErr("ERR syntax error", "COMMAND", "LIST", "FILTERBY", "bad", "x")
	c.MustErr("ERR syntax error", "COMMAND", "LIST", "foo")

	get := c.Do("COMMAND", "INFO", "get")
	want := `*[*["get" :2 *[+readonly +fast] :1 :1 :1 *[+@read +@string +@fast] *[] *[*["flags" *[+RO +access] "begin_search" *["type" "index" "spec" *["index" :1]] "find_keys" *["type" "range" "spec" *["lastkey" :0 "keystep" :1 "limit" :0]]]] *[]]]`
	if get.String() != want {
		t.Errorf("COMMAND INFO get =\n%v\nwant\n%s", get, want)
	}
	v := c.Do("COMMAND", "INFO", "CONFIG|GET", "config|nosuch", "a|b|c", "nosuch", "config")
	if len(v.Elems) != 5 || v.Elems[0].Elems[0].Str != "config|get" || !v.Elems[1].IsNull() || !v.Elems[2].IsNull() ||
		!v.Elems[3].IsNull() || len(v.Elems[4].Elems[9].Elems) != 5 {
		t.Errorf("COMMAND INFO CONFIG|GET ... = %v", v)
	}
	if all := c.Do("COMMAND", "INFO"); len(all.Elems) != int(count.Int) {
		t.Errorf("COMMAND INFO lists %d commands, COUNT says %d", len(all.Elems), count.Int)
	}
	c.Do("HELLO", "3")
	v = c.Do("COMMAND", "INFO", "get", "nosuch")
	if v.Elems[0].Elems[2].Kind != resp.KindSet || v.Elems[1].Kind != resp.KindNull {
		t.Errorf("COMMAND INFO in RESP3 = %v", v)
	}
}

func TestCommandDocs(t *testing.T) {
	_, c := newServer(t, nil)
	c.Do("HELLO", "3")
	v := c.Do("COMMAND", "DOCS", "get", "nosuch")
	want := `%["get" %["summary" "Read the string value of a key." "since" "1.0.0" "group" "string" "arguments" *[%["name" "key" "type" "key" "display_text" "key" "key_spec_index" :0]]]]`
	if v.String() != want {
		t.Errorf("COMMAND DOCS get =\n%v\nwant\n%s", v, want)
	}
	v = c.Do("COMMAND", "DOCS", "config")
	s := v.String()
	for _, want := range []string{`"config|get" %[`, `"subcommands" %[`, `"group" "server"`, `"flags" ~[+multiple]`} {
		if !strings.Contains(s, want) {
			t.Errorf("COMMAND DOCS config lacks %s: %s", want, s)
		}
	}
	v = c.Do("COMMAND", "DOCS", "set")
	if s := v.String(); !strings.Contains(s, `"name" "condition" "type" "oneof" "since" "2.6.12" "flags" ~[+optional] "arguments" *[%["name" "nx" "type" "pure-token" "display_text" "nx" "token" "NX"]`) {
		t.Errorf("COMMAND DOCS set = %s", s)
	}
	if v := c.Do("COMMAND", "DOCS", "getset"); !strings.Contains(v.String(), `"doc_flags" ~[+deprecated]`) {
		t.Errorf("COMMAND DOCS getset = %v", v)
	}
	if v := c.Do("COMMAND", "DOCS"); v.Kind != resp.KindMap || len(v.Elems) < 40 {
		t.Errorf("COMMAND DOCS = %d elements", len(v.Elems))
	}
}

func TestCommandGetKeys(t *testing.T) {
	_, c := newServer(t, nil)
	c.Must(resp.BulkStrings("a"), "COMMAND", "GETKEYS", "get", "a")
	c.Must(resp.BulkStrings("a", "c"), "COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d")
	c.Must(resp.Array(resp.Array(resp.Bulk("a"), resp.Array(resp.Simple("OW"), resp.Simple("update")))),
		"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b")
	c.Must(resp.Array(resp.Array(resp.Bulk("a"), resp.Array(resp.Simple("RW"), resp.Simple("access"), resp.Simple("update")))),
		"COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "GET")
	c.MustErr("ERR Invalid command specified", "COMMAND", "GETKEYS", "nosuch", "a")
	c.MustErr("ERR Invalid command specified", "COMMAND", "GETKEYS", "config", "nosuch")
	c.MustErr("ERR The command has no key arguments", "COMMAND", "GETKEYS", "ping")
	c.MustErr("ERR The command has no key arguments", "COMMAND", "GETKEYS", "config", "get")
	c.MustErr("ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "get")
	c.MustErr("ERR Invalid number of arguments specified for command", "COMMAND", "GETKEYS", "get", "a", "b")
	c.MustErr("ERR wrong number of arguments for 'command|getkeys' command", "COMMAND", "GETKEYS")
}

func TestCommandHelp(t *testing.T) {
	_, c := newServer(t, nil)
	v := c.Do("COMMAND", "HELP")
	if len(v.Elems) < 10 || v.Elems[0].Str != "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Errorf("COMMAND HELP = %v", v)
	}
}

// TestCommandDifferential compares COMMAND INFO and COMMAND GETKEYS with a
// real redis-server for the commands rk implements. It asks the reference
// about every Redis command, so its transcript does not change as rk
// implements more of them.
func TestCommandDifferential(t *testing.T) {
	r := rktest.Reference74(t)
	e, c := newServer(t, nil)
	for _, s := range command.All().Specs() {
		want := r.Do("COMMAND", "INFO", s.Name)
		if e.Table().Get([]byte(s.Name)) == nil {
			continue
		}
		got := c.Do("COMMAND", "INFO", s.Name)
		if s.IsContainer() {
			// Redis lists subcommands in its own order, and rk may
			// implement only some of them: compare the first 9 fields.
			want.Elems[0].Elems = want.Elems[0].Elems[:9]
			got.Elems[0].Elems = got.Elems[0].Elems[:9]
		}
		if want.String() != got.String() {
			t.Errorf("COMMAND INFO %s:\nredis %v\nrk    %v", s.Name, want, got)
		}
	}
	for _, argv := range [][]string{
		{"get", "a"}, {"mget", "a", "b"}, {"set", "a", "b", "get"}, {"del", "a", "b", "c"},
		{"exists", "x"}, {"ping"}, {"get"}, {"nosuch"}, {"config", "get"},
	} {
		for _, sub := range []string{"GETKEYS", "GETKEYSANDFLAGS"} {
			args := append([]string{"COMMAND", sub}, argv...)
			want, got := r.Do(args...), c.Do(args...)
			if !rktest.Equal(want, got) {
				t.Errorf("%q: rk %v, redis %v", args, got, want)
			}
		}
	}
}
