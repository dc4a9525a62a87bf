package stream

import (
	"errors"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
)

// What a follow stream does wrong while the log rotates, and how it is
// repaired (measured on Engine 20.10 with max-size=64k, max-file=3 at 5,000
// lines/s, so that a file fills in about 0.1 s):
//
//   - The follow reader reads the log file it has open to its end and then
//     reopens the log by name. When the log rotated more than once
//     meanwhile, the files in between are never sent. A json-file stream
//     also drops a single line now and then. With the local driver, which
//     compresses the rotated files by default, the stream goes quiet for a
//     file or more at a time, then resumes in whatever file is current:
//     of 60,000 lines written, 8,403 were sent.
//   - The daemon still stores the last max-file files, and a new request
//     from the cursor returns them whole, in file order. So while the log
//     is fast (it fills a file within rotationFast), a follow stream whose
//     next frame is stamped skipGap or more after the frame before it
//     (skipSuspect), or that delivers nothing for stallCheck (stallAfter),
//     is reopened from the cursor, before that frame is shown. That
//     recovers what the skipped files held if they are still stored, and
//     says lines may be missing otherwise (the skipper's gap). Only logs
//     that rotate in small files are checked (smallRotation): a reopen
//     makes the daemon read every stored file from the start.
//   - The reader also reopens the file it is already reading, and sends its
//     lines again from the start of the file: up to a whole file's lines,
//     far more than the repeats ring holds (runs of 109 and 360 lines were
//     seen). A line stamped before the newest line of its stream, at a
//     timestamp the cursor recorded as shown, is such a repeat (rereads).

// smallRotation is the largest max-size of a json-file or local log whose
// follow streams are checked for skipped files.
const smallRotation = 1 << 20

// rotationFast: a log that fills a file in less than this (by the volume of
// its last second) can outrun the daemon's reader, and its follow streams
// are checked. A log that has been silent for as long is not.
const rotationFast = 2 * time.Second

// lineOverhead approximates what the log driver stores with each line
// besides its text (json-file: the JSON keys, stream and timestamp, about
// 70 bytes; local: a protobuf record and its framing, about 40).
const lineOverhead = 64

// skipGap is how much later than the frame before it a frame must be
// stamped for its stream to be suspected of having skipped a file. At a
// rate where the daemon rotates small files fast enough to outrun its own
// reader, the lines of one file span tens of milliseconds at most.
const skipGap = int64(20 * time.Millisecond)

// bigSkip: a jump this large reopens the stream even within the pause
// after a reopen that recovered nothing (a file of the fast logs checked
// here spans about 100 ms; the log pausing now and then makes the smaller
// jumps the pause is for).
const bigSkip = int64(50 * time.Millisecond)

// stallCheck is how long a follow stream of a fast log may deliver nothing
// before it is suspected of being stuck in a rotated file.
const stallCheck = 100 * time.Millisecond

// A reopen that recovered nothing (the log paused) delays the next one:
// reopenPause at first, doubling up to reopenPauseMax.
const (
	reopenPause    = 100 * time.Millisecond
	reopenPauseMax = time.Second
)

// errSkipped ends a follow stream suspected of having skipped a rotated
// file: it is reopened at once from the cursor.
var errSkipped = errors.New("follow stream may have skipped a rotated log file")

// rotationWatch decides when a follow stream of one container is reopened
// because it may have skipped a rotated file.
type rotationWatch struct {
	small   bool  // the log rotates in files of at most smallRotation bytes
	maxSize int64 // its max-size
	// The log's volume by daemon timestamp: bytes shown in the current
	// window of a second, and in the one before; lastAt is when the newest
	// frame was shown.
	win, winBytes, prevBytes int64
	lastAt                   time.Time
	// By stream: the newest timestamp shown, and the step to it from the
	// one before (see skipSuspect).
	streamTS, streamStep [4]int64
	// held is the timestamp up to which a reopened stream's frames are the
	// ones the skip hid (recovered counts them): the frame the reopen was
	// made before, or the time of a reopen after a stall.
	held      int64
	holding   bool
	recovered int64
	pause     time.Duration // after a reopen that recovered nothing
	next      time.Time     // no reopen before
	reopens   int64
	recovers  int64 // frames recovered by reopens, in all
}

