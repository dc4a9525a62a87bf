package stream

// Fuzz targets for the decoders (frames.go, tty.go) and the assembler
// (assemble.go). Each also runs as a plain test over its seeds; to fuzz:
//
//	go test ./stream -run '^$' -fuzz '^FuzzMuxDemuxer$' -fuzztime 60s
//	go test ./stream -run '^$' -fuzz '^FuzzAssemblerAnySplit$' -fuzztime 60s
//	go test ./stream -run '^$' -fuzz '^FuzzTTYDecoder$' -fuzztime 60s

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/google/go-cmp/cmp"
)

// splitReader hands out b in reads whose sizes the fuzzer chooses, so that
// frame headers, timestamps and 16 KiB chunks are cut anywhere. cuts[0]
// bit 0 makes the last read return io.EOF together with its bytes (which
// an io.Reader may do); each further byte is the size of one read, cycled:
// below 200 it is 1 to 200 bytes, from 200 on 1 to 56 KiB. Without size
// bytes the whole input comes in one read.
type splitReader struct {
	b           []byte
	sizes       []byte
	i           int
	eofWithData bool
}

func newSplitReader(b, cuts []byte) *splitReader {
	r := &splitReader{b: b}
	if len(cuts) > 0 {
		r.eofWithData = cuts[0]&1 == 1
		r.sizes = cuts[1:]
	}
	return r
}

func (r *splitReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := len(r.b)
	if len(r.sizes) > 0 {
		c := r.sizes[r.i%len(r.sizes)]
		r.i++
		n = 1 + int(c)
		if c >= 200 {
			n = int(c-199) << 10
		}
	}
	n = copy(p, r.b[:min(n, len(r.b))])
	r.b = r.b[n:]
	if len(r.b) == 0 && r.eofWithData {
		return n, io.EOF
	}
	return n, nil
}

// fuzzFrame is a decoded frame with its own copy of the message.
type fuzzFrame struct {
	stream entry.Stream
	ts     int64
	hasTS  bool
	msg    string
	cut    int64
	sysErr bool
}

// decoded is everything one decoder run gives: its frames, the lines the
// assembler makes of them, and how the stream ended ("" for io.EOF).
type decoded struct {
	frames []fuzzFrame
	lines  []line
	err    string
}

var cmpDecoded = cmp.AllowUnexported(decoded{}, fuzzFrame{}, line{})

// decodeAll reads dec to its end the way tracked.consume does (a frame
// without a timestamp takes the previous one's) and assembles the frames
// into lines capped at max, flushing at the end. A type-3 frame, which ends
// a read in consume, is recorded and passed over, so that the decoder is
// exercised past it. More than maxFrames frames fails (a decoder that does
// not advance); a run that takes more than a minute crashes the process,
// which the fuzzer records as a failing input (a decoder that hangs).
func decodeAll(t testing.TB, dec decoder, max int64, maxFrames int) decoded {
	t.Helper()
	hang := time.AfterFunc(time.Minute, func() { panic("decoder did not finish within a minute") })
	defer hang.Stop()
	var d decoded
	a := &assembler{max: max, emit: func(ts int64, s entry.Stream, msg []byte, cut int64) {
		d.lines = append(d.lines, line{ts, s, string(msg), cut})
	}}
	var last int64
	for {
		f, err := dec.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				d.err = err.Error()
			}
			break
		}
		d.frames = append(d.frames, fuzzFrame{f.stream, f.ts, f.hasTS, string(f.msg), f.cut, f.sysErr})
		if len(d.frames) > maxFrames {
			t.Fatalf("more than %d frames: the decoder does not advance", maxFrames)
		}
		if f.sysErr {
			continue
		}
		if !f.hasTS {
			f.ts = last
		}
		last = f.ts
		a.add(f)
	}
	a.flush()
	return d
}

// checkLineAccounting checks that no line exceeds max and that every byte
// of the frames is in a line or counted as cut, except the newline that
// ends a frame and at most one '\r' per line (a CRLF line end).
func checkLineAccounting(t testing.TB, d decoded, max int64) {
	t.Helper()
	var in, out, newlines int64
	for _, f := range d.frames {
		if f.sysErr {
			continue
		}
		in += int64(len(f.msg)) + f.cut
		if strings.HasSuffix(f.msg, "\n") {
			newlines++
		}
	}
	for i, l := range d.lines {
		if int64(len(l.msg)) > max {
			t.Fatalf("line %d has %d bytes, over the cap of %d", i, len(l.msg), max)
		}
		if l.cut < 0 {
			t.Fatalf("line %d has a negative cut %d", i, l.cut)
		}
		out += int64(len(l.msg)) + l.cut
	}
	if crs := in - newlines - out; crs < 0 || crs > int64(len(d.lines)) {
		t.Fatalf("frames hold %d bytes (%d newlines), lines hold or count %d: %d bytes unaccounted for",
			in, newlines, out, crs)
	}
}

