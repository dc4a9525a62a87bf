package logline

import (
	"bytes"
	"unicode/utf8"
)

// maxFlatten is the depth down to which nested objects become dotted
// fields; deeper objects are kept whole as compact JSON text, which bounds
// the length of the flattened keys.
const maxFlatten = 32

// jsonFields collects the fields of a JSON object line into c: nested
// objects flattened with dots ("a.b.c"), an empty object as "{}", arrays and
// over-deep objects as compact JSON text, strings decoded, numbers and
// literals as written. It reports false if b is not a JSON object (alone on
// its line, blanks aside).
//
// A flat object (one '{', no '[') that is valid UTF-8 and holds no
// backslash is read in place: its keys and values are the line's own
// bytes, so the spans point into b (c.view) and nothing is copied.
func jsonFields(b []byte, c *collector) bool {
	if !c.copy && flatPlain(b) {
		c.view = b
		p := jsonParser{jsonScan: jsonScan{b: b}, c: c, view: true}
		if ok := p.line(); !p.notFlat {
			return ok
		}
		c.reset(len(b), len(c.spans)) // not flat after all: copy
	}
	p := jsonParser{jsonScan: jsonScan{b: b}, c: c}
	return p.line()
}

// flatPlain is jsonFields' test for reading b in place.
func flatPlain(b []byte) bool {
	return bytes.Count(b, []byte{'{'}) == 1 && bytes.IndexByte(b, '[') < 0 &&
		bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b)
}

// line reads the line's object and checks that only blanks follow.
func (p *jsonParser) line() bool {
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return false
	}
	if !p.members(-1, -1, 0, false) {
		return false
	}
	p.ws()
	return p.i == len(p.b)
}

type jsonParser struct {
	jsonScan
	c      *collector
	top    int // ordinal of the current top-level member
	topLen int // length of its key
	// view: keys and values are read in place (see jsonFields); notFlat
	// reports a value that cannot be.
	view, notFlat bool
}

// members reads the object at p.i. Its keys are prefixed with buf[pk0:pk1]
// and a dot, unless pk0 < 0 (the top level). underLog marks the members of
// a top-level "log" object, whose "level" is ECS's log.level.
func (p *jsonParser) members(pk0, pk1, depth int, underLog bool) bool {
	p.i++ // '{'
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return true
	}
	for ordinal := 0; ; {
		p.ws()
		a, z, ok := p.str()
		if !ok {
			return false
		}
		c := p.c
		var k0, k1 int
		switch {
		case p.view && pk0 >= 0:
			p.notFlat = true
			return false
		case p.view:
			k0, k1 = a, z
		default:
			k0 = len(c.buf)
			if pk0 >= 0 {
				c.buf = append(c.buf, c.buf[pk0:pk1]...)
				c.buf = append(c.buf, '.')
			}
			c.buf = appendUnescaped(c.buf, p.b[a:z])
			k1 = len(c.buf)
		}
		sub := k0
		if pk0 >= 0 {
			sub += pk1 - pk0 + 1
		}
		if pk0 < 0 {
			p.top, p.topLen = ordinal, k1-k0
			ordinal++
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return false
		}
		p.i++
		p.ws()
		if !p.member(k0, k1, sub, depth, underLog) {
			return false
		}
		p.ws()
		if p.i >= len(p.b) {
			return false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// member reads the value of the key at buf[k0:k1], whose own name (without
// its prefix) starts at sub.
func (p *jsonParser) member(k0, k1, sub, depth int, underLog bool) bool {
	c := p.c
	if p.i < len(p.b) && p.b[p.i] == '{' && depth+1 < maxFlatten && !p.emptyObject() {
		log := false
		if depth == 0 {
			kind, _ := classifyKey(c.bytes()[k0:k1])
			log = kind == keyLogObj
		}
		return p.members(k0, k1, depth+1, log)
	}
	start := p.i
	t, v0, v1 := p.value(modeSkip, nil)
	if t == jsonInvalid {
		return false
	}
	s := fieldSpan{k0: k0, k1: k1, top: p.top, topLen: p.topLen, t: t}
	s.v0 = len(c.buf)
	switch {
	case p.view && (t == jsonObject || t == jsonArray):
		p.notFlat = true
		return false
	case p.view:
		s.v0, s.v1 = v0, v1
	case t == jsonString:
		c.buf = appendUnescaped(c.buf, p.b[v0:v1])
	case t == jsonObject || t == jsonArray:
		c.buf = appendCompact(c.buf, p.b[start:p.i])
	default:
		c.buf = append(c.buf, p.b[v0:v1]...)
	}
	if !p.view {
		s.v1 = len(c.buf)
	}
	s.kind, s.rank = classifyKey(c.bytes()[k0:k1])
	switch {
	case underLog && depth == 1:
		s.kind, s.rank = keyOther, 0
		if kind, rank := classifyKey(c.bytes()[sub:k1]); kind == keyLevel && rank == 1 {
			s.kind, s.rank = keyLevel, nestedLogLevelRank
		}
	case depth > 0 && s.kind != keyTrace && s.kind != keyRequest:
		s.kind, s.rank = keyOther, 0 // only top-level keys name level, message, time
	}
	c.spans = append(c.spans, s)
	return true
}

// emptyObject reports whether the object at p.i is {} (blanks allowed);
// it is kept as a field of its own so that its key is not lost.
func (p *jsonParser) emptyObject() bool {
	i := p.i + 1
	for i < len(p.b) && (p.b[i] == ' ' || p.b[i] == '\t' || p.b[i] == '\n' || p.b[i] == '\r') {
		i++
	}
	return i < len(p.b) && p.b[i] == '}'
}

// appendCompact appends the JSON text raw (known valid) without its
// insignificant blanks, each invalid UTF-8 byte inside strings replaced by
// U+FFFD.
func appendCompact(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := i + 1
			for j < len(raw) && raw[j] != '"' {
				if raw[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, '"')
			dst = appendValid(dst, raw[i+1:j])
			dst = append(dst, '"')
			i = j + 1
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst
}
