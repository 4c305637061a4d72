package redis

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/rueidis"

	"github.com/rk-redis/rk/plugins/protocol"
)

// Redis Cluster support.
//
// Sessions relay over their own connections (one per node, dialled when
// first needed), exactly as in standalone mode. The cluster's control plane
// — discovering the nodes and slots (CLUSTER SHARDS, or CLUSTER SLOTS on
// servers before 7.0) and reading command tips and key positions (COMMAND
// INFO) — goes through rueidis clients shared by the backend's sessions.
//
// Routing follows the server's command tips (see route.go); redirections
// (MOVED, ASK) are followed and refresh the slot map.

const numSlots = 16384

type clusterBackend struct {
	cfg      *config
	ctl      *control
	sessions sessionSet

	mu      sync.RWMutex
	topo    *topology
	cmds    map[string]*cmdInfo // by name, lower case
	lastRef time.Time
}

// topology is a snapshot of the cluster's layout.
type topology struct {
	nodes   []string // every node: masters first
	masters []string
	slots   [numSlots]int16 // index into nodes of the slot's master, or -1
	guessed bool            // discovery failed: nodes are the seeds
}

func openCluster(ctx context.Context, cfg *config) (*clusterBackend, error) {
	b := &clusterBackend{cfg: cfg, ctl: newControl(cfg), cmds: map[string]*cmdInfo{}}
	if err := b.refresh(ctx); err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) && pe.Code != protocol.CodeUnavailable {
			return nil, err
		}
		// A seed can be unreachable or busy (a running script refuses
		// CLUSTER SHARDS): carry on with the seeds themselves, so that
		// commands allowed while busy, such as SCRIPT KILL, still work.
		if !hasReachable(ctx, cfg) {
			return nil, err
		}
		b.setTopology(seedTopology(cfg.addrs))
	}
	return b, nil
}

func hasReachable(ctx context.Context, cfg *config) bool {
	for _, a := range cfg.addrs {
		d := net.Dialer{Timeout: cfg.dial}
		if nc, err := d.DialContext(ctx, cfg.network, a); err == nil {
			nc.Close()
			return true
		}
	}
	return false
}

func seedTopology(addrs []string) *topology {
	t := &topology{nodes: append([]string(nil), addrs...), masters: append([]string(nil), addrs...), guessed: true}
	for i := range t.slots {
		t.slots[i] = 0
	}
	return t
}

func (b *clusterBackend) setTopology(t *topology) {
	b.mu.Lock()
	b.topo = t
	b.lastRef = time.Now()
	b.mu.Unlock()
}

func (b *clusterBackend) topology() *topology {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.topo
}

