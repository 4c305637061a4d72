package spin

import (
	"syscall"
	"unsafe"
)

const canPoll = true

// tryRead is one non-blocking read(2). It is a raw system call: the socket
// is non-blocking, so it returns at once, and the runtime's system-call
// bookkeeping (which wakes its monitor thread) is not needed.
func tryRead(fd uintptr, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), 0
}

// yieldCPU lets another task that is ready on this CPU (the server whose
// reply we wait for, say) run first.
func yieldCPU() { syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
