package logline

import "github.com/docker-devlogs/devlogs/entry"

// keyKind says what a structured field's key means to us.
type keyKind uint8

const (
	keyOther   keyKind = iota
	keyLevel           // level, lvl, severity, @l, log.level, levelname …
	keyMongoS          // MongoDB's "s" (one-letter severity)
	keyMessage         // msg, message, @m, @mt, event …
	keyTime            // time, ts, @t, timestamp, @timestamp, t
	keyTrace           // trace_id, traceId, trace.id, otelTraceID, dd.trace_id
	keyRequest         // request_id, requestId, req_id, x_request_id, reqId
	keyLogObj          // "log": ECS nests the level as {"log":{"level":…}}
)

// maxKeyLen bounds the keys classifyKey looks at, so that Quick can decode
// an escaped key on its stack and agree with Parse.
const maxKeyLen = 256

// classifyKey returns what a key means and its rank among the keys of the
// same kind (1 is best: "level" beats "severity" when both are present).
// Keys compare case-insensitively and ignoring '_', '-' and '.', so
// trace_id, traceId, traceID and trace.id are one key, as are log.level and
// log_level.
func classifyKey(k []byte) (keyKind, uint8) {
	if len(k) > maxKeyLen {
		return keyOther, 0
	}
	if plainKey(k) {
		return keyByName(k)
	}
	var norm [24]byte
	n := 0
	for _, c := range k {
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if n == len(norm) {
			return keyOther, 0
		}
		norm[n] = c
		n++
	}
	return keyByName(norm[:n])
}

// plainKey reports a key that normalization would not change: short, no
// upper case, no '_', '-' or '.'.
func plainKey(k []byte) bool {
	if len(k) > 24 {
		return false
	}
	for _, c := range k {
		if 'A' <= c && c <= 'Z' || c == '_' || c == '-' || c == '.' {
			return false
		}
	}
	return true
}

// keyByName classifies a normalized key.
func keyByName(norm []byte) (keyKind, uint8) {
	switch string(norm) {
	case "level":
		return keyLevel, 1
	case "lvl":
		return keyLevel, 2
	case "severity":
		return keyLevel, 3
	case "@l":
		return keyLevel, 4
	case "loglevel":
		return keyLevel, 5
	case "levelname":
		return keyLevel, 7
	case "severitytext":
		return keyLevel, 8
	case "s":
		return keyMongoS, 9
	case "msg":
		return keyMessage, 1
	case "message":
		return keyMessage, 2
	case "@m":
		return keyMessage, 3
	case "renderedmessage":
		return keyMessage, 4
	case "event":
		return keyMessage, 5
	case "@mt":
		return keyMessage, 6
	case "messagetemplate":
		return keyMessage, 7
	case "time":
		return keyTime, 1
	case "ts":
		return keyTime, 2
	case "@t":
		return keyTime, 3
	case "timestamp":
		return keyTime, 4
	case "@timestamp":
		return keyTime, 5
	case "t":
		return keyTime, 6
	case "traceid":
		return keyTrace, 1
	case "oteltraceid":
		return keyTrace, 2
	case "ddtraceid":
		return keyTrace, 3
	case "requestid":
		return keyRequest, 1
	case "reqid":
		return keyRequest, 2
	case "xrequestid":
		return keyRequest, 3
	case "correlationid":
		return keyRequest, 4
	case "log":
		return keyLogObj, 0
	}
	return keyOther, 0
}

// nestedLogLevelRank ranks {"log":{"level":…}} (ECS) just after the flat
// "log.level" key.
const nestedLogLevelRank = 6

// isCLEFKey reports the keys of Serilog's compact JSON (CLEF), whose level
// field is omitted for Information events.
func isCLEFKey(k []byte) bool {
	return string(k) == "@t" || string(k) == "@m" || string(k) == "@mt"
}

// levelVote collects the level fields of an object. Each rank keeps the
// value of its last occurrence, recognized or not, so that a repeated key
// overrides the earlier one as the last duplicate does in Parse; the best
// rank holding a known level wins.
type levelVote struct {
	slot [10]entry.Level
	clef bool
}

func (v *levelVote) set(rank uint8, l entry.Level) { v.slot[rank] = l }

// result is the vote's level and the rank of the key that gave it (0 when
// no key did); a CLEF event without a level is Information.
func (v *levelVote) result() (entry.Level, uint8) {
	for r, l := range v.slot {
		if l != entry.Unknown {
			return l, uint8(r)
		}
	}
	if v.clef {
		return entry.Info, 0
	}
	return entry.Unknown, 0
}

// fieldLevel is the level a level field states: a word in a string, a
// pino/Monolog number, or MongoDB's one-letter severity.
func fieldLevel(kind keyKind, t byte, v []byte) entry.Level {
	switch {
	case kind == keyLevel && t == jsonString:
		return valueLevel(v)
	case kind == keyLevel && t == jsonNumber:
		return numericLevel(v)
	case kind == keyMongoS && t == jsonString:
		return mongoLevel(v)
	}
	return entry.Unknown
}
