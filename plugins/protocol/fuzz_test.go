package protocol_test

import (
	"bufio"
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/rk-redis/rk/plugins/protocol"
	"github.com/rk-redis/rk/plugins/protocol/pb"
)

// FuzzReadMessage feeds the data channel's message reader arbitrary bytes:
// it must not panic or allocate beyond what it was sent, and a request it
// reads must survive being written and read again.
//
//	go test ./plugins/protocol -run '^$' -fuzz '^FuzzReadMessage$' -fuzztime 1m
func FuzzReadMessage(f *testing.F) {
	ping, _ := protocol.AppendMessageForTest(nil, &pb.DoRequest{Session: 7,
		Commands: []*pb.Command{{Args: [][]byte{[]byte("PING")}}, {Args: [][]byte{[]byte("GET"), []byte("k")}}}})
	f.Add(ping)
	f.Add(append(ping, ping...))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1})
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff, 1, 2, 3})
	f.Add([]byte{0, 0, 0, 3, 0x12, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		msg, err := protocol.ReadMessageForTest(br, nil)
		if err != nil {
			return
		}
		if len(msg) > len(data) || cap(msg) > 2*len(data)+(1<<20) {
			t.Fatalf("read %d bytes (cap %d) from %d", len(msg), cap(msg), len(data))
		}
		var req pb.DoRequest
		if proto.Unmarshal(msg, &req) != nil {
			return
		}
		again, err := protocol.AppendMessageForTest(nil, &req)
		if err != nil {
			t.Fatal(err)
		}
		back, err := protocol.ReadMessageForTest(bufio.NewReader(bytes.NewReader(again)), nil)
		if err != nil {
			t.Fatal(err)
		}
		var req2 pb.DoRequest
		if err := proto.Unmarshal(back, &req2); err != nil || !proto.Equal(&req, &req2) {
			t.Fatalf("round trip: %v\n%v\n%v", err, &req, &req2)
		}
	})
}
