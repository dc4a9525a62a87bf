package render

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"github.com/docker-devlogs/devlogs/internal/race"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"printable ASCII is copied", "GET /health 200 12ms", "GET /health 200 12ms"},
		{"tab is kept", "a\tb", "a\tb"},
		{"empty stays empty", "", ""},
		{"ESC is shown as caret", "\x1b[31mred\x1b[0m", "^[[31mred^[[0m"},
		{"CR is shown as backslash r", "50%\r100%", `50%\r100%`},
		{"NUL and other C0 in caret notation", "\x00\x01\x07\x08\x0a\x1f", "^@^A^G^H^J^_"},
		{"DEL is shown as caret question mark", "a\x7fb", "a^?b"},
		{"valid multi-byte text is copied", "héllo wörld ✓ 日本 🚀", "héllo wörld ✓ 日本 🚀"},
		{"C1 control as UTF-8 is named", "a\u009b6nb", "a<U+009B>6nb"},
		{"first and last C1 are named", "\u0080\u009f", "<U+0080><U+009F>"},
		{"U+00A0 is not C1", "a\u00a0b", "a\u00a0b"},
		{"bidi override is named", "abc\u202edcba", "abc<U+202E>dcba"},
		{"every bidi control is named",
			"\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
			"<U+061C><U+200E><U+200F><U+202A><U+202B><U+202C><U+202D><U+202E><U+2066><U+2067><U+2068><U+2069>"},
		{"neighbours of bidi controls are kept", "\u200d\u2029\u202f\u2065\u206a", "\u200d\u2029\u202f\u2065\u206a"},
		{"a raw 8-bit CSI is invalid UTF-8", "a\x9b6nb", "a\uFFFD6nb"},
		{"a run of invalid bytes is one replacement", "a\xff\xfe\x80\x9bb", "a\uFFFDb"},
		{"invalid bytes split by ASCII are two replacements", "\xffa\xff", "\uFFFDa\uFFFD"},
		{"a truncated sequence at the end", "ok\xe2\x82", "ok\uFFFD"},
		{"an overlong NUL is invalid", "a\xc0\x80b", "a\uFFFDb"},
		{"a surrogate is invalid", "a\xed\xa0\x80b", "a\uFFFDb"},
		{"invalid bytes before a valid rune keep the rune", "\xff\xc3\xa9", "\uFFFDé"},
		{"an encoded U+FFFD is copied", "a\uFFFDb", "a\uFFFDb"},
		{"OSC 52 cannot reach the clipboard", "\x1b]52;c;aGk=\x07", "^[]52;c;aGk=^G"},
		{"DCS with string terminator", "\x1bPq#0\x1b\\", "^[Pq#0^[\\"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendSanitized(nil, []byte(tt.in)))
			if got != tt.want {
				t.Fatalf("appendSanitized(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := checkSafe([]byte(got), false); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSanitizeAppends(t *testing.T) {
	got := string(appendSanitized([]byte("api-1 | "), []byte("a\x1bb")))
	if want := "api-1 | a^[b"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestSanitizeDoesNotAllocate(t *testing.T) {
	race.SkipAllocs(t)
	msgs := map[string][]byte{
		"ASCII":   []byte(strings.Repeat("0123456789", 10)),
		"UTF-8":   []byte(strings.Repeat("héllo ✓ ", 10)),
		"hostile": []byte(strings.Repeat("\x1b[6n\u009b\u202e\xff\r", 10)),
	}
	dst := make([]byte, 0, 4096)
	for name, msg := range msgs {
		if n := testing.AllocsPerRun(100, func() { dst = appendSanitized(dst[:0], msg) }); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}

// checkSafe returns an error if out could act on a terminal: invalid UTF-8,
// ESC or another C0 control except TAB (and LF if multiline), DEL, a C1
// control or a bidi control.
func checkSafe(out []byte, multiline bool) error {
	if !utf8.Valid(out) {
		return fmt.Errorf("output is not valid UTF-8: %q", out)
	}
	for i, r := range string(out) {
		switch {
		case r == '\t', r == '\n' && multiline:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r > 0x9f && isFormatControl(r):
			return fmt.Errorf("forbidden %U at byte %d of %q", r, i, out)
		}
	}
	return nil
}

func FuzzSanitize(f *testing.F) {
	for _, s := range hostileCorpus {
		f.Add([]byte(s))
	}
	f.Add([]byte("plain line"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out := appendSanitized(nil, in)
		if err := checkSafe(out, false); err != nil {
			t.Fatal(err)
		}
		if again := appendSanitized(nil, out); !bytes.Equal(again, out) {
			t.Fatalf("sanitizing is not idempotent: %q -> %q", out, again)
		}
		if safe := isAllPlain(in); safe && !bytes.Equal(out, in) {
			t.Fatalf("printable input changed: %q -> %q", in, out)
		}
	})
}

// isAllPlain reports whether s is valid UTF-8 without any character the
// sanitizer replaces.
func isAllPlain(s []byte) bool {
	return utf8.Valid(s) && checkSafe(s, false) == nil
}

func BenchmarkSanitize(b *testing.B) {
	for _, bm := range []struct {
		name string
		msg  string
	}{
		{"ASCII 100", strings.Repeat("0123456789", 10)},
		{"UTF-8 100", strings.Repeat("héllo ✓ ", 8)},
		{"hostile 100", strings.Repeat("\x1b[6n\u009b\u202e\xff\r", 7)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			msg := []byte(bm.msg)
			dst := make([]byte, 0, 4096)
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				dst = appendSanitized(dst[:0], msg)
			}
		})
	}
}

// TestPlainWord checks the eight-byte test against the byte table for every
// byte value at every position, and every pair of adjacent values (where a
// borrow could hide a hit).
func TestPlainWord(t *testing.T) {
	isPlain := func(c byte) bool { return c >= 0x20 && c < 0x7f }
	for p := range 8 {
		for c := range 256 {
			w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
			w[p] = byte(c)
			if got := plainWord(binary.LittleEndian.Uint64(w[:])); got != isPlain(byte(c)) {
				t.Fatalf("plainWord with %#x at %d = %v", c, p, got)
			}
		}
	}
	for p := range 7 {
		for c := range 1 << 16 {
			w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
			w[p], w[p+1] = byte(c), byte(c>>8)
			want := isPlain(w[p]) && isPlain(w[p+1])
			if got := plainWord(binary.LittleEndian.Uint64(w[:])); got != want {
				t.Fatalf("plainWord(%q) = %v", w, got)
			}
		}
	}
}
