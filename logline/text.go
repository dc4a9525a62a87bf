package logline

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// textLevel finds the level of a text line (SGR already stripped) where its
// format puts it: first the formats with a fixed shape (klog, Redis, npm, Go
// panics …), then the line's header, then the status of an access line.
func textLevel(b []byte) entry.Level {
	b = trimBlankLeft(b)
	if l, ok := fixedLevel(b); ok {
		return l
	}
	if l, ok := headerLevel(b); ok {
		return l
	}
	return accessLevel(b)
}

// The header of a line is what precedes the message: timestamps, zone,
// pid, bracketed thread or logger names, separators and the level. Only
// that part is searched, and it ends at the first word that is none of
// these, so a level word inside the message never counts.
const (
	maxHeaderTokens = 10
	maxHeaderBytes  = 200
	maxBracket      = 160
)

// headerLevel walks the header token by token. decided is true when a level
// was found, or when the header names a PostgreSQL detail line (DETAIL:,
// HINT: …), whose level is the one of the line it details.
func headerLevel(b []byte) (l entry.Level, decided bool) {
	afterTime := false
	for i, n := 0, 0; n < maxHeaderTokens; n++ {
		for i < len(b) && isBlank(b[i]) {
			i++
		}
		if i >= len(b) || i > maxHeaderBytes {
			return entry.Unknown, false
		}
		if close := closer(b[i]); close != 0 {
			end := min(len(b), i+1+maxBracket)
			j := bytes.IndexByte(b[i+1:end], close)
			if j < 0 {
				return entry.Unknown, false
			}
			if l := bracketLevel(b[i+1 : i+1+j]); l != entry.Unknown {
				return l, true
			}
			i += j + 2
			afterTime = false
			continue
		}
		j := tokenEnd(b, i)
		tok := b[i:j]
		delim := byte(' ') // the end of the line counts as a blank
		if j < len(b) {
			delim = b[j]
		}
		if l, r := tokenLevel(tok, delim, i == 0); r != tokenNone {
			return l, true
		}
		timeTok := isTimestampish(tok)
		switch {
		case timeTok, isSeparator(tok), afterTime && (isZone(tok) || isMeridiem(tok)), isCalendarWord(tok):
		case bytes.IndexByte(tok, '=') > 0, bytes.IndexByte(tok, '@') > 0:
			// key=value (pid=1 tid=…) or user@database (PostgreSQL)
		case !separatorFollows(b, j):
			return entry.Unknown, false
		}
		afterTime = timeTok
		i = j
	}
	return entry.Unknown, false
}

// closer returns the closing bracket of an opening one, or 0.
func closer(c byte) byte {
	switch c {
	case '[':
		return ']'
	case '<':
		return '>'
	case '(':
		return ')'
	case '{':
		return '}'
	}
	return 0
}

// tokenEnd returns the end of the token at i: a blank, or a '[' or '|'
// glued to it (logrus' INFO[0000], NLog's …|INFO|…). A '|' is a token of
// its own.
func tokenEnd(b []byte, i int) int {
	if b[i] == '|' {
		return i + 1
	}
	j := i
	for j < len(b) && !isBlank(b[j]) && b[j] != '|' && (b[j] != '[' || j == i) {
		j++
	}
	return j
}

// separatorFollows reports whether the token after j is a separator, as in
// Python's "%(asctime)s - %(name)s - %(levelname)s": a plain word is part
// of the header only when one follows it.
func separatorFollows(b []byte, j int) bool {
	for j < len(b) && isBlank(b[j]) {
		j++
	}
	if j >= len(b) {
		return false
	}
	return isSeparator(b[j:tokenEnd(b, j)])
}

// Results of tokenLevel.
const (
	tokenNone  = iota // not a level
	tokenFound        // a level
	tokenStop         // a PostgreSQL detail tag: the line has no level of its own
)

