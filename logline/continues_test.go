package logline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

// traceLevels is the level each trace in testdata/traces must have as a
// group.
var traceLevels = map[string]entry.Level{
	"java-spring-root-cause.txt":            entry.Error,
	"java-uncaught-caused-by.txt":           entry.Error,
	"java-logback-common-frames.txt":        entry.Error,
	"java-printstacktrace.txt":              entry.Error,
	"python-uncaught.txt":                   entry.Error,
	"python-logger-exception.txt":           entry.Error,
	"python-chained.txt":                    entry.Error,
	"python-uvicorn-asgi.txt":               entry.Error,
	"go-panic-nil.txt":                      entry.Fatal,
	"go-concurrent-map-writes.txt":          entry.Fatal,
	"go-http-panic-serving.txt":             entry.Unknown,
	"go-nested-panic.txt":                   entry.Fatal,
	"go-zap-stacktrace.txt":                 entry.Error,
	"node-uncaught.txt":                     entry.Error,
	"node-error-properties.txt":             entry.Error,
	"node-unhandled-rejection.txt":          entry.Error,
	"rust-panic-backtrace.txt":              entry.Fatal,
	"rust-panic-short.txt":                  entry.Fatal,
	"rust-panic-old.txt":                    entry.Fatal,
	"postgres-statement.txt":                entry.Error,
	"postgres-fatal-detail.txt":             entry.Fatal,
	"postgres-hint-multiline-statement.txt": entry.Error,
	"postgres-other-backend.txt":            entry.Error,
	"dotnet-unhandled.txt":                  entry.Error,
	"php-uncaught.txt":                      entry.Fatal,
	"ruby-backtrace.txt":                    entry.Unknown,
	"indented-then-json.txt":                entry.Unknown,
	"indented-then-timestamped.txt":         entry.Warn,
	"logback-then-python.txt":               entry.Error, // a second trace opens its own entry
}

// TestGroupTraces feeds each real multi-line trace of testdata/traces to a
// Group: every line after the first continues it, and the file's last line,
// which follows the trace in the original output, does not.
func TestGroupTraces(t *testing.T) {
	files, err := filepath.Glob("testdata/traces/*.txt")
	assert.NilError(t, err)
	assert.Equal(t, len(files), len(traceLevels))
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			assert.NilError(t, err)
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			assert.Assert(t, len(lines) >= 3)
			var g Group
			g.Start([]byte(lines[0]))
			assert.Assert(t, Continues([]byte(lines[0]), []byte(lines[1])), "second line: %q", lines[1])
			for i, line := range lines[1 : len(lines)-1] {
				assert.Assert(t, g.Add([]byte(line)), "line %d does not continue: %q", i+2, line)
			}
			last := lines[len(lines)-1]
			assert.Assert(t, !g.Add([]byte(last)), "the line after the trace continues it: %q", last)
			want, ok := traceLevels[name]
			assert.Assert(t, ok, "no level listed for %s", name)
			assert.Equal(t, g.Level(), want)
		})
	}
}

func TestContinues(t *testing.T) {
	tests := []struct {
		name        string
		first, line string
		want        bool
	}{
		{"a tab-indented Java frame continues a log line", "12:00:00.123 [main] ERROR App - failed", "\tat com.x.App.run(App.java:3)", true},
		{"an indented line continues an ordinary line", "Usage: app [flags]", "  --port int   port to listen on", true},
		{"an unindented line does not continue an ordinary line", "starting", "ready", false},
		{"a JSON line never continues", "ERROR: boom", `  {"level":"info","msg":"x"}`, false},
		{"a logfmt line never continues", "ERROR: boom", "  level=info msg=x", false},
		{"an indented line with a timestamp opens its own entry", "ERROR: boom", "  2024-01-01 12:00:00 INFO next", false},
		{"an indented line with an upper-case level opens its own entry", "ERROR: boom", "  INFO: next", false},
		{"an indented line after an indented first line does not continue", "  - item one", "  - item two", false},
		{"a blank line does not continue an ordinary line", "ERROR: boom", "", false},
		{"nothing continues a blank line", "", "\tat x", false},
		{"Caused by continues", "ERROR: boom", "Caused by: java.io.IOException: x", true},
		{"an exception header continues an error line", "12:00:00.123 [main] ERROR App - failed", "java.lang.IllegalStateException: boom", true},
		{"an exception header does not continue an info line", "12:00:00.123 [main] INFO App - ok", "java.lang.IllegalStateException: boom", false},
		{"a traceback continues an error line", "ERROR:root:failed", "Traceback (most recent call last):", true},
		{"a traceback does not continue an info line", "INFO:root:ok", "Traceback (most recent call last):", false},
		{"the exception line continues a traceback", "Traceback (most recent call last):", "ValueError: x", true},
		{"a goroutine header continues a panic", "panic: boom", "goroutine 1 [running]:", true},
		{"a goroutine header continues a line about a panic", "2024/01/01 12:00:00 http: panic serving 1.2.3.4:5: x", "goroutine 7 [running]:", true},
		{"a goroutine header does not continue another line", "2024/01/01 12:00:00 hello", "goroutine 7 [running]:", false},
		{"a PostgreSQL detail of another backend does not continue", "2024-01-01 12:00:00.123 UTC [42] ERROR:  x", "2024-01-01 12:00:00.123 UTC [43] DETAIL:  y", false},
		{"a PostgreSQL line that is no detail does not continue", "2024-01-01 12:00:00.123 UTC [42] ERROR:  x", "2024-01-01 12:00:00.123 UTC [42] LOG:  y", false},
		{"a Rust panic message continues its header", "thread 'main' panicked at src/main.rs:2:5:", "explicit panic", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, Continues([]byte(tt.first), []byte(tt.line)), tt.want)
		})
	}
}

func TestOpens(t *testing.T) {
	tests := []struct {
		name string
		line string
		want bool
	}{
		{"a Python traceback opens a report", "Traceback (most recent call last):", true},
		{"a Go panic opens a report", "panic: boom", true},
		{"a goroutine dump opens a report", "goroutine 1 [running]:", true},
		{"a Java uncaught exception opens a report", `Exception in thread "main" java.lang.Error: x`, true},
		{"a Rust panic opens a report", "thread 'main' panicked at src/main.rs:2:5:", true},
		{"Node's file:line header opens a report", "/app/index.js:3", true},
		{"an ordinary error line does not", "ERROR: boom", false},
		{"a PostgreSQL error does not", "2024-01-01 12:00:00.123 UTC [42] ERROR:  x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, Opens([]byte(tt.line)), tt.want)
		})
	}
}
