package resp

import (
	"bytes"
	"errors"
	"io"
)

// Limits applied while reading commands, as in Redis.
const (
	// InlineMaxSize is the longest inline command, and the longest count line
	// of a multibulk command, accepted without a newline (PROTO_INLINE_MAX_SIZE).
	InlineMaxSize = 64 * 1024
	// DefaultMaxBulkLen is the default proto-max-bulk-len (512 MB).
	DefaultMaxBulkLen = 512 * 1024 * 1024
	// UnauthMaxMultibulk and UnauthMaxBulk bound what an unauthenticated
	// client may send.
	UnauthMaxMultibulk = 10
	UnauthMaxBulk      = 16384
	maxMultibulk       = 1<<31 - 1
	minReadSize        = 16 * 1024
)

// ErrIncomplete is never returned to callers; Next reports an incomplete
// command by returning (nil, nil).
var errIncomplete = errors.New("incomplete")

// CommandReader reads client commands, in the multibulk form and the inline
// form, from a stream. Next parses only buffered data, so a whole pipeline
// can be parsed, executed and answered as one batch; Fill reads more.
//
// The argument slices Next returns point into the reader's buffer. They stay
// valid until the next call to Fill; a handler that keeps an argument copies
// it.
type CommandReader struct {
	rd   io.Reader
	buf  []byte
	r, w int

	// MaxBulkLen is proto-max-bulk-len; 0 means DefaultMaxBulkLen.
	MaxBulkLen int64

	argvs [][][]byte // argument vectors handed out since the last Fill
	used  int
}

// NewCommandReader returns a reader of commands from rd.
func NewCommandReader(rd io.Reader) *CommandReader {
	return &CommandReader{rd: rd, buf: make([]byte, minReadSize)}
}

// Buffered is the number of bytes read but not yet parsed.
func (r *CommandReader) Buffered() int { return r.w - r.r }

