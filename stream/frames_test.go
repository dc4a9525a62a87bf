package stream

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
)

// tsString formats ns the way the daemon does.
func tsString(ns int64) string {
	return formatTS(ns)
}

// muxFrame encodes one multiplexed frame with a timestamped payload.
func muxFrame(typ byte, ts int64, msg string) []byte {
	payload := tsString(ts) + " " + msg
	b := make([]byte, 8, 8+len(payload))
	b[0] = typ
	binary.BigEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

type line struct {
	ts     int64
	stream entry.Stream
	msg    string
	cut    int64
}

// collect decodes a whole stream into lines, flushing at EOF.
func collect(t *testing.T, d decoder, max int64) []line {
	t.Helper()
	var out []line
	a := &assembler{max: max, emit: func(ts int64, s entry.Stream, msg []byte, cut int64) {
		out = append(out, line{ts, s, string(msg), cut})
	}}
	for {
		f, err := d.next()
		if errors.Is(err, io.EOF) {
			a.flush()
			return out
		}
		assert.NilError(t, err)
		a.add(f)
	}
}

const t0 = int64(1763689788662610790)

func TestMuxLinesSurviveAnyByteSplit(t *testing.T) {
	long := strings.Repeat("é", 20000) // 40,000 bytes: three chunks
	var stream []byte
	stream = append(stream, muxFrame(1, t0, "first\n")...)
	stream = append(stream, muxFrame(2, t0+1, long[:16384])...)
	stream = append(stream, muxFrame(2, t0+1, long[16384:32768])...)
	stream = append(stream, muxFrame(2, t0+1, long[32768:]+"\n")...)
	stream = append(stream, muxFrame(1, t0+1, "same ts, other stream\r\n")...)
	stream = append(stream, muxFrame(1, t0+2, "local-driver last chunk without newline")...)
	stream = append(stream, muxFrame(1, t0+3, "unterminated")...)
	want := []line{
		{t0, entry.Stdout, "first", 0},
		{t0 + 1, entry.Stderr, long, 0},
		{t0 + 1, entry.Stdout, "same ts, other stream", 0},
		{t0 + 2, entry.Stdout, "local-driver last chunk without newline", 0},
		{t0 + 3, entry.Stdout, "unterminated", 0},
	}
	readers := map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(stream) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(stream)) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(stream)) },
	}
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			got := collect(t, &muxDecoder{r: bufio.NewReaderSize(r(), 64<<10)}, DefaultLineMax)
			assert.DeepEqual(t, got, want, cmpLine...)
		})
	}
	// A small read buffer exercises the copying path for frames larger than it.
	got := collect(t, &muxDecoder{r: bufio.NewReaderSize(bytes.NewReader(stream), 16)}, DefaultLineMax)
	assert.DeepEqual(t, got, want, cmpLine...)
}

func TestMuxLineCapCountsDroppedBytes(t *testing.T) {
	var stream []byte
	for i := 0; i < 10; i++ {
		stream = append(stream, muxFrame(1, t0, strings.Repeat("x", 16384))...)
	}
	stream = append(stream, muxFrame(1, t0, "tail\n")...)
	stream = append(stream, muxFrame(1, t0+1, "next\n")...)
	got := collect(t, &muxDecoder{r: bufio.NewReader(bytes.NewReader(stream))}, 50000)
	assert.Equal(t, len(got), 2)
	assert.Equal(t, len(got[0].msg), 50000)
	assert.Equal(t, got[0].cut, int64(10*16384+4-50000))
	assert.Equal(t, got[1].msg, "next")
}

func TestMuxSystemErrorFrame(t *testing.T) {
	b := []byte{3, 0, 0, 0, 0, 0, 0, 4}
	b = append(b, "boom"...)
	d := &muxDecoder{r: bufio.NewReader(bytes.NewReader(b))}
	f, err := d.next()
	assert.NilError(t, err)
	assert.Assert(t, f.sysErr)
	assert.Equal(t, string(f.msg), "boom")
}

