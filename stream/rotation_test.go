package stream

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

func TestParseLogSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"64k", 64 << 10, true},
		{"64K", 64 << 10, true},
		{"1m", 1 << 20, true},
		{"1.5m", 3 << 19, true},
		{"2g", 2 << 30, true},
		{"100", 100, true},
		{"10kb", 10 << 10, true},
		{"10KiB", 10 << 10, true},
		{"", 0, false},
		{"lots", 0, false},
		{"-1k", 0, false},
	} {
		got, ok := parseLogSize(tc.in)
		assert.Equal(t, ok, tc.ok, tc.in)
		assert.Equal(t, got, tc.want, tc.in)
	}
}

func TestRotationIsCheckedForSmallFilesOnly(t *testing.T) {
	hc := func(driver string, opts map[string]string) *container.HostConfig {
		return &container.HostConfig{LogConfig: container.LogConfig{Type: driver, Config: opts}}
	}
	for _, tc := range []struct {
		name           string
		hc             *container.HostConfig
		rotates, small bool
	}{
		{"json-file, 64k", hc("json-file", map[string]string{"max-size": "64k", "max-file": "3"}), true, true},
		{"json-file, 1m", hc("json-file", map[string]string{"max-size": "1m"}), true, true},
		{"json-file, 10m", hc("json-file", map[string]string{"max-size": "10m"}), true, false},
		{"json-file, no max-size", hc("json-file", nil), false, false},
		{"local, 64k", hc("local", map[string]string{"max-size": "64k"}), true, true},
		{"local, its default 20m", hc("local", nil), true, false},
		{"syslog", hc("syslog", map[string]string{"max-size": "64k"}), false, false},
		{"no host config", nil, false, false},
	} {
		var w rotationWatch
		assert.Equal(t, w.configure(tc.hc), tc.rotates, tc.name)
		assert.Equal(t, w.small, tc.small, tc.name)
	}
}

// rereadFrames runs frames through a rotating log's reread check, recording
// the kept ones in the cursor as consume does, and returns the kept ones.
func rereadFrames(r *rereads, cur *cursor, in []frame) []string {
	var kept []string
	for _, f := range in {
		if r.repeat(f, cur) {
			continue
		}
		cur.seen(f.ts)
		r.shown(f)
		kept = append(kept, string(f.msg))
	}
	return kept
}

func TestRereadsDropsAFileSentAgainFromItsStart(t *testing.T) {
	r := rereads{on: true}
	var cur cursor
	var in, want []frame
	for i := range 500 {
		s := entry.Stdout
		if i%7 == 0 {
			s = entry.Stderr
		}
		f := fr(t0+int64(i)*int64(200*time.Microsecond), s, fmt.Sprintf("line %d\n", i))
		in, want = append(in, f), append(want, f)
	}
	in = append(in, in[140:]...) // the daemon reopens the file, which started at line 140
	next := fr(t0+500*int64(200*time.Microsecond), entry.Stdout, "line 500\n")
	in, want = append(in, next), append(want, next)
	kept := rereadFrames(&r, &cur, in)
	assert.Equal(t, len(kept), len(want))
	for i := range want {
		assert.Equal(t, kept[i], string(want[i].msg))
	}
	assert.Equal(t, r.dropped, int64(360))
}

func TestRereadsKeepsLinesStampedAfterTheClockStepsBack(t *testing.T) {
	r := rereads{on: true}
	var cur cursor
	in := []frame{
		fr(t0+1000, entry.Stdout, "a\n"), fr(t0+2000, entry.Stdout, "b\n"), fr(t0+3000, entry.Stdout, "c\n"),
		fr(t0+1500, entry.Stdout, "d\n"), fr(t0+2500, entry.Stdout, "e\n"), // after a step back
		fr(t0+3000, entry.Stdout, "c\n"), // the newest line again: a repeat
	}
	assert.DeepEqual(t, rereadFrames(&r, &cur, in), []string{"a\n", "b\n", "c\n", "d\n", "e\n"})
}

