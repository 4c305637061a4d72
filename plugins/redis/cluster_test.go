package redis

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rk-redis/rk/backend/remote/remotetest"
	"github.com/rk-redis/rk/internal/resp"
	"github.com/rk-redis/rk/plugins/protocol"
)

// testCluster starts a 3-master cluster for one test (about a second).
// Scripts become busy after 100 ms.
func testCluster(t *testing.T) []string {
	t.Helper()
	return remotetest.StartCluster(t, 3, "--busy-reply-threshold", "100")
}

func clusterURL(addrs []string) string {
	u := "redis+cluster://" + addrs[0]
	for i, a := range addrs[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + a
	}
	return u
}

func TestClusterRouting(t *testing.T) {
	addrs := testCluster(t)
	b := openURL(t, "redis+cluster://"+addrs[0])
	s := newSession(t, b)
	// Keys in every slot range: each goes to its owner, whichever node the
	// session started on.
	for i := range 30 {
		k := fmt.Sprintf("key:%d", i)
		s.must(resp.Simple("OK"), "SET", k, fmt.Sprint(i))
	}
	for i := range 30 {
		k := fmt.Sprintf("key:%d", i)
		s.must(resp.Bulk(fmt.Sprint(i)), "GET", k)
		owner := remotetest.SlotOwner(t, addrs, k)
		v, err := remotetest.Command(owner, "GET", k)
		if err != nil || v.Str != fmt.Sprint(i) {
			t.Errorf("%s not on its owner %s: %v %v", k, owner, v, err)
		}
	}
	// multi_shard: MGET is split by slot and reassembled in key order; DEL
	// sums; MSET succeeds only if every part did.
	s.must(resp.Simple("OK"), "MSET", "a", "1", "b", "2", "c", "3", "d", "4")
	s.must(resp.Array(resp.Bulk("1"), resp.Bulk("2"), resp.NullBulk(), resp.Bulk("3"), resp.Bulk("4")), "MGET", "a", "b", "nope", "c", "d")
	s.must(resp.Int(3), "EXISTS", "a", "b", "c", "zz")
	// all_shards + agg_sum.
	s.must(resp.Int(34), "DBSIZE")
	s.must(resp.Int(4), "DEL", "a", "b", "c", "d")
	s.must(resp.Int(30), "DBSIZE")
	// A movable-keys command is routed by its key specs.
	s.must(resp.Bulk("7"), "EVAL", "return redis.call('GET', KEYS[1])", "1", "key:7")
	// A transaction runs on the node of its keys.
	r := s.do(argv("MULTI"), argv("INCR", "{t}x"), argv("INCR", "{t}x"), argv("EXEC"))
	if got := fmt.Sprint(decodeT(t, r.Frames)); got != `[+OK +QUEUED +QUEUED *[:1 :2]]` {
		t.Errorf("transaction: %s", got)
	}
	// Keyless commands without tips go to the home node.
	s.must(resp.Simple("PONG"), "PING")
	// SCRIPT LOAD is all_nodes + all_succeeded: every node knows the script.
	sha := s.one("SCRIPT", "LOAD", "return 1").Str
	for _, a := range addrs {
		if v, _ := remotetest.Command(a, "SCRIPT", "EXISTS", sha); len(v.Elems) != 1 || v.Elems[0].Int != 1 {
			t.Errorf("script not loaded on %s: %v", a, v)
		}
	}
	s.must(resp.Array(resp.Int(1), resp.Int(0)), "SCRIPT", "EXISTS", sha, "0000000000000000000000000000000000000000")
	// RANDOMKEY asks every shard and answers with a key one of them has:
	// the two empty shards do not hide the third's only key.
	s.must(resp.Simple("OK"), "FLUSHALL")
	s.must(resp.NullBulk(), "RANDOMKEY")
	s.must(resp.Simple("OK"), "SET", "solo", "1")
	for range 10 {
		s.must(resp.Bulk("solo"), "RANDOMKEY")
	}
}

func TestClusterRedirects(t *testing.T) {
	addrs := testCluster(t)
	b := openURL(t, "redis+cluster://"+addrs[0])
	cb := b.(*clusterBackend)
	s := newSession(t, b)
	s.must(resp.Simple("OK"), "SET", "moved-key", "v")
	// Spoil the slot map: every slot on the first node. MOVED sends the
	// command to the owner and repairs the map.
	cb.setTopology(seedTopology(addrs[:1]))
	s.must(resp.Bulk("v"), "GET", "moved-key")
	slot := keySlot([]byte("moved-key"))
	if got, want := cb.topology().nodeFor(slot), remotetest.SlotOwner(t, addrs, "moved-key"); got != want {
		t.Errorf("after MOVED slot %d maps to %s, want %s", slot, got, want)
	}

	// ASK: slot of "ask-key" migrating from its owner to another node.
	owner := remotetest.SlotOwner(t, addrs, "ask-key")
	var target string
	for _, a := range addrs {
		if a != owner {
			target = a
			break
		}
	}
	id := func(addr string) string {
		v, err := remotetest.Command(addr, "CLUSTER", "MYID")
		if err != nil {
			t.Fatal(err)
		}
		return v.Str
	}
	askSlot := fmt.Sprint(keySlot([]byte("ask-key")))
	mustOK := func(addr string, args ...string) {
		if v, err := remotetest.Command(addr, args...); err != nil || v.Str != "OK" {
			t.Fatalf("%s %q: %v %v", addr, args, v, err)
		}
	}
	mustOK(target, "CLUSTER", "SETSLOT", askSlot, "IMPORTING", id(owner))
	mustOK(owner, "CLUSTER", "SETSLOT", askSlot, "MIGRATING", id(target))
	t.Cleanup(func() {
		remotetest.Command(owner, "CLUSTER", "SETSLOT", askSlot, "STABLE")
		remotetest.Command(target, "CLUSTER", "SETSLOT", askSlot, "STABLE")
	})
	// The key does not exist on the owner, so it answers ASK; the write
	// lands on the importing node, after ASKING.
	s.must(resp.Simple("OK"), "SET", "ask-key", "there")
	v, err := remotetest.Command(target, "GET", "ask-key")
	if err == nil && v.IsError() {
		// Reading an importing slot needs ASKING; check with it.
		v, err = askingGet(target, "ask-key")
	}
	if err != nil || v.Str != "there" {
		t.Errorf("ASK: key not written on the importing node: %v %v", v, err)
	}
}

