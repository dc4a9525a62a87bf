package filter

import (
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
)

// parsedCond is what a test compares of a parsed condition.
type parsedCond struct {
	Kind   keyKind
	Key    string
	Op     op
	Val    string
	Num    float64
	Level  entry.Level
	String string
}

func TestParseCond(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want parsedCond
	}{
		{"equals compares text", "user=bob", parsedCond{Key: "user", Op: opEq, Val: "bob", String: "user=bob"}},
		{"not equals", "user!=bob", parsedCond{Key: "user", Op: opNe, Val: "bob", String: "user!=bob"}},
		{"matches a regex", "path~=^/api/", parsedCond{Key: "path", Op: opMatch, Val: "^/api/", String: "path~=^/api/"}},
		{"does not match a regex", "path!~=health", parsedCond{Key: "path", Op: opNoMatch, Val: "health", String: "path!~=health"}},
		{"exists", "error?", parsedCond{Key: "error", Op: opExists, String: "error?"}},
		{"is missing", "!error?", parsedCond{Key: "error", Op: opMissing, String: "!error?"}},
		{"greater than", "status>499", parsedCond{Key: "status", Op: opGt, Val: "499", Num: 499, String: "status>499"}},
		{"at least", "status>=500", parsedCond{Key: "status", Op: opGe, Val: "500", Num: 500, String: "status>=500"}},
		{"less than a float", "took<0.25", parsedCond{Key: "took", Op: opLt, Val: "0.25", Num: 0.25, String: "took<0.25"}},
		{"at most a negative exponent", "x<=-1e3", parsedCond{Key: "x", Op: opLe, Val: "-1e3", Num: -1000, String: "x<=-1e3"}},
		{"a nested key with dots", "http.request.method=GET",
			parsedCond{Key: "http.request.method", Op: opEq, Val: "GET", String: "http.request.method=GET"}},
		{"blanks around key and value are ignored", "  status >=  500 ",
			parsedCond{Key: "status", Op: opGe, Val: "500", Num: 500, String: "status>=500"}},
		{"the value is everything after the operator, = included", "q==a=b",
			parsedCond{Key: "q", Op: opEq, Val: "=a=b", String: "q==a=b"}},
		{"an empty value is allowed for equality", "user=", parsedCond{Key: "user", Op: opEq, String: "user="}},
		{"a key may hold a question mark", "a??", parsedCond{Key: "a?", Op: opExists, String: "a??"}},
		{"level is compared by severity with its canonical name", "level>=WARNING",
			parsedCond{Kind: keyLevel, Key: "level", Op: opGe, Val: "warn", Level: entry.Warn, String: "level>=warn"}},
		{"level can be unknown", "level=unknown",
			parsedCond{Kind: keyLevel, Key: "level", Op: opEq, Val: "unknown", Level: entry.Unknown, String: "level=unknown"}},
		{"msg is the message", "msg~=(?i)timeout",
			parsedCond{Kind: keyMessage, Key: "msg", Op: opMatch, Val: "(?i)timeout", String: "msg~=(?i)timeout"}},
		{"message is the message too", "message?", parsedCond{Kind: keyMessage, Key: "message", Op: opExists, String: "message?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseCond(tt.in)
			assert.NilError(t, err)
			got := parsedCond{Kind: c.kind, Key: c.key, Op: c.op, Val: c.val, Num: c.num, Level: c.lvl, String: c.String()}
			assert.Assert(t, cmp.Diff(tt.want, got) == "", cmp.Diff(tt.want, got))
			assert.Equal(t, c.re != nil, c.op == opMatch || c.op == opNoMatch)
		})
	}
}

func TestParseCondRejects(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"an empty condition", " ", `--where " ": empty condition; write key=value, key!=value, key~=regex, key!~=regex, key?, !key?, key>n, key>=n, key<n or key<=n`},
		{"a bare key", "status", `--where "status": no operator; write key=value`},
		{"no key before the operator", "=500", `--where "=500": no key; write key=value`},
		{"no key before the question mark", "?", `--where "?": no key`},
		{"no key in a missing test", "!?", `--where "!?": no key`},
		{"a leading ! on a comparison", "!user=bob", `--where "!user=bob": a leading ! only negates an existence test, as in !key?; write key!=value to negate a comparison`},
		{"the other spelling of missing", "user!?", `--where "user!?": a missing field is written !user?`},
		{"a tilde without =", "user~bob", `--where "user~bob": a regex match is written key~=regex (key!~=regex for no match)`},
		{"a lone !", "user!bob", `--where "user!bob": unknown operator; write key=value`},
		{"a number comparison with text", "status>=high", `--where "status>=high": not a number: "high"; > >= < <= compare numbers (use = or ~= for text)`},
		{"a number comparison with NaN", "x>NaN", `not a number: "NaN"`},
		{"a doubled operator", "status>>5", `--where "status>>5": not a number: ">5"`},
		{"an unknown level", "level>=warnn", `--where "level>=warnn": unknown level "warnn"; levels are trace, debug, info, warn, error, fatal and unknown`},
		{"a bad regex", "msg~=(a", "--where \"msg~=(a\": regex missing closing ): `(a`"},
		{"an empty regex", "msg~=", `--where "msg~=": regex empty pattern (it would match every line)`},
		{"a control character is quoted in the message", "a\x1bb", `--where "a\x1bb": no operator`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCond(tt.in)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}
