package resp_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// readCommands parses everything in src, reading it in chunks of the given
// sizes (cycled; none means all at once), and returns the commands it got
// (each joined with spaces in brackets) and the protocol error, if any.
func readCommands(src []byte, auth bool, maxBulk int64, chunks ...int) (out [][][]byte, err error) {
	defer func() {
		// A panic here would take a whole server down: report it as a
		// failure of this input and let the other cases run.
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	var rd io.Reader = bytes.NewReader(src)
	if len(chunks) > 0 {
		rd = &chunkReader{src: src, sizes: chunks}
	}
	r := resp.NewCommandReader(rd)
	r.MaxBulkLen = maxBulk
	for steps := 0; ; steps++ {
		if steps > 4*len(src)+16 {
			return out, errors.New("no progress: the reader loops")
		}
		before := r.Buffered()
		argv, err := r.Next(auth)
		if err != nil {
			if r.Buffered() != before {
				return out, fmt.Errorf("error %q consumed input", err)
			}
			return out, err
		}
		if argv == nil {
			if err := r.Fill(); err != nil {
				if err == io.EOF {
					return out, nil
				}
				return out, fmt.Errorf("fill: %w", err)
			}
			continue
		}
		if r.Buffered() >= before && before > 0 {
			return out, fmt.Errorf("Next returned %q without consuming input", argv)
		}
		if len(argv) == 0 {
			continue // an empty command: callers skip it
		}
		cp := make([][]byte, len(argv))
		for i, a := range argv {
			cp[i] = append([]byte(nil), a...)
		}
		out = append(out, cp)
	}
}

// chunkReader returns src in reads of the given sizes, cycled.
type chunkReader struct {
	src   []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.src) == 0 {
		return 0, io.EOF
	}
	n := c.sizes[c.i%len(c.sizes)]
	c.i++
	n = max(1, min(n, len(p), len(c.src)))
	copy(p, c.src[:n])
	c.src = c.src[n:]
	return n, nil
}

func show(cmds [][][]byte) string {
	var parts []string
	for _, argv := range cmds {
		var args []string
		for _, a := range argv {
			args = append(args, string(a))
		}
		parts = append(parts, "["+strings.Join(args, " ")+"]")
	}
	return strings.Join(parts, "")
}

// wire is the error line a client receives for err.
func wire(err error) string {
	if err == nil {
		return ""
	}
	return string(resp.AppendError(nil, err.Error()))
}

func digits(n int) string { return strings.Repeat("1", n) }

