package filter

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// Match reports whether e passes every filter of the chain. The cheap tests
// run first; lines are parsed only for field conditions and the trace id.
func (c *Chain) Match(e *entry.Entry) bool {
	if c.streams != 0 && (e.Stream > 7 || c.streams&(1<<e.Stream) == 0) {
		return false
	}
	if c.minLevel != entry.Unknown && e.Level < c.minLevel {
		return false
	}
	for i := range c.levelConds {
		if !c.levelConds[i].levelHolds(e.Level) {
			return false
		}
	}
	grouped := e.Flags&entry.Grouped != 0
	if len(c.include) > 0 && !anyMatches(c.include, e.Msg, grouped) {
		return false
	}
	if len(c.exclude) > 0 && anyMatches(c.exclude, e.Msg, grouped) {
		return false
	}
	if len(c.lineConds) > 0 {
		return c.linesHold(e.Msg, grouped)
	}
	return true
}

// cutLine returns the first line of msg and the rest, when msg holds the
// lines of a grouped entry; otherwise msg is a single line.
func cutLine(msg []byte, grouped bool) (line, rest []byte, more bool) {
	if grouped {
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			return msg[:i], msg[i+1:], true
		}
	}
	return msg, nil, false
}

// anyMatches reports whether any pattern matches any line of msg.
func anyMatches(ps []pattern, msg []byte, grouped bool) bool {
	for {
		line, rest, more := cutLine(msg, grouped)
		for i := range ps {
			if ps[i].re.match(line) {
				return true
			}
		}
		if !more {
			return false
		}
		msg = rest
	}
}

// linesHold tests the line conditions: each positive one must hold on some
// line, each negated one on none (its positive form is what is tested), and
// a negated field condition needs a structured line to hold at all.
func (c *Chain) linesHold(msg []byte, grouped bool) bool {
	var sat uint64
	structured := false
	for {
		line, rest, more := cutLine(msg, grouped)
		v := view{raw: line}
		for i := range c.lineConds {
			if bit := uint64(1) << i; sat&bit == 0 && c.lineConds[i].lineHolds(&v) {
				sat |= bit
			}
		}
		if sat&c.negMask != 0 {
			return false
		}
		if c.negField && !structured {
			structured = v.structured()
		}
		if !more || sat == c.posMask && c.negMask == 0 {
			break
		}
		msg = rest
	}
	return sat == c.posMask && (structured || !c.negField)
}

// view is one line as the conditions see it, parsed on first need.
type view struct {
	raw   []byte
	state uint8
	p     logline.Parsed
}

// View states.
const (
	stateUnread uint8 = iota
	stateText
	stateStructured
	stateParsed
)

// structured reports whether the line is JSON or logfmt. A line with
// neither '=' nor '{' is text without asking logline.
func (v *view) structured() bool {
	if v.state == stateUnread {
		v.state = stateText
		if bytes.IndexByte(v.raw, '=') >= 0 || bytes.IndexByte(v.raw, '{') >= 0 {
			if _, f := logline.Quick(v.raw); f != entry.Text {
				v.state = stateStructured
			}
		}
	}
	return v.state >= stateStructured
}

// parsed returns the fields of a structured line, parsing it once.
func (v *view) parsed() *logline.Parsed {
	if v.state != stateParsed {
		v.p = logline.Parse(v.raw)
		v.state = stateParsed
	}
	return &v.p
}

// lineHolds tests the positive form of a line condition on one line.
func (c *cond) lineHolds(v *view) bool {
	switch c.kind {
	case keyMessage:
		if !v.structured() {
			return c.holdsBytes(v.raw) && (c.op.positive() != opExists || len(v.raw) > 0)
		}
		m := v.parsed().Message
		return c.holdsString(m) && (c.op.positive() != opExists || m != "")
	case keyTrace:
		// A JSON string may spell the id with escapes; otherwise a line
		// without the id's bytes cannot match, and needs no parsing.
		if !bytes.Contains(v.raw, c.word) && bytes.IndexByte(v.raw, '\\') < 0 {
			return false
		}
		if !v.structured() {
			return wholeWord(v.raw, c.word)
		}
		return v.parsed().TraceID == c.val
	}
	if !v.structured() {
		return false
	}
	for _, f := range v.parsed().Fields {
		if f.Key == c.key && c.holdsString(f.Value) {
			return true
		}
	}
	return false
}

// wholeWord reports whether w occurs in b with no word byte (ASCII letter,
// digit, '-', '_') right before or after it.
func wholeWord(b, w []byte) bool {
	for off := 0; off < len(b); {
		i := bytes.Index(b[off:], w)
		if i < 0 {
			return false
		}
		i += off
		j := i + len(w)
		if (i == 0 || !wordByte(b[i-1])) && (j == len(b) || !wordByte(b[j])) {
			return true
		}
		off = i + 1
	}
	return false
}

func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
