package resp_test

import (
	"fmt"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// A server reads a whole pipeline, multibulk and inline commands alike,
// then answers every command through one Writer.
func ExampleCommandReader() {
	in := "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n"
	r := resp.NewCommandReader(strings.NewReader(in))
	w := resp.NewWriter()
	if err := r.Fill(); err != nil {
		panic(err)
	}
	for {
		argv, err := r.Next(false)
		if err != nil {
			w.WriteError(err.Error()) // then close the connection
			break
		}
		if argv == nil {
			break // nothing more buffered: Fill again
		}
		switch strings.ToUpper(string(argv[0])) {
		case "ECHO":
			w.WriteBulk(argv[1])
		case "PING":
			w.WriteSimple("PONG")
		}
	}
	fmt.Printf("%q\n", w.Bytes())
	// Output: "$5\r\nhello\r\n+PONG\r\n"
}

// The same reply reaches a RESP2 and a RESP3 client differently; the
// Writer does the down-conversion.
func ExampleWriter() {
	for _, proto := range []int{2, 3} {
		w := resp.NewWriter()
		w.SetProto(proto)
		w.WriteMap(1)
		w.WriteBulkString("score")
		w.WriteDouble(1.5)
		fmt.Printf("RESP%d %q\n", proto, w.Bytes())
	}
	// Output:
	// RESP2 "*2\r\n$5\r\nscore\r\n$3\r\n1.5\r\n"
	// RESP3 "%1\r\n$5\r\nscore\r\n,1.5\r\n"
}

// A client reads replies with every RESP3 type kept.
func ExampleReader() {
	r := resp.NewReader(strings.NewReader("%1\r\n+proto\r\n:3\r\n_\r\n-ERR unknown command\r\n"))
	for i := 0; i < 3; i++ {
		v, err := r.ReadValue()
		if err != nil {
			panic(err)
		}
		fmt.Println(v, v.IsError())
	}
	// Output:
	// %[+proto :3] false
	// nil false
	// -ERR unknown command true
}
