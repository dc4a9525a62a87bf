package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

func rawSink(o RawOptions) func(out, errOut io.Writer) Sink {
	return func(out, errOut io.Writer) Sink { return NewRaw(out, errOut, o) }
}

func templateSink(t testing.TB, text string, o TemplateOptions) func(out, errOut io.Writer) Sink {
	tmpl, err := ParseTemplate(text)
	if err != nil {
		t.Fatal(err)
	}
	return func(out, errOut io.Writer) Sink { return NewTemplate(out, errOut, tmpl, o) }
}

// goldenTemplate shows every View field and function.
const goldenTemplate = `{{.Timestamp}} {{.Time.Format "15:04:05"}} {{.Service}}/{{.Container}}#{{.Replica}} ` +
	`{{.ID}} {{.Stream}} {{upper .Level}} {{.Message}}{{with .TraceID}} trace={{.}}{{end}}` +
	`{{if .Fields}} {{json .Fields}}{{end}}{{if ne .Line .Message}} line={{trim .Line | lower}}{{end}}`

func TestOutputsGolden(t *testing.T) {
	hostile, ns := hostileEntries()
	hostile = append(hostile, hostileStructured()...)
	normal := append(levelSession(), groupSession()...)
	for _, c := range []struct {
		file string
		mk   func(out, errOut io.Writer) Sink
		es   []entry.Entry
		ns   []entry.Notice
	}{
		{"raw.golden", rawSink(RawOptions{}), normal, nil},
		{"raw-ansi.golden", rawSink(RawOptions{ANSI: true}), ansiSession(), nil},
		{"hostile-raw.golden", rawSink(RawOptions{}), hostile, ns},
		{"hostile-raw-ansi.golden", rawSink(RawOptions{ANSI: true}), hostile, ns},
		{"template.golden", templateSink(t, goldenTemplate, TemplateOptions{}), normal, nil},
		{"template-raw.golden", templateSink(t, goldenTemplate, TemplateOptions{Raw: true}), levelSession(), nil},
		{"hostile-template.golden", templateSink(t, goldenTemplate, TemplateOptions{}), hostile, ns},
	} {
		t.Run(c.file, func(t *testing.T) {
			out := sinkOutput(t, c.mk, c.es, c.ns)
			golden.Assert(t, out, c.file)
			o := Options{ANSI: strings.Contains(c.file, "ansi")}
			assert.NilError(t, checkOutput(out, o))
		})
	}
}

func TestRawLineCount(t *testing.T) {
	es := allCorpora()
	want := 0
	for _, e := range es {
		want++
		if e.Flags&entry.Grouped != 0 {
			want += bytes.Count(e.Msg, []byte("\n"))
		}
	}
	out := sinkOutput(t, rawSink(RawOptions{}), es, nil)
	assert.Equal(t, strings.Count(out, "\n"), want)
	assert.Assert(t, !strings.Contains(out, "\x1b"))
}

func TestNoticesArePlainInEveryFormat(t *testing.T) {
	n := entry.Notice{Kind: entry.Warning, Src: &entry.Source{Name: "api-1\x1b]0;x\x07"}, Text: "lag \u202e"}
	for name, mk := range map[string]func(out, errOut io.Writer) Sink{
		"json":     jsonSink(JSONOptions{}),
		"raw":      rawSink(RawOptions{ANSI: true}),
		"template": templateSink(t, "{{.Message}}", TemplateOptions{}),
	} {
		var log []string
		s := mk(orderWriter{"out", &log}, orderWriter{"err", &log})
		assert.NilError(t, s.Lines([]entry.Entry{line(api1, 0, "last words")}))
		assert.NilError(t, s.Notice(n))
		assert.NilError(t, s.Notice(entry.Notice{Text: "bye"}))
		assert.Equal(t, len(log), 3, name)
		assert.Assert(t, strings.HasPrefix(log[0], "out: "), name)
		assert.DeepEqual(t, log[1:], []string{"err: api-1^[]0;x^G * lag <U+202E>\n", "err: devlogs: bye\n"})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	for text, want := range map[string]string{
		"{{.Message":       `parse template "{{.Message": `,
		"{{.Msg}}":         `can't evaluate field Msg`,
		"{{nosuch .Line}}": `function "nosuch" not defined`,
	} {
		_, err := ParseTemplate(text)
		assert.ErrorContains(t, err, want)
		assert.ErrorContains(t, err, ".Message .Fields")
	}
}

func TestTemplateMissingFieldIsEmpty(t *testing.T) {
	e := detected(api1, 0, `{"level":"info","msg":"m","user":"bob"}`)
	out := sinkOutput(t, templateSink(t, `[{{.Fields.user}}|{{.Fields.nope}}|{{index .Fields "user"}}]`, TemplateOptions{}),
		[]entry.Entry{e, line(api1, 1, "text")}, nil)
	assert.Equal(t, out, "[bob||bob]\n[||]\n")
}

// TestTemplateErrorOnce checks that an execution error is returned once, with
// the template, and that failing entries write nothing.
func TestTemplateErrorOnce(t *testing.T) {
	tmpl := template.Must(template.New("t").Parse(`{{slice .Message 0 3}}`))
	var out bytes.Buffer
	s := NewTemplate(&out, &out, tmpl, TemplateOptions{})
	err := s.Lines([]entry.Entry{line(api1, 0, "long enough"), line(api1, 1, "x"), line(api1, 2, "abcd")})
	assert.ErrorContains(t, err, `template "{{slice .Message 0 3}}"`)
	assert.ErrorContains(t, err, "out of range")
	assert.NilError(t, s.Lines([]entry.Entry{line(api1, 3, "y"), line(api1, 4, "again")}))
	assert.NilError(t, s.Flush())
	assert.Equal(t, out.String(), "lon\naga\n")
}

func TestTemplateJSONFunc(t *testing.T) {
	e := detected(api1, 0, `{"level":"info","msg":"<b>&","k":"v"}`)
	out := sinkOutput(t, templateSink(t, `{{json .}}`, TemplateOptions{}), []entry.Entry{e}, nil)
	var v map[string]any
	assert.NilError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, v["Message"], "<b>&")
	assert.Assert(t, strings.Contains(out, `"Message":"<b>&"`), out)
}

