package redis

import (
	"context"
	"strings"

	"github.com/redis/rueidis"
)

// Routing in cluster mode is driven by what the server says about each
// command (COMMAND INFO, fetched once per command name and cached):
//
//   - key positions (legacy first/last/step, and key specifications for
//     commands whose keys move, such as EVAL's numkeys) give the hash slot;
//   - the request_policy tip picks the nodes: all_nodes (masters and
//     replicas), all_shards (masters), multi_shard (split by slot), or by
//     default the slot's master, or any node for keyless commands;
//   - the response_policy tip combines the replies: one_succeeded,
//     all_succeeded, agg_logical_and, agg_logical_or, agg_min, agg_max,
//     agg_sum, or by default an aggregate of the aggregates (keyless) or the
//     replies in key order (multi_shard).
//
// A few commands that Redis leaves untipped but that only make sense
// cluster-wide get tips from rk (extraTips): CLIENT LIST (all_nodes, each
// node's lines tagged with the node), CLIENT KILL (all_nodes, agg_sum, or
// one_succeeded for the old one-address form) and MONITOR (all_nodes).
// Tips the server gives always win.

type cmdInfo struct {
	name              string // full name: "get", "client|kill"
	first, last, step int
	movable           bool
	specs             []keySpec
	request, response string
	subs              map[string]*cmdInfo
}

type keySpec struct {
	// begin_search
	index   int    // "index": position of the first key
	keyword string // "keyword": keys start after this token
	from    int    // ... searched from this position (negative: from the end)
	// find_keys
	lastkey, keystep, limit int // "range"
	keynumidx, firstkey     int // "keynum"
	isKeynum                bool
	unknown                 bool
}

// extraTips are rk's tips for commands the server does not tip.
func extraTips(name string, argv [][]byte) (req, resp string) {
	switch name {
	case "client|list":
		return "all_nodes", "concat_lines"
	case "client|kill":
		if len(argv) == 3 {
			return "all_nodes", "one_succeeded"
		}
		return "all_nodes", "agg_sum"
	case "monitor":
		return "all_nodes", "all_succeeded"
	}
	return "", ""
}

// lookup returns what the server says about argv's command, or nil when it
// does not know it (or could not be asked).
func (b *clusterBackend) lookup(ctx context.Context, argv [][]byte) *cmdInfo {
	name := lowerName(argv[0])
	b.mu.RLock()
	ci, ok := b.cmds[name]
	b.mu.RUnlock()
	if !ok {
		var fetched bool
		ci, fetched = b.fetchInfo(ctx, name)
		if fetched {
			b.mu.Lock()
			b.cmds[name] = ci
			b.mu.Unlock()
		}
	}
	if ci != nil && len(ci.subs) > 0 && len(argv) > 1 {
		if sub := ci.subs[lowerName(argv[1])]; sub != nil {
			return sub
		}
	}
	return ci
}

// fetchInfo asks the nodes, in turn, for COMMAND INFO name. fetched is
// false when no node answered (all busy or down): the answer is not cached.
func (b *clusterBackend) fetchInfo(ctx context.Context, name string) (*cmdInfo, bool) {
	t := b.topology()
	for _, addr := range t.masters {
		msg, err := b.ctl.do(ctx, addr, "COMMAND", "INFO", name)
		if err != nil {
			if _, redisErr := rueidis.IsRedisErr(err); redisErr && !strings.HasPrefix(err.Error(), "BUSY") && !strings.HasPrefix(err.Error(), "LOADING") {
				return nil, true
			}
			continue
		}
		entries, err := msg.ToArray()
		if err != nil || len(entries) == 0 || entries[0].IsNil() {
			return nil, true
		}
		return parseInfo(entries[0]), true
	}
	return nil, false
}

func parseInfo(m rueidis.RedisMessage) *cmdInfo {
	f, err := m.ToArray()
	if err != nil || len(f) < 6 {
		return nil
	}
	ci := &cmdInfo{}
	ci.name, _ = f[0].ToString()
	ci.name = strings.ToLower(ci.name)
	flags, _ := f[2].AsStrSlice()
	for _, fl := range flags {
		if strings.EqualFold(fl, "movablekeys") {
			ci.movable = true
		}
	}
	first, _ := f[3].AsInt64()
	last, _ := f[4].AsInt64()
	step, _ := f[5].AsInt64()
	ci.first, ci.last, ci.step = int(first), int(last), int(step)
	if len(f) > 7 {
		tips, _ := f[7].AsStrSlice()
		for _, tip := range tips {
			if v, ok := strings.CutPrefix(tip, "request_policy:"); ok {
				ci.request = v
			}
			if v, ok := strings.CutPrefix(tip, "response_policy:"); ok {
				ci.response = v
			}
		}
	}
	if len(f) > 8 {
		specs, _ := f[8].ToArray()
		for _, s := range specs {
			ci.specs = append(ci.specs, parseKeySpec(s))
		}
	}
	if len(f) > 9 {
		subs, _ := f[9].ToArray()
		for _, s := range subs {
			if sub := parseInfo(s); sub != nil {
				if ci.subs == nil {
					ci.subs = map[string]*cmdInfo{}
				}
				_, short, _ := strings.Cut(sub.name, "|")
				ci.subs[short] = sub
			}
		}
	}
	return ci
}

