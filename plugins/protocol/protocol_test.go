package protocol_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rk-redis/rk/plugins/protocol"
	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// fake is a driver whose sessions echo their commands' names as simple
// strings and push out-of-band frames on request.
type fake struct{}

func (fake) Info(context.Context) (protocol.Info, error) {
	return protocol.Info{Name: "fake", Version: "0.1", Schemes: []string{"fake"}}, nil
}

func (fake) Open(_ context.Context, url string) (protocol.Backend, error) {
	if !strings.HasPrefix(url, "fake://") {
		return nil, protocol.Errorf(protocol.CodeInvalid, "not a fake URL: %s", url)
	}
	return &fakeBackend{}, nil
}

type fakeBackend struct{ closed bool }

func (b *fakeBackend) OpenSession(_ context.Context, info protocol.ClientInfo, ev protocol.Events) (protocol.Session, error) {
	if info.Addr == "refuse" {
		return nil, protocol.Errorf(protocol.CodeUnavailable, "Could not connect")
	}
	return &fakeSession{ev: ev}, nil
}

func (b *fakeBackend) Close() error { b.closed = true; return nil }

type fakeSession struct {
	ev protocol.Events
}

func (s *fakeSession) Do(ctx context.Context, cmds [][][]byte) (protocol.Reply, error) {
	var r protocol.Reply
	r.Proto = 2
	for _, argv := range cmds {
		switch name := string(argv[0]); name {
		case "PUSH":
			// Out-of-band frames before the reply: Pushes says so.
			for _, a := range argv[1:] {
				r.Pushes = s.ev.Push(protocol.AppendSimple(nil, string(a)))
			}
			r.Frames = protocol.AppendSimple(r.Frames, "PUSHED")
		case "FAIL":
			return r, protocol.Errorf(protocol.CodeUnavailable, "lost the server")
		case "BOOM":
			return r, errors.New("an unexpected failure")
		case "END":
			s.ev.Closed(errors.New("killed by the server"))
			r.Frames = protocol.AppendSimple(r.Frames, "BYE")
		case "WAIT":
			<-ctx.Done()
			waitsEnded.Add(1)
			return r, protocol.Errorf(protocol.CodeClosed, "interrupted")
		default:
			r.Frames = protocol.AppendSimple(r.Frames, name)
		}
	}
	return r, nil
}

func (s *fakeSession) Close() error { return nil }

// waitsEnded counts the WAIT commands whose context ended.
var waitsEnded atomic.Int64

// hostEvents records what the host side receives.
type hostEvents struct {
	mu     sync.Mutex
	frames []string
	closed chan error
}

func newHostEvents() *hostEvents { return &hostEvents{closed: make(chan error, 1)} }

func (e *hostEvents) Push(f []byte) uint64 {
	e.mu.Lock()
	e.frames = append(e.frames, string(f))
	e.mu.Unlock()
	return 0
}

func (e *hostEvents) Closed(err error) { e.closed <- err }

func (e *hostEvents) got() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.frames...)
}

func dispense(t *testing.T) *protocol.Client {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, false, map[string]plugin.Plugin{
		protocol.PluginName: &protocol.DriverPlugin{Impl: fake{}},
	})
	// Stopping the server first: client.Close would stop it too (go-plugin's
	// Shutdown call), racing with a second Stop.
	t.Cleanup(func() { server.Stop(); client.Close() })
	raw, err := client.Dispense(protocol.PluginName)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*protocol.Client)
}

// TestRoundTrip runs the contract over both ways a host runs batches: the
// Exec stream (a plugin that offers no data channel) and the data channel.
func TestRoundTrip(t *testing.T) {
	t.Run("exec", func(t *testing.T) { testRoundTrip(t, false) })
	t.Run("channel", func(t *testing.T) {
		t.Setenv("RK_PLUGIN_DATA_DIR", t.TempDir())
		testRoundTrip(t, true)
	})
}

