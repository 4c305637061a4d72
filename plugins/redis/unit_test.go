package redis

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/plugins/protocol"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		url  string
		want string // fmt of the interesting fields
	}{
		{"redis://", "tcp [127.0.0.1:6379] user= pass=false: db=0 proto=2 cluster=false tls=false"},
		{"redis://h:7000/3", "tcp [h:7000] user= pass=false: db=3 proto=2 cluster=false tls=false"},
		{"redis://secret@h", "tcp [h:6379] user= pass=true:secret db=0 proto=2 cluster=false tls=false"},
		{"redis://alice:pw@h?protocol=3&name=x", "tcp [h:6379] user=alice pass=true:pw db=0 proto=3 cluster=false tls=false"},
		{"redis://:p%40ss@[::1]:6380", "tcp [[::1]:6380] user= pass=true:p@ss db=0 proto=2 cluster=false tls=false"},
		{"rediss://h?insecure=true", "tcp [h:6379] user= pass=false: db=0 proto=2 cluster=false tls=true"},
		{"unix:///tmp/r.sock?db=2&password=x", "unix [/tmp/r.sock] user= pass=true:x db=2 proto=2 cluster=false tls=false"},
		{"redis+cluster://a:1?addr=b:2&addr=c", "tcp [a:1 b:2 c:6379] user= pass=false: db=0 proto=2 cluster=true tls=false"},
		{"rediss+cluster://a:1", "tcp [a:1] user= pass=false: db=0 proto=2 cluster=true tls=true"},
	}
	for _, c := range cases {
		cfg, err := parseURL(c.url)
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		got := fmt.Sprintf("%s %v user=%s pass=%v:%s db=%d proto=%d cluster=%v tls=%v",
			cfg.network, cfg.addrs, cfg.user, cfg.hasPass, cfg.pass, cfg.db, cfg.proto, cfg.cluster, cfg.tls != nil)
		if got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.url, got, c.want)
		}
	}
	for _, bad := range []string{"http://x", "redis://h/x", "redis://h?protocol=4", "unix://", "redis+cluster://h/1",
		"rediss://h?cert=/nonexistent", "rediss://h?cacert=/nonexistent", "redis://h?dial_timeout=soon"} {
		if _, err := parseURL(bad); !protocol.IsCode(err, protocol.CodeInvalid) {
			t.Errorf("%s: got %v, want an invalid-URL error", bad, err)
		}
	}
}

