package memory

// Hash commands.
var hashCommands = map[string]handler{}