var fuzzCaps = [4]int64{DefaultLineMax, DefaultLineMax, 100, 20000}

// FuzzMuxDemuxer feeds arbitrary bytes to the multiplexed-stream decoder:
// it must not panic or hang, must account for every byte of a stream that
// ends cleanly, must give the same frames and lines however the reads split
// the bytes and whatever the read buffer size (the small ones take the
// copying path for large frames), and no line may exceed the cap.
func FuzzMuxDemuxer(f *testing.F) {
	var valid []byte
	valid = append(valid, muxFrame(1, t0, "first\n")...)
	valid = append(valid, muxFrame(2, t0+1, strings.Repeat("e", 40))...) // small seeds: large ones make minimizing slow
	valid = append(valid, muxFrame(2, t0+1, "end of a long line\r\n")...)
	valid = append(valid, muxFrame(1, t0+1, "unterminated")...)
	f.Add(valid, []byte{0, 0, 3, 250, 7}, uint8(0), uint8(0))
	f.Add(valid, []byte{1}, uint8(1), uint8(2))
	f.Add(valid[:len(valid)-5], []byte{0, 13}, uint8(2), uint8(3)) // truncated payload
	f.Add([]byte{1, 0, 0}, []byte{}, uint8(0), uint8(0))           // truncated header
	f.Add([]byte{3, 0, 0, 0, 0, 0, 0, 4, 'b', 'o', 'o', 'm'}, []byte{0, 1}, uint8(0), uint8(0))
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0, 1, 'x'}, []byte{}, uint8(0), uint8(0))                    // unknown type
	f.Add([]byte{1, 0, 0, 0, 255, 255, 255, 255, 'x'}, []byte{}, uint8(1), uint8(0))            // huge length
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}, []byte{}, uint8(0), uint8(0)) // empty frames
	f.Add(append(muxFrame(1, t0, "no newline"), []byte{1, 0, 0, 0, 0, 0, 0, 6, 'n', 'o', ' ', 't', 's', '\n'}...),
		[]byte{0, 2}, uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, data, cuts []byte, bufSel, capSel uint8) {
		bufs := [4]int{64 << 10, 16, 4096, 16400}
		max := fuzzCaps[capSel%4]
		maxFrames := len(data)/8 + 1 // a frame takes at least its 8-byte header
		whole := decodeAll(t, &muxDecoder{r: bufio.NewReaderSize(bytes.NewReader(data), 64<<10)}, max, maxFrames)
		split := decodeAll(t, &muxDecoder{r: bufio.NewReaderSize(newSplitReader(data, cuts), bufs[bufSel%4])}, max, maxFrames)
		if diff := cmp.Diff(whole, split, cmpDecoded); diff != "" {
			t.Fatalf("split reads (buffer %d) decode differently (-whole +split):\n%s", bufs[bufSel%4], diff)
		}
		consumed := 0
		for i, fr := range whole.frames {
			if len(fr.msg) > maxFrame {
				t.Fatalf("frame %d holds %d bytes, over maxFrame", i, len(fr.msg))
			}
			consumed += 8 + len(fr.msg) + int(fr.cut)
			if fr.hasTS {
				consumed += tsLen + 1
			}
		}
		if consumed > len(data) || (whole.err == "" && consumed != len(data)) {
			t.Fatalf("frames account for %d of %d bytes (end: %q)", consumed, len(data), whole.err)
		}
		checkLineAccounting(t, whole, max)
	})
}

// genLine is one line a container wrote, as the daemon stores it.
type genLine struct {
	ts     int64
	stream entry.Stream
	raw    []byte // the bytes the assembler sees, without the newline
	term   bool   // a newline ended it (else the output stopped mid-line)
}

// genFrame is one message of the daemon: a whole line or one chunk.
type genFrame struct {
	ts     int64
	stream entry.Stream
	msg    []byte
	line   int // index in the lines
}