func TestReadFrame(t *testing.T) {
	frames := []string{
		"+OK\r\n", "-ERR x\r\n", ":12\r\n", "$3\r\nabc\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "_\r\n", ",3.14\r\n", "#t\r\n", "(12345678901234567890\r\n",
		"!5\r\nERR x\r\n", "=8\r\ntxt:abcd\r\n", "%1\r\n$1\r\nk\r\n$1\r\nv\r\n", "~1\r\n:1\r\n",
		">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
		"|1\r\n$3\r\nttl\r\n:5\r\n$1\r\nv\r\n", // an attribute and the reply it belongs to
		"$10\r\n0123\r\n6789\r\n",              // CRLF inside a bulk string
	}
	all := strings.Join(frames, "")
	r := bufio.NewReaderSize(strings.NewReader(all), 16)
	for _, want := range frames {
		got, err := readFrame(r, nil)
		if err != nil || string(got) != want {
			t.Errorf("got %q %v, want %q", got, err, want)
		}
	}
	long := "+" + strings.Repeat("x", 100) + "\r\n"
	if got, err := readFrame(bufio.NewReaderSize(strings.NewReader(long), 16), nil); err != nil || string(got) != long {
		t.Errorf("long line: %q %v", got, err)
	}
	for _, bad := range []string{"?x\r\n", "$x\r\n", "$3\r\nabcd\r\n", "*1\r\n", "+OK\n"} {
		if _, err := readFrame(bufio.NewReader(strings.NewReader(bad)), nil); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestPubsubHead(t *testing.T) {
	kind, n, ok := pubsubHead([]byte(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:2\r\n"))
	if kind != "subscribe" || n != 2 || !ok {
		t.Errorf("got %q %d %v", kind, n, ok)
	}
	kind, n, ok = pubsubHead([]byte("*3\r\n$11\r\nUNSUBSCRIBE\r\n$-1\r\n:0\r\n"))
	if kind != "unsubscribe" || n != 0 || !ok {
		t.Errorf("got %q %d %v", kind, n, ok)
	}
	if kind, _, _ := pubsubHead([]byte(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")); kind != "invalidate" {
		t.Errorf("invalidate: %q", kind)
	}
	if kind, _, _ := pubsubHead([]byte("*1\r\n:1\r\n")); kind != "" {
		t.Errorf("integer array: %q", kind)
	}
	if !isMonitorLine([]byte("+1460100081.165665 [0 127.0.0.1:51706] \"set\" \"k\" \"v\"\r\n")) || isMonitorLine([]byte("+OK\r\n")) || isMonitorLine([]byte("+12.5 x\r\n")) {
		t.Error("isMonitorLine")
	}
}

func TestKeySlot(t *testing.T) {
	// Values from the Redis Cluster specification and CLUSTER KEYSLOT.
	cases := map[string]int{
		"123456789": 0x31C3 % 16384, "foo": 12182, "bar": 5061, "": 0,
		"{user1000}.following": 3443, "{user1000}.followers": 3443,
		"foo{}{bar}": 8363, "foo{{bar}}zap": 4015, "foo{bar}{zap}": 5061,
	}
	for k, want := range cases {
		if got := keySlot([]byte(k)); got != want {
			t.Errorf("keySlot(%q) = %d, want %d", k, got, want)
		}
	}
}

func frame(v resp.Value) []byte { return resp.AppendValue(nil, v) }

func TestAggregate(t *testing.T) {
	ok, notbusy := frame(resp.Simple("OK")), frame(resp.Err("NOTBUSY No scripts in execution right now."))
	rs := func(fs ...[]byte) []nodeReply {
		var out []nodeReply
		for i, f := range fs {
			out = append(out, nodeReply{addr: fmt.Sprintf("n%d:1", i), frame: f})
		}
		return out
	}
	cases := []struct {
		policy string
		in     []nodeReply
		want   resp.Value
	}{
		{"one_succeeded", rs(notbusy, ok, notbusy), resp.Simple("OK")},
		{"one_succeeded", rs(notbusy, notbusy), resp.Err("NOTBUSY No scripts in execution right now.")},
		{"all_succeeded", rs(ok, notbusy), resp.Err("NOTBUSY No scripts in execution right now.")},
		{"all_succeeded", rs(ok, ok), resp.Simple("OK")},
		{"agg_sum", rs(frame(resp.Int(2)), frame(resp.Int(3)), frame(resp.Int(0))), resp.Int(5)},
		{"agg_sum", rs(frame(resp.Int(2)), frame(resp.Err("ERR No such user 'x'"))), resp.Err("ERR No such user 'x'")},
		{"agg_min", rs(frame(resp.Int(2)), frame(resp.Int(1))), resp.Int(1)},
		{"agg_max", rs(frame(resp.Int(2)), frame(resp.Int(7))), resp.Int(7)},
		{"agg_logical_and", rs(frame(resp.Array(resp.Int(1), resp.Int(1))), frame(resp.Array(resp.Int(1), resp.Int(0)))), resp.Array(resp.Int(1), resp.Int(0))},
		{"agg_logical_or", rs(frame(resp.Array(resp.Int(0), resp.Int(0))), frame(resp.Array(resp.Int(1), resp.Int(0)))), resp.Array(resp.Int(1), resp.Int(0))},
		{"", rs(frame(resp.BulkStrings("a")), frame(resp.BulkStrings("b", "c"))), resp.BulkStrings("a", "b", "c")},
		{"", rs(frame(resp.Map(resp.Bulk("a"), resp.Int(1))), frame(resp.Map(resp.Bulk("b"), resp.Int(2)))), resp.Map(resp.Bulk("a"), resp.Int(1), resp.Bulk("b"), resp.Int(2))},
		{"concat_lines", rs(frame(resp.Bulk("id=1 x=y\nid=2 x=z\n")), frame(resp.Bulk("id=1 x=w\n"))),
			resp.Bulk("id=1 x=y node=n0:1\nid=2 x=z node=n0:1\nid=1 x=w node=n1:1\n")},
		{"concat_lines", rs(frame(resp.Verbatim("txt", "id=1\n"))), resp.Verbatim("txt", "id=1 node=n0:1\n")},
	}
	for _, c := range cases {
		got, err := decode(aggregate(c.policy, c.in))
		if err != nil || !bytes.Equal(frame(got), frame(c.want)) {
			t.Errorf("%s: got %v %v, want %v", c.policy, got, err, c.want)
		}
	}
	// RANDOMKEY: a key from a shard that has one, any of them.
	seen := map[string]bool{}
	for range 200 {
		got, _ := decode(aggregate("special", rs(frame(resp.NullBulk()), frame(resp.Bulk("a")), frame(resp.NullBulk()), frame(resp.Bulk("b")))))
		seen[got.String()] = true
	}
	if len(seen) != 2 || !seen[resp.Bulk("a").String()] || !seen[resp.Bulk("b").String()] {
		t.Errorf("RANDOMKEY answers: %v", seen)
	}
	if got, _ := decode(aggregate("special", rs(frame(resp.NullBulk()), frame(resp.NullBulk())))); !got.Null {
		t.Errorf("RANDOMKEY on empty shards: %v", got)
	}
	// MGET split in two slots, back in key order.
	got, _ := decode(reassemble("", rs(frame(resp.BulkStrings("b", "d")), frame(resp.Array(resp.Bulk("a"), resp.NullBulk()))), [][]int{{1, 3}, {0, 2}}, 4))
	if want := resp.Array(resp.Bulk("a"), resp.Bulk("b"), resp.NullBulk(), resp.Bulk("d")); !bytes.Equal(frame(got), frame(want)) {
		t.Errorf("reassemble: %v", got)
	}
}

func TestKeyIndexes(t *testing.T) {
	mget := &cmdInfo{name: "mget", first: 1, last: -1, step: 1}
	mset := &cmdInfo{name: "mset", first: 1, last: -1, step: 2}
	eval := &cmdInfo{name: "eval", movable: true, specs: []keySpec{{index: 2, isKeynum: true, keynumidx: 0, firstkey: 1, keystep: 1}}}
	xread := &cmdInfo{name: "xread", movable: true, specs: []keySpec{{keyword: "STREAMS", from: 1, lastkey: -1, keystep: 1, limit: 2}}}
	unknown := &cmdInfo{name: "x", movable: true, specs: []keySpec{{unknown: true}}}
	cases := []struct {
		ci   *cmdInfo
		args string
		want string
	}{
		{mget, "MGET a b c", "[1 2 3]"},
		{mset, "MSET a 1 b 2", "[1 3]"},
		{eval, "EVAL s 2 k1 k2 a1", "[3 4]"},
		{eval, "EVAL s 0 a1", "[]"},
		{xread, "XREAD COUNT 2 STREAMS s1 s2 0 0", "[4 5]"},
		{&cmdInfo{name: "ping"}, "PING", "[]"},
		{nil, "WHATEVER x", "[]"},
	}
	for _, c := range cases {
		idx, ok := c.ci.keyIndexes(argv(strings.Fields(c.args)...))
		if got := fmt.Sprint(idx); !ok || (got != c.want && !(c.want == "[]" && idx == nil)) {
			t.Errorf("%s: %v %v, want %s", c.args, idx, ok, c.want)
		}
	}
	if _, ok := unknown.keyIndexes(argv("X", "a")); ok {
		t.Error("unknown key spec: ok")
	}
	req, rsp := extraTips("client|kill", argv("CLIENT", "KILL", "1.2.3.4:5"))
	if req != "all_nodes" || rsp != "one_succeeded" {
		t.Errorf("old CLIENT KILL: %s %s", req, rsp)
	}
	if req, rsp = extraTips("client|kill", argv("CLIENT", "KILL", "TYPE", "normal")); rsp != "agg_sum" {
		t.Errorf("CLIENT KILL filters: %s %s", req, rsp)
	}
}
