package remote

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal has the kernel kill the plugin if rk dies without
// stopping it.
func setParentDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