// Shape bits of one generated line (a byte of the fuzzer's shape, cycled).
const (
	shapeStderr     = 1 << 0 // stderr rather than stdout (mux only)
	shapeStep       = 3 << 1 // timestamp: same, +1 ns, +1.5 s, -1 s
	shapeLen        = 7 << 3 // length: as written, or padded to 16383 … 40960
	shapeInterleave = 1 << 6 // chunks alternate with the next line's (other stream)
	shapeOpen       = 1 << 7 // no newline: last line (mux), or any line (TTY)
)

var genLengths = [8]int{0, 0, 0, ttyChunk - 1, ttyChunk, ttyChunk + 1, 2 * ttyChunk, 40 << 10}

// genLines turns text into at most 32 lines (split at '\n', each shaped by
// the next byte of shape) with timestamps starting after t0.
func genLines(text, shape []byte, shapeOf func(i int, s byte, l *genLine)) []genLine {
	var lines []genLine
	ts, total := t0, 0
	for i, content := range bytes.Split(text, []byte("\n")) {
		if i == 32 || total > 256<<10 { // a fast run tries more inputs
			break
		}
		var s byte
		if len(shape) > 0 {
			s = shape[i%len(shape)]
		}
		switch s & shapeStep >> 1 {
		case 1:
			ts++
		case 2:
			ts += 1500 * int64(time.Millisecond)
		case 3:
			ts -= int64(time.Second) + 7
		}
		raw := bytes.Clone(content)
		if n := genLengths[s&shapeLen>>3]; n > 0 {
			if len(raw) == 0 {
				raw = []byte("x")
			}
			raw = bytes.Repeat(raw, n/len(raw)+1)[:n]
		}
		l := genLine{ts: ts, stream: entry.Stdout, raw: raw, term: true}
		shapeOf(i, s, &l)
		ts = l.ts
		total += len(l.raw)
		lines = append(lines, l)
	}
	return lines
}

// daemonChunks splits a line the way the daemon's copier does: a line of
// 16 KiB or more goes out as 16 KiB chunks and the rest (which may be
// empty), all stamped with the line's timestamp. json-file ends the last
// chunk with a newline; with local, a chunked line's last chunk has none.
// A line without a newline ends with its rest, if any.
func daemonChunks(l genLine, local bool) [][]byte {
	var out [][]byte
	rest := l.raw
	for len(rest) >= ttyChunk {
		out = append(out, rest[:ttyChunk])
		rest = rest[ttyChunk:]
	}
	switch {
	case l.term && local && len(out) > 0:
		out = append(out, rest)
	case l.term:
		out = append(out, append(bytes.Clone(rest), '\n'))
	case len(rest) > 0:
		out = append(out, rest)
	}
	return out
}

// wantLine is the line the assembler makes of l with the cap max. A short
// line arrives whole (its '\r' is trimmed before the cap applies); a
// chunked or unterminated one is assembled (its '\r' is trimmed only when
// nothing was cut, so a cut counts it).
func wantLine(l genLine, direct bool, max int64) line {
	raw := l.raw
	if direct {
		raw = trimCR(raw)
	}
	n := min(int64(len(raw)), max)
	msg, cut := raw[:n], int64(len(raw))-n
	if cut == 0 && !direct {
		msg = trimCR(msg)
	}
	return line{l.ts, l.stream, string(msg), cut}
}

func byStream(lines []line, s entry.Stream) []line {
	var out []line
	for _, l := range lines {
		if l.stream == s {
			out = append(out, l)
		}
	}
	return out
}

