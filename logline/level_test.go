package logline

import (
	"bufio"
	"github.com/docker-devlogs/devlogs/internal/race"
	"os"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

// corpusLine is one line of testdata/levels.tsv.
type corpusLine struct {
	want   entry.Level
	source string
	line   string
}

func readCorpus(t testing.TB) []corpusLine {
	t.Helper()
	f, err := os.Open("testdata/levels.tsv")
	assert.NilError(t, err)
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.SplitN(text, "\t", 3)
		assert.Assert(t, len(cols) == 3, "levels.tsv:%d: want 3 columns", n)
		want, ok := entry.ParseLevel(cols[0])
		if cols[0] == "unknown" {
			want, ok = entry.Unknown, true
		}
		assert.Assert(t, ok, "levels.tsv:%d: bad level %q", n, cols[0])
		out = append(out, corpusLine{want, cols[1], strings.ReplaceAll(cols[2], `\x1b`, "\x1b")})
	}
	assert.NilError(t, sc.Err())
	return out
}

// TestLevelCorpus runs Level over real lines of many programs. It requires
// 98% of them right and none whose stated level is info or below read as
// an error or worse.
func TestLevelCorpus(t *testing.T) {
	corpus := readCorpus(t)
	assert.Assert(t, len(corpus) >= 250, "corpus has %d lines", len(corpus))
	right, falseAlarms := 0, 0
	for _, c := range corpus {
		got := Level([]byte(c.line))
		if got == c.want {
			right++
			continue
		}
		if c.want >= entry.Trace && c.want <= entry.Info && got >= entry.Error {
			falseAlarms++
		}
		t.Logf("%s: got %s, want %s: %q", c.source, got, c.want, c.line)
	}
	accuracy := float64(right) / float64(len(corpus))
	t.Logf("level corpus: %d/%d right (%.1f%%), %d false errors", right, len(corpus), 100*accuracy, falseAlarms)
	assert.Assert(t, accuracy >= 0.98, "accuracy %.3f below 0.98", accuracy)
	assert.Equal(t, falseAlarms, 0, "info/debug/trace lines detected as error or fatal")
}

func TestLevel(t *testing.T) {
	tests := []struct {
		name string
		line string
		want entry.Level
	}{
		{"a level word opening the line counts even when the message mentions another", "INFO request failed with error=none", entry.Info},
		{"a level word inside a message without a header does not count", `user clicked "ERROR report" button`, entry.Unknown},
		{"an access line to an /errors path is info by its status", "GET /errors 200", entry.Info},
		{"a 5xx status is an error", `172.18.0.1 - - [01/Jan/2024:12:00:00 +0000] "GET / HTTP/1.1" 503 19 "-" "curl/8.5.0"`, entry.Error},
		{"a 4xx status is a warning", "GET /missing 404 1.001 ms - 150", entry.Warn},
		{"a quoted phrase with a number after it is no access line", `he said "GET out" 404 times`, entry.Unknown},
		{"color codes around the level are ignored", "\x1b[31mERROR\x1b[0m boom", entry.Error},
		{"a level word after a timestamp counts", "2024-01-01T12:00:00Z WRN slow", entry.Warn},
		{"a lower-case word after a timestamp is a message", "2024-01-01T12:00:00Z error budget ok", entry.Unknown},
		{"a lower-case level word opening the line counts", "error Command failed with exit code 1.", entry.Error},
		{"prose starting with a rarer level word is not a level", "Alert sent to on-call engineer", entry.Unknown},
		{"the same word before a colon is", "alert: disk full", entry.Fatal},
		{"mixed case is no level word", "eRRoR: nope", entry.Unknown},
		{"a logger name between dashes is skipped", "2024-01-01 12:00:00,123 - app - WARNING - msg", entry.Warn},
		{"a plain word without a separator after it ends the header", "2024-01-01 12:00:00 worker ERROR x", entry.Unknown},
		{"PostgreSQL's DETAIL line has no level of its own", "2024-01-01 12:00:00.123 UTC [43] DETAIL:  Connection matched", entry.Unknown},
		{"Redis' # mark is a warning", "1:M 01 Jan 2024 12:00:00.123 # Server initialized", entry.Warn},
		{"klog's F is fatal", "F0102 15:04:05.123456       1 main.go:44] bye", entry.Fatal},
		{"a Go panic is fatal", "panic: assignment to entry in nil map", entry.Fatal},
		{"slog's offset levels keep their base", "time=2024-01-01T00:00:00Z level=ERROR+4 msg=x", entry.Error},
		{"a numeric JSON level outside the known scales is unknown", `{"level":7,"msg":"x"}`, entry.Unknown},
		{"an empty line is unknown", "", entry.Unknown},
		{"a blank line is unknown", " \t ", entry.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, Level([]byte(tt.line)), tt.want)
		})
	}
}

// TestQuickDoesNotAllocate runs Quick over the whole corpus: it must not
// allocate on any line, since it runs on every line of every container.
func TestQuickDoesNotAllocate(t *testing.T) {
	race.SkipAllocs(t)
	corpus := readCorpus(t)
	lines := make([][]byte, len(corpus))
	for i, c := range corpus {
		lines[i] = []byte(c.line)
	}
	allocs := testing.AllocsPerRun(5, func() {
		for _, l := range lines {
			Quick(l)
		}
	})
	assert.Equal(t, allocs, 0.0)
}
