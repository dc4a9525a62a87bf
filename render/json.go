package render

import (
	"io"
	"strconv"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// JSONOptions say how a JSON sink renders. The zero value parses structured
// lines into message and fields.
type JSONOptions struct {
	// Raw keeps structured lines as written: "message" is the whole line,
	// and there are no "fields" or "trace_id" (--raw).
	Raw bool
}

// JSON writes one JSON object per entry per line (-o json); the schema is
// in the package documentation. Lines go to out through a 64 KiB buffer;
// notices go to errOut as plain text. A JSON is not safe for concurrent
// use.
type JSON struct {
	writer
	o      JSONOptions
	ts     stamper
	parser logline.Parser
}

// NewJSON returns a JSON sink writing lines to out and notices to errOut.
func NewJSON(out, errOut io.Writer, o JSONOptions) *JSON {
	return &JSON{writer: newWriter(out, errOut), o: o}
}

// Lines writes one object per entry to the buffered output. It does not
// flush.
func (j *JSON) Lines(es []entry.Entry) error {
	for i := range es {
		if err := j.writeLine(j.appendRecord(j.line[:0], &es[i])); err != nil {
			return err
		}
	}
	return nil
}

// noSource stands for the source of an entry without one.
var noSource entry.Source

// appendRecord appends e's object and a newline.
func (j *JSON) appendRecord(b []byte, e *entry.Entry) []byte {
	src := e.Src
	if src == nil {
		src = &noSource
	}
	p := parseEntry(e, j.o.Raw, &j.parser)
	b = append(b, `{"time":"`...)
	b = j.ts.append(b, e.Time)
	b = append(b, `","service":`...)
	b = appendJSONString(b, src.Service)
	b = append(b, `,"container":`...)
	b = appendJSONString(b, src.Name)
	b = append(b, `,"container_id":`...)
	b = appendJSONString(b, src.ID)
	b = append(b, `,"replica":`...)
	b = strconv.AppendInt(b, int64(src.Number), 10)
	b = append(b, `,"stream":"`...)
	b = append(b, e.Stream.String()...)
	b = append(b, `","level":"`...)
	b = append(b, p.level(e).String()...)
	b = append(b, `","message":`...)
	b = appendMessage(b, e, &p)
	if len(p.Fields) > 0 {
		b = append(b, `,"fields":{`...)
		for i, f := range p.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, f.Key)
			b = append(b, ':')
			b = appendJSONString(b, f.Value)
		}
		b = append(b, '}')
	}
	if p.TraceID != "" {
		b = append(b, `,"trace_id":`...)
		b = appendJSONString(b, p.TraceID)
	}
	b = append(b, `,"format":"`...)
	b = append(b, e.Format.String()...)
	b = append(b, '"')
	if p.grouped {
		b = append(b, `,"grouped":true`...)
	}
	if e.Cut > 0 {
		b = append(b, `,"cut_bytes":`...)
		b = strconv.AppendInt(b, e.Cut, 10)
	}
	return append(b, "}\n"...)
}

// appendMessage appends the "message" string: the parsed message of a
// structured line (followed by the group's other lines, as written), or the
// whole text.
func appendMessage(b []byte, e *entry.Entry, p *parsed) []byte {
	if !p.structured {
		return appendJSONString(b, e.Msg)
	}
	b = append(b, '"')
	b = appendJSONBody(b, p.Message)
	if p.rest != nil {
		b = append(b, `\n`...)
		b = appendJSONBody(b, p.rest)
	}
	return append(b, '"')
}
