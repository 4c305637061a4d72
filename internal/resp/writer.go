package resp

import (
	"io"
	"math"
	"strconv"
	"strings"
)

// ReplyWriter receives one command's reply. Handlers write through it and
// never see bytes, so the same handler can answer a network client, an
// embedded caller or (later) a Lua script that captures values.
//
// Aggregates are written as a header (WriteArray, WriteMap, ...) followed by
// their elements. RESP3-only types are down-converted for RESP2 sessions by
// the implementation, never by the caller.
type ReplyWriter interface {
	// Proto is the session's protocol version, 2 or 3.
	Proto() int
	// SetProto switches the protocol for the replies that follow (HELLO).
	SetProto(p int)

	WriteSimple(s string)
	WriteError(msg string)
	WriteInt(n int64)
	WriteBulk(b []byte)
	WriteBulkString(s string)
	// WriteNull is a missing value: $-1 in RESP2, _ in RESP3.
	WriteNull()
	// WriteNullArray is a missing aggregate: *-1 in RESP2, _ in RESP3.
	WriteNullArray()
	WriteArray(n int)
	// WriteMap announces n key/value pairs (2n elements follow).
	WriteMap(n int)
	WriteSet(n int)
	WritePush(n int)
	WriteDouble(f float64)
	WriteBool(b bool)
	WriteBigNumber(s string)
	WriteVerbatim(format, text string)
}

// Writer is the byte-level ReplyWriter. It appends to an in-memory buffer;
// the owner sends Bytes() and calls Reset() once per batch of commands.
// It is the only place where RESP3 is down-converted to RESP2.
type Writer struct {
	buf   []byte
	proto int
}

// NewWriter returns a Writer for a RESP2 session.
func NewWriter() *Writer { return &Writer{proto: 2, buf: make([]byte, 0, 16*1024)} }

var _ ReplyWriter = (*Writer)(nil)

func (w *Writer) Proto() int { return w.proto }

func (w *Writer) SetProto(p int) { w.proto = p }

// Bytes returns the replies written since the last Reset.
func (w *Writer) Bytes() []byte { return w.buf }

// Len is the number of buffered bytes.
func (w *Writer) Len() int { return len(w.buf) }

// Reset empties the buffer, keeping its storage unless it grew very large.
func (w *Writer) Reset() {
	if cap(w.buf) > 4<<20 {
		w.buf = make([]byte, 0, 16*1024)
		return
	}
	w.buf = w.buf[:0]
}

// Truncate drops what was written after the first n bytes.
func (w *Writer) Truncate(n int) { w.buf = w.buf[:n] }

// WriteTo sends the buffer to dst and resets it.
func (w *Writer) WriteTo(dst io.Writer) (int64, error) {
	if len(w.buf) == 0 {
		return 0, nil
	}
	n, err := dst.Write(w.buf)
	w.Reset()
	return int64(n), err
}

// WriteRaw appends already encoded RESP (a relayed frame).
func (w *Writer) WriteRaw(b []byte) { w.buf = append(w.buf, b...) }

func (w *Writer) WriteSimple(s string)  { w.buf = AppendSimple(w.buf, s) }
func (w *Writer) WriteError(msg string) { w.buf = AppendError(w.buf, msg) }
func (w *Writer) WriteInt(n int64)      { w.buf = AppendInt(w.buf, n) }
func (w *Writer) WriteBulk(b []byte)    { w.buf = AppendBulk(w.buf, b) }
func (w *Writer) WriteBulkString(s string) {
	w.buf = AppendBulkString(w.buf, s)
}

func (w *Writer) WriteNull() {
	if w.proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "$-1\r\n"...)
	}
}

func (w *Writer) WriteNullArray() {
	if w.proto >= 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "*-1\r\n"...)
	}
}

func (w *Writer) WriteArray(n int) { w.buf = appendHeader(w.buf, '*', n) }

func (w *Writer) WriteMap(n int) {
	if w.proto >= 3 {
		w.buf = appendHeader(w.buf, '%', n)
	} else {
		w.buf = appendHeader(w.buf, '*', 2*n)
	}
}

func (w *Writer) WriteSet(n int) {
	if w.proto >= 3 {
		w.buf = appendHeader(w.buf, '~', n)
	} else {
		w.buf = appendHeader(w.buf, '*', n)
	}
}

func (w *Writer) WritePush(n int) {
	if w.proto >= 3 {
		w.buf = appendHeader(w.buf, '>', n)
	} else {
		w.buf = appendHeader(w.buf, '*', n)
	}
}

