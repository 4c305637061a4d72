package backendtest

import (
	"strconv"
	"sync"
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestConnection covers PING, ECHO and the error texts every command
// shares: unknown commands and subcommands, arity, syntax.
func (s *Suite) TestConnection(t *testing.T) {
	_, c := s.client(t)
	c.Must(resp.Simple("PONG"), "PING")
	c.Must(resp.Simple("PONG"), "ping")
	c.MustBulk("hello", "PING", "hello")
	c.MustBulk("", "ECHO", "")
	c.MustBulk("a\r\nb", "ECHO", "a\r\nb")
	c.MustErr("ERR wrong number of arguments for 'ping' command", "PING", "a", "b")
	c.MustErr("ERR wrong number of arguments for 'echo' command", "ECHO")
	c.MustErr("ERR unknown command 'NOPE', with args beginning with: ", "NOPE")
	c.MustErr("ERR unknown command 'nope', with args beginning with: 'a' 'b c' ", "nope", "a", "b c")
	c.MustErr("ERR unknown subcommand 'BOGUS'. Try CONFIG HELP.", "CONFIG", "BOGUS")
	c.MustErr("ERR unknown subcommand 'bogus'. Try OBJECT HELP.", "object", "bogus", "k")
	c.MustErr("ERR wrong number of arguments for 'config' command", "CONFIG")
	c.MustErr("ERR wrong number of arguments for 'config|get' command", "CONFIG", "GET")
	c.MustErr("ERR syntax error", "SET", "k", "v", "NX", "XX")
	c.MustErr("ERR value is not an integer or out of range", "INCRBY", "k", "1.5")
	c.MustErr("ERR value is not a valid float", "INCRBYFLOAT", "k", "x")
}

// TestQuit checks that QUIT answers +OK and ends the session: Done closes,
// and the owner closes the connection after the reply.
func (s *Suite) TestQuit(t *testing.T) {
	_, c := s.client(t)
	select {
	case <-c.Sess.Done():
		t.Fatal("a new session is already done")
	default:
	}
	c.MustOK("QUIT")
	c.WaitDone()
	c.Close() // closing a session that ended is fine
	c.Close()
}

// TestCloseEndsSession checks that Close ends a session and may be called
// more than once.
func (s *Suite) TestCloseEndsSession(t *testing.T) {
	b, c := s.client(t)
	c.MustOK("SET", "k", "v")
	c.Close()
	c.WaitDone()
	c.Close()
	other := NewClient(t, b)
	other.MustBulk("v", "GET", "k")
}

// TestArgumentsAreCopied checks that a backend keeps its own copy of what
// it stores: callers reuse their argument buffers once Do returns.
func (s *Suite) TestArgumentsAreCopied(t *testing.T) {
	_, c := s.client(t)
	key, val := []byte("key"), []byte("value")
	c.DoBytes([]byte("SET"), key, val)
	copy(key, "XXX")
	copy(val, "YYYYY")
	c.MustBulk("value", "GET", "key")
	c.MustInt(0, "EXISTS", "XXX")
	c.DoBytes([]byte("MSET"), []byte("a"), val, []byte("b"), val)
	copy(val, "ZZZZZ")
	c.MustBulks([]string{"MGET", "a", "b"}, "YYYYY", "YYYYY")
}

// TestConcurrentSessions runs many sessions at once; every increment must
// count. With -race it also checks the backend's locking.
func (s *Suite) TestConcurrentSessions(t *testing.T) {
	b, c := s.client(t)
	const sessions, each = 8, 200
	clients := make([]*Client, sessions)
	for i := range clients {
		clients[i] = NewClient(t, b)
	}
	var wg sync.WaitGroup
	errs := make(chan string, sessions)
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "own:" + strconv.Itoa(i)
			for j := 0; j < each; j++ {
				cl.Sess.Do(t.Context(), argv([]string{"INCR", "shared"}), cl.W)
				cl.Sess.Do(t.Context(), argv([]string{"SET", key, strconv.Itoa(j)}), cl.W)
				if j%50 == 0 {
					cl.Sess.Do(t.Context(), argv([]string{"MULTI"}), cl.W)
					cl.Sess.Do(t.Context(), argv([]string{"INCR", "tx"}), cl.W)
					cl.Sess.Do(t.Context(), argv([]string{"INCR", "tx"}), cl.W)
					cl.Sess.Do(t.Context(), argv([]string{"EXEC"}), cl.W)
				}
				if cl.W.Len() > 1<<16 {
					cl.W.Reset()
				}
			}
			cl.W.Reset()
			select {
			case <-cl.Sess.Done():
				errs <- "session " + strconv.Itoa(i) + " ended"
			default:
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	c.MustBulk(strconv.Itoa(sessions*each), "GET", "shared")
	c.MustBulk(strconv.Itoa(sessions*2*(each/50)), "GET", "tx")
	for i := 0; i < sessions; i++ {
		c.MustBulk(strconv.Itoa(each-1), "GET", "own:"+strconv.Itoa(i))
	}
}
