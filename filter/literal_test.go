package filter

import (
	"regexp/syntax"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
)

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		name, pattern string
		want          []string
	}{
		{"a literal", "timeout", []string{"timeout"}},
		{"each branch of an alternation", "timeout|deadline exceeded", []string{"timeout", "deadline exceeded"}},
		{"the longest required part of a concatenation", `\d+ (ms|seconds) elapsed`, []string{" elapsed"}},
		{"a repeated group at least once", "(?:abc)+x*", []string{"abc"}},
		{"a common prefix factored out by the parser", "abc|abd", []string{"ab"}},
		{"nothing when a branch has no literal", `timeout|\d+`, nil},
		{"nothing for an optional literal", "(?:abc)?", nil},
		{"nothing for a case-insensitive literal", "(?i)timeout", nil},
		{"a case-sensitive part beside an insensitive one", "(?i:error) in handler", []string{" in handler"}},
		{"nothing for U+FFFD, which matches invalid bytes", "\uFFFD", nil},
		{"nothing past the limit of literals", "a|b|c|d|e|f|g|h|i0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := syntax.Parse(tt.pattern, syntax.Perl)
			assert.NilError(t, err)
			got, ok := required(re)
			assert.Equal(t, ok, tt.want != nil)
			assert.Assert(t, cmp.Diff(tt.want, got) == "", cmp.Diff(tt.want, got))
		})
	}
}
