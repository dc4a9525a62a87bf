package stream

import (
	"bytes"

	"github.com/docker-devlogs/devlogs/entry"
)

// repeats drops the lines the daemon sends twice on one stream. A json-file
// follow stream repeats the last frames it sent when the log rotates
// (measured on Engine 20.10: 8 repeats in 20,000 lines rotated every
// 200 KB, up to 9 lines in a row), byte for byte, timestamp included.
//
// Only whole lines (ending in a newline) are compared: the chunks of a long
// line share a timestamp and may well be identical. A repeat is stamped no
// later than the newest line of its stream, so lines in time order pass
// without a comparison. The daemon stamps every line on its own with a
// nanosecond clock, so two different lines never share a timestamp; if a
// container shows otherwise (a coarse clock), the check is turned off for
// it rather than risk dropping a real repeat.
type repeats struct {
	recent  [64]recentFrame
	next    int
	newest  [4]int64 // by stream
	coarse  bool
	dropped int64
}

type recentFrame struct {
	ts     int64
	stream entry.Stream
	msg    []byte
}

// repeat reports whether f repeats one of the recent whole lines.
func (r *repeats) repeat(f frame) bool {
	if r.coarse || f.cut > 0 || len(f.msg) == 0 || f.msg[len(f.msg)-1] != '\n' {
		return false
	}
	s := f.stream & 3
	if f.ts <= r.newest[s] {
		for i := range r.recent {
			e := &r.recent[i]
			if e.ts == f.ts && e.stream == f.stream && e.msg != nil && bytes.Equal(e.msg, f.msg) {
				r.dropped++
				return true
			}
		}
		if f.ts == r.newest[s] {
			r.coarse = true // two different lines, one timestamp
			return false
		}
	}
	r.newest[s] = max(r.newest[s], f.ts)
	e := &r.recent[r.next]
	e.ts, e.stream, e.msg = f.ts, f.stream, append(e.msg[:0], f.msg...)
	r.next = (r.next + 1) % len(r.recent)
	return false
}
