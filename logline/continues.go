package logline

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// Group is the state of one multi-line entry: what opened it (a log line,
// a Python traceback, a Go panic, a Node.js or Rust crash report, a
// PostgreSQL error …) and how far into it we are. It decides line by line,
// without looking ahead; a grouper that buffers and flushes entries is built
// on top of it. The zero Group accepts nothing until Start.
//
// Lines of one container and stream are fed in order:
//
//	g.Start(first)
//	for each next line {
//		if !g.Add(line) { emit the group; g.Start(line) }
//	}
type Group struct {
	kind     groupKind
	phase    uint8
	first    entry.Level // level of the first line
	level    entry.Level // level of the group (see Level)
	indented bool        // the first line is indented
	panicky  bool        // the first line mentions a panic (net/http's "http: panic serving …")
	pid      [16]byte    // PostgreSQL backend pid of the first line
	pidLen   uint8
}

type groupKind uint8

const (
	groupNone   groupKind = iota // nothing continues (a blank first line)
	groupLine                    // an ordinary log line
	groupJava                    // a bare Java exception header
	groupPython                  // "Traceback (most recent call last):"
	groupGo                      // a Go panic, fatal error or goroutine dump
	groupNode                    // Node.js' uncaught-exception report ("/app/x.js:3")
	groupRust                    // "thread 'main' panicked at …"
	groupPG                      // a PostgreSQL message (ERROR:, LOG: …)
	groupPHP                     // "PHP Fatal error: …"
)

// Phases of the kinds that have them.
const (
	pyTrace      = iota // in the frames
	pyEnded             // after the exception line
	pyEndedBlank        // after a blank line following it
	pyChain             // after "During handling of the above exception …"
)

const (
	nodeSource = iota // the source line comes next
	nodeCaret         // the caret, blank and error lines come next
	nodeStack         // in the stack ("    at …")
	nodeBlank         // after a blank line in the stack: only "Node.js v…" may follow
	nodeDone
)

const (
	rustMessage = iota // the panic message comes next (Rust ≥ 1.73 prints it on its own line)
	rustRest
)

// Start makes first the opening line of a new group.
func (g *Group) Start(first []byte) { g.StartLevel(first, Level(first)) }

// StartLevel is Start for a line whose Level is already known.
func (g *Group) StartLevel(first []byte, level entry.Level) { g.start(first, level, nil, false) }

// StartStructured is StartLevel for a JSON or logfmt line (as Quick tells):
// such a line opens an ordinary entry, which indented lines may continue,
// and is not read for the headers of crash reports.
func (g *Group) StartStructured(first []byte, level entry.Level) {
	g.start(first, level, nil, true)
}

// start is StartLevel with what an Add already read of first, if anything.
func (g *Group) start(first []byte, level entry.Level, m *pgMemo, structured bool) {
	*g = Group{}
	t := trimBlankRight(first)
	if len(trimBlankLeft(t)) == 0 {
		return
	}
	g.first = level
	g.level = g.first
	g.indented = isBlank(t[0])
	g.panicky = bytes.Contains(t, []byte("panic"))
	if structured {
		g.kind = groupLine
		return
	}
	var pg pgLine
	g.kind, pg = kindOf(t, m)
	switch g.kind {
	case groupRust:
		if t[len(t)-1] != ':' {
			g.phase = rustRest
		}
	case groupPG:
		g.pidLen = uint8(copy(g.pid[:], pg.pid))
	}
}

// Next is Add, and when line does not continue the group, StartLevel of
// next with line and its level: a grouper's step, which reads the line's
// PostgreSQL header once for both.
func (g *Group) Next(line []byte, level entry.Level, next *Group) bool {
	var m pgMemo
	if g.add(line, &m) {
		return true
	}
	next.start(line, level, &m, false)
	return false
}

// pgLine is pgHeader's answer for a line.
type pgLine struct {
	pid, tag []byte
	ok       bool
}

// pgMemo keeps pgHeader's answer for the line being judged, once asked.
type pgMemo struct {
	pgLine
	done bool
}

// header returns pgHeader(b), from m when it holds it (b is then the line
// m was filled with: Add and Start trim a line the same way).
func (m *pgMemo) header(b []byte) pgLine {
	if m != nil && m.done {
		return m.pgLine
	}
	pid, tag, ok := pgHeader(b)
	r := pgLine{pid, tag, ok}
	if m != nil {
		m.pgLine, m.done = r, true
	}
	return r
}

// Level is the level of the group: its first line's, except for crash
// reports whose first line states none (Node.js' "/app/x.js:3", a bare Java
// exception header), which are errors once their stack shows.
func (g *Group) Level() entry.Level { return g.level }

// Add reports whether line continues the group, and if so takes it in.
// When it returns false the group is complete and line opens the next one.
func (g *Group) Add(line []byte) bool { return g.add(line, nil) }

func (g *Group) add(line []byte, m *pgMemo) bool {
	t := trimBlankRight(line)
	body := trimBlankLeft(t)
	ind := len(t) - len(body)
	switch g.kind {
	case groupNone:
		return false
	case groupPython:
		if ok, decided := g.python(body, ind); decided {
			return ok
		}
	case groupGo:
		if goLine(body, ind) {
			return true
		}
		return false
	case groupNode:
		if ok, decided := g.node(body, ind); decided {
			return ok
		}
	case groupRust:
		if ok, decided := g.rust(body, ind); decided {
			return ok
		}
	case groupPG:
		if ok, decided := g.pg(t, m); decided {
			return ok
		}
	case groupPHP:
		if phpLine(body) {
			return true
		}
	}
	return g.generic(body, ind)
}

