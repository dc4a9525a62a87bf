package filter

import (
	"github.com/docker-devlogs/devlogs/internal/race"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

func benchMatch(b *testing.B, o Options, e *entry.Entry, want bool) {
	c, err := Compile(o)
	assert.NilError(b, err)
	assert.Equal(b, c.Match(e), want)
	b.ReportAllocs()
	b.SetBytes(int64(len(e.Msg)))
	for b.Loop() {
		c.Match(e)
	}
}

const textInfo = "2024-01-01T12:00:00.123Z INFO  [http-nio-8080-exec-3] c.e.api.OrderController - placed order 18231 for customer 77 in 12ms"

func BenchmarkMatchLevel(b *testing.B) {
	benchMatch(b, Options{MinLevel: entry.Warn}, line(entry.Info, textInfo), false)
}

func BenchmarkMatchLevelAndInclude(b *testing.B) {
	benchMatch(b, Options{MinLevel: entry.Info, Include: []string{"timeout|deadline exceeded"}}, line(entry.Info, textInfo), false)
}

func BenchmarkMatchIncludeCaseless(b *testing.B) {
	benchMatch(b, Options{Include: []string{"(?i)customer \\d+"}}, line(entry.Info, textInfo), true)
}

func BenchmarkMatchWhereJSON(b *testing.B) {
	benchMatch(b, Options{Where: []string{"status>=500"}}, line(entry.Error, jsonErr), true)
}

func BenchmarkMatchWhereOnText(b *testing.B) {
	benchMatch(b, Options{Where: []string{"status>=500"}}, line(entry.Info, textInfo), false)
}

func BenchmarkMatchTraceIDMiss(b *testing.B) {
	benchMatch(b, Options{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"}, line(entry.Error, jsonErr), false)
}

func BenchmarkMatchGroupedInclude(b *testing.B) {
	benchMatch(b, Options{Include: []string{"OutOfMemory"}}, group(entry.Error, javaTrace...), false)
}

func TestMatchDoesNotAllocate(t *testing.T) {
	race.SkipAllocs(t)
	for _, o := range []Options{
		{MinLevel: entry.Info, Include: []string{"placed order"}},
		{MinLevel: entry.Info, Include: []string{"(?i)timeout"}, Exclude: []string{"health"}},
		{Where: []string{"level>=info", "msg~=order \\d+"}},
		{TraceID: "18231"},
	} {
		c, err := Compile(o)
		assert.NilError(t, err)
		e := line(entry.Info, textInfo)
		allocs := testing.AllocsPerRun(100, func() { c.Match(e) })
		assert.Equal(t, allocs, 0.0, "%+v", o)
	}
}
