//go:build !unix

package memory

// readCPUTimes is not available on this system: INFO cpu reports zeros.
func readCPUTimes() cpuTimes { return cpuTimes{} }
