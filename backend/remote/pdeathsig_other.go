//go:build !linux

package remote

import "os/exec"

// setParentDeathSignal does nothing here: plugins/protocol's Serve exits
// when its parent process goes away.
func setParentDeathSignal(*exec.Cmd) {}
