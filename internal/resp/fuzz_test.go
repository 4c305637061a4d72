package resp_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// The fuzz targets run their seeds (f.Add and testdata/fuzz) with every
// go test; `make fuzz` runs each for a while to look for new inputs.

// FuzzCommandReader feeds arbitrary bytes to the server's command reader,
// whole and in small chunks. It must never panic or loop, every error must
// be one of the protocol errors Redis replies with, and how the bytes are
// split must not change the commands read. The same bytes, taken as an
// argument vector, must survive AppendCommand and CommandReader unchanged.
func FuzzCommandReader(f *testing.F) {
	for _, s := range []string{
		"*1\r\n$4\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n",
		"PING\r\n",
		"SET \"a b\" 'c' \"\\x00\\n\"\r\n",
		"*0\r\n*-1\r\n\r\n",
		"*abc\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\nfoo\r\n",
		"GET \"k\r\n",
		"*11\r\n",
		"*1\r\n$16385\r\n",
		"*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n",
		"*1\r\n$4\r\nPINGxx",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const maxBulk = 1 << 20 // keep allocations small while fuzzing
		for _, auth := range []bool{false, true} {
			whole, werr := readCommands(data, auth, maxBulk)
			checkProtoErr(t, werr)
			if len(data) > 4096 {
				// Past the limits the verdict depends on the chunks, and
				// byte-at-a-time reading of a long input is quadratic
				// (as in Redis, which rescans the query buffer too).
				continue
			}
			for _, chunks := range [][]int{{1}, {2, 5, 3}} {
				parts, perr := readCommands(data, auth, maxBulk, chunks...)
				checkProtoErr(t, perr)
				if show(parts) != show(whole) || wire(perr) != wire(werr) {
					t.Fatalf("auth %v, chunks %v: read %q, %v; whole: %q, %v", auth, chunks, show(parts), perr, show(whole), werr)
				}
			}
		}

		// Round trip: data split on 0xff bytes is an argument vector.
		argv := bytes.Split(data, []byte{0xff})
		enc := resp.AppendCommand(nil, argv...)
		got, err := readCommands(enc, false, 0, 3)
		if err != nil || len(got) != 1 || !equalArgv(got[0], argv) {
			t.Fatalf("argv %q encoded as %q read back as %q, %v", argv, enc, got, err)
		}
	})
}

func checkProtoErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var re resp.Error
	if !errors.As(err, &re) || !strings.HasPrefix(string(re), "ERR Protocol error: ") {
		t.Fatalf("error %#v (%v) is not a protocol error reply", err, err)
	}
}

// FuzzReadValue feeds arbitrary bytes to the reply reader. It must never
// panic, errors must be protocol errors or EOF, and every reply it accepts
// must encode to bytes that read back to the same encoding.
func FuzzReadValue(f *testing.F) {
	for _, s := range []string{
		"+OK\r\n", "-ERR x\r\n", ":1\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*-1\r\n",
		"*2\r\n$1\r\na\r\n:2\r\n", "_\r\n", ",1.5\r\n", ",inf\r\n", ",-inf\r\n", ",nan\r\n",
		"#t\r\n", "#f\r\n", "!3\r\nERR\r\n", "=7\r\ntxt:abc\r\n", "(12345678901234567890\r\n",
		"%1\r\n+k\r\n:1\r\n", "~1\r\n+m\r\n", ">2\r\n+message\r\n+x\r\n",
		"|1\r\n+ttl\r\n:3\r\n+v\r\n", "*1\r\n*1\r\n*1\r\n_\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := resp.NewReader(bytes.NewReader(data))
		r.MaxBulkLen = 1 << 20
		r.MaxDepth = 100
		for {
			v, err := r.ReadValue()
			if err != nil {
				var pe *resp.ProtocolError
				if !errors.As(err, &pe) && err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("error %#v is neither a ProtocolError nor EOF", err)
				}
				return
			}
			enc := resp.AppendValue(nil, v)
			v2, err := readValue(enc)
			if err != nil {
				t.Fatalf("%v encoded as %q does not read back: %v", v, enc, err)
			}
			if enc2 := resp.AppendValue(nil, v2); !bytes.Equal(enc, enc2) {
				t.Fatalf("%q reads back as %q", enc, enc2)
			}
		}
	})
}
