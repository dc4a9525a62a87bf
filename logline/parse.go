package logline

import (
	"bytes"
	"unicode/utf8"
	"unsafe"

	"github.com/docker-devlogs/devlogs/entry"
)

// Field is one structured field of a line.
type Field struct{ Key, Value string }

// Parsed is what a line says about itself. All its strings are valid UTF-8
// (invalid bytes become U+FFFD); they may hold control characters, which
// sinks sanitize.
type Parsed struct {
	Format Format
	Level  entry.Level
	// Message is the msg/message/@m/@mt/event field of a JSON or logfmt
	// line, or the whole line for text.
	Message string
	// Time is the program's own timestamp field (time/ts/@t/timestamp/
	// @timestamp/t) as written; empty for text lines.
	Time string
	// Fields are the other fields in order of appearance. Nested JSON objects
	// are flattened with dots (a.b.c), an empty object is "{}", arrays are
	// compact JSON text, strings are decoded, numbers and literals are as
	// written. A JSON key repeated at the top level keeps only its last
	// value, as encoding/json does; the level, message and time fields are
	// not repeated here.
	Fields []Field
	// TraceID is the trace id field (trace_id, traceId, trace.id, traceID,
	// otelTraceID, dd.trace_id), else the request id field (request_id,
	// requestId, req_id, x_request_id, reqId, correlation_id). It stays in
	// Fields too.
	TraceID string
}

// Parse reads a line's format, level, message, timestamp field, other fields
// and trace id. It allocates; use Quick when only the level is needed.
func Parse(msg []byte) Parsed {
	p := Parser{c: collector{copy: true}}
	return p.Parse(msg)
}

// Parser parses lines as Parse does, reusing its buffers from one line to
// the next: for a caller that is done with a Parsed before it parses the
// next line (its Fields slice is reused) and that does not change msg
// while it uses the Parsed (its strings may point into msg).
type Parser struct {
	c      collector
	fields []Field
}

// maxParserKeep bounds the buffers a Parser keeps between lines.
const maxParserKeep = 64 << 10

// Parse is the package's Parse with p's buffers.
func (p *Parser) Parse(msg []byte) Parsed {
	b := trimBlankLeft(msg)
	if cap(p.c.buf) > maxParserKeep {
		p.c, p.fields = collector{copy: p.c.copy}, nil
	}
	if len(b) > 0 && b[0] == '{' {
		c := p.c.reset(len(b), bytes.Count(b, []byte{':'})+1)
		if jsonFields(b, c) {
			c.dropDuplicates()
			l, rank := c.voteJSON()
			return c.result(JSON, l, rank, &p.fields)
		}
	}
	if bytes.IndexByte(b, '=') > 0 {
		c := p.c.reset(len(b), bytes.Count(b, []byte{' '})+1)
		if logfmtFields(b, c) {
			l, rank := c.vote()
			return c.result(Logfmt, l, rank, &p.fields)
		}
	}
	l, _ := Quick(msg)
	r := Parsed{Format: Text, Level: l}
	if utf8.Valid(msg) {
		r.Message = string(msg)
	} else {
		r.Message = string(appendValid(make([]byte, 0, len(msg)+8), msg))
	}
	return r
}

// fieldSpan is one collected field: key and value extents in collector.buf,
// the top-level member it comes from (its ordinal, and the length of its key
// at the start of this one), its JSON value type and what its key means.
type fieldSpan struct {
	k0, k1, v0, v1 int
	top, topLen    int
	t              byte
	kind           keyKind
	rank           uint8
}

// collector gathers the decoded keys and values of a line in one buffer, so
// that the result needs a single string allocation for all of them.
type collector struct {
	buf   []byte
	spans []fieldSpan
	// view, when not nil, is the line itself, which the spans index
	// instead of buf (nothing needed decoding).
	view []byte
	// copy: never read in place (Parse's strings outlive the line).
	copy bool
}

// bytes returns what the spans index.
func (c *collector) bytes() []byte {
	if c.view != nil {
		return c.view
	}
	return c.buf
}

// reset empties c, with room for a line of n bytes with about fields
// fields, and returns it.
func (c *collector) reset(n, fields int) *collector {
	if need := n + n/4 + 16; cap(c.buf) < need {
		c.buf = make([]byte, 0, need)
	}
	if cap(c.spans) < fields {
		c.spans = make([]fieldSpan, 0, fields)
	}
	c.buf, c.spans, c.view = c.buf[:0], c.spans[:0], nil
	return c
}

// dropDuplicates removes the fields of a top-level member whose key appears
// again later: the last one wins, as in encoding/json.
func (c *collector) dropDuplicates() {
	dead := c.superseded()
	if dead == nil {
		return
	}
	out := c.spans[:0]
	for _, s := range c.spans {
		if !dead[s.top] {
			out = append(out, s)
		}
	}
	c.spans = out
}

