package protocol

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/rk-redis/rk/plugins/protocol/pb"
	"github.com/rk-redis/rk/plugins/protocol/spin"
)

// The data channel.
//
// Exec over gRPC costs a command's round trip more than the work of
// relaying it: HTTP/2 framing, TLS records, and gRPC's reader and writer
// goroutines, each a chance for the plugin process to fall asleep and be
// woken again. The data channel carries the same exchange, one DoRequest
// answered by one DoResponse, over a plain unix socket that one goroutine
// on each side reads and writes, and whose reads poll briefly for the reply
// (package spin). Everything else (opening sessions, events, closing)
// stays on gRPC.
//
// The host makes a directory only its user can enter and names it in
// RK_PLUGIN_DATA_DIR; the plugin listens on a socket in it and gives the
// socket's address and a random token through the Channel call, which
// travels over the mutually authenticated gRPC connection. Each session's
// connection starts with a hello:
//
//	host:   "RKDC" version(1) token(32) session(uint64, big-endian)
//	plugin: 0 (accepted) or 1, length(uint16), reason
//
// then carries messages, each a uint32 big-endian length and a protobuf
// encoding: DoRequest from the host, DoResponse (with error set when the
// batch could not run) from the plugin. The host closes the connection to
// interrupt a batch, and closes the session as after any failed Do.
const (
	envDataDir     = "RK_PLUGIN_DATA_DIR"
	channelMagic   = "RKDC"
	channelVersion = 1
	tokenSize      = 32
	helloSize      = len(channelMagic) + 1 + tokenSize + 8
	// helloTimeout bounds the hello on both sides.
	helloTimeout = 5 * time.Second
	// maxMessage is gRPC's message limit on plugin connections, so both
	// paths accept the same batches.
	maxMessage = math.MaxInt32
	// keepBuffer is the largest message buffer kept between messages.
	keepBuffer = 1 << 20
)

var errMessageTooLarge = errors.New("message larger than 2 GB")

// appendMessage appends m's length-prefixed encoding to b.
func appendMessage(b []byte, m proto.Message) ([]byte, error) {
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	b, err := proto.MarshalOptions{}.MarshalAppend(b, m)
	if err != nil {
		return b[:start], err
	}
	n := len(b) - start - 4
	if n > maxMessage {
		return b[:start], errMessageTooLarge
	}
	binary.BigEndian.PutUint32(b[start:], uint32(n))
	return b, nil
}

// readMessage reads one length-prefixed message into buf (reused when it
// is large enough). It allocates as the bytes arrive, not as the length
// says, so a corrupt length costs no more memory than the data sent.
func readMessage(r *bufio.Reader, buf []byte) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return buf[:0], err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n > maxMessage {
		return buf[:0], errMessageTooLarge
	}
	if n <= cap(buf) {
		buf = buf[:n]
		_, err := io.ReadFull(r, buf)
		return buf, noEOF(err)
	}
	buf = buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), keepBuffer)
		buf = append(buf, make([]byte, chunk)...)
		if _, err := io.ReadFull(r, buf[len(buf)-chunk:]); err != nil {
			return buf[:0], noEOF(err)
		}
	}
	return buf, nil
}

// noEOF turns an end of input inside a message into an unexpected one.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// trim drops a message buffer that grew past keepBuffer.
func trim(buf []byte) []byte {
	if cap(buf) > keepBuffer {
		return nil
	}
	return buf[:0]
}

// channel is the plugin side: the listener and its token.
type channel struct {
	ln    net.Listener
	token []byte
	g     *server
}

// openChannel listens in dir; nil if the channel cannot be offered.
func openChannel(g *server, dir string) (*channel, error) {
	if dir == "" {
		return nil, nil
	}
	token := make([]byte, tokenSize)
	if _, err := rand.Read(token); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", filepath.Join(dir, "data.sock"))
	if err != nil {
		return nil, err
	}
	ch := &channel{ln: ln, token: token, g: g}
	go ch.accept()
	return ch, nil
}

func (ch *channel) accept() {
	for {
		nc, err := ch.ln.Accept()
		if err != nil {
			return // closed: the plugin is ending
		}
		go ch.serve(nc)
	}
}

