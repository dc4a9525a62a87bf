package filter

import (
	"errors"
	"regexp/syntax"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestCompileRejectsPatterns(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{
			name:    "a syntax error names the flag, the pattern and the problem",
			opts:    Options{Include: []string{"(a"}},
			wantErr: "--include \"(a\": missing closing ): `(a`",
		},
		{
			name:    "a Perl lookahead is not RE2 and is rejected as such",
			opts:    Options{Exclude: []string{"a(?=b)"}},
			wantErr: "--exclude \"a(?=b)\": invalid or unsupported Perl syntax: `(?=`",
		},
		{
			name:    "a pattern of invalid UTF-8 is rejected with its bytes escaped",
			opts:    Options{Include: []string{"(\x1b\xff"}},
			wantErr: "--include \"(\\x1b\\xff\": invalid UTF-8: `\\xff`",
		},
		{
			name:    "a control character in a syntax error is escaped",
			opts:    Options{Include: []string{"(\x1b"}},
			wantErr: "--include \"(\\x1b\": missing closing ): `(\\x1b`",
		},
		{
			name:    "an empty pattern would match every line",
			opts:    Options{Exclude: []string{"ok", ""}},
			wantErr: `--exclude "": empty pattern (it would match every line)`,
		},
		{
			name:    "a pattern over the length limit is rejected and shown shortened",
			opts:    Options{Include: []string{strings.Repeat("a", MaxPatternLen+1)}},
			wantErr: `--include "` + strings.Repeat("a", shortLen) + `"… (1001 bytes): pattern of 1001 bytes, longer than the limit of 1000`,
		},
		{
			name:    "groups nested deeper than the limit are rejected",
			opts:    Options{Include: []string{strings.Repeat("(", 21) + "a" + strings.Repeat(")", 21)}},
			wantErr: `--include "` + strings.Repeat("(", 21) + "a" + strings.Repeat(")", 21) + `": groups and repetitions nest 21 deep, more than the limit of 20`,
		},
		{
			name:    "nested repetitions count as nesting too",
			opts:    Options{Include: []string{strings.Repeat("(", 11) + "a" + strings.Repeat(")+", 11)}},
			wantErr: "nest 22 deep, more than the limit of 20",
		},
		{
			name:    "a program just over the instruction limit is measured exactly",
			opts:    Options{Include: []string{strings.Repeat(".{1000}", 10) + "x"}},
			wantErr: "compiles to 10003 instructions, more than the limit of 10000 (use smaller {n} counts)",
		},
		{
			name:    "a program far over the limit is rejected before compiling it",
			opts:    Options{Include: []string{strings.Repeat("[a-z]{1000}", 90)}},
			wantErr: "compiles to more than 10000 instructions, the limit (use smaller {n} counts)",
		},
		{
			name:    "more values than the limit for one option",
			opts:    Options{Include: make([]string, MaxPatterns+1)},
			wantErr: `--include "33 values": more than the limit of 32; combine patterns with |`,
		},
		{
			name:    "an unknown level",
			opts:    Options{MinLevel: 9},
			wantErr: `--level "9": unknown level; levels are trace, debug, info, warn, error and fatal`,
		},
		{
			name:    "an unknown stream",
			opts:    Options{Streams: []entry.Stream{0}},
			wantErr: `--stream "0": unknown stream; streams are stdout, stderr and tty`,
		},
		{
			name:    "a trace id with a blank",
			opts:    Options{TraceID: "abc def"},
			wantErr: `--trace-id "abc def": contains blanks or control characters; give the id alone`,
		},
		{
			name:    "a trace id over the limit",
			opts:    Options{TraceID: strings.Repeat("f", 257)},
			wantErr: "longer than 256 bytes",
		},
		{
			name:    "a bad where condition",
			opts:    Options{Where: []string{"status"}},
			wantErr: `--where "status": no operator; write key=value`,
		},
		{
			name:    "a where regex goes through the same limits",
			opts:    Options{Where: []string{"msg~=" + strings.Repeat("(", 21) + "a" + strings.Repeat(")", 21)}},
			wantErr: "regex groups and repetitions nest 21 deep, more than the limit of 20",
		},
		{
			name:    "too many where conditions",
			opts:    Options{Where: make([]string, MaxPatterns+1)},
			wantErr: `--where "33 values": more than the limit of 32`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Compile(tt.opts)
			assert.Check(t, is.Nil(c))
			assert.ErrorContains(t, err, tt.wantErr)
			var fe *Error
			assert.Check(t, errors.As(err, &fe))
		})
	}
}

func TestCompileKeepsTheSyntaxError(t *testing.T) {
	_, err := Compile(Options{Include: []string{"a**"}})
	var se *syntax.Error
	assert.Assert(t, errors.As(err, &se))
	assert.Equal(t, se.Code, syntax.ErrInvalidRepeatOp)
}

func TestCompileAcceptsPatternsAtTheLimits(t *testing.T) {
	for _, p := range []string{
		strings.Repeat("a", MaxPatternLen),
		strings.Repeat("(", MaxNesting) + "a" + strings.Repeat(")", MaxNesting),
		strings.Repeat(".{1000}", 9),
		"(?i)timeout|deadline exceeded",
	} {
		_, err := Compile(Options{Include: []string{p}})
		assert.NilError(t, err)
	}
}

func TestHostilePatternsAreRejectedFast(t *testing.T) {
	hostile := []string{
		strings.Repeat("[a-z]{1000}", 90),
		strings.Repeat(`\pL{999}`, 110),
		strings.Repeat("(", 500) + strings.Repeat(")", 500),
		strings.Repeat("((a{30}){30})", 70),
	}
	for _, p := range hostile {
		start := time.Now()
		_, err := Compile(Options{Include: []string{p}})
		assert.Check(t, err != nil, "pattern %.40q accepted", p)
		assert.Check(t, time.Since(start) < 100*time.Millisecond, "pattern %.40q took %v", p, time.Since(start))
	}
}
