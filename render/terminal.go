package render

import (
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// Options say how a Terminal renders. The zero value renders plain text with
// prefixes and without timestamps, which is what piped output wants.
type Options struct {
	// Color emits ANSI SGR sequences: the prefix in the service's color,
	// notices dimmed or yellow, timestamps dimmed, lines colored by level.
	// It is decided once by the caller (--color, NO_COLOR, FORCE_COLOR,
	// whether the output is a terminal). Without it (and without ANSI) the
	// output holds no ESC byte at all.
	Color bool
	// Timestamps shows each line's daemon timestamp as `docker logs -t` does:
	// RFC 3339 in UTC with nine fractional digits.
	Timestamps bool
	// NoPrefix drops the "name |" prefix of lines (--no-log-prefix).
	// Timestamps, when asked for, stay.
	NoPrefix bool
	// Raw shows structured (JSON, logfmt) lines as written instead of as
	// "LEVEL message key=value …" (--raw).
	Raw bool
	// Highlight shows the matches of these patterns in the visible text
	// inverted (SGR 7 … 27). It is a color effect: without Color it changes
	// nothing.
	Highlight []*regexp.Regexp
	// ANSI passes through the plain SGR color sequences a program wrote
	// itself: ESC [ params m where every param is a color or a style (bold,
	// dim, italic, underline, blink, inverse, strike, their resets; 16, 256
	// and true colors), never conceal. Every other sequence stays escaped.
	// Opt-in (--ansi): a line that passed one ends in an SGR reset even
	// without Color.
	ANSI bool
}

// maxSources bounds the prefix cache; it is rebuilt on demand, so dropping it
// only costs a few allocations, and a run that sees thousands of one-off
// containers does not grow without bound.
const maxSources = 4096

// Terminal writes entries as lines in the style of `docker compose logs`:
//
//	api-1     | listening on :8080
//	worker-1  | WARN queue is slow depth=120
//	worker-1  * exited with code 2
//
// Lines go to out through a 64 KiB buffer; the caller calls Flush when its
// input is idle. Notices go to errOut, unbuffered. A Terminal is not safe for
// concurrent use.
type Terminal struct {
	writer
	o Options

	width   int // widest display name seen or reserved, in columns
	sources map[*entry.Source]*source
	last    *entry.Source // the most recent look-up, to skip the map on runs
	lastS   *source
	ts      stamper
	hl      *highlighter // nil unless Color and Highlight
	tmp     []byte       // scratch for a structured line's message
	parser  logline.Parser
	spans   []span // the SGR sequences ANSI passed in the current text
	passed  bool   // the current output line holds a passed sequence
}

// source caches what a Terminal renders for one entry.Source.
type source struct {
	name   string // Source.Name the fields below were built from
	clean  []byte // the sanitized display name
	cols   int    // display columns of clean
	color  string
	prefix []byte // "name   | ", padded for width
	width  int    // the width prefix was padded for
}

// NewTerminal returns a Terminal writing lines to out and notices to errOut.
func NewTerminal(out, errOut io.Writer, o Options) *Terminal {
	t := &Terminal{
		writer:  newWriter(out, errOut),
		o:       o,
		sources: make(map[*entry.Source]*source),
	}
	if o.Color && len(o.Highlight) > 0 {
		t.hl = &highlighter{res: o.Highlight}
	}
	return t
}

// Reserve widens the prefix to fit display names known in advance (for
// example every "service-N" of the project), so that the columns do not
// shift when those containers first log. The width never shrinks.
func (t *Terminal) Reserve(names ...string) {
	for _, n := range names {
		t.grow(utf8.RuneCount(appendSanitized(nil, []byte(n))))
	}
}

// Lines writes each entry to the buffered output: one output line per line
// of its text. It does not flush.
func (t *Terminal) Lines(es []entry.Entry) error {
	for i := range es {
		if err := t.writeLine(t.appendEntry(t.line[:0], &es[i])); err != nil {
			return err
		}
	}
	return nil
}

// appendEntry appends the output lines of e. A grouped entry's lines share
// its prefix and level; only its first line has a timestamp and only its
// last the cut marker.
func (t *Terminal) appendEntry(b []byte, e *entry.Entry) []byte {
	grouped := e.Flags&entry.Grouped != 0
	text := e.Msg
	for first := true; ; first = false {
		line, more := text, false
		if grouped {
			line, text, more = cutLine(text)
		}
		b = t.appendHead(b, e, first)
		switch {
		case first && e.Format != entry.Text && !t.o.Raw:
			b = t.appendStructured(b, e, line)
		case first:
			b = t.appendText(b, line, levelStyle(e.Level))
		default:
			b = t.appendText(b, line, groupStyle(e.Level))
		}
		if !more {
			break
		}
		b = t.endLine(b)
	}
	if e.Cut > 0 {
		b = t.appendCut(b, e.Cut)
	}
	return t.endLine(b)
}

// appendHead appends the prefix and the timestamp column of a line; the
// lines after a group's first leave the timestamp column blank, so a stack
// trace reads as one block under its first line.
func (t *Terminal) appendHead(b []byte, e *entry.Entry, first bool) []byte {
	if !t.o.NoPrefix {
		b = append(b, t.prefix(e.Src)...)
	}
	if !t.o.Timestamps {
		return b
	}
	if !first {
		return append(b, blankStamp...)
	}
	if t.o.Color {
		b = append(b, sgrDim...)
		b = t.ts.append(b, e.Time)
		return append(b, sgrReset+" "...)
	}
	b = t.ts.append(b, e.Time)
	return append(b, ' ')
}

// blankStamp fills the timestamp column of a group's continuation lines.
var blankStamp = strings.Repeat(" ", tsLen+1)

// appendText appends a line of text as written, sanitized, in style when
// Color.
func (t *Terminal) appendText(b, text []byte, style string) []byte {
	if t.o.Color {
		b = append(b, style...)
	}
	return t.appendVisible(b, text)
}

// appendVisible appends text sanitized (passing the allowlisted SGR
// sequences in ANSI mode) and marks the highlight matches.
func (t *Terminal) appendVisible(b, text []byte) []byte {
	if !t.o.ANSI && t.hl == nil {
		return appendSanitized(b, text)
	}
	start := len(b)
	spans := t.spans[:0]
	if t.o.ANSI {
		b, spans = appendSanitizedANSI(b, text, spans)
		t.passed = t.passed || len(spans) > 0
	} else {
		b = appendSanitized(b, text)
	}
	t.spans = spans
	if t.hl != nil {
		b = t.hl.apply(b, start, spans)
	}
	return b
}

// endLine ends an output line: an SGR reset when anything may be set, so no
// attribute bleeds into the next line, then the newline.
func (t *Terminal) endLine(b []byte) []byte {
	if t.o.Color || t.passed {
		b = append(b, sgrReset...)
		t.passed = false
	}
	return append(b, '\n')
}

// Notice flushes the pending lines, then writes n as one line to errOut:
// "worker-1  * exited with code 2" for a container, "devlogs: text" for the
// run. Flushing first keeps a terminal that shows both streams in order.
func (t *Terminal) Notice(n entry.Notice) error {
	if n.Kind == entry.Listed {
		if n.Src != nil {
			t.source(n.Src) // widen the prefix column before the history
		}
		return nil
	}
	if err := t.Flush(); err != nil {
		return err
	}
	b := t.line[:0]
	if n.Src == nil {
		b = append(b, "devlogs: "...)
	} else {
		s := t.source(n.Src)
		if t.o.Color {
			b = append(b, s.color...)
		}
		b = t.appendName(b, s)
		b = append(b, " *"...)
		if t.o.Color {
			b = append(b, sgrReset...)
		}
		b = append(b, ' ')
	}
	if t.o.Color {
		b = append(b, noticeStyle(n.Kind)...)
	}
	b = appendSanitized(b, []byte(n.Text))
	if t.o.Color {
		b = append(b, sgrReset...)
	}
	b = append(b, '\n')
	return t.writeNotice(b)
}

// prefix returns src's line prefix for the current width.
func (t *Terminal) prefix(src *entry.Source) []byte {
	s := t.source(src)
	if s.width != t.width || s.prefix == nil {
		b := s.prefix[:0]
		if t.o.Color {
			b = append(b, s.color...)
		}
		b = t.appendName(b, s)
		b = append(b, " |"...)
		if t.o.Color {
			b = append(b, sgrReset...)
		}
		s.prefix = append(b, ' ')
		s.width = t.width
	}
	return s.prefix
}

// source returns the cache entry of src, creating it (and widening the
// prefix for its name) on first sight or after a rename.
func (t *Terminal) source(src *entry.Source) *source {
	if src == t.last && t.lastS != nil && (src == nil || src.Name == t.lastS.name) {
		return t.lastS
	}
	s := t.sources[src]
	name := ""
	if src != nil {
		name = src.Name
	}
	if s == nil || s.name != name {
		if len(t.sources) >= maxSources {
			clear(t.sources)
		}
		clean := appendSanitized(nil, []byte(name))
		s = &source{name: name, clean: clean, cols: utf8.RuneCount(clean), color: serviceColor(src)}
		t.sources[src] = s
		t.grow(s.cols)
	}
	t.last, t.lastS = src, s
	return s
}

// grow widens the prefix to at least cols columns.
func (t *Terminal) grow(cols int) {
	t.width = max(t.width, cols)
}

// appendName appends s's display name padded to the current width.
func (t *Terminal) appendName(b []byte, s *source) []byte {
	b = append(b, s.clean...)
	for range t.width - s.cols {
		b = append(b, ' ')
	}
	return b
}
