package logline

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Parsed
	}{
		{
			name: "a zap JSON line gives its message, time and the other fields in order",
			line: `{"level":"error","ts":1704110400.5,"caller":"api/handler.go:88","msg":"request failed","error":"EOF"}`,
			want: Parsed{Format: JSON, Level: entry.Error, Message: "request failed", Time: "1704110400.5",
				Fields: []Field{{"caller", "api/handler.go:88"}, {"error", "EOF"}}},
		},
		{
			name: "nested objects are flattened with dots and arrays kept as compact JSON",
			line: `{"msg":"handled","request":{"method":"GET","headers":{"accept":["*/*", "text/html"]}},"tags":[1, 2 ,{"a" : null}]}`,
			want: Parsed{Format: JSON, Message: "handled", Fields: []Field{
				{"request.method", "GET"}, {"request.headers.accept", `["*/*","text/html"]`}, {"tags", `[1,2,{"a":null}]`}}},
		},
		{
			name: "an empty object keeps its key and literals are kept as written",
			line: `{"msg":"x","ctx":{},"ok":true,"n":null,"f":-1.5e3}`,
			want: Parsed{Format: JSON, Message: "x", Fields: []Field{{"ctx", "{}"}, {"ok", "true"}, {"n", "null"}, {"f", "-1.5e3"}}},
		},
		{
			name: "the ECS nested log.level is the level and leaves log.logger in the fields",
			line: `{"@timestamp":"2024-01-01T12:00:00Z","log":{"level":"warn","logger":"api"},"message":"slow"}`,
			want: Parsed{Format: JSON, Level: entry.Warn, Message: "slow", Time: "2024-01-01T12:00:00Z",
				Fields: []Field{{"log.logger", "api"}}},
		},
		{
			name: "a level inside another nested object is an ordinary field",
			line: `{"msg":"saved","player":{"level":"error"}}`,
			want: Parsed{Format: JSON, Message: "saved", Fields: []Field{{"player.level", "error"}}},
		},
		{
			name: "string escapes are decoded and invalid UTF-8 becomes U+FFFD",
			line: "{\"msg\":\"tab\\there \\u00e9 \\ud83d\\ude00 \xff\",\"k\\u0065y\":\"\\\"q\\\"\"}",
			want: Parsed{Format: JSON, Message: "tab\there é 😀 \uFFFD", Fields: []Field{{"key", `"q"`}}},
		},
		{
			name: "a repeated top-level key keeps only its last value",
			line: `{"a":{"x":1},"msg":"m","a":2,"level":"info","level":"error"}`,
			want: Parsed{Format: JSON, Level: entry.Error, Message: "m", Fields: []Field{{"a", "2"}}},
		},
		{
			name: "the trace id is found and stays among the fields",
			line: `{"level":30,"msg":"done","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","reqId":"req-1"}`,
			want: Parsed{Format: JSON, Level: entry.Info, Message: "done", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
				Fields: []Field{{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}, {"reqId", "req-1"}}},
		},
		{
			name: "the request id stands in for a missing trace id",
			line: `{"msg":"done","request_id":"abc"}`,
			want: Parsed{Format: JSON, Message: "done", TraceID: "abc", Fields: []Field{{"request_id", "abc"}}},
		},
		{
			name: "Datadog's nested dd.trace_id is a trace id",
			line: `{"message":"ok","dd":{"trace_id":"123","span_id":"456"}}`,
			want: Parsed{Format: JSON, Message: "ok", TraceID: "123", Fields: []Field{{"dd.trace_id", "123"}, {"dd.span_id", "456"}}},
		},
		{
			name: "a Serilog CLEF event without @l is Information and @mt is its message",
			line: `{"@t":"2024-01-01T12:00:00Z","@mt":"Now listening on: {address}","address":"http://[::]:8080"}`,
			want: Parsed{Format: JSON, Level: entry.Info, Message: "Now listening on: {address}", Time: "2024-01-01T12:00:00Z",
				Fields: []Field{{"address", "http://[::]:8080"}}},
		},
		{
			name: "a level field with an unknown value stays among the fields",
			line: `{"level":"DEFAULT","msg":"x"}`,
			want: Parsed{Format: JSON, Message: "x", Fields: []Field{{"level", "DEFAULT"}}},
		},
		{
			name: "a logrus logfmt line gives its quoted message decoded",
			line: `time="2024-01-01T12:00:00Z" level=warning msg="disk \"data\" almost full" free=1.2GB`,
			want: Parsed{Format: Logfmt, Level: entry.Warn, Message: `disk "data" almost full`, Time: "2024-01-01T12:00:00Z",
				Fields: []Field{{"free", "1.2GB"}}},
		},
		{
			name: "a bare logfmt key has an empty value and Grafana's t= is the time",
			line: `logger=settings t=2024-01-01T12:00:00Z lvl=info msg=Starting traceID=abc dry-run`,
			want: Parsed{Format: Logfmt, Level: entry.Info, Message: "Starting", Time: "2024-01-01T12:00:00Z", TraceID: "abc",
				Fields: []Field{{"logger", "settings"}, {"traceID", "abc"}, {"dry-run", ""}}},
		},
		{
			name: "a text line is its own message",
			line: "2024/01/01 12:00:00 WARN disk almost full path=/data",
			want: Parsed{Format: Text, Level: entry.Warn, Message: "2024/01/01 12:00:00 WARN disk almost full path=/data"},
		},
		{
			name: "a line starting with { that does not parse is text",
			line: `{"level":"error","msg":"cut`,
			want: Parsed{Format: Text, Message: `{"level":"error","msg":"cut`},
		},
		{
			name: "a single key=value pair is text",
			line: "status=ok",
			want: Parsed{Format: Text, Message: "status=ok"},
		},
		{
			name: "logfmt must start with a key=value pair",
			line: "ERROR something level=info msg=x",
			want: Parsed{Format: Text, Level: entry.Error, Message: "ERROR something level=info msg=x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.line))
			assert.DeepEqual(t, got, tt.want)
			l, f := Quick([]byte(tt.line))
			assert.Equal(t, l, got.Level)
			assert.Equal(t, f, got.Format)
		})
	}
}

func TestParseDeepJSON(t *testing.T) {
	t.Run("objects deeper than the flattening limit are kept whole as compact JSON", func(t *testing.T) {
		line := `{"msg":"deep","a":` + strings.Repeat(`{"a":`, maxFlatten) + `1` + strings.Repeat(`}`, maxFlatten+1)
		got := Parse([]byte(line))
		key := strings.Repeat("a.", maxFlatten-1) + "a"
		assert.DeepEqual(t, got.Fields, []Field{{key, `{"a":1}`}})
	})
	t.Run("nesting is JSON exactly as deep as encoding/json accepts", func(t *testing.T) {
		for _, depth := range []int{maxDepth, maxDepth + 1} {
			line := []byte(`{"a":` + strings.Repeat(`[`, depth-1) + strings.Repeat(`]`, depth-1) + `}`)
			_, f := Quick(line)
			assert.Equal(t, f == JSON, json.Valid(line), "depth %d", depth)
		}
	})
}
