package render

import (
	"io"

	"github.com/docker-devlogs/devlogs/entry"
)

// RawOptions say how a Raw sink renders. The zero value escapes every
// control sequence.
type RawOptions struct {
	// ANSI passes the program's own plain SGR color sequences, as
	// Options.ANSI does; a line that passed one ends in an SGR reset.
	ANSI bool
}

// Raw writes only the lines' text (-o raw): sanitized, one output line per
// line (each line of a grouped entry on its own), without prefix,
// timestamp or color. A line cut at the cap keeps its plain marker
// " [… 1.0 MiB cut]", so that no loss is silent. Notices go to errOut as
// plain text. A Raw is not safe for concurrent use.
type Raw struct {
	writer
	o      RawOptions
	spans  []span
	passed bool // the current output line holds a passed sequence
}

// NewRaw returns a Raw sink writing lines to out and notices to errOut.
func NewRaw(out, errOut io.Writer, o RawOptions) *Raw {
	return &Raw{writer: newWriter(out, errOut), o: o}
}

// Lines writes the text of each entry to the buffered output. It does not
// flush.
func (r *Raw) Lines(es []entry.Entry) error {
	for i := range es {
		if err := r.writeLine(r.appendEntry(r.line[:0], &es[i])); err != nil {
			return err
		}
	}
	return nil
}

// appendEntry appends e's lines.
func (r *Raw) appendEntry(b []byte, e *entry.Entry) []byte {
	grouped := e.Flags&entry.Grouped != 0
	text := e.Msg
	for {
		line, more := text, false
		if grouped {
			line, text, more = cutLine(text)
		}
		b = r.appendLine(b, line)
		if !more {
			break
		}
		b = r.endLine(b)
	}
	if e.Cut > 0 {
		b = append(b, " [… "...)
		b = appendSize(b, e.Cut)
		b = append(b, " cut]"...)
	}
	return r.endLine(b)
}

// appendLine appends one line sanitized, passing the allowlisted SGR
// sequences in ANSI mode.
func (r *Raw) appendLine(b, line []byte) []byte {
	if !r.o.ANSI {
		return appendSanitized(b, line)
	}
	b, r.spans = appendSanitizedANSI(b, line, r.spans[:0])
	r.passed = r.passed || len(r.spans) > 0
	return b
}

// endLine ends an output line, with an SGR reset after passed sequences.
func (r *Raw) endLine(b []byte) []byte {
	if r.passed {
		b = append(b, sgrReset...)
		r.passed = false
	}
	return append(b, '\n')
}
