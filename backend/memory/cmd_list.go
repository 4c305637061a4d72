package memory

// List commands.
var listCommands = map[string]handler{}
