package logline

import (
	"bytes"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
)

// A logfmt line is a sequence of key=value pairs separated by blanks, as
// written by go-kit/log, logrus' text formatter, slog's TextHandler, Grafana,
// Prometheus and the Docker daemon. The scanner below is lenient where
// go-logfmt is strict ('=' or '"' inside a bare value, a bare key without
// '=') because real lines have them; it rejects a quote that is never
// closed.
//
// Hand-written rather than github.com/go-logfmt/logfmt: Quick must not
// allocate, and the decoder allocates per line (see ENGINE-NOTES §5).

// lfPair is the extent of one pair in a line.
type lfPair struct {
	k0, k1 int
	v0, v1 int  // value extent (inside the quotes when quoted)
	eq     bool // the key had '=' after it
	quoted bool
}

// nextPair scans the pair that starts at or after i. It returns the index
// after the pair, and ok false at the end of the line or on a syntax error
// (bad reports the latter).
func nextPair(b []byte, i int) (p lfPair, next int, ok, bad bool) {
	for i < len(b) && b[i] <= ' ' {
		i++
	}
	if i >= len(b) {
		return p, i, false, false
	}
	p.k0 = i
	for i < len(b) && b[i] > ' ' && b[i] != '=' && b[i] != '"' {
		i++
	}
	p.k1 = i
	if p.k0 == p.k1 || i < len(b) && b[i] == '"' {
		return p, i, false, true // empty or quoted key
	}
	if i >= len(b) || b[i] != '=' {
		p.v0, p.v1 = i, i
		return p, i, true, false
	}
	p.eq = true
	i++
	if i < len(b) && b[i] == '"' {
		p.quoted = true
		p.v0 = i + 1
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		if i >= len(b) {
			return p, i, false, true // unterminated quote
		}
		p.v1 = i
		return p, i + 1, true, false
	}
	p.v0 = i
	for i < len(b) && b[i] > ' ' {
		i++
	}
	p.v1 = i
	return p, i, true, false
}

// quickLogfmt reports whether b is a logfmt line — its first token is
// key=value and it has at least two such pairs — and the level it states.
func quickLogfmt(b []byte) (entry.Level, bool) {
	var v levelVote
	pairs := 0
	for i := 0; ; {
		p, next, ok, bad := nextPair(b, i)
		if bad || pairs == 0 && ok && !p.eq {
			return entry.Unknown, false
		}
		if !ok {
			break
		}
		i = next
		if !p.eq {
			continue
		}
		pairs++
		if kind, rank := classifyKey(b[p.k0:p.k1]); kind == keyLevel {
			raw := b[p.v0:p.v1]
			var vb [maxLevelLen]byte
			if p.quoted {
				raw = unescapeShort(raw, vb[:0])
			}
			v.set(rank, fieldLevel(kind, jsonString, raw))
		}
	}
	if pairs < 2 {
		return entry.Unknown, false
	}
	l, _ := v.result()
	return l, true
}

// logfmtFields collects the pairs of a logfmt line into c and reports
// whether b is a logfmt line as quickLogfmt judges it (c is then complete).
// Keys are copied with invalid UTF-8 replaced; quoted values are decoded; a
// bare key has an empty value. A line that is valid UTF-8 and holds no
// backslash needs no change to any key or value: its spans then point into
// b itself (c.view), and nothing is copied.
func logfmtFields(b []byte, c *collector) bool {
	view := !c.copy && utf8.Valid(b) && bytes.IndexByte(b, '\\') < 0
	if view {
		c.view = b
	}
	pairs := 0
	for i := 0; ; {
		p, next, ok, bad := nextPair(b, i)
		if bad || pairs == 0 && ok && !p.eq {
			return false
		}
		if !ok {
			break
		}
		i = next
		if p.eq {
			pairs++
		}
		var s fieldSpan
		if view {
			s = fieldSpan{k0: p.k0, k1: p.k1, v0: p.v0, v1: p.v1}
		} else {
			s.k0 = len(c.buf)
			c.buf = appendValid(c.buf, b[p.k0:p.k1])
			s.k1 = len(c.buf)
			s.v0 = s.k1
			if p.quoted {
				c.buf = appendUnescaped(c.buf, b[p.v0:p.v1])
			} else {
				c.buf = appendValid(c.buf, b[p.v0:p.v1])
			}
			s.v1 = len(c.buf)
		}
		s.t = jsonString
		s.top, s.topLen = len(c.spans), s.k1-s.k0
		s.kind, s.rank = classifyKey(c.bytes()[s.k0:s.k1])
		if !p.eq || s.kind == keyMongoS || s.kind == keyLogObj {
			s.kind, s.rank = keyOther, 0 // as quickLogfmt, which ignores them
		}
		c.spans = append(c.spans, s)
	}
	return pairs >= 2
}
