package resp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Kind is a reply's RESP type, named by its type byte on the wire.
type Kind byte

// The RESP2 and RESP3 reply kinds.
const (
	KindSimple    Kind = '+'
	KindError     Kind = '-'
	KindInt       Kind = ':'
	KindBulk      Kind = '$'
	KindArray     Kind = '*'
	KindNull      Kind = '_'
	KindDouble    Kind = ','
	KindBool      Kind = '#'
	KindBlobError Kind = '!'
	KindVerbatim  Kind = '='
	KindBigNumber Kind = '('
	KindMap       Kind = '%'
	KindSet       Kind = '~'
	KindAttribute Kind = '|'
	KindPush      Kind = '>'
)

// Value is one decoded reply, with its RESP type kept. RESP2's null bulk
// ($-1) and null array (*-1) are KindBulk and KindArray with Null set, so
// that a relayed reply is re-encoded exactly as it arrived.
type Value struct {
	Kind  Kind
	Null  bool
	Str   string  // simple, error, bulk, verbatim (without its format), big number
	Int   int64   // integer
	Float float64 // double
	Bool  bool
	// Format is a verbatim string's three-letter format ("txt", "mkd").
	Format string
	// Elems holds an aggregate's elements; for maps and attributes
	// key, value, key, value...
	Elems []Value
	// Attrs is an attribute map that preceded this reply, if any.
	Attrs []Value
}

// Constructors for the common kinds.
func Simple(s string) Value      { return Value{Kind: KindSimple, Str: s} }
func Err(s string) Value         { return Value{Kind: KindError, Str: s} }
func Int(n int64) Value          { return Value{Kind: KindInt, Int: n} }
func Bulk(s string) Value        { return Value{Kind: KindBulk, Str: s} }
func NullBulk() Value            { return Value{Kind: KindBulk, Null: true} }
func NullArray() Value           { return Value{Kind: KindArray, Null: true} }
func Null() Value                { return Value{Kind: KindNull} }
func Array(elems ...Value) Value { return Value{Kind: KindArray, Elems: elems} }
func Double(f float64) Value     { return Value{Kind: KindDouble, Float: f} }
func Bool(b bool) Value          { return Value{Kind: KindBool, Bool: b} }
func Map(kv ...Value) Value      { return Value{Kind: KindMap, Elems: kv} }
func Set(elems ...Value) Value   { return Value{Kind: KindSet, Elems: elems} }
func Push(elems ...Value) Value  { return Value{Kind: KindPush, Elems: elems} }
func BigNumber(s string) Value   { return Value{Kind: KindBigNumber, Str: s} }
func Verbatim(f, s string) Value { return Value{Kind: KindVerbatim, Format: f, Str: s} }

// BulkStrings is an array of bulk strings.
func BulkStrings(ss ...string) Value {
	v := Value{Kind: KindArray, Elems: make([]Value, len(ss))}
	for i, s := range ss {
		v.Elems[i] = Bulk(s)
	}
	return v
}

// IsError reports whether v is an error reply (simple or blob).
func (v Value) IsError() bool { return v.Kind == KindError || v.Kind == KindBlobError }

// IsNull reports whether v is any form of null.
func (v Value) IsNull() bool { return v.Kind == KindNull || v.Null }

// String renders v compactly for test failures and debugging.
func (v Value) String() string {
	var b strings.Builder
	v.describe(&b)
	return b.String()
}

func (v Value) describe(b *strings.Builder) {
	if v.Null {
		b.WriteString("nil(" + string(v.Kind) + ")")
		return
	}
	switch v.Kind {
	case KindSimple:
		b.WriteString("+" + v.Str)
	case KindError, KindBlobError:
		b.WriteString("-" + v.Str)
	case KindInt:
		b.WriteString(":" + strconv.FormatInt(v.Int, 10))
	case KindBulk:
		b.WriteString(strconv.Quote(v.Str))
	case KindNull:
		b.WriteString("nil")
	case KindDouble:
		b.WriteString("," + string(AppendFloat(nil, v.Float)))
	case KindBool:
		b.WriteString("#" + strconv.FormatBool(v.Bool))
	case KindBigNumber:
		b.WriteString("(" + v.Str)
	case KindVerbatim:
		b.WriteString("=" + v.Format + ":" + strconv.Quote(v.Str))
	default:
		b.WriteString(string(v.Kind) + "[")
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteString(" ")
			}
			e.describe(b)
		}
		b.WriteString("]")
	}
}

