package filter

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on user patterns (S5 in shared/RELIABILITY.md). Go's RE2 engine
// never backtracks, but its matching time grows with the size of the compiled
// program, and a short pattern with counted repetitions can compile to a
// huge one; these bounds keep both compiling and matching cheap.
const (
	// MaxPatternLen is the longest pattern accepted, in bytes.
	MaxPatternLen = 1000
	// MaxNesting is the deepest nesting of groups and repetitions.
	MaxNesting = 20
	// MaxProgram is the largest compiled program, in instructions.
	MaxProgram = 10000
	// MaxPatterns is the most values one option (Include, Exclude, Where)
	// takes.
	MaxPatterns = 32
)

// Error is a rejected option: which flag, the value given and why.
type Error struct {
	Flag   string // "--include", "--where" …
	Value  string // the pattern or condition as given
	Reason string // what is wrong and, when useful, what to write instead
	Err    error  // the underlying error, if any
}

// Error formats as `--include "(a": missing closing ): ` + "`(a`"; a long
// value is shortened.
func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Flag, quoteShort(e.Value), e.Reason)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// compilePattern checks a user pattern against the limits and compiles it.
// The checks run on the parse tree before anything is compiled, so that a
// hostile pattern costs microseconds to reject.
func compilePattern(flag, p string) (*matcher, error) {
	reject := func(reason string, err error) (*matcher, error) {
		return nil, &Error{Flag: flag, Value: p, Reason: reason, Err: err}
	}
	if p == "" {
		return reject("empty pattern (it would match every line)", nil)
	}
	if len(p) > MaxPatternLen {
		return reject(fmt.Sprintf("pattern of %d bytes, longer than the limit of %d", len(p), MaxPatternLen), nil)
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return reject(fmt.Sprintf("%s: `%s`", se.Code, display(se.Expr)), err)
		}
		return reject(display(err.Error()), err)
	}
	if d := nesting(re, 0); d > MaxNesting {
		return reject(fmt.Sprintf("groups and repetitions nest %d deep, more than the limit of %d", d, MaxNesting), nil)
	}
	// The estimate is close to the real size; twice the limit leaves room
	// for its error while bounding the work syntax.Compile may do.
	if n := progSize(re); n > 2*MaxProgram {
		return reject(fmt.Sprintf("compiles to more than %d instructions, the limit (use smaller {n} counts)", MaxProgram), nil)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return reject(display(err.Error()), err)
	}
	if n := len(prog.Inst); n > MaxProgram {
		return reject(fmt.Sprintf("compiles to %d instructions, more than the limit of %d (use smaller {n} counts)", n, MaxProgram), nil)
	}
	rx, err := regexp.Compile(p)
	if err != nil {
		return reject(display(err.Error()), err)
	}
	return newMatcher(rx, re), nil
}

// nesting is how deep groups and repetitions nest in re; concatenation and
// alternation add no depth, as a reader of the pattern sees it.
func nesting(re *syntax.Regexp, depth int) int {
	switch re.Op {
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		depth++
	}
	deepest := depth
	for _, sub := range re.Sub {
		deepest = max(deepest, nesting(sub, depth))
	}
	return deepest
}

// progSize estimates the number of instructions re compiles to, as
// regexp/syntax counts them, saturating instead of overflowing.
func progSize(re *syntax.Regexp) int {
	const inf = 1 << 40
	sub := func(i int) int { return progSize(re.Sub[i]) }
	var n int
	switch re.Op {
	case syntax.OpLiteral:
		n = len(re.Rune)
	case syntax.OpCapture, syntax.OpStar:
		n = 2 + sub(0)
	case syntax.OpPlus, syntax.OpQuest:
		n = 1 + sub(0)
	case syntax.OpConcat, syntax.OpAlternate:
		for i := range re.Sub {
			n += sub(i) + 1
		}
	case syntax.OpRepeat:
		switch s := sub(0); {
		case re.Max < 0 && re.Min == 0:
			n = 2 + s
		case re.Max < 0:
			n = re.Min*s + 1
		default:
			n = re.Max*s + re.Max - re.Min
		}
	default:
		n = 1
	}
	return min(n, inf)
}

// shortLen is how many bytes of a value an error message or status line
// shows.
const shortLen = 48

// quoteShort quotes s for a message (escaping control and format
// characters and invalid UTF-8), shortened to about shortLen bytes.
func quoteShort(s string) string {
	if len(s) <= shortLen {
		return strconv.Quote(s)
	}
	cut := shortLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// display makes s safe and short for a status line: control, format (bidi)
// and invalid bytes are escaped as Go does in strings, and a long s is cut
// with an ellipsis.
func display(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		if b.Len() >= shortLen {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		s = s[size:]
	}
	return b.String()
}
