package protocol

// PluginTLSForTest exposes the plugin side of the TLS setup to tests.
var PluginTLSForTest = pluginTLS
