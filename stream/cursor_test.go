package stream

import (
	"math/rand/v2"
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

// replay simulates a daemon resuming at since: every frame at or after since,
// in file order.
func replay(file []int64, since int64) []int64 {
	var out []int64
	for _, ts := range file {
		if ts >= since {
			out = append(out, ts)
		}
	}
	return out
}

// resumeShowsEachFrameOnce cuts the stream after k frames, resumes from the
// cursor and checks that the frames shown equal the file.
func resumeShowsEachFrameOnce(t *testing.T, file []int64, k int) {
	t.Helper()
	var c cursor
	shown := append([]int64(nil), file[:k]...)
	for _, ts := range file[:k] {
		c.seen(ts)
	}
	since, risk := c.since()
	sk := c.skipper(since)
	for _, ts := range replay(file, since) {
		if !sk.skip(ts) {
			shown = append(shown, ts)
		}
	}
	assert.DeepEqual(t, shown, file)
	assert.Assert(t, !sk.gap && !risk)
}

func TestCursorResumeIsExactWithRepeatsAndSkew(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		var file []int64
		ts := t0
		for i := 0; i < 2000; i++ {
			switch x := r.IntN(10); {
			case x < 2: // chunks of a long line, or a clash
			case x < 3: // the other stream, stamped slightly earlier but written later
				file = append(file, ts-int64(r.IntN(5000)))
				continue
			default:
				ts += int64(1 + r.IntN(100000))
			}
			file = append(file, ts)
		}
		resumeShowsEachFrameOnce(t, file, r.IntN(len(file)+1))
	}
}

func TestCursorKeepsMemoryBounded(t *testing.T) {
	var c cursor
	for i := int64(0); i < 1_000_000; i++ {
		c.seen(t0 + i)
	}
	assert.Assert(t, len(c.ring)-c.head <= cursorCap)
	assert.Assert(t, cap(c.ring) <= 4*cursorCap)
	// 1,024 frames at the newest timestamps remain to be skipped.
	file := make([]int64, 0, 1_000_100)
	for i := int64(0); i < 1_000_100; i++ {
		file = append(file, t0+i)
	}
	since, _ := c.since()
	sk := c.skipper(since)
	var shown int
	for _, ts := range replay(file, since) {
		if !sk.skip(ts) {
			shown++
		}
	}
	assert.Equal(t, shown, 100)
}

func TestCursorResumeAfterQuietPeriodReplaysOnlyTheLastFrame(t *testing.T) {
	var c cursor
	for i := int64(0); i < 10; i++ {
		c.seen(t0 + i*int64(60e9)) // one line a minute
	}
	since, _ := c.since()
	assert.Assert(t, since <= t0+9*int64(60e9) && since > t0+8*int64(60e9), "since %d replays more than the last frame", since)
}

func TestSkipperReportsFramesThatNeverCameBack(t *testing.T) {
	var c cursor
	for i := int64(0); i < 5; i++ {
		c.seen(t0 + i)
	}
	since, _ := c.since()
	sk := c.skipper(since)
	// the file was rotated: frames t0+0..t0+4 are gone, t0+10 is new
	assert.Assert(t, !sk.skip(t0+10))
	assert.Assert(t, sk.gap)
}

func TestEmptyCursor(t *testing.T) {
	var c cursor
	assert.Assert(t, c.empty())
	c.seen(t0)
	assert.Assert(t, !c.empty())
}

// Any history of clock jumps before the cut, large or small, and a step
// back smaller than the window right at the cut: the resume is exact.
func TestCursorResumeIsExactAfterClockJumpsBack(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for trial := 0; trial < 300; trial++ {
		k := r.IntN(3000)
		var file []int64
		ts := t0
		for i := 0; i < 3000; i++ {
			switch x := r.IntN(1000); {
			case i == k:
				ts -= r.Int64N(cursorWindow * 3 / 4) // a step back at the cut
			case i < k && x < 3:
				ts -= r.Int64N(int64(time.Hour)) // jumps back, already seen
			case x < 200: // chunks of a long line, or a clash
			default:
				ts += int64(1 + r.IntN(2_000_000))
			}
			file = append(file, ts)
		}
		resumeShowsEachFrameOnce(t, file, k)
	}
}

// A large jump back is covered once a line stamped after it has been read:
// the lines written before the jump then come back first and are skipped as
// a whole. (Cut before that, the daemon's since filter hides the lines
// stamped before the newest one seen; no bounded resume point avoids it.)
func TestCursorResumeAfterALargeJumpBack(t *testing.T) {
	run := func(start int64, n int) []int64 {
		var f []int64
		for i := 0; i < n; i++ {
			f = append(f, start+int64(i)*int64(time.Millisecond))
		}
		return f
	}
	one := append(run(t0, 5000), run(t0-int64(time.Hour), 5000)...)
	for _, k := range []int{5001, 5002, 5500, 7100, 9999, 10000} {
		resumeShowsEachFrameOnce(t, one, k)
	}
	two := append(one, run(t0-int64(2*time.Hour), 5000)...)
	for _, k := range []int{10001, 12000, 14999} {
		resumeShowsEachFrameOnce(t, two, k)
	}
}

func TestSkipperIgnoresAShownFrameMissingAfterTheFirst(t *testing.T) {
	var c cursor
	for i := int64(0); i < 5; i++ {
		c.seen(t0 + i)
	}
	since, _ := c.since()
	sk := c.skipper(since)
	// the replay starts with a shown frame, then one shown frame is missing
	assert.Assert(t, sk.skip(t0))
	assert.Assert(t, sk.skip(t0+1))
	assert.Assert(t, sk.skip(t0+3))
	assert.Assert(t, sk.skip(t0+4))
	assert.Assert(t, !sk.skip(t0+10))
	assert.Assert(t, !sk.gap)
}
