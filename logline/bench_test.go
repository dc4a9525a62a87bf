package logline

import (
	"strings"
	"testing"
)

// Benchmark inputs: typical lines of each format. benchJSON is ~200 bytes
// with the level and message first, as zap, pino and slog write them.
var (
	benchText   = []byte("2024-01-01T12:00:00.123Z  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http)")
	benchJSON   = []byte(`{"level":"info","ts":1704110400.123456,"caller":"server/main.go:42","msg":"request served","method":"GET","path":"/api/v1/items","status":200,"duration_ms":12.5,"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}`)
	benchLogfmt = []byte(`time=2024-01-01T12:00:00.000Z level=INFO msg="request served" method=GET path=/api/v1/items status=200 duration=12.5ms`)
)

var sinkLevel, sinkFormat = Quick(nil)

func benchQuick(b *testing.B, line []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		sinkLevel, sinkFormat = Quick(line)
	}
}

func BenchmarkQuickText(b *testing.B)   { benchQuick(b, benchText) }
func BenchmarkQuickJSON(b *testing.B)   { benchQuick(b, benchJSON) }
func BenchmarkQuickLogfmt(b *testing.B) { benchQuick(b, benchLogfmt) }

var sinkParsed Parsed

func benchParse(b *testing.B, line []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		sinkParsed = Parse(line)
	}
}

func BenchmarkParseJSON(b *testing.B)   { benchParse(b, benchJSON) }
func BenchmarkParseLogfmt(b *testing.B) { benchParse(b, benchLogfmt) }

// BenchmarkLevelCorpus runs Level over every line of the corpus, a mix of
// formats closer to a real project's output than one line repeated.
func BenchmarkLevelCorpus(b *testing.B) {
	corpus := readCorpus(b)
	lines := make([][]byte, len(corpus))
	for i, c := range corpus {
		lines[i] = []byte(c.line)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			sinkLevel = Level(l)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/line")
}

func BenchmarkGroupAdd(b *testing.B) {
	first := []byte("12:00:00.123 [main] ERROR com.example.App - Application run failed")
	frame := []byte("\tat org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)")
	b.ReportAllocs()
	var g Group
	for b.Loop() {
		g.Start(first)
		g.Add(frame)
	}
}

// BenchmarkQuickJSONLong has a 1.4 KB stack trace field: the scanner's
// eight-bytes-at-a-time path.
func BenchmarkQuickJSONLong(b *testing.B) {
	line := []byte(`{"level":"error","ts":1704110400.5,"msg":"request failed","stacktrace":"` +
		strings.Repeat(`main.handle /app/main.go:12 +0x1d net/http.HandlerFunc.ServeHTTP `, 20) + `"}`)
	benchQuick(b, line)
}
