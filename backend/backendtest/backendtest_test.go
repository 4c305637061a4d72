package backendtest_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/backend/backendtest"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/rktest"
)

// TestSuiteAgainstRedis runs the suite against a real redis-server through
// a minimal relaying backend, so that every expectation in the suite is
// checked against Redis itself. The relay is not rk's remote backend: it
// only forwards commands and replies over one TCP connection per session.
func TestSuiteAgainstRedis(t *testing.T) {
	addr := rktest.StartRedis(t)
	backendtest.Run(t, func(t *testing.T) backend.Backend {
		return &relay{addr: addr}
	})
}

// relay is a Backend whose sessions forward each command to a Redis
// server and copy its reply to the session's writer.
type relay struct{ addr string }

func (r *relay) Open(ctx context.Context, info backend.ClientInfo) (backend.Session, error) {
	nc, err := net.DialTimeout("tcp", r.addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &relaySession{nc: nc, rd: resp.NewReader(bufio.NewReader(nc)), done: make(chan struct{})}, nil
}

func (r *relay) Close() error { return nil }

type relaySession struct {
	nc   net.Conn
	rd   *resp.Reader
	done chan struct{}
	once sync.Once
}

func (s *relaySession) Do(ctx context.Context, argv [][]byte, w resp.ReplyWriter) {
	s.nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := s.nc.Write(resp.AppendCommand(nil, argv...)); err != nil {
		w.WriteError("ERR relay: " + err.Error())
		return
	}
	v, err := s.rd.ReadValue()
	if err != nil {
		w.WriteError("ERR relay: " + err.Error())
		return
	}
	name := strings.ToLower(string(argv[0]))
	switch {
	case name == "hello" && !v.IsError():
		proto := w.Proto()
		if len(argv) > 1 {
			proto = int(argv[1][0] - '0')
		}
		w.SetProto(proto)
	case name == "reset":
		w.SetProto(2)
	}
	resp.WriteValue(w, v)
	if name == "quit" {
		s.Close()
	}
}

func (s *relaySession) AuthRequired() bool { return false }

func (s *relaySession) Done() <-chan struct{} { return s.done }

func (s *relaySession) Close() error {
	s.once.Do(func() {
		s.nc.Close()
		close(s.done)
	})
	return nil
}