// Fill reads at least one more byte from the stream. It invalidates every
// argument vector returned so far.
func (r *CommandReader) Fill() error {
	r.used = 0
	if r.r > 0 {
		n := copy(r.buf, r.buf[r.r:r.w])
		r.r, r.w = 0, n
	}
	if r.w == len(r.buf) {
		nb := make([]byte, 2*len(r.buf))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	} else if r.w == 0 && len(r.buf) > 1<<20 {
		// Give back the memory of a big command once it is done.
		r.buf = make([]byte, minReadSize)
	}
	n, err := r.rd.Read(r.buf[r.w:])
	r.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// Next parses the next buffered command. It returns (nil, nil) when the
// buffer holds no complete command, and an empty, non-nil argv for an empty
// command (a blank inline line or "*0"), which callers skip. An Error
// return is a protocol error: the caller replies with it and closes the
// connection. When authRequired is set the unauthenticated limits apply.
// After an error nothing is consumed.
func (r *CommandReader) Next(authRequired bool) ([][]byte, error) {
	if r.r == r.w {
		return nil, nil
	}
	var (
		argv [][]byte
		n    int
		err  error
	)
	if r.buf[r.r] == '*' {
		argv, n, err = r.parseMultibulk(authRequired)
	} else {
		argv, n, err = r.parseInline()
	}
	if err == errIncomplete {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.r += n
	if r.r == r.w {
		r.r, r.w = 0, 0
	}
	return argv, nil
}

func (r *CommandReader) argv(n int) [][]byte {
	if r.used == len(r.argvs) {
		r.argvs = append(r.argvs, make([][]byte, 0, 8))
	}
	a := r.argvs[r.used][:0]
	if cap(a) < n {
		if n > 1024 {
			a = make([][]byte, 0, 1024)
		} else {
			a = make([][]byte, 0, n)
		}
	}
	r.argvs[r.used] = a
	r.used++
	return a
}

// keep stores back an argument vector that grew, so its storage is reused.
func (r *CommandReader) keep(a [][]byte) { r.argvs[r.used-1] = a }

func (r *CommandReader) parseMultibulk(authRequired bool) ([][]byte, int, error) {
	b := r.buf[r.r:r.w]
	line, pos, ok := readLine(b, 0)
	if !ok {
		if len(b) > InlineMaxSize {
			return nil, 0, ErrProtoMbulkTooBig
		}
		return nil, 0, errIncomplete
	}
	count, ok := parseInt(line[1:])
	if !ok || count > maxMultibulk {
		return nil, 0, ErrProtoInvalidMultibulk
	}
	if count > UnauthMaxMultibulk && authRequired {
		return nil, 0, ErrProtoUnauthMultibulk
	}
	if count <= 0 {
		return r.argv(0), pos, nil
	}
	maxBulk := r.MaxBulkLen
	if maxBulk <= 0 {
		maxBulk = DefaultMaxBulkLen
	}
	// Check the whole command is buffered before taking an argv: a partial
	// command must not consume argument storage.
	var argv [][]byte
	for i := int64(0); i < count; i++ {
		line, next, ok := readLine(b, pos)
		if !ok {
			if len(b)-pos > InlineMaxSize {
				return nil, 0, ErrProtoBulkTooBig
			}
			return nil, 0, errIncomplete
		}
		if len(line) == 0 {
			// The line is just CRLF: Redis reports the '\r' it found.
			return nil, 0, ErrProtoExpectedDollar('\r')
		}
		if line[0] != '$' {
			return nil, 0, ErrProtoExpectedDollar(line[0])
		}
		n, ok := parseInt(line[1:])
		if !ok || n < 0 || n > maxBulk {
			return nil, 0, ErrProtoInvalidBulk
		}
		if n > UnauthMaxBulk && authRequired {
			return nil, 0, ErrProtoUnauthBulk
		}
		if int64(len(b)-next) < n+2 {
			r.reserve(next + int(n) + 2)
			return nil, 0, errIncomplete
		}
		if argv == nil {
			argv = r.argv(int(count))
		}
		argv = append(argv, b[next:next+int(n):next+int(n)])
		pos = next + int(n) + 2
	}
	r.keep(argv)
	return argv, pos, nil
}

// reserve grows the buffer so that a command of n bytes starting at r.r
// fits, to avoid doubling many times for one big argument.
func (r *CommandReader) reserve(n int) {
	if n <= len(r.buf) {
		return
	}
	nb := make([]byte, n+minReadSize)
	r.w = copy(nb, r.buf[r.r:r.w])
	r.r = 0
	r.buf = nb
}

func (r *CommandReader) parseInline() ([][]byte, int, error) {
	b := r.buf[r.r:r.w]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		if len(b) > InlineMaxSize {
			return nil, 0, ErrProtoInlineTooBig
		}
		return nil, 0, errIncomplete
	}
	line := b[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, err := SplitArgs(line)
	if err != nil {
		return nil, 0, ErrProtoUnbalanced
	}
	argv := r.argv(len(args))
	argv = append(argv, args...)
	r.keep(argv)
	return argv, nl + 1, nil
}

// readLine returns the line starting at pos (without CRLF) and the position
// after it. Like Redis, it looks for '\r' and requires one more byte after
// it, which is taken to be '\n'.
func readLine(b []byte, pos int) ([]byte, int, bool) {
	i := bytes.IndexByte(b[pos:], '\r')
	if i < 0 || pos+i+1 >= len(b) {
		return nil, 0, false
	}
	return b[pos : pos+i], pos + i + 2, true
}

// parseInt parses a decimal int64 the way Redis's string2ll does: no
// leading '+', no leading zeros, no spaces, and "-0" is rejected.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	if b[0] == '-' {
		neg = true
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// ParseInt parses a Redis integer argument (string2ll rules).
func ParseInt(b []byte) (int64, bool) { return parseInt(b) }