// refresh rediscovers the cluster from the known nodes, then the seeds.
func (b *clusterBackend) refresh(ctx context.Context) error {
	var cands []string
	if t := b.topology(); t != nil && !t.guessed {
		cands = append(cands, t.masters...)
	}
	cands = append(cands, b.cfg.addrs...)
	var firstErr error
	seen := map[string]bool{}
	for _, addr := range cands {
		if seen[addr] {
			continue
		}
		seen[addr] = true
		t, err := b.discover(ctx, addr)
		if err == nil {
			b.setTopology(t)
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return firstErr
}

// refreshSoon refreshes the slot map in the background after a redirection,
// at most once a second.
func (b *clusterBackend) refreshSoon() {
	b.mu.Lock()
	if time.Since(b.lastRef) < time.Second {
		b.mu.Unlock()
		return
	}
	b.lastRef = time.Now()
	b.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		b.refresh(ctx)
	}()
}

// moved records a MOVED redirection in the slot map.
func (b *clusterBackend) moved(slot int, addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topo
	if t == nil || slot < 0 || slot >= numSlots {
		return
	}
	nt := *t
	idx := -1
	for i, n := range nt.nodes {
		if n == addr {
			idx = i
		}
	}
	if idx < 0 {
		nt.nodes = append(append([]string(nil), nt.nodes...), addr)
		nt.masters = append(append([]string(nil), nt.masters...), addr)
		idx = len(nt.nodes) - 1
	}
	nt.slots[slot] = int16(idx)
	b.topo = &nt
}

// nodeFor returns the address serving slot.
func (t *topology) nodeFor(slot int) string {
	if i := t.slots[slot]; i >= 0 && int(i) < len(t.nodes) {
		return t.nodes[i]
	}
	if len(t.masters) > 0 {
		return t.masters[0]
	}
	return ""
}

func (b *clusterBackend) discover(ctx context.Context, addr string) (*topology, error) {
	msg, err := b.ctl.do(ctx, addr, "CLUSTER", "SHARDS")
	if err == nil {
		return b.parseShards(addr, msg)
	}
	if re, ok := rueidis.IsRedisErr(err); ok && strings.Contains(strings.ToLower(re.Error()), "unknown subcommand") {
		if msg, err = b.ctl.do(ctx, addr, "CLUSTER", "SLOTS"); err == nil {
			return b.parseSlots(addr, msg)
		}
	}
	return nil, b.ctl.failure(addr, err)
}

// nodeAddr picks a node's address from CLUSTER SHARDS / SLOTS fields: the
// preferred endpoint, or the IP, or (when the server does not know) the
// host rk used to reach the node it asked.
func (b *clusterBackend) nodeAddr(asked, endpoint, ip string, port, tlsPort int64) string {
	host := endpoint
	if host == "" || host == "?" {
		host = ip
	}
	if host == "" || host == "?" {
		host, _, _ = net.SplitHostPort(asked)
	}
	p := port
	if b.cfg.tls != nil && tlsPort > 0 {
		p = tlsPort
	}
	if p == 0 {
		p = tlsPort
	}
	return net.JoinHostPort(host, strconv.FormatInt(p, 10))
}

func (b *clusterBackend) parseShards(asked string, msg rueidis.RedisMessage) (*topology, error) {
	shards, err := msg.ToArray()
	if err != nil {
		return nil, err
	}
	t := &topology{}
	for i := range t.slots {
		t.slots[i] = -1
	}
	var replicas []string
	type span struct{ lo, hi int64 }
	for _, sh := range shards {
		m, err := sh.AsMap()
		if err != nil {
			return nil, fmt.Errorf("CLUSTER SHARDS: %w", err)
		}
		slotsMsg, nodesMsg := m["slots"], m["nodes"]
		slotList, _ := slotsMsg.AsIntSlice()
		nodes, _ := nodesMsg.ToArray()
		master := ""
		for _, n := range nodes {
			nm, err := n.AsMap()
			if err != nil {
				continue
			}
			role, _ := str(nm, "role")
			health, _ := str(nm, "health")
			endpoint, _ := str(nm, "endpoint")
			ip, _ := str(nm, "ip")
			port, _ := num(nm, "port")
			tlsPort, _ := num(nm, "tls-port")
			a := b.nodeAddr(asked, endpoint, ip, port, tlsPort)
			if role == "master" && master == "" {
				master = a
			} else if health != "failed" {
				replicas = append(replicas, a)
			}
		}
		if master == "" {
			continue
		}
		idx := len(t.nodes)
		t.nodes = append(t.nodes, master)
		t.masters = append(t.masters, master)
		for i := 0; i+1 < len(slotList); i += 2 {
			for s := slotList[i]; s <= slotList[i+1] && s < numSlots; s++ {
				if s >= 0 {
					t.slots[s] = int16(idx)
				}
			}
		}
	}
	if len(t.masters) == 0 {
		return nil, errors.New("CLUSTER SHARDS: no masters (is cluster mode enabled?)")
	}
	t.nodes = append(t.nodes, replicas...)
	return t, nil
}

func (b *clusterBackend) parseSlots(asked string, msg rueidis.RedisMessage) (*topology, error) {
	ranges, err := msg.ToArray()
	if err != nil {
		return nil, err
	}
	t := &topology{}
	for i := range t.slots {
		t.slots[i] = -1
	}
	index := map[string]int{}
	var replicas []string
	for _, r := range ranges {
		f, err := r.ToArray()
		if err != nil || len(f) < 3 {
			continue
		}
		lo, _ := f[0].AsInt64()
		hi, _ := f[1].AsInt64()
		for i, n := range f[2:] {
			nf, err := n.ToArray()
			if err != nil || len(nf) < 2 {
				continue
			}
			host, _ := nf[0].ToString()
			port, _ := nf[1].AsInt64()
			a := b.nodeAddr(asked, host, host, port, 0)
			if i > 0 {
				replicas = append(replicas, a)
				continue
			}
			idx, ok := index[a]
			if !ok {
				idx = len(t.nodes)
				index[a] = idx
				t.nodes = append(t.nodes, a)
				t.masters = append(t.masters, a)
			}
			for s := lo; s <= hi && s < numSlots; s++ {
				if s >= 0 {
					t.slots[s] = int16(idx)
				}
			}
		}
	}
	if len(t.masters) == 0 {
		return nil, errors.New("CLUSTER SLOTS: no masters (is cluster mode enabled?)")
	}
	seen := map[string]bool{}
	for _, r := range replicas {
		if _, master := index[r]; !master && !seen[r] {
			seen[r] = true
			t.nodes = append(t.nodes, r)
		}
	}
	return t, nil
}

func str(m map[string]rueidis.RedisMessage, k string) (string, bool) {
	v, ok := m[k]
	if !ok {
		return "", false
	}
	s, err := v.ToString()
	return s, err == nil
}

func num(m map[string]rueidis.RedisMessage, k string) (int64, bool) {
	v, ok := m[k]
	if !ok {
		return 0, false
	}
	n, err := v.AsInt64()
	return n, err == nil
}

func (b *clusterBackend) Close() error {
	b.sessions.closeAll()
	return nil
}

// control is the backend's control plane: rueidis clients for the
// questions rk asks the cluster itself (topology, command tips). They are
// opened for a question and closed right after, so that rk's own control
// connections are never among the clients a CLIENT LIST or CLIENT KILL
// sees or counts; questions are rare (at open, after a redirection, once
// per command name).
type control struct {
	cfg *config
}

func newControl(cfg *config) *control { return &control{cfg: cfg} }

func (ct *control) client(addr string) (rueidis.Client, error) {
	opt := rueidis.ClientOption{
		InitAddress:       []string{addr},
		ForceSingleClient: true,
		DisableCache:      true,
		DisableRetry:      true,
		Password:          ct.cfg.pass,
		TLSConfig:         ct.cfg.tlsFor(addr),
		Dialer:            net.Dialer{Timeout: ct.cfg.dial},
		ClientSetInfo:     rueidis.DisableClientSetInfo,
	}
	if ct.cfg.hasPass {
		opt.Username = ct.cfg.user
		if opt.Username == "" {
			opt.Username = "default"
		}
	}
	c, err := rueidis.NewClient(opt)
	if err != nil {
		if c != nil {
			c.Close()
		}
		return nil, err
	}
	return c, nil
}

// do runs one command on the node at addr.
func (ct *control) do(ctx context.Context, addr string, args ...string) (rueidis.RedisMessage, error) {
	c, err := ct.client(addr)
	if err != nil {
		return rueidis.RedisMessage{}, err
	}
	defer c.Close()
	return c.Do(ctx, c.B().Arbitrary(args...).Build()).ToMessage()
}

// failure turns a control-plane error into the driver's error.
func (ct *control) failure(addr string, err error) error {
	if err == nil {
		return nil
	}
	if re, ok := rueidis.IsRedisErr(err); ok {
		text := re.Error()
		switch {
		case strings.HasPrefix(text, "BUSY"), strings.HasPrefix(text, "LOADING"):
			return protocol.Errorf(protocol.CodeUnavailable, "Redis at %s: %s", addr, text)
		case strings.HasPrefix(text, "NOAUTH"), strings.HasPrefix(text, "WRONGPASS"), strings.HasPrefix(text, "NOPERM"):
			return protocol.Errorf(protocol.CodeAuth, "AUTH failed: %s", text)
		}
		return protocol.Errorf(protocol.CodeInvalid, "Redis at %s: %s", addr, text)
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return protocol.Errorf(protocol.CodeUnavailable, "Could not connect to Redis at %s: %s", addr, sysText(err))
	}
	return protocol.Errorf(protocol.CodeUnavailable, "Redis at %s: %v", addr, err)
}
