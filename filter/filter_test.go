package filter

import (
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

// line is a single-line entry on stdout.
func line(l entry.Level, msg string) *entry.Entry {
	return &entry.Entry{Stream: entry.Stdout, Level: l, Msg: []byte(msg)}
}

// group is a grouped entry: the lines joined with '\n', the first line's
// level.
func group(l entry.Level, lines ...string) *entry.Entry {
	e := line(l, strings.Join(lines, "\n"))
	e.Flags = entry.Grouped
	return e
}

const (
	jsonErr   = `{"level":"error","msg":"request failed","status":503,"user":"bob","path":"/api/orders","trace_id":"4bf92f35"}`
	jsonOK    = `{"level":"info","msg":"ok","status":"200","path":"/health"}`
	logfmtErr = `level=error msg="upstream timeout" status=504 took=2.5 request_id=req-7`
	textWarn  = `2024-01-01 12:00:00 WARN slow query user=bob took 2.5s`
)

var javaTrace = []string{
	`{"level":"error","msg":"unhandled","status":500}`,
	"java.lang.NullPointerException: boom",
	"\tat com.example.Orders.place(Orders.java:42)",
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		e    *entry.Entry
		want bool
	}{
		{"no filter keeps a line of unknown level", Options{}, line(entry.Unknown, "hello"), true},

		{"a level at the minimum is kept", Options{MinLevel: entry.Warn}, line(entry.Warn, textWarn), true},
		{"a level above the minimum is kept", Options{MinLevel: entry.Warn}, line(entry.Fatal, "x"), true},
		{"a level below the minimum is dropped", Options{MinLevel: entry.Warn}, line(entry.Info, "x"), false},
		{"an unknown level is dropped once a minimum is set", Options{MinLevel: entry.Trace}, line(entry.Unknown, "x"), false},
		{"a stack trace keeps its first line's level", Options{MinLevel: entry.Error}, group(entry.Error, javaTrace...), true},

		{"a stream asked for is kept", Options{Streams: []entry.Stream{entry.Stderr, entry.Stdout}}, line(0, "x"), true},
		{"another stream is dropped", Options{Streams: []entry.Stream{entry.Stderr}}, line(0, "x"), false},
		{"an out-of-range stream is dropped", Options{Streams: []entry.Stream{entry.Stderr}}, &entry.Entry{Stream: 200}, false},

		{"any include pattern keeps a line", Options{Include: []string{"nomatch", "slow"}}, line(0, textWarn), true},
		{"a line no include pattern matches is dropped", Options{Include: []string{"fast"}}, line(0, textWarn), false},
		{"patterns are case-sensitive", Options{Include: []string{"warn"}}, line(0, textWarn), false},
		{"(?i) ignores case", Options{Include: []string{"(?i)warn"}}, line(0, textWarn), true},
		{"include matches a stack trace on any line", Options{Include: []string{"NullPointer"}}, group(entry.Error, javaTrace...), true},
		{"^ anchors at the start of each line of a group", Options{Include: []string{`^\tat com\.example`}}, group(entry.Error, javaTrace...), true},
		{"$ anchors at the end of each line of a group", Options{Include: []string{`boom$`}}, group(entry.Error, javaTrace...), true},
		{"a single line is never split at a newline", Options{Include: []string{"^b"}}, line(0, "a\nb"), false},
		{"an invalid UTF-8 line is matched around its bad bytes", Options{Include: []string{"timeout$"}}, line(0, "caf\xe9 \xff\xfe timeout"), true},
		{"a bad byte matches . and U+FFFD", Options{Include: []string{`^caf.\x{FFFD}$`}}, line(0, "caf\xe9\xff"), true},

		{"an exclude pattern drops a line", Options{Exclude: []string{"/health"}}, line(0, jsonOK), false},
		{"a line no exclude pattern matches is kept", Options{Exclude: []string{"/health"}}, line(0, jsonErr), true},
		{"exclude drops a group if any line matches", Options{Exclude: []string{`Orders\.java`}}, group(0, javaTrace...), false},
		{"exclude wins over include", Options{Include: []string{"ok"}, Exclude: []string{"health"}}, line(0, jsonOK), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(tt.opts)
			assert.NilError(t, err)
			assert.Equal(t, c.Match(tt.e), tt.want)
		})
	}
}

