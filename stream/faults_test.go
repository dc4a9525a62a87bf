package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// faultKind is how a fault ends a follow request.
type faultKind int

const (
	faultReset  faultKind = iota // the connection breaks (a proxy, the network)
	faultEOF                     // the daemon ends the stream of a running container
	faultSystem                  // a type-3 frame: the daemon failed reading the log
)

func (k faultKind) String() string {
	return [...]string{"reset", "eof", "system error"}[k]
}

// fault ends one follow request before the frame at file index at.
type fault struct {
	at   int
	kind faultKind
}

// logFrame is one frame of a stored log: a whole line or one chunk.
type logFrame struct {
	ts     int64
	stream entry.Stream
	msg    string // ends in '\n' when it ends a line
}

// faultLog is the stored log of one running container, served as the
// daemon serves it: frames in file order, every frame stamped at or after
// since (inclusive, to the nanosecond), whatever the order of the
// timestamps. Follow requests meet the faults in turn. A follow request
// without a fault left serves the whole log and ends it: the container
// exits, so that the follower reports the exit after its last read, which
// tells the test that everything it will ever show has been sent.
type faultLog struct {
	mu     sync.Mutex
	frames []logFrame
	want   []line // the lines written, in file order
	faults []fault
	reqs   []client.ContainerLogsOptions
	exited bool
	errs   []error
}

// sysErrText is the message of the daemon's type-3 frames.
const sysErrText = "error from daemon in stream: unexpected EOF in log file"

// add appends a line (in 16 KiB chunks if it is that long, as json-file
// stores it) stamped ts.
func (l *faultLog) add(ts int64, s entry.Stream, msg string) {
	l.want = append(l.want, line{ts, s, string(trimCR([]byte(msg))), 0})
	for _, c := range daemonChunks(genLine{ts: ts, stream: s, raw: []byte(msg), term: true}, false) {
		l.frames = append(l.frames, logFrame{ts, s, string(c)})
	}
}

// parseSinceArg reads the since parameter as the daemon does:
// "<seconds>.<nine digits of nanoseconds>".
func parseSinceArg(s string) (int64, error) {
	sec, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 9 {
		return 0, fmt.Errorf("since %q is not seconds.nanoseconds", s)
	}
	a, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return 0, err
	}
	b, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, err
	}
	return a*1e9 + b, nil
}

func (l *faultLog) logs(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reqs = append(l.reqs, o)
	since := int64(-1 << 63)
	if o.Since != "" {
		s, err := parseSinceArg(o.Since)
		if err != nil {
			l.errs = append(l.errs, err)
			return nil, err
		}
		since = s
	}
	var f *fault
	if o.Follow && len(l.faults) > 0 {
		f = &l.faults[0]
		l.faults = l.faults[1:]
	}
	// A tail is the last frames of the log, then filtered by since.
	first := 0
	if o.Tail != "" && o.Tail != "all" {
		n, err := strconv.Atoi(o.Tail)
		if err != nil || n < 0 {
			l.errs = append(l.errs, fmt.Errorf("tail %q", o.Tail))
			return nil, fmt.Errorf("tail %q", o.Tail)
		}
		first = max(0, len(l.frames)-n)
	}
	var b bytes.Buffer
	for i, fr := range l.frames {
		if f != nil && i >= f.at {
			break
		}
		if i >= first && fr.ts >= since {
			b.Write(muxFrame(byte(fr.stream), fr.ts, fr.msg))
		}
	}
	switch {
	case f == nil:
		if o.Follow {
			l.exited = true
		}
	case f.kind == faultReset:
		return io.NopCloser(io.MultiReader(&b, errReader{errors.New("read: connection reset by peer")})), nil
	case f.kind == faultSystem:
		b.Write([]byte{3, 0, 0, 0, 0, 0, 0, byte(len(sysErrText))})
		b.WriteString(sysErrText)
	}
	return io.NopCloser(&b), nil
}

func (l *faultLog) inspect(string) (container.InspectResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T00:00:00Z"}
	if l.exited {
		st.Status = container.StateExited
	}
	return container.InspectResponse{State: st, Config: &container.Config{}}, nil
}

// requests returns the logs requests made so far.
func (l *faultLog) requests() []client.ContainerLogsOptions {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]client.ContainerLogsOptions(nil), l.reqs...)
}

