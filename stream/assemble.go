package stream

import "github.com/docker-devlogs/devlogs/entry"

// DefaultLineMax is the default cap on the bytes kept of one line.
const DefaultLineMax = 1 << 20

// assembler turns frames into lines. A line longer than the daemon's 16 KiB
// buffer arrives as several frames that all carry the first chunk's
// timestamp; json-file ends only the last one with '\n', the local driver
// ends none of them. So a frame continues the pending line of its stream
// exactly while the timestamp stays the same, and a pending line is emitted
// when a frame of its stream with another timestamp arrives, when the
// container's output ends, or when the reader goes idle after a chunk
// shorter than the daemon's 16 KiB buffer: the daemon cuts a full buffer
// only when more of the line follows, so a line whose last chunk was full
// is still being written (a 256 MiB line takes seconds) and waits.
//
// Each stream has its own pending line: the daemon copies stdout and stderr
// in two goroutines, so the chunks of a long stdout line and of a long
// stderr line written at the same time interleave in the log.
//
// Bytes beyond max are dropped and counted, so a 256 MiB line costs at most
// max bytes of memory.
type assembler struct {
	max  int64
	emit func(ts int64, s entry.Stream, msg []byte, cut int64)
	pend [4]pendingLine // by entry.Stream
}

type pendingLine struct {
	buf  []byte
	ts   int64
	cut  int64
	has  bool
	full bool // the last chunk filled the daemon's buffer: more follows
}

func (a *assembler) add(f frame) {
	p := &a.pend[f.stream&3]
	if p.has && f.ts != p.ts {
		a.flushStream(f.stream)
	}
	msg := f.msg
	complete := len(msg) > 0 && msg[len(msg)-1] == '\n'
	if complete {
		msg = msg[:len(msg)-1]
	}
	if !p.has && complete && f.cut == 0 {
		msg = trimCR(msg)
		var cut int64
		if int64(len(msg)) > a.max {
			msg, cut = msg[:a.max], int64(len(msg))-a.max
		}
		a.emit(f.ts, f.stream, msg, cut)
		return
	}
	if !p.has {
		p.has, p.ts, p.cut, p.buf = true, f.ts, 0, p.buf[:0]
	}
	take := min(a.max-int64(len(p.buf)), int64(len(msg)))
	p.buf = append(p.buf, msg[:take]...)
	p.cut += int64(len(msg)) - take + f.cut
	p.full = len(msg)+int(f.cut) >= ttyChunk
	if complete {
		a.flushStream(f.stream)
	}
}

// pending reports whether a partial line is waiting for more chunks.
func (a *assembler) pending() bool {
	for i := range a.pend {
		if a.pend[i].has {
			return true
		}
	}
	return false
}

// idlePending reports whether a partial line would be flushed by flushIdle.
func (a *assembler) idlePending() bool {
	for i := range a.pend {
		if a.pend[i].has && !a.pend[i].full {
			return true
		}
	}
	return false
}

// flushIdle emits the partial lines whose last chunk was short: complete
// lines of the local driver, or output that stopped in mid-line.
func (a *assembler) flushIdle() {
	for i := range a.pend {
		if a.pend[i].has && !a.pend[i].full {
			a.flushStream(entry.Stream(i))
		}
	}
}

// flush emits every pending partial line, oldest first.
func (a *assembler) flush() {
	for {
		oldest := -1
		for i := range a.pend {
			if a.pend[i].has && (oldest < 0 || a.pend[i].ts < a.pend[oldest].ts) {
				oldest = i
			}
		}
		if oldest < 0 {
			return
		}
		a.flushStream(entry.Stream(oldest))
	}
}

func (a *assembler) flushStream(s entry.Stream) {
	p := &a.pend[s&3]
	if !p.has {
		return
	}
	p.has = false
	msg := p.buf
	if p.cut == 0 {
		msg = trimCR(msg)
	}
	a.emit(p.ts, s, msg, p.cut)
	if cap(p.buf) > 64<<10 {
		p.buf = nil // do not keep a megabyte around for one long line
	}
}

// trimCR drops the '\r' of a "\r\n" line end (every line of a TTY, and
// programs that write CRLF).
func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