func parseKeySpec(m rueidis.RedisMessage) keySpec {
	ks := keySpec{unknown: true}
	spec, err := m.AsMap()
	if err != nil {
		return ks
	}
	bsMsg, fkMsg := spec["begin_search"], spec["find_keys"]
	bs, err1 := bsMsg.AsMap()
	fk, err2 := fkMsg.AsMap()
	if err1 != nil || err2 != nil {
		return ks
	}
	bsType, bsSpec := typeAndSpec(bs)
	switch bsType {
	case "index":
		ks.index = int(intField(bsSpec, "index"))
	case "keyword":
		ks.keyword, _ = str(bsSpec, "keyword")
		ks.from = int(intField(bsSpec, "startfrom"))
	default:
		return ks
	}
	fkType, fkSpec := typeAndSpec(fk)
	switch fkType {
	case "range":
		ks.lastkey = int(intField(fkSpec, "lastkey"))
		ks.keystep = int(intField(fkSpec, "keystep"))
		ks.limit = int(intField(fkSpec, "limit"))
	case "keynum":
		ks.isKeynum = true
		ks.keynumidx = int(intField(fkSpec, "keynumidx"))
		ks.firstkey = int(intField(fkSpec, "firstkey"))
		ks.keystep = int(intField(fkSpec, "keystep"))
	default:
		return ks
	}
	ks.unknown = false
	return ks
}

func typeAndSpec(m map[string]rueidis.RedisMessage) (string, map[string]rueidis.RedisMessage) {
	typ, _ := str(m, "type")
	specMsg := m["spec"]
	spec, _ := specMsg.AsMap()
	return typ, spec
}

func intField(m map[string]rueidis.RedisMessage, k string) int64 {
	n, _ := num(m, k)
	return n
}

// keyIndexes returns the positions of argv's keys. ok is false when the key
// specifications cannot be read without the server's help.
func (ci *cmdInfo) keyIndexes(argv [][]byte) (idx []int, ok bool) {
	if ci == nil {
		return nil, true
	}
	if !ci.movable {
		if ci.first <= 0 {
			return nil, true
		}
		last := ci.last
		if last < 0 {
			last = len(argv) + last
		}
		step := max(ci.step, 1)
		for i := ci.first; i <= last && i < len(argv); i += step {
			idx = append(idx, i)
		}
		return idx, true
	}
	for _, ks := range ci.specs {
		if ks.unknown {
			return nil, false
		}
		start := -1
		if ks.keyword == "" {
			start = ks.index
		} else {
			from := ks.from
			if from >= 0 {
				for i := from; i < len(argv); i++ {
					if strings.EqualFold(string(argv[i]), ks.keyword) {
						start = i + 1
						break
					}
				}
			} else {
				for i := len(argv) + from; i > 0; i-- {
					if strings.EqualFold(string(argv[i]), ks.keyword) {
						start = i + 1
						break
					}
				}
			}
		}
		if start <= 0 || start >= len(argv) {
			continue
		}
		if ks.isKeynum {
			ni := start + ks.keynumidx
			if ni >= len(argv) {
				continue
			}
			n := atoi(argv[ni])
			first := start + ks.firstkey
			step := max(ks.keystep, 1)
			for i, k := first, 0; k < n && i < len(argv); i, k = i+step, k+1 {
				idx = append(idx, i)
			}
			continue
		}
		last := ks.lastkey
		switch {
		case last >= 0:
			last = start + last
		case ks.limit > 1:
			last = start + (len(argv)-start)/ks.limit - 1
		default:
			last = len(argv) + last
		}
		step := max(ks.keystep, 1)
		for i := start; i <= last && i < len(argv); i += step {
			idx = append(idx, i)
		}
	}
	return idx, true
}

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return n
		}
	}
	return n
}

// keySlot is the Redis Cluster hash slot of key: CRC16 of the key, or of
// its hash tag (the part between the first '{' and the next '}', when not
// empty), modulo 16384.
func keySlot(key []byte) int {
	if i := indexByte(key, '{'); i >= 0 {
		if j := indexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	return int(crc16(key) & (numSlots - 1))
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// crc16 is CRC-16/XMODEM (polynomial 0x1021), the one Redis Cluster uses.
func crc16(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc = crc<<8 ^ crcTable[byte(crc>>8)^c]
	}
	return crc
}

var crcTable = func() (t [256]uint16) {
	for i := range t {
		crc := uint16(i) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
		t[i] = crc
	}
	return t
}()