// FuzzAssemblerAnySplit writes the lines of a fuzzer-chosen text as the
// daemon would (stdout or stderr per line, timestamps that repeat, step
// over a second or go back, lines padded past 16 KiB and chunked, the
// chunks of a stdout and a stderr line interleaved, json-file or local
// chunk endings, an unterminated last line), reads the stream through
// reads split at fuzzer-chosen offsets and a fuzzer-chosen read buffer, and
// checks that the lines assembled are the lines written (bytes, stream,
// timestamp, in the order their last chunk arrived) and the same as when
// the stream is read whole.
func FuzzAssemblerAnySplit(f *testing.F) {
	long := func(n int) byte { return byte(n) << 3 }
	f.Add([]byte("hello\nworld\r\n\nlast"), []byte{0, 1, 2, 3}, []byte{}, uint8(0))
	f.Add([]byte("a\nb\nc\nd\ne"), []byte{long(7) | shapeInterleave, long(6) | 1, long(4) | 2, long(5) | 3 | 4, 0x80 | long(3)},
		[]byte{0, 0, 1, 2, 201, 255, 50}, uint8(0))
	f.Add([]byte("a\nb\nc\nd\ne"), []byte{long(7) | shapeInterleave, long(6) | 1, long(4) | 2, long(5) | 3 | 4, 0x80 | long(3)},
		[]byte{1, 199, 3}, uint8(1|2<<3)) // local driver, 16-byte buffer
	f.Add([]byte("same\nsame\nsame\r\nback\nforward"), []byte{long(4), 0, 1, 6, 4 | 0x80}, []byte{0, 30}, uint8(2<<1))
	f.Add([]byte("x\ny\nz\r"), []byte{long(7) | shapeInterleave | 1, long(7), 0x80 | long(6)}, []byte{0, 255}, uint8(3<<1|3<<3))
	f.Add([]byte("only"), []byte{0x80 | long(4)}, []byte{0}, uint8(1))
	f.Fuzz(func(t *testing.T, text, shape, cuts []byte, mode uint8) {
		local := mode&1 == 1
		max := fuzzCaps[mode>>1&3]
		buf := [4]int{64 << 10, 16, 4096, 16400}[mode>>3&3]
		partial := map[entry.Stream]int64{} // timestamp of a local chunked line still open
		lastLine := bytes.Count(text, []byte("\n"))
		lines := genLines(text, shape, func(i int, s byte, l *genLine) {
			if s&shapeStderr != 0 {
				l.stream = entry.Stderr
			}
			// Only the last line may lack a newline: the daemon holds a
			// partial line until its newline comes or the output ends.
			l.term = s&shapeOpen == 0 || i != lastLine || len(l.raw) == 0
			if ts, ok := partial[l.stream]; ok && ts == l.ts {
				// A local-driver line whose last chunk has no newline ends
				// only at a frame with another timestamp: the daemon never
				// stamps two lines alike (its clock has nanoseconds).
				l.ts++
			}
			delete(partial, l.stream)
			if local && len(l.raw) >= ttyChunk {
				partial[l.stream] = l.ts
			}
		})
		// The frames, with the chunks of a line and the next one (of the
		// other stream) alternating when the shape says so.
		var frames []genFrame
		for i := 0; i < len(lines); i++ {
			a := daemonChunks(lines[i], local)
			var s byte
			if len(shape) > 0 {
				s = shape[i%len(shape)]
			}
			if s&shapeInterleave != 0 && i+1 < len(lines) && lines[i+1].stream != lines[i].stream {
				b := daemonChunks(lines[i+1], local)
				for k := 0; k < len(a) || k < len(b); k++ {
					if k < len(a) {
						frames = append(frames, genFrame{lines[i].ts, lines[i].stream, a[k], i})
					}
					if k < len(b) {
						frames = append(frames, genFrame{lines[i+1].ts, lines[i+1].stream, b[k], i + 1})
					}
				}
				i++
				continue
			}
			for _, c := range a {
				frames = append(frames, genFrame{lines[i].ts, lines[i].stream, c, i})
			}
		}
		var stream []byte
		for _, fr := range frames {
			stream = append(stream, muxFrame(byte(fr.stream), fr.ts, string(fr.msg))...)
		}
		// The lines expected, in the order their last chunk arrives; an
		// unterminated or local-driver line may come later (when the output
		// ends or its stream moves on), so the order across streams is
		// checked for json-file only.
		want := make([]line, len(lines))
		for i, l := range lines {
			want[i] = wantLine(l, l.term && len(l.raw) < ttyChunk, max)
		}
		var ordered []line
		seen := make([]bool, len(lines))
		for k := len(frames) - 1; k >= 0; k-- {
			if i := frames[k].line; !seen[i] && lines[i].term {
				seen[i] = true
				ordered = append([]line{want[i]}, ordered...)
			}
		}
		for i := range lines {
			if !lines[i].term {
				ordered = append(ordered, want[i])
			}
		}

		whole := decodeAll(t, &muxDecoder{r: bufio.NewReaderSize(bytes.NewReader(stream), 64<<10)}, max, len(frames))
		split := decodeAll(t, &muxDecoder{r: bufio.NewReaderSize(newSplitReader(stream, cuts), buf)}, max, len(frames))
		if whole.err != "" || split.err != "" {
			t.Fatalf("a daemon stream failed to decode: %q / %q", whole.err, split.err)
		}
		if diff := cmp.Diff(whole.lines, split.lines, cmpLine...); diff != "" {
			t.Fatalf("split reads (buffer %d) give other lines (-whole +split):\n%s", buf, diff)
		}
		for _, s := range []entry.Stream{entry.Stdout, entry.Stderr} {
			if diff := cmp.Diff(byStream(want, s), byStream(whole.lines, s), cmpLine...); diff != "" {
				t.Fatalf("%v lines differ from those written (-want +got):\n%s", s, diff)
			}
		}
		if len(whole.lines) != len(want) {
			t.Fatalf("%d lines assembled, %d written", len(whole.lines), len(want))
		}
		if !local {
			if diff := cmp.Diff(ordered, whole.lines, cmpLine...); diff != "" {
				t.Fatalf("lines out of arrival order (-want +got):\n%s", diff)
			}
		}
	})
}

