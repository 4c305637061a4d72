package command

// hiddenFlags are flags Redis keeps out of COMMAND INFO, so the captured
// facts cannot have them: DEBUG and MODULE are protected commands, refused
// unless enable-debug-command / enable-module-command allow them.
var hiddenFlags = map[string]Flag{
	"debug":  Protected,
	"module": Protected,
}

// allSpecs is every command rk knows: the captured facts, with rk's own
// summaries and the hidden flags added.
func allSpecs() []*Spec {
	specs := facts()
	for _, s := range specs {
		s.Summary = summaries[s.Name]
		s.Flags |= hiddenFlags[s.Name]
		for _, sub := range s.Subcommands {
			sub.Summary = summaries[s.Name+"|"+sub.Name]
		}
	}
	return specs
}