// TestCommandReaderProtocolErrors covers every protocol error of Redis's
// networking.c (processMultibulkBuffer, processInlineBuffer), the limits
// that trigger them, exactly at and just past each limit, and that the
// commands before the error in the same buffer are still returned.
func TestCommandReaderProtocolErrors(t *testing.T) {
	big := resp.InlineMaxSize // PROTO_INLINE_MAX_SIZE: 64 KiB
	tests := []struct {
		name    string
		in      string
		auth    bool
		maxBulk int64
		want    string // the commands returned before the error
		err     error  // nil: no error, the input is complete or incomplete
	}{
		// Multibulk count.
		{name: "mbulk count not a number", in: "*abc\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count with plus sign", in: "*+1\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count with leading zero", in: "*01\r\n$4\r\nPING\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count empty", in: "*\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count minus zero", in: "*-0\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count with space", in: "* 1\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count 21 digits", in: "*" + digits(21) + "\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count above INT_MAX", in: "*2147483648\r\n", err: resp.ErrProtoInvalidMultibulk},
		{name: "mbulk count INT_MAX waits", in: "*2147483647\r\n"},
		{name: "mbulk count negative is empty", in: "*-1\r\n*1\r\n$4\r\nPING\r\n", want: "[PING]"},
		{name: "mbulk count zero is empty", in: "*0\r\n*1\r\n$4\r\nPING\r\n", want: "[PING]"},
		{name: "mbulk count line needs CR", in: "*1\n$4\nPING\n"},
		{name: "mbulk count string at limit waits", in: "*" + digits(big-1)},
		{name: "mbulk count string past limit", in: "*" + digits(big), err: resp.ErrProtoMbulkTooBig},
		{name: "mbulk count string past limit after a command", in: "*1\r\n$4\r\nPING\r\n*" + digits(big), want: "[PING]", err: resp.ErrProtoMbulkTooBig},

		// Bulk length.
		{name: "bulk length not a number", in: "*1\r\n$abc\r\n", err: resp.ErrProtoInvalidBulk},
		{name: "bulk length negative", in: "*1\r\n$-1\r\n", err: resp.ErrProtoInvalidBulk},
		{name: "bulk length empty", in: "*1\r\n$\r\n", err: resp.ErrProtoInvalidBulk},
		{name: "bulk length past proto-max-bulk-len", in: "*1\r\n$536870913\r\n", err: resp.ErrProtoInvalidBulk},
		{name: "bulk length at proto-max-bulk-len waits", in: "*1\r\n$1024\r\n", maxBulk: 1024},
		{name: "bulk length past a small proto-max-bulk-len", in: "*1\r\n$1025\r\n", maxBulk: 1024, err: resp.ErrProtoInvalidBulk},
		{name: "bulk count string at limit waits", in: "*1\r\n$" + digits(big-1)},
		{name: "bulk count string past limit", in: "*1\r\n$" + digits(big), err: resp.ErrProtoBulkTooBig},
		{name: "bulk count string limit counts from the argument", in: "*2\r\n$3\r\nGET\r\n$" + digits(big-1)},
		{name: "expected dollar", in: "*1\r\nfoo\r\n", err: resp.ErrProtoExpectedDollar('f')},
		{name: "expected dollar got colon", in: "*1\r\n:1\r\n", err: resp.ErrProtoExpectedDollar(':')},
		{name: "expected dollar got an empty line", in: "*1\r\n\r\n", err: resp.ErrProtoExpectedDollar('\r')},
		{name: "expected dollar got CR", in: "*1\r0\r0", err: resp.ErrProtoExpectedDollar('\r')},
		{name: "expected dollar in second argument", in: "*2\r\n$3\r\nGET\r\n+k\r\n", err: resp.ErrProtoExpectedDollar('+')},
		{name: "bulk not followed by CRLF is taken as is", in: "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", want: "[PING][PING]"},
		{name: "empty bulk", in: "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", want: "[ECHO ]"},

		// Earlier commands in the same buffer are returned first.
		{name: "commands before the error", in: "*1\r\n$4\r\nPING\r\nPING\r\n*1\r\nx\r\n", want: "[PING][PING]", err: resp.ErrProtoExpectedDollar('x')},

		// Unauthenticated limits.
		{name: "unauthenticated mbulk count at limit", in: "*10\r\n", auth: true},
		{name: "unauthenticated mbulk count past limit", in: "*11\r\n", auth: true, err: resp.ErrProtoUnauthMultibulk},
		{name: "authenticated mbulk count past unauth limit", in: "*11\r\n"},
		{name: "unauthenticated invalid mbulk first", in: "*abc\r\n", auth: true, err: resp.ErrProtoInvalidMultibulk},
		{name: "unauthenticated bulk at limit", in: "*2\r\n$4\r\nAUTH\r\n$16384\r\n", auth: true},
		{name: "unauthenticated bulk past limit", in: "*2\r\n$4\r\nAUTH\r\n$16385\r\n", auth: true, err: resp.ErrProtoUnauthBulk},
		{name: "authenticated bulk past unauth limit", in: "*2\r\n$4\r\nAUTH\r\n$16385\r\n"},
		{name: "unauthenticated invalid bulk first", in: "*1\r\n$-5\r\n", auth: true, err: resp.ErrProtoInvalidBulk},
		{name: "unauthenticated proto-max-bulk-len first", in: "*1\r\n$16385\r\n", auth: true, maxBulk: 16385, err: resp.ErrProtoUnauthBulk},
		{name: "unauthenticated over proto-max-bulk-len", in: "*1\r\n$16386\r\n", auth: true, maxBulk: 16385, err: resp.ErrProtoInvalidBulk},
		{name: "unauthenticated inline has no limit", in: "MSET a 1 b 2 c 3 d 4 e 5 f 6\r\n", auth: true, want: "[MSET a 1 b 2 c 3 d 4 e 5 f 6]"},

		// Inline commands.
		{name: "inline", in: "SET k v\r\nGET k\r\n", want: "[SET k v][GET k]"},
		{name: "inline LF only", in: "PING\nECHO a\n", want: "[PING][ECHO a]"},
		{name: "inline blank lines are skipped", in: "\r\n  \r\n\nPING\r\n", want: "[PING]"},
		{name: "inline quotes", in: "SET \"a b\" 'c d' \"\\x41\\n\"\r\n", want: "[SET a b c d A\n]"},
		{name: "inline without newline waits", in: "PING"},
		{name: "inline at limit waits", in: strings.Repeat("a", big)},
		{name: "inline past limit", in: strings.Repeat("a", big+1), err: resp.ErrProtoInlineTooBig},
		{name: "inline long line with newline", in: "ECHO " + strings.Repeat("a", big+10) + "\r\n", want: "[ECHO " + strings.Repeat("a", big+10) + "]"},
		{name: "unbalanced double quote", in: "SET \"a b\r\n", err: resp.ErrProtoUnbalanced},
		{name: "unbalanced single quote", in: "SET 'a b\r\n", err: resp.ErrProtoUnbalanced},
		{name: "closing quote followed by text", in: "GET \"a\"b\r\n", err: resp.ErrProtoUnbalanced},
		{name: "unbalanced after a command", in: "PING\r\nGET \"k\r\n", want: "[PING]", err: resp.ErrProtoUnbalanced},
		{name: "inline then multibulk", in: "PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n", want: "[PING][ECHO hi]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunks := range [][]int{nil, {1}, {3, 7, 1024}} {
				if chunks != nil && len(tt.in) > big {
					// Past the limits, Redis's verdict depends on how the
					// bytes arrive too; only the whole buffer is defined.
					continue
				}
				cmds, err := readCommands([]byte(tt.in), tt.auth, tt.maxBulk, chunks...)
				if got := show(cmds); got != tt.want {
					t.Errorf("chunks %v: commands %.200q, want %.200q", chunks, got, tt.want)
				}
				if wire(err) != wire(tt.err) {
					t.Errorf("chunks %v: error %q, want %q", chunks, wire(err), wire(tt.err))
				}
				if err != nil {
					var re resp.Error
					if !errors.As(err, &re) || !strings.HasPrefix(string(re), "ERR Protocol error: ") {
						t.Errorf("error %#v is not a resp.Error protocol error", err)
					}
				}
			}
		})
	}
}