func TestRereadsTrustsNothingOnACoarseClock(t *testing.T) {
	r := rereads{on: true}
	var cur cursor
	in := []frame{
		fr(t0+1, entry.Stdout, "a\n"), fr(t0+1, entry.Stdout, "b\n"), // two lines, one stamp
		fr(t0, entry.Stdout, "c\n"), fr(t0+1, entry.Stdout, "d\n"), // a step back, and a stamp shown before
	}
	assert.DeepEqual(t, rereadFrames(&r, &cur, in), []string{"a\n", "b\n", "c\n", "d\n"})
	assert.Assert(t, r.coarse)
}

func TestRereadsIsOffForLogsThatDoNotRotate(t *testing.T) {
	var r rereads
	var cur cursor
	in := []frame{fr(t0+2, entry.Stdout, "a\n"), fr(t0+1, entry.Stdout, "b\n"), fr(t0+2, entry.Stdout, "a\n")}
	assert.Equal(t, len(rereadFrames(&r, &cur, in)), 3)
}

func TestRotationChecksOnlyAFastLog(t *testing.T) {
	w := rotationWatch{small: true, maxSize: 64 << 10}
	ms := int64(time.Millisecond)
	for i := range 1000 {
		w.shown(t0+int64(i)*ms, entry.Stdout, 100) // 164 KB/s: a file in 0.4 s
	}
	assert.Assert(t, w.fast())
	assert.Equal(t, w.stallAfter(), stallCheck)
	slow := rotationWatch{small: true, maxSize: 64 << 10}
	for i := range 100 {
		slow.shown(t0+int64(i)*10*ms, entry.Stdout, 100) // 16.4 KB/s: a file in 4 s
	}
	assert.Assert(t, !slow.fast())
	assert.Equal(t, slow.stallAfter(), time.Duration(0))
	assert.Assert(t, !slow.skipSuspect(t0+990*ms, t0+2000*ms, entry.Stdout, false))
	quiet := w
	quiet.lastAt = time.Now().Add(-rotationFast)
	assert.Assert(t, !quiet.fast(), "silent for rotationFast")
}

func TestSkipSuspectBacksOffWhenAReopenRecoversNothing(t *testing.T) {
	w := rotationWatch{small: true, maxSize: 64 << 10}
	w.shown(t0, entry.Stdout, 64<<10)
	ms := int64(time.Millisecond)
	assert.Assert(t, !w.skipSuspect(t0, t0+50*ms, entry.Stdout, true), "a request's first new frame comes from the stored files")
	assert.Assert(t, !w.skipSuspect(t0, t0+ms, entry.Stdout, false), "no gap")
	assert.Assert(t, w.skipSuspect(t0, t0+50*ms, entry.Stdout, false), "a gap: reopen")
	// The reopened stream sends the held frame first: nothing was skipped.
	assert.Assert(t, !w.skipSuspect(t0, t0+50*ms, entry.Stdout, true))
	assert.Equal(t, w.pause, reopenPause)
	assert.Assert(t, !w.skipSuspect(t0+50*ms, t0+90*ms, entry.Stdout, false), "within the pause")
	assert.Assert(t, !w.stalled(t0+100*ms), "within the pause")
	assert.Assert(t, w.skipSuspect(t0+100*ms, t0+200*ms, entry.Stdout, false), "a big jump, even within the pause")
	assert.Assert(t, !w.skipSuspect(t0+100*ms, t0+200*ms, entry.Stdout, true))
	w.next = time.Now().Add(-time.Millisecond)
	assert.Assert(t, w.skipSuspect(t0+100*ms, t0+200*ms, entry.Stdout, false))
	// This time the reopened stream sends two frames the skip hid.
	assert.Assert(t, !w.skipSuspect(t0+100*ms, t0+120*ms, entry.Stdout, true))
	assert.Assert(t, !w.skipSuspect(t0+120*ms, t0+150*ms, entry.Stdout, false))
	assert.Assert(t, !w.skipSuspect(t0+150*ms, t0+200*ms, entry.Stdout, false))
	assert.Equal(t, w.pause, time.Duration(0))
	assert.Equal(t, w.recovers, int64(2))
	assert.Assert(t, w.skipSuspect(t0+200*ms, t0+300*ms, entry.Stdout, false), "no pause after a reopen that recovered lines")
}

// TestFollowRecoversARotatedFileItsStreamSkipped follows a container whose
// json-file log rotates at 8k, a file every few tenths of a second at 1,000
// lines/s: its first follow stream skips 30 lines (as the daemon's reader
// does when the log rotates twice while it reads) and then goes on; a
// request from the cursor returns everything stored since. Every line is
// shown once, in order: the line after the skip too, which the first
// stream delivered before it was left.
func TestFollowRecoversARotatedFileItsStreamSkipped(t *testing.T) {
	testFollowRecovers(t, false)
}