// configure reads the container's log configuration from its inspect, and
// reports whether the log rotates: json-file with a max-size, or local
// (20m by default).
func (w *rotationWatch) configure(hc *container.HostConfig) (rotates bool) {
	w.small = false
	if hc == nil {
		return false
	}
	lc := hc.LogConfig
	if lc.Type != "json-file" && lc.Type != "local" {
		return false
	}
	size, ok := parseLogSize(lc.Config["max-size"])
	w.small, w.maxSize = ok && size > 0 && size <= smallRotation, size
	return lc.Type == "local" || ok && size > 0
}

// shown counts a frame of stream s and n bytes, stamped ts, that is shown.
func (w *rotationWatch) shown(ts int64, s entry.Stream, n int) {
	if !w.small {
		return
	}
	if i := s & 3; ts > w.streamTS[i] {
		w.streamStep[i], w.streamTS[i] = ts-w.streamTS[i], ts
	}
	if ts >= w.win+int64(time.Second) || ts < w.win {
		w.prevBytes = 0
		if ts < w.win+2*int64(time.Second) && ts >= w.win {
			w.prevBytes = w.winBytes
		}
		w.win, w.winBytes = ts, 0
	}
	w.winBytes += int64(n) + lineOverhead
	w.lastAt = time.Now()
}

// fast reports whether the log fills a file within rotationFast.
func (w *rotationWatch) fast() bool {
	perSecond := max(w.winBytes, w.prevBytes)
	return w.small && time.Since(w.lastAt) < rotationFast &&
		perSecond*int64(rotationFast/time.Second) >= w.maxSize
}

// skipSuspect is called for each new frame of a follow stream, before it is
// shown: last is the timestamp of the newest frame shown before it, s the
// frame's stream, and first tells whether it is the request's first new
// frame (the daemon sent it from its stored files, which are read whole).
// It reports whether the stream is to be reopened from the cursor before ts
// is shown.
//
// The jump is measured from the newest frame of the frame's own stream too,
// when that stream's lines came densely (its last step was under a quarter
// of skipGap): the daemon can skip one stream's lines for a while and send
// the other's (seen with local: a run of 900 stdout lines missing, the
// stderr lines among them sent), which leaves no gap between consecutive
// frames.
func (w *rotationWatch) skipSuspect(last, ts int64, s entry.Stream, first bool) bool {
	if !w.small {
		return false
	}
	if i := s & 3; w.streamTS[i] != 0 && w.streamStep[i] < skipGap/4 {
		last = min(last, w.streamTS[i])
	}
	if w.holding {
		if ts < w.held {
			w.recovered++
			return false
		}
		w.settle()
		return false
	}
	if first || last == 0 || ts-last < skipGap || !w.fast() {
		return false
	}
	if time.Now().Before(w.next) && ts-last < bigSkip {
		return false
	}
	w.hold(ts)
	return true
}

// stallAfter returns how long a follow stream may now stay silent before
// stalled is called; 0 means as long as it likes.
func (w *rotationWatch) stallAfter() time.Duration {
	if !w.fast() {
		return 0
	}
	return max(stallCheck, time.Until(w.next))
}

// stalled is called when a follow stream stayed silent for stallAfter. last
// is the timestamp of the newest frame shown. It reports whether the stream
// is to be reopened from the cursor.
func (w *rotationWatch) stalled(last int64) bool {
	if !w.fast() || time.Now().Before(w.next) {
		return false
	}
	if w.holding {
		w.settle()
	}
	w.hold(last + int64(time.Since(w.lastAt)))
	return true
}

// stalled ends a follow stream of a fast-rotating log that delivered
// nothing for a while: the daemon's reader may be stuck in a rotated file.
func (c *tracked) stalled() error {
	if !c.rot.stalled(c.cur.last) {
		return nil
	}
	c.f.log.Debug("follow stream silent on a fast-rotating log; reopening", "container", c.src.Name,
		"reopens", c.rot.reopens, "recovered", c.rot.recovers)
	return errSkipped
}

