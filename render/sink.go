package render

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/docker-devlogs/devlogs/entry"
)

// Sink is what every output format implements: the consumer of a run feeds
// it batches of lines and notices, and flushes it when its input is idle.
type Sink interface {
	// Lines renders es to the buffered output. It does not flush.
	Lines(es []entry.Entry) error
	// Notice flushes the pending lines, then writes n as one line of plain
	// text to the notice writer (stderr), in every format.
	Notice(n entry.Notice) error
	// Flush writes the buffered lines out.
	Flush() error
}

var (
	_ Sink = (*Terminal)(nil)
	_ Sink = (*JSON)(nil)
	_ Sink = (*Raw)(nil)
	_ Sink = (*Template)(nil)
)

// bufSize is the size of the line buffer in front of the output.
const bufSize = 64 << 10

// maxScratch bounds the scratch line kept between calls, so one huge line
// does not pin megabytes for the rest of the run.
const maxScratch = 256 << 10

// writer is the part every sink shares: lines buffered in front of out,
// notices written unbuffered to errOut after the pending lines, and a
// scratch buffer for the line being built.
type writer struct {
	out    *bufio.Writer
	errOut io.Writer
	line   []byte
}

func newWriter(out, errOut io.Writer) writer {
	return writer{out: bufio.NewWriterSize(out, bufSize), errOut: errOut}
}

// Flush writes the buffered lines to out.
func (w *writer) Flush() error {
	if err := w.out.Flush(); err != nil {
		return fmt.Errorf("flush log lines: %w", err)
	}
	return nil
}

// Notice flushes the pending lines, then writes n to errOut as the Terminal
// does without color: "worker-1 * exited with code 2" for a container,
// "devlogs: text" for the run.
func (w *writer) Notice(n entry.Notice) error {
	if n.Kind == entry.Listed {
		return nil
	}
	if err := w.Flush(); err != nil {
		return err
	}
	b := w.line[:0]
	if n.Src == nil {
		b = append(b, "devlogs: "...)
	} else {
		b = appendSanitized(b, []byte(n.Src.Name))
		b = append(b, " * "...)
	}
	b = appendSanitized(b, []byte(n.Text))
	b = append(b, '\n')
	return w.writeNotice(b)
}

// writeNotice writes a finished notice line to errOut.
func (w *writer) writeNotice(b []byte) error {
	_, err := w.errOut.Write(b)
	w.keepScratch(b)
	if err != nil {
		return fmt.Errorf("write notice: %w", err)
	}
	return nil
}

// writeLine writes a finished line (or lines) to the buffered output and
// keeps b's storage as the next scratch line.
func (w *writer) writeLine(b []byte) error {
	err := w.write(b)
	w.keepScratch(b)
	return err
}

// write writes b to the buffered output.
func (w *writer) write(b []byte) error {
	if _, err := w.out.Write(b); err != nil {
		return fmt.Errorf("write log line: %w", err)
	}
	return nil
}

// keepScratch keeps b's storage for the next line unless it grew too big.
func (w *writer) keepScratch(b []byte) {
	if cap(b) > maxScratch {
		w.line = nil
		return
	}
	w.line = b[:0]
}

// splitGroup returns the first line of a grouped entry's text and the lines
// after it (nil when there is only one). Other entries are one line, even
// if their text holds a newline: the sanitizer shows it as ^J.
func splitGroup(e *entry.Entry) (first, rest []byte) {
	if e.Flags&entry.Grouped != 0 {
		if i := bytes.IndexByte(e.Msg, '\n'); i >= 0 {
			return e.Msg[:i], e.Msg[i+1:]
		}
	}
	return e.Msg, nil
}

// cutLine returns the first line of a group's remaining text and what
// follows it; more is false for the last line.
func cutLine(text []byte) (line, rest []byte, more bool) {
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		return text[:i], text[i+1:], true
	}
	return text, nil, false
}