// serve runs one session's connection: a hello, then one DoResponse for
// every DoRequest, until the host hangs up or the session closes.
func (ch *channel) serve(nc net.Conn) {
	defer nc.Close()
	ss, err := ch.hello(nc)
	if err != nil {
		msg := err.Error()
		refusal := append([]byte{1, byte(len(msg) >> 8), byte(len(msg))}, msg...)
		nc.Write(refusal)
		return
	}
	defer ss.detach()
	// A closed session ends its connection, even if the host keeps it.
	defer context.AfterFunc(ss.ctx, func() { nc.Close() })()
	if _, err := nc.Write([]byte{0}); err != nil {
		return
	}
	br := bufio.NewReaderSize(spin.NewRequests(nc), 16<<10)
	var in, out []byte
	for {
		in, err = readMessage(br, in)
		if err != nil {
			return
		}
		req := &pb.DoRequest{}
		if err := proto.Unmarshal(in, req); err != nil {
			return
		}
		in = trim(in)
		resp, err := ss.do(ss.ctx, req)
		if err != nil {
			resp = &pb.DoResponse{Error: toDriverError(err)}
		}
		if out, err = appendMessage(out[:0], resp); err != nil {
			out, _ = appendMessage(out[:0], &pb.DoResponse{Error: toDriverError(Errorf(CodeUnsupported, "reply: %v", err))})
		}
		if _, err := nc.Write(out); err != nil {
			return
		}
		out = trim(out)
	}
}

// hello checks the host's hello and attaches the connection to the
// session it names.
func (ch *channel) hello(nc net.Conn) (*srvSession, error) {
	nc.SetDeadline(time.Now().Add(helloTimeout))
	defer nc.SetDeadline(time.Time{})
	var h [helloSize]byte
	if _, err := io.ReadFull(nc, h[:]); err != nil {
		return nil, fmt.Errorf("no hello: %v", err)
	}
	magic, version, token, id := string(h[:4]), h[4], h[5:5+tokenSize], binary.BigEndian.Uint64(h[5+tokenSize:])
	if magic != channelMagic || version != channelVersion {
		return nil, errors.New("not an rk data channel hello")
	}
	if subtle.ConstantTimeCompare(token, ch.token) != 1 {
		return nil, errors.New("wrong token")
	}
	ch.g.mu.Lock()
	ss := ch.g.sessions[id]
	ch.g.mu.Unlock()
	if ss == nil {
		return nil, fmt.Errorf("no open session %d", id)
	}
	if !ss.attach() {
		return nil, fmt.Errorf("session %d already has a data channel", id)
	}
	return ss, nil
}

// dataConn is the host side of one session's data channel.
type dataConn struct {
	nc      net.Conn
	br      *bufio.Reader
	in, out []byte
}

// dialChannel connects a session's data channel and says hello.
func dialChannel(ctx context.Context, r *pb.ChannelResponse, session uint64) (*dataConn, error) {
	ctx, cancel := context.WithTimeout(ctx, helloTimeout)
	defer cancel()
	var d net.Dialer
	nc, err := d.DialContext(ctx, r.Network, r.Address)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	h := make([]byte, 0, helloSize)
	h = append(h, channelMagic...)
	h = append(h, channelVersion)
	h = append(h, r.Token...)
	h = binary.BigEndian.AppendUint64(h, session)
	var status [3]byte
	if _, err = nc.Write(h); err == nil {
		_, err = io.ReadFull(nc, status[:1])
	}
	if err == nil && status[0] != 0 {
		err = errors.New("refused")
		if _, rerr := io.ReadFull(nc, status[1:]); rerr == nil {
			reason := make([]byte, int(status[1])<<8|int(status[2]))
			if _, rerr := io.ReadFull(nc, reason); rerr == nil {
				err = fmt.Errorf("refused: %s", reason)
			}
		}
	}
	if err != nil {
		nc.Close()
		return nil, err
	}
	nc.SetDeadline(time.Time{})
	return &dataConn{nc: nc, br: bufio.NewReaderSize(spin.New(nc, spin.Always), 16<<10)}, nil
}

// exchange sends one batch and reads its response. ctx ending interrupts
// it; the connection is then unusable.
func (d *dataConn) exchange(ctx context.Context, req *pb.DoRequest) (*pb.DoResponse, error) {
	var err error
	if d.out, err = appendMessage(d.out[:0], req); err != nil {
		return nil, Errorf(CodeInvalid, "batch: %v", err)
	}
	stop := context.AfterFunc(ctx, func() { d.nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := d.nc.Write(d.out); err != nil {
		return nil, d.failed(ctx, err)
	}
	d.out = trim(d.out)
	if d.in, err = readMessage(d.br, d.in); err != nil {
		return nil, d.failed(ctx, err)
	}
	resp := &pb.DoResponse{}
	if err := proto.Unmarshal(d.in, resp); err != nil {
		return nil, d.failed(ctx, err)
	}
	d.in = trim(d.in)
	return resp, nil
}

func (d *dataConn) failed(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("the plugin closed the data channel")
	}
	return &TransportError{Err: err}
}

func (d *dataConn) close() { d.nc.Close() }

// HostDataDir makes a directory, private to the user, for one plugin's
// data channel socket. The host adds env to the plugin's environment and
// removes dir once the plugin has exited.
func HostDataDir() (dir, env string, err error) {
	dir, err = os.MkdirTemp("", "rk-plugin-")
	if err != nil {
		return "", "", err
	}
	return dir, envDataDir + "=" + dir, nil
}
