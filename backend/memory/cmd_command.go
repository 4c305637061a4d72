package memory

import (
	"strings"

	"github.com/rk-redis/rk/internal/command"
	"github.com/rk-redis/rk/internal/resp"
)

// COMMAND and its subcommands: COUNT, DOCS, GETKEYS, GETKEYSANDFLAGS,
// HELP, INFO, LIST. They describe the commands rk implements (the
// engine's table), never the ones it does not, in Redis's reply shapes.
// Commands are listed sorted by name.
var commandCommands = map[string]handler{
	"command":                 cmdCommand,
	"command|count":           cmdCommandCount,
	"command|docs":            cmdCommandDocs,
	"command|getkeys":         cmdCommandGetKeys,
	"command|getkeysandflags": cmdCommandGetKeysAndFlags,
	"command|help":            cmdCommandHelp,
	"command|info":            cmdCommandInfo,
	"command|list":            cmdCommandList,
}

// cmdCommand is COMMAND without a subcommand: every command's info.
func cmdCommand(c *client, argv [][]byte, w resp.ReplyWriter) error {
	specs := c.e.table.Specs()
	w.WriteArray(len(specs))
	for _, s := range specs {
		writeCommandInfo(w, s)
	}
	return nil
}

func cmdCommandCount(c *client, argv [][]byte, w resp.ReplyWriter) error {
	w.WriteInt(int64(c.e.table.Len()))
	return nil
}

func cmdCommandInfo(c *client, argv [][]byte, w resp.ReplyWriter) error {
	if len(argv) == 2 {
		return cmdCommand(c, argv, w)
	}
	w.WriteArray(len(argv) - 2)
	for _, name := range argv[2:] {
		if s := c.e.lookupCommandByName(name); s != nil {
			writeCommandInfo(w, s)
		} else {
			w.WriteNull()
		}
	}
	return nil
}

func cmdCommandDocs(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var specs []*command.Spec
	if len(argv) == 2 {
		specs = c.e.table.Specs()
	} else {
		for _, name := range argv[2:] {
			if s := c.e.lookupCommandByName(name); s != nil {
				specs = append(specs, s)
			}
		}
	}
	w.WriteMap(len(specs))
	for _, s := range specs {
		w.WriteBulkString(s.FullName())
		writeCommandDocs(w, s)
	}
	return nil
}

func cmdCommandList(c *client, argv [][]byte, w resp.ReplyWriter) error {
	var match func(s *command.Spec) bool
	switch {
	case len(argv) == 2:
		match = func(*command.Spec) bool { return true }
	case len(argv) == 5 && strings.EqualFold(string(argv[2]), "filterby"):
		arg := string(argv[4])
		switch strings.ToLower(string(argv[3])) {
		case "module":
			// rk loads no modules: no command belongs to one.
			match = func(*command.Spec) bool { return false }
		case "aclcat":
			cat, ok := command.CategoryByName(arg)
			match = func(s *command.Spec) bool { return ok && s.ACL&cat != 0 }
		case "pattern":
			match = func(s *command.Spec) bool { return globMatch(arg, s.FullName(), true) }
		default:
			return resp.ErrSyntax
		}
	default:
		return resp.ErrSyntax
	}
	var names []string
	for _, s := range c.e.table.Specs() {
		if match(s) {
			names = append(names, s.FullName())
		}
		for _, sub := range s.Subcommands {
			if match(sub) {
				names = append(names, sub.FullName())
			}
		}
	}
	w.WriteArray(len(names))
	for _, n := range names {
		w.WriteBulkString(n)
	}
	return nil
}

func cmdCommandGetKeys(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return commandGetKeys(c, argv[2:], false, w)
}

func cmdCommandGetKeysAndFlags(c *client, argv [][]byte, w resp.ReplyWriter) error {
	return commandGetKeys(c, argv[2:], true, w)
}

// commandGetKeys finds the keys of the command line args with the
// command's key specs, and their flags if withFlags.
func commandGetKeys(c *client, args [][]byte, withFlags bool, w resp.ReplyWriter) error {
	s := c.e.table.Get(args[0])
	if s != nil && s.IsContainer() && len(args) > 1 {
		s = s.Subcommand(args[1])
	}
	if s == nil {
		return resp.Error("ERR Invalid command specified")
	}
	if len(s.KeySpecs) == 0 {
		return resp.Error("ERR The command has no key arguments")
	}
	if !s.ArityOK(len(args)) {
		return resp.Error("ERR Invalid number of arguments specified for command")
	}
	type key struct {
		pos   int
		flags []string
	}
	var keys []key
	for _, ks := range s.KeySpecs {
		one := command.Spec{KeySpecs: []command.KeySpec{ks}}
		flags := variableKeyFlags(s, ks.Flags, args)
		for _, pos := range one.Keys(args) {
			keys = append(keys, key{pos, flags})
		}
	}
	if len(keys) == 0 {
		if s.Flags.Has(command.NoMandatoryKeys) {
			w.WriteArray(0)
			return nil
		}
		return resp.Error("ERR Invalid arguments specified for command")
	}
	w.WriteArray(len(keys))
	for _, k := range keys {
		if !withFlags {
			w.WriteBulk(args[k.pos])
			continue
		}
		w.WriteArray(2)
		w.WriteBulk(args[k.pos])
		w.WriteSet(len(k.flags))
		for _, f := range k.flags {
			w.WriteSimple(f)
		}
	}
	return nil
}

