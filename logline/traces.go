package logline

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// This file knows the crash reports runtimes print over several lines. Each
// kind's method returns decided false when the generic rules should judge
// the line instead.

// python follows a traceback: frames are indented, the exception line that
// ends it is not ("ValueError: boom", "KeyboardInterrupt"), and a chained
// exception adds a blank line, "During handling of the above exception …",
// another blank line and a new "Traceback …".
func (g *Group) python(body []byte, ind int) (ok, decided bool) {
	blank := len(body) == 0
	switch g.phase {
	case pyTrace:
		switch {
		case ind > 0:
			return true, true
		case hasPrefix(body, "Traceback (most recent call last):"):
			return true, true
		case pyExceptionLine(body):
			g.phase = pyEnded
			return true, true
		}
	case pyEnded:
		switch {
		case blank:
			g.phase = pyEndedBlank
			return true, true
		case pyChainLine(body):
			g.phase = pyChain
			return true, true
		case ind > 0: // exception notes, a caret under a SQL error
			return true, true
		}
	case pyEndedBlank:
		if pyChainLine(body) {
			g.phase = pyChain
			return true, true
		}
	case pyChain:
		switch {
		case blank:
			return true, true
		case hasPrefix(body, "Traceback (most recent call last):"):
			g.phase = pyTrace
			return true, true
		}
	}
	return false, true
}

func pyChainLine(b []byte) bool {
	return hasPrefix(b, "During handling of the above exception") ||
		hasPrefix(b, "The above exception was the direct cause")
}

// pyExceptionLine reports "Name: message" or "Name" where Name is a dotted
// identifier whose last part is capitalized, and which is no level word
// (so "INFO:root:next" is not taken for an exception).
func pyExceptionLine(b []byte) bool {
	i, seg := 0, 0
	for i < len(b) && (isLetter(b[i]) || isDigit(b[i]) || b[i] == '_' || b[i] == '.') {
		if b[i] == '.' {
			seg = i + 1
		}
		i++
	}
	if i == 0 || seg >= i || !isUpper(b[seg]) {
		return false
	}
	if i < len(b) && (b[i] != ':' || i+1 < len(b) && b[i+1] != ' ') {
		return false
	}
	return Level(b) == entry.Unknown
}

// javaHeader reports a Java/Kotlin exception header at the start of a line:
// "java.lang.IllegalStateException: boom", "org.x.FooError". The class must
// be package-qualified and named …Exception, …Error or …Throwable.
func javaHeader(b []byte) bool {
	i, dots, seg := 0, 0, 0
	for i < len(b) && (isLetter(b[i]) || isDigit(b[i]) || b[i] == '_' || b[i] == '$' || b[i] == '.') {
		if b[i] == '.' {
			dots++
			seg = i + 1
		}
		i++
	}
	if dots == 0 || seg >= i || !isUpper(b[seg]) || i < len(b) && b[i] != ':' {
		return false
	}
	name := b[seg:i]
	return bytes.HasSuffix(name, []byte("Exception")) || bytes.HasSuffix(name, []byte("Error")) ||
		bytes.HasSuffix(name, []byte("Throwable"))
}

// goHeader reports the first line of a Go crash: a panic, a fatal runtime
// error, a goroutine dump (SIGQUIT) or its signal line.
func goHeader(b []byte) bool {
	return hasPrefix(b, "panic: ") || hasPrefix(b, "fatal error: ") || goroutineHeader(b) ||
		hasPrefix(b, "SIGQUIT: ") || hasPrefix(b, "SIGABRT: ") || hasPrefix(b, "SIGSEGV: ")
}

// goroutineHeader reports "goroutine 7 [running]:" (and Go 1.23's
// "goroutine 1 gp=0x… m=0 mp=0x… [running]:").
func goroutineHeader(b []byte) bool {
	if !hasPrefix(b, "goroutine ") {
		return false
	}
	rest := b[len("goroutine "):]
	j := 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	return j > 0 && bytes.HasSuffix(b, []byte("]:"))
}

