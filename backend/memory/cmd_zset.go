package memory

// Sorted set commands.
var zsetCommands = map[string]handler{}