func TestMatchWhere(t *testing.T) {
	tests := []struct {
		name  string
		where []string
		e     *entry.Entry
		want  bool
	}{
		{"equals on a JSON string", []string{"user=bob"}, line(0, jsonErr), true},
		{"equals on a JSON number as written", []string{"status=503"}, line(0, jsonErr), true},
		{"equals fails on another value", []string{"user=alice"}, line(0, jsonErr), false},
		{"not equals holds on another value", []string{"user!=alice"}, line(0, jsonErr), true},
		{"not equals fails on the value", []string{"user!=bob"}, line(0, jsonErr), false},
		{"not equals holds on a structured line without the field", []string{"user!=bob"}, line(0, jsonOK), true},
		{"not equals fails on a text line", []string{"user!=alice"}, line(0, textWarn), false},
		{"a regex match", []string{"path~=^/api/"}, line(0, jsonErr), true},
		{"a regex mismatch", []string{"path~=^/api/"}, line(0, jsonOK), false},
		{"a negated regex holds when it does not match", []string{"path!~=health"}, line(0, jsonErr), true},
		{"a negated regex fails when it matches", []string{"path!~=health"}, line(0, jsonOK), false},
		{"exists", []string{"user?"}, line(0, jsonErr), true},
		{"exists fails without the field", []string{"user?"}, line(0, jsonOK), false},
		{"exists fails on a text line with key=value in it", []string{"user?"}, line(0, textWarn), false},
		{"missing holds without the field", []string{"!user?"}, line(0, jsonOK), true},
		{"missing fails with the field", []string{"!user?"}, line(0, jsonErr), false},
		{"missing fails on a text line", []string{"!user?"}, line(0, textWarn), false},
		{"greater than", []string{"status>502"}, line(0, jsonErr), true},
		{"greater than fails at equality", []string{"status>503"}, line(0, jsonErr), false},
		{"at least", []string{"status>=503"}, line(0, jsonErr), true},
		{"less than on a JSON string holding a number", []string{"status<300"}, line(0, jsonOK), true},
		{"at most", []string{"status<=502"}, line(0, jsonErr), false},
		{"a comparison on a logfmt float", []string{"took>2"}, line(0, logfmtErr), true},
		{"a non-number fails every comparison", []string{"path<1"}, line(0, jsonErr), false},
		{"a missing field fails a comparison", []string{"took<1"}, line(0, jsonErr), false},
		{"a nested JSON key is flattened with dots", []string{"http.status>=500"}, line(0, `{"msg":"x","http":{"status":500}}`), true},
		{"several conditions must all hold", []string{"status>=500", "user=bob"}, line(0, jsonErr), true},
		{"one failing condition drops the line", []string{"status>=500", "user=alice"}, line(0, jsonErr), false},

		{"level compares by severity", []string{"level>=warn"}, line(entry.Error, "x"), true},
		{"level below", []string{"level>=warn"}, line(entry.Info, "x"), false},
		{"level less than", []string{"level<warn"}, line(entry.Debug, "x"), true},
		{"an unknown level fails an ordering comparison", []string{"level<warn"}, line(entry.Unknown, "x"), false},
		{"level=unknown selects unknown lines", []string{"level=unknown"}, line(entry.Unknown, "x"), true},
		{"level!=info", []string{"level!=info"}, line(entry.Info, "x"), false},
		{"!level? selects unknown lines", []string{"!level?"}, line(entry.Unknown, "x"), true},
		{"level? selects known lines", []string{"level?"}, line(entry.Info, "x"), true},
		{"level~= matches the level name", []string{"level~=^(warn|error)$"}, line(entry.Warn, "x"), true},
		{"level>=warn with the grouped level", []string{"level>=error"}, group(entry.Error, javaTrace...), true},

		{"msg of a JSON line is its message field", []string{"msg=request failed"}, line(0, jsonErr), true},
		{"msg does not look at other fields", []string{"msg~=bob"}, line(0, jsonErr), false},
		{"msg of a logfmt line", []string{"message~=timeout$"}, line(0, logfmtErr), true},
		{"msg of a text line is the whole line", []string{"msg~=^2024.*WARN"}, line(0, textWarn), true},
		{"msg of a text line may be invalid UTF-8", []string{"msg~=^caf.$"}, line(0, "caf\xe9"), true},
		{"msg! on a text line", []string{"msg!~=WARN"}, line(0, textWarn), false},
		{"msg? on an empty text line", []string{"msg?"}, line(0, ""), false},
		{"msg? on a JSON line without a message", []string{"msg?"}, line(0, `{"a":1}`), false},
		{"a number comparison on a text message", []string{"msg>=3"}, line(0, "42"), true},

		{"a group matches a field of its JSON first line", []string{"status>=500"}, group(entry.Error, javaTrace...), true},
		{"a group matches msg on a continuation line", []string{"msg~=NullPointer"}, group(entry.Error, javaTrace...), true},
		{"each condition may hold on a different line", []string{"status=500", "msg~=Orders\\.java"}, group(0, javaTrace...), true},
		{"a negated condition fails if any line satisfies its positive form", []string{"msg!~=NullPointer"}, group(0, javaTrace...), false},
		{"a negated field condition holds on the group's structured line", []string{"!user?"}, group(0, javaTrace...), true},
		{"a negated field condition fails on a group of text lines", []string{"!user?"}, group(0, "a", "\tb"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(Options{Where: tt.where})
			assert.NilError(t, err)
			assert.Equal(t, c.Match(tt.e), tt.want)
		})
	}
}