// goLine accepts the lines of a Go panic or goroutine dump: blank lines
// between goroutines, indented file:line frames, function call lines,
// "created by …", nested panics, the signal and register lines.
func goLine(body []byte, ind int) bool {
	if len(body) == 0 || ind > 0 {
		return true
	}
	switch {
	case goroutineHeader(body), goFuncLine(body),
		hasPrefix(body, "created by "), hasPrefix(body, "panic: "), hasPrefix(body, "fatal error: "),
		hasPrefix(body, "[signal "), hasPrefix(body, "[originating from goroutine "),
		hasPrefix(body, "runtime stack:"), hasPrefix(body, "runtime: "), hasPrefix(body, "PC="),
		hasPrefix(body, "SIG"), hasPrefix(body, "...additional frames elided..."), goRegister(body):
		return true
	}
	return false
}

// goFuncLine reports "main.main()", "main.(*T).f(0xc000010000, {0x4b6e2a, 0x5})",
// "net/http.(*conn).serve(...)": no blank before the first '(' and a ')' at
// the end.
func goFuncLine(b []byte) bool {
	p := bytes.IndexByte(b, '(')
	return p > 0 && bytes.IndexAny(b[:p], " \t") < 0 && b[len(b)-1] == ')'
}

// goSymbolLine reports a bare Go function name, as zap prints its stack
// traces: "main.handle", "net/http.HandlerFunc.ServeHTTP", each followed by
// an indented file:line.
func goSymbolLine(b []byte) bool {
	dot := bytes.LastIndexByte(b, '.')
	if dot <= 0 || dot == len(b)-1 || !isLetter(b[0]) || !isLetter(b[dot+1]) {
		return false
	}
	for _, c := range b {
		if !isLetter(c) && !isDigit(c) && bytes.IndexByte([]byte("_./*()$-{}[]"), c) < 0 {
			return false
		}
	}
	return true
}

// goRegister reports a register line of a signal dump: "rax    0x0".
func goRegister(b []byte) bool {
	name, rest := cutToken(b)
	val, tail := cutToken(rest)
	return len(name) >= 2 && len(name) <= 6 && hasPrefix(val, "0x") && len(trimBlankLeft(tail)) == 0
}

// nodeHeader reports the "file:line" line that opens Node's report of an
// uncaught exception ("/app/index.js:3", "file:///app/x.mjs:12",
// "node:internal/process/esm_loader:40").
func nodeHeader(b []byte) bool {
	if !hasPrefix(b, "/") && !hasPrefix(b, "file://") && !hasPrefix(b, "node:") {
		return false
	}
	c := bytes.LastIndexByte(b, ':')
	return c > 0 && allDigits(b[c+1:]) && bytes.IndexAny(b, " \t") < 0
}

// node follows Node's report: the source line, a caret, a blank line, the
// error line ("TypeError: x"), the "    at" stack, a blank line and
// "Node.js v20.10.0".
func (g *Group) node(body []byte, ind int) (ok, decided bool) {
	blank := len(body) == 0
	switch g.phase {
	case nodeSource:
		if blank || isStructured(body) || opensEntry(body) {
			return false, true
		}
		g.phase = nodeCaret
		return true, true
	case nodeCaret:
		switch {
		case blank, ind > 0, onlyCarets(body):
			return true, true
		case jsErrorLine(body):
			g.phase = nodeStack
			if g.level < entry.Error {
				g.level = entry.Error
			}
			return true, true
		}
		return false, true
	case nodeStack:
		switch {
		case blank:
			g.phase = nodeBlank
			return true, true
		case hasPrefix(body, "Node.js v"):
			g.phase = nodeDone
			return true, true
		}
		return false, false
	case nodeBlank:
		if hasPrefix(body, "Node.js v") {
			g.phase = nodeDone
			return true, true
		}
	}
	return false, true
}

func onlyCarets(b []byte) bool {
	for _, c := range b {
		if c != '^' && c != '~' {
			return false
		}
	}
	return true
}

// jsErrorLine reports "Error: boom", "TypeError: x", "Error [ERR_X]: y",
// "[Error: z]" or "Uncaught …".
func jsErrorLine(b []byte) bool {
	if hasPrefix(b, "Uncaught ") {
		return true
	}
	if hasPrefix(b, "[") { // "[Error: x]", "[UnhandledPromiseRejection: …] {"
		b = b[1:]
	}
	i := 0
	for i < len(b) && (isLetter(b[i]) || isDigit(b[i]) || b[i] == '_' || b[i] == '$') {
		i++
	}
	name := b[:i]
	if !bytes.HasSuffix(name, []byte("Error")) && !bytes.HasSuffix(name, []byte("Exception")) &&
		!bytes.HasSuffix(name, []byte("Rejection")) {
		return false
	}
	rest := b[i:]
	if hasPrefix(rest, " [") {
		if k := bytes.IndexByte(rest, ']'); k > 0 {
			rest = rest[k+1:]
		}
	}
	return len(rest) == 0 || rest[0] == ':'
}

