package resp_test

import (
	"math"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestWriterDownConversion pins what every ReplyWriter method sends to a
// RESP2 and to a RESP3 client: Redis's addReply* functions in
// networking.c. The Writer is the one place RESP3 becomes RESP2.
func TestWriterDownConversion(t *testing.T) {
	tests := []struct {
		name         string
		write        func(w resp.ReplyWriter)
		resp2, resp3 string
	}{
		{"simple", func(w resp.ReplyWriter) { w.WriteSimple("OK") }, "+OK\r\n", "+OK\r\n"},
		{"simple with newlines", func(w resp.ReplyWriter) { w.WriteSimple("a\r\nb") }, "+a  b\r\n", "+a  b\r\n"},
		{"error", func(w resp.ReplyWriter) { w.WriteError("ERR x") }, "-ERR x\r\n", "-ERR x\r\n"},
		{"error with newlines", func(w resp.ReplyWriter) { w.WriteError("ERR a\nb") }, "-ERR a b\r\n", "-ERR a b\r\n"},
		{"int", func(w resp.ReplyWriter) { w.WriteInt(-7) }, ":-7\r\n", ":-7\r\n"},
		{"small int", func(w resp.ReplyWriter) { w.WriteInt(3) }, ":3\r\n", ":3\r\n"},
		{"min int", func(w resp.ReplyWriter) { w.WriteInt(math.MinInt64) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
		{"bulk", func(w resp.ReplyWriter) { w.WriteBulk([]byte("a\r\nb")) }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n"},
		{"empty bulk", func(w resp.ReplyWriter) { w.WriteBulkString("") }, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"null", func(w resp.ReplyWriter) { w.WriteNull() }, "$-1\r\n", "_\r\n"},
		{"null array", func(w resp.ReplyWriter) { w.WriteNullArray() }, "*-1\r\n", "_\r\n"},
		{"array", func(w resp.ReplyWriter) { w.WriteArray(2); w.WriteInt(1); w.WriteNull() }, "*2\r\n:1\r\n$-1\r\n", "*2\r\n:1\r\n_\r\n"},
		{"empty array", func(w resp.ReplyWriter) { w.WriteArray(0) }, "*0\r\n", "*0\r\n"},
		{"map", func(w resp.ReplyWriter) { w.WriteMap(1); w.WriteBulkString("k"); w.WriteInt(1) }, "*2\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"},
		{"empty map", func(w resp.ReplyWriter) { w.WriteMap(0) }, "*0\r\n", "%0\r\n"},
		{"set", func(w resp.ReplyWriter) { w.WriteSet(1); w.WriteBulkString("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"push", func(w resp.ReplyWriter) { w.WritePush(2); w.WriteBulkString("message"); w.WriteBulkString("x") }, "*2\r\n$7\r\nmessage\r\n$1\r\nx\r\n", ">2\r\n$7\r\nmessage\r\n$1\r\nx\r\n"},
		{"true", func(w resp.ReplyWriter) { w.WriteBool(true) }, ":1\r\n", "#t\r\n"},
		{"false", func(w resp.ReplyWriter) { w.WriteBool(false) }, ":0\r\n", "#f\r\n"},
		{"double", func(w resp.ReplyWriter) { w.WriteDouble(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"integral double", func(w resp.ReplyWriter) { w.WriteDouble(3) }, "$1\r\n3\r\n", ",3\r\n"},
		{"inf", func(w resp.ReplyWriter) { w.WriteDouble(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"-inf", func(w resp.ReplyWriter) { w.WriteDouble(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"nan", func(w resp.ReplyWriter) { w.WriteDouble(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n"},
		{"big number", func(w resp.ReplyWriter) { w.WriteBigNumber("12345678901234567890") }, "$20\r\n12345678901234567890\r\n", "(12345678901234567890\r\n"},
		{"verbatim", func(w resp.ReplyWriter) { w.WriteVerbatim("txt", "a\r\nb") }, "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n"},
		{"nested", func(w resp.ReplyWriter) {
			w.WriteArray(2)
			w.WriteMap(1)
			w.WriteBulkString("score")
			w.WriteDouble(2.5)
			w.WriteSet(0)
		}, "*2\r\n*2\r\n$5\r\nscore\r\n$3\r\n2.5\r\n*0\r\n", "*2\r\n%1\r\n$5\r\nscore\r\n,2.5\r\n~0\r\n"},
	}
	for _, tt := range tests {
		for proto, want := range map[int]string{2: tt.resp2, 3: tt.resp3} {
			w := resp.NewWriter()
			w.SetProto(proto)
			if w.Proto() != proto {
				t.Fatalf("Proto() = %d after SetProto(%d)", w.Proto(), proto)
			}
			tt.write(w)
			if got := string(w.Bytes()); got != want {
				t.Errorf("%s, RESP%d:\n got %q\nwant %q", tt.name, proto, got, want)
			}
			// Whatever the writer sends must read back.
			if _, err := readValue(w.Bytes()); err != nil {
				t.Errorf("%s, RESP%d: reading %q back: %v", tt.name, proto, w.Bytes(), err)
			}
		}
	}
}

func TestWriterDefaultsToRESP2AndSwitches(t *testing.T) {
	w := resp.NewWriter()
	if w.Proto() != 2 {
		t.Fatalf("new writer speaks RESP%d", w.Proto())
	}
	w.WriteNull()
	w.SetProto(3) // HELLO 3: the replies that follow are RESP3
	w.WriteNull()
	w.SetProto(2)
	w.WriteNull()
	if got, want := string(w.Bytes()), "$-1\r\n_\r\n$-1\r\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	w.Reset()
	if w.Len() != 0 {
		t.Fatalf("Len() = %d after Reset", w.Len())
	}
}

// TestWriteValueDownConverts checks that relaying a decoded RESP3 reply
// through WriteValue to a RESP2 writer gives what Redis would send a RESP2
// client.
func TestWriteValueDownConverts(t *testing.T) {
	v := resp.Map(
		resp.Bulk("a"), resp.Set(resp.Bulk("x")),
		resp.Bulk("b"), resp.Double(0.5),
		resp.Bulk("c"), resp.Null(),
		resp.Bulk("d"), resp.Bool(true),
		resp.Bulk("e"), resp.Verbatim("txt", "v"),
		resp.Bulk("f"), resp.BigNumber("1"),
		resp.Bulk("g"), resp.NullArray(),
	)
	w := resp.NewWriter()
	resp.WriteValue(w, v)
	want := "*14\r\n$1\r\na\r\n*1\r\n$1\r\nx\r\n$1\r\nb\r\n$3\r\n0.5\r\n$1\r\nc\r\n$-1\r\n$1\r\nd\r\n:1\r\n" +
		"$1\r\ne\r\n$1\r\nv\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n*-1\r\n"
	if got := string(w.Bytes()); got != want {
		t.Errorf("RESP2:\n got %q\nwant %q", got, want)
	}
	w = resp.NewWriter()
	w.SetProto(3)
	resp.WriteValue(w, v)
	want3 := "%7\r\n$1\r\na\r\n~1\r\n$1\r\nx\r\n$1\r\nb\r\n,0.5\r\n$1\r\nc\r\n_\r\n$1\r\nd\r\n#t\r\n" +
		"$1\r\ne\r\n=5\r\ntxt:v\r\n$1\r\nf\r\n(1\r\n$1\r\ng\r\n_\r\n"
	if got := string(w.Bytes()); got != want3 {
		t.Errorf("RESP3:\n got %q\nwant %q", got, want3)
	}
}

// TestAppendFloatLikeRedis pins the text of doubles as Redis 7.4 writes
// them (util.c d2string: integral values in ±2^62 as integers, otherwise
// fpconv_dtoa, which writes plain decimals for exponents from -6 up to
// digits+6 and otherwise d.ddde±x without leading zeros in the exponent).
func TestAppendFloatLikeRedis(t *testing.T) {
	for f, want := range map[float64]string{
		0:                    "0",
		math.Copysign(0, -1): "-0",
		1.5:                  "1.5",
		-2.25:                "-2.25",
		3:                    "3",
		0.1:                  "0.1",
		123.456:              "123.456",
		1e6:                  "1000000",
		1e15:                 "1000000000000000",
		1e18:                 "1000000000000000000",
		1e19:                 "1e+19",
		2.5e20:               "2.5e+20",
		1e21:                 "1e+21",
		1e100:                "1e+100",
		12345678.9:           "12345678.9",
		0.0001:               "0.0001",
		0.000001:             "0.000001",
		1e-7:                 "1e-7",
		1.5e-6:               "1.5e-6",
		1.23e-5:              "1.23e-5",
		math.Inf(1):          "inf",
		math.Inf(-1):         "-inf",
		3.0000000000000004:   "3.0000000000000004",
	} {
		if got := string(resp.AppendFloat(nil, f)); got != want {
			t.Errorf("AppendFloat(%v) = %q, want %q", f, got, want)
		}
	}
	if got := string(resp.AppendFloat(nil, math.NaN())); got != "nan" {
		t.Errorf("AppendFloat(NaN) = %q", got)
	}
}

func TestParseDouble(t *testing.T) {
	for in, want := range map[string]float64{
		"1.5": 1.5, "inf": math.Inf(1), "+inf": math.Inf(1), "-inf": math.Inf(-1), "1e3": 1000, "-0.5": -0.5,
	} {
		got, err := resp.ParseDouble(in)
		if err != nil || got != want {
			t.Errorf("ParseDouble(%q) = %v, %v", in, got, err)
		}
	}
	if f, err := resp.ParseDouble("nan"); err != nil || !math.IsNaN(f) {
		t.Errorf("ParseDouble(nan) = %v, %v", f, err)
	}
	for _, in := range []string{"", "abc", "1.5x", "--1"} {
		if _, err := resp.ParseDouble(in); err == nil {
			t.Errorf("ParseDouble(%q) accepted", in)
		}
	}
}
