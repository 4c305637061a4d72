package resp_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

func readValue(b []byte) (resp.Value, error) {
	return resp.NewReader(bytes.NewReader(b)).ReadValue()
}

// TestReadValueEveryType reads one reply of every RESP2 and RESP3 type.
func TestReadValueEveryType(t *testing.T) {
	tests := []struct {
		in   string
		want resp.Value
	}{
		{"+OK\r\n", resp.Simple("OK")},
		{"-ERR bad\r\n", resp.Err("ERR bad")},
		{":-42\r\n", resp.Int(-42)},
		{"$3\r\nabc\r\n", resp.Bulk("abc")},
		{"$0\r\n\r\n", resp.Bulk("")},
		{"$-1\r\n", resp.NullBulk()},
		{"*-1\r\n", resp.NullArray()},
		{"*0\r\n", resp.Array()},
		{"*2\r\n:1\r\n$1\r\na\r\n", resp.Array(resp.Int(1), resp.Bulk("a"))},
		{"_\r\n", resp.Null()},
		{",1.5\r\n", resp.Double(1.5)},
		{",inf\r\n", resp.Double(math.Inf(1))},
		{",-inf\r\n", resp.Double(math.Inf(-1))},
		{"#t\r\n", resp.Bool(true)},
		{"#f\r\n", resp.Bool(false)},
		{"!5\r\nERR x\r\n", resp.Value{Kind: resp.KindBlobError, Str: "ERR x"}},
		{"=7\r\ntxt:abc\r\n", resp.Verbatim("txt", "abc")},
		{"(3492890328409238509324850943850943825024385\r\n", resp.BigNumber("3492890328409238509324850943850943825024385")},
		{"%1\r\n+k\r\n:1\r\n", resp.Map(resp.Simple("k"), resp.Int(1))},
		{"~2\r\n+a\r\n+b\r\n", resp.Set(resp.Simple("a"), resp.Simple("b"))},
		{">2\r\n+message\r\n+x\r\n", resp.Push(resp.Simple("message"), resp.Simple("x"))},
		{"|1\r\n+ttl\r\n:3\r\n+v\r\n", resp.Value{Kind: resp.KindSimple, Str: "v", Attrs: []resp.Value{resp.Simple("ttl"), resp.Int(3)}}},
		{"*1\r\n|1\r\n+a\r\n+b\r\n:7\r\n", resp.Array(resp.Value{Kind: resp.KindInt, Int: 7, Attrs: []resp.Value{resp.Simple("a"), resp.Simple("b")}})},
	}
	for _, tt := range tests {
		got, err := readValue([]byte(tt.in))
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if !equalValue(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
		}
		if enc := string(resp.AppendValue(nil, got)); enc != tt.in {
			t.Errorf("%q re-encodes as %q", tt.in, enc)
		}
	}
}

func TestReadValueErrors(t *testing.T) {
	for _, in := range []string{
		"", "+OK", "+OK\n", "?\r\n", "\r\n", ":abc\r\n", ":\r\n", "$abc\r\n", "$-2\r\n", "$3\r\nab\r\n",
		"$3\r\nabcd\r\n", "*2\r\n:1\r\n", "*-2\r\n", "#x\r\n", ",abc\r\n", "=3\r\nabc\r\n", "%1\r\n+k\r\n",
		"|1\r\n+a\r\n+b\r\n", "$2\r\nab", "*1\r\n",
	} {
		_, err := readValue([]byte(in))
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		var pe *resp.ProtocolError
		if !errors.As(err, &pe) && err != io.EOF && err != io.ErrUnexpectedEOF {
			t.Errorf("%q: error %#v is neither a ProtocolError nor EOF", in, err)
		}
	}
}

// TestReadValueLimits checks that a hostile server cannot make the reader
// allocate or recurse without bound.
func TestReadValueLimits(t *testing.T) {
	r := resp.NewReader(strings.NewReader("$2000\r\n"))
	r.MaxBulkLen = 1000
	if _, err := r.ReadValue(); err == nil {
		t.Error("bulk longer than MaxBulkLen accepted")
	}
	r = resp.NewReader(strings.NewReader(strings.Repeat("*1\r\n", 12) + ":1\r\n"))
	r.MaxDepth = 10
	if _, err := r.ReadValue(); err == nil {
		t.Error("nesting deeper than MaxDepth accepted")
	}
	r = resp.NewReader(strings.NewReader(strings.Repeat("*1\r\n", 10) + ":1\r\n"))
	r.MaxDepth = 10
	if _, err := r.ReadValue(); err != nil {
		t.Errorf("nesting of MaxDepth refused: %v", err)
	}
	// A chain of attributes, each announcing the next, nests as deeply as
	// arrays do and must be bounded the same way.
	r = resp.NewReader(strings.NewReader(strings.Repeat("|0\r\n", 12) + ":1\r\n"))
	r.MaxDepth = 10
	if _, err := r.ReadValue(); err == nil {
		t.Error("a chain of attributes longer than MaxDepth accepted")
	}
}

