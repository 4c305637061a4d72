package redis

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Frames are relayed byte for byte: the reader finds where one RESP frame
// ends without decoding it, so a reply reaches rk exactly as the server
// encoded it (RESP2 null bulk vs null array, double texts, attributes).

const (
	maxFrameDepth = 512
	maxBulk       = 1 << 30
)

var errFrame = errors.New("malformed RESP frame from server")

// countFrames counts the frames of a concatenation.
func countFrames(frames []byte) uint64 {
	r := bufio.NewReader(bytes.NewReader(frames))
	var buf []byte
	var n uint64
	for {
		var err error
		if buf, err = readFrame(r, buf[:0]); err != nil {
			return n
		}
		n++
	}
}

// readFrame appends one complete frame from r to dst.
func readFrame(r *bufio.Reader, dst []byte) ([]byte, error) {
	return readFrameDepth(r, dst, 0)
}

func readFrameDepth(r *bufio.Reader, dst []byte, depth int) ([]byte, error) {
	if depth > maxFrameDepth {
		return dst, fmt.Errorf("%w: nested too deep", errFrame)
	}
	start := len(dst)
	dst, err := readLine(r, dst)
	if err != nil {
		return dst, err
	}
	line := dst[start : len(dst)-2]
	if len(line) == 0 {
		return dst, fmt.Errorf("%w: empty line", errFrame)
	}
	switch line[0] {
	case '+', '-', ':', '_', ',', '#', '(':
		return dst, nil
	case '$', '!', '=':
		n, err := strconv.ParseInt(string(line[1:]), 10, 64)
		if err != nil || n < -1 || n > maxBulk {
			return dst, fmt.Errorf("%w: bad length %q", errFrame, line)
		}
		if n < 0 {
			return dst, nil
		}
		off := len(dst)
		dst = grow(dst, int(n)+2)
		if _, err := io.ReadFull(r, dst[off:]); err != nil {
			return dst, noEOF(err)
		}
		if dst[len(dst)-2] != '\r' || dst[len(dst)-1] != '\n' {
			return dst, fmt.Errorf("%w: bulk not terminated by CRLF", errFrame)
		}
		return dst, nil
	case '*', '~', '>', '%', '|':
		tag := line[0]
		n, err := strconv.ParseInt(string(line[1:]), 10, 64)
		if err != nil || n < -1 || n > maxBulk {
			return dst, fmt.Errorf("%w: bad length %q", errFrame, line)
		}
		if tag == '%' || tag == '|' {
			n *= 2
		}
		for i := int64(0); i < n; i++ {
			if dst, err = readFrameDepth(r, dst, depth+1); err != nil {
				return dst, noEOF(err)
			}
		}
		if tag == '|' {
			// An attribute belongs to the reply that follows it.
			return readFrameDepth(r, dst, depth)
		}
		return dst, nil
	}
	return dst, fmt.Errorf("%w: unknown type byte %q", errFrame, line[0])
}

func readLine(r *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		chunk, err := r.ReadSlice('\n')
		dst = append(dst, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if len(chunk) > 0 && err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return dst, err
		}
		if len(dst) < 2 || dst[len(dst)-2] != '\r' {
			return dst, fmt.Errorf("%w: line not terminated by CRLF", errFrame)
		}
		return dst, nil
	}
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, 2*cap(b)+n)
	copy(nb, b)
	return nb
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// head describes the start of a frame without decoding all of it.
type head struct {
	kind byte   // type byte of the reply (after any attribute)
	n    int64  // aggregate length or integer value
	text []byte // simple string, error or bulk text (first line for aggregates: nil)
}

// frameHead reads the type and, for strings, the text of frame.
func frameHead(frame []byte) (head, []byte, bool) {
	i := bytes.IndexByte(frame, '\n')
	if i < 2 {
		return head{}, nil, false
	}
	line, rest := frame[1:i-1], frame[i+1:]
	h := head{kind: frame[0]}
	switch h.kind {
	case '+', '-':
		h.text = line
	case ':':
		h.n, _ = strconv.ParseInt(string(line), 10, 64)
	case '$', '!', '=':
		n, err := strconv.ParseInt(string(line), 10, 64)
		if err != nil {
			return head{}, nil, false
		}
		h.n = n
		if n >= 0 && int64(len(rest)) >= n+2 {
			h.text, rest = rest[:n], rest[n+2:]
		}
	case '*', '~', '>', '%', '|', '_', ',', '#', '(':
		h.n, _ = strconv.ParseInt(string(line), 10, 64)
	default:
		return head{}, nil, false
	}
	return h, rest, true
}

// isError reports whether frame is an error reply.
func isError(frame []byte) bool {
	return len(frame) > 0 && (frame[0] == '-' || frame[0] == '!')
}

// errorText returns an error frame's text.
func errorText(frame []byte) string {
	h, _, ok := frameHead(frame)
	if !ok {
		return ""
	}
	return string(h.text)
}

// pubsubHead returns the lower-cased first element of an array or push
// frame whose first element is a string, and the third element when it is
// an integer (the subscription count of a confirmation).
func pubsubHead(frame []byte) (kind string, count int64, hasCount bool) {
	h, rest, ok := frameHead(frame)
	if !ok || (h.kind != '*' && h.kind != '>') || h.n < 1 {
		return "", 0, false
	}
	first, rest, ok := frameHead(rest)
	if !ok || (first.kind != '$' && first.kind != '+') || len(first.text) > 16 {
		return "", 0, false
	}
	kind = string(bytes.ToLower(first.text))
	if h.n == 3 {
		second, rest2, ok := frameHead(rest)
		if ok && second.kind != '*' && second.kind != '%' && second.kind != '~' {
			if third, _, ok := frameHead(rest2); ok && third.kind == ':' {
				return kind, third.n, true
			}
		}
	}
	return kind, 0, false
}