// Continues reports whether line continues the entry opened by first, as
// the line right after it. It is Group's answer for the second line; feed
// a Group to judge the lines after that (a Python traceback ends with its
// unindented exception line, for instance).
func Continues(first, line []byte) bool {
	var g Group
	g.Start(first)
	return g.Add(line)
}

// Opens reports whether line opens a multi-line crash report (a traceback,
// a panic, an uncaught exception) whose next lines very likely continue it:
// a grouper may wait a little longer before flushing such a line.
func Opens(line []byte) bool {
	k, _ := kindOf(trimBlankRight(line), nil)
	return k != groupLine && k != groupPG
}

// kindOf classifies the first line of a group; for a PostgreSQL message it
// also returns the line's header. m, if not nil, may hold the header.
func kindOf(t []byte, m *pgMemo) (groupKind, pgLine) {
	b := trimBlankLeft(t)
	switch {
	case len(b) == 0:
		return groupNone, pgLine{}
	case isDigit(b[0]) || b[0] == '[':
		// A timestamp or a bracketed field first, as most log lines have:
		// no crash report's first line starts so, but a Java exception's
		// class name may hold digits.
		if javaHeader(b) {
			return groupJava, pgLine{}
		}
	case hasPrefix(b, "Traceback (most recent call last):"):
		return groupPython, pgLine{}
	case goHeader(b):
		return groupGo, pgLine{}
	case hasPrefix(b, "thread '") && bytes.Contains(b, []byte("' panicked at")):
		return groupRust, pgLine{}
	case hasPrefix(b, "Exception in thread "), javaHeader(b):
		return groupJava, pgLine{}
	case hasPrefix(b, "PHP Fatal error:"), hasPrefix(b, "PHP Parse error:"), hasPrefix(b, "PHP Warning:"),
		hasPrefix(b, "Fatal error: Uncaught"):
		return groupPHP, pgLine{}
	case nodeHeader(b):
		return groupNode, pgLine{}
	}
	if pg := m.header(b); pg.ok && !pgDetail(pg.tag) {
		return groupPG, pg
	}
	return groupLine, pgLine{}
}

// generic continues an ordinary entry with indented lines and the lines
// that cannot start an entry of their own (Java's "Caused by:", a lone
// closing bracket). A structured line, or a line that starts with a
// timestamp or a level, never continues.
func (g *Group) generic(body []byte, ind int) bool {
	if len(body) == 0 || isStructured(body) {
		return false
	}
	if ind > 0 {
		if g.indented || opensEntry(body) {
			return false
		}
		if hasPrefix(body, "at ") {
			g.sawFrame(ind)
		}
		return true
	}
	switch {
	case hasPrefix(body, "Caused by: "), hasPrefix(body, "Suppressed: "), closingOnly(body):
		return true
	case g.panicky && goroutineHeader(body):
		g.kind = groupGo
		return true
	case !g.traceAfterLine():
		// A logged line carries one trace: another trace's first line
		// opens an entry of its own.
	case goSymbolLine(body):
		return true // zap's stack trace after a warn+ line
	case javaHeader(body):
		g.kind = groupJava // logback/log4j print the exception after the message
		return true
	case hasPrefix(body, "Traceback (most recent call last):"):
		g.kind, g.phase = groupPython, pyTrace // Python's logger.exception
		return true
	}
	return false
}

// traceAfterLine reports whether a trace may still follow the first line:
// a logger prints a warning's or error's trace after its message, and only
// one.
func (g *Group) traceAfterLine() bool {
	return g.first >= entry.Warn && (g.kind == groupLine || g.kind == groupPG)
}

// sawFrame notes a stack frame line: it makes a bare exception header an
// error, and a space-indented "at" frame is Node's, after which a blank
// line and "Node.js v…" may follow.
func (g *Group) sawFrame(ind int) {
	if g.kind == groupJava && g.level == entry.Unknown {
		g.level = entry.Error
	}
	if g.kind == groupLine && ind >= 4 {
		g.kind, g.phase = groupNode, nodeStack
	}
}

// isStructured reports JSON and logfmt lines, which never continue (the
// format checks of Quick, without its text level search).
func isStructured(b []byte) bool {
	_, f := quickStructured(b)
	return f != Text
}

// opensEntry reports an indented line that is a log line of its own: it
// starts with a timestamp, a bracketed level or an upper-case level word.
func opensEntry(b []byte) bool {
	if startsWithTimestamp(b) {
		return true
	}
	if b[0] == '[' {
		if j := bytes.IndexByte(b, ']'); j > 0 && anyCaseWord(bytes.TrimSpace(b[1:j])) != entry.Unknown {
			return true
		}
	}
	w := wordPrefix(b)
	if len(w) < 3 || !allUpper(w) {
		return false
	}
	info, ok := levelWord(w)
	rest := b[len(w):]
	return ok && !info.bracketOnly && (len(rest) == 0 || rest[0] == ':' || rest[0] == '[' || isBlank(rest[0]))
}

// closingOnly reports a line of closing brackets, which ends a structure
// printed inside the entry (Node's error properties "{ … }").
func closingOnly(b []byte) bool {
	for _, c := range b {
		switch c {
		case '}', ']', ')', ',', ';':
		default:
			return false
		}
	}
	return b[0] == '}' || b[0] == ']' || b[0] == ')'
}

func trimBlankRight(b []byte) []byte {
	for len(b) > 0 && isBlank(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
