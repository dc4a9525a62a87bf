package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
)

// View is what a --template sees of an entry. Every string is sanitized as
// the terminal shows it (a grouped entry's lines stay separated by '\n').
type View struct {
	Time      time.Time // the daemon's timestamp, UTC
	Timestamp string    // Time as `docker logs -t` writes it
	Service   string    // the compose service
	Container string    // the container's display name, "api-1"
	ID        string    // the full container ID
	Replica   int       // the replica number; 0 for a one-off container
	Stream    string    // "stdout", "stderr" or "tty"
	Level     string    // "trace" … "fatal", or "unknown"
	// Message is the message field of a structured line (unless --raw), or
	// the whole text.
	Message string
	// Fields are a structured line's other fields (nested keys joined with
	// dots, values as strings); nil for text.
	Fields  map[string]string
	TraceID string // the trace or request id of a structured line
	Line    string // the whole text as written
}

// viewFields lists View's fields for error messages.
const viewFields = ".Time .Timestamp .Service .Container .ID .Replica .Stream .Level .Message .Fields .TraceID .Line"

// templateFuncs are the functions docker --format users reach for.
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		return strings.TrimSuffix(buf.String(), "\n"), nil
	},
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
	"trim":  strings.TrimSpace,
}

// ParseTemplate parses a --template text with the functions json, upper,
// lower and trim. A missing key of .Fields gives "" rather than
// "<no value>". It also runs the template once on an empty View, so that a
// misspelt field is reported now rather than on the first line.
func ParseTemplate(text string) (*template.Template, error) {
	tmpl, err := template.New("template").Funcs(templateFuncs).Option("missingkey=zero").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse template %q: %w (fields: %s; functions: json upper lower trim)", text, err, viewFields)
	}
	if err := tmpl.Execute(io.Discard, &View{}); err != nil {
		return nil, fmt.Errorf("template %q: %w (fields: %s)", text, err, viewFields)
	}
	return tmpl, nil
}

// Template writes each entry through a text/template followed by a newline
// (-o template, --template), as docker --format does. Notices go to errOut
// as plain text. A Template is not safe for concurrent use.
type Template struct {
	writer
	tmpl   *template.Template
	o      TemplateOptions
	ts     stamper
	buf    bytes.Buffer
	failed bool // an execution error was returned already
}

// TemplateOptions say how a Template sink builds its View. The zero value
// parses structured lines into message and fields.
type TemplateOptions struct {
	// Raw keeps structured lines as written: Message is the whole line and
	// Fields and TraceID are empty (--raw).
	Raw bool
}

// NewTemplate returns a Template sink executing tmpl (from ParseTemplate)
// per entry, writing lines to out and notices to errOut.
func NewTemplate(out, errOut io.Writer, tmpl *template.Template, o TemplateOptions) *Template {
	return &Template{writer: newWriter(out, errOut), tmpl: tmpl, o: o}
}

// Lines executes the template for each entry into the buffered output. It
// does not flush. An entry whose execution fails writes nothing; the first
// such error is returned, with the template's text, and later ones are not,
// so that a field missing from some lines does not repeat for each of them.
func (t *Template) Lines(es []entry.Entry) error {
	for i := range es {
		t.buf.Reset()
		if err := t.tmpl.Execute(&t.buf, t.view(&es[i])); err != nil {
			if t.failed {
				continue
			}
			t.failed = true
			return fmt.Errorf("template %q: %w", t.tmpl.Root.String(), err)
		}
		t.buf.WriteByte('\n')
		if err := t.write(t.buf.Bytes()); err != nil {
			return err
		}
	}
	if t.buf.Cap() > maxScratch {
		t.buf = bytes.Buffer{}
	}
	return nil
}

// view builds the View of e.
func (t *Template) view(e *entry.Entry) *View {
	src := e.Src
	if src == nil {
		src = &noSource
	}
	p := parseEntry(e, t.o.Raw, nil) // a template may keep what it is given
	var ts [tsLen]byte
	v := &View{
		Time:      time.Unix(0, e.Time).UTC(),
		Timestamp: string(t.ts.append(ts[:0], e.Time)),
		Service:   sanitizeString(src.Service),
		Container: sanitizeString(src.Name),
		ID:        sanitizeString(src.ID),
		Replica:   src.Number,
		Stream:    e.Stream.String(),
		Level:     p.level(e).String(),
		Line:      sanitizeText(nil, e.Msg, p.grouped),
		TraceID:   sanitizeString(p.TraceID),
	}
	v.Message = v.Line
	if p.structured {
		b := appendSanitized(nil, []byte(p.Message))
		if p.rest != nil {
			b = append(b, '\n')
		}
		v.Message = sanitizeText(b, p.rest, true)
	}
	if len(p.Fields) > 0 {
		v.Fields = make(map[string]string, len(p.Fields))
		for _, f := range p.Fields {
			v.Fields[sanitizeString(f.Key)] = sanitizeString(f.Value)
		}
	}
	return v
}

// sanitizeString returns s sanitized.
func sanitizeString(s string) string {
	if s == "" {
		return ""
	}
	return string(appendSanitized(nil, []byte(s)))
}

// sanitizeText appends text sanitized to b, keeping the '\n' between the
// lines of a group, and returns the result as a string.
func sanitizeText(b, text []byte, grouped bool) string {
	for grouped {
		line, rest, more := cutLine(text)
		if !more {
			break
		}
		b = appendSanitized(b, line)
		b = append(b, '\n')
		text = rest
	}
	return string(appendSanitized(b, text))
}