func testRoundTrip(t *testing.T, channel bool) {
	c := dispense(t)
	ctx := context.Background()
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	info, err := c.Info(ctx)
	if err != nil || info.Name != "fake" || info.Schemes[0] != "fake" {
		t.Fatalf("Info: %+v %v", info, err)
	}
	// Driver errors come back as *Error with their code and text.
	_, err = c.Open(ctx, "other://")
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.CodeInvalid || pe.Message != "not a fake URL: other://" {
		t.Fatalf("Open error: %#v", err)
	}
	b, err := c.Open(ctx, "fake://")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.OpenSession(ctx, protocol.ClientInfo{Addr: "refuse"}, newHostEvents()); !protocol.IsCode(err, protocol.CodeUnavailable) {
		t.Errorf("OpenSession error: %v", err)
	}
	ev := newHostEvents()
	s, err := b.OpenSession(ctx, protocol.ClientInfo{Addr: "1.2.3.4:5"}, ev)
	if err != nil {
		t.Fatal(err)
	}
	if got := protocol.UsesChannelForTest(s); got != channel {
		t.Fatalf("session uses the data channel: %v, want %v", got, channel)
	}
	r, err := s.Do(ctx, [][][]byte{{[]byte("A")}, {[]byte("B"), []byte("x")}})
	if err != nil || string(r.Frames) != "+A\r\n+B\r\n" || r.Proto != 2 {
		t.Fatalf("Do: %q %v", r.Frames, err)
	}
	// A batch larger than the buffers either side keeps.
	big := make([]byte, 3<<20)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	r, err = s.Do(ctx, [][][]byte{{big}, {[]byte("C")}})
	if err != nil || string(r.Frames) != "+"+string(big)+"\r\n+C\r\n" {
		t.Fatalf("big batch: %d bytes, %v", len(r.Frames), err)
	}
	// Pushes that precede a reply are delivered before Do returns.
	for i := range 50 {
		r, err = s.Do(ctx, [][][]byte{{[]byte("PUSH"), []byte("p1"), []byte("p2")}})
		if err != nil || r.Pushes != uint64(2*i+2) {
			t.Fatalf("PUSH: %+v %v", r, err)
		}
		if got := ev.got(); len(got) != 2*i+2 || got[len(got)-1] != "+p2\r\n" {
			t.Fatalf("after Do returned, pushes %q", got)
		}
	}
	if _, err := s.Do(ctx, [][][]byte{{[]byte("FAIL")}}); !protocol.IsCode(err, protocol.CodeUnavailable) || err.Error() != "lost the server" {
		t.Errorf("FAIL: %v", err)
	}
	if _, err := s.Do(ctx, [][][]byte{{[]byte("BOOM")}}); !protocol.IsCode(err, protocol.CodeUnknown) || err.Error() != "an unexpected failure" {
		t.Errorf("BOOM: %v", err)
	}
	// A session the driver ends is reported through Closed.
	if _, err := s.Do(ctx, [][][]byte{{[]byte("END")}}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-ev.closed:
		if err == nil || err.Error() != "killed by the server" {
			t.Errorf("Closed(%v)", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no closed notice")
	}
	// Cancelling the caller's context reaches the driver (on the data
	// channel, through the session's closing, which follows a failed Do).
	ended := waitsEnded.Load()
	s2, _ := b.OpenSession(ctx, protocol.ClientInfo{}, newHostEvents())
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := s2.Do(cctx, [][][]byte{{[]byte("WAIT")}}); err == nil {
		t.Error("WAIT returned no error")
	}
	if err := s2.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); waitsEnded.Load() == ended; {
		if time.Now().After(deadline) {
			t.Fatal("the driver's WAIT never ended")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := s2.Do(ctx, [][][]byte{{[]byte("A")}}); !protocol.IsCode(err, protocol.CodeClosed) {
		t.Errorf("Do after Close: %v", err)
	}
}

// TestChannelHello checks that the data channel serves only the host that
// learnt its token, and each session once.
func TestChannelHello(t *testing.T) {
	t.Setenv("RK_PLUGIN_DATA_DIR", t.TempDir())
	c := dispense(t)
	ctx := context.Background()
	ch := protocol.ChannelForTest(c)
	if ch == nil || ch.Network != "unix" || len(ch.Token) != 32 {
		t.Fatalf("channel: %+v", ch)
	}
	if fi, err := os.Stat(ch.Address); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket: %v %v", fi, err)
	}
	b, err := c.Open(ctx, "fake://")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.OpenSession(ctx, protocol.ClientInfo{}, newHostEvents())
	if err != nil {
		t.Fatal(err)
	}
	id := protocol.SessionIDForTest(s)
	wrong := &pb.ChannelResponse{Network: ch.Network, Address: ch.Address, Token: bytes.Clone(ch.Token)}
	wrong.Token[0] ^= 1
	for _, tc := range []struct {
		r    *pb.ChannelResponse
		id   uint64
		want string
	}{
		{wrong, id, "refused: wrong token"},
		{ch, 999, "refused: no open session 999"},
		{ch, id, fmt.Sprintf("refused: session %d already has a data channel", id)},
	} {
		if err := protocol.HelloForTest(ctx, tc.r, tc.id); err == nil || err.Error() != tc.want {
			t.Errorf("hello for session %d: %v, want %q", tc.id, err, tc.want)
		}
	}
	// Something that is not a host gets a reason and the door.
	nc, err := net.Dial("unix", ch.Address)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.Write([]byte("*1\r\n$4\r\nPING\r\n" + strings.Repeat("x", 31)))
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	answer, _ := io.ReadAll(nc)
	if want := "\x01\x00\x1cnot an rk data channel hello"; string(answer) != want {
		t.Errorf("answer %q, want %q", answer, want)
	}
	// The session still works over its own channel.
	if r, err := s.Do(ctx, [][][]byte{{[]byte("A")}}); err != nil || string(r.Frames) != "+A\r\n" {
		t.Errorf("Do: %q %v", r.Frames, err)
	}
}

// TestMutualTLS checks the one-time certificates: the plugin side accepts
// the host's certificate and nothing else, the host trusts only the
// plugin's.
func TestMutualTLS(t *testing.T) {
	hostCfg, env, err := protocol.HostTLS()
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	serverCfg, err := protocol.PluginTLSForTest()
	if err != nil || serverCfg == nil {
		t.Fatalf("plugin TLS: %v", err)
	}
	if os.Getenv("RK_PLUGIN_SERVER_KEY") != "" {
		t.Error("the plugin left its key in its environment")
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", serverCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				c.(*tls.Conn).Handshake()
				c.Write([]byte("ok"))
				c.Close()
			}()
		}
	}()
	dial := func(cfg *tls.Config) error {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", l.Addr().String(), cfg)
		if err != nil {
			return err
		}
		defer c.Close()
		buf := make([]byte, 2)
		_, err = c.Read(buf)
		return err
	}
	if err := dial(hostCfg); err != nil {
		t.Errorf("the host cannot connect: %v", err)
	}
	other, _, _ := protocol.HostTLS()
	other.RootCAs = hostCfg.RootCAs // trusts the plugin, but is not its host
	if err := dial(other); err == nil {
		t.Error("a stranger's certificate was accepted")
	}
	mitm, _, _ := protocol.HostTLS()
	mitm.Certificates = hostCfg.Certificates // the host, facing another server
	if err := dial(mitm); err == nil {
		t.Error("the host trusted a server that is not its plugin")
	}
	noCert := hostCfg.Clone()
	noCert.Certificates = nil
	if err := dial(noCert); err == nil {
		t.Error("a client without a certificate was accepted")
	}
}

