package memory

// Set commands.
var setCommands = map[string]handler{}
