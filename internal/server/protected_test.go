package server_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/internal/server"
)

// The DENIED text of Redis's networking.c (clientAcceptHandler), sent
// before closing a refused connection.
const denied = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

// TestProtectedMode serves connections that claim to come from various
// peers through a fake listener: with protected mode on, only loopback
// and unix-socket clients are served; everyone is once it is off.
func TestProtectedMode(t *testing.T) {
	tests := []struct {
		name      string
		remote    net.Addr
		protected bool
		served    bool
	}{
		{"loopback IPv4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}, true, true},
		{"loopback 127/8", &net.TCPAddr{IP: net.IPv4(127, 1, 2, 3), Port: 50000}, true, true},
		{"loopback IPv6", &net.TCPAddr{IP: net.IPv6loopback, Port: 50000}, true, true},
		{"unix socket", &net.UnixAddr{Name: "/tmp/rk.sock", Net: "unix"}, true, true},
		{"private network", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 50000}, true, false},
		{"public IPv6", &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 50000}, true, false},
		{"IPv4-mapped public", &net.TCPAddr{IP: net.ParseIP("::ffff:10.0.0.1"), Port: 50000}, true, false},
		{"private network, protected mode off", &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 50000}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newPipeListener()
			srv := &server.Server{Backend: pingBackend{}, Protected: func() bool { return tt.protected }}
			go srv.Serve(l)
			t.Cleanup(func() { srv.Close() })

			client := l.dial(tt.remote)
			defer client.Close()
			client.SetDeadline(time.Now().Add(5 * time.Second))
			go client.Write([]byte("*1\r\n$4\r\nPING\r\n"))
			br := bufio.NewReader(client)
			got, err := br.ReadString('\n')
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if tt.served {
				if got != "+PONG\r\n" {
					t.Fatalf("got %q, want +PONG", got)
				}
				return
			}
			if got != denied {
				t.Fatalf("got %q,\nwant %q", got, denied)
			}
			if _, err := br.ReadByte(); err != io.EOF {
				t.Fatalf("connection still open after DENIED: %v", err)
			}
		})
	}
}

// pingBackend answers PING with PONG and everything else with an error.
type pingBackend struct{}

func (pingBackend) Open(ctx context.Context, info backend.ClientInfo) (backend.Session, error) {
	return &pingSession{done: make(chan struct{})}, nil
}

func (pingBackend) Close() error { return nil }

type pingSession struct {
	done chan struct{}
	once sync.Once
}

func (s *pingSession) Do(ctx context.Context, argv [][]byte, w resp.ReplyWriter) {
	if strings.EqualFold(string(argv[0]), "PING") {
		w.WriteSimple("PONG")
		return
	}
	w.WriteError("ERR unknown command")
}

func (s *pingSession) AuthRequired() bool    { return false }
func (s *pingSession) Done() <-chan struct{} { return s.done }
func (s *pingSession) Close() error          { s.once.Do(func() { close(s.done) }); return nil }

// pipeListener hands out in-memory connections whose RemoteAddr is
// whatever the test says.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) dial(remote net.Addr) net.Conn {
	server, client := net.Pipe()
	l.conns <- &addrConn{Conn: server, remote: remote}
	return client
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, errors.New("listener closed")
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(0, 0, 0, 0), Port: 6379} }

type addrConn struct {
	net.Conn
	remote net.Addr
}

func (c *addrConn) RemoteAddr() net.Addr { return c.remote }
func (c *addrConn) LocalAddr() net.Addr  { return &net.TCPAddr{IP: net.IPv4(10, 0, 0, 5), Port: 6379} }
