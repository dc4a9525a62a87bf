// Package logline understands one log line: its level, its structured
// fields, its trace or request id, and whether it continues the line before.
//
// Everything here is a pure function of the bytes of a line (and, for
// grouping, of a small Group state): no I/O, no clock, no configuration.
//
// # Formats
//
// A line is JSON only if it starts with '{' (after blanks) and is one valid
// JSON object; it is logfmt only if its first token is key=value and it has
// at least two key=value pairs; anything else is text. Quick decides this
// and the level without allocating, on every line; Parse also extracts the
// message, the program's timestamp, the other fields (nested objects
// flattened with dots) and the trace id, and allocates.
//
// # Level detection
//
// The level must be stated where the line's format puts it, never merely
// mentioned in the message: "INFO request failed with error=none" is info,
// `user clicked "ERROR report" button` is unknown, "GET /errors 200" is
// info. When unsure, Level returns entry.Unknown.
//
//   - JSON: the top-level keys level, lvl, severity, @l, log.level (flat, or
//     nested as {"log":{"level":…}}), levelname and severity_text, in that
//     order of preference, compared ignoring case and '_', '-', '.'. Words
//     in any case and abbreviation (WRN, EROR, Information, slog's WARN+2);
//     numbers of pino/bunyan (10 trace … 60 fatal) and Monolog (100 debug …
//     600 emergency). MongoDB's "s":"W". A Serilog compact (CLEF) event
//     without @l is Information, as that format defines. A level inside any
//     other nested object does not count. When a key repeats, its last value
//     counts, as in Parse.
//   - logfmt: the same keys (level=, lvl=, severity= …).
//   - Text, after removing SGR color sequences (ESC [ … m) from the first
//     512 bytes. First the formats with a fixed mark: klog/glog's first
//     letter (E0102 15:04:05…), Ruby Logger's "E, [", Redis' mark after the
//     time ('.' and '-' debug, '*' info, '#' warning), Go's "panic:" and
//     "fatal error:" (fatal), Python's "Traceback (most recent call last):"
//     and Java's "Exception in thread" (error), Rust's "thread '…' panicked
//     at" (fatal), "npm ERR!"/"npm WARN", "PHP Fatal error:", Erlang's
//     "=ERROR REPORT====", Node's and Python's runtime warnings.
//   - Then the header: the tokens before the message, walked from the
//     start. Timestamps, zone names, pids, key=value pairs, user@db,
//     separators (-, ---, |, :) and bracketed tokens that are no level are
//     skipped; a plain word is skipped only when a separator follows it (a
//     logger name, as in "… - app - WARNING - …"). The walk stops at the
//     first other word. A level word counts in brackets of any kind ([error],
//     <Information>, [core:error], [Server thread/INFO], [12:00:00 INF]), in
//     any case before a colon (ERROR:root:…, info:, fail: of .NET), in
//     upper case before a blank, '[' or '|' (INFO[0000] of logrus, NLog's
//     |INFO|), and in lower or title case before a blank only for the common
//     words (error, warning, info, debug …), so that "Alert sent" or
//     "critical section" in prose is not fatal. PostgreSQL's LOG: is info;
//     its DETAIL:, HINT:, STATEMENT:, CONTEXT: lines have no level of their
//     own (Unknown; Group attaches them to their ERROR). Monolog's
//     "app.ERROR:" counts too.
//   - Last, access lines: the HTTP status after the quoted request (Common
//     and Combined Log Format), in "GET /path 200" (morgan), "Completed 500"
//     (Rails), chi's "from … - 200" and Gin/Fiber '|' tables. 5xx is error,
//     4xx warn, anything else info.
//
// The stream a line came from is not an input of Level: an unknown-level
// line on stderr is NOT treated as an error, because many programs log
// everything to stderr (Python's logging, Go's log package, nginx in
// containers). Filters that want "stderr means error" can combine the two
// themselves.
//
// # Multi-line entries
//
// Group decides, one line at a time, whether a line continues the entry
// opened by an earlier line: indented lines after an unindented first line
// (Java "\tat …", Node "    at …", .NET's indented message), Java's
// "Caused by:" and "Suppressed:", lone closing brackets, an exception header
// or a Python traceback right after a warn+ log line (logback and
// logger.exception print them so), and the crash reports of runtimes with
// their own shape: Python tracebacks up to and including the unindented
// exception line (and chained ones), Go panics and goroutine dumps
// (function lines, blank lines between goroutines), Node.js' uncaught
// exception report, Rust panics, PHP stack traces, and PostgreSQL's
// DETAIL/HINT/STATEMENT/CONTEXT lines after a message of the same backend.
// A JSON or logfmt line never continues anything, nor does a line that
// starts with a timestamp or a level (indented or not), except the lines a
// runtime's report is made of (a Go nested "panic:", a PostgreSQL
// "STATEMENT:").
package logline
