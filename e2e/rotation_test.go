package e2e

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"github.com/docker-devlogs/devlogs/internal/testproxy"
	"github.com/docker-devlogs/devlogs/stream"
	"gotest.tools/v3/assert"
)

// TestFastRotationLosesNothing is scenario R6: one container per log
// driver (json-file and local, both with max-size=64k and max-file=3)
// writing 5,000 lines/s (every seventh on stderr) for 60 s (12 s in CI),
// followed by devlogs through a proxy that records what the daemon sent.
//
// At this rate a 64 KB file fills in about a tenth of a second and the
// daemon keeps three of them: a line that is not read within about half a
// second of being written is gone from the daemon's storage, so the loss
// check cannot use `docker logs` after the fact. It uses the generator's
// sequence numbers (every seq from 1 to the last exactly once), and splits
// what is missing by who lost it:
//
//   - lost by devlogs: a line that some logs response of the daemon carried
//     (the proxy's tap saw it) or that the daemon still stores at the end,
//     but devlogs did not show;
//   - daemon gaps: a line no logs response ever carried. The follow stream
//     of Engine 20.10 skips lines and whole rotated files at this rate (with
//     the local driver, most of them: 8,403 of 60,000 lines sent when
//     nobody asks again), and repeats runs of lines; devlogs reopens a
//     stream that jumped ahead or went silent from its cursor while the
//     files are still stored (stream/rotation.go). A gap means the lines
//     rotated out of storage before that: devlogs must say so (a "may be
//     missing" notice for the container), and R6 still fails.
//
// Pass: 0 lost (of either kind), 0 shown twice, every line up to the last
// shown; and a lag warning standing whenever devlogs showed lines more than
// LagWarning (plus a second) after the daemon stamped them.
func TestFastRotationLosesNothing(t *testing.T) {
	pl := setup(t)
	const rate = 5000
	secs := scale(12, 60)
	lines := rate * secs
	gen := []string{"-lines", itoa(lines), "-rate", itoa(rate), "-stderr-every", "7"}
	rotation := func(driver string) []string {
		return []string{"logging:", "  driver: " + driver, "  options:", "    max-size: 64k", `    max-file: "3"`}
	}
	drivers := []string{"json-file", "local"}
	services := map[string]string{"json-file": "json", "local": "local"}
	proxy := startProxy(t)
	sent := tapSent(proxy)
	p := testenv.NewProject(t, t.Name(), "services:\n"+
		testenv.Service("json", gen, rotation("json-file")...)+
		testenv.Service("local", gen, rotation("local")...))
	d := devlogsVia(t, pl, proxy, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	p.Compose("up", "-d")
	ids := map[string]string{}
	var all []string
	for _, drv := range drivers {
		cs := p.Containers(services[drv])
		assert.Equal(t, len(cs), 1)
		ids[drv] = cs[0]
		all = append(all, cs[0])
	}
	waitFor(t, time.Duration(secs)*time.Second+60*time.Second, "the generators to finish", func() bool { return allExited(t, all) })
	for _, id := range all {
		waitLastLine(t, d, id)
	}
	assert.Equal(t, d.Interrupt(10*time.Second), 0)

	shown := shownSeqs(t, d.Out)
	notices := d.Err.All()
	for _, drv := range drivers {
		id := ids[drv]
		r := rotationReport(t, id, lines, shown[id[:12]], sent.seqs(id[:12]), func(n int) string { return sent.where(id, n) })
		gapNotices, lagWarned := 0, false
		for _, l := range notices {
			if !strings.HasPrefix(l, services[drv]+"-1 ") {
				continue
			}
			gapNotices += strings.Count(l, "may be missing")
			lagWarned = lagWarned || strings.Contains(l, "behind the log")
		}
		reqs, follows := 0, 0
		for _, q := range proxy.LogsRequestsFor(id) {
			reqs++
			if q.Following() {
				follows++
			}
		}
		t.Logf("R6 %s: max-size=64k max-file=3 rate=%d/s for %ds lines=%d shown=%d lost=%d dup=%d (lost by devlogs %d, daemon gaps %d in %d runs, gap notices %d) sent-by-daemon=%d (%d more than once) stored-at-end=%d logs-requests=%d (follow %d) worst-lag=%v lag-warning=%v",
			drv, rate, secs, lines, r.shown, r.lost, r.dup, r.devlogsLost, r.daemonGaps, r.gapRuns, gapNotices,
			r.sent, r.sentTwice, r.stored, reqs, follows, r.worstLag.Round(time.Millisecond), lagWarned)
		assert.Check(t, r.top == lines, "%s: the last line shown is seq %d of %d", drv, r.top, lines)
		assert.Check(t, r.dup == 0, "%s: %d lines shown twice", drv, r.dup)
		assert.Check(t, r.devlogsLost == 0, "%s: %d lines the daemon sent or stores were not shown", drv, r.devlogsLost)
		assert.Check(t, r.daemonGaps == 0 || gapNotices > 0, "%s: %d lines never sent by the daemon, and devlogs did not say lines may be missing", drv, r.daemonGaps)
		assert.Check(t, r.daemonGaps == 0, "%s: %d lines (%d runs) rotated out of the daemon's storage before devlogs read them (%d gap notices)", drv, r.daemonGaps, r.gapRuns, gapNotices)
		assert.Check(t, r.worstLag <= stream.LagWarning+time.Second || lagWarned, "%s: lines shown %v after their timestamp without a lag warning", drv, r.worstLag)
	}
}

// rotationFigures is what TestFastRotationLosesNothing counts for one
// container.
type rotationFigures struct {
	shown, top, lost, dup   int
	devlogsLost, daemonGaps int
	gapRuns                 int // runs of consecutive seqs never sent
	sent, sentTwice, stored int
	worstLag                time.Duration
}

// rotationReport checks one container's shown lines (seq -> times shown,
// first arrival lag) against the generator's lines 1..lines, what the
// daemon sent (seq -> times sent) and what it still stores.
func rotationReport(t *testing.T, id string, lines int, shown map[int]shownSeq, sent map[int]int, where func(n int) string) rotationFigures {
	t.Helper()
	var r rotationFigures
	storedSeqs := map[int]bool{}
	for _, l := range testenv.Stored(t, id) {
		if s, ok := testenv.ParseSeq(l.Msg); ok {
			storedSeqs[s.N] = true
		}
	}
	r.stored = len(storedSeqs)
	for _, n := range sent {
		r.sent++
		if n > 1 {
			r.sentTwice++
		}
	}
	inGap := false
	for n := 1; n <= lines; n++ {
		s, ok := shown[n]
		switch {
		case ok && s.count > 1:
			r.dup += s.count - 1
			if r.dup <= 5 {
				t.Errorf("%s: seq %d shown %d times", id[:12], n, s.count)
			}
		case !ok:
			r.lost++
			if sent[n] > 0 || storedSeqs[n] {
				r.devlogsLost++
				if r.devlogsLost <= 5 {
					t.Errorf("%s: seq %d not shown (sent by the daemon %d times, stored at the end: %v)%s", id[:12], n, sent[n], storedSeqs[n], where(n))
				}
			} else {
				r.daemonGaps++
				if !inGap {
					r.gapRuns++
				}
			}
		}
		inGap = !ok && sent[n] == 0 && !storedSeqs[n]
	}
	for n, s := range shown {
		r.shown += s.count
		r.top = max(r.top, n)
		r.worstLag = max(r.worstLag, s.lag)
	}
	return r
}

// shownSeq is how often devlogs showed one seq line, and how long after
// its daemon timestamp it first arrived.
type shownSeq struct {
	count int
	lag   time.Duration
}

// shownSeqs returns the seq lines of boot 1 devlogs printed, by container
// hostname (the short ID) and seq.
func shownSeqs(t *testing.T, out *testenv.Lines) map[string]map[int]shownSeq {
	t.Helper()
	raw, times := out.All(), out.Times()
	by := map[string]map[int]shownSeq{}
	for i, s := range raw {
		ls := testenv.ParseDevlogs([]string{s})
		if len(ls) != 1 {
			continue
		}
		seq, ok := testenv.ParseSeq(ls[0].Msg)
		if !ok || seq.Boot != 1 {
			t.Errorf("unexpected line: %q", s)
			continue
		}
		ts, err := time.Parse(time.RFC3339Nano, ls[0].TS)
		assert.NilError(t, err)
		if by[seq.Host] == nil {
			by[seq.Host] = map[int]shownSeq{}
		}
		e := by[seq.Host][seq.N]
		if e.count == 0 {
			e.lag = times[i].Sub(ts)
		}
		e.count++
		by[seq.Host][seq.N] = e
	}
	return by
}

// sentLines records the seq lines the daemon sent in logs responses (as the
// proxy received them: a client that ends a stream early does not read
// them all), by container hostname and seq, and by response.
type sentLines struct {
	mu        sync.Mutex
	got       map[string]map[int]int
	responses []*sentResponse
}

// sentResponse is the seq lines of one logs response, in the order sent.
type sentResponse struct {
	id     string
	follow bool
	seqs   []int
}

// tapSent starts recording the logs responses that pass through proxy.
func tapSent(proxy *testproxy.Proxy) *sentLines {
	s := &sentLines{got: map[string]map[int]int{}}
	proxy.TapLogs(func(id string, follow bool) io.Writer {
		r := &sentResponse{id: id, follow: follow}
		s.mu.Lock()
		s.responses = append(s.responses, r)
		s.mu.Unlock()
		return &frameTap{s: s, r: r}
	})
	return s
}

func (s *sentLines) add(r *sentResponse, seq testenv.Seq) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.got[seq.Host] == nil {
		s.got[seq.Host] = map[int]int{}
	}
	s.got[seq.Host][seq.N]++
	r.seqs = append(r.seqs, seq.N)
}

