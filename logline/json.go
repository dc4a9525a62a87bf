package logline

import "github.com/docker-devlogs/devlogs/entry"

// maxDepth is the nesting limit of a JSON line, as in encoding/json: a
// deeper document is not taken for JSON.
const maxDepth = 10000

// jsonScan walks a JSON document without building anything. It validates
// the whole document (RFC 8259 grammar; like encoding/json it does not check
// that strings are valid UTF-8) and, on the way, reads the few top-level
// keys that name the level.
//
// A hand-written scanner rather than github.com/buger/jsonparser: it is
// faster on log lines (one pass for validation and all level keys instead of
// one pass per key) and needs no module; see BenchmarkQuick.
type jsonScan struct {
	b     []byte
	i     int
	depth int
}

// Value types returned by value.
const (
	jsonInvalid byte = iota
	jsonString
	jsonNumber
	jsonLiteral
	jsonObject
	jsonArray
)

// Object scanning modes: only the top-level object and an ECS "log" object
// under it are read for level keys.
const (
	modeSkip = iota
	modeTop
	modeLog
)

// quickJSON reports whether b is exactly one JSON object (surrounding blanks
// allowed) and the level its keys state.
func quickJSON(b []byte) (entry.Level, bool) {
	l, _, ok := scanJSON(b)
	return l, ok
}

// scanJSON is quickJSON that also returns the rank of the level key that
// decided (see classifyKey), so that Parse can take that field out.
func scanJSON(b []byte) (entry.Level, uint8, bool) {
	s := jsonScan{b: b}
	s.ws()
	var v levelVote
	if s.i >= len(b) || b[s.i] != '{' || !s.object(modeTop, &v) {
		return entry.Unknown, 0, false
	}
	s.ws()
	if s.i != len(b) {
		return entry.Unknown, 0, false
	}
	l, rank := v.result()
	return l, rank, true
}

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object scans an object starting at '{'. In modeTop and modeLog it offers
// the level keys it meets to v.
func (s *jsonScan) object(mode int, v *levelVote) bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	s.i++ // '{'
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		k0, k1, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		s.ws()
		if !s.member(mode, s.b[k0:k1], v) {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// member scans the value of key and records it in v when the key names a
// level.
func (s *jsonScan) member(mode int, key []byte, v *levelVote) bool {
	if mode == modeSkip {
		t, _, _ := s.value(modeSkip, nil)
		return t != jsonInvalid
	}
	if len(key) == 0 || !levelKeyStart[key[0]] {
		t, _, _ := s.value(modeSkip, nil)
		return t != jsonInvalid
	}
	var kb [maxKeyLen]byte
	key = unescapeShort(key, kb[:0])
	kind, rank := classifyKey(key)
	child := modeSkip
	switch {
	case mode == modeLog && kind == keyLevel && rank == 1:
		rank = nestedLogLevelRank
	case mode == modeLog:
		kind = keyOther
	case kind == keyLogObj:
		// A repeated "log" key replaces the earlier one whatever its value.
		v.set(nestedLogLevelRank, entry.Unknown)
		child = modeLog
	case isCLEFKey(key):
		v.clef = true
	}
	t, v0, v1 := s.value(child, v)
	if t == jsonInvalid {
		return false
	}
	if kind == keyLevel || kind == keyMongoS {
		var vb [maxLevelLen]byte
		raw := s.b[v0:v1]
		if t == jsonString {
			raw = unescapeShort(raw, vb[:0])
		}
		v.set(rank, fieldLevel(kind, t, raw))
	}
	return true
}

// levelKeyStart marks the first bytes of the keys Quick reads (level, lvl,
// severity, s, log, log.level, @l, @t, @m, @mt, and any of them behind '_',
// '-' or '.', which classifyKey ignores, or an escape); other keys are
// skipped without classifying them.
var levelKeyStart = func() (t [256]bool) {
	for _, c := range "lLsS@_-.\\" {
		t[c] = true
	}
	return t
}()

// value scans one value and returns its type and extent; a string's extent
// excludes its quotes (escapes are left undecoded).
func (s *jsonScan) value(mode int, v *levelVote) (t byte, v0, v1 int) {
	if s.i >= len(s.b) {
		return jsonInvalid, 0, 0
	}
	start := s.i
	switch c := s.b[s.i]; {
	case c == '"':
		a, z, ok := s.str()
		if !ok {
			return jsonInvalid, 0, 0
		}
		return jsonString, a, z
	case c == '{':
		if !s.object(mode, v) {
			return jsonInvalid, 0, 0
		}
		return jsonObject, start, s.i
	case c == '[':
		if !s.array() {
			return jsonInvalid, 0, 0
		}
		return jsonArray, start, s.i
	case c == '-' || isDigit(c):
		if !s.number() {
			return jsonInvalid, 0, 0
		}
		return jsonNumber, start, s.i
	case c == 't' || c == 'f' || c == 'n':
		if !s.literal() {
			return jsonInvalid, 0, 0
		}
		return jsonLiteral, start, s.i
	}
	return jsonInvalid, 0, 0
}

func (s *jsonScan) array() bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	s.i++ // '['
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		if t, _, _ := s.value(modeSkip, nil); t == jsonInvalid {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScan) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && isDigit(b[i]):
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if i+1 >= len(b) || !isDigit(b[i+1]) {
			return false
		}
		i = digits(b, i+1)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return false
		}
		i = digits(b, i)
	}
	s.i = i
	return true
}

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

func (s *jsonScan) literal() bool {
	rest := s.b[s.i:]
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(rest) >= len(lit) && string(rest[:len(lit)]) == lit {
			s.i += len(lit)
			return true
		}
	}
	return false
}
