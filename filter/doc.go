// Package filter compiles the user's filters (level, include and exclude
// patterns, streams, field conditions, trace id) into one Chain that decides
// which entries are shown, shared by every sink.
//
// A Chain is immutable once compiled and safe for concurrent use. Compile
// checks everything up front, so that Match never fails: a bad pattern or
// condition is an error naming the flag, the value and what is wrong.
//
// # Levels
//
// --level warn keeps the lines that say they are warnings or worse: entries
// of an unknown level are dropped as soon as a minimum level is set, since
// nothing says they matter. A grouped entry (a stack trace and the line that
// opened it) carries the level of its first line, so --level error keeps the
// whole trace.
//
// # Patterns
//
// --include and --exclude take Go regular expressions (RE2 syntax; no
// backreferences or lookarounds, and matching time is linear in the line's
// length). An entry is kept if any include pattern matches (all are kept
// when none is given) and no exclude pattern does. Patterns are
// case-sensitive: write (?i)timeout to ignore case. They are matched against
// the message bytes as received, invalid UTF-8 included, one line at a time:
// a grouped entry matches a pattern if any of its lines does, and ^ and $
// anchor at the start and end of each line.
//
// Most lines match no pattern, so the literals that every match of a
// pattern contains ("timeout" and "deadline exceeded" in
// timeout|deadline exceeded, "ms in handler" in \d+ms in handler) are
// looked for first, which costs tens of nanoseconds a line; a
// case-insensitive pattern has none and runs the regexp engine on every
// line, about 15 ns per byte.
//
// Patterns are user input that a web client may send too, so Compile
// rejects, quickly and with a message naming the limit, a pattern longer
// than MaxPatternLen bytes, nested deeper than MaxNesting groups and
// repetitions, or compiling to more than MaxProgram instructions (counted
// repetitions such as .{1000}.{1000}… are the usual cause), as well as
// more than MaxPatterns values for one option and empty patterns.
//
// # Field conditions
//
// --where tests one field of structured (JSON or logfmt) lines. Its forms:
//
//	key=value     the field equals value (compared as text)
//	key!=value    the field does not equal value
//	key~=regex    the field matches the regular expression
//	key!~=regex   the field does not match it
//	key?          the field is present
//	!key?         the field is missing
//	key>n  key>=n  key<n  key<=n
//	              the field is a number (int or float, as text or JSON
//	              number) and compares so with n; anything else fails
//
// Examples, quoted for the shell ('>', '<', '?' and '!' mean something
// to it):
//
//	docker devlogs --where 'status>=500'
//	docker devlogs --where 'user.id=42' --where 'path~=^/api/'
//	docker devlogs --where 'level>=warn' --where '!error?'
//	docker devlogs --where 'msg~=(?i)timeout'
//
// The key is everything before the first of the characters = ! ~ < >, so
// keys cannot contain them; the value is everything after the operator.
// Blanks around the key and the value are ignored. Keys are the field names
// as logline flattens them (a nested JSON object gives a.b.c), compared
// exactly, case included. Three keys are
// special and apply to every line, text included:
//
//   - level: the entry's detected level (trace, debug, info, warn, error,
//     fatal, or unknown; warning, err, critical also read), compared by
//     severity: level>=warn keeps warn, error and fatal. An unknown level
//     fails every ordering comparison; level=unknown or !level? selects it.
//   - msg and message: the message, which is the msg (or message, @m …)
//     field of a structured line and the whole line for a text line;
//     msg? holds when it is not empty.
//
// Any other key only matches structured lines: on a text line every field
// condition fails, negated ones too, so --where 'user!=bob' shows only
// structured lines. On a structured line, the negated forms are the exact
// opposite of the positive ones: user!=bob keeps lines without a user.
//
// Several --where conditions must all hold. The level, message and time
// fields of a structured line are not fields (logline takes them out): use
// level and msg for the first two.
//
// # Trace id
//
// TraceID keeps the entries of one request: a structured line matches when
// its trace or request id field (as logline finds it: trace_id, traceId,
// request_id …) equals the id; a text line when the id appears in it as a
// whole word, that is not preceded or followed by an ASCII letter, digit,
// '-' or '_'.
//
// # Grouped entries
//
// Every filter but the level and the stream looks at the lines of a
// grouped entry one by one. A group matches an include pattern, an exclude
// pattern, the trace id or a positive condition if any of its lines does;
// it satisfies a negated condition (!=, !~=, !key?) if none of its lines
// satisfies the positive form, just as it is excluded if any line matches
// an exclude pattern. Each condition may be satisfied by a different line.
//
// Lines are parsed (logline.Parse) only when a field condition or the trace
// id needs it, at most once per line; the level, patterns and streams never
// parse or allocate.
package filter