// topKey is the key of a top-level member, located through its first span.
type topKey struct{ k0, k1 int }

// superseded marks the top-level members repeated later, or returns nil
// when no key repeats (the usual case, without allocating).
func (c *collector) superseded() []bool {
	var small [32]topKey
	tops := small[:0]
	for _, s := range c.spans {
		if s.top == len(tops) {
			tops = append(tops, topKey{s.k0, s.k0 + s.topLen})
		}
	}
	var dead []bool
	mark := func(i int) {
		if dead == nil {
			dead = make([]bool, len(tops))
		}
		dead[i] = true
	}
	if len(tops) <= len(small) {
		for i, a := range tops {
			ka := c.bytes()[a.k0:a.k1]
			for _, b := range tops[i+1:] {
				if string(ka) == string(c.bytes()[b.k0:b.k1]) {
					mark(i)
					break
				}
			}
		}
		return dead
	}
	last := make(map[string]int, len(tops))
	for i, a := range tops {
		last[string(c.bytes()[a.k0:a.k1])] = i
	}
	for i, a := range tops {
		if last[string(c.bytes()[a.k0:a.k1])] != i {
			mark(i)
		}
	}
	return dead
}

// voteJSON computes the level of a JSON object's collected fields as
// quickJSON does: vote, and a CLEF event (a top-level @t, @m or @mt key)
// without a level is Information.
func (c *collector) voteJSON() (entry.Level, uint8) {
	var v levelVote
	b := c.bytes()
	for i, s := range c.spans {
		if i == 0 || c.spans[i-1].top != s.top {
			top := b[s.k0 : s.k0+s.topLen]
			if isCLEFKey(top) {
				v.clef = true
			}
			if s.k1-s.k0 != s.topLen {
				// The member's value is an object (its fields are flattened):
				// a level key holding one states no level.
				if kind, rank := classifyKey(top); kind == keyLevel || kind == keyMongoS {
					v.set(rank, entry.Unknown)
				}
			}
		}
		if s.kind == keyLevel || s.kind == keyMongoS {
			v.set(s.rank, fieldLevel(s.kind, s.t, b[s.v0:s.v1]))
		}
	}
	return v.result()
}

// vote computes the level of the collected fields as quickLogfmt does.
func (c *collector) vote() (entry.Level, uint8) {
	var v levelVote
	for _, s := range c.spans {
		if s.kind == keyLevel || s.kind == keyMongoS {
			v.set(s.rank, fieldLevel(s.kind, s.t, c.bytes()[s.v0:s.v1]))
		}
	}
	return v.result()
}

// result builds the Parsed value: the level field of rank levelRank, the
// best message and time fields are taken out of Fields.
func (c *collector) result(f Format, l entry.Level, levelRank uint8, fields *[]Field) Parsed {
	msg := c.best(keyMessage, jsonString, jsonString)
	tm := c.best(keyTime, jsonString, jsonNumber)
	lv := -1
	if levelRank != 0 {
		for i, s := range c.spans {
			if (s.kind == keyLevel || s.kind == keyMongoS) && s.rank == levelRank {
				lv = i
			}
		}
	}
	trace := c.best(keyTrace, jsonString, jsonNumber)
	if trace < 0 {
		trace = c.best(keyRequest, jsonString, jsonNumber)
	}
	var all string
	if c.view != nil {
		// The strings point into the line: Parser's callers are done with
		// them before the line changes (Parse reads nothing in place).
		all = unsafe.String(unsafe.SliceData(c.view), len(c.view))
	} else {
		all = string(c.buf)
	}
	val := func(i int) string {
		if i < 0 {
			return ""
		}
		return all[c.spans[i].v0:c.spans[i].v1]
	}
	p := Parsed{Format: f, Level: l, Message: val(msg), Time: val(tm), TraceID: val(trace)}
	n := len(c.spans)
	for _, i := range [...]int{msg, tm, lv} {
		if i >= 0 {
			n--
		}
	}
	if n == 0 {
		return p
	}
	if cap(*fields) < n {
		*fields = make([]Field, 0, n)
	}
	p.Fields = (*fields)[:0]
	for i, s := range c.spans {
		if i != msg && i != tm && i != lv {
			p.Fields = append(p.Fields, Field{Key: all[s.k0:s.k1], Value: all[s.v0:s.v1]})
		}
	}
	return p
}

// best returns the index of the best-ranked field of a kind whose value has
// type t1 or t2 (the last one among equals), or -1.
func (c *collector) best(kind keyKind, t1, t2 byte) int {
	found := -1
	for i, s := range c.spans {
		if s.kind != kind || s.t != t1 && s.t != t2 {
			continue
		}
		if found < 0 || s.rank <= c.spans[found].rank {
			found = i
		}
	}
	return found
}