func (w *Writer) WriteDouble(f float64) {
	if w.proto >= 3 {
		w.buf = append(w.buf, ',')
		w.buf = AppendFloat(w.buf, f)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	var tmp [32]byte
	w.buf = AppendBulk(w.buf, AppendFloat(tmp[:0], f))
}

func (w *Writer) WriteBool(b bool) {
	switch {
	case w.proto >= 3 && b:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.proto >= 3:
		w.buf = append(w.buf, "#f\r\n"...)
	case b:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

func (w *Writer) WriteBigNumber(s string) {
	if w.proto >= 3 {
		w.buf = append(w.buf, '(')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.buf = AppendBulkString(w.buf, s)
}

func (w *Writer) WriteVerbatim(format, text string) {
	if w.proto >= 3 {
		w.buf = appendHeader(w.buf, '=', len(text)+4)
		w.buf = append(w.buf, format...)
		w.buf = append(w.buf, ':')
		w.buf = append(w.buf, text...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.buf = AppendBulkString(w.buf, text)
}

// AppendSimple appends a simple string (+s). CR and LF in s are replaced by
// spaces so the reply stays one line.
func AppendSimple(b []byte, s string) []byte {
	b = append(b, '+')
	b = appendLine(b, s)
	return append(b, '\r', '\n')
}

// AppendError appends an error line; msg carries its own code ("ERR ...").
func AppendError(b []byte, msg string) []byte {
	b = append(b, '-')
	b = appendLine(b, msg)
	return append(b, '\r', '\n')
}

func appendLine(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}

// AppendInt appends an integer reply.
func AppendInt(b []byte, n int64) []byte {
	if n >= 0 && n < int64(len(smallInts)) {
		return append(b, smallInts[n]...)
	}
	b = append(b, ':')
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

// AppendBulk appends a bulk string.
func AppendBulk(b []byte, p []byte) []byte {
	b = appendHeader(b, '$', len(p))
	b = append(b, p...)
	return append(b, '\r', '\n')
}

// AppendBulkString appends a bulk string.
func AppendBulkString(b []byte, s string) []byte {
	b = appendHeader(b, '$', len(s))
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// AppendArray appends an array header of n elements.
func AppendArray(b []byte, n int) []byte { return appendHeader(b, '*', n) }

// AppendCommand appends argv as a multibulk command, the form clients send.
func AppendCommand(b []byte, argv ...[]byte) []byte {
	b = appendHeader(b, '*', len(argv))
	for _, a := range argv {
		b = AppendBulk(b, a)
	}
	return b
}

func appendHeader(b []byte, tag byte, n int) []byte {
	if tag == '$' && n >= 0 && n < len(bulkHeaders) {
		return append(b, bulkHeaders[n]...)
	}
	b = append(b, tag)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

// AppendFloat formats f the way Redis 7.4 replies with doubles: integral
// values within ±2^62 as integers; otherwise the shortest digits that read
// back to the same value, laid out as an integer while that needs fewer
// than seven padding zeros, as a plain decimal for exponents down to -6,
// and in scientific notation beyond ("1e+21", "1e-7"). Infinities are
// "inf"/"-inf", NaN is "nan", and negative zero keeps its sign.
func AppendFloat(b []byte, f float64) []byte {
	if math.Signbit(f) {
		b = append(b, '-')
		f = -f
	}
	switch {
	case math.IsInf(f, 0):
		return append(b, "inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	case f == 0:
		return append(b, '0')
	case f <= float64(math.MaxInt64/2) && f == math.Trunc(f):
		// Integral values within ±2^62 print as integers.
		return strconv.AppendInt(b, int64(f), 10)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // d.ddde±XX
	mant, exp10, _ := strings.Cut(string(e), "e")
	x, _ := strconv.Atoi(exp10)
	digits := strings.Replace(mant, ".", "", 1)
	n := len(digits)
	k := x - (n - 1) // value = digits × 10^k
	absExp := x
	if absExp < 0 {
		absExp = -absExp
	}
	switch {
	case k >= 0 && absExp < n+7:
		b = append(b, digits...)
		for i := 0; i < k; i++ {
			b = append(b, '0')
		}
		return b
	case k < 0 && (k > -7 || absExp < 4):
		if off := n + k; off <= 0 {
			b = append(b, '0', '.')
			for i := 0; i < -off; i++ {
				b = append(b, '0')
			}
			return append(b, digits...)
		} else {
			b = append(b, digits[:off]...)
			b = append(b, '.')
			return append(b, digits[off:]...)
		}
	}
	b = append(b, digits[0])
	if n > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	if x < 0 {
		b = append(b, '-')
	} else {
		b = append(b, '+')
	}
	return strconv.AppendInt(b, int64(absExp), 10)
}

var smallInts, bulkHeaders [][]byte

func init() {
	smallInts = make([][]byte, 1024)
	for i := range smallInts {
		smallInts[i] = []byte(":" + strconv.Itoa(i) + "\r\n")
	}
	bulkHeaders = make([][]byte, 1024)
	for i := range bulkHeaders {
		bulkHeaders[i] = []byte("$" + strconv.Itoa(i) + "\r\n")
	}
}
