//go:build unix

package memory

import (
	"syscall"
	"time"
)

// readCPUTimes reads the process's and its children's CPU time.
func readCPUTimes() cpuTimes {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	d := func(tv syscall.Timeval) time.Duration { return time.Duration(tv.Nano()) }
	return cpuTimes{sys: d(self.Stime), user: d(self.Utime), childSys: d(children.Stime), childUser: d(children.Utime)}
}