// AppendValue encodes v exactly as its kind says (no down-conversion).
func AppendValue(b []byte, v Value) []byte {
	if len(v.Attrs) > 0 {
		b = appendHeader(b, '|', len(v.Attrs)/2)
		for _, e := range v.Attrs {
			b = AppendValue(b, e)
		}
	}
	if v.Null && (v.Kind == KindBulk || v.Kind == KindArray) {
		b = append(b, byte(v.Kind))
		return append(b, "-1\r\n"...)
	}
	switch v.Kind {
	case KindSimple:
		return AppendSimple(b, v.Str)
	case KindError:
		return AppendError(b, v.Str)
	case KindInt:
		b = append(b, ':')
		b = strconv.AppendInt(b, v.Int, 10)
		return append(b, '\r', '\n')
	case KindBulk:
		return AppendBulkString(b, v.Str)
	case KindBlobError:
		b = appendHeader(b, '!', len(v.Str))
		b = append(b, v.Str...)
		return append(b, '\r', '\n')
	case KindNull:
		return append(b, "_\r\n"...)
	case KindDouble:
		b = append(b, ',')
		b = AppendFloat(b, v.Float)
		return append(b, '\r', '\n')
	case KindBool:
		if v.Bool {
			return append(b, "#t\r\n"...)
		}
		return append(b, "#f\r\n"...)
	case KindBigNumber:
		b = append(b, '(')
		b = append(b, v.Str...)
		return append(b, '\r', '\n')
	case KindVerbatim:
		f := v.Format
		if len(f) != 3 {
			f = "txt"
		}
		b = appendHeader(b, '=', len(v.Str)+4)
		b = append(b, f...)
		b = append(b, ':')
		b = append(b, v.Str...)
		return append(b, '\r', '\n')
	case KindMap, KindAttribute:
		b = appendHeader(b, byte(v.Kind), len(v.Elems)/2)
	default:
		b = appendHeader(b, byte(v.Kind), len(v.Elems))
	}
	for _, e := range v.Elems {
		b = AppendValue(b, e)
	}
	return b
}

// WriteValue writes v through a ReplyWriter, down-converting as the writer's
// protocol requires.
func WriteValue(w ReplyWriter, v Value) {
	if v.Null {
		if v.Kind == KindArray {
			w.WriteNullArray()
		} else {
			w.WriteNull()
		}
		return
	}
	switch v.Kind {
	case KindSimple:
		w.WriteSimple(v.Str)
	case KindError, KindBlobError:
		w.WriteError(v.Str)
	case KindInt:
		w.WriteInt(v.Int)
	case KindBulk:
		w.WriteBulkString(v.Str)
	case KindNull:
		w.WriteNull()
	case KindDouble:
		w.WriteDouble(v.Float)
	case KindBool:
		w.WriteBool(v.Bool)
	case KindBigNumber:
		w.WriteBigNumber(v.Str)
	case KindVerbatim:
		w.WriteVerbatim(v.Format, v.Str)
	case KindMap, KindAttribute:
		w.WriteMap(len(v.Elems) / 2)
		for _, e := range v.Elems {
			WriteValue(w, e)
		}
	case KindSet:
		w.WriteSet(len(v.Elems))
		for _, e := range v.Elems {
			WriteValue(w, e)
		}
	case KindPush:
		w.WritePush(len(v.Elems))
		for _, e := range v.Elems {
			WriteValue(w, e)
		}
	default:
		w.WriteArray(len(v.Elems))
		for _, e := range v.Elems {
			WriteValue(w, e)
		}
	}
}

// Reader decodes replies (any RESP2 or RESP3 type) from a stream. It is the
// client side of the protocol: the shell, the plugin driver and tests use it.
type Reader struct {
	br *bufio.Reader
	// MaxBulkLen bounds bulk and aggregate lengths; 0 means DefaultMaxBulkLen.
	MaxBulkLen int64
	// MaxDepth bounds nesting; 0 means 1000.
	MaxDepth int
}

// NewReader returns a Reader of replies from rd.
func NewReader(rd io.Reader) *Reader {
	if br, ok := rd.(*bufio.Reader); ok {
		return &Reader{br: br}
	}
	return &Reader{br: bufio.NewReaderSize(rd, 32*1024)}
}

