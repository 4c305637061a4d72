package memory

import "unsafe"

// Glob-style pattern matching, as KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG
// GET use it. The rules are Redis's (stringmatchlen in util.c), quirks
// included, because clients see the difference:
//
//   - '*' matches any run of bytes, '?' any single byte.
//   - '[abc]' matches one byte of the set, '[^abc]' one byte outside it,
//     '[a-z]' a range (the ends may come in either order), and '\x' inside a
//     class is a literal x. A class missing its ']' ends with the pattern,
//     and in '[a-]' the ']' is the end of a range, so that class is
//     unterminated too.
//   - '\x' outside a class is a literal x; a trailing '\' is a literal '\'.
//   - An empty subject matches only the empty pattern: "*" does not match
//     "" (KEYS and SCAN special-case the pattern "*" before matching).
//   - Matching gives up, reporting no match, once '*'s nest more than 1000
//     deep, which bounds the work a hostile pattern can cause.
//
// The matcher is recursive on '*' with one refinement that keeps it linear
// in practice: once the rest of the pattern after a '*' has failed at
// every later position of the subject, no earlier '*' can succeed either
// (it could only hand a shorter subject to that same rest), so the whole
// match fails at once.

// globMaxNesting is the deepest '*' recursion before matching gives up.
const globMaxNesting = 1000

// globMatch reports whether s matches the glob pattern. nocase folds ASCII
// letters.
func globMatch(pattern, s string, nocase bool) bool {
	g := globber{p: pattern, s: s, nocase: nocase}
	return g.match(0, 0, 0)
}

// globMatchBytes is globMatch for byte slices; it does not copy them.
func globMatchBytes(pattern, s []byte, nocase bool) bool {
	return globMatch(bytesAsString(pattern), bytesAsString(s), nocase)
}

// bytesAsString views b as a string without copying. The caller must not
// change b while the string is in use.
func bytesAsString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// globber holds one match in progress.
type globber struct {
	p, s   string
	nocase bool
	// giveUp is set when a '*' exhausted the subject: see the file comment.
	giveUp bool
}

func (g *globber) fold(c byte) byte {
	if g.nocase && 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// match matches p[pi:] against s[si:]; depth counts the enclosing '*'s.
func (g *globber) match(pi, si, depth int) bool {
	if depth > globMaxNesting {
		return false
	}
	p, s := g.p, g.s
	for pi < len(p) && si < len(s) {
		switch p[pi] {
		case '*':
			// A run of '*' is one '*'.
			for pi+1 < len(p) && p[pi+1] == '*' {
				pi++
			}
			if pi+1 == len(p) {
				return true
			}
			for ; si < len(s); si++ {
				if g.match(pi+1, si, depth+1) {
					return true
				}
				if g.giveUp {
					return false
				}
			}
			g.giveUp = true
			return false
		case '?':
			si++
		case '[':
			var ok bool
			pi, ok = g.class(pi+1, s[si])
			if !ok {
				return false
			}
			si++
		case '\\':
			if pi+1 < len(p) {
				pi++
			}
			fallthrough
		default:
			if g.fold(p[pi]) != g.fold(s[si]) {
				return false
			}
			si++
		}
		pi++
		if si == len(s) {
			// The subject is used up: only '*'s may remain.
			for pi < len(p) && p[pi] == '*' {
				pi++
			}
			break
		}
	}
	return pi == len(p) && si == len(s)
}

// class matches byte c against the class whose body starts at p[pi] (just
// after the '['). It returns the index of the class's last byte (its ']',
// or the pattern's last byte when the class is unterminated) and whether c
// is in the class.
func (g *globber) class(pi int, c byte) (int, bool) {
	p := g.p
	negate := pi < len(p) && p[pi] == '^'
	if negate {
		pi++
	}
	in := false
	fc := g.fold(c)
	for {
		if pi >= len(p) {
			// Unterminated: the class ends with the pattern.
			pi = len(p) - 1
			break
		}
		switch {
		case p[pi] == '\\' && pi+1 < len(p):
			pi++
			if p[pi] == c {
				in = true
			}
		case p[pi] == ']':
			return pi, in != negate
		case pi+2 < len(p) && p[pi+1] == '-':
			// Redis orders the ends before folding them, so a
			// nocase range can come out empty ("[Z-a]").
			lo, hi := p[pi], p[pi+2]
			if lo > hi {
				lo, hi = hi, lo
			}
			if lo, hi = g.fold(lo), g.fold(hi); lo <= fc && fc <= hi {
				in = true
			}
			pi += 2
		default:
			if g.fold(p[pi]) == fc {
				in = true
			}
		}
		pi++
	}
	return pi, in != negate
}
