package logline

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/entry"
)

// addCorpusSeeds seeds a fuzz target with the level corpus and the traces.
func addCorpusSeeds(f *testing.F) {
	for _, c := range readCorpus(f) {
		f.Add([]byte(c.line))
	}
}

func traceLines(f *testing.F) [][]string {
	files, _ := filepath.Glob("testdata/traces/*.txt")
	var out [][]string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"))
	}
	return out
}

// FuzzLevel checks that Level never panics and agrees with Quick.
func FuzzLevel(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, line []byte) {
		l := Level(line)
		q, _ := Quick(line)
		if l != q || l > entry.Fatal {
			t.Fatalf("Level %v, Quick %v", l, q)
		}
	})
}

// FuzzParse checks Parse against Quick and, for JSON, against
// encoding/json: the same lines are JSON, every top-level key is kept once
// (as a field, or as the message, time or level), scalar values are the
// ones encoding/json reads, and all strings are valid UTF-8.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Add([]byte(`{"a":{"x":1},"a":2,"msg":"m","msg":"n","level":"info","Level":{"y":[1,2]}}`))
	f.Add([]byte(`{"log":{"level":"error"},"log":{"x":1},"k\u0065y":"\ud83d\ude00\ud800"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		p := Parse(line)
		if l, fm := Quick(line); l != p.Level || fm != p.Format {
			t.Fatalf("Quick says %v/%v, Parse %v/%v", l, fm, p.Level, p.Format)
		}
		checkUTF8(t, p)
		trimmed := trimBlankLeft(line)
		isObject := len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(trimmed)
		if isObject != (p.Format == JSON) {
			t.Fatalf("json.Valid says object=%v, Parse says %v", isObject, p.Format)
		}
		if p.Format == JSON {
			checkTopLevelKeys(t, trimmed, p)
		}
		if p.Format != Text {
			// Fields read in place (the line needs no decoding) are the
			// fields copied out.
			// Parse copies; a Parser reads in place when it can.
			var lp Parser
			if inPlace := lp.Parse(line); !reflect.DeepEqual(inPlace, p) {
				t.Fatalf("read in place: %+v\ncopied: %+v", inPlace, p)
			}
		}
	})
}

func checkUTF8(t *testing.T, p Parsed) {
	t.Helper()
	strs := []string{p.Message, p.Time, p.TraceID}
	for _, fl := range p.Fields {
		strs = append(strs, fl.Key, fl.Value)
	}
	for _, s := range strs {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 in %q", s)
		}
	}
}

// checkTopLevelKeys compares the fields with what encoding/json decodes.
func checkTopLevelKeys(t *testing.T, line []byte, p Parsed) {
	t.Helper()
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	for k := range top {
		if strings.Contains(k, ".") {
			return // a dotted key makes flattened names ambiguous
		}
	}
	exact := map[string]int{}
	nested := map[string]int{}
	for _, fl := range p.Fields {
		k, _, dotted := strings.Cut(fl.Key, ".")
		if _, ok := top[k]; !ok {
			t.Fatalf("field %q comes from no top-level key", fl.Key)
		}
		if dotted {
			nested[k]++
		} else {
			exact[k]++
			checkScalar(t, k, top[k], fl.Value)
		}
	}
	consumed := 0
	for k := range top {
		switch {
		case exact[k] > 1 || exact[k] == 1 && nested[k] > 0:
			t.Fatalf("top-level key %q kept more than once: %v", k, p.Fields)
		case exact[k] == 0 && nested[k] == 0:
			consumed++
			if kind, _ := classifyKey([]byte(k)); kind == keyOther || kind == keyTrace || kind == keyRequest {
				t.Fatalf("top-level key %q lost", k)
			}
		}
	}
	if consumed > 3 {
		t.Fatalf("%d keys taken out of the fields", consumed)
	}
}

func checkScalar(t *testing.T, k string, v any, got string) {
	t.Helper()
	var want string
	switch v := v.(type) {
	case string:
		want = v
	case json.Number:
		want = string(v)
	case bool:
		want = "false"
		if v {
			want = "true"
		}
	case nil:
		want = "null"
	case map[string]any:
		if len(v) != 0 {
			t.Fatalf("non-empty object %q kept whole: %q", k, got)
		}
		want = "{}"
	default:
		if !json.Valid([]byte(got)) {
			t.Fatalf("array %q is no JSON: %q", k, got)
		}
		return
	}
	if got != want {
		t.Fatalf("field %q = %q, encoding/json reads %q", k, got, want)
	}
}

// FuzzContinues feeds three lines to a Group and checks that nothing
// panics and that the stateless answers agree with it.
func FuzzContinues(f *testing.F) {
	for _, lines := range traceLines(f) {
		for i := 0; i+2 < len(lines); i++ {
			f.Add([]byte(lines[0]), []byte(lines[i+1]), []byte(lines[i+2]))
		}
	}
	f.Fuzz(func(t *testing.T, first, second, third []byte) {
		var g Group
		g.Start(first)
		if got := g.Add(second); got != Continues(first, second) {
			t.Fatalf("Group.Add %v, Continues %v", got, !got)
		}
		g.Add(third)
		Opens(third)
		if g.Level() > entry.Fatal {
			t.Fatalf("level %v", g.Level())
		}
	})
}