func TestMatchTraceID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		e    *entry.Entry
		want bool
	}{
		{"the trace id field of a JSON line", "4bf92f35", line(0, jsonErr), true},
		{"another trace id", "4bf92f36", line(0, jsonErr), false},
		{"a prefix of the trace id", "4bf92f3", line(0, jsonErr), false},
		{"the request id of a logfmt line", "req-7", line(0, logfmtErr), true},
		{"a JSON id spelled with escapes", "abc", line(0, `{"msg":"x","traceId":"\u0061bc"}`), true},
		{"a structured line mentioning the id elsewhere", "abc", line(0, `{"msg":"abc","span":"abc"}`), false},
		{"a whole word of a text line", "abc123", line(0, "GET /x id=abc123, done"), true},
		{"the whole text line", "abc123", line(0, "abc123"), true},
		{"inside a longer word of a text line", "abc123", line(0, "id=abc1234 x-abc123 abc123_b"), false},
		{"a later whole-word occurrence", "abc123", line(0, "abc1234 [abc123]"), true},
		{"a continuation line of a group", "abc123", group(0, "failed", "\tcaused by request abc123"), true},
		{"no line of a group", "abc123", group(0, "failed", "\tat x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(Options{TraceID: tt.id})
			assert.NilError(t, err)
			assert.Equal(t, c.Match(tt.e), tt.want)
		})
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no filter", Options{}, "none"},
		{"the brief's example", Options{MinLevel: entry.Warn, Include: []string{"timeout"}, Where: []string{"status>=500"}},
			"level ≥ warn, include /timeout/, where status>=500"},
		{"every kind of filter", Options{MinLevel: entry.Error, Streams: []entry.Stream{entry.Stderr, entry.Stdout},
			Include: []string{"a", "b"}, Exclude: []string{"health"}, Where: []string{"level!=fatal", " user = bob ", "!x?"}, TraceID: "abc"},
			"level ≥ error, stream stdout|stderr, include /a/ or /b/, exclude /health/, where level!=fatal and user=bob and !x?, trace abc"},
		{"control characters and bidi controls are escaped", Options{Include: []string{"\x1b]0;x\a\u202e"}},
			`include /\x1b]0;x\a\u202e/`},
		{"a long pattern is shortened", Options{Include: []string{strings.Repeat("ab", 100)}},
			"include /" + strings.Repeat("ab", 24) + "…/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(tt.opts)
			assert.NilError(t, err)
			assert.Equal(t, c.String(), tt.want)
		})
	}
}

func TestEmpty(t *testing.T) {
	for _, o := range []Options{{}, {Include: []string{}, Where: nil}} {
		c, err := Compile(o)
		assert.NilError(t, err)
		assert.Check(t, c.Empty())
	}
	for _, o := range []Options{
		{MinLevel: entry.Trace}, {Streams: []entry.Stream{entry.Stdout}}, {Include: []string{"a"}},
		{Exclude: []string{"a"}}, {Where: []string{"level?"}}, {Where: []string{"a?"}}, {TraceID: "a"},
	} {
		c, err := Compile(o)
		assert.NilError(t, err)
		assert.Check(t, !c.Empty(), "%+v", o)
	}
}
