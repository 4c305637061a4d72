package spin

import (
	"io"
	"net"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

type linuxReader struct {
	nc net.Conn
	rc syscall.RawConn
}

func newRawReader(nc net.Conn) rawReader {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return &linuxReader{nc: nc, rc: rc}
}

func (r *linuxReader) read(p []byte, deadline time.Time, release func()) (int, error) {
	var n int
	var errno syscall.Errno
	polling := true
	stop := func() {
		if polling {
			polling = false
			release()
		}
	}
	defer stop()
	err := r.rc.Read(func(fd uintptr) bool {
		for {
			// A raw system call: the socket is non-blocking, so read(2)
			// returns at once either way.
			got, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			n, errno = int(got), e
			switch {
			case e == syscall.EINTR:
				continue
			case e == syscall.EAGAIN && polling && time.Now().Before(deadline):
				runtime.Gosched()
				syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
				continue
			case e == syscall.EAGAIN:
				stop()
				return false // park until the socket is readable
			}
			return true
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		// As net.Conn reports a failed read.
		la := r.nc.LocalAddr()
		return 0, &net.OpError{Op: "read", Net: la.Network(), Source: la, Addr: r.nc.RemoteAddr(), Err: os.NewSyscallError("read", errno)}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
