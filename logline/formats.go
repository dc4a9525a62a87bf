package logline

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// prefixLevels are line openings that fix the level on their own.
var prefixLevels = [...]struct {
	prefix string
	level  entry.Level
}{
	{"panic: ", entry.Fatal},       // Go
	{"fatal error: ", entry.Fatal}, // Go runtime
	{"Fatal error: ", entry.Fatal}, // PHP with display_errors
	{"Traceback (most recent call last):", entry.Error},
	{"Exception in thread ", entry.Error}, // Java uncaught
	{"npm ERR!", entry.Error},
	{"npm error", entry.Error},
	{"npm WARN", entry.Warn},
	{"npm warn", entry.Warn},
	{"npm notice", entry.Info},
	{"npm info", entry.Info},
	{"npm verb", entry.Debug},
	{"npm http", entry.Debug},
	{"npm timing", entry.Debug},
	{"npm sill", entry.Trace},
	{"PHP Fatal error:", entry.Fatal},
	{"PHP Parse error:", entry.Fatal},
	{"PHP Warning:", entry.Warn},
	{"PHP Deprecated:", entry.Warn},
	{"PHP Notice:", entry.Info},
	{"=ERROR REPORT==", entry.Error}, // Erlang/OTP (RabbitMQ, CouchDB)
	{"=CRASH REPORT==", entry.Error},
	{"=SUPERVISOR REPORT==", entry.Error},
	{"=WARNING REPORT==", entry.Warn},
	{"=INFO REPORT==", entry.Info},
	{"=PROGRESS REPORT==", entry.Info},
}

// fixedLevel recognizes the formats whose level is a fixed-position mark
// rather than a word in the header.
func fixedLevel(b []byte) (entry.Level, bool) {
	if len(b) > 0 && bytes.IndexByte([]byte("pfFTEnP="), b[0]) >= 0 {
		for _, p := range prefixLevels {
			if hasPrefix(b, p.prefix) {
				return p.level, true
			}
		}
	}
	if l, ok := klogLevel(b); ok {
		return l, true
	}
	if l, ok := rubyLevel(b); ok {
		return l, true
	}
	if l, ok := redisLevel(b); ok {
		return l, true
	}
	if hasPrefix(b, "thread '") && bytes.Contains(b, []byte("' panicked at")) {
		return entry.Fatal, true // Rust
	}
	if warningLine(b) {
		return entry.Warn, true
	}
	return entry.Unknown, false
}

// klogLevel reads klog/glog's "E0102 15:04:05.123456 1 file.go:12] msg":
// the first letter is the level (I, W, E, F).
func klogLevel(b []byte) (entry.Level, bool) {
	if len(b) < 9 || !allDigits(b[1:5]) || b[5] != ' ' || !allDigits(b[6:8]) || b[8] != ':' {
		return entry.Unknown, false
	}
	switch b[0] {
	case 'I':
		return entry.Info, true
	case 'W':
		return entry.Warn, true
	case 'E':
		return entry.Error, true
	case 'F':
		return entry.Fatal, true
	}
	return entry.Unknown, false
}

// rubyLevel reads Ruby's Logger: "E, [2024-01-01T12:00:00.123456 #1] ERROR -- : msg".
func rubyLevel(b []byte) (entry.Level, bool) {
	if len(b) < 4 || b[1] != ',' || b[2] != ' ' || b[3] != '[' {
		return entry.Unknown, false
	}
	switch b[0] {
	case 'D':
		return entry.Debug, true
	case 'I':
		return entry.Info, true
	case 'W':
		return entry.Warn, true
	case 'E':
		return entry.Error, true
	case 'F':
		return entry.Fatal, true
	case 'A', 'U':
		return entry.Unknown, true
	}
	return entry.Unknown, false
}

// redisLevel reads Redis' "1:M 01 Jan 2024 12:00:00.123 # msg", whose mark
// after the time is the level: '.' debug, '-' verbose, '*' notice, '#'
// warning.
func redisLevel(b []byte) (entry.Level, bool) {
	i := 0
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	if i == 0 || len(b) < i+4 || b[i] != ':' || !isRedisRole(b[i+1]) || b[i+2] != ' ' {
		return entry.Unknown, false
	}
	rest := b[i+3:]
	for k := 0; k < 4; k++ { // day, month, year, time
		j := bytes.IndexByte(rest, ' ')
		if j <= 0 {
			return entry.Unknown, false
		}
		if k == 3 && bytes.IndexByte(rest[:j], ':') < 0 {
			return entry.Unknown, false
		}
		rest = rest[j+1:]
	}
	if len(rest) == 0 || len(rest) > 1 && rest[1] != ' ' {
		return entry.Unknown, false
	}
	switch rest[0] {
	case '.', '-':
		return entry.Debug, true
	case '*':
		return entry.Info, true
	case '#':
		return entry.Warn, true
	}
	return entry.Unknown, false
}