// tokenLevel reads one header token. delim is the byte after it; first
// tells whether the token opens the line: a lower-case "error " counts only
// there (yarn's "error Command failed"), not after a timestamp, where it is
// more likely the first word of a message; a capitalized "Error " never
// does, as it starts sentences ("Error reporting enabled").
func tokenLevel(tok []byte, delim byte, first bool) (entry.Level, int) {
	if eq := bytes.IndexByte(tok, '='); eq > 0 {
		if kind, _ := classifyKey(tok[:eq]); kind == keyLevel {
			if l := valueLevel(bytes.Trim(tok[eq+1:], `"'`)); l != entry.Unknown {
				return l, tokenFound
			}
		}
		return entry.Unknown, tokenNone
	}
	w := wordPrefix(tok)
	rest := tok[len(w):]
	if len(w) == 0 || !caseOK(w) {
		return entry.Unknown, tokenNone
	}
	colon := len(rest) > 0 && rest[0] == ':'
	switch {
	case colon:
	case len(rest) == 0:
	case (rest[0] == '+' || rest[0] == '-') && allDigits(rest[1:]): // slog's WARN+2
	case rest[0] == '.':
		return monologLevel(tok)
	default:
		return entry.Unknown, tokenNone
	}
	switch {
	case string(w) == "LOG": // PostgreSQL's LOG:, NestJS' LOG
		return entry.Info, tokenFound
	case colon && pgDetail(w):
		return entry.Unknown, tokenStop
	}
	info, ok := levelWord(w)
	switch {
	case !ok || info.bracketOnly:
		return entry.Unknown, tokenNone
	case colon || allUpper(w) || first && info.common && isBlank(delim) && !isUpper(w[0]):
		return info.level, tokenFound
	}
	return entry.Unknown, tokenNone
}

// monologLevel reads Monolog's "channel.LEVEL:" (Laravel, Symfony).
func monologLevel(tok []byte) (entry.Level, int) {
	k := bytes.LastIndexByte(tok, '.')
	w := tok[k+1:]
	if len(w) < 2 || w[len(w)-1] != ':' || !allUpper(w[:len(w)-1]) {
		return entry.Unknown, tokenNone
	}
	if info, ok := levelWord(w[:len(w)-1]); ok && !info.bracketOnly {
		return info.level, tokenFound
	}
	return entry.Unknown, tokenNone
}

// bracketLevel reads the inside of a bracketed header token: "[ERROR]",
// "[warn]", "<Information>", "[INFO ]" (Elasticsearch), "[core:error]"
// (Apache), "[Server thread/INFO]", "[2024-01-01T00:00:00Z ERROR app]"
// (env_logger), "[12:00:00 INF]" (Serilog), "[…,123: INFO/MainProcess]"
// (Celery). Inside brackets any case and abbreviation counts.
func bracketLevel(in []byte) entry.Level {
	t := bytes.TrimSpace(in)
	if l := anyCaseWord(t); l != entry.Unknown {
		return l
	}
	if k := bytes.IndexAny(t, ":/"); k > 0 && bytes.IndexAny(t[k+1:], ":/") < 0 {
		if l := anyCaseWord(bytes.TrimSpace(t[k+1:])); l != entry.Unknown {
			return l
		}
	}
	for i := 0; i < len(t); {
		for i < len(t) && isBlank(t[i]) {
			i++
		}
		j := i
		for j < len(t) && !isBlank(t[j]) {
			j++
		}
		tok := t[i:j]
		if isTimestampish(bytes.TrimRight(tok, ":,")) || isZone(tok) {
			i = j
			continue
		}
		w := wordPrefix(tok)
		rest := tok[len(w):]
		if len(rest) == 0 && allUpper(w) || len(rest) > 0 && (rest[0] == '/' || rest[0] == ':') && caseOK(w) {
			return anyCaseWord(w)
		}
		return entry.Unknown
	}
	return entry.Unknown
}

// anyCaseWord is the level of a whole level word in upper, lower or title
// case, or Unknown.
func anyCaseWord(w []byte) entry.Level {
	if !caseOK(w) {
		return entry.Unknown
	}
	if info, ok := levelWord(w); ok {
		return info.level
	}
	return entry.Unknown
}

// wordPrefix returns the leading letters of tok, with digits after them
// (PostgreSQL's DEBUG1).
func wordPrefix(tok []byte) []byte {
	i := 0
	for i < len(tok) && isLetter(tok[i]) {
		i++
	}
	if i == 0 {
		return nil
	}
	for i < len(tok) && isDigit(tok[i]) {
		i++
	}
	return tok[:i]
}

// caseOK accepts UPPER, lower and Title case; mixed case is no level.
func caseOK(w []byte) bool {
	if len(w) == 0 {
		return false
	}
	lower := true
	for _, c := range w[1:] {
		if isUpper(c) {
			lower = false
		}
	}
	return lower || allUpper(w)
}

// isSeparator reports tokens made only of separator punctuation: "-",
// "---" (Spring Boot), "|", ":", "=>", ">".
func isSeparator(t []byte) bool {
	if len(t) == 0 || len(t) > 4 {
		return false
	}
	for _, c := range t {
		if c != '-' && c != '|' && c != ':' && c != '>' && c != '=' {
			return false
		}
	}
	return true
}
