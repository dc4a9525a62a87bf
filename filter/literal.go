package filter

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// matcher is a compiled pattern with a literal prefilter: lits, when not
// nil, are strings one of which every match contains. Most lines match
// none of a user's patterns, and searching for a literal is many times
// faster than running Go's regexp engine, which has no DFA.
type matcher struct {
	re   *regexp.Regexp
	lits []string
	blit [][]byte // lits as bytes
}

// maxLits bounds the prefilter: past it, running the regexp is cheaper.
const maxLits = 8

func newMatcher(re *regexp.Regexp, tree *syntax.Regexp) *matcher {
	m := &matcher{re: re}
	if lits, ok := required(tree); ok {
		m.lits = lits
		for _, l := range lits {
			m.blit = append(m.blit, []byte(l))
		}
	}
	return m
}

// match reports whether the pattern matches b.
func (m *matcher) match(b []byte) bool {
	if m.blit != nil && !containsAny(b, m.blit) {
		return false
	}
	return m.re.Match(b)
}

// matchString reports whether the pattern matches s.
func (m *matcher) matchString(s string) bool {
	if m.lits != nil {
		found := false
		for _, l := range m.lits {
			if strings.Contains(s, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return m.re.MatchString(s)
}

func containsAny(b []byte, lits [][]byte) bool {
	for _, l := range lits {
		if bytes.Contains(b, l) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of re contains, or
// false when it finds no such set. A literal folding case, or holding
// U+FFFD (which also matches an invalid byte), does not count.
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if re.Flags&syntax.FoldCase != 0 || s == "" || strings.ContainsRune(s, utf8.RuneError) {
			return nil, false
		}
		return []string{s}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		return bestOf(re.Sub)
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok || len(all)+len(lits) > maxLits {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, true
	}
	return nil, false
}

// bestOf picks, among the parts of a concatenation, the literal set whose
// shortest literal is longest: the most selective one.
func bestOf(subs []*syntax.Regexp) ([]string, bool) {
	var best []string
	bestLen := 0
	for _, sub := range subs {
		lits, ok := required(sub)
		if !ok {
			continue
		}
		shortest := len(lits[0])
		for _, l := range lits[1:] {
			shortest = min(shortest, len(l))
		}
		if shortest > bestLen {
			best, bestLen = lits, shortest
		}
	}
	return best, best != nil
}