// warningLine recognizes runtime warnings: Node's "(node:1) Warning: …" or
// "(node:1) [DEP0005] DeprecationWarning: …" and Python's
// "/app/x.py:12: DeprecationWarning: …".
func warningLine(b []byte) bool {
	var rest []byte
	switch {
	case hasPrefix(b, "(node:"):
		j := bytes.IndexByte(b, ')')
		if j < 0 || !allDigits(b[6:j]) {
			return false
		}
		rest = trimBlankLeft(b[j+1:])
		if len(rest) > 0 && rest[0] == '[' {
			if k := bytes.IndexByte(rest, ']'); k > 0 {
				rest = trimBlankLeft(rest[k+1:])
			}
		}
	default:
		sp := bytes.IndexByte(b, ' ')
		if sp <= 0 || b[sp-1] != ':' || !bytes.Contains(b[:sp], []byte(".py:")) {
			return false
		}
		rest = b[sp+1:]
	}
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		sp = len(rest)
	}
	return bytes.HasSuffix(rest[:sp], []byte("Warning:"))
}

// accessLevel reads the HTTP status of an access line: 5xx is an error, 4xx
// a warning, anything else info. Recognized: Common/Combined Log Format
// (nginx, Apache, Traefik, gunicorn, Django), morgan's dev/tiny format
// ("GET /path 200 …"), Rails' "Completed 500 …", chi's "… from addr - 200"
// and the pipe tables of Gin and Fiber.
func accessLevel(b []byte) entry.Level {
	if l := requestLineLevel(b); l != entry.Unknown {
		return l
	}
	if l := clfLevel(b); l != entry.Unknown {
		return l
	}
	return pipeLevel(b)
}

// requestLineLevel reads "GET /path 200 …" (morgan) and "Completed 500 …"
// (Rails).
func requestLineLevel(b []byte) entry.Level {
	f1, rest := cutToken(b)
	if string(f1) == "Completed" {
		st, _ := cutToken(rest)
		return statusLevel(st)
	}
	if !isMethod(f1) {
		return entry.Unknown
	}
	path, rest := cutToken(rest)
	if len(path) == 0 || path[0] != '/' && !hasPrefix(path, "http") {
		return entry.Unknown
	}
	st, _ := cutToken(rest)
	return statusLevel(st)
}

// clfLevel reads `… [date] "GET /x HTTP/1.1" 200 …`. The quoted request must
// follow a bracketed date or look like a request line, so that a quoted
// phrase in a sentence is not taken for one.
func clfLevel(b []byte) entry.Level {
	q := bytes.IndexByte(b[:min(len(b), maxHeaderBytes)], '"')
	if q < 0 {
		return entry.Unknown
	}
	afterDate := q >= 2 && string(b[q-2:q]) == "] "
	j := q + 1
	for j < len(b) && b[j] != '"' {
		if b[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(b) {
		return entry.Unknown
	}
	req := b[q+1 : j]
	m, _ := cutToken(req)
	if !afterDate && (!isMethod(m) || !bytes.Contains(req, []byte(" HTTP/"))) {
		return entry.Unknown
	}
	rest := b[j+1:]
	if hasPrefix(rest, " from ") { // chi: "… from 1.2.3.4:5 - 200 12B in 3ms"
		k := bytes.Index(rest, []byte(" - "))
		if k < 0 {
			return entry.Unknown
		}
		rest = rest[k+2:]
	}
	st, _ := cutToken(rest)
	return statusLevel(st)
}

// pipeLevel reads a status among the first fields of a '|' table, as Gin
// ("[GIN] 2024/01/01 - 12:00:00 | 200 | 1.2ms | 1.2.3.4 | GET "/x"") and
// Fiber print.
func pipeLevel(b []byte) entry.Level {
	head := b[:min(len(b), maxHeaderBytes)]
	if bytes.Count(head, []byte(" | ")) < 3 {
		return entry.Unknown
	}
	for k := 0; k < 3; k++ {
		i := bytes.IndexByte(head, '|')
		if i < 0 {
			break
		}
		if l := statusLevel(bytes.TrimSpace(head[:i])); l != entry.Unknown {
			return l
		}
		head = head[i+1:]
	}
	return entry.Unknown
}

// statusLevel maps an HTTP status code.
func statusLevel(st []byte) entry.Level {
	if len(st) != 3 || !allDigits(st) {
		return entry.Unknown
	}
	switch st[0] {
	case '5':
		return entry.Error
	case '4':
		return entry.Warn
	case '1', '2', '3':
		return entry.Info
	}
	return entry.Unknown
}

func isMethod(m []byte) bool {
	switch string(m) {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PROPFIND":
		return true
	}
	return false
}

// cutToken returns the first blank-separated token of b and what follows.
func cutToken(b []byte) (tok, rest []byte) {
	b = trimBlankLeft(b)
	j := 0
	for j < len(b) && !isBlank(b[j]) {
		j++
	}
	return b[:j], b[j:]
}

// isRedisRole accepts Redis' role letters: master, child, sentinel, replica.
func isRedisRole(c byte) bool { return c == 'M' || c == 'C' || c == 'S' || c == 'X' }

// hasPrefix is bytes.HasPrefix for a string prefix, without converting it.
func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}