// TestProtocolErrorTexts pins the texts, which clients see byte for byte.
func TestProtocolErrorTexts(t *testing.T) {
	for err, want := range map[error]string{
		resp.ErrProtoInvalidMultibulk:                       "ERR Protocol error: invalid multibulk length",
		resp.ErrProtoInvalidBulk:                            "ERR Protocol error: invalid bulk length",
		resp.ErrProtoExpectedDollar('x'):                    "ERR Protocol error: expected '$', got 'x'",
		resp.ErrProtoInlineTooBig:                           "ERR Protocol error: too big inline request",
		resp.ErrProtoUnbalanced:                             "ERR Protocol error: unbalanced quotes in request",
		resp.ErrProtoMbulkTooBig:                            "ERR Protocol error: too big mbulk count string",
		resp.ErrProtoBulkTooBig:                             "ERR Protocol error: too big bulk count string",
		resp.ErrProtoUnauthMultibulk:                        "ERR Protocol error: unauthenticated multibulk length",
		resp.ErrProtoUnauthBulk:                             "ERR Protocol error: unauthenticated bulk length",
		resp.ErrWrongArgs("client|kill"):                    "ERR wrong number of arguments for 'client|kill' command",
		resp.ErrInvalidExpire("set"):                        "ERR invalid expire time in 'set' command",
		resp.ErrRangeBetween(0, 10):                         "ERR value is out of range, value must between 0 and 10",
		resp.ErrUnknownSubcommand([]byte("nope"), "config"): "ERR unknown subcommand 'nope'. Try CONFIG HELP.",
	} {
		if err.Error() != want {
			t.Errorf("got %q, want %q", err.Error(), want)
		}
	}
	if got := resp.ErrWrongType.(resp.Error).Prefix(); got != "WRONGTYPE" {
		t.Errorf("prefix %q", got)
	}
}

