package redis

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/rk-redis/rk/internal/resp"
)

// nodeReply is one node's reply frame to a fanned-out command.
type nodeReply struct {
	addr  string
	frame []byte
}

// aggregate combines the replies of a command sent to several nodes, as its
// response_policy tip says. The result keeps the replies' RESP types.
func aggregate(policy string, replies []nodeReply) []byte {
	if len(replies) == 1 && policy != "concat_lines" {
		return replies[0].frame
	}
	var firstErr, firstOK []byte
	for _, r := range replies {
		if isError(r.frame) {
			if firstErr == nil {
				firstErr = r.frame
			}
		} else if firstOK == nil {
			firstOK = r.frame
		}
	}
	switch policy {
	case "one_succeeded":
		if firstOK != nil {
			return firstOK
		}
		return firstErr
	case "all_succeeded":
		if firstErr != nil {
			return firstErr
		}
		return firstOK
	}
	if firstErr != nil {
		return firstErr
	}
	vals := make([]resp.Value, len(replies))
	for i, r := range replies {
		v, err := decode(r.frame)
		if err != nil {
			return errFrameFor(err)
		}
		vals[i] = v
	}
	var out resp.Value
	var err error
	switch policy {
	case "agg_sum", "agg_min", "agg_max", "agg_logical_and", "agg_logical_or":
		out, err = fold(policy, vals)
	case "concat_lines":
		out, err = concatLines(replies, vals)
	default:
		out = merge(vals)
	}
	if err != nil {
		return errFrameFor(err)
	}
	return resp.AppendValue(nil, out)
}

func decode(frame []byte) (resp.Value, error) {
	return resp.NewReader(bytes.NewReader(frame)).ReadValue()
}

func errFrameFor(err error) []byte {
	return resp.AppendError(nil, "ERR rk: cannot combine the nodes' replies: "+err.Error())
}

// fold combines integers (or booleans, or arrays of them element by
// element) with a numeric or logical operator.
func fold(op string, vals []resp.Value) (resp.Value, error) {
	acc := vals[0]
	for _, v := range vals[1:] {
		var err error
		if acc, err = fold2(op, acc, v); err != nil {
			return resp.Value{}, err
		}
	}
	return acc, nil
}

func fold2(op string, a, b resp.Value) (resp.Value, error) {
	switch {
	case a.Kind == resp.KindInt && b.Kind == resp.KindInt:
		return resp.Int(combine(op, a.Int, b.Int)), nil
	case a.Kind == resp.KindBool && b.Kind == resp.KindBool:
		return resp.Bool(combine(op, b2i(a.Bool), b2i(b.Bool)) != 0), nil
	case a.Kind == resp.KindDouble && b.Kind == resp.KindDouble && (op == "agg_sum" || op == "agg_min" || op == "agg_max"):
		x, y := a.Float, b.Float
		switch op {
		case "agg_sum":
			return resp.Double(x + y), nil
		case "agg_min":
			return resp.Double(min(x, y)), nil
		}
		return resp.Double(max(x, y)), nil
	case isList(a) && isList(b) && len(a.Elems) == len(b.Elems):
		out := resp.Value{Kind: a.Kind, Elems: make([]resp.Value, len(a.Elems))}
		for i := range a.Elems {
			e, err := fold2(op, a.Elems[i], b.Elems[i])
			if err != nil {
				return resp.Value{}, err
			}
			out.Elems[i] = e
		}
		return out, nil
	}
	return resp.Value{}, fmt.Errorf("%s over %s and %s", op, a, b)
}

func combine(op string, x, y int64) int64 {
	switch op {
	case "agg_sum":
		return x + y
	case "agg_min":
		return min(x, y)
	case "agg_max":
		return max(x, y)
	case "agg_logical_and":
		return b2i(x != 0 && y != 0)
	default:
		return b2i(x != 0 || y != 0)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func isList(v resp.Value) bool {
	return !v.Null && (v.Kind == resp.KindArray || v.Kind == resp.KindSet)
}

// merge is the default for keyless commands sent to several nodes:
// aggregates are merged into one (arrays and sets concatenated, maps
// joined); other replies are returned from the first node.
func merge(vals []resp.Value) resp.Value {
	first := vals[0]
	switch {
	case isList(first) || (first.Kind == resp.KindMap && !first.Null):
		out := resp.Value{Kind: first.Kind}
		for _, v := range vals {
			if v.Kind == first.Kind && !v.Null {
				out.Elems = append(out.Elems, v.Elems...)
			}
		}
		return out
	}
	// One value of many (RANDOMKEY, whose tip is response_policy:special):
	// a non-null one at random, as Redis's documentation of the tip asks,
	// so that an empty shard does not hide the keys of the others.
	var found []resp.Value
	for _, v := range vals {
		if !v.Null {
			found = append(found, v)
		}
	}
	if len(found) == 0 {
		return first
	}
	return found[rand.IntN(len(found))]
}

// concatLines joins the text replies of CLIENT LIST-like commands, each
// line tagged with " node=ADDR".
func concatLines(replies []nodeReply, vals []resp.Value) (resp.Value, error) {
	var b strings.Builder
	for i, v := range vals {
		if v.Kind != resp.KindBulk && v.Kind != resp.KindVerbatim && v.Kind != resp.KindSimple {
			return resp.Value{}, fmt.Errorf("expected text from %s, got %s", replies[i].addr, v)
		}
		for _, line := range strings.SplitAfter(v.Str, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			b.WriteString(strings.TrimRight(line, "\r\n"))
			b.WriteString(" node=")
			b.WriteString(replies[i].addr)
			b.WriteByte('\n')
		}
	}
	out := vals[0]
	out.Str = b.String()
	return out, nil
}

// reassemble puts the replies to a command split by slot (MGET) back in
// the order of the original keys. pos[i] lists, for group i, the index
// of each of its keys in the original command.
func reassemble(policy string, groups []nodeReply, pos [][]int, nkeys int) []byte {
	switch policy {
	case "one_succeeded", "all_succeeded", "agg_sum", "agg_min", "agg_max", "agg_logical_and", "agg_logical_or":
		return aggregate(policy, groups)
	}
	for _, g := range groups {
		if isError(g.frame) {
			return g.frame
		}
	}
	out := resp.Value{Kind: resp.KindArray, Elems: make([]resp.Value, nkeys)}
	for i, g := range groups {
		v, err := decode(g.frame)
		if err != nil {
			return errFrameFor(err)
		}
		if !isList(v) || len(v.Elems) != len(pos[i]) {
			return aggregate(policy, groups)
		}
		out.Kind = v.Kind
		for j, p := range pos[i] {
			out.Elems[p] = v.Elems[j]
		}
	}
	return resp.AppendValue(nil, out)
}