// followFaultLog follows l's container until the follower reports its exit
// and returns the lines and notices it sent. Nothing may come after the
// exit notice: the follower then waits for the container to start again.
func followFaultLog(t *testing.T, l *faultLog) ([]line, []*entry.Notice) {
	t.Helper()
	eng := &fakeEngine{inspect: l.inspect, logs: l.logs}
	c, out := newTestTracked(eng, "c1", false)
	stop, _ := runTracked(t, c)
	var lines []line
	var notices []*entry.Notice
	deadline := time.After(20 * time.Second)
	for exited := false; !exited; {
		select {
		case it := <-out:
			for _, e := range it.Lines {
				lines = append(lines, line{e.Time, e.Stream, string(e.Msg), e.Cut})
			}
			if n := it.Notice; n != nil {
				notices = append(notices, n)
				exited = n.Kind == entry.Exited
			}
		case <-deadline:
			t.Fatalf("no exit notice after 20 s: %d lines, %d notices, requests %+v", len(lines), len(notices), l.requests())
		}
	}
	stop()
	select {
	case it := <-out:
		t.Fatalf("sent after the exit notice: %+v", it)
	default:
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	assert.Assert(t, len(l.errs) == 0, "bad requests: %v", l.errs)
	return lines, notices
}

// noticeKinds returns the kinds of ns, in order.
func noticeKinds(ns []*entry.Notice) []entry.Kind {
	var ks []entry.Kind
	for _, n := range ns {
		ks = append(ks, n.Kind)
	}
	return ks
}

// cursorSince is the since parameter of a request resumed after frames
// were shown: that of a cursor that has seen them ("" when none).
func cursorSince(frames []logFrame) string {
	var c cursor
	for _, f := range frames {
		c.seen(f.ts)
	}
	if c.empty() {
		return ""
	}
	s, _ := c.since()
	return sinceArg(s)
}

// runLog is the log the fault tests cut: lines 300 ms apart (so that the
// cursor's 2 s window leaves the oldest behind the resumed request's
// since), one at exactly runTS-2s and one a nanosecond before it (the edge
// of that window), a line of 40,000 bytes in three chunks, and a run of
// lines and chunks that all carry runTS, on both streams.
func runLog() (l *faultLog, runStart, runEnd int) {
	l = &faultLog{}
	ts := runTS - 3600*int64(time.Millisecond)
	for i := 0; i < 5; i++ {
		l.add(ts, entry.Stream(1+i%2), fmt.Sprintf("early %d", i))
		ts += 300 * int64(time.Millisecond)
	}
	l.add(runTS-2*int64(time.Second)-1, entry.Stdout, "a nanosecond before the window")
	l.add(runTS-2*int64(time.Second), entry.Stderr, "at the edge of the window")
	l.add(runTS-1500*int64(time.Millisecond), entry.Stdout, "long "+strings.Repeat("é", 20000))
	l.add(runTS-1, entry.Stderr, "just before the run\r")
	runStart = len(l.frames)
	for i := 0; i < 6; i++ {
		l.add(runTS, entry.Stream(1+i%3%2), fmt.Sprintf("same timestamp %d", i))
		if i == 3 {
			l.add(runTS, entry.Stdout, "long at the same timestamp "+strings.Repeat("x", 40000))
		}
	}
	runEnd = len(l.frames)
	for i := 1; i <= 4; i++ {
		l.add(runTS+int64(i)*int64(time.Millisecond), entry.Stream(1+i%2), fmt.Sprintf("after %d", i))
	}
	return l, runStart, runEnd
}

// runTS is the timestamp of the run of lines in runLog; its nanoseconds
// are not zero, so a since rounded to the second would differ.
const runTS = t0 + 5*int64(time.Second)

// TestDaemonErrorFrameResumesFromTheCursorWithOneNotice cuts the stream
// with a type-3 frame before every frame of the log in turn: the follower
// shows one notice for it, resumes from the cursor, and shows every line
// once, in file order.
func TestDaemonErrorFrameResumesFromTheCursorWithOneNotice(t *testing.T) {
	base, _, _ := runLog()
	for at := 0; at <= len(base.frames); at++ {
		t.Run(fmt.Sprint("before frame ", at), func(t *testing.T) {
			l, _, _ := runLog()
			l.faults = []fault{{at, faultSystem}}
			got, notices := followFaultLog(t, l)
			assert.DeepEqual(t, got, l.want, cmpLine...)
			assert.DeepEqual(t, noticeKinds(notices), []entry.Kind{entry.Attached, entry.Gap, entry.Exited})
			assert.Assert(t, strings.Contains(notices[1].Text, sysErrText), notices[1].Text)
			reqs := l.requests()
			assert.Assert(t, len(reqs) >= 2)
			assert.Equal(t, reqs[0].Since, "")
			assert.Assert(t, reqs[1].Follow)
			checkResumed(t, reqs[1], l.frames[:at])
		})
	}
}

// checkResumed checks a request resumed after shown: from the cursor's
// since, or from earlier with a tail (cursor.bound).
func checkResumed(t *testing.T, q client.ContainerLogsOptions, shown []logFrame) {
	t.Helper()
	want := cursorSince(shown)
	if q.Tail == "" {
		assert.Equal(t, q.Since, want)
		return
	}
	since, err := parseSinceArg(q.Since)
	assert.NilError(t, err)
	w, err := parseSinceArg(want)
	assert.NilError(t, err)
	assert.Assert(t, since < w, "bounded request from %s, cursor since %s", q.Since, want)
	n, err := strconv.Atoi(q.Tail)
	assert.NilError(t, err)
	assert.Assert(t, int64(n) <= int64(len(shown))+resumeSlack, "tail %d after %d frames", n, len(shown))
}

// TestShortTailAsksAgainWithoutATail cuts the stream before every frame in
// turn, with a resume tail of one line beyond those shown since the
// anchor: when more than that was written after the cut, the tail starts
// after the anchor, and the request is made again without a tail; either
// way every line shows once, in file order.
func TestShortTailAsksAgainWithoutATail(t *testing.T) {
	defer func(s int64) { resumeSlack = s }(resumeSlack)
	for _, slack := range []int64{0, 1, 3} {
		resumeSlack = slack
		base, _, _ := runLog()
		retried := 0
		for at := 1; at < len(base.frames); at++ {
			t.Run(fmt.Sprintf("slack %d cut before frame %d", slack, at), func(t *testing.T) {
				for _, kind := range []faultKind{faultReset, faultSystem} {
					l, _, _ := runLog()
					l.faults = []fault{{at, kind}}
					got, _ := followFaultLog(t, l)
					assert.DeepEqual(t, got, l.want, cmpLine...)
					reqs := l.requests()
					for i := 1; i+1 < len(reqs); i++ {
						if reqs[i].Tail != "" && reqs[i+1].Tail == "" && reqs[i+1].Since != reqs[i].Since {
							retried++
						}
					}
				}
			})
		}
		assert.Assert(t, retried > 0, "slack %d: no request was made again without a tail", slack)
	}
}

// TestCutInsideARunOfEqualTimestampsLosesAndRepeatsNothing cuts the stream
// once, or twice, between any two frames of a run that share a timestamp
// (lines of both streams and the chunks of a long line), by a broken
// connection or by the daemon ending the stream; the follower resumes from
// the cursor's since, runTS-2s (to the nanosecond: the line stamped exactly
// there is shown again, the one a nanosecond before is not), and shows
// every line once, in file order, without a notice.
func TestCutInsideARunOfEqualTimestampsLosesAndRepeatsNothing(t *testing.T) {
	_, start, end := runLog()
	for _, kind := range []faultKind{faultReset, faultEOF} {
		for a := start + 1; a < end; a++ {
			for b := a - 1; b < end; b++ {
				name := fmt.Sprintf("%v at %d", kind, a)
				if b >= a {
					name += fmt.Sprintf(" and %d", b)
				}
				t.Run(name, func(t *testing.T) {
					l, _, _ := runLog()
					l.faults = []fault{{a, kind}}
					if b >= a {
						l.faults = append(l.faults, fault{b, kind})
					}
					got, notices := followFaultLog(t, l)
					if diff := cmp.Diff(l.want, got, cmpLine...); diff != "" {
						t.Fatalf("lines (-written +shown):\n%s", diff)
					}
					assert.DeepEqual(t, noticeKinds(notices), []entry.Kind{entry.Attached, entry.Exited})
					// Resumed from the line a nanosecond before the window
					// (the anchor), with a tail, and those before runTS-2s
					// dropped.
					reqs := l.requests()
					assert.Equal(t, reqs[1].Since, sinceArg(runTS-2*int64(time.Second)-1))
					assert.Assert(t, reqs[1].Tail != "")
				})
			}
		}
	}
}

// backwardLog is a log whose timestamps go back: a stderr line stamped
// before the stdout line written ahead of it, a clock step back of 500 ms,
// one of an hour, a line stamped like an earlier one of its stream (with
// other text), and a step back of 3 s, longer than the cursor's window.
func backwardLog() *faultLog {
	l := &faultLog{}
	ms := int64(time.Millisecond)
	ts := t0
	for i := 0; i < 5; i++ {
		l.add(ts, entry.Stdout, fmt.Sprintf("forward %d", i))
		ts += 100 * ms
	}
	l.add(ts-100*ms-1000, entry.Stderr, "stderr stamped before the stdout line ahead of it")
	l.add(ts-500*ms, entry.Stdout, "after a step back of 500 ms")
	l.add(ts-400*ms, entry.Stdout, "long after the step "+strings.Repeat("y", 33000))
	back := ts - 3600*int64(time.Second)
	for i := 0; i < 4; i++ {
		l.add(back+int64(i)*ms, entry.Stream(1+i%2), fmt.Sprintf("an hour back %d", i))
	}
	l.add(back+2*ms, entry.Stdout, "stamped like an earlier stdout line")
	l.add(back+3*ms, entry.Stdout, "an hour back 3") // text and stamp of a stderr line: another stream
	now := back + 3*int64(time.Second) + 10*ms
	for i := 0; i < 3; i++ {
		l.add(now+int64(i)*ms, entry.Stderr, fmt.Sprintf("before a step of 3 s %d", i))
	}
	l.add(now-int64(3*time.Second), entry.Stdout, "after a step back of 3 s")
	for i := 0; i < 3; i++ {
		l.add(now-int64(3*time.Second)+int64(i+1)*ms, entry.Stdout, fmt.Sprintf("last %d", i))
	}
	return l
}

// resumable reports whether a request resumed after frames[:at] can return
// every later frame: none of them is stamped before its since. (A frame
// written after a cut but stamped before since, after the clock stepped
// back further than the cursor's window, is filtered out by the daemon:
// no request resumed by since can get it.)
func resumable(frames []logFrame, at int) bool {
	var c cursor
	for _, f := range frames[:at] {
		c.seen(f.ts)
	}
	since, _ := c.since()
	for _, f := range frames[at:] {
		if !c.empty() && f.ts < since {
			return false
		}
	}
	return true
}

// TestBackwardTimestampsKeepEveryLineInArrivalOrder follows a log whose
// timestamps go back, uncut and cut (by a broken connection, the daemon
// ending the stream, or a type-3 frame) before every frame a resumed
// request can return: every line is shown once, in the order written.
func TestBackwardTimestampsKeepEveryLineInArrivalOrder(t *testing.T) {
	t.Run("uncut", func(t *testing.T) {
		l := backwardLog()
		got, notices := followFaultLog(t, l)
		assert.DeepEqual(t, got, l.want, cmpLine...)
		assert.DeepEqual(t, noticeKinds(notices), []entry.Kind{entry.Attached, entry.Exited})
	})
	base := backwardLog()
	cuts := 0
	for _, kind := range []faultKind{faultReset, faultEOF, faultSystem} {
		for at := 0; at <= len(base.frames); at++ {
			if !resumable(base.frames, at) {
				continue
			}
			cuts++
			t.Run(fmt.Sprintf("%v before frame %d", kind, at), func(t *testing.T) {
				l := backwardLog()
				l.faults = []fault{{at, kind}}
				got, _ := followFaultLog(t, l)
				if diff := cmp.Diff(l.want, got, cmpLine...); diff != "" {
					t.Fatalf("lines (-written +shown):\n%s", diff)
				}
			})
		}
	}
	assert.Assert(t, cuts > 3*len(base.frames)/2, "only %d cut positions tested", cuts)
}

// TestBackwardTimestampsSurviveTheHistoryMerge reads the same log as the
// stored history of a container found at start-up (no follow): the merge
// orders the two streams by timestamp, but keeps each stream's lines in
// the order written and drops none.
func TestBackwardTimestampsSurviveTheHistoryMerge(t *testing.T) {
	l := backwardLog()
	l.exited = true
	eng := &fakeEngine{
		inspect: l.inspect,
		logs:    l.logs,
		list: func() ([]container.Summary, error) {
			return []container.Summary{{ID: "c1", Names: []string{"/p-app-1"},
				Labels: map[string]string{labelProject: "p", labelService: "app", labelNumber: "1"}}}, nil
		},
	}
	out := make(chan Item, 1024)
	err := New(eng, Options{Project: "p", Tail: -1}).Run(t.Context(), out)
	assert.NilError(t, err)
	close(out)
	var got []line
	for it := range out {
		for _, e := range it.Lines {
			got = append(got, line{e.Time, e.Stream, string(e.Msg), e.Cut})
		}
	}
	assert.Equal(t, len(got), len(l.want))
	for _, s := range []entry.Stream{entry.Stdout, entry.Stderr} {
		assert.DeepEqual(t, byStream(got, s), byStream(l.want, s), cmpLine...)
	}
}