func TestUnknownCommandText(t *testing.T) {
	args := func(ss ...string) [][]byte {
		var out [][]byte
		for _, s := range ss {
			out = append(out, []byte(s))
		}
		return out
	}
	long := strings.Repeat("x", 200)
	tests := []struct {
		name string
		args [][]byte
		want string
	}{
		{"nope", nil, "ERR unknown command 'nope', with args beginning with: "},
		{"nope", args("a", "b"), "ERR unknown command 'nope', with args beginning with: 'a' 'b' "},
		{"a\r\nb", args("c\nd"), "ERR unknown command 'a  b', with args beginning with: 'c d' "},
		{long, nil, "ERR unknown command '" + long[:128] + "', with args beginning with: "},
		{"x", args(long, "b"), "ERR unknown command 'x', with args beginning with: '" + long[:128] + "' "},
		{"x", args(strings.Repeat("a", 100), strings.Repeat("b", 100), "c"), "ERR unknown command 'x', with args beginning with: '" + strings.Repeat("a", 100) + "' '" + strings.Repeat("b", 25) + "' "},
	}
	for _, tt := range tests {
		if got := resp.ErrUnknownCommand([]byte(tt.name), tt.args).Error(); got != tt.want {
			t.Errorf("%.20q %q:\n got %q\nwant %q", tt.name, tt.args, got, tt.want)
		}
	}
}

// TestCommandRoundTrip encodes random argument vectors as clients do and
// reads them back, fed in random chunk sizes through Fill.
func TestCommandRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 200; round++ {
		var stream []byte
		var want [][][]byte
		for n := rng.Intn(50) + 1; n > 0; n-- {
			argv := randArgv(rng)
			if rng.Intn(4) == 0 && argvLen(argv) < resp.InlineMaxSize/4 {
				stream = append(stream, inlineCommand(argv)...)
			} else {
				stream = resp.AppendCommand(stream, argv...)
			}
			want = append(want, argv)
		}
		chunks := []int{rng.Intn(16) + 1, rng.Intn(4096) + 1, rng.Intn(100000) + 1}
		got, err := readCommands(stream, false, 0, chunks...)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: got %d commands, want %d", round, len(got), len(want))
		}
		for i := range want {
			if !equalArgv(got[i], want[i]) {
				t.Fatalf("round %d, command %d:\n got %.300q\nwant %.300q", round, i, got[i], want[i])
			}
		}
	}
}

func equalArgv(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func randArgv(rng *rand.Rand) [][]byte {
	argv := make([][]byte, rng.Intn(12)+1)
	for i := range argv {
		n := rng.Intn(40)
		switch rng.Intn(20) {
		case 0:
			n = 0
		case 1:
			n = rng.Intn(70000) // past the buffer and the inline limit
		}
		a := make([]byte, n)
		rng.Read(a)
		argv[i] = a
	}
	return argv
}

func argvLen(argv [][]byte) int {
	n := 0
	for _, a := range argv {
		n += len(a) + 3
	}
	return n
}

const hex = "0123456789abcdef"

// inlineCommand writes argv as an inline command, each argument quoted as
// redis-cli would (sdscatrepr), so that any byte survives.
func inlineCommand(argv [][]byte) []byte {
	var b []byte
	for i, a := range argv {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, '"')
		for _, c := range a {
			switch {
			case c == '\\' || c == '"':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c == '\a':
				b = append(b, `\a`...)
			case c == '\b':
				b = append(b, `\b`...)
			case c < ' ' || c > '~':
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
		}
		b = append(b, '"')
	}
	return append(b, '\r', '\n')
}

// TestCommandReaderReusesArguments checks the documented contract: the
// argument slices stay valid until the next Fill, across several Next
// calls.
func TestCommandReaderArgumentsValidUntilFill(t *testing.T) {
	src := resp.AppendCommand(nil, []byte("SET"), []byte("a"), []byte("1"))
	src = resp.AppendCommand(src, []byte("SET"), []byte("b"), []byte("2"))
	r := resp.NewCommandReader(bytes.NewReader(src))
	if err := r.Fill(); err != nil {
		t.Fatal(err)
	}
	first, err := r.Next(false)
	if err != nil || first == nil {
		t.Fatal(first, err)
	}
	second, err := r.Next(false)
	if err != nil || second == nil {
		t.Fatal(second, err)
	}
	if string(first[1]) != "a" || string(second[1]) != "b" || string(first[2]) != "1" {
		t.Fatalf("first %q second %q", first, second)
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]bool{
		"0": true, "1": true, "-1": true, "9223372036854775807": true, "-9223372036854775808": true,
		"": false, "-": false, "-0": false, "01": false, "+1": false, " 1": false, "1 ": false,
		"9223372036854775808": false, "-9223372036854775809": false, "1.0": false, "0x10": false,
	} {
		if _, ok := resp.ParseInt([]byte(in)); ok != want {
			t.Errorf("ParseInt(%q) ok = %v, want %v", in, ok, want)
		}
	}
}