func cmdCommandHelp(c *client, argv [][]byte, w resp.ReplyWriter) error {
	writeSubcommandHelp(w, "command", []string{
		"(no subcommand)",
		"    Describe every command this server implements.",
		"COUNT",
		"    Count the commands this server implements.",
		"LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
		"    List the names of the commands this server implements, subcommands included,",
		"    optionally only those of a module, of an ACL category or matching a pattern.",
		"INFO [<command-name> ...]",
		"    Describe the named commands (all of them when none is named).",
		"DOCS [<command-name> ...]",
		"    Show the documentation of the named commands (all of them when none is named).",
		"GETKEYS <full-command>",
		"    Show which arguments of a full command line are keys.",
		"GETKEYSANDFLAGS <full-command>",
		"    Show which arguments of a full command line are keys, and how each is used.",
	})
	return nil
}

// lookupCommandByName finds "get", "config" or "config|get" (any case) in
// the engine's table.
func (e *Engine) lookupCommandByName(name []byte) *command.Spec {
	parts := strings.Split(string(name), "|")
	if len(parts) > 2 {
		return nil
	}
	s := e.table.Get([]byte(parts[0]))
	if s == nil || len(parts) == 1 {
		return s
	}
	if !s.IsContainer() {
		return nil
	}
	return s.Subcommand([]byte(parts[1]))
}

// writeCommandInfo writes COMMAND INFO's ten-element description of s.
func writeCommandInfo(w resp.ReplyWriter, s *command.Spec) {
	w.WriteArray(10)
	w.WriteBulkString(s.FullName())
	w.WriteInt(int64(s.Arity))
	flags := s.Flags.Names()
	w.WriteSet(len(flags))
	for _, f := range flags {
		w.WriteSimple(f)
	}
	w.WriteInt(int64(s.FirstKey))
	w.WriteInt(int64(s.LastKey))
	w.WriteInt(int64(s.Step))
	cats := s.ACL.Names()
	w.WriteSet(len(cats))
	for _, c := range cats {
		w.WriteSimple(c)
	}
	w.WriteSet(len(s.Tips))
	for _, t := range s.Tips {
		w.WriteBulkString(t)
	}
	w.WriteSet(len(s.KeySpecs))
	for _, ks := range s.KeySpecs {
		writeKeySpec(w, ks)
	}
	if !s.IsContainer() {
		w.WriteSet(0)
		return
	}
	w.WriteArray(len(s.Subcommands))
	for _, sub := range s.Subcommands {
		writeCommandInfo(w, sub)
	}
}

func writeKeySpec(w resp.ReplyWriter, ks command.KeySpec) {
	n := 3
	if ks.Notes != "" {
		n++
	}
	w.WriteMap(n)
	if ks.Notes != "" {
		w.WriteBulkString("notes")
		w.WriteBulkString(ks.Notes)
	}
	w.WriteBulkString("flags")
	w.WriteSet(len(ks.Flags))
	for _, f := range ks.Flags {
		w.WriteSimple(f)
	}
	w.WriteBulkString("begin_search")
	w.WriteMap(2)
	w.WriteBulkString("type")
	switch {
	case ks.UnknownBegin:
		w.WriteBulkString("unknown")
		w.WriteBulkString("spec")
		w.WriteMap(0)
	case ks.Keyword != "":
		w.WriteBulkString("keyword")
		w.WriteBulkString("spec")
		w.WriteMap(2)
		w.WriteBulkString("keyword")
		w.WriteBulkString(ks.Keyword)
		w.WriteBulkString("startfrom")
		w.WriteInt(int64(ks.StartFrom))
	default:
		w.WriteBulkString("index")
		w.WriteBulkString("spec")
		w.WriteMap(1)
		w.WriteBulkString("index")
		w.WriteInt(int64(ks.BeginIndex))
	}
	w.WriteBulkString("find_keys")
	w.WriteMap(2)
	w.WriteBulkString("type")
	switch {
	case ks.UnknownFind:
		w.WriteBulkString("unknown")
		w.WriteBulkString("spec")
		w.WriteMap(0)
	case ks.IsKeynum:
		w.WriteBulkString("keynum")
		w.WriteBulkString("spec")
		w.WriteMap(3)
		w.WriteBulkString("keynumidx")
		w.WriteInt(int64(ks.KeyNumIdx))
		w.WriteBulkString("firstkey")
		w.WriteInt(int64(ks.FirstKey))
		w.WriteBulkString("keystep")
		w.WriteInt(int64(ks.Step))
	default:
		w.WriteBulkString("range")
		w.WriteBulkString("spec")
		w.WriteMap(3)
		w.WriteBulkString("lastkey")
		w.WriteInt(int64(ks.LastKey))
		w.WriteBulkString("keystep")
		w.WriteInt(int64(ks.Step))
		w.WriteBulkString("limit")
		w.WriteInt(int64(ks.Limit))
	}
}

