package render

import (
	"regexp"
	"testing"

	"gotest.tools/v3/assert"
)

func TestHighlight(t *testing.T) {
	const inv, off = sgrInverse, sgrNoInverse
	tests := []struct {
		name, pattern, text, want string
		ansi                      bool
	}{
		{"one match", `b+`, "abbc", "a" + inv + "bb" + off + "c", false},
		{"every match", `o`, "foo", "f" + inv + "oo" + off, false},
		{"touching matches merge", `ab|c`, "abc", inv + "abc" + off, false},
		{"empty matches are ignored", `x*`, "abc", "abc", false},
		{"no match leaves the text", `z`, "abc", "abc", false},
		{"the whole text", `.+`, "abc", inv + "abc" + off, false},
		{"multi-byte runes stay whole", `é`, "héllo ✓", "h" + inv + "é" + off + "llo ✓", false},
		{"matches the sanitized text, not the raw bytes", `\^\[`, "a\x1bb", "a" + inv + "^[" + off + "b", false},
		{"passed sequences are not matched", `31`, "\x1b[31mx31\x1b[0m", "\x1b[31mx" + inv + "31" + off + "\x1b[0m", true},
		{"a match spans a passed sequence", `ab`, "a\x1b[1mb", inv + "a\x1b[1m" + inv + "b" + off, true},
		{"a match opens after and closes before sequences", `b`, "a\x1b[1mb\x1b[0mc",
			"a\x1b[1m" + inv + "b" + off + "\x1b[0mc", true},
		{"a match at the end before a sequence", `c$`, "abc\x1b[0m", "ab" + inv + "c" + off + "\x1b[0m", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := NewTerminal(discard{}, discard{}, Options{Color: true, ANSI: tt.ansi,
				Highlight: []*regexp.Regexp{regexp.MustCompile(tt.pattern)}})
			got := string(term.appendVisible([]byte("> "), []byte(tt.text)))
			assert.Equal(t, got, "> "+tt.want)
		})
	}
}

func TestHighlightSeveralPatterns(t *testing.T) {
	h := &highlighter{res: []*regexp.Regexp{regexp.MustCompile(`c`), regexp.MustCompile(`a`), regexp.MustCompile(`bc|e`)}}
	got := string(h.apply([]byte("abcde"), 0, nil))
	assert.Equal(t, got, sgrInverse+"abc"+sgrNoInverse+"d"+sgrInverse+"e"+sgrNoInverse)
}
