//go:build !linux

package spin

import "syscall"

// Polling is implemented for Linux only; elsewhere reads park at once.
const canPoll = false

func tryRead(uintptr, []byte) (int, syscall.Errno) { return 0, syscall.EAGAIN }

func yieldCPU() {}