func TestMuxTruncatedHeaderIsUnexpectedEOF(t *testing.T) {
	d := &muxDecoder{r: bufio.NewReader(bytes.NewReader([]byte{1, 0, 0}))}
	_, err := d.next()
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestTTYMessagesSplitAtNewlinesChunksAndLaterTimestamps(t *testing.T) {
	long := strings.Repeat("y", 20000)
	var s strings.Builder
	s.WriteString(tsString(t0) + " hello\r\n")
	s.WriteString(tsString(t0+1) + " " + long[:16384])
	s.WriteString(tsString(t0+1) + " " + long[16384:] + "\r\n")
	s.WriteString(tsString(t0+2) + " progress 10%\rprogress 100%\r\n")
	s.WriteString(tsString(t0+3) + " unterminated last line")
	s.WriteString(tsString(t0+4) + " next run " + tsString(t0-5) + " app-written timestamp\r\n")
	s.WriteString(tsString(t0+5) + " final without newline")
	want := []line{
		{t0, entry.TTY, "hello", 0},
		{t0 + 1, entry.TTY, long, 0},
		{t0 + 2, entry.TTY, "progress 10%\rprogress 100%", 0},
		{t0 + 3, entry.TTY, "unterminated last line", 0},
		{t0 + 4, entry.TTY, "next run " + tsString(t0-5) + " app-written timestamp", 0},
		{t0 + 5, entry.TTY, "final without newline", 0},
	}
	for name, r := range map[string]io.Reader{
		"whole":    strings.NewReader(s.String()),
		"one byte": iotest.OneByteReader(strings.NewReader(s.String())),
	} {
		t.Run(name, func(t *testing.T) {
			got := collect(t, &ttyDecoder{r: bufio.NewReaderSize(r, 64<<10)}, DefaultLineMax)
			assert.DeepEqual(t, got, want, cmpLine...)
		})
	}
}

func TestMuxRandomSplitsGiveTheSameLines(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var stream []byte
	var want []line
	ts := t0
	for i := 0; i < 300; i++ {
		ts += int64(r.IntN(3)) // repeated timestamps on purpose
		typ := byte(1 + r.IntN(2))
		msg := fmt.Sprintf("line %d %s", i, strings.Repeat("z", r.IntN(100)))
		stream = append(stream, muxFrame(typ, ts, msg+"\n")...)
		want = append(want, line{ts, entry.Stream(typ), msg, 0})
	}
	for trial := 0; trial < 20; trial++ {
		got := collect(t, &muxDecoder{r: bufio.NewReaderSize(&randomReader{b: stream, r: r}, 64<<10)}, DefaultLineMax)
		assert.DeepEqual(t, got, want, cmpLine...)
	}
}

// randomReader returns its bytes in reads of random sizes.
type randomReader struct {
	b []byte
	r *rand.Rand
}

func (rr *randomReader) Read(p []byte) (int, error) {
	if len(rr.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(rr.b), 1+rr.r.IntN(40))
	copy(p, rr.b[:n])
	rr.b = rr.b[n:]
	return n, nil
}

var cmpLine = []cmp.Option{cmp.AllowUnexported(line{})}

func TestChunksOfStdoutAndStderrLinesInterleave(t *testing.T) {
	out, errl := strings.Repeat("o", 20000), strings.Repeat("e", 20000)
	var stream []byte
	stream = append(stream, muxFrame(1, t0, out[:16384])...)
	stream = append(stream, muxFrame(2, t0+1, errl[:16384])...)
	stream = append(stream, muxFrame(1, t0, out[16384:]+"\n")...)
	stream = append(stream, muxFrame(2, t0+1, errl[16384:]+"\n")...)
	got := collect(t, &muxDecoder{r: bufio.NewReader(bytes.NewReader(stream))}, DefaultLineMax)
	assert.DeepEqual(t, got, []line{{t0, entry.Stdout, out, 0}, {t0 + 1, entry.Stderr, errl, 0}}, cmpLine...)
}
