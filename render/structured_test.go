package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// highlights are the -H patterns of the golden files.
var highlights = []*regexp.Regexp{
	regexp.MustCompile(`orders|refused|boom`),
	regexp.MustCompile(`\d+(\.\d+)?ms|:8080|App\.java:\d+`),
}

func TestTextGolden(t *testing.T) {
	both := func() []entry.Entry { return append(levelSession(), groupSession()...) }
	tests := []struct {
		file string
		o    Options
		es   func() []entry.Entry
	}{
		{"levels.golden", Options{}, levelSession},
		{"levels-color.golden", Options{Color: true}, levelSession},
		{"levels-color-timestamps.golden", Options{Color: true, Timestamps: true}, levelSession},
		{"levels-raw.golden", Options{Raw: true}, levelSession},
		{"levels-raw-color.golden", Options{Raw: true, Color: true}, levelSession},
		{"grouped.golden", Options{Timestamps: true}, groupSession},
		{"grouped-color.golden", Options{Color: true, Timestamps: true}, groupSession},
		{"grouped-no-prefix.golden", Options{NoPrefix: true}, groupSession},
		{"highlight-color.golden", Options{Color: true, Highlight: highlights}, both},
		{"ansi.golden", Options{ANSI: true}, ansiSession},
		{"ansi-color.golden", Options{ANSI: true, Color: true}, ansiSession},
		{"ansi-off-color.golden", Options{Color: true}, ansiSession},
		{"ansi-highlight-color.golden", Options{ANSI: true, Color: true, Timestamps: true, Highlight: []*regexp.Regexp{
			regexp.MustCompile(`started|orange|true|refused|boom|main`),
		}}, ansiSession},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := render(t, tt.o, [][]entry.Entry{tt.es()}, nil)
			golden.Assert(t, out, tt.file)
			assert.NilError(t, checkOutput(out, tt.o))
		})
	}
}

// TestHighlightNeedsColor checks that without color, highlighting changes
// nothing: plain output has no escapes at all.
func TestHighlightNeedsColor(t *testing.T) {
	es := append(levelSession(), groupSession()...)
	for _, o := range []Options{{}, {Timestamps: true}, {Raw: true}} {
		want := render(t, o, [][]entry.Entry{es}, nil)
		o.Highlight = highlights
		assert.Equal(t, render(t, o, [][]entry.Entry{es}, nil), want)
	}
}

func TestStructuredLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"message first, fields after, time left out",
			`{"time":"2026-11-21T02:22:03Z","level":"info","msg":"served","status":200}`,
			"INFO served status=200"},
		{"logfmt", `ts=1 level=warn msg="slow down" depth=3`, "WARN slow down depth=3"},
		{"values with blanks, quotes or '=' are quoted",
			`{"level":"error","msg":"m","a":"two words","b":"say \"hi\"","c":"k=v","d":"","e":"C:\\dir"}`,
			`ERRO m a="two words" b="say \"hi\"" c="k=v" d="" e=C:\dir`},
		{"controls in values are escaped Go style",
			`{"level":"info","msg":"m","v":"a\u001b[2Jb\nc\u202ed"}`,
			`INFO m v="a\x1b[2Jb\nc\u202ed"`},
		{"controls in the message are sanitized",
			`{"level":"info","msg":"a\u001b]0;t\u0007b\rc"}`,
			`INFO a^[]0;t^Gb\rc`},
		{"nested objects are flattened with dots",
			`{"level":"debug","msg":"m","http":{"req":{"method":"GET"}},"ids":[1,2]}`,
			"DEBU m http.req.method=GET ids=[1,2]"},
		{"no level, no badge", `{"msg":"m","k":"v"}`, "m k=v"},
		{"no message", `{"level":"warn","k":"v"}`, "WARN k=v"},
		{"nothing to show but the level is shown as written", `{"level":"warn"}`, `{"level":"warn"}`},
		{"a line that does not parse is text", `{"level":"warn"`, `{"level":"warn"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := detected(api1, 0, tt.in)
			e.Format = entry.JSON // as if Quick had said so; Parse decides
			if strings.HasPrefix(tt.in, "ts=") {
				e.Format = entry.Logfmt
			}
			out := render(t, Options{NoPrefix: true}, [][]entry.Entry{{e}}, nil)
			assert.Equal(t, out, tt.want+"\n")
		})
	}
}

func TestLevelColors(t *testing.T) {
	tests := []struct {
		level       entry.Level
		first, rest string
	}{
		{entry.Unknown, "", ""},
		{entry.Trace, "\x1b[2m", "\x1b[2m"},
		{entry.Debug, "\x1b[2m", "\x1b[2m"},
		{entry.Info, "", ""},
		{entry.Warn, "\x1b[33m", "\x1b[33m"},
		{entry.Error, "\x1b[1;31m", "\x1b[31m"},
		{entry.Fatal, "\x1b[1;35m", "\x1b[35m"},
	}
	for _, tt := range tests {
		e := line(api1, 0, "first\nsecond")
		e.Flags, e.Level = entry.Grouped, tt.level
		out := render(t, Options{Color: true, NoPrefix: true}, [][]entry.Entry{{e}}, nil)
		want := tt.first + "first" + sgrReset + "\n" + tt.rest + "second" + sgrReset + "\n"
		assert.Equal(t, out, want, "level %v", tt.level)
	}
}

// TestGroupedLineCount checks that a group of n lines gives n output lines
// with the same prefix, and that only the first has a timestamp.
func TestGroupedLineCount(t *testing.T) {
	e := grouped(worker1, 0, goPanic...)
	out := render(t, Options{Timestamps: true}, [][]entry.Entry{{e}}, nil)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Equal(t, len(lines), len(goPanic))
	for i, l := range lines {
		assert.Assert(t, strings.HasPrefix(l, "worker-1 | "), l)
		hasTS := strings.HasPrefix(l, "worker-1 | 2026-")
		assert.Equal(t, hasTS, i == 0, l)
	}
}

func TestNeedsQuote(t *testing.T) {
	for s, want := range map[string]bool{
		"": true, "plain": false, "héllo": false, "two words": true, `q"`: true, "a=b": true,
		"tab\t": true, "\x7f": true, "\u202e": true, "\u0085": true, "\xff": true, `C:\x`: false,
	} {
		assert.Equal(t, needsQuote(s), want, "%q", s)
	}
}

func TestParseEntryKeepsTextUnparsed(t *testing.T) {
	e := detected(api1, 0, `{"level":"info","msg":"m"}`)
	assert.Assert(t, parseEntry(&e, false, nil).structured)
	assert.Assert(t, !parseEntry(&e, true, nil).structured)
	e.Format = entry.Text
	assert.Assert(t, !parseEntry(&e, false, nil).structured)
	p := logline.Parse(e.Msg)
	assert.Equal(t, p.Message, "m")
}