// ttyStream writes lines the way the daemon logs a TTY: every message is
// "<timestamp> <bytes>"; a line ends in "\r\n" (the pty's ONLCR) and goes
// out in 16 KiB chunks stamped alike; output that stopped without a newline
// ends where the next message starts.
func ttyStream(lines []genLine) []byte {
	var b []byte
	for _, l := range lines {
		full := l.raw // already ends in '\r' when terminated
		for len(full) >= ttyChunk {
			b = append(b, tsString(l.ts)+" "...)
			b = append(b, full[:ttyChunk]...)
			full = full[ttyChunk:]
		}
		if l.term || len(full) > 0 {
			b = append(b, tsString(l.ts)+" "...)
			b = append(b, full...)
			if l.term {
				b = append(b, '\n')
			}
		}
	}
	return b
}

// defuseLaterTimestamps changes the 'Z' of every timestamp in b that is
// later than ts (a program cannot write the time at which the daemon will
// stamp its line, so the decoder may take such text for the next message).
func defuseLaterTimestamps(b []byte, ts int64) {
	for z := 0; z+1 < len(b); z++ {
		if b[z] != 'Z' || b[z+1] != ' ' || z < tsLen-1 {
			continue
		}
		if next, ok := parseTS(b[z-(tsLen-1) : z+1]); ok && next > ts {
			b[z] = 'z'
		}
	}
}