// seqs returns how often each seq of host was sent.
func (s *sentLines) seqs(host string) map[int]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int]int, len(s.got[host]))
	for n, c := range s.got[host] {
		out[n] = c
	}
	return out
}

// where says which responses for the container sent seq n, and what they
// sent around it.
func (s *sentLines) where(id string, n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	k := 0
	for _, r := range s.responses {
		if r.id != id && !(len(r.id) >= 12 && strings.HasPrefix(id, r.id)) {
			continue
		}
		k++
		for i, m := range r.seqs {
			if m == n {
				fmt.Fprintf(&b, "; response %d (follow=%v, %d lines) sent it at %d after %v, before %v",
					k, r.follow, len(r.seqs), i, r.seqs[max(0, i-3):i], r.seqs[i+1:min(len(r.seqs), i+4)])
			}
		}
	}
	return b.String()
}

// frameTap reads one multiplexed logs body (non-TTY): frames of an 8-byte
// header (stream, three zero bytes, big-endian payload length) and a
// payload "<timestamp> <message>".
type frameTap struct {
	s   *sentLines
	r   *sentResponse
	buf []byte
}

func (w *frameTap) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	for len(w.buf) >= 8 {
		n := int(binary.BigEndian.Uint32(w.buf[4:8]))
		if len(w.buf) < 8+n {
			break
		}
		if _, msg, ok := strings.Cut(string(w.buf[8:8+n]), " "); ok {
			if seq, ok := testenv.ParseSeq(strings.TrimSuffix(msg, "\n")); ok {
				w.s.add(w.r, seq)
			}
		}
		w.buf = w.buf[8+n:]
	}
	return len(b), nil
}
