package render

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// BenchmarkLines renders one 100-byte ASCII line per op, alternating
// between two containers, to a writer that discards.
func BenchmarkLines(b *testing.B) {
	msg := []byte(strings.Repeat("0123456789", 10))
	for _, bm := range []struct {
		name string
		o    Options
	}{
		{"plain", Options{}},
		{"timestamps", Options{Timestamps: true}},
		{"color", Options{Color: true}},
		{"color timestamps", Options{Color: true, Timestamps: true}},
		{"no prefix", Options{NoPrefix: true}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			term := NewTerminal(discard{}, discard{}, bm.o)
			es := [][]entry.Entry{
				{{Time: t0, Src: api1, Msg: msg}},
				{{Time: t0 + 1000, Src: worker1, Msg: msg}},
			}
			b.SetBytes(int64(len(msg)))
			i := 0
			for b.Loop() {
				if err := term.Lines(es[i&1]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkLinesBatch renders batches of 64 lines from 4 containers and
// reports the cost per line.
func BenchmarkLinesBatch(b *testing.B) {
	msg := []byte(strings.Repeat("0123456789", 10))
	srcs := []*entry.Source{api1, api2, worker1, db1}
	es := make([]entry.Entry, 64)
	for i := range es {
		es[i] = entry.Entry{Time: t0 + int64(i)*1e5, Src: srcs[i/16], Msg: msg}
	}
	term := NewTerminal(discard{}, discard{}, Options{Timestamps: true})
	b.SetBytes(int64(len(msg) * len(es)))
	for b.Loop() {
		if err := term.Lines(es); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(es)), "ns/line")
}

// Benchmark lines of each kind, as the pipeline hands them over.
var (
	benchText   = []byte("2026-11-21 02:22:03.600 UTC [42] WARNING:  checkpoints are occurring too frequently (29 seconds apart)")
	benchJSON   = []byte(`{"level":"info","ts":1704110400.123456,"caller":"server/main.go:42","msg":"request served","method":"GET","path":"/api/v1/items","status":200,"duration_ms":12.5,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}`)
	benchLogfmt = []byte(`time=2024-01-01T12:00:00.000Z level=INFO msg="request served" method=GET path=/api/v1/items status=200 duration=12.5ms`)
	// benchSeq is a line of `make bench`'s data (the log generator's
	// sequenced lines, padded to 100 bytes).
	benchSeq = []byte("host=4f1c2a9e0b7d boot=1 seq=123456 stream=out xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")

	benchEntries = func() map[string]entry.Entry {
		m := map[string]entry.Entry{}
		for name, msg := range map[string][]byte{"text": benchText, "json": benchJSON, "logfmt": benchLogfmt, "seq": benchSeq} {
			e := entry.Entry{Time: t0, Src: api1, Stream: entry.Stdout, Msg: msg}
			e.Level, e.Format = logline.Quick(msg)
			m[name] = e
		}
		g := grouped(api1, 0, javaTrace...)
		m["grouped"] = g
		return m
	}()
)

// BenchmarkRender renders one line per op through the terminal renderer
// with the options users turn on.
func BenchmarkRender(b *testing.B) {
	hl := []*regexp.Regexp{regexp.MustCompile(`checkpoints|request`)}
	for _, bm := range []struct {
		name, kind string
		o          Options
	}{
		{"text plain", "text", Options{}},
		{"text color level", "text", Options{Color: true, Timestamps: true}},
		{"text color highlight", "text", Options{Color: true, Highlight: hl}},
		{"text color ansi", "text", Options{Color: true, ANSI: true}},
		{"json structured", "json", Options{}},
		{"json structured color", "json", Options{Color: true, Timestamps: true}},
		{"json raw", "json", Options{Raw: true}},
		{"logfmt structured color", "logfmt", Options{Color: true}},
		{"bench line plain", "seq", Options{}},
		{"bench line color", "seq", Options{Color: true}},
		{"grouped java 9 lines color", "grouped", Options{Color: true, Timestamps: true}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			term := NewTerminal(discard{}, discard{}, bm.o)
			es := []entry.Entry{benchEntries[bm.kind]}
			b.ReportAllocs()
			b.SetBytes(int64(len(es[0].Msg)))
			for b.Loop() {
				if err := term.Lines(es); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOutputs renders one line per op through the other sinks; "json
// via encoding/json" encodes the same record with the standard library, to
// compare with the hand-written encoder.
func BenchmarkOutputs(b *testing.B) {
	tmpl, err := ParseTemplate(`{{.Timestamp}} {{.Container}} {{.Level}} {{.Message}}`)
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name, kind string
		sink       Sink
	}{
		{"json text", "text", NewJSON(discard{}, discard{}, JSONOptions{})},
		{"json structured", "json", NewJSON(discard{}, discard{}, JSONOptions{})},
		{"json raw", "json", NewJSON(discard{}, discard{}, JSONOptions{Raw: true})},
		{"raw text", "text", NewRaw(discard{}, discard{}, RawOptions{})},
		{"template text", "text", NewTemplate(discard{}, discard{}, tmpl, TemplateOptions{})},
	} {
		b.Run(bm.name, func(b *testing.B) {
			es := []entry.Entry{benchEntries[bm.kind]}
			b.ReportAllocs()
			b.SetBytes(int64(len(es[0].Msg)))
			for b.Loop() {
				if err := bm.sink.Lines(es); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("json text via encoding/json", func(b *testing.B) {
		e := benchEntries["text"]
		enc := json.NewEncoder(discard{})
		enc.SetEscapeHTML(false)
		b.ReportAllocs()
		b.SetBytes(int64(len(e.Msg)))
		for b.Loop() {
			r := record{Time: string(appendTimestamp(nil, e.Time)), Service: e.Src.Service, Container: e.Src.Name,
				ContainerID: e.Src.ID, Replica: e.Src.Number, Stream: e.Stream.String(), Level: e.Level.String(),
				Message: string(e.Msg), Format: e.Format.String()}
			if err := enc.Encode(&r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStructuredParsed is the part of rendering a JSON line that
// follows logline.Parse: badge, message and fields into the line buffer.
func BenchmarkStructuredParsed(b *testing.B) {
	p := logline.Parse(benchJSON)
	term := NewTerminal(discard{}, discard{}, Options{Color: true})
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = term.appendParsed(buf[:0], p.Level, &p)
	}
}
