package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/golden"
)

// hostileCorpus holds log content that tries to act on the terminal
// (RELIABILITY.md, scenario S1).
var hostileCorpus = []string{
	"copy this: \x1b]52;c;ZWNobyBwd25lZA==\x07 (OSC 52 clipboard write, BEL)",
	"\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ (OSC 52, ST)",
	"\x1b]0;you have been pwned\x07 (window title)",
	"\x1b]2;title\x1b\\ \x1b]1;icon\x07 (title and icon)",
	"\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ (hyperlink)",
	"status: \x1b[6n (CSI cursor position report)",
	"\x1b[21t \x1b[c \x1b[>c (title report, device attributes)",
	"\x1b[2J\x1b[H\x1b[3J screen cleared (erase display, home)",
	"\x1b[1A\x1b[2K rewrote the previous line",
	"\x1bPq#0;2;0;0;0#0~~@@vv\x1b\\ (DCS sixel)",
	"\x1bP$q\"p\x1b\\ (DECRQSS)",
	"\x1b_Gf=100;AAAA\x1b\\ (APC kitty graphics)",
	"\x1b^privacy message\x1b\\ (PM)",
	"\x1bc (RIS full reset)",
	"\x1b[?1049h\x1b[?25l alternate screen, hidden cursor",
	"\u009b6n (8-bit CSI as UTF-8)",
	"\u009d0;title\u009c (8-bit OSC and ST as UTF-8)",
	"\x9b6n (raw 8-bit CSI byte)",
	"\x9d0;title\x9c (raw 8-bit OSC and ST bytes)",
	"user: \u202eexe.txt\u202c (bidi override)",
	"\u2066isolate\u2069 \u200fmark\u200e \u061carabic letter mark",
	"password: hunter2\rpassword: ******* (CR overwrite)",
	"progress 10%\r20%\r30%\r",
	"secret\b\b\b\b\b\bpublic (BS overwrite)",
	"nul\x00in\x00the\x00middle",
	"bell\x07 vt\x0b ff\x0c so\x0e si\x0f del\x7f",
	"embedded\nnewline and \x85 NEL raw",
	"invalid: \xff\xfe \xc0\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82",
	"",
}

// hostileEntries returns the corpus as entries of a container whose name,
// coming from the daemon, is hostile too.
func hostileEntries() ([]entry.Entry, []entry.Notice) {
	evil := &entry.Source{Service: "evil", Name: "evil-\x1b[31m1\u202e", Number: 1}
	es := make([]entry.Entry, 0, len(hostileCorpus))
	for i, msg := range hostileCorpus {
		src := api1
		if i%3 == 2 {
			src = evil
		}
		es = append(es, entry.Entry{Time: t0 + int64(i)*1e6, Src: src, Stream: entry.Stdout, Msg: []byte(msg)})
	}
	es[0].Cut = 3 << 20
	ns := []entry.Notice{
		{Kind: entry.Attached, Src: evil, Text: "attached \x1b]0;x\x07"},
		{Kind: entry.Warning, Text: "daemon said \x1b[6n\r\u202e"},
	}
	return es, ns
}

func TestHostileGolden(t *testing.T) {
	for _, c := range []struct {
		file string
		o    Options
	}{
		{"hostile.golden", Options{Timestamps: true}},
		{"hostile-color.golden", Options{Color: true, Timestamps: true}},
	} {
		t.Run(c.file, func(t *testing.T) {
			es, ns := hostileEntries()
			golden.Assert(t, render(t, c.o, [][]entry.Entry{es}, ns), c.file)
		})
	}
}

func TestHostilePlainIsInert(t *testing.T) {
	es, ns := hostileEntries()
	for _, o := range []Options{{}, {Timestamps: true}, {NoPrefix: true}} {
		out := render(t, o, [][]entry.Entry{es}, ns)
		if err := checkSafe([]byte(out), true); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if strings.IndexByte(out, 0x1b) >= 0 {
			t.Fatalf("%+v: plain output holds ESC", o)
		}
	}
}

// sgr matches one SGR sequence; the renderer emits no other sequence.
var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestHostileColorOnlyOwnSGR(t *testing.T) {
	es, ns := hostileEntries()
	for _, o := range []Options{{Color: true}, {Color: true, Timestamps: true}, {Color: true, NoPrefix: true}} {
		out := render(t, o, [][]entry.Entry{es}, ns)
		if n, m := strings.Count(out, "\x1b"), len(sgr.FindAllStringIndex(out, -1)); n != m {
			t.Fatalf("%+v: %d ESC bytes but %d SGR sequences", o, n, m)
		}
		if err := checkSafe([]byte(sgr.ReplaceAllString(out, "")), true); err != nil {
			t.Fatalf("%+v: without SGR: %v", o, err)
		}
		for _, line := range strings.SplitAfter(out, "\n") {
			if line != "" && !strings.HasSuffix(line, sgrReset+"\n") {
				t.Fatalf("%+v: line does not end in an SGR reset: %q", o, line)
			}
		}
	}
}

// TestHostileOneLineEach checks that no content can add or remove a line:
// n entries and m notices give n+m lines.
func TestHostileOneLineEach(t *testing.T) {
	es, ns := hostileEntries()
	out := render(t, Options{Color: true}, [][]entry.Entry{es}, ns)
	if got, want := bytes.Count([]byte(out), []byte("\n")), len(es)+len(ns); got != want {
		t.Fatalf("%d lines, want %d", got, want)
	}
}
