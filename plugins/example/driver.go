package main

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rk-redis/rk/plugins/protocol"
)

// driver opens example:// URLs. Every URL is its own store; the URL's host
// names it (example://demo). The query parameter crash=do makes the plugin
// exit in the middle of a command, for rk's tests of plugin failures.
type driver struct{}

func (*driver) Info(context.Context) (protocol.Info, error) {
	return protocol.Info{Name: "example", Version: "1.0.0", Schemes: []string{"example"}}, nil
}

func (*driver) Open(_ context.Context, raw string) (protocol.Backend, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "example" {
		return nil, protocol.Errorf(protocol.CodeInvalid, "example plugin: expected example://NAME, got %q", raw)
	}
	return &store{name: u.Host, crash: u.Query().Get("crash"), data: map[string]string{}, subs: map[string]map[*session]bool{}}, nil
}

// store is one backend: a map shared by its sessions.
type store struct {
	name  string
	crash string

	mu   sync.Mutex
	data map[string]string
	subs map[string]map[*session]bool // channel -> subscribers
}

func (st *store) OpenSession(_ context.Context, _ protocol.ClientInfo, ev protocol.Events) (protocol.Session, error) {
	return &session{st: st, ev: ev, proto: 2, channels: map[string]bool{}}, nil
}

func (st *store) Close() error { return nil }

// session is one client. Do runs on one goroutine at a time; PUBLISH from
// other sessions pushes messages to it through its Events.
type session struct {
	st *store
	ev protocol.Events

	mu       sync.Mutex
	proto    int
	channels map[string]bool
	closed   bool
}

func (s *session) Do(_ context.Context, cmds [][][]byte) (protocol.Reply, error) {
	var out []byte
	closed := false
	for _, argv := range cmds {
		if len(argv) == 0 {
			continue
		}
		var quit bool
		out, quit = s.run(out, argv)
		if quit {
			closed = true
			break
		}
	}
	s.mu.Lock()
	proto := s.proto
	s.mu.Unlock()
	return protocol.Reply{Frames: out, Proto: proto, Closed: closed}, nil
}

func (s *session) run(b []byte, argv [][]byte) ([]byte, bool) {
	name := strings.ToUpper(string(argv[0]))
	args := argv[1:]
	st := s.st
	if st.crash == "do" {
		os.Exit(3)
	}
	switch name {
	case "PING":
		if len(args) == 1 {
			return protocol.AppendBulk(b, args[0]), false
		}
		return protocol.AppendSimple(b, "PONG"), false
	case "ECHO":
		if len(args) != 1 {
			return wrongArgs(b, "echo"), false
		}
		return protocol.AppendBulk(b, args[0]), false
	case "HELLO":
		proto := s.proto
		if len(args) > 0 {
			n, err := strconv.Atoi(string(args[0]))
			if err != nil || (n != 2 && n != 3) {
				return protocol.AppendError(b, "NOPROTO unsupported protocol version"), false
			}
			proto = n
		}
		s.mu.Lock()
		s.proto = proto
		s.mu.Unlock()
		b = protocol.AppendMap(b, 2, proto)
		b = protocol.AppendBulk(b, []byte("server"))
		b = protocol.AppendBulk(b, []byte("rk-plugin-example"))
		b = protocol.AppendBulk(b, []byte("proto"))
		return protocol.AppendInt(b, int64(proto)), false
	case "GET":
		if len(args) != 1 {
			return wrongArgs(b, "get"), false
		}
		st.mu.Lock()
		v, ok := st.data[string(args[0])]
		st.mu.Unlock()
		if !ok {
			return protocol.AppendNull(b, s.proto), false
		}
		return protocol.AppendBulk(b, []byte(v)), false
	case "SET":
		if len(args) != 2 {
			return wrongArgs(b, "set"), false
		}
		st.mu.Lock()
		st.data[string(args[0])] = string(args[1])
		st.mu.Unlock()
		return protocol.AppendSimple(b, "OK"), false
	case "DEL":
		if len(args) == 0 {
			return wrongArgs(b, "del"), false
		}
		n := 0
		st.mu.Lock()
		for _, k := range args {
			if _, ok := st.data[string(k)]; ok {
				delete(st.data, string(k))
				n++
			}
		}
		st.mu.Unlock()
		return protocol.AppendInt(b, int64(n)), false
	case "DBSIZE":
		st.mu.Lock()
		n := len(st.data)
		st.mu.Unlock()
		return protocol.AppendInt(b, int64(n)), false
	case "SUBSCRIBE":
		if len(args) == 0 {
			return wrongArgs(b, "subscribe"), false
		}
		for _, ch := range args {
			st.mu.Lock()
			if st.subs[string(ch)] == nil {
				st.subs[string(ch)] = map[*session]bool{}
			}
			st.subs[string(ch)][s] = true
			st.mu.Unlock()
			s.mu.Lock()
			s.channels[string(ch)] = true
			n := len(s.channels)
			s.mu.Unlock()
			b = s.appendPushHeader(b, 3)
			b = protocol.AppendBulk(b, []byte("subscribe"))
			b = protocol.AppendBulk(b, ch)
			b = protocol.AppendInt(b, int64(n))
		}
		return b, false
	case "PUBLISH":
		if len(args) != 2 {
			return wrongArgs(b, "publish"), false
		}
		st.mu.Lock()
		var to []*session
		for sub := range st.subs[string(args[0])] {
			to = append(to, sub)
		}
		st.mu.Unlock()
		for _, sub := range to {
			sub.deliver(args[0], args[1])
		}
		return protocol.AppendInt(b, int64(len(to))), false
	case "SLEEP":
		// SLEEP ms: a slow command, for tests of timeouts.
		if len(args) == 1 {
			ms, _ := strconv.Atoi(string(args[0]))
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
		return protocol.AppendSimple(b, "OK"), false
	case "QUIT":
		return protocol.AppendSimple(b, "OK"), true
	}
	return protocol.AppendError(b, "ERR unknown command '"+strings.ToLower(name)+"', with args beginning with: "), false
}

// deliver sends a message to a subscriber as an out-of-band frame.
func (s *session) deliver(ch, msg []byte) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	f := s.appendPushHeader(nil, 3)
	f = protocol.AppendBulk(f, []byte("message"))
	f = protocol.AppendBulk(f, ch)
	f = protocol.AppendBulk(f, msg)
	s.ev.Push(f)
}

// appendPushHeader starts a push: a RESP3 push frame, or an array in RESP2.
func (s *session) appendPushHeader(b []byte, n int) []byte {
	s.mu.Lock()
	proto := s.proto
	s.mu.Unlock()
	if proto >= 3 {
		return append(append(b, '>'), []byte(strconv.Itoa(n)+"\r\n")...)
	}
	return protocol.AppendArray(b, n)
}

func wrongArgs(b []byte, cmd string) []byte {
	return protocol.AppendError(b, "ERR wrong number of arguments for '"+cmd+"' command")
}

func (s *session) Close() error {
	s.mu.Lock()
	s.closed = true
	chans := s.channels
	s.channels = map[string]bool{}
	s.mu.Unlock()
	s.st.mu.Lock()
	for ch := range chans {
		delete(s.st.subs[ch], s)
	}
	s.st.mu.Unlock()
	return nil
}