// TestReadValueLongLine reads simple strings and errors longer than the
// reader's buffer: a Lua script's redis.status_reply or error_reply can
// make Redis send a line of any length.
func TestReadValueLongLine(t *testing.T) {
	long := strings.Repeat("s", 100000)
	for _, v := range []resp.Value{resp.Simple(long), resp.Err("ERR " + long)} {
		got, err := readValue(resp.AppendValue(nil, v))
		if err != nil {
			t.Errorf("%.20v...: %v", v, err)
			continue
		}
		if !equalValue(got, v) {
			t.Errorf("%.20v... read back as %.20v...", v, got)
		}
	}
	// Still bounded: a line may not be longer than MaxBulkLen.
	r := resp.NewReader(strings.NewReader("+" + long + "\r\n"))
	r.MaxBulkLen = 1000
	if _, err := r.ReadValue(); err == nil {
		t.Error("a line longer than MaxBulkLen accepted")
	}
}

// equalValue compares replies by their encoding, which covers kinds,
// nulls, attributes and NaN.
func equalValue(a, b resp.Value) bool {
	return bytes.Equal(resp.AppendValue(nil, a), resp.AppendValue(nil, b))
}

// TestValueRoundTrip writes random reply trees with AppendValue and reads
// them back with ReadValue, one after another on one stream.
func TestValueRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for round := 0; round < 300; round++ {
		var want []resp.Value
		var stream []byte
		for n := rng.Intn(20) + 1; n > 0; n-- {
			v := randValue(rng, 0)
			want = append(want, v)
			stream = resp.AppendValue(stream, v)
		}
		chunks := []int{rng.Intn(7) + 1, rng.Intn(5000) + 1}
		rd := resp.NewReader(&chunkReader{src: stream, sizes: chunks})
		for i, w := range want {
			got, err := rd.ReadValue()
			if err != nil {
				t.Fatalf("round %d value %d (%v): %v", round, i, w, err)
			}
			if !equalValue(got, w) {
				t.Fatalf("round %d value %d:\n got %v\nwant %v", round, i, got, w)
			}
		}
		if _, err := rd.ReadValue(); err != io.EOF {
			t.Fatalf("round %d: after the last value: %v, want EOF", round, err)
		}
	}
}

func randString(rng *rand.Rand, line bool) string {
	n := rng.Intn(20)
	if rng.Intn(30) == 0 {
		n = rng.Intn(40000)
		if line {
			n = rng.Intn(1000) // long lines: TestReadValueLongLine
		}
	}
	b := make([]byte, n)
	rng.Read(b)
	if line {
		// Simple strings, errors and big numbers are lines: no CR or LF.
		for i := range b {
			if b[i] == '\r' || b[i] == '\n' {
				b[i] = 'x'
			}
		}
	}
	return string(b)
}

func randValue(rng *rand.Rand, depth int) resp.Value {
	var v resp.Value
	kinds := 16
	if depth > 4 {
		kinds = 11 // scalars only
	}
	switch rng.Intn(kinds) {
	case 0:
		v = resp.Simple(randString(rng, true))
	case 1:
		v = resp.Err("ERR " + randString(rng, true))
	case 2:
		v = resp.Int(rng.Int63() - rng.Int63())
	case 3:
		v = resp.Bulk(randString(rng, false))
	case 4:
		switch rng.Intn(3) {
		case 0:
			v = resp.NullBulk()
		case 1:
			v = resp.NullArray()
		default:
			v = resp.Null()
		}
	case 5:
		fs := []float64{0, 1.5, -2, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, 5e-324, rng.NormFloat64() * 1e6}
		v = resp.Double(fs[rng.Intn(len(fs))])
	case 6:
		v = resp.Bool(rng.Intn(2) == 0)
	case 7:
		v = resp.Value{Kind: resp.KindBlobError, Str: "ERR " + randString(rng, false)}
	case 8:
		v = resp.Verbatim([]string{"txt", "mkd"}[rng.Intn(2)], randString(rng, false))
	case 9:
		v = resp.BigNumber("-" + strings.Repeat("9", rng.Intn(60)+1))
	case 10:
		v = resp.Int(int64(rng.Intn(2000)))
	default:
		n := rng.Intn(6)
		elems := make([]resp.Value, 0, 2*n)
		for i := 0; i < n; i++ {
			elems = append(elems, randValue(rng, depth+1))
		}
		switch rng.Intn(4) {
		case 0:
			for i := 0; i < n; i++ {
				elems = append(elems, randValue(rng, depth+1))
			}
			v = resp.Map(elems...)
		case 1:
			v = resp.Set(elems...)
		case 2:
			v = resp.Push(elems...)
		default:
			v = resp.Array(elems...)
		}
	}
	if rng.Intn(15) == 0 {
		v.Attrs = []resp.Value{resp.Simple("key-popularity"), randValue(rng, depth+1)}
	}
	return v
}