// TestImportsNothingOfRk enforces the contract's promise: a plugin in
// another module can implement it.
func TestImportsNothingOfRk(t *testing.T) {
	for _, pkg := range []string{".", "../example"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		for _, dep := range strings.Fields(string(out)) {
			// The contract's own packages (pb, spin) are public too.
			if strings.HasPrefix(dep, "github.com/rk-redis/rk/") &&
				dep != "github.com/rk-redis/rk/plugins/protocol" &&
				!strings.HasPrefix(dep, "github.com/rk-redis/rk/plugins/protocol/") &&
				dep != "github.com/rk-redis/rk/plugins/example" {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

func TestAppendHelpers(t *testing.T) {
	var b []byte
	b = protocol.AppendSimple(b, "OK\r\nx")
	b = protocol.AppendError(b, "ERR bad")
	b = protocol.AppendInt(b, -5)
	b = protocol.AppendBulk(b, []byte("a\r\nb"))
	b = protocol.AppendNull(b, 2)
	b = protocol.AppendNull(b, 3)
	b = protocol.AppendArray(b, 2)
	b = protocol.AppendMap(b, 1, 2)
	b = protocol.AppendMap(b, 1, 3)
	want := "+OK  x\r\n-ERR bad\r\n:-5\r\n$4\r\na\r\nb\r\n$-1\r\n_\r\n*2\r\n*2\r\n%1\r\n"
	if string(b) != want {
		t.Errorf("got %q\nwant %q", b, want)
	}
}
