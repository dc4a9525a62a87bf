package stream

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/docker-devlogs/devlogs/entry"
)

// maxFrame bounds the bytes of one frame payload kept in memory. The daemon
// never sends more than a 16 KiB message plus its timestamp in one frame, so
// only a broken or hostile peer reaches it; the rest is counted as cut.
const maxFrame = 1 << 20

// frame is one message of a logs stream: a whole line or one chunk of a
// longer line, with the timestamp the daemon gave it.
type frame struct {
	stream entry.Stream
	ts     int64
	hasTS  bool
	msg    []byte // valid until the next call to next(); may end in '\n'
	cut    int64  // payload bytes beyond maxFrame, dropped
	sysErr bool   // a daemon error (stream type 3); msg holds its text
}

// decoder yields the frames of one logs response in order.
type decoder interface {
	next() (frame, error)
}

// errSystem reports a type-3 frame: the daemon failed while reading the log
// (for example a corrupt or rotated-away file) and ends the stream.
type errSystem struct{ msg string }

func (e errSystem) Error() string { return "daemon error while reading logs: " + e.msg }

// muxDecoder reads the multiplexed stream of a non-TTY container: each
// frame is an 8-byte header (stream type, 3 zero bytes, big-endian length)
// and a payload "<timestamp> <message>". stdcopy.StdCopy is not used: with
// timestamps it glues the timestamps of later chunks into long lines.
type muxDecoder struct {
	r       *bufio.Reader
	consume int    // bytes of the previous frame still to discard
	buf     []byte // payload copy for frames larger than the read buffer
}

func (d *muxDecoder) next() (frame, error) {
	if d.consume > 0 {
		_, _ = d.r.Discard(d.consume)
		d.consume = 0
	}
	hdr, err := d.r.Peek(8)
	if err != nil {
		if errors.Is(err, io.EOF) && len(hdr) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return frame{}, err
	}
	typ := hdr[0]
	size := int64(binary.BigEndian.Uint32(hdr[4:8]))
	var payload []byte
	var cut int64
	if 8+size <= int64(d.r.Size()) {
		p, err := d.r.Peek(int(8 + size))
		if err != nil {
			return frame{}, unexpected(err)
		}
		payload, d.consume = p[8:], int(8+size)
	} else {
		_, _ = d.r.Discard(8)
		keep := min(size, maxFrame)
		if cap(d.buf) < int(keep) {
			d.buf = make([]byte, keep)
		}
		payload = d.buf[:keep]
		if _, err := io.ReadFull(d.r, payload); err != nil {
			return frame{}, unexpected(err)
		}
		if cut = size - keep; cut > 0 {
			if _, err := io.CopyN(io.Discard, d.r, cut); err != nil {
				return frame{}, unexpected(err)
			}
		}
	}
	f := frame{cut: cut}
	switch typ {
	case 0, 1:
		f.stream = entry.Stdout
	case 2:
		f.stream = entry.Stderr
	case 3:
		f.sysErr = true
	default:
		return frame{}, fmt.Errorf("malformed logs stream: frame type %d", typ)
	}
	f.ts, f.hasTS, f.msg = splitTS(payload)
	return f, nil
}

// splitTS splits "<timestamp> <message>" when the payload starts with a
// daemon timestamp.
func splitTS(p []byte) (int64, bool, []byte) {
	if len(p) > tsLen && p[tsLen] == ' ' {
		if ts, ok := parseTS(p[:tsLen]); ok {
			return ts, true, p[tsLen+1:]
		}
	}
	return 0, false, p
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
