package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"github.com/docker-devlogs/devlogs/internal/testproxy"
	"gotest.tools/v3/assert"
)

// Scenario R10 of the reliability plan: faults between devlogs and the
// daemon, injected by a proxy on the Engine API socket (internal/testproxy).
// devlogs talks to the daemon only through the proxy (docker -H); the test
// harness itself (compose, docker logs, inspect) talks to the daemon
// directly.

// resumeWindow is how far before its cursor devlogs resumes a stream: the
// cursor's window (stream/cursor.go), so that a line stamped just before
// the newest shown one but written after it is not filtered out by since.
const resumeWindow = 2 * time.Second

// stampSlack allows for the daemon stamping a line of one stream a moment
// before a line of the other stream that it wrote to the file first.
const stampSlack = 50 * time.Millisecond

// TestCutConnectionsLoseNothing is R10 (a): N containers each writing
// sequenced lines at 50 lines/s (every fifth on stderr) while the proxy cuts
// every connection (logs streams, the events stream, idle keep-alives)
// every 7 s; then the cuts stop and the generators run to their end. Every
// stored line must be shown exactly once, and every resumed request must
// start from a small window before what was already shown (see auditResumes).
func TestCutConnectionsLoseNothing(t *testing.T) {
	pl := setup(t)
	n := scale(6, 20)
	const rate, cutEvery = 50, 7 * time.Second
	cutFor := time.Duration(scale(30, 185)) * time.Second
	// The generators outlive the cuts by a few seconds, so that every cut
	// hits running streams and the end is read without faults.
	lines := rate * int((cutFor+10*time.Second)/time.Second)
	proxy := startProxy(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("gen",
		[]string{"-lines", itoa(lines), "-rate", itoa(rate), "-stderr-every", "5"}))
	d := devlogsVia(t, pl, proxy, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d", "--scale", "gen="+itoa(n))
	ids := p.Containers("gen")
	assert.Equal(t, len(ids), n)
	waitFor(t, 60*time.Second, "the first line of every container", func() bool {
		return len(shownHosts(d.Out)) == n
	})

	cuts := int(cutFor / cutEvery)
	conns := 0
	for range cuts {
		<-time.After(cutEvery)
		conns += proxy.CutAll()
	}
	waitFor(t, cutFor+60*time.Second, "the generators to finish", func() bool { return allExited(t, ids) })
	for _, id := range ids {
		waitLastLine(t, d, id)
	}
	assert.Equal(t, d.Interrupt(10*time.Second), 0)

	r := checkSeq(t, d.Out, ids, d.Err.String())
	a := auditResumes(t, proxy, d.Out, ids)
	fewest := lines
	for _, id := range ids {
		fewest = min(fewest, a.followsAfterFirst[id])
	}
	t.Logf("R10a containers=%d rate=%d/s cuts=%d every %v (%d connections cut) logs-requests=%d (after the first line %d, follow %d; fewest resumed follows of a container %d) resume-window=[%v, %v] (%d with a tail) lost=%d dup=%d stored=%d shown=%d",
		n, rate, cuts, cutEvery, conns, a.requests, a.resumed, a.follows, fewest, a.minWindow.Round(time.Millisecond), a.maxWindow.Round(time.Millisecond), a.bounded, r.lost, r.dup, r.stored, r.shown)
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	assert.Equal(t, r.stored, n*lines)
	assert.Equal(t, r.containers, n)
	assert.Check(t, !strings.Contains(d.Err.String(), "may be missing"), "gap notices: %s", d.Err.String())
	// The generators ran through all the cuts, so every cut broke every
	// container's stream and each was resumed once per cut, unless a cut
	// found it between two requests (an inspect the daemon was slow to
	// answer, seen on a loaded engine): each must have been resumed, and
	// the audit above is not vacuous.
	for _, id := range ids {
		assert.Check(t, a.followsAfterFirst[id] >= 1, "%s: not resumed after %d cuts", id[:12], cuts)
	}
}

// TestIdleStreamClosedThenBurst is R10 (b): the proxy closes any stream
// that delivers nothing for a while (60 s long, 5 s in CI), as a socket
// proxy's idle timeout does; a container prints a few lines, stays silent
// for two such periods, then writes more than 10,000 lines at once, and
// every line is shown once.
//
// The log generator has no pause between two runs of lines (only
// -start-delay before the first and -hold after the last), so the silence
// of "paused" comes from `docker pause`: the generator runs at a rate that
// has every one of its lines due by the end of the silence, is frozen once
// devlogs has shown its first line, and unfrozen after devlogs has reopened
// its idle-closed stream twice; it then writes every overdue line as fast as
// it can, the burst. Its state reads "paused" meanwhile, where a silent
// program's reads "running", so two more services cover the plain silence:
// "burst" is silent from its start for two idle periods and more, then
// writes 10,000 lines as fast as it can (its stream is reopened with
// nothing to resume from), and "quiet" prints 5 lines and then stays
// silent for good (its stream is resumed from the cursor again and again,
// and the daemon resends the 5 lines, which must not show twice).
func TestIdleStreamClosedThenBurst(t *testing.T) {
	pl := setup(t)
	idle := time.Duration(scale(5, 60)) * time.Second
	silence := 2*idle + 3*time.Second
	// "paused" writes total lines at rate, all of them due once two idle
	// periods have passed; the few written before the pause (about a
	// second's worth at most) leave more than burst for after it.
	const burst, few, total = 10000, 5, 12000
	rate := total / int(2*idle/time.Second)
	proxy := startProxy(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+
		testenv.Service("paused", []string{"-lines", itoa(total), "-rate", itoa(rate), "-stderr-every", "7"})+
		testenv.Service("burst", []string{"-start-delay", silence.String(), "-lines", itoa(burst), "-stderr-every", "7"})+
		testenv.Service("quiet", []string{"-lines", itoa(few), "-hold"}))
	d := devlogsVia(t, pl, proxy, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	proxy.SetIdleClose(idle)
	p.Compose("up", "-d")
	paused, bursty, quiet := p.Containers("paused")[0], p.Containers("burst")[0], p.Containers("quiet")[0]
	waitFor(t, 30*time.Second, "the first line of the container to pause", func() bool {
		return len(shownHosts(d.Out)[paused[:12]]) > 0
	})
	testenv.Run(t, nil, "docker", "pause", paused)
	pausedAt := time.Now()
	before := len(testenv.Stored(t, paused))
	waitFor(t, 2*idle+30*time.Second, "devlogs to reopen the paused container's stream twice", func() bool {
		n := 0
		for _, q := range proxy.LogsRequestsFor(paused) {
			if q.Following() && q.Time.After(pausedAt) {
				n++
			}
		}
		return n >= 2
	})
	testenv.Run(t, nil, "docker", "unpause", paused)
	silent := time.Since(pausedAt)
	waitFor(t, silence+60*time.Second, "the generators to finish", func() bool { return allExited(t, []string{paused, bursty}) })
	waitLastLine(t, d, paused)
	waitLastLine(t, d, bursty)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)

	ids := []string{paused, bursty, quiet}
	r := checkSeq(t, d.Out, ids, d.Err.String())
	a := auditResumes(t, proxy, d.Out, ids)
	stored := testenv.Stored(t, bursty)
	first, _ := time.Parse(time.RFC3339Nano, stored[0].TS)
	reopened := 0 // follow requests for "burst" before its first line
	for _, q := range proxy.LogsRequestsFor(bursty) {
		if q.Following() && q.Time.Before(first) {
			reopened++
		}
	}
	st := proxy.Stats()
	t.Logf("R10b idle-close=%v idle-closes=%d; paused: %d lines, silent %v, then a burst of %d at %d/s due; burst: silent %v, %d follow requests before its %d lines; quiet: %d lines, resumed %d times; logs-requests=%d lost=%d dup=%d stored=%d shown=%d",
		idle, st.IdleCloses, before, silent.Round(time.Millisecond), total-before, rate, silence, reopened, burst, few, a.followsAfterFirst[quiet],
		a.requests, r.lost, r.dup, r.stored, r.shown)
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	assert.Equal(t, r.stored, total+burst+few)
	assert.Assert(t, total-before >= burst, "only %d lines written after the pause", total-before)
	// The silences span two idle periods: each stream was closed and
	// reopened at least once before the lines that ended it.
	assert.Check(t, a.followsAfterFirst[paused] >= 2, "the paused container's stream was reopened %d times", a.followsAfterFirst[paused])
	assert.Check(t, reopened >= 2, "%d follow requests before the burst", reopened)
	assert.Check(t, a.followsAfterFirst[quiet] >= 1, "the quiet container's stream was not reopened after its lines")
	assert.Check(t, st.IdleCloses >= 5, "%d idle closes", st.IdleCloses)
}

// TestDroppedEventsStillDiscovered is R10 (c): while the proxy drops every
// container event devlogs subscribes to (create, start, restart, die,
// destroy and rename: with rename passing, a recreated container would be
// announced by it) for 60 s (35 s in CI), the project's containers are
// recreated and scaled up.
// devlogs must find each new container through its periodic reconcile with
// the container list (every 30 s): its first line shown at most 31 s after
// it started (compose starts a container right after creating it), and
// every line of every container shown once.
func TestDroppedEventsStillDiscovered(t *testing.T) {
	pl := setup(t)
	dropFor := time.Duration(scale(35, 60)) * time.Second
	const discoverWithin = 31 * time.Second
	k := scale(2, 4)
	proxy := startProxy(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("app",
		[]string{"-lines", "0", "-rate", "50", "-stderr-every", "5", "-term-partial"}))
	d := devlogsVia(t, pl, proxy, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d", "--scale", "app="+itoa(k))
	known := map[string]bool{}
	for _, id := range p.Containers("app") {
		known[id] = true
	}
	waitFor(t, 60*time.Second, "the first line of every container", func() bool {
		return len(shownHosts(d.Out)) == k
	})

	dropEnd := time.Now().Add(dropFor)
	proxy.DropEvents([]string{"create", "start", "restart", "die", "destroy", "rename"}, dropEnd)
	created := map[string][2]time.Time{} // containers created while events are dropped: created, started
	// A round recreates every container and adds two. The next round waits
	// until the new ones have been found: a container recreated before
	// devlogs found it would never be shown, and the test could not tell.
	rounds := scale(1, 2)
	for round := 1; round <= rounds; round++ {
		p.Compose("up", "-d", "--force-recreate", "--scale", "app="+itoa(k))
		k += 2
		p.Compose("up", "-d", "--no-recreate", "--scale", "app="+itoa(k))
		var fresh []string
		for _, id := range p.Containers("app") {
			if !known[id] {
				known[id] = true
				fresh = append(fresh, id)
				created[id] = lifeStart(t, id)
			}
		}
		assert.Equal(t, len(fresh), k, "round %d: new containers", round)
		waitFor(t, discoverWithin+10*time.Second, fmt.Sprintf("round %d: the first line of every new container", round), func() bool {
			shown := shownHosts(d.Out)
			for _, id := range fresh {
				if len(shown[id[:12]]) == 0 {
					return false
				}
			}
			return true
		})
	}
	<-time.After(time.Until(dropEnd)) // wait out the drop: the stops below are announced
	dropped := proxy.Stats().DroppedEvents

	final := p.Containers("app")
	assert.Equal(t, len(final), k)
	p.Compose("stop")
	for _, id := range final {
		waitLastLine(t, d, id)
	}
	assert.Equal(t, d.Interrupt(10*time.Second), 0)

	// A container shows nothing before it starts, and devlogs finds a
	// started container at its next reconcile (one seen still "created"
	// waits for its start event, dropped here, or the reconcile after).
	// Compose starts what it creates at once, but a loaded daemon can take
	// seconds: the bound runs from the start, and the lag from the creation
	// is reported.
	shown := shownHosts(d.Out)
	var worst, worstCreated, gap time.Duration
	for id, at := range created {
		first := shown[id[:12]][0].at
		lag := first.Sub(at[1])
		worst, worstCreated, gap = max(worst, lag), max(worstCreated, first.Sub(at[0])), max(gap, at[1].Sub(at[0]))
		assert.Check(t, lag <= discoverWithin, "%s: first line shown %v after its start (%v after its creation)",
			id[:12], lag.Round(time.Millisecond), first.Sub(at[0]).Round(time.Millisecond))
	}
	r := checkSeq(t, d.Out, final, d.Err.String())
	removed := len(known) - len(final)
	t.Logf("R10c dropped-events=%d for %v rounds=%d new-containers=%d removed=%d worst-discovery=%v after the start (%v after the creation; create-to-start up to %v) lost=%d dup=%d reported-gaps=%d stored=%d shown=%d",
		dropped, dropFor, rounds, len(created), removed, worst.Round(time.Millisecond), worstCreated.Round(time.Millisecond), gap.Round(time.Millisecond),
		r.lost, r.dup, r.gaps, r.stored, r.shown)
	assert.Check(t, dropped > 0, "no event was dropped")
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	assert.Equal(t, r.containers, len(known), "containers shown")
	// A removed container may take its last lines with it, and then
	// devlogs says so (checkSeq counts that apart from losses).
	assert.Assert(t, r.gaps <= removed, "%d reported gaps for %d removed containers", r.gaps, removed)
}

// startProxy starts a fault-injecting proxy in front of the daemon, closed
// when the test ends.
func startProxy(t *testing.T) *testproxy.Proxy {
	t.Helper()
	proxy, err := testproxy.Start(t.TempDir(), daemonSocket(), testproxy.AllowReadOnly)
	assert.NilError(t, err)
	t.Cleanup(func() {
		proxy.Close()
		if t.Failed() {
			var b strings.Builder
			for _, q := range proxy.Requests() {
				fmt.Fprintf(&b, "%s %v %s %s?%s\n", q.Time.Format("15:04:05.000000"), q.Allowed, q.Method, q.Path, q.Query)
			}
			t.Logf("requests through the proxy:\n%s", b.String())
		}
	})
	return proxy
}

// daemonSocket is the socket of the daemon the tests use: DOCKER_HOST's
// when it names one, the default otherwise.
func daemonSocket() string {
	if path, ok := strings.CutPrefix(os.Getenv("DOCKER_HOST"), "unix://"); ok {
		return path
	}
	return "/var/run/docker.sock"
}

// devlogsVia starts `docker -H unix://<proxy> devlogs args...`: devlogs
// reaches the daemon only through the proxy.
func devlogsVia(t *testing.T, pl *testenv.Plugin, proxy *testproxy.Proxy, args ...string) *testenv.Proc {
	t.Helper()
	env := append(pl.Env(), "FORCE_COLOR=", "NO_COLOR=")
	cmd := []string{"-H", "unix://" + proxy.Socket}
	if os.Getenv("DEVLOGS_DEBUG") == "1" {
		cmd = append(cmd, "-D")
	}
	p := testenv.Start(t, env, "docker", append(append(cmd, "devlogs"), args...)...)
	t.Cleanup(func() {
		if t.Failed() {
			saveOutput(t, p)
		}
	})
	return p
}

// shownLine is a seq line devlogs printed: when it arrived and its daemon
// timestamp.
type shownLine struct {
	at time.Time
	ts time.Time
}

// shownHosts returns the seq lines devlogs printed so far, by container
// hostname (the short ID), in the order printed.
func shownHosts(out *testenv.Lines) map[string][]shownLine {
	raw, times := out.All(), out.Times()
	by := map[string][]shownLine{}
	for i, s := range raw {
		ls := testenv.ParseDevlogs([]string{s})
		if len(ls) != 1 {
			continue
		}
		seq, ok := testenv.ParseSeq(ls[0].Msg)
		if !ok {
			continue
		}
		ts, err := time.Parse(time.RFC3339Nano, ls[0].TS)
		if err != nil {
			continue
		}
		by[seq.Host] = append(by[seq.Host], shownLine{at: times[i], ts: ts})
	}
	return by
}

// waitLastLine waits until devlogs has shown the container's last stored
// line.
func waitLastLine(t *testing.T, d *testenv.Proc, id string) {
	t.Helper()
	stored := testenv.Stored(t, id)
	if len(stored) == 0 {
		t.Fatalf("%s stored no line", id[:12])
	}
	last := stored[len(stored)-1]
	if !d.Out.WaitContains(60*time.Second, last.TS+" "+last.Msg) {
		t.Fatalf("the last stored line of %s never showed: %s %s", id[:12], last.TS, last.Msg)
	}
}

// allExited reports whether every container has exited.
func allExited(t *testing.T, ids []string) bool {
	t.Helper()
	out := testenv.Run(t, nil, "docker", append([]string{"inspect", "-f", "{{.State.Status}}"}, ids...)...)
	for _, s := range strings.Fields(out) {
		if s != "exited" {
			return false
		}
	}
	return true
}

// lifeStart returns when the daemon created the container and when it
// last started it.
func lifeStart(t *testing.T, id string) [2]time.Time {
	t.Helper()
	out := strings.Fields(testenv.Run(t, nil, "docker", "inspect", "-f", "{{.Created}} {{.State.StartedAt}}", id))
	assert.Equal(t, len(out), 2, "inspect %s: %v", id[:12], out)
	var at [2]time.Time
	for i, s := range out {
		var err error
		at[i], err = time.Parse(time.RFC3339Nano, s)
		assert.NilError(t, err)
	}
	return at
}

// parseSince reads a since parameter in the form devlogs sends
// ("seconds.nanoseconds", or seconds alone).
func parseSince(s string) (time.Time, error) {
	secs, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("since %q: %v", s, err)
	}
	var ns int64
	if frac != "" {
		if len(frac) > 9 {
			return time.Time{}, fmt.Errorf("since %q: more than nanoseconds", s)
		}
		ns, err = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("since %q: %v", s, err)
		}
	}
	return time.Unix(sec, ns), nil
}

