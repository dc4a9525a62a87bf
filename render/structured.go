package render

import (
	"strconv"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// badges are the level badges of structured lines: four letters, so the
// messages after them line up (logrus' and charm's abbreviations). An
// unknown level has none.
var badges = [...]string{
	entry.Trace: "TRAC",
	entry.Debug: "DEBU",
	entry.Info:  "INFO",
	entry.Warn:  "WARN",
	entry.Error: "ERRO",
	entry.Fatal: "FATA",
}

// badge returns the badge of level l, or "".
func badge(l entry.Level) string {
	if int(l) < len(badges) {
		return badges[l]
	}
	return ""
}

// appendStructured appends a JSON or logfmt line as
//
//	WARN message key=value key="two words"
//
// the badge and the message in the level's style, the other fields dimmed
// in the order of the line. The program's own time field is left out (the
// daemon's timestamp is shown with -t). A line that does not parse after
// all, or holds neither a message nor fields ("{}"), is shown as text.
func (t *Terminal) appendStructured(b []byte, e *entry.Entry, line []byte) []byte {
	p := t.parser.Parse(line)
	if p.Format == entry.Text || p.Message == "" && len(p.Fields) == 0 {
		return t.appendText(b, line, levelStyle(e.Level))
	}
	level := e.Level
	if level == entry.Unknown {
		level = p.Level
	}
	return t.appendParsed(b, level, &p)
}

// appendParsed appends the badge, message and fields of a parsed line.
func (t *Terminal) appendParsed(b []byte, level entry.Level, p *logline.Parsed) []byte {
	style := ""
	if t.o.Color {
		style = levelStyle(level)
	}
	b = append(b, style...)
	sep := false
	if bd := badge(level); bd != "" {
		b = append(b, bd...)
		sep = true
	}
	if p.Message != "" {
		if sep {
			b = append(b, ' ')
		}
		t.tmp = append(t.tmp[:0], p.Message...)
		b = t.appendVisible(b, t.tmp)
		sep = true
	}
	if style != "" || t.passed {
		b = append(b, sgrReset...)
	}
	if len(p.Fields) > 0 {
		if sep {
			b = append(b, ' ')
		}
		b = t.appendFields(b, p.Fields)
	}
	if cap(t.tmp) > maxScratch {
		t.tmp = nil
	}
	return b
}

// appendFields appends key=value pairs, dimmed when Color, and marks the
// highlight matches in them.
func (t *Terminal) appendFields(b []byte, fs []logline.Field) []byte {
	if t.o.Color {
		b = append(b, sgrDim...)
	}
	start := len(b)
	b = appendFields(b, fs)
	if t.hl != nil {
		b = t.hl.apply(b, start, nil)
	}
	return b
}

// appendFields appends fs as "key=value key=value".
func appendFields(b []byte, fs []logline.Field) []byte {
	for i, f := range fs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendToken(b, f.Key)
		b = append(b, '=')
		b = appendToken(b, f.Value)
	}
	return b
}

// appendToken appends a key or value as is, or quoted in Go syntax (%q)
// when it is empty or holds a blank, a quote, '=', or anything the
// sanitizer would replace. Go quoting escapes every control, bidi and
// non-printable character, so the quoted form is as inert as sanitized
// text, and a value holding a newline stays on its line as "a\nb".
func appendToken(b []byte, s string) []byte {
	if needsQuote(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// bareByte marks the ASCII bytes a token may hold unquoted.
var bareByte = func() (t [256]bool) {
	for c := '!'; c < 0x7f; c++ {
		t[c] = c != '"' && c != '='
	}
	return t
}()

// needsQuote reports whether s must be quoted by appendToken.
func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for i := 0; i < len(s); {
		if bareByte[s[i]] {
			i++
			continue
		}
		if s[i] < utf8.RuneSelf {
			return true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || isFormatControl(r) {
			return true
		}
		i += size
	}
	return false
}

// parsed is what the json and template outputs read from an entry: the
// parsed first line of a structured entry (Parse is only run on those), and
// the lines after it for a grouped one.
type parsed struct {
	logline.Parsed
	structured bool
	rest       []byte // a grouped entry's lines after the first
	grouped    bool
}

// parseEntry parses e unless it is text or raw is asked for, with lp when
// not nil (the result is then good until lp's next Parse), else with
// logline.Parse.
func parseEntry(e *entry.Entry, raw bool, lp *logline.Parser) parsed {
	first, rest := splitGroup(e)
	grouped := e.Flags&entry.Grouped != 0
	if raw || e.Format == entry.Text {
		return parsed{grouped: grouped}
	}
	var p logline.Parsed
	if lp != nil {
		p = lp.Parse(first)
	} else {
		p = logline.Parse(first)
	}
	if p.Format == entry.Text {
		return parsed{grouped: grouped}
	}
	return parsed{Parsed: p, structured: true, rest: rest, grouped: grouped}
}

// level returns e's level, or the parsed one when e has none.
func (p *parsed) level(e *entry.Entry) entry.Level {
	if e.Level == entry.Unknown {
		return p.Level
	}
	return e.Level
}
