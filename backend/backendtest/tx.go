package backendtest

import (
	"testing"

	"github.com/rk-redis/rk/internal/resp"
)

// TestMultiExec covers MULTI, EXEC and DISCARD: queueing, errors at queue
// time and at run time, and the transaction-state errors.
func (s *Suite) TestMultiExec(t *testing.T) {
	_, c := s.client(t)
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "a", "1")
	c.Must(resp.Simple("QUEUED"), "INCR", "a")
	c.Must(resp.Simple("QUEUED"), "GET", "a")
	c.Must(resp.Array(resp.Simple("OK"), resp.Int(2), resp.Bulk("2")), "EXEC")

	c.MustOK("MULTI")
	c.Must(resp.Array(), "EXEC")

	c.MustErr("ERR EXEC without MULTI", "EXEC")
	c.MustErr("ERR DISCARD without MULTI", "DISCARD")
	c.MustOK("MULTI")
	c.MustErr("ERR MULTI calls can not be nested", "MULTI")
	c.MustErr("ERR WATCH inside MULTI is not allowed", "WATCH", "a")
	c.Must(resp.Simple("QUEUED"), "SET", "a", "5")
	c.MustOK("DISCARD")
	c.MustBulk("2", "GET", "a")

	// A command refused while queueing aborts the whole transaction.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "a", "9")
	c.MustErr("ERR wrong number of arguments for 'set' command", "SET", "a")
	c.MustErr("ERR unknown command 'NOPE', with args beginning with: 'x' ", "NOPE", "x")
	c.MustErr("EXECABORT Transaction discarded because of previous errors.", "EXEC")
	c.MustBulk("2", "GET", "a")
	c.MustErr("ERR EXEC without MULTI", "EXEC")

	// An error while running is one element of the reply; the rest run.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "s", "abc")
	c.Must(resp.Simple("QUEUED"), "INCR", "s")
	c.Must(resp.Simple("QUEUED"), "APPEND", "s", "d")
	c.Must(resp.Array(resp.Simple("OK"), resp.Err("ERR value is not an integer or out of range"), resp.Int(4)), "EXEC")

	// SELECT inside a transaction changes the session's database.
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SELECT", "1")
	c.Must(resp.Simple("QUEUED"), "SET", "x", "1")
	c.Must(resp.Array(resp.Simple("OK"), resp.Simple("OK")), "EXEC")
	c.MustBulk("1", "GET", "x")
	c.MustOK("SELECT", "0")
	c.MustNil("GET", "x")

	// The queued arguments are the session's copy: the caller may reuse
	// its buffers once Do returns.
	buf := []byte("value")
	c.MustOK("MULTI")
	c.DoBytes([]byte("SET"), []byte("copy"), buf)
	copy(buf, "XXXXX")
	c.Must(resp.Array(resp.Simple("OK")), "EXEC")
	c.MustBulk("value", "GET", "copy")
}

// TestWatch covers WATCH and UNWATCH with a second session changing the
// watched keys.
func (s *Suite) TestWatch(t *testing.T) {
	b, c := s.client(t)
	other := NewClient(t, b)
	nullArray := resp.NullArray()

	c.MustOK("SET", "k", "1")
	c.MustOK("WATCH", "k")
	other.MustOK("SET", "k", "2")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "SET", "k", "3")
	c.Must(nullArray, "EXEC")
	c.MustBulk("2", "GET", "k")

	// Untouched: the transaction runs.
	c.MustOK("WATCH", "k", "nope")
	other.MustBulk("2", "GET", "k") // reads do not count
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "INCR", "k")
	c.Must(resp.Array(resp.Int(3)), "EXEC")

	// A watched key that did not exist and now does.
	c.MustOK("WATCH", "new")
	other.MustOK("SET", "new", "x")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "new")
	c.Must(nullArray, "EXEC")

	// The session's own change outside the transaction counts too.
	c.MustOK("WATCH", "k")
	c.MustInt(4, "INCR", "k")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "INCR", "k")
	c.Must(nullArray, "EXEC")

	// EXEC, DISCARD and UNWATCH forget the watched keys.
	c.MustOK("WATCH", "k")
	c.MustOK("UNWATCH")
	other.MustInt(5, "INCR", "k")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "INCR", "k")
	c.Must(resp.Array(resp.Int(6)), "EXEC")
	c.MustOK("WATCH", "k")
	c.MustOK("MULTI")
	c.MustOK("DISCARD")
	other.MustInt(7, "INCR", "k")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "INCR", "k")
	c.Must(resp.Array(resp.Int(8)), "EXEC")

	// Deleting, expiring and flushing a watched key count as changes.
	for _, change := range [][]string{{"DEL", "k"}, {"EXPIRE", "k", "100"}, {"FLUSHALL"}, {"RENAME", "k", "k2"}} {
		c.MustOK("SET", "k", "1")
		c.MustOK("WATCH", "k")
		other.Do(change...)
		c.MustOK("MULTI")
		c.Must(resp.Simple("QUEUED"), "PING")
		if got := c.Do("EXEC"); !Equal(got, nullArray) {
			t.Errorf("EXEC after another session ran %q: %v, want %v", change, got, nullArray)
		}
	}

	// The same key name in another database is another key.
	c.MustOK("SET", "k", "1")
	c.MustOK("WATCH", "k")
	other.MustOK("SELECT", "1")
	other.MustOK("SET", "k", "x")
	c.MustOK("MULTI")
	c.Must(resp.Simple("QUEUED"), "GET", "k")
	c.Must(resp.Array(resp.Bulk("1")), "EXEC")
}

// TestPipeline runs batches through Pipeliner, when the session has it,
// and checks the replies come in order, as one command at a time would
// give them.
func (s *Suite) TestPipeline(t *testing.T) {
	_, c := s.client(t)
	var cmds [][]string
	var want []resp.Value
	for i := 0; i < 100; i++ {
		cmds = append(cmds, []string{"INCR", "n"})
		want = append(want, resp.Int(int64(i+1)))
	}
	cmds = append(cmds, []string{"GET", "n"}, []string{"GET"}, []string{"NOPE"}, []string{"MULTI"}, []string{"INCR", "n"}, []string{"EXEC"}, []string{"SELECT", "3"}, []string{"DBSIZE"})
	want = append(want,
		resp.Bulk("100"),
		resp.Err("ERR wrong number of arguments for 'get' command"),
		resp.Err("ERR unknown command 'NOPE', with args beginning with: "),
		resp.Simple("OK"), resp.Simple("QUEUED"), resp.Array(resp.Int(101)),
		resp.Simple("OK"), resp.Int(0))
	got := c.Pipeline(cmds...)
	if len(got) != len(want) {
		t.Fatalf("%d replies to %d commands", len(got), len(want))
	}
	for i := range want {
		if !Equal(got[i], want[i]) {
			t.Errorf("reply %d to %q: %v, want %v", i, cmds[i], got[i], want[i])
		}
	}
	c.MustInt(0, "DBSIZE") // the batch's SELECT stays
}