// TestFollowRecoversFromAStreamStuckInARotatedFile is the same with a
// first follow stream that goes silent after 100 lines, as the daemon's
// reader of a local log does when it is stuck in a rotated file.
func TestFollowRecoversFromAStreamStuckInARotatedFile(t *testing.T) {
	testFollowRecovers(t, true)
}

func testFollowRecovers(t *testing.T, stuck bool) {
	const n = 300
	ms := int64(time.Millisecond)
	frameOf := func(i int) []byte { return muxFrame(1, t0+int64(i)*ms, fmt.Sprintf("line %d\n", i)) }
	var mu sync.Mutex
	var follows []string // the since of each follow request
	var bodies []*blockingBody
	inspects := 0
	eng := &fakeEngine{
		inspect: func(string) (container.InspectResponse, error) {
			mu.Lock()
			inspects++
			mu.Unlock()
			return container.InspectResponse{
				State:      &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T00:00:00Z"},
				Config:     &container.Config{},
				HostConfig: &container.HostConfig{LogConfig: container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "8k", "max-file": "3"}}},
			}, nil
		},
		logs: func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
			mu.Lock()
			defer mu.Unlock()
			var since int64
			if o.Since != "" {
				var sec, ns int64
				fmt.Sscanf(o.Since, "%d.%d", &sec, &ns)
				since = sec*1e9 + ns
			}
			var data []byte
			for i := range n {
				skipped := o.Follow && len(follows) == 0 && i >= 100 && (stuck || i < 130)
				if t0+int64(i)*ms >= since && !skipped {
					data = append(data, frameOf(i)...)
				}
			}
			if !o.Follow {
				return io.NopCloser(bytesReader(data)), nil
			}
			follows = append(follows, o.Since)
			b := newBlockingBody(data)
			bodies = append(bodies, b)
			return b, nil
		},
	}
	c, out := newTestTracked(eng, "c1", false)
	stop, _ := runTracked(t, c)
	var got []string
	deadline := time.After(10 * time.Second)
	for len(got) < n {
		select {
		case it := <-out:
			for _, e := range it.Lines {
				got = append(got, string(e.Msg))
			}
			if it.Notice != nil {
				assert.Assert(t, it.Notice.Kind == entry.Attached, "notice: %s", it.Notice.Text)
			}
		case <-deadline:
			t.Fatalf("%d of %d lines after 10 s", len(got), n)
		}
	}
	stop()
	for i := range n {
		assert.Equal(t, got[i], fmt.Sprintf("line %d", i))
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, len(follows), 2, "follow requests: %q", follows)
	assert.Assert(t, follows[0] == "" && follows[1] != "")
	assert.Equal(t, inspects, 1, "the reopen looks at the container first")
	// The lines stamped before the reopen count as recovered: after a
	// stall, that depends on how long it took.
	assert.Assert(t, c.rot.recovers == 30 || stuck && c.rot.recovers >= 100, "recovered %d", c.rot.recovers)
	for _, b := range bodies {
		b.Close()
	}
}

// The daemon can skip one stream's lines of a rotating log while it sends
// the other's: between consecutive frames there is then no gap, but the
// skipped stream, dense before, jumps.
func TestSkipSuspectSeesADenseStreamJump(t *testing.T) {
	w := rotationWatch{small: true, maxSize: 64 << 10}
	ms := int64(time.Millisecond)
	for i := range 1000 {
		w.shown(t0+int64(i)*ms/5, entry.Stdout, 100) // 5,000 lines/s
	}
	for i := range 10 {
		w.shown(t0+200*ms+int64(i)*5*ms, entry.Stderr, 100) // stdout skipped meanwhile
	}
	// stderr, a line every 5 ms, is not dense: measured from the newest
	// frame of either stream, its next line is no jump.
	assert.Assert(t, !w.skipSuspect(t0+245*ms, t0+246*ms, entry.Stderr, false), "no gap between frames")
	assert.Assert(t, w.skipSuspect(t0+245*ms, t0+246*ms, entry.Stdout, false), "stdout jumped by 46 ms")
}
