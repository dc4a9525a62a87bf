package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
)

// TestFanOutFollowsUpToTheCapWithBoundedResources is scenario R12: one
// service scaled to n replicas writing 20 lines/s each, followed with
// --max-streams below n. Every container within the cap is attached within
// 10 s of the start, one warning names the others, devlogs holds no more
// file descriptors than streams + 32, and when a followed container is
// removed the first waiting one is followed from its first line. The long
// version (DEVLOGS_LONG=1) runs 300 containers with the default cap of 256.
func TestFanOutFollowsUpToTheCapWithBoundedResources(t *testing.T) {
	pl := setup(t)
	n, streams := scale(60, 300), scale(50, 256)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("svc", []string{"-lines", "10000000", "-rate", "20"},
		"deploy:", "  replicas: "+itoa(n)))
	upStart := time.Now()
	p.Compose("up", "-d")
	upTook := time.Since(upStart)
	ids := p.Containers("svc")
	assert.Equal(t, len(ids), n)
	t.Cleanup(func() { removeGently(ids) })

	start := time.Now()
	d := devlogs(t, pl, append(p.Args(), "--max-streams", itoa(streams))...)
	attached := func(lines []string) int {
		k := 0
		for _, l := range lines {
			if strings.Contains(l, " * attached (container ") {
				k++
			}
		}
		return k
	}
	ok := d.Err.WaitFor(60*time.Second, func(l []string) bool { return attached(l) >= streams })
	assert.Assert(t, ok, "%d of %d containers attached:\n%s", attached(d.Err.All()), streams, d.Err.String())
	attachTook := arrivalOf(d.Err, func(l string) bool { return strings.Contains(l, " * attached (container ") }, streams).Sub(start)

	// Every followed container shows a line; then a few seconds of live
	// lines (20 per container per second) before measuring.
	names := make([]string, n)
	for i := range names {
		names[i] = "svc-" + itoa(i+1)
	}
	ok = d.Out.WaitFor(60*time.Second, func(l []string) bool { return countShown(l, names[:streams]) == streams })
	assert.Assert(t, ok, "%d of %d followed containers shown", countShown(d.Out.All(), names[:streams]), streams)
	firstTook := time.Since(start)
	base := len(d.Out.All())
	assert.Assert(t, d.Out.WaitFor(60*time.Second, func(l []string) bool { return len(l) >= base+streams*20*5 }))

	pid := pluginPid(t, d.Pid())
	rss, hwm, threads := procStatus(t, pid, "VmRSS"), procStatus(t, pid, "VmHWM"), procStatus(t, pid, "Threads")
	fds := countFDs(t, pid)

	var warnings []string
	for _, l := range d.Err.All() {
		if strings.Contains(l, "--max-streams") && strings.Contains(l, "not following") {
			warnings = append(warnings, l)
		}
	}
	want := fmt.Sprintf("devlogs: following %d containers, the cap (--max-streams %d): not following %d: %s;",
		streams, streams, n-streams, strings.Join(names[streams:], ", "))
	t.Logf("R12: %d containers (compose up took %v), --max-streams %d: all attached %v after start, a line of each %v after start; "+
		"devlogs VmRSS %d kB, VmHWM %d kB, %d threads, %d fds (cap + 32 = %d)",
		n, upTook.Round(100*time.Millisecond), streams, attachTook.Round(10*time.Millisecond), firstTook.Round(10*time.Millisecond),
		rss, hwm, threads, fds, streams+32)
	assert.Equal(t, len(warnings), 1, "warnings: %q", warnings)
	t.Logf("R12 warning: %s", warnings[0])
	assert.Assert(t, strings.HasPrefix(warnings[0], want), "got  %s\nwant %s", warnings[0], want)
	assert.Check(t, attachTook < 10*time.Second, "attaching took %v", attachTook)
	assert.Check(t, fds <= streams+32, "%d fds for %d streams", fds, streams)
	assert.Check(t, countShown(d.Out.All(), names[streams:]) == 0, "a container beyond the cap was shown")

	// A followed container removed: its slot goes to the first waiting one,
	// shown from its first line.
	first := strings.Fields(testenv.Run(t, nil, "docker", "ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project="+p.Name,
		"--filter", "label=com.docker.compose.container-number=1"))
	assert.Equal(t, len(first), 1)
	testenv.Run(t, nil, "docker", "rm", "-f", first[0])
	next := names[streams]
	assert.Assert(t, d.Err.WaitFor(30*time.Second, func(l []string) bool {
		for _, s := range l {
			if strings.HasPrefix(s, next+" ") && strings.Contains(s, "* following now") {
				return true
			}
		}
		return false
	}), "%s not followed:\n%s", next, d.Err.String())
	assert.Assert(t, d.Out.WaitFor(30*time.Second, func(l []string) bool {
		for _, s := range l {
			if strings.HasPrefix(s, next+" ") && strings.Contains(s, " | ") && strings.Contains(s, " boot=1 seq=1 stream=out") {
				return true
			}
		}
		return false
	}), "%s not shown from its first line", next)
	assert.Check(t, countFDs(t, pid) <= streams+32)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
}

// countShown counts the names with at least one line in lines.
func countShown(lines []string, names []string) int {
	seen := map[string]bool{}
	for _, l := range lines {
		name, _, ok := strings.Cut(l, " | ")
		if ok {
			seen[strings.TrimSpace(name)] = true
		}
	}
	k := 0
	for _, n := range names {
		if seen[n] {
			k++
		}
	}
	return k
}

// arrivalOf returns when the k-th line matching match arrived.
func arrivalOf(l *testenv.Lines, match func(string) bool, k int) time.Time {
	lines, times := l.All(), l.Times()
	for i, s := range lines {
		if match(s) {
			if k--; k == 0 {
				return times[i]
			}
		}
	}
	return time.Time{}
}

// pluginPid returns the pid of the docker-devlogs process that the docker
// CLI process cli runs (a plugin is a child of the CLI).
func pluginPid(t *testing.T, cli int) int {
	t.Helper()
	pid := 0
	pollUntil(10*time.Second, func() bool {
		files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", cli))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			for _, s := range strings.Fields(string(b)) {
				if comm, _ := os.ReadFile("/proc/" + s + "/comm"); strings.TrimSpace(string(comm)) == "docker-devlogs" {
					pid, _ = strconv.Atoi(s)
					return true
				}
			}
		}
		return false
	})
	if pid == 0 {
		t.Fatalf("no docker-devlogs child of the docker CLI (pid %d)", cli)
	}
	return pid
}

// procStatus returns a number field of /proc/<pid>/status (kB for sizes).
func procStatus(t *testing.T, pid int, field string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	assert.NilError(t, err)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			assert.NilError(t, err, l)
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func countFDs(t *testing.T, pid int) int {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	assert.NilError(t, err)
	return len(fds)
}

// removeGently removes containers ten at a time: the engine (20.10) can
// deadlock in its network code when hundreds are torn down at once
// (moby/moby#46661), which leaves every later start hanging.
func removeGently(ids []string) {
	for i := 0; i < len(ids); i += 10 {
		_, _ = testenv.Output(nil, "docker", append([]string{"rm", "-f"}, ids[i:min(i+10, len(ids))]...)...)
	}
}