func TestSinkWriteErrors(t *testing.T) {
	tmpl, err := ParseTemplate("{{.Line}}")
	assert.NilError(t, err)
	big := entry.Entry{Src: api1, Msg: bytes.Repeat([]byte("x"), bufSize+1)}
	for _, s := range []Sink{
		NewJSON(failWriter{}, failWriter{}, JSONOptions{}),
		NewRaw(failWriter{}, failWriter{}, RawOptions{}),
		NewTemplate(failWriter{}, failWriter{}, tmpl, TemplateOptions{}),
	} {
		assert.Assert(t, errors.Is(s.Lines([]entry.Entry{big}), errBroken))
		assert.Assert(t, errors.Is(s.Flush(), errBroken))
		assert.Assert(t, errors.Is(s.Notice(entry.Notice{Text: "x"}), errBroken))
	}
}

// FuzzOutputs runs random entries through the json, raw and template
// sinks: every JSON line parses and is inert, raw keeps one output line
// per line and no escape, the template's strings are sanitized.
func FuzzOutputs(f *testing.F) {
	for i, s := range hostileCorpus {
		f.Add([]byte(s), uint8(i%3), uint8(i%2), uint8(i))
	}
	f.Add([]byte(zapTrace[0]+"\n"+zapTrace[1]), uint8(1), uint8(1), uint8(0))
	tmpl, err := ParseTemplate(goldenTemplate)
	if err != nil {
		f.Fatal(err)
	}
	sgrOnly := regexp.MustCompile(`\x1b\[[0-9;]*m`)
	f.Fuzz(func(t *testing.T, msg []byte, format, flags, opts uint8) {
		e := entry.Entry{Time: t0, Src: api1, Msg: msg, Format: entry.Format(format % 3),
			Flags: entry.Flags(flags & 1), Level: entry.Level(opts % 8), Cut: int64(opts & 0x80)}
		es := []entry.Entry{e}
		lines := 1
		if e.Flags&entry.Grouped != 0 {
			lines += bytes.Count(msg, []byte("\n"))
		}
		out := sinkOutput(t, jsonSink(JSONOptions{Raw: opts&8 != 0}), es, nil)
		var r record
		if err := json.Unmarshal([]byte(out), &r); err != nil || strings.Count(out, "\n") != 1 {
			t.Fatalf("json %q: %v", out, err)
		}
		if err := checkSafe([]byte(out), true); err != nil {
			t.Fatal(err)
		}
		if r.Message != wantMessage(&e, opts&8 != 0) {
			t.Fatalf("message %q, want %q", r.Message, wantMessage(&e, opts&8 != 0))
		}
		ansi := opts&16 != 0
		out = sinkOutput(t, rawSink(RawOptions{ANSI: ansi}), es, nil)
		if err := checkOutput(out, Options{ANSI: ansi}); err != nil || strings.Count(out, "\n") != lines {
			t.Fatalf("raw %q: %v", out, err)
		}
		out = sinkOutput(t, func(out, errOut io.Writer) Sink {
			return NewTemplate(out, errOut, tmpl, TemplateOptions{Raw: opts&8 != 0})
		}, es, nil)
		if err := checkSafe([]byte(sgrOnly.ReplaceAllString(out, "")), true); err != nil || strings.Contains(out, "\x1b") {
			t.Fatalf("template %q: %v", out, err)
		}
	})
}
