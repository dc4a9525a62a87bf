package render

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

// record is the documented JSON schema, read back with encoding/json.
type record struct {
	Time        string            `json:"time"`
	Service     string            `json:"service"`
	Container   string            `json:"container"`
	ContainerID string            `json:"container_id"`
	Replica     int               `json:"replica"`
	Stream      string            `json:"stream"`
	Level       string            `json:"level"`
	Message     string            `json:"message"`
	Fields      map[string]string `json:"fields"`
	TraceID     string            `json:"trace_id"`
	Format      string            `json:"format"`
	Grouped     bool              `json:"grouped"`
	CutBytes    int64             `json:"cut_bytes"`
}

// sinkOutput runs batches and notices through a sink whose out and errOut
// are the same buffer.
func sinkOutput(t testing.TB, mk func(out, errOut io.Writer) Sink, es []entry.Entry, ns []entry.Notice) string {
	var buf bytes.Buffer
	s := mk(&buf, &buf)
	if err := s.Lines(es); err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if err := s.Notice(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func jsonSink(o JSONOptions) func(out, errOut io.Writer) Sink {
	return func(out, errOut io.Writer) Sink { return NewJSON(out, errOut, o) }
}

// allCorpora is every test corpus, hostile ones included.
func allCorpora() []entry.Entry {
	es, _ := hostileEntries()
	es = append(es, levelSession()...)
	es = append(es, groupSession()...)
	es = append(es, ansiSession()...)
	es = append(es, hostileStructured()...)
	for _, b := range session() {
		es = append(es, b...)
	}
	return es
}

func TestJSONGolden(t *testing.T) {
	es, ns := hostileEntries()
	for _, c := range []struct {
		file string
		o    JSONOptions
		es   []entry.Entry
		ns   []entry.Notice
	}{
		{"json.golden", JSONOptions{}, append(levelSession(), groupSession()...), nil},
		{"json-raw.golden", JSONOptions{Raw: true}, levelSession(), nil},
		{"hostile-json.golden", JSONOptions{}, append(es, hostileStructured()...), ns},
	} {
		t.Run(c.file, func(t *testing.T) {
			golden.Assert(t, sinkOutput(t, jsonSink(c.o), c.es, c.ns), c.file)
		})
	}
}

// TestJSONRoundTrip checks that every line is one object encoding/json
// reads, that the message comes back as the sink saw it (invalid bytes as
// U+FFFD), and that the output is inert on a terminal.
func TestJSONRoundTrip(t *testing.T) {
	es := allCorpora()
	for _, raw := range []bool{false, true} {
		out := sinkOutput(t, jsonSink(JSONOptions{Raw: raw}), es, nil)
		assert.NilError(t, checkSafe([]byte(out), true))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		assert.Equal(t, len(lines), len(es))
		for i, l := range lines {
			var r record
			dec := json.NewDecoder(strings.NewReader(l))
			dec.DisallowUnknownFields()
			assert.NilError(t, dec.Decode(&r), l)
			assert.Equal(t, r.Message, wantMessage(&es[i], raw), l)
			assert.Equal(t, r.Container, string([]rune(es[i].Src.Name)))
			assert.Equal(t, r.Grouped, es[i].Flags&entry.Grouped != 0)
			assert.Equal(t, r.CutBytes, es[i].Cut)
			assert.Equal(t, r.Format, es[i].Format.String())
		}
	}
}

// wantMessage is the message the JSON sink must write for e.
func wantMessage(e *entry.Entry, raw bool) string {
	valid := func(b []byte) string { return string([]rune(string(b))) }
	if raw || e.Format == entry.Text {
		return valid(e.Msg)
	}
	first, rest := splitGroup(e)
	p := logline.Parse(first)
	if p.Format == entry.Text {
		return valid(e.Msg)
	}
	if rest != nil {
		return p.Message + "\n" + valid(rest)
	}
	return p.Message
}

func TestJSONRecord(t *testing.T) {
	e := detected(api1, 0, `{"level":"warn","ts":"x","msg":"slow","db":{"rows":3},"trace_id":"abc"}`)
	e.Src = &entry.Source{Service: "api", Name: "api-1", ID: "f00d", Number: 1}
	e.Cut = 123
	out := sinkOutput(t, jsonSink(JSONOptions{}), []entry.Entry{e}, nil)
	var got record
	assert.NilError(t, json.Unmarshal([]byte(out), &got))
	want := record{
		Time: "2026-11-21T02:22:03.589948920Z", Service: "api", Container: "api-1", ContainerID: "f00d",
		Replica: 1, Stream: "stdout", Level: "warn", Message: "slow",
		Fields: map[string]string{"db.rows": "3", "trace_id": "abc"}, TraceID: "abc",
		Format: "json", CutBytes: 123,
	}
	assert.DeepEqual(t, got, want)
	// Optional keys are left out, the others are always there.
	out = sinkOutput(t, jsonSink(JSONOptions{}), []entry.Entry{{Msg: []byte("x")}}, nil)
	assert.Equal(t, out, `{"time":"1970-01-01T00:00:00.000000000Z","service":"","container":"","container_id":"",`+
		`"replica":0,"stream":"unknown","level":"unknown","message":"x","format":"text"}`+"\n")
}

func TestJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"q\"b\\", `"q\"b\\"`},
		{"\n\r\t\x00\x1b\x7f", `"\n\r\t\u0000\u001b\u007f"`},
		{"\u009b\u202e\u2028\u2029", `"\u009b\u202e\u2028\u2029"`},
		{"héllo ✓ 🚀 <&>", `"héllo ✓ 🚀 <&>"`},
		{"a\xffb\xed\xa0\x80", `"a\ufffdb\ufffd\ufffd\ufffd"`},
		{"trunc\xe2\x82", `"trunc\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		assert.Equal(t, string(appendJSONString(nil, tt.in)), tt.want, "%q", tt.in)
		assert.Equal(t, string(appendJSONString(nil, []byte(tt.in))), tt.want, "%q as bytes", tt.in)
		var back string
		assert.NilError(t, json.Unmarshal([]byte(tt.want), &back))
		std, _ := json.Marshal(tt.in)
		var viaStd string
		assert.NilError(t, json.Unmarshal(std, &viaStd))
		if diff := cmp.Diff(viaStd, back); diff != "" {
			t.Errorf("%q decodes differently from encoding/json's:\n%s", tt.in, diff)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range hostileCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := appendJSONString(nil, in)
		if !utf8.Valid(out) || !json.Valid(out) {
			t.Fatalf("invalid: %q", out)
		}
		if err := checkSafe(out, false); err != nil {
			t.Fatal(err)
		}
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
		if want := string([]rune(string(in))); back != want {
			t.Fatalf("round trip: %q -> %q, want %q", in, back, want)
		}
	})
}