// writeCommandDocs writes COMMAND DOCS's map for s: our summary, since,
// group, doc flags, arguments and subcommands. Complexity and history are
// Redis's prose, which rk does not carry, so they are left out.
func writeCommandDocs(w resp.ReplyWriter, s *command.Spec) {
	n := 1 // group
	if s.Summary != "" {
		n++
	}
	if s.Since != "" {
		n++
	}
	if s.Complexity != "" {
		n++
	}
	if len(s.DocFlags) > 0 {
		n++
	}
	if len(s.Args) > 0 {
		n++
	}
	if s.IsContainer() {
		n++
	}
	w.WriteMap(n)
	if s.Summary != "" {
		w.WriteBulkString("summary")
		w.WriteBulkString(s.Summary)
	}
	if s.Since != "" {
		w.WriteBulkString("since")
		w.WriteBulkString(s.Since)
	}
	w.WriteBulkString("group")
	w.WriteBulkString(s.Group)
	if s.Complexity != "" {
		w.WriteBulkString("complexity")
		w.WriteBulkString(s.Complexity)
	}
	if len(s.DocFlags) > 0 {
		w.WriteBulkString("doc_flags")
		w.WriteSet(len(s.DocFlags))
		for _, f := range s.DocFlags {
			w.WriteSimple(f)
		}
	}
	if len(s.Args) > 0 {
		w.WriteBulkString("arguments")
		writeCommandArgs(w, s.Args)
	}
	if s.IsContainer() {
		w.WriteBulkString("subcommands")
		w.WriteMap(len(s.Subcommands))
		for _, sub := range s.Subcommands {
			w.WriteBulkString(sub.FullName())
			writeCommandDocs(w, sub)
		}
	}
}

func writeCommandArgs(w resp.ReplyWriter, args []command.Arg) {
	w.WriteArray(len(args))
	for _, a := range args {
		nested := a.Type == "oneof" || a.Type == "block"
		var flags []string
		if a.Optional {
			flags = append(flags, "optional")
		}
		if a.Multiple {
			flags = append(flags, "multiple")
		}
		if a.MultipleToken {
			flags = append(flags, "multiple_token")
		}
		n := 2
		for _, present := range []bool{!nested, a.KeySpecIndex >= 0, a.Token != "", a.Summary != "", a.Since != "", len(flags) > 0, nested} {
			if present {
				n++
			}
		}
		w.WriteMap(n)
		w.WriteBulkString("name")
		w.WriteBulkString(a.Name)
		w.WriteBulkString("type")
		w.WriteBulkString(a.Type)
		if !nested {
			w.WriteBulkString("display_text")
			if a.Value != "" {
				w.WriteBulkString(a.Value)
			} else {
				w.WriteBulkString(a.Name)
			}
		}
		if a.KeySpecIndex >= 0 {
			w.WriteBulkString("key_spec_index")
			w.WriteInt(int64(a.KeySpecIndex))
		}
		if a.Token != "" {
			w.WriteBulkString("token")
			w.WriteBulkString(a.Token)
		}
		if a.Summary != "" {
			w.WriteBulkString("summary")
			w.WriteBulkString(a.Summary)
		}
		if a.Since != "" {
			w.WriteBulkString("since")
			w.WriteBulkString(a.Since)
		}
		if len(flags) > 0 {
			w.WriteBulkString("flags")
			w.WriteSet(len(flags))
			for _, f := range flags {
				w.WriteSimple(f)
			}
		}
		if nested {
			w.WriteBulkString("arguments")
			writeCommandArgs(w, a.Args)
		}
	}
}

// variableKeyFlags resolves the flags of a key spec marked
// variable_flags, whose real use depends on the arguments, as Redis's
// key-finding functions for SET and BITFIELD do.
func variableKeyFlags(s *command.Spec, flags []string, args [][]byte) []string {
	variable := false
	for _, f := range flags {
		variable = variable || f == "variable_flags"
	}
	if !variable {
		return flags
	}
	switch s.FullName() {
	case "set":
		for _, a := range args[3:] {
			if strings.EqualFold(string(a), "get") {
				return []string{"RW", "access", "update"}
			}
		}
		return []string{"OW", "update"}
	case "bitfield":
		for _, a := range args[2:] {
			if strings.EqualFold(string(a), "set") || strings.EqualFold(string(a), "incrby") {
				return []string{"RW", "access", "update"}
			}
		}
		return []string{"RO", "access"}
	}
	return flags
}
