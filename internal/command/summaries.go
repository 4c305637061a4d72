package command

// summaries are rk's own one-line descriptions, shown by COMMAND DOCS and
// the shell's help. They are written for rk, not copied from Redis.
var summaries = map[string]string{}

func allSpecs() []*Spec {
	specs := facts()
	for _, s := range specs {
		s.Summary = summaries[s.Name]
		for _, sub := range s.Subcommands {
			sub.Summary = summaries[s.Name+"|"+sub.Name]
		}
	}
	return specs
}
