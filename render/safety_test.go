package render

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// ownSGR lists every sequence the renderer itself emits.
var ownSGR = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{sgrReset, sgrDim, sgrYellow, sgrRed, sgrBoldRed, sgrMagenta,
		sgrBoldMagenta, sgrInverse, sgrNoInverse} {
		m[s] = true
	}
	for _, s := range palette {
		m[s] = true
	}
	return m
}()

// anySGR matches what could be an SGR sequence; checkOutput decides
// whether it may be there.
var anySGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// allowedByList is an independent reading of the ANSI allowlist, to check
// appendSanitizedANSI against.
func allowedByList(seq string) bool {
	params := strings.Split(seq[2:len(seq)-1], ";")
	num := func(s string) (int, bool) {
		if s == "" {
			return 0, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n <= 255
	}
	for j := 0; j < len(params); j++ {
		v, ok := num(params[j])
		if !ok {
			return false
		}
		switch {
		case v == 38 || v == 48:
			need := 0
			if j+1 < len(params) && params[j+1] == "5" {
				need = 2
			} else if j+1 < len(params) && params[j+1] == "2" {
				need = 4
			}
			if need == 0 || j+need >= len(params) {
				return false
			}
			for _, p := range params[j+2 : j+need+1] {
				if _, ok := num(p); !ok {
					return false
				}
			}
			j += need
		case v <= 7, v == 9, v >= 21 && v <= 27, v == 29, v >= 30 && v <= 37, v == 39,
			v >= 40 && v <= 47, v == 49, v >= 90 && v <= 97, v >= 100 && v <= 107:
		default:
			return false
		}
	}
	return true
}

// checkOutput returns an error if the rendered out breaks a promise of
// the terminal renderer: valid UTF-8; no escape but the renderer's own SGR
// sequences (and allowlisted ones in ANSI mode); no control or bidi
// character from content; an SGR reset at the end of every line that holds
// or may inherit an attribute.
func checkOutput(out string, o Options) error {
	if !utf8.ValidString(out) {
		return fmt.Errorf("output is not valid UTF-8: %q", out)
	}
	for _, loc := range anySGR.FindAllStringIndex(out, -1) {
		seq := out[loc[0]:loc[1]]
		if !ownSGR[seq] && !(o.ANSI && allowedByList(seq)) {
			return fmt.Errorf("sequence %q in %q", seq, out)
		}
		if !o.Color && !o.ANSI {
			return fmt.Errorf("sequence %q without color", seq)
		}
	}
	rest := anySGR.ReplaceAllString(out, "")
	if err := checkSafe([]byte(rest), true); err != nil {
		return err
	}
	for _, l := range strings.SplitAfter(out, "\n") {
		if l == "" {
			continue
		}
		if !strings.HasSuffix(l, "\n") {
			return fmt.Errorf("unterminated line %q", l)
		}
		if (o.Color || strings.Contains(l, "\x1b")) && !strings.HasSuffix(l, sgrReset+"\n") {
			return fmt.Errorf("line does not end in an SGR reset: %q", l)
		}
	}
	return nil
}

// hostileStructured puts the hostile corpus into JSON and logfmt lines
// (in the message and in fields) and into one grouped entry.
func hostileStructured() []entry.Entry {
	var es []entry.Entry
	for i, s := range hostileCorpus {
		m, _ := json.Marshal(s)
		es = append(es,
			detected(api1, int64(i), `{"level":"error","msg":`+string(m)+`,"evil":`+string(m)+`,`+string(m)+`:1}`),
			detected(api2, int64(i), `level=warn msg="`+s+`" k=`+s))
	}
	es[0].Format = entry.JSON
	g := grouped(worker1, 99, hostileCorpus...)
	g.Level = entry.Error
	return append(es, g)
}

func TestHostileStructured(t *testing.T) {
	es := hostileStructured()
	for _, o := range []Options{
		{}, {Color: true}, {Color: true, Timestamps: true, Highlight: highlights},
		{ANSI: true}, {ANSI: true, Color: true, Highlight: []*regexp.Regexp{regexp.MustCompile(`.`)}},
		{Raw: true, Color: true}, {Raw: true, ANSI: true},
	} {
		out := render(t, o, [][]entry.Entry{es}, nil)
		if err := checkOutput(out, o); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
	}
}

func TestHostileTextGolden(t *testing.T) {
	es, ns := hostileEntries()
	o := Options{Color: true, ANSI: true, Highlight: []*regexp.Regexp{regexp.MustCompile(`\(.*?\)|[a-z]+\d`)}}
	out := render(t, o, [][]entry.Entry{append(es, hostileStructured()...)}, ns)
	assert.NilError(t, checkOutput(out, o))
	golden.Assert(t, out, "hostile-ansi-highlight-color.golden")
	out = render(t, Options{}, [][]entry.Entry{hostileStructured()}, nil)
	assert.NilError(t, checkOutput(out, Options{}))
	golden.Assert(t, out, "hostile-structured.golden")
}

// FuzzRender renders random entries with random options and checks the
// promises of checkOutput and the line count.
func FuzzRender(f *testing.F) {
	for i, s := range hostileCorpus {
		f.Add([]byte(s), uint8(i%3), uint8(i%2), uint8(i%8), "e", uint8(i))
	}
	for _, s := range []string{javaTrace[0], zapTrace[0], "\x1b[31mred\x1b[0m", "\x1b[38;5;1;48;2;1;2;3mx"} {
		f.Add([]byte(s), uint8(1), uint8(1), uint8(5), "r.d|x", uint8(0xff))
	}
	f.Fuzz(func(t *testing.T, msg []byte, format, flags, level uint8, pattern string, opts uint8) {
		e := entry.Entry{Time: t0, Src: api1, Msg: msg, Format: entry.Format(format % 4),
			Flags: entry.Flags(flags & 1), Level: entry.Level(level % 8)}
		if opts&0x80 != 0 {
			e.Cut = int64(len(msg))
		}
		o := Options{Color: opts&1 != 0, Timestamps: opts&2 != 0, NoPrefix: opts&4 != 0,
			Raw: opts&8 != 0, ANSI: opts&16 != 0}
		if re, err := regexp.Compile(pattern); err == nil && len(pattern) < 64 && opts&32 != 0 {
			o.Highlight = []*regexp.Regexp{re}
		}
		out := render(t, o, [][]entry.Entry{{e}}, nil)
		if err := checkOutput(out, o); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		want := 1
		if e.Flags&entry.Grouped != 0 {
			want += strings.Count(string(msg), "\n")
		}
		if got := strings.Count(out, "\n"); got != want {
			t.Fatalf("%d lines, want %d: %q", got, want, out)
		}
	})
}