// resumeAudit sums up the logs requests devlogs made.
type resumeAudit struct {
	requests, resumed, follows int
	followsAfterFirst          map[string]int // follow requests made after the container's first line showed
	minWindow, maxWindow       time.Duration  // newest line shown before a resumed request, minus its since
	bounded                    int            // resumed requests with a tail
}

// resumeSlack is the number of lines a resumed request's tail may ask for
// beyond those shown since its since (stream.resumeSlack).
const resumeSlack, inFlight = 10_000, 1_000

// auditResumes checks the since of every logs request that reached the
// proxy after the container's first line had been printed by devlogs (any
// request from then on resumes from a non-empty cursor; a request before
// it, such as the watchdog's probe of a stream that has not delivered yet,
// rightly reads from the start). For each such request, arriving at T with
// since S:
//
//   - S is present (the request resumes from the cursor);
//   - S >= B - resumeWindow - stampSlack, where B is the newest daemon
//     timestamp among the container's lines printed before T: those lines
//     had been read, so devlogs resumes at most its window before them
//     (it does not read the log again from the start);
//   - S <= F, where F is the daemon timestamp of the container's first line
//     printed after T: the line following what was shown is not filtered
//     out by since (which, as the daemon applies it, would lose it).
//
// A request with a tail (a number) may start earlier: at a line shown
// before the window (the daemon reads only the tail, and devlogs drops what
// precedes the window). Its tail must then be no longer than the lines
// shown since its since, and resumeSlack more: it does not read the log
// again from the start either.
//
// A read without follow from the same since as the latest follow request is
// not a resume: it is the watchdog's probe of that stream (which may race
// with the stream's first lines: the probe is then ignored), or the
// catch-up read of a stream that delivered nothing. Duplicates such a read
// could cause are counted by checkSeq.
func auditResumes(t *testing.T, proxy *testproxy.Proxy, out *testenv.Lines, ids []string) resumeAudit {
	t.Helper()
	shown := shownHosts(out)
	a := resumeAudit{followsAfterFirst: map[string]int{}, minWindow: time.Duration(1<<63 - 1)}
	for _, id := range ids {
		lines := shown[id[:12]]
		reqs := proxy.LogsRequestsFor(id)
		a.requests += len(reqs)
		if len(reqs) == 0 || len(lines) == 0 {
			t.Errorf("%s: %d logs requests, %d lines shown", id[:12], len(reqs), len(lines))
			continue
		}
		bad := 0
		streamSince, streaming := "", false // the since of the latest follow request
		for _, q := range reqs {
			probe := !q.Following() && streaming && q.Since == streamSince
			if q.Following() {
				a.follows++
				streamSince, streaming = q.Since, true
			}
			if !q.Time.After(lines[0].at) || probe {
				continue
			}
			if q.Following() {
				a.followsAfterFirst[id]++
			}
			a.resumed++
			fail := func(format string, args ...any) {
				if bad++; bad <= 5 {
					t.Errorf("%s: logs request at %s (follow=%q since=%q): %s", id[:12], q.Time.Format(time.RFC3339Nano), q.Follow, q.Since, fmt.Sprintf(format, args...))
				}
			}
			if q.Since == "" {
				fail("no since, after lines were shown")
				continue
			}
			since, err := parseSince(q.Since)
			if err != nil {
				fail("%v", err)
				continue
			}
			var newest time.Time
			var next *shownLine
			shownSince := 0 // lines shown before the request, stamped at or after since
			for i := range lines {
				if lines[i].at.Before(q.Time) {
					if lines[i].ts.After(newest) {
						newest = lines[i].ts
					}
					if !lines[i].ts.Before(since) {
						shownSince++
					}
				} else if next == nil {
					next = &lines[i]
				}
			}
			if next != nil && since.After(next.ts) {
				fail("since is after the first line shown after the request (%s)", next.ts.Format(time.RFC3339Nano))
			}
			if tail, err := strconv.Atoi(q.Tail); err == nil {
				a.bounded++
				// (lines devlogs had read but not yet printed when it made
				// the request count in its tail: inFlight allows for them)
				if tail > shownSince+resumeSlack+inFlight {
					fail("tail %d: more than the %d lines shown since since, and %d", tail, shownSince, resumeSlack+inFlight)
				}
				continue
			}
			w := newest.Sub(since)
			a.minWindow, a.maxWindow = min(a.minWindow, w), max(a.maxWindow, w)
			if w > resumeWindow+stampSlack {
				fail("since is %v before the newest line shown before the request (%s): more than the %v window", w, newest.Format(time.RFC3339Nano), resumeWindow)
			}
		}
	}
	if a.resumed == a.bounded {
		a.minWindow = 0 // no resume without a tail
	}
	return a
}
