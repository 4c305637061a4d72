package memory

import (
	"strings"
	"testing"
)

// globCases were checked against Redis 7.4.1 (KEYS pattern on a database
// holding only the subject).
var globCases = []struct {
	pattern, s string
	want       bool
}{
	{"", "", true},
	{"a", "", false},
	{"**", "", false}, // an empty subject matches only an empty pattern
	{"?", "", false},
	{"*", "x", true},
	{"*", "hello", true},
	{"h*o", "hello", true},
	{"h*o", "hell", false},
	{"h*l*o", "hello", true},
	{"h*l*o", "helo", true},
	{"h*l*o", "heo", false},
	{"*a", "a", true},
	{"a*", "a", true},
	{"a**", "a", true},
	{"a*b*", "ab", true},
	{"*o*", "foo", true},
	{"h?llo", "hello", true},
	{"h?llo", "hllo", false},
	{"???", "abc", true},
	{"???", "ab", false},
	{"h[ae]llo", "hallo", true},
	{"h[ae]llo", "hillo", false},
	{"h[^e]llo", "hallo", true},
	{"h[^e]llo", "hello", false},
	{"h[a-b]llo", "hbllo", true},
	{"h[a-b]llo", "hcllo", false},
	{"h[b-a]llo", "hallo", true}, // reversed range
	{"[a-]", "]", true},          // ']' ends the range, not the class
	{"[a-]", "a", true},
	{"[a-]", "-", false},
	{"[a-]x", "ax", false}, // the class swallows the rest of the pattern
	{"[abc", "b", true},    // unterminated class
	{"[abc", "d", false},
	{"[^", "x", true},
	{"[", "x", false},
	{"[]", "x", false},
	{"[]a]", "a]", false},
	{"[]a]", "]", false},
	{"[\\]]", "]", true},
	{"[\\-]", "-", true},
	{"[a\\-z]", "b", false},
	{"[a\\-z]", "-", true},
	{"\\*", "*", true},
	{"\\*", "a", false},
	{"\\?", "?", true},
	{"a\\", "a\\", true}, // a trailing backslash is literal
	{"\\[a]", "[a]", true},
	{"*\\*", "ab*", true},
	{"{a}*", "{a}x", true},
	{"*{b}*", "x{b}y", true},
	{"key:1??", "key:123", true},
	{"key:1??", "key:1234", false},
	{"H*", "hello", false},
	{"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 40), false},
	{"a\x00b", "a\x00b", true},
	{"?", "\xff", true},
	{"[\x80-\xff]", "\xfe", true},
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range globCases {
		if got := globMatch(tc.pattern, tc.s, false); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
		if got := globMatchBytes([]byte(tc.pattern), []byte(tc.s), false); got != tc.want {
			t.Errorf("globMatchBytes(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
		if got := globRef(tc.pattern, tc.s, false); got != tc.want {
			t.Errorf("reference(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestGlobMatchNocase(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"H*", "hello", true},
		{"h*", "HELLO", true},
		{"[A-C]x", "bX", true},
		{"[a-c]", "B", true},
		{"[Z-a]", "z", false}, // ends ordered before folding: empty range
		{"[\\A]", "a", false}, // an escaped class byte is compared exactly
		{"\\A", "a", true},
		{"[^A]", "a", false},
	} {
		if got := globMatch(tc.pattern, tc.s, true); got != tc.want {
			t.Errorf("globMatch(%q, %q, nocase) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
		if got := globRef(tc.pattern, tc.s, true); got != tc.want {
			t.Errorf("reference(%q, %q, nocase) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// Patterns that would take exponential time without the early give-up,
// and nesting past the limit, which Redis answers as no match.
func TestGlobPathological(t *testing.T) {
	if globMatch(strings.Repeat("*a", 30)+"b", strings.Repeat("a", 5000), false) {
		t.Error("nested stars matched")
	}
	// Logically a match (50000 '?'s against 50000 bytes) but the stars
	// nest past 1000, as Redis's "very long nested loops" test expects.
	if globMatch(strings.Repeat("*?", 50000), strings.Repeat("a", 50000), false) {
		t.Error("match past the nesting limit")
	}
	if !globMatch(strings.Repeat("*?", 500), strings.Repeat("a", 600), false) {
		t.Error("500 nested stars should match")
	}
}

func FuzzGlobMatch(f *testing.F) {
	for _, tc := range globCases {
		f.Add(tc.pattern, tc.s, false)
	}
	f.Add("[A-c]*\\", "Bxx\\", true)
	f.Fuzz(func(t *testing.T, pattern, s string, nocase bool) {
		if len(pattern) > 64 || len(s) > 64 {
			return // keeps the reference fast and below the nesting limit
		}
		if got, want := globMatch(pattern, s, nocase), globRef(pattern, s, nocase); got != want {
			t.Fatalf("globMatch(%q, %q, %v) = %v, reference says %v", pattern, s, nocase, got, want)
		}
	})
}

// globRef is a deliberately different matcher for the fuzz test: it
// compiles the pattern into one byte set per position (nil for '*') and
// runs the textbook dynamic program, with the one exception Redis has: an
// empty subject matches only an empty pattern.
func globRef(pattern, s string, nocase bool) bool {
	if s == "" {
		return pattern == ""
	}
	toks := globRefCompile(pattern, nocase)
	// m[j] reports whether the tokens so far match s[:j].
	m := make([]bool, len(s)+1)
	m[0] = true
	for _, tok := range toks {
		next := make([]bool, len(s)+1)
		for j := 0; j <= len(s); j++ {
			if tok == nil {
				next[j] = m[j] || (j > 0 && next[j-1])
			} else if j > 0 {
				next[j] = m[j-1] && tok[s[j-1]]
			}
		}
		m = next
	}
	return m[len(s)]
}

func globRefCompile(p string, nocase bool) []*[256]bool {
	lower := func(c byte) byte {
		if nocase && c >= 'A' && c <= 'Z' {
			return c + 32
		}
		return c
	}
	one := func(pred func(c byte) bool) *[256]bool {
		var set [256]bool
		for c := 0; c < 256; c++ {
			set[c] = pred(byte(c))
		}
		return &set
	}
	var toks []*[256]bool
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			toks = append(toks, nil)
		case '?':
			toks = append(toks, one(func(byte) bool { return true }))
		case '\\':
			if i+1 < len(p) {
				i++
			}
			lit := lower(p[i])
			toks = append(toks, one(func(c byte) bool { return lower(c) == lit }))
		case '[':
			i++
			neg := i < len(p) && p[i] == '^'
			if neg {
				i++
			}
			var preds []func(byte) bool
			for ; i < len(p) && p[i] != ']'; i++ {
				switch {
				case p[i] == '\\' && i+1 < len(p):
					i++
					lit := p[i]
					preds = append(preds, func(c byte) bool { return c == lit })
				case i+2 < len(p) && p[i+1] == '-':
					a, b := p[i], p[i+2]
					if a > b {
						a, b = b, a
					}
					a, b = lower(a), lower(b)
					preds = append(preds, func(c byte) bool { c = lower(c); return a <= c && c <= b })
					i += 2
				default:
					lit := lower(p[i])
					preds = append(preds, func(c byte) bool { return lower(c) == lit })
				}
			}
			toks = append(toks, one(func(c byte) bool {
				in := false
				for _, pr := range preds {
					in = in || pr(c)
				}
				return in != neg
			}))
		default:
			lit := lower(c)
			toks = append(toks, one(func(c byte) bool { return lower(c) == lit }))
		}
	}
	return toks
}
