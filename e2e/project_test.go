package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestOneShotContainersAreAllSeen is scenario R2 (its one-shot part): 50
// containers of a service that print three lines and exit within
// milliseconds, started while devlogs follows.
func TestOneShotContainersAreAllSeen(t *testing.T) {
	pl := setup(t)
	const n = 50
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("shot", []string{"-lines", "3"}))
	d := devlogs(t, pl, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d", "--scale", "shot="+itoa(n))
	waitExited(t, p, "shot", n)
	ids := p.Containers("shot")
	assert.Equal(t, len(ids), n)

	complete := func(lines []string) bool {
		hosts := map[string]int{}
		for _, l := range testenv.ParseDevlogs(lines) {
			if s, ok := testenv.ParseSeq(l.Msg); ok {
				hosts[s.Host]++
			}
		}
		done := 0
		for _, id := range ids {
			if hosts[id[:12]] == 3 {
				done++
			}
		}
		return done == n
	}
	ok := d.Out.WaitFor(60*time.Second, complete)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	r := checkSeq(t, d.Out, ids, d.Err.String())
	t.Logf("R2 one-shots: %d containers of %d seen with all 3 lines; %v", r.containers, n, r)
	assert.Assert(t, ok, "not every one-shot container was shown whole")
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	assert.Equal(t, r.containers, n)
}

// TestUnreadableDriversDoNotStopTheOthers is scenario R7: containers with
// log driver none and syslog without the dual-logging cache beside a normal
// one: the normal one is shown whole, each unreadable one gets one notice,
// and devlogs exits 0.
func TestUnreadableDriversDoNotStopTheOthers(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+
		testenv.Service("normal", []string{"-lines", "20"})+
		testenv.Service("silent", []string{"-lines", "20"}, "logging:", "  driver: none")+
		testenv.Service("remote", []string{"-lines", "20"}, "logging:", "  driver: syslog", "  options:",
			"    syslog-address: udp://127.0.0.1:5514", "    cache-disabled: \"true\""))
	p.Compose("up", "-d")
	for _, s := range []string{"normal", "silent", "remote"} {
		waitExited(t, p, s, 1)
	}
	out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow")...)
	assert.Equal(t, code, 0, stderr)
	assert.Equal(t, strings.Count(out, "normal-1 | "), 20)
	assert.Equal(t, strings.Count(stderr, "silent-1 * "), 1, stderr)
	assert.Equal(t, strings.Count(stderr, "remote-1 * "), 1, stderr)
	assert.Check(t, is.Contains(stderr, `log driver "none"`))
	assert.Check(t, is.Contains(stderr, "does not support reading"))

	// Following: the same single notices, and the normal service's lines.
	d := devlogs(t, pl, p.Args()...)
	assert.Assert(t, d.Out.WaitFor(30*time.Second, func(l []string) bool { return len(l) >= 20 }))
	assert.Assert(t, d.Err.WaitFor(30*time.Second, func(l []string) bool {
		return strings.Count(strings.Join(l, "\n"), "does not support reading") == 1
	}))
	p.Compose("up", "-d", "--force-recreate", "normal")
	assert.Assert(t, d.Out.WaitFor(30*time.Second, func(l []string) bool { return len(l) >= 40 }))
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	assert.Equal(t, strings.Count(d.Err.String(), "silent-1 * "), 1, d.Err.String())
}

// TestNoFollowHistoryIsInTimestampOrder checks the merged history of several
// services, and R13: interleaved stdout and stderr keep their order per
// stream.
func TestNoFollowHistoryIsInTimestampOrder(t *testing.T) {
	pl := setup(t)
	var yaml strings.Builder
	yaml.WriteString("services:\n")
	for _, s := range []string{"a", "b", "c"} {
		yaml.WriteString(testenv.Service(s, []string{"-lines", "2000", "-rate", "2000", "-stderr-every", "3"}))
	}
	p := testenv.NewProject(t, t.Name(), yaml.String())
	p.Compose("up", "-d")
	for _, s := range []string{"a", "b", "c"} {
		waitExited(t, p, s, 1)
	}
	out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow", "-t")...)
	assert.Equal(t, code, 0, stderr)
	lines := testenv.ParseDevlogs(strings.Split(out, "\n"))
	assert.Equal(t, len(lines), 6000)
	inOrder := slices.IsSortedFunc(lines, func(x, y testenv.Line) int { return strings.Compare(x.TS, y.TS) })
	assert.Check(t, inOrder, "the merged history is not in timestamp order")
	last := map[string]int{}
	for _, l := range lines {
		s, _ := testenv.ParseSeq(l.Msg)
		key := l.Name + "/" + s.Stream
		assert.Check(t, s.N > last[key], "%s: seq %d after %d", key, s.N, last[key])
		last[key] = s.N
	}
	lost, dup := 0, 0
	for _, id := range p.Containers("") {
		l, d := testenv.Compare(filterHost(lines, id[:12]), testenv.Stored(t, id))
		lost, dup = lost+len(l), dup+len(d)
	}
	t.Logf("--no-follow: %d lines of 3 services, timestamp order %v, lost %d, dup %d", len(lines), inOrder, lost, dup)
	assert.Equal(t, lost+dup, 0)
}

