// Package render writes log entries to an output in one of the formats a
// user picks: a terminal view (Terminal), JSON lines (JSON), bare text (Raw)
// or a Go template (Template), all behind the Sink interface.
//
// Every sink buffers lines in front of one writer (stdout) through a 64 KiB
// buffer that the caller flushes when its input is idle; notices go to
// another (stderr), one line of plain text each, after the pending lines so
// that a terminal shows both in order. No sink looks at os.Stdout, the
// environment or whether the output is a terminal: the caller decides
// (color, for one) and passes writers in.
//
// # Safety
//
// Content from containers is untrusted: it must never move the cursor, set
// the title, write the clipboard (OSC 52) or make the terminal answer a query.
// Every control character is therefore shown visibly escaped instead of
// being passed through (see appendSanitized): ESC as "^[", CR as `\r`, C1 and
// bidi controls as "<U+202E>", invalid UTF-8 as U+FFFD. In color mode every
// line ends in an SGR reset so no attribute bleeds into the next one. The
// only escape sequences in the output are the SGR sequences this package
// emits, and, with the opt-in Options.ANSI (or RawOptions.ANSI), the plain
// color sequences of an allowlist that a program wrote itself (see
// appendSanitizedANSI); a line that passed one ends in a reset too. The JSON
// output escapes the same characters, so it is inert even when not piped to
// jq. Template output is as safe as the template: every View string is
// sanitized.
//
// # Terminal
//
// A service's color is a hash of its service name, not of the order in which
// services appeared (compose's nextColor), so api keeps its color across runs,
// restarts and recreates, and all its replicas share it.
//
// The prefix width is the widest display name reserved or seen so far,
// counted in runes of the sanitized name (container names are ASCII); it only
// grows, as in compose, so the caller reserves the project's replica names up
// front to keep columns still. Notices carry no timestamp: they describe the
// follower's view, not a line the daemon stored. Timestamps, when shown, are
// dimmed in color mode.
//
// Lines are colored by their level (Entry.Level) in color mode: trace and
// debug dim, info and unknown in the default color, warn yellow, error red,
// fatal magenta (distinct from error; service prefixes are never bold); the
// first line of an error or fatal entry is bold too.
//
// A structured line (Entry.Format JSON or logfmt, unless Options.Raw) is
// parsed with logline.Parse and shown as
//
//	api-1 | WARN slow query db.table=orders query="SELECT * FROM orders"
//
// a four-letter level badge (TRAC DEBU INFO WARN ERRO FATA, none for an
// unknown level) and the message in the level's color, then the other
// fields in the line's order, dimmed: nested JSON keys joined with dots,
// values as logline gives them, quoted in Go syntax (%q) when empty or
// holding a blank, a quote, '=' or a control character. The program's own
// time field is left out (-t shows the daemon's). A line with neither a
// message nor other fields is shown as written. Text lines are shown as
// written.
//
// A grouped entry (entry.Grouped: a stack trace and the line that opened
// it) is one output line per line of its text, each with the entry's
// prefix; the timestamp column of the lines after the first is left blank,
// so the trace reads as one block, and they take the level's color without
// bold (a stack trace under an error is red). A cut marker closes the last
// line.
//
// Options.Highlight marks the matches of its patterns in inverse video
// (SGR 7 … 27) in the message and fields of every line, groups included.
// The patterns run on the text after sanitizing (and without the sequences
// ANSI passed), so a match never splits or forms an escape sequence. It is
// a color effect only: without Color nothing changes. In ANSI mode a
// program's own reset ends the level color for the rest of its line.
//
// # JSON
//
// JSON writes one object per entry and line, with the keys in this order:
//
//	{"time":"2026-11-21T02:22:03.589948920Z", daemon timestamp, as docker logs -t
//	 "service":"api", "container":"api-1", "container_id":"<full id>",
//	 "replica":1,                              0 for a one-off container
//	 "stream":"stdout",                        stdout, stderr or tty
//	 "level":"warn",                           trace … fatal, or "unknown"
//	 "message":"slow query",
//	 "fields":{"db.table":"orders"},           optional
//	 "trace_id":"4bf9…",                       optional
//	 "format":"json",                          text, json or logfmt
//	 "grouped":true,                           optional
//	 "cut_bytes":123}                          optional
//
// The keys up to "message" and "format" are always present (empty strings
// for an entry without a source); "level" is always there, "unknown" when
// no level was found. The optional keys are left out when empty, false or
// zero. "message" is the message field of a structured line (followed by
// the other lines of a group, joined with "\n"), or the whole text of a
// text line or of any line in raw mode (JSONOptions.Raw), a group's lines
// joined with "\n". "fields" holds a structured line's other fields as
// strings, in the line's order (a logfmt key may repeat; jq keeps the
// last); its time, level and message fields are not repeated there.
// "trace_id" is the trace or request id field. In raw mode there are no
// "fields" and no "trace_id". Invalid UTF-8 becomes U+FFFD (one per byte,
// as encoding/json does); control, C1 and bidi characters are escaped as
// \uXXXX.
//
// # Raw
//
// Raw writes only the text of the lines (-o raw): sanitized, one output line
// per line (a group's lines each on their own), without prefix, timestamp,
// level or color; a cut line keeps its plain cut marker.
//
// # Template
//
// Template executes a text/template per entry and writes a newline after
// each execution, as docker --format does. The template sees a View (Time,
// Timestamp, Service, Container, ID, Replica, Stream, Level, Message,
// Fields, TraceID, Line), whose strings are sanitized, and the functions
// json, upper, lower and trim; a missing key of .Fields is "". ParseTemplate
// reports a syntax error or an unknown field before the first line.
//
// Sinks are driven by a single consumer goroutine and are not safe for
// concurrent use.
package render