// FuzzTTYDecoder feeds arbitrary bytes to the TTY decoder (no panic, no
// hang, every byte in a frame, the same frames and lines however the reads
// split them), then writes the fuzzer's text as the lines of a TTY
// container (timestamps that repeat, step or go back, lines padded past
// 16 KiB and chunked, output stopped mid-line and followed by the next
// run's) and checks that split reads assemble exactly the lines written.
func FuzzTTYDecoder(f *testing.F) {
	long := func(n int) byte { return byte(n) << 3 }
	var s strings.Builder
	s.WriteString(tsString(t0) + " hello\r\n")
	s.WriteString(tsString(t0+1) + " " + strings.Repeat("y", 40)) // small: the stretched seeds below are long
	s.WriteString(tsString(t0+1) + " rest\r\n")
	s.WriteString(tsString(t0+3) + " unterminated")
	s.WriteString(tsString(t0+4) + " next run " + tsString(t0-5) + " app-written timestamp\r\n")
	s.WriteString("untimed garbage\n" + tsString(t0+5) + " final")
	f.Add([]byte(s.String()), []byte{}, []byte{0, 3, 250, 9}, uint8(0))
	f.Add([]byte(s.String()), []byte{0x80, 2}, []byte{1}, uint8(1<<3))
	f.Add([]byte("open\nline "+tsString(t0+9)+" later\nx\n"), []byte{0x80 | long(7), 0x80 | 2, 4 | long(4), 6 | 0x80}, []byte{0, 1, 17}, uint8(0))
	f.Add([]byte("a\nb\r\nc"), []byte{long(3), long(4), long(5) | 0x80}, []byte{0, 200}, uint8(2<<1))
	f.Add([]byte(tsString(t0)[:20]), []byte{}, []byte{}, uint8(0)) // ends inside a prefix
	// Stretched: 16 KiB of z, then more text than the window holds.
	f.Add([]byte(tsString(t0)+" z"+strings.Repeat("y", 40)), []byte{}, []byte{0, 255}, uint8(1<<4))
	// Stretched: untimed text longer than the window.
	f.Add([]byte(strings.Repeat("g", 100)), []byte{}, []byte{0, 254, 3}, uint8(1<<4|1<<3))
	// Stretched: a chunk of 16 KiB, then the prefix of the next chunk.
	f.Add([]byte(tsString(t0)+" z"+tsString(t0)+" end\r\n"), []byte{}, []byte{0, 9}, uint8(1<<4))
	f.Fuzz(func(t *testing.T, text, shape, cuts []byte, mode uint8) {
		max := fuzzCaps[mode>>1&3]
		buf := [2]int{64 << 10, ttyWindow}[mode>>3&1]
		data := text
		if mode&(1<<4) != 0 && len(data) > 0 {
			// Stretch: the byte after the first prefix (or the last one)
			// comes 16 KiB times, so that small inputs reach the paths of
			// long messages (the fuzzer minimizes large inputs slowly).
			i := min(len(data)-1, tsLen+1)
			data = slices.Concat(data[:i], bytes.Repeat(data[i:i+1], ttyChunk-1), data[i:])
		}

		// Arbitrary bytes.
		whole := decodeAll(t, &ttyDecoder{r: bufio.NewReaderSize(bytes.NewReader(data), 64<<10)}, max, len(data))
		split := decodeAll(t, &ttyDecoder{r: bufio.NewReaderSize(newSplitReader(data, cuts), buf)}, max, len(data))
		if diff := cmp.Diff(whole, split, cmpDecoded); diff != "" {
			t.Fatalf("split reads (buffer %d) decode differently (-whole +split):\n%s", buf, diff)
		}
		if whole.err != "" {
			t.Fatalf("TTY decoding failed: %s", whole.err)
		}
		consumed := 0
		for _, fr := range whole.frames {
			consumed += len(fr.msg)
			if fr.hasTS {
				consumed += tsLen + 1
			}
		}
		if consumed != len(data) {
			t.Fatalf("frames account for %d of %d bytes", consumed, len(data))
		}
		checkLineAccounting(t, whole, max)

		// The same bytes as the text of a TTY container's lines.
		open := int64(-1 << 63) // timestamp of a line that stopped without a newline
		lines := genLines(text, shape, func(i int, s byte, l *genLine) {
			l.stream = entry.TTY
			if l.ts <= open {
				l.ts = open + 1 // the next run's output is stamped later
			}
			open = -1 << 63
			defuseLaterTimestamps(l.raw, l.ts)
			if s&shapeOpen != 0 && len(l.raw) > 0 {
				l.term = false
				open = l.ts
			} else {
				l.raw = append(l.raw, '\r')
			}
		})
		stream := ttyStream(lines)
		want := make([]line, len(lines))
		for i, l := range lines {
			want[i] = wantLine(l, l.term && len(l.raw) < ttyChunk, max)
		}
		got := decodeAll(t, &ttyDecoder{r: bufio.NewReaderSize(bytes.NewReader(stream), 64<<10)}, max, len(stream))
		gotSplit := decodeAll(t, &ttyDecoder{r: bufio.NewReaderSize(newSplitReader(stream, cuts), buf)}, max, len(stream))
		if diff := cmp.Diff(got.lines, gotSplit.lines, cmpLine...); diff != "" {
			t.Fatalf("split reads (buffer %d) give other lines (-whole +split):\n%s", buf, diff)
		}
		if diff := cmp.Diff(want, got.lines, cmpLine...); diff != "" {
			t.Fatalf("lines differ from those written (-want +got):\n%s", diff)
		}
	})
}

// TestTTYLongLineInSmallReadsIsLinear pins down what FuzzTTYDecoder found
// (testdata/fuzz/FuzzTTYDecoder/232d0072ccc5cb1e, whose worker was killed
// by the hang guard): a TTY line full of "Z " that arrives in small reads
// was scanned for its end from its start again at every read, parsing
// every "Z " again, so its cost grew with the square of its length. A
// failed parse allocates (time.Parse's error), so allocations count the
// parses: one per "Z " of the line, not one per "Z " per read.
func TestTTYLongLineInSmallReadsIsLinear(t *testing.T) {
	const n = 1000
	stream := []byte(tsString(t0) + " " + strings.Repeat("Z 2", n) + "\r\n")
	allocs := testing.AllocsPerRun(2, func() {
		d := &ttyDecoder{r: bufio.NewReaderSize(newSplitReader(stream, []byte{0, 15}), 64<<10)}
		for {
			if _, err := d.next(); err != nil {
				break
			}
		}
	})
	t.Logf("%.0f allocations for %d candidates", allocs, n)
	if allocs > 20*n {
		t.Fatalf("%.0f allocations to decode a line of %d \"Z \" in 16-byte reads: it is rescanned", allocs, n)
	}
}
