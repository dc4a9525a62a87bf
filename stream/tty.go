package stream

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"github.com/docker-devlogs/devlogs/entry"
)

// ttyChunk is the daemon's copier buffer: a line longer than this is logged
// as several messages of exactly this many bytes plus the rest, all carrying
// the first chunk's timestamp.
const ttyChunk = 16 << 10

// ttyDecoder reads the raw stream of a TTY container. There is no framing:
// messages follow each other as "<timestamp> <bytes>", where the bytes end
// in "\r\n" for a whole line (the pty's ONLCR) and end with nothing for a
// 16 KiB chunk of a longer line or for output that stopped without a
// newline. So a message ends at the first '\n', or earlier where the next
// message's timestamp starts:
//
//   - exactly ttyChunk bytes in, with the same timestamp (a long line), or
//   - anywhere, with a later timestamp (an unterminated last line followed
//     by the next run's output).
//
// A container's own text cannot fake the second case: a timestamp the
// program wrote into its line was taken before the daemon stamped that line,
// so it is never later than the line's own timestamp.
type ttyDecoder struct {
	r       *bufio.Reader
	consume int
}

// ttyWindow is the most bytes needed to find where a message ends: the
// prefix, a full chunk, and the next prefix.
const ttyWindow = 2*(tsLen+1) + ttyChunk

func (d *ttyDecoder) next() (frame, error) {
	if d.consume > 0 {
		_, _ = d.r.Discard(d.consume)
		d.consume = 0
	}
	p, err := d.r.Peek(tsLen + 1)
	if err != nil {
		if errors.Is(err, io.EOF) && len(p) > 0 {
			return d.rest(len(p)), nil
		}
		return frame{}, err
	}
	ts, ok, _ := splitTS(p)
	if !ok {
		return d.untimed()
	}
	// The message grows as reads arrive: what was scanned for its end is
	// not scanned again, or a line arriving in small reads costs the square
	// of its length (and a timestamp parse per "Z " each time).
	scanned := 0
	for {
		avail := min(d.r.Buffered(), ttyWindow)
		p, _ = d.r.Peek(avail)
		body := p[tsLen+1:]
		if end, ok := ttyMessageEnd(body, ts, scanned); ok {
			d.consume = tsLen + 1 + end
			return frame{stream: entry.TTY, ts: ts, hasTS: true, msg: body[:end]}, nil
		}
		scanned = max(len(body)-1, 0) // a final 'Z' may yet be followed by ' '
		if avail == ttyWindow {
			// No line end and no next message in sight: a peer that does not
			// follow the daemon's rules. Take one chunk and resynchronize.
			d.consume = tsLen + 1 + ttyChunk
			return frame{stream: entry.TTY, ts: ts, hasTS: true, msg: body[:ttyChunk]}, nil
		}
		if _, err := d.r.Peek(avail + 1); err != nil {
			if errors.Is(err, io.EOF) {
				p, _ = d.r.Peek(d.r.Buffered())
				d.consume = len(p)
				return frame{stream: entry.TTY, ts: ts, hasTS: true, msg: p[tsLen+1:]}, nil
			}
			return frame{}, err
		}
	}
}

// ttyMessageEnd returns the length of the message at the start of body,
// looking for its end from start on (body[:start] holds no newline, and no
// "Z " that starts the next message).
func ttyMessageEnd(body []byte, ts int64, start int) (int, bool) {
	limit := len(body)
	nl := bytes.IndexByte(body[start:], '\n')
	if nl >= 0 {
		nl += start
		limit = nl
	}
	for from := start; ; {
		i := bytes.Index(body[from:limit], []byte("Z "))
		if i < 0 {
			break
		}
		z := from + i
		from = z + 1
		p := z - (tsLen - 1)
		if p < 1 {
			continue
		}
		next, ok := parseTS(body[p : p+tsLen])
		if ok && (next > ts || (next == ts && p == ttyChunk)) {
			return p, true
		}
	}
	if nl >= 0 {
		return nl + 1, true
	}
	return 0, false
}

// rest returns the last n bytes of a stream that ended inside a prefix.
func (d *ttyDecoder) rest(n int) frame {
	p, _ := d.r.Peek(n)
	d.consume = n
	return frame{stream: entry.TTY, msg: p}
}

// untimed returns bytes up to the next newline when the stream does not
// start with a timestamp, so that a desynchronized peer still shows text.
func (d *ttyDecoder) untimed() (frame, error) {
	for {
		avail := min(d.r.Buffered(), ttyWindow)
		p, _ := d.r.Peek(avail)
		if nl := bytes.IndexByte(p, '\n'); nl >= 0 {
			d.consume = nl + 1
			return frame{stream: entry.TTY, msg: p[:nl+1]}, nil
		}
		if avail == ttyWindow {
			d.consume = avail
			return frame{stream: entry.TTY, msg: p}, nil
		}
		if _, err := d.r.Peek(avail + 1); err != nil {
			if errors.Is(err, io.EOF) {
				return d.rest(d.r.Buffered()), nil
			}
			return frame{}, err
		}
	}
}
