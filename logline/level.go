package logline

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// Format is the shape of a line: plain text or one of the structured formats.
type Format = entry.Format

// Formats. Text is the zero value: a line is structured only when it parses.
const (
	Text   = entry.Text
	JSON   = entry.JSON
	Logfmt = entry.Logfmt
)

// Level returns the severity a line states, or entry.Unknown when the line
// does not state one where its format puts it. See the package documentation
// for the rules.
func Level(msg []byte) entry.Level {
	l, _ := Quick(msg)
	return l
}

// Quick detects a line's format and level without allocating. It is meant to
// run on every line; Parse does the full work when fields are needed.
func Quick(msg []byte) (entry.Level, Format) {
	b := trimBlankLeft(msg)
	if l, f := quickStructured(b); f != Text {
		return l, f
	}
	var buf [scanLimit]byte
	return textLevel(stripSGR(&buf, b)), Text
}

// quickStructured is Quick for JSON and logfmt lines (b without leading
// blanks); it returns Text for any other line.
func quickStructured(b []byte) (entry.Level, Format) {
	if len(b) > 0 && b[0] == '{' {
		if l, ok := quickJSON(b); ok {
			return l, JSON
		}
	}
	if bytes.IndexByte(b, '=') > 0 {
		if l, ok := quickLogfmt(b); ok {
			return l, Logfmt
		}
	}
	return entry.Unknown, Text
}

// scanLimit bounds the part of a line that holds color codes we strip before
// looking for a text level: the level of a text line sits in its first few
// dozen bytes.
const scanLimit = 512

// stripSGR returns b without its SGR color sequences (ESC [ params m), which
// many programs wrap around the level token. A line without ESC in its first
// scanLimit bytes is returned as is; otherwise the cleaned copy of that part
// is written to buf.
func stripSGR(buf *[scanLimit]byte, b []byte) []byte {
	head := b
	if len(head) > scanLimit {
		head = head[:scanLimit]
	}
	if bytes.IndexByte(head, 0x1b) < 0 {
		return b
	}
	n := 0
	for i := 0; i < len(head); i++ {
		if head[i] == 0x1b && i+1 < len(head) && head[i+1] == '[' {
			j := i + 2
			for j < len(head) && (isDigit(head[j]) || head[j] == ';' || head[j] == ':') {
				j++
			}
			if j < len(head) && head[j] == 'm' {
				i = j
				continue
			}
		}
		buf[n] = head[i]
		n++
	}
	return buf[:n]
}

// wordInfo describes a level word: the level it names and where it may
// appear without brackets or a colon after it.
type wordInfo struct {
	level entry.Level
	// common words (error, warn, info, …) are levels also in lower case or
	// title case before a space; the others only in upper case there.
	common bool
	// bracketOnly words ("System" of MySQL) are levels only inside brackets.
	bracketOnly bool
}

// levelWord looks up a level word, case-insensitively. It covers the full
// names, the abbreviations loggers print (WRN, ERR, EROR, DBG, INF, CRIT,
// FTL, logrus' four-letter ones, .NET's fail/dbug/trce) and the syslog names.
func levelWord(w []byte) (wordInfo, bool) {
	var low [16]byte
	if len(w) == 0 || len(w) > len(low) {
		return wordInfo{}, false
	}
	for i, c := range w {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(w)]) {
	case "trace", "debug", "info", "notice", "warn", "warning", "error", "fatal":
		return wordInfo{level: commonLevel(low[0]), common: true}, true
	case "trc", "trac", "trce", "verbose", "vrb", "verb", "finest", "finer", "silly", "sill":
		return wordInfo{level: entry.Trace}, true
	case "dbg", "debu", "dbug", "fine", "debug1", "debug2", "debug3", "debug4", "debug5":
		return wordInfo{level: entry.Debug}, true
	case "inf", "information", "informational", "note", "config":
		return wordInfo{level: entry.Info}, true
	case "system":
		return wordInfo{level: entry.Info, bracketOnly: true}, true
	case "wrn", "warnung":
		return wordInfo{level: entry.Warn}, true
	case "err", "erro", "eror", "severe", "fail", "dpanic":
		return wordInfo{level: entry.Error}, true
	case "fata", "ftl", "crit", "critical", "crt", "emerg", "emergency", "alert", "panic", "pani":
		return wordInfo{level: entry.Fatal}, true
	}
	return wordInfo{}, false
}

// commonLevel maps the first letter of a common level word to its level.
func commonLevel(c byte) entry.Level {
	switch c {
	case 't':
		return entry.Trace
	case 'd':
		return entry.Debug
	case 'i', 'n':
		return entry.Info
	case 'w':
		return entry.Warn
	case 'e':
		return entry.Error
	}
	return entry.Fatal
}

// maxLevelLen bounds a level value ("WARN+2"), for the same reason as
// maxKeyLen.
const maxLevelLen = 32

// valueLevel reads the level value of a structured field ("warn",
// "Information", "ERROR", slog's "WARN+2"). Any case is accepted.
func valueLevel(v []byte) entry.Level {
	if len(v) > maxLevelLen {
		return entry.Unknown
	}
	if i := bytes.IndexAny(v, "+-"); i > 0 && allDigits(v[i+1:]) {
		v = v[:i]
	}
	if w, ok := levelWord(v); ok {
		return w.level
	}
	return entry.Unknown
}

// numericLevel maps a numeric level field: pino/bunyan 10–60 and Monolog
// 100–600. Other numbers are unknown: syslog's 0–7 (GELF) collide with
// fields that merely count something ("level":1 of a game or a tree), and a
// false "fatal" is worse than none.
func numericLevel(v []byte) entry.Level {
	if len(v) < 2 || len(v) > 3 || !allDigits(v) {
		return entry.Unknown
	}
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	switch {
	case n >= 10 && n <= 60 && n%10 == 0:
		return [...]entry.Level{entry.Trace, entry.Debug, entry.Info, entry.Warn, entry.Error, entry.Fatal}[n/10-1]
	case n >= 100 && n <= 600 && n%50 == 0:
		return [...]entry.Level{entry.Debug, entry.Info, entry.Warn, entry.Error, entry.Fatal, entry.Fatal}[n/100-1]
	}
	return entry.Unknown
}

// mongoLevel maps MongoDB's one-letter severities ("s":"W").
func mongoLevel(v []byte) entry.Level {
	switch string(v) {
	case "F":
		return entry.Fatal
	case "E":
		return entry.Error
	case "W":
		return entry.Warn
	case "I":
		return entry.Info
	case "D", "D1", "D2", "D3", "D4", "D5":
		return entry.Debug
	}
	return entry.Unknown
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isBlank(c byte) bool  { return c == ' ' || c == '\t' || c == '\r' }

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

func allUpper(b []byte) bool {
	for _, c := range b {
		if !isUpper(c) && !isDigit(c) {
			return false
		}
	}
	return len(b) > 0
}

func trimBlankLeft(b []byte) []byte {
	for len(b) > 0 && isBlank(b[0]) {
		b = b[1:]
	}
	return b
}