// hold starts counting what the reopened stream recovers before held.
func (w *rotationWatch) hold(held int64) {
	w.holding, w.held, w.recovered = true, held, 0
	w.reopens++
}

// settle ends a reopen's count and sets the pause before the next reopen
// from what it recovered.
func (w *rotationWatch) settle() {
	w.holding = false
	w.recovers += w.recovered
	if w.recovered > 0 {
		w.pause, w.next = 0, time.Time{}
		return
	}
	w.pause = min(max(2*w.pause, reopenPause), reopenPauseMax)
	w.next = time.Now().Add(w.pause)
}

// parseLogSize reads a max-size log option as the daemon does: a number
// with an optional k, m or g unit (powers of 1024), case-insensitive, with
// an optional trailing b.
func parseLogSize(s string) (int64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "b"), "i")
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k':
			mult, s = 1<<10, s[:n-1]
		case 'm':
			mult, s = 1<<20, s[:n-1]
		case 'g':
			mult, s = 1<<30, s[:n-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 {
		return 0, false
	}
	return int64(f * float64(mult)), true
}

// rereads drops the lines a follow stream sends again when the daemon
// rereads a log file from its start (see the comment at the top), for
// logs that rotate. Each stream's lines are stamped in the order they are
// written, so only a frame stamped no later than the newest shown frame of
// its stream can be one. It is a repeat if it is stamped at the very
// nanosecond of a frame the cursor recorded as shown, or if it is the
// newest whole line of its stream again, byte for byte. A line written
// after a step back of the clock is not: the daemon stamps it anew. The
// cursor holds the last cursorWindow of timestamps (at most cursorCap): a
// frame older than that is kept. On a coarse clock (two different lines of
// one stream stamped alike) a timestamp no longer names one line, and the
// check is turned off.
type rereads struct {
	on          bool     // the log rotates
	coarse      bool     // two different lines of one stream shared a timestamp
	newest      [4]int64 // by stream: the newest timestamp shown
	newestSum   [4]uint64
	newestWhole [4]bool // the newest frame was a whole line on its own
	dropped     int64
}

var rereadSeed = maphash.MakeSeed()

// repeat reports whether f was shown before, according to cur.
func (r *rereads) repeat(f frame, cur *cursor) bool {
	if !r.on || r.coarse {
		return false
	}
	s := f.stream & 3
	switch {
	case f.ts == r.newest[s]:
		if !r.newestWhole[s] || !wholeLine(f) || maphash.Bytes(rereadSeed, f.msg) != r.newestSum[s] {
			return false
		}
	case f.ts > r.newest[s] || r.newest[s]-f.ts > cursorWindow:
		return false
	default:
		if !cur.shownAt(f.ts) {
			return false
		}
	}
	r.dropped++
	return true
}

// shown records a frame that is shown.
func (r *rereads) shown(f frame) {
	if !r.on {
		return
	}
	s := f.stream & 3
	switch whole := wholeLine(f); {
	case f.ts > r.newest[s]:
		r.newest[s], r.newestWhole[s] = f.ts, whole
		if whole {
			r.newestSum[s] = maphash.Bytes(rereadSeed, f.msg)
		}
	case f.ts == r.newest[s] && whole && r.newestWhole[s] && maphash.Bytes(rereadSeed, f.msg) != r.newestSum[s]:
		r.coarse = true
	}
}

// wholeLine reports whether f is a line in one frame of its own.
func wholeLine(f frame) bool {
	return f.cut == 0 && len(f.msg) > 0 && f.msg[len(f.msg)-1] == '\n'
}

// shownAt reports whether the cursor's recent frames include one stamped
// ts.
func (c *cursor) shownAt(ts int64) bool {
	for i := len(c.ring) - 1; i >= c.head; i-- {
		if c.ring[i].ts == ts {
			return true
		}
	}
	return false
}
