package stream

import "time"

// cursor remembers which frames of one container have been shown, so that a
// resumed logs request skips exactly those.
//
// The Engine's since parameter is inclusive and nanosecond precise, and a
// resumed request returns every frame with a timestamp at or after since, in
// file order. The frames already shown are a prefix of the file, so the
// shown frames among those returned come first, and among the frames with a
// given timestamp the shown ones are the first. Skipping, per timestamp, as
// many frames as were shown is therefore exact: it holds for the chunks of
// a long line (which share one timestamp), for identical timestamps, and
// for stdout and stderr lines whose timestamps are slightly out of order in
// the file.
//
// Since is a window before the newest timestamp (or the oldest recent
// frame, if older) rather than the newest, so that a line stamped just
// before, but written after (by the other stream's goroutine, or after a
// small clock step back), is not filtered out by the daemon. Frames older than the window are summed up in epochs (runs of
// time that go forwards): when the clock jumps back, the frames written
// before the jump are stamped later than since, come back first, and are
// skipped as a whole, so the lines after the jump are not lost.
type cursor struct {
	ring   []tsCount // recent shown timestamps in file order, with counts
	head   int       // ring[:head] has moved to epochs
	epochs []epoch   // older shown frames, oldest first
	last   int64     // timestamp of the newest frame in file order
	// ringN is the number of frames the ring counts; anchor is the newest
	// run of frames retired from it (see bound).
	ringN  int64
	anchor tsCount
}

type tsCount struct {
	ts int64
	n  int64
}

// epoch sums up shown frames whose timestamps go forwards.
type epoch struct {
	min, max int64
	n        int64
}

const (
	cursorCap    = 4096
	cursorWindow = int64(2 * time.Second)
	maxEpochs    = 16
)

// seen records a frame that was shown (or deliberately passed over).
func (c *cursor) seen(ts int64) {
	c.last = ts
	c.ringN++
	if l := len(c.ring); l > c.head && c.ring[l-1].ts == ts {
		c.ring[l-1].n++
		return
	}
	c.ring = append(c.ring, tsCount{ts: ts, n: 1})
	for c.head < len(c.ring)-1 && (len(c.ring)-c.head > cursorCap || c.ring[c.head].ts < c.last-cursorWindow) {
		c.anchor = c.ring[c.head]
		c.ringN -= c.anchor.n
		c.retire(c.anchor)
		c.head++
	}
	if c.head >= cursorCap {
		c.ring = append(c.ring[:0], c.ring[c.head:]...)
		c.head = 0
	}
}

// retire moves a frame count out of the ring into the epochs.
func (c *cursor) retire(e tsCount) {
	if l := len(c.epochs); l > 0 && e.ts >= c.epochs[l-1].max-cursorWindow {
		p := &c.epochs[l-1]
		p.min, p.max, p.n = min(p.min, e.ts), max(p.max, e.ts), p.n+e.n
		return
	}
	c.epochs = append(c.epochs, epoch{min: e.ts, max: e.ts, n: e.n})
	if len(c.epochs) > maxEpochs {
		a, b := c.epochs[0], c.epochs[1]
		c.epochs[1] = epoch{min: min(a.min, b.min), max: max(a.max, b.max), n: a.n + b.n}
		c.epochs = c.epochs[1:]
	}
}

// bound returns, for a request to resume at since, an earlier since and a
// tail that together reach back to the anchor, the newest run of shown
// frames retired from the ring, stamped before since: the tail counts the
// anchor and every frame after it that was shown, and slack more. Such a
// request repeats what a request from since would, after frames stamped
// before since, as long as the tail reaches back far enough, which its
// first frame tells (see skipper.bounded). ok is false when there is no
// anchor before since.
func (c *cursor) bound(since, slack int64) (from, tail int64, ok bool) {
	if c.anchor.n == 0 || c.anchor.ts >= since {
		return 0, 0, false
	}
	return c.anchor.ts, c.anchor.n + c.ringN + slack, true
}

// empty reports whether no frame has been seen yet.
func (c *cursor) empty() bool { return c.head == len(c.ring) && len(c.epochs) == 0 }

// since returns the timestamp to resume from, and whether lines written
// after the newest shown one may be filtered out by it (possible only when
// an epoch straddles the recent frames, after repeated clock jumps).
func (c *cursor) since() (int64, bool) {
	s := c.last - cursorWindow
	for _, e := range c.ring[c.head:] {
		s = min(s, e.ts)
	}
	for changed := true; changed; {
		changed = false
		for _, e := range c.epochs {
			if e.min < s && s <= e.max {
				s, changed = e.max+1, true // cannot count part of an epoch
			}
		}
	}
	return s, s > c.last
}

// skipper returns what a request resumed at since will repeat: the epochs
// stamped at or after since, which come back first, and the recent frames
// per timestamp.
func (c *cursor) skipper(since int64) *skipper {
	s := &skipper{left: make(map[int64]int64)}
	for _, e := range c.epochs {
		if e.min >= since {
			s.epochs = append(s.epochs, e)
			s.epochLeft += e.n
		}
	}
	for _, e := range c.ring[c.head:] {
		if e.ts >= since {
			s.left[e.ts] += e.n
			s.total += e.n
		}
	}
	return s
}

// skipper drops the frames of a resumed request that were shown before.
type skipper struct {
	epochs    []epoch
	epochLeft int64
	left      map[int64]int64
	total     int64
	// gap is set when the request's very first frame is a new one while
	// older shown frames were expected first: the file that held the
	// cursor's frames is gone (rotated away), and lines written after them
	// in that file are gone too. (When the first frame is one shown before,
	// the files from there on exist, and a shown frame missing further on,
	// as the daemon sometimes does across a rotation, hides nothing new.)
	gap     bool
	checked bool
	// floor, when set, drops frames stamped before it: the request was
	// opened from an earlier since (an early catch-up, see cutOnDie, or a
	// bounded one), and the frames before floor are those the daemon would
	// have left out.
	floor int64
	// bounded: the request asked for a tail reaching back to frames stamped
	// before floor (cursor.bound). Its first frame must be one of those: a
	// tail is the end of the log, so everything after that frame is in it.
	// When the first frame is stamped floor or later, the tail may have
	// started after frames never shown: short is set, and the request is
	// made again without a tail.
	bounded, reached, short bool
}

// skip reports whether the frame stamped ts was shown before.
func (s *skipper) skip(ts int64) bool {
	if ts < s.floor {
		s.reached = true
		return true
	}
	if s.bounded && !s.reached {
		s.short = true
		return false
	}
	first := !s.checked
	s.checked = true
	if s.epochLeft > 0 {
		for _, e := range s.epochs {
			if ts >= e.min && ts <= e.max {
				s.epochLeft--
				return true
			}
		}
	}
	if s.total == 0 {
		return false
	}
	if n := s.left[ts]; n > 0 {
		s.left[ts] = n - 1
		s.total--
		return true
	}
	if first {
		for t, n := range s.left {
			if n > 0 && t < ts {
				s.gap = true
				break
			}
		}
	}
	return false
}