func filterHost(lines []testenv.Line, host string) []testenv.Line {
	var out []testenv.Line
	for _, l := range lines {
		if strings.Contains(l.Msg, "host="+host+" ") {
			out = append(out, l)
		}
	}
	return out
}

// TestOneOffContainersOnlyWhenAsked checks that `docker compose run`
// containers are left out unless --include-run is given.
func TestOneOffContainersOnlyWhenAsked(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("app", []string{"-lines", "3"}))
	p.Compose("up", "-d")
	waitExited(t, p, "app", 1)
	p.Compose("run", "-d", "app", "-lines", "2", "-hold")
	assert.Assert(t, pollUntil(30*time.Second, func() bool {
		out, _, _ := runDevlogs(t, pl, append(p.Args(), "--no-follow", "--include-run")...)
		return strings.Count(out, "app-run-") == 2
	}), "the one-off container's lines never showed with --include-run")
	out, _, code := runDevlogs(t, pl, append(p.Args(), "--no-follow")...)
	assert.Equal(t, code, 0)
	assert.Equal(t, strings.Count(out, "app-1 | "), 3)
	assert.Check(t, !strings.Contains(out, "app-run-"), "a one-off container without --include-run:\n%s", out)
}

// TestProjectByNameWithoutComposeFile follows a project known only by its
// name, from a directory without a compose file.
func TestProjectByNameWithoutComposeFile(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("api", []string{"-lines", "4"})+testenv.Service("db", []string{"-lines", "2"}))
	p.Compose("up", "-d")
	waitExited(t, p, "api", 1)
	waitExited(t, p, "db", 1)
	empty := t.TempDir()
	for name, c := range map[string]struct {
		env  []string
		args []string
	}{
		"-p":                   {nil, []string{"-p", p.Name}},
		"COMPOSE_PROJECT_NAME": {[]string{"COMPOSE_PROJECT_NAME=" + p.Name}, nil},
	} {
		d := testenv.StartIn(t, empty, append(pl.Env(), c.env...), "docker", append([]string{"devlogs", "--no-follow"}, c.args...)...)
		assert.Equal(t, d.Wait(time.Minute), 0, "%s: %s", name, d.Err.String())
		out := d.Out.String()
		assert.Check(t, strings.Count(out, "api-1 | ") == 4 && strings.Count(out, "db-1  | ") == 2, "%s:\n%s", name, out)
	}
}

// TestOrderTimeMergesLiveLines follows three services writing at the same
// time: --order time prints the live lines in timestamp order, where
// arrival order does not.
func TestOrderTimeMergesLiveLines(t *testing.T) {
	pl := setup(t)
	var yaml strings.Builder
	yaml.WriteString("services:\n")
	for _, s := range []string{"a", "b", "c"} {
		yaml.WriteString(testenv.Service(s, []string{"-lines", "600", "-rate", "300", "-start-delay", "1s"}))
	}
	p := testenv.NewProject(t, t.Name(), yaml.String())
	byTime := devlogs(t, pl, append(p.Args(), "-t", "--order", "time")...)
	arrival := devlogs(t, pl, append(p.Args(), "-t")...)
	assert.Assert(t, byTime.Err.WaitContains(30*time.Second, "waiting"))
	assert.Assert(t, arrival.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d")
	for _, d := range []*testenv.Proc{byTime, arrival} {
		assert.Assert(t, d.Out.WaitFor(60*time.Second, func(l []string) bool { return len(l) >= 1800 }))
		assert.Equal(t, d.Interrupt(10*time.Second), 0)
	}
	inversions := func(d *testenv.Proc) int {
		n := 0
		lines := testenv.ParseDevlogs(d.Out.All())
		for i := 1; i < len(lines); i++ {
			if lines[i].TS < lines[i-1].TS {
				n++
			}
		}
		return n
	}
	t.Logf("--order time: %d lines out of timestamp order; arrival order: %d", inversions(byTime), inversions(arrival))
	assert.Equal(t, inversions(byTime), 0)
}

// pollUntil polls cond every 100 ms until it holds or timeout passes.
func pollUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		pollPause()
	}
	return true
}
