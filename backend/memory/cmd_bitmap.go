package memory

// Bitmap commands.
var bitmapCommands = map[string]handler{}