func askingGet(addr, key string) (resp.Value, error) {
	b, err := New("t").Open(context.Background(), "redis://"+addr)
	if err != nil {
		return resp.Value{}, err
	}
	defer b.Close()
	s, err := b.OpenSession(context.Background(), protocol.ClientInfo{}, newEvents())
	if err != nil {
		return resp.Value{}, err
	}
	defer s.Close()
	r, err := s.Do(context.Background(), [][][]byte{argv("ASKING"), argv("GET", key)})
	if err != nil {
		return resp.Value{}, err
	}
	_, rest := splitFrame(r.Frames)
	return decode(rest)
}

func TestClusterScriptKill(t *testing.T) {
	addrs := testCluster(t)
	busy := addrs[1]
	// A busy script on one shard, launched directly there.
	started := make(chan struct{})
	go func() {
		close(started)
		remotetest.Command(busy, "EVAL", "while true do end", "0")
	}()
	<-started
	waitBusy(t, busy)

	for _, seed := range []string{addrs[0], busy} {
		t.Run("seed="+seed, func(t *testing.T) {
			b := openURL(t, "redis+cluster://"+seed)
			s := newSession(t, b)
			got := s.one("SCRIPT", "KILL")
			if seed == busy {
				// The first kill succeeded; nothing is running any more.
				if !got.IsError() || !strings.HasPrefix(got.Str, "NOTBUSY") {
					t.Errorf("second SCRIPT KILL: %v", got)
				}
				return
			}
			if !valueEqual(got, resp.Simple("OK")) {
				t.Fatalf("SCRIPT KILL on the cluster: %v", got)
			}
			// Killed: the shard answers again.
			deadline := time.Now().Add(5 * time.Second)
			for {
				v, err := remotetest.Command(busy, "PING")
				if err == nil && v.Str == "PONG" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("shard still busy: %v %v", v, err)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// TestClusterScriptKillBusySeed starts with the busy node as the only
// seed: discovery is refused (BUSY), and SCRIPT KILL still reaches it.
func TestClusterScriptKillBusySeed(t *testing.T) {
	addrs := testCluster(t)
	busy := addrs[2]
	go remotetest.Command(busy, "EVAL", "while true do end", "0")
	waitBusy(t, busy)
	b := openURL(t, "redis+cluster://"+busy)
	s := newSession(t, b)
	if got := s.one("SCRIPT", "KILL"); !valueEqual(got, resp.Simple("OK")) {
		t.Fatalf("SCRIPT KILL via the busy seed: %v", got)
	}
}

func waitBusy(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, _ := remotetest.Command(addr, "PING")
		if v.IsError() && strings.HasPrefix(v.Str, "BUSY") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became busy: %v", addr, v)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestClusterClientListKill(t *testing.T) {
	addrs := testCluster(t)
	// Two idle clients with a name on every node.
	for _, a := range addrs {
		for range 2 {
			b := openURL(t, "redis://"+a+"?name=victim")
			newSession(t, b)
		}
	}
	b := openURL(t, "redis+cluster://"+addrs[0])
	s := newSession(t, b)
	list := s.one("CLIENT", "LIST")
	lines := strings.Split(strings.TrimSpace(list.Str), "\n")
	perNode := map[string]int{}
	for _, l := range lines {
		i := strings.LastIndex(l, " node=")
		if i < 0 {
			t.Fatalf("line without node: %q", l)
		}
		if strings.Contains(l, "name=victim ") {
			perNode[l[i+6:]]++
		}
	}
	for _, a := range addrs {
		if perNode[a] != 2 {
			t.Errorf("node %s: %d victims listed, want 2 (%v)", a, perNode[a], perNode)
		}
	}
	// CLIENT KILL goes to every node; the counts are summed. USER default
	// matches every client but the session's own (SKIPME yes).
	got := s.one("CLIENT", "KILL", "USER", "default")
	if got.Kind != resp.KindInt || got.Int < 6 {
		t.Errorf("CLIENT KILL USER default: %v, want at least 6", got)
	}
	// An error from the servers is returned as is.
	if got := s.one("CLIENT", "KILL", "USER", "nosuchuser"); !got.IsError() || got.Str != "ERR No such user 'nosuchuser'" {
		t.Errorf("CLIENT KILL USER nosuchuser: %v", got)
	}
	// The session survived its own CLIENT KILL.
	s.must(resp.Simple("PONG"), "PING")
}

func valueEqual(a, b resp.Value) bool {
	return string(resp.AppendValue(nil, a)) == string(resp.AppendValue(nil, b))
}
