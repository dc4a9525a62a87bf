package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
)

// TestRestartsAndRecreatesLoseNothing is scenario R1: a container writing
// about 1,000 lines/s (every seventh on stderr) through `docker restart`,
// restart-policy restarts after a crash, and `docker compose up
// --force-recreate`, every generation ending in an unterminated line. The
// long version (DEVLOGS_LONG=1) does 100 restarts, 30 policy restarts and
// 30 recreates.
func TestRestartsAndRecreatesLoseNothing(t *testing.T) {
	pl := setup(t)
	restarts, policy, recreates := scale(20, 100), scale(5, 30), scale(5, 30)
	// No rotation here (the daemon's default would rotate at 10 MB, within
	// the long version): a follow request opened close to a rotation can
	// miss a whole rotated file on this engine, which is the subject of the
	// rotation scenarios, not of this one.
	app := testenv.Service("app", []string{"-lines", "3000", "-rate", "1000", "-stderr-every", "7",
		"-exit", "1", "-unterminated", "-term-partial"}, "restart: always",
		"logging:", "  driver: json-file", "  options:", "    max-size: 1g")
	p := testenv.NewProject(t, t.Name(), "services:\n"+app)
	d := devlogs(t, pl, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d")
	id := p.Containers("app")[0]

	// docker restart, interleaved with restart-policy restarts (a manual
	// restart also resets the daemon's growing restart backoff).
	for i := 0; i < restarts; i++ {
		if i%(restarts/policy) == 0 && i/(restarts/policy) < policy {
			waitPolicyRestart(t, id)
		}
		waitRunning(t, id)
		testenv.Run(t, nil, "docker", "restart", "-t", "3", id)
	}
	for i := 0; i < recreates; i++ {
		waitRunning(t, p.Containers("app")[0])
		p.Compose("up", "-d", "--force-recreate", "app")
	}
	final := p.Containers("app")
	assert.Equal(t, len(final), 1)
	waitRunning(t, final[0])
	p.Compose("stop", "app")

	stored := testenv.Stored(t, final[0])
	last := stored[len(stored)-1]
	ok := d.Out.WaitContains(60*time.Second, last.TS+" "+last.Msg)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	assert.Assert(t, ok, "the last stored line never showed: %s %s", last.TS, last.Msg)

	r := checkSeq(t, d.Out, final, d.Err.String())
	t.Logf("R1 restarts=%d policy=%d recreates=%d: %v", restarts, policy, recreates, r)
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	// Only a recreated (removed) container can take its last line with it,
	// and then devlogs says so.
	assert.Assert(t, r.gaps <= recreates, "%d reported gaps for %d recreates", r.gaps, recreates)
	assert.Assert(t, r.crashed >= policy, "only %d policy restarts seen", r.crashed)
	assert.Assert(t, r.terminated+r.gaps >= restarts+recreates, "only %d generations ended by SIGTERM", r.terminated)
	assert.Equal(t, r.unterminated+r.gaps, r.generations, "a generation ended without its unterminated line")
	assert.Assert(t, r.firstLineLag <= time.Second, "a generation's first line showed %v after its timestamp", r.firstLineLag)
	assert.Check(t, strings.Count(d.Err.String(), "missing") == r.gaps, "gap notices: %s", d.Err.String())
}

// waitPolicyRestart waits until the daemon's restart policy has restarted
// the container once more.
func waitPolicyRestart(t *testing.T, id string) {
	t.Helper()
	count := func() int {
		n, _ := strconv.Atoi(strings.TrimSpace(testenv.Run(t, nil, "docker", "inspect", "-f", "{{.RestartCount}}", id)))
		return n
	}
	before := count()
	deadline := time.Now().Add(60 * time.Second)
	for count() == before {
		if time.Now().After(deadline) {
			t.Fatalf("no policy restart of %s within 60 s", id[:12])
		}
		pollPause()
	}
}

// waitRunning waits until the container runs.
func waitRunning(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for strings.TrimSpace(testenv.Run(t, nil, "docker", "inspect", "-f", "{{.State.Status}}", id)) != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("%s is not running after 60 s", id[:12])
		}
		pollPause()
	}
}

// TestRotationWhileFollowing follows a container whose json-file log
// rotates every 200 KB: the daemon's follow stream repeats a line or two at
// each rotation, and devlogs must show each line once.
func TestRotationWhileFollowing(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("gen",
		[]string{"-lines", "20000", "-rate", "2000", "-stderr-every", "5"},
		"logging:", "  driver: json-file", "  options:", "    max-size: 200k", `    max-file: "60"`))
	d := devlogs(t, pl, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d")
	waitExited(t, p, "gen", 1)
	ids := p.Containers("gen")
	stored := testenv.Stored(t, ids[0])
	last := stored[len(stored)-1]
	ok := d.Out.WaitContains(60*time.Second, last.TS+" "+last.Msg)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	assert.Assert(t, ok, "the last stored line never showed")
	r := checkSeq(t, d.Out, ids, d.Err.String())
	t.Logf("rotation every 200 KB while following: %v", r)
	assert.Equal(t, r.lost+r.dup, 0)
	assert.Equal(t, r.stored, 20000)
}
