package filter

import (
	"strconv"
	"strings"

	"github.com/docker-devlogs/devlogs/entry"
)

// Options are the filters a user asked for. The zero value keeps every
// entry.
type Options struct {
	// MinLevel keeps entries of this level or worse; entries of an unknown
	// level are then dropped. entry.Unknown: no level filter.
	MinLevel entry.Level
	// Include keeps an entry if any of these RE2 patterns matches one of
	// its lines (none given: all kept).
	Include []string
	// Exclude drops an entry if any of these patterns matches one of its
	// lines.
	Exclude []string
	// Streams keeps entries of these streams (none given: all).
	Streams []entry.Stream
	// Where are field conditions (key=value, key~=regex, key? …), all of
	// which must hold; see the package documentation.
	Where []string
	// TraceID keeps only the entries whose trace or request id is this.
	TraceID string
}

// maxTraceID is the longest trace id accepted, in bytes.
const maxTraceID = 256

// Chain is a compiled set of filters. It is immutable and safe for
// concurrent use by every sink.
type Chain struct {
	minLevel   entry.Level
	streams    uint8 // bit 1<<Stream for each stream kept; 0: all
	include    []pattern
	exclude    []pattern
	levelConds []cond // conditions on the entry's level, tested once
	lineConds  []cond // conditions tested line by line, the trace id too
	posMask    uint64 // lineConds bits that must be satisfied by some line
	negMask    uint64 // lineConds bits that no line may satisfy
	negField   bool   // a negated field condition needs a structured line
	desc       string
}

// pattern is a compiled include or exclude pattern and its source.
type pattern struct {
	src string
	re  *matcher
}

// Compile checks and compiles o. Its errors are *Error values that name the
// option, the value and what is wrong, as in
// `--include "(a": missing closing ): ` + "`(a`".
func Compile(o Options) (*Chain, error) {
	c := &Chain{minLevel: o.MinLevel}
	if o.MinLevel > entry.Fatal {
		return nil, &Error{Flag: "--level", Value: strconv.Itoa(int(o.MinLevel)),
			Reason: "unknown level; levels are trace, debug, info, warn, error and fatal"}
	}
	for _, s := range o.Streams {
		if s != entry.Stdout && s != entry.Stderr && s != entry.TTY {
			return nil, &Error{Flag: "--stream", Value: strconv.Itoa(int(s)),
				Reason: "unknown stream; streams are stdout, stderr and tty"}
		}
		c.streams |= 1 << s
	}
	var err error
	if c.include, err = compileAll("--include", o.Include); err != nil {
		return nil, err
	}
	if c.exclude, err = compileAll("--exclude", o.Exclude); err != nil {
		return nil, err
	}
	if len(o.Where) > MaxPatterns {
		return nil, tooMany("--where", len(o.Where))
	}
	for _, w := range o.Where {
		cd, err := parseCond(w)
		if err != nil {
			return nil, err
		}
		c.add(cd)
	}
	if o.TraceID != "" {
		cd, err := traceCond(o.TraceID)
		if err != nil {
			return nil, err
		}
		c.add(cd)
	}
	c.desc = c.describe()
	return c, nil
}

// compileAll compiles the patterns of one option.
func compileAll(flag string, srcs []string) ([]pattern, error) {
	if len(srcs) > MaxPatterns {
		return nil, tooMany(flag, len(srcs))
	}
	var out []pattern
	for _, s := range srcs {
		re, err := compilePattern(flag, s)
		if err != nil {
			return nil, err
		}
		out = append(out, pattern{src: s, re: re})
	}
	return out, nil
}

func tooMany(flag string, n int) error {
	return &Error{Flag: flag, Value: strconv.Itoa(n) + " values",
		Reason: "more than the limit of " + strconv.Itoa(MaxPatterns) + "; combine patterns with |"}
}

// traceCond checks a trace id: one word, without blanks or controls.
func traceCond(id string) (cond, error) {
	bad := func(reason string) (cond, error) {
		return cond{}, &Error{Flag: "--trace-id", Value: id, Reason: reason}
	}
	if len(id) > maxTraceID {
		return bad("longer than " + strconv.Itoa(maxTraceID) + " bytes")
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] == 0x7f {
			return bad("contains blanks or control characters; give the id alone")
		}
	}
	return cond{kind: keyTrace, op: opTrace, val: id, word: []byte(id)}, nil
}

// add files a condition under the entry's level or its lines.
func (c *Chain) add(cd cond) {
	if cd.kind == keyLevel {
		c.levelConds = append(c.levelConds, cd)
		return
	}
	bit := uint64(1) << len(c.lineConds)
	if cd.op.negated() {
		c.negMask |= bit
		c.negField = c.negField || cd.kind == keyField
	} else {
		c.posMask |= bit
	}
	c.lineConds = append(c.lineConds, cd)
}

// Empty reports whether the chain keeps every entry, so that a caller can
// skip Match.
func (c *Chain) Empty() bool {
	return c.minLevel == entry.Unknown && c.streams == 0 && len(c.include) == 0 &&
		len(c.exclude) == 0 && len(c.levelConds) == 0 && len(c.lineConds) == 0
}

// String describes the chain for a status line, as in
// "level ≥ warn, include /timeout/, where status>=500", or "none" when it
// keeps everything. Values are shortened and their control characters
// escaped.
func (c *Chain) String() string { return c.desc }

func (c *Chain) describe() string {
	var parts []string
	if c.minLevel != entry.Unknown {
		parts = append(parts, "level ≥ "+c.minLevel.String())
	}
	if c.streams != 0 {
		var names []string
		for _, s := range []entry.Stream{entry.Stdout, entry.Stderr, entry.TTY} {
			if c.streams&(1<<s) != 0 {
				names = append(names, s.String())
			}
		}
		parts = append(parts, "stream "+strings.Join(names, "|"))
	}
	for _, p := range []struct {
		name string
		ps   []pattern
	}{{"include ", c.include}, {"exclude ", c.exclude}} {
		if len(p.ps) == 0 {
			continue
		}
		var res []string
		for _, pt := range p.ps {
			res = append(res, "/"+display(pt.src)+"/")
		}
		parts = append(parts, p.name+strings.Join(res, " or "))
	}
	var where []string
	trace := ""
	for _, cds := range [][]cond{c.levelConds, c.lineConds} {
		for i := range cds {
			if cds[i].kind == keyTrace {
				trace = "trace " + display(cds[i].val)
			} else {
				where = append(where, display(cds[i].String()))
			}
		}
	}
	if len(where) > 0 {
		parts = append(parts, "where "+strings.Join(where, " and "))
	}
	if trace != "" {
		parts = append(parts, trace)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