// rust follows a Rust panic: the message line (Rust ≥ 1.73), "note: run
// with `RUST_BACKTRACE=1` …", "stack backtrace:" and indented frames.
func (g *Group) rust(body []byte, ind int) (ok, decided bool) {
	if g.phase == rustMessage {
		if len(body) == 0 || isStructured(body) || opensEntry(body) {
			return false, true
		}
		g.phase = rustRest
		return true, true
	}
	switch {
	case hasPrefix(body, "note: "), hasPrefix(body, "stack backtrace:"):
		return true, true
	case ind > 0 && len(body) > 0:
		return true, true
	}
	return false, true
}

// pg continues a PostgreSQL message with its DETAIL, HINT, STATEMENT,
// CONTEXT, QUERY and LOCATION lines from the same backend. These carry a
// timestamp of their own: they are the exception to that rule.
func (g *Group) pg(t []byte, m *pgMemo) (ok, decided bool) {
	h := m.header(trimBlankLeft(t))
	if !h.ok {
		return false, false
	}
	same := g.pidLen == 0 || len(h.pid) == 0 || string(h.pid) == string(g.pid[:g.pidLen])
	return pgDetail(h.tag) && same, true
}

// pgHeader reads the prefix of a PostgreSQL log line ("2024-01-01
// 12:00:00.123 UTC [42] user@db ERROR:  …", with any of its parts absent)
// and returns the backend pid and the message tag.
func pgHeader(b []byte) (pid, tag []byte, ok bool) {
	if !mayHavePGTag(b) {
		return nil, nil, false
	}
	for n := 0; n < 6; n++ {
		tok, rest := cutToken(b)
		switch {
		case len(tok) == 0:
			return nil, nil, false
		case tok[0] == '[' && tok[len(tok)-1] == ']':
			pid = tok[1 : len(tok)-1]
			if k := bytes.IndexByte(pid, '-'); k > 0 { // %p-%l
				pid = pid[:k]
			}
		case isTimestampish(tok), isZone(tok), bytes.IndexByte(tok, '@') > 0:
		default:
			w := wordPrefix(tok)
			if len(w) == 0 || len(w)+1 != len(tok) || tok[len(w)] != ':' || !pgTag(w) {
				return nil, nil, false
			}
			return pid, w, true
		}
		b = rest
	}
	return nil, nil, false
}

// pgTagSpan bounds where mayHavePGTag looks: a tag comes after at most a
// timestamp, a zone, a pid and a user@db.
const pgTagSpan = 200

// mayHavePGTag is pgHeader's quick test: a tag is an upper-case word (DEBUG1
// ends in a digit) followed by ':' and a blank or the end of the line.
func mayHavePGTag(b []byte) bool {
	head := b[:min(len(b), pgTagSpan)]
	for from := 0; ; {
		i := bytes.IndexByte(head[from:], ':')
		if i < 0 {
			return false
		}
		i += from
		if i >= 2 && isUpperOrDigit(head[i-1]) && head[i-2] >= 'A' && head[i-2] <= 'Z' &&
			(i+1 == len(b) || isBlank(b[i+1])) {
			return true
		}
		from = i + 1
	}
}

func isUpperOrDigit(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

func pgTag(w []byte) bool {
	switch string(w) {
	case "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO", "LOG",
		"DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5":
		return true
	}
	return pgDetail(w)
}

func pgDetail(w []byte) bool {
	switch string(w) {
	case "DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION":
		return true
	}
	return false
}

// phpLine accepts PHP's stack trace lines: "Stack trace:", "#0 {main}",
// "PHP Stack trace:", "PHP   1. {main}() /app/x.php:0".
func phpLine(b []byte) bool {
	switch {
	case hasPrefix(b, "Stack trace:"), hasPrefix(b, "PHP Stack trace:"):
		return true
	case len(b) > 1 && b[0] == '#' && isDigit(b[1]):
		return true
	case hasPrefix(b, "PHP  "):
		t := trimBlankLeft(b[4:])
		i := 0
		for i < len(t) && isDigit(t[i]) {
			i++
		}
		return i > 0 && i < len(t) && t[i] == '.'
	}
	return false
}
