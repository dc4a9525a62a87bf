package filter

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
)

// checkClean fails unless msg is valid UTF-8 without control or format
// (bidi) characters: errors end up on a terminal.
func checkClean(t *testing.T, msg string) {
	t.Helper()
	if !utf8.ValidString(msg) {
		t.Fatalf("error is not valid UTF-8: %q", msg)
	}
	for _, r := range msg {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("error holds %U: %q", r, msg)
		}
	}
}

// fuzzEntries are the entries every fuzzed chain is matched against.
func fuzzEntries(extra []byte) []*entry.Entry {
	es := []*entry.Entry{
		line(entry.Error, jsonErr), line(entry.Info, jsonOK), line(0, logfmtErr),
		line(entry.Warn, textWarn), group(entry.Error, javaTrace...), line(0, "caf\xe9\xff"),
		{Stream: entry.Stderr, Msg: extra}, {Stream: entry.Stdout, Msg: extra, Flags: entry.Grouped},
	}
	return es
}

// FuzzWhere checks that the condition parser never panics, that its errors
// are clean, and that parsing what String writes gives the same condition.
func FuzzWhere(f *testing.F) {
	for _, s := range []string{"user=bob", "a!=b", "path~=^/api/", "x!~=(?i)y", "k?", "!k?", "k!?", "s>5", "s>=5",
		"s<1e3", "s<=-0.5", "level>=WARNING", "msg~=", "=x", "a==b", " a ?", "!a=b", "a~b", "x>NaN", "a??", "\x1b=\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCond(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--where ") {
				t.Fatalf("error does not name the flag: %v", err)
			}
			checkClean(t, err.Error())
			return
		}
		written := c.String()
		again, err := parseCond(written)
		if err != nil {
			t.Fatalf("%q parsed, but its String %q does not: %v", s, written, err)
		}
		if again.String() != written || again.kind != c.kind || again.key != c.key || again.op != c.op ||
			again.val != c.val || again.lvl != c.lvl || again.num != c.num {
			t.Fatalf("%q → %q → %q: not stable", s, written, again.String())
		}
		ch, err := Compile(Options{Where: []string{s}})
		if err != nil {
			t.Fatalf("parseCond accepted %q but Compile did not: %v", s, err)
		}
		for _, e := range fuzzEntries([]byte(s)) {
			ch.Match(e)
		}
		checkClean(t, ch.String())
	})
}

// FuzzCompile checks that random patterns never panic or hang: rejected
// ones are rejected fast, accepted ones compile and match quickly, and the
// errors and descriptions are clean.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"(a", "a(?=b)", "(?i)timeout", `^\tat `, "a{1000}", "((((a))))*", strings.Repeat(".{1000}", 11),
		strings.Repeat("(", 25) + strings.Repeat(")", 25), "[[:^alpha:]]+$", `\pL\p{Greek}\x{FFFD}`, "\xff",
		"timeout|deadline exceeded", "(?:abc|abd)+x?", "caf\u00e9 (?i:TIME)out", "a{2,5}(b|c{0,3})\\."} {
		f.Add(s, []byte("caf\xe9 timeout\n\tat x"))
	}
	f.Fuzz(func(t *testing.T, p string, msg []byte) {
		if len(msg) > 512 {
			msg = msg[:512]
		}
		start := time.Now()
		ch, err := Compile(Options{Include: []string{p}, Exclude: []string{p}, Where: []string{"msg~=" + p}})
		took := time.Since(start)
		if err != nil {
			checkClean(t, err.Error())
			if took > time.Second {
				t.Fatalf("rejecting %.60q took %v", p, took)
			}
			return
		}
		if took > 2*time.Second {
			t.Fatalf("compiling %.60q took %v", p, took)
		}
		checkClean(t, ch.String())
		start = time.Now()
		m := ch.include[0].re
		for _, e := range fuzzEntries(msg) {
			ch.Match(e)
			if got, want := m.match(e.Msg), m.re.Match(e.Msg); got != want {
				t.Fatalf("%q on %q: the prefilter says %v, the regexp %v", p, e.Msg, got, want)
			}
			if got, want := m.matchString(string(e.Msg)), m.re.Match(e.Msg); got != want {
				t.Fatalf("%q on %q: the prefilter says %v for the string, the regexp %v", p, e.Msg, got, want)
			}
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("matching %.60q took %v", p, took)
		}
	})
}