// ProtocolError is a malformed reply.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "resp: protocol error: " + e.Msg }

// ReadValue reads one complete reply. An attribute map is attached to the
// reply that follows it.
func (r *Reader) ReadValue() (Value, error) { return r.read(0) }

func (r *Reader) maxLen() int64 {
	if r.MaxBulkLen > 0 {
		return r.MaxBulkLen
	}
	return DefaultMaxBulkLen
}

func (r *Reader) read(depth int) (Value, error) {
	maxDepth := r.MaxDepth
	if maxDepth == 0 {
		maxDepth = 1000
	}
	if depth > maxDepth {
		return Value{}, &ProtocolError{"nesting too deep"}
	}
	line, err := r.line()
	if err != nil {
		return Value{}, err
	}
	if len(line) == 0 {
		return Value{}, &ProtocolError{"empty line"}
	}
	kind, rest := Kind(line[0]), line[1:]
	switch kind {
	case KindSimple, KindError:
		return Value{Kind: kind, Str: string(rest)}, nil
	case KindInt:
		n, ok := parseInt(rest)
		if !ok {
			return Value{}, &ProtocolError{fmt.Sprintf("bad integer %q", rest)}
		}
		return Int(n), nil
	case KindNull:
		return Null(), nil
	case KindBool:
		switch string(rest) {
		case "t":
			return Bool(true), nil
		case "f":
			return Bool(false), nil
		}
		return Value{}, &ProtocolError{fmt.Sprintf("bad boolean %q", rest)}
	case KindDouble:
		f, err := ParseDouble(string(rest))
		if err != nil {
			return Value{}, &ProtocolError{fmt.Sprintf("bad double %q", rest)}
		}
		return Double(f), nil
	case KindBigNumber:
		return BigNumber(string(rest)), nil
	case KindBulk, KindBlobError, KindVerbatim:
		n, ok := parseInt(rest)
		if !ok || n < -1 || n > r.maxLen() {
			return Value{}, &ProtocolError{fmt.Sprintf("bad length %q", rest)}
		}
		if n == -1 {
			return Value{Kind: kind, Null: true}, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r.br, buf); err != nil {
			return Value{}, noEOF(err)
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return Value{}, &ProtocolError{"bulk not terminated by CRLF"}
		}
		s := string(buf[:n])
		if kind == KindVerbatim {
			if len(s) < 4 || s[3] != ':' {
				return Value{}, &ProtocolError{"bad verbatim string"}
			}
			return Verbatim(s[:3], s[4:]), nil
		}
		return Value{Kind: kind, Str: s}, nil
	case KindArray, KindSet, KindPush, KindMap, KindAttribute:
		n, ok := parseInt(rest)
		if !ok || n < -1 || n > r.maxLen() {
			return Value{}, &ProtocolError{fmt.Sprintf("bad length %q", rest)}
		}
		if n == -1 {
			return Value{Kind: kind, Null: true}, nil
		}
		count := n
		if kind == KindMap || kind == KindAttribute {
			count *= 2
		}
		v := Value{Kind: kind, Elems: make([]Value, 0, min(count, 1024))}
		for i := int64(0); i < count; i++ {
			e, err := r.read(depth + 1)
			if err != nil {
				return Value{}, noEOF(err)
			}
			v.Elems = append(v.Elems, e)
		}
		if kind == KindAttribute {
			next, err := r.read(depth + 1)
			if err != nil {
				return Value{}, noEOF(err)
			}
			next.Attrs = v.Elems
			return next, nil
		}
		return v, nil
	}
	return Value{}, &ProtocolError{fmt.Sprintf("unknown type byte %q", line[0])}
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func (r *Reader) line() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// A line longer than the buffer (a long simple string or error):
		// collect it, up to the bulk length limit.
		long := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			if int64(len(long)) > r.maxLen() {
				return nil, &ProtocolError{"line too long"}
			}
			line, err = r.br.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		if len(line) > 0 && errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, &ProtocolError{"line not terminated by CRLF"}
	}
	return line[:len(line)-2], nil
}

// ParseDouble parses a RESP3 double or a Redis float argument, accepting
// "inf", "-inf", "+inf" and "nan" as Redis does.
func ParseDouble(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), nil
	case "-inf", "-infinity":
		return math.Inf(-1), nil
	case "nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}
