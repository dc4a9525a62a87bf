package filter

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/docker-devlogs/devlogs/entry"
)

// op is a condition's operator.
type op uint8

// Operators. The negated ones (opNe, opNoMatch, opMissing) hold exactly when
// their positive form does not.
const (
	opEq op = iota + 1
	opNe
	opMatch
	opNoMatch
	opExists
	opMissing
	opGt
	opGe
	opLt
	opLe
	opTrace // the trace id option, not written with --where
)

// operators lists the written operators, longest first where one is a
// prefix of another, as the parser tries them.
var operators = [...]struct {
	text string
	op   op
}{{"!~=", opNoMatch}, {"!=", opNe}, {"~=", opMatch}, {">=", opGe}, {"<=", opLe}, {"=", opEq}, {">", opGt}, {"<", opLt}}

// opChars are the characters that start an operator; keys cannot hold them.
const opChars = "=!~<>"

// syntaxHint is the reminder of the condition syntax given with errors.
const syntaxHint = "write key=value, key!=value, key~=regex, key!~=regex, key?, !key?, key>n, key>=n, key<n or key<=n"

// negated reports whether o is the negation of a positive operator.
func (o op) negated() bool { return o == opNe || o == opNoMatch || o == opMissing }

// positive returns the operator o negates, or o itself.
func (o op) positive() op {
	switch o {
	case opNe:
		return opEq
	case opNoMatch:
		return opMatch
	case opMissing:
		return opExists
	}
	return o
}

// keyKind tells what a condition's key refers to.
type keyKind uint8

const (
	keyField   keyKind = iota // a field of a structured line
	keyLevel                  // the entry's detected level
	keyMessage                // the message (the whole line for text)
	keyTrace                  // the trace or request id
)

// cond is one compiled condition.
type cond struct {
	kind keyKind
	key  string
	op   op
	val  string // as written; the canonical name for a level
	re   *matcher
	num  float64
	lvl  entry.Level
	word []byte // the trace id, for searching text lines
}

// parseCond reads one --where condition (see the package documentation).
func parseCond(s string) (cond, error) {
	bad := func(reason string, err error) (cond, error) {
		return cond{}, &Error{Flag: "--where", Value: s, Reason: reason, Err: err}
	}
	t := strings.TrimSpace(s)
	var c cond
	switch i := strings.IndexAny(t, opChars); {
	case t == "":
		return bad("empty condition; "+syntaxHint, nil)
	case i == 0 && len(t) >= 2 && t[len(t)-1] == '?' && !strings.ContainsAny(t[1:len(t)-1], opChars):
		c = cond{key: strings.TrimSpace(t[1 : len(t)-1]), op: opMissing}
	case i < 0 && t[len(t)-1] == '?':
		c = cond{key: strings.TrimSpace(t[:len(t)-1]), op: opExists}
	case i < 0:
		return bad("no operator; "+syntaxHint, nil)
	default:
		o, n := readOp(t[i:])
		if o == 0 && i == 0 && t[0] == '!' {
			return bad("a leading ! only negates an existence test, as in !key?; write key!=value to negate a comparison", nil)
		}
		if o == 0 {
			return bad(opHint(t, i), nil)
		}
		c = cond{key: strings.TrimSpace(t[:i]), op: o, val: strings.TrimSpace(t[i+n:])}
	}
	if c.key == "" {
		return bad("no key; "+syntaxHint, nil)
	}
	if reason, err := c.compile(); reason != "" {
		return bad(reason, err)
	}
	return c, nil
}

// readOp returns the operator s starts with and its length (0 if none).
func readOp(s string) (op, int) {
	for _, o := range operators {
		if strings.HasPrefix(s, o.text) {
			return o.op, len(o.text)
		}
	}
	return 0, 0
}

// opHint explains an unknown operator at t[i:].
func opHint(t string, i int) string {
	switch rest := t[i:]; {
	case strings.HasPrefix(rest, "!?"):
		return "a missing field is written !" + display(strings.TrimSpace(t[:i])) + "?"
	case strings.HasPrefix(rest, "~") || strings.HasPrefix(rest, "!~"):
		return "a regex match is written key~=regex (key!~=regex for no match)"
	}
	return "unknown operator; " + syntaxHint
}

// compile classifies the key and checks the value for the operator: a
// pattern, a number or a level name. It returns the reason for rejecting it.
func (c *cond) compile() (string, error) {
	switch c.key {
	case "level":
		c.kind = keyLevel
	case "msg", "message":
		c.kind = keyMessage
	}
	switch c.op.positive() {
	case opMatch:
		re, err := compilePattern("--where", c.val)
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				return "regex " + pe.Reason, pe.Err
			}
			return display(err.Error()), err
		}
		c.re = re
	case opEq, opGt, opGe, opLt, opLe:
		if c.kind == keyLevel {
			l, ok := parseLevel(c.val)
			if !ok {
				return "unknown level " + strconv.Quote(c.val) + "; levels are trace, debug, info, warn, error, fatal and unknown", nil
			}
			c.lvl, c.val = l, l.String()
		} else if c.op.positive() != opEq {
			f, err := strconv.ParseFloat(c.val, 64)
			if err != nil || math.IsNaN(f) {
				return "not a number: " + strconv.Quote(c.val) + "; > >= < <= compare numbers (use = or ~= for text)", nil
			}
			c.num = f
		}
	}
	return "", nil
}

// parseLevel reads a level name in any case, "unknown" included.
func parseLevel(s string) (entry.Level, bool) {
	s = strings.ToLower(s)
	if s == "unknown" {
		return entry.Unknown, true
	}
	return entry.ParseLevel(s)
}

// String returns the condition as it is written, so that parsing it again
// gives the same condition.
func (c *cond) String() string {
	switch c.op {
	case opExists:
		return c.key + "?"
	case opMissing:
		return "!" + c.key + "?"
	case opTrace:
		return "trace " + c.val
	}
	for _, o := range operators {
		if o.op == c.op {
			return c.key + o.text + c.val
		}
	}
	return c.key
}

// levelHolds tests a level condition against an entry's level.
func (c *cond) levelHolds(l entry.Level) bool {
	var ok bool
	known := l != entry.Unknown
	switch c.op.positive() {
	case opEq:
		ok = l == c.lvl
	case opMatch:
		ok = c.re.matchString(l.String())
	case opExists:
		ok = known
	case opGt:
		ok = known && l > c.lvl
	case opGe:
		ok = known && l >= c.lvl
	case opLt:
		ok = known && l < c.lvl
	case opLe:
		ok = known && l <= c.lvl
	}
	return ok != c.op.negated()
}

// holdsString tests the positive form of a condition against a value that
// is present (a field's or a structured line's message).
func (c *cond) holdsString(v string) bool {
	switch c.op.positive() {
	case opEq:
		return v == c.val
	case opMatch:
		return c.re.matchString(v)
	case opExists:
		return true
	}
	return c.compare(v)
}

// holdsBytes is holdsString for the raw bytes of a text line.
func (c *cond) holdsBytes(v []byte) bool {
	switch c.op.positive() {
	case opEq:
		return string(v) == c.val
	case opMatch:
		return c.re.match(v)
	case opExists:
		return true
	}
	return c.compare(string(v))
}

// compare applies a numeric comparison; a value that is not a number
// fails it.
func (c *cond) compare(v string) bool {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	switch c.op {
	case opGt:
		return f > c.num
	case opGe:
		return f >= c.num
	case opLt:
		return f < c.num
	case opLe:
		return f <= c.num
	}
	return false
}
