package e2e

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// expectTag is the tag loggen's levels script puts on each entry: its
// level and its number of lines ("expect=error/4" in text and logfmt,
// "expect":"warn/1" in JSON).
var expectTag = regexp.MustCompile(`expect(?:=|\\?":\\?")([a-z]+)/([0-9]+)`)

// levelsEntries are the entries of the levels script by expected level.
var levelsEntries = map[string]int{"debug": 1, "info": 5, "warn": 1, "error": 4, "fatal": 1}

// levelsLines are the output lines of the entries of each level.
var levelsLines = map[string]int{"debug": 1, "info": 5, "warn": 1, "error": 10, "fatal": 5}

// TestLevelFilterShowsWholeEntriesOfChosenServices is the user's example,
// `docker devlogs --services api worker --level warn`, on a project of
// three services printing JSON, logfmt, access-log, PostgreSQL, logback
// lines and Java, Python and Go stack traces: only warn and worse entries
// of api and worker are shown, each stack trace whole; `-o json` output
// parses line by line and carries the same levels.
func TestLevelFilterShowsWholeEntriesOfChosenServices(t *testing.T) {
	pl := setup(t)
	var services string
	for _, s := range []string{"api", "worker", "db"} {
		services += testenv.Service(s, []string{"-mode", "levels"})
	}
	p := testenv.NewProject(t, t.Name(), "services:\n"+services)
	p.Compose("up", "-d")
	for _, s := range []string{"api", "worker", "db"} {
		waitExited(t, p, s, 1)
	}

	// -o json: one object per entry, levels and line counts as tagged.
	out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow", "--services", "api", "worker", "--level", "warn", "-o", "json")...)
	assert.Equal(t, code, 0, stderr)
	perService := map[string]map[string]int{}
	objects := 0
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var e struct {
			Service, Level, Message, Format string
			Fields                          map[string]string
			Grouped                         bool
		}
		assert.NilError(t, json.Unmarshal([]byte(l), &e), "not a JSON object: %q", l)
		objects++
		assert.Check(t, e.Service == "api" || e.Service == "worker", "service %q shown", e.Service)
		m := expectTag.FindStringSubmatch(l)
		if !assert.Check(t, m != nil, "no expect tag in %q", l) {
			continue
		}
		assert.Check(t, is.Equal(e.Level, m[1]), "level of %q", l)
		n, _ := strconv.Atoi(m[2])
		assert.Check(t, is.Equal(strings.Count(e.Message, "\n")+1, n), "lines of %q", l)
		assert.Check(t, is.Equal(e.Grouped, n > 1), "grouped flag of %q", l)
		if perService[e.Service] == nil {
			perService[e.Service] = map[string]int{}
		}
		perService[e.Service][e.Level]++
	}
	want := map[string]int{"warn": levelsEntries["warn"], "error": levelsEntries["error"], "fatal": levelsEntries["fatal"]}
	for _, s := range []string{"api", "worker"} {
		assert.Check(t, is.DeepEqual(perService[s], want), "entries of %s by level", s)
	}

	// Text, --level error: the stack traces whole, nothing else.
	out, stderr, code = runDevlogs(t, pl, append(p.Args(), "--no-follow", "api", "worker", "--level", "error")...)
	assert.Equal(t, code, 0, stderr)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	perPrefix := map[string]int{}
	for _, l := range lines {
		name, _, _ := strings.Cut(l, " | ")
		perPrefix[strings.TrimSpace(name)]++
	}
	wantLines := levelsLines["error"] + levelsLines["fatal"]
	assert.Check(t, is.DeepEqual(perPrefix, map[string]int{"api-1": wantLines, "worker-1": wantLines}), "output:\n%s", out)
	for _, whole := range []string{"\tat com.example.Api.handle(Api.java:7)", `  File "/app/worker.py", line 12, in run`, "goroutine 1 [running]:", "\t/app/main.go:9 +0x1d"} {
		assert.Check(t, is.Equal(strings.Count(out, whole), 2), "%q of both services' traces", whole)
	}
	assert.Check(t, !strings.Contains(out, "request failed with error=none"), "an info line with the word error was shown")
	assert.Check(t, is.Contains(stderr, `services api, worker; showing level ≥ error`), "status line: %s", stderr)
	t.Logf("--services api worker --level warn: %d JSON entries (api %v, worker %v); --level error: %d text lines, traces whole",
		objects, perService["api"], perService["worker"], len(lines))
}
