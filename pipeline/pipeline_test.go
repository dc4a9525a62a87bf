package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/filter"
	"gotest.tools/v3/assert"
)

var (
	api    = &entry.Source{Service: "api", Name: "api-1"}
	worker = &entry.Source{Service: "worker", Name: "worker-1"}
)

func ln(src *entry.Source, ts int64, msg string) entry.Entry {
	return entry.Entry{Time: ts, Src: src, Stream: entry.Stdout, Msg: []byte(msg)}
}

// runAll passes items through Run and returns what comes out.
func runAll(t *testing.T, o Options, items ...entry.Item) []entry.Item {
	t.Helper()
	in, out := make(chan entry.Item), make(chan entry.Item, 64)
	go func() { Run(t.Context(), in, out, o); close(out) }()
	go func() {
		for _, it := range items {
			in <- it
		}
		close(in)
	}()
	var got []entry.Item
	for it := range out {
		got = append(got, it)
	}
	return got
}

func lines(items []entry.Item) []string {
	var s []string
	for _, it := range items {
		if it.Notice != nil {
			s = append(s, "notice: "+it.Notice.Text)
		}
		for _, e := range it.Lines {
			s = append(s, fmt.Sprintf("%s %s %s", e.Src.Name, e.Level, string(e.Msg)))
		}
	}
	return s
}

func TestStackTracesAreGroupedWithTheLineThatOpenedThem(t *testing.T) {
	got := runAll(t, Options{}, entry.Item{Lines: []entry.Entry{
		ln(api, 1, "2024-01-01 12:00:00.123 ERROR [main] c.e.App - request failed"),
		ln(worker, 2, `{"level":"info","msg":"job done"}`),
		ln(api, 3, "java.lang.IllegalStateException: boom"),
		ln(api, 4, "\tat com.example.App.handle(App.java:42)"),
		ln(api, 5, "\tat com.example.App.main(App.java:7)"),
		ln(api, 6, "2024-01-01 12:00:01.000 INFO [main] c.e.App - next request"),
	}})
	assert.DeepEqual(t, lines(got), []string{
		"api-1 error 2024-01-01 12:00:00.123 ERROR [main] c.e.App - request failed\n" +
			"java.lang.IllegalStateException: boom\n" +
			"\tat com.example.App.handle(App.java:42)\n" +
			"\tat com.example.App.main(App.java:7)",
		`worker-1 info {"level":"info","msg":"job done"}`,
		"api-1 info 2024-01-01 12:00:01.000 INFO [main] c.e.App - next request",
	})
	assert.Equal(t, got[0].Lines[0].Flags&entry.Grouped, entry.Grouped)
}

func TestEntriesLeaveInArrivalOrder(t *testing.T) {
	var in []entry.Entry
	for i := 0; i < 200; i++ {
		src := api
		if i%3 == 0 {
			src = worker
		}
		in = append(in, ln(src, int64(i), fmt.Sprintf("line %d", i)))
	}
	got := runAll(t, Options{}, entry.Item{Lines: in[:77]}, entry.Item{Lines: in[77:]})
	var ts []int64
	for _, it := range got {
		for _, e := range it.Lines {
			ts = append(ts, e.Time)
		}
	}
	assert.Equal(t, len(ts), 200)
	for i := range ts {
		assert.Equal(t, ts[i], int64(i))
	}
}

func TestALoneLineLeavesAfterTheGroupWait(t *testing.T) {
	in, out := make(chan entry.Item), make(chan entry.Item, 4)
	go Run(t.Context(), in, out, Options{GroupWait: 20 * time.Millisecond})
	start := time.Now()
	in <- entry.Item{Lines: []entry.Entry{ln(api, 1, "GET /healthz 200")}}
	it := <-out
	assert.Equal(t, string(it.Lines[0].Msg), "GET /healthz 200")
	assert.Assert(t, time.Since(start) >= 20*time.Millisecond)
}

func TestANoticeComesAfterTheLinesBeforeIt(t *testing.T) {
	got := runAll(t, Options{}, entry.Item{Lines: []entry.Entry{ln(worker, 1, "panic: boom"), ln(worker, 2, "")}},
		entry.Item{Notice: &entry.Notice{Src: worker, Text: "exited with code 2"}},
		entry.Item{Lines: []entry.Entry{ln(worker, 3, "starting")}})
	l := lines(got)
	assert.Equal(t, l[len(l)-2], "notice: exited with code 2")
	assert.Equal(t, l[len(l)-1], "worker-1 unknown starting")
}

func TestTheFilterSeesWholeGroups(t *testing.T) {
	keepErrors := func(e *entry.Entry) bool { return e.Level >= entry.Error }
	got := runAll(t, Options{Match: keepErrors}, entry.Item{Lines: []entry.Entry{
		ln(worker, 1, "panic: runtime error: index out of range [3] with length 3"),
		ln(worker, 2, ""),
		ln(worker, 3, "goroutine 1 [running]:"),
		ln(worker, 4, "main.main()"),
		ln(worker, 5, "\t/app/main.go:9 +0x1d"),
		ln(worker, 6, "exit status 2"),
		ln(api, 7, "level=info msg=ok"),
	}})
	l := lines(got)
	assert.Equal(t, len(l), 1, strings.Join(l, "\n---\n"))
	assert.Assert(t, strings.HasPrefix(l[0], "worker-1 fatal panic: runtime error"), l[0])
	assert.Assert(t, strings.Contains(l[0], "\t/app/main.go:9 +0x1d"))
}

func TestNoGroupKeepsEveryLineApart(t *testing.T) {
	got := runAll(t, Options{NoGroup: true}, entry.Item{Lines: []entry.Entry{
		ln(api, 1, "java.lang.IllegalStateException: boom"), ln(api, 2, "\tat a.b(C.java:1)"),
	}})
	assert.Equal(t, len(lines(got)), 2)
}

// BenchmarkPipeline measures the pipeline stage alone (level detection,
// multi-line grouping, and a filter chain: a minimum level and an exclude
// pattern) on batches of 1,024 lines, per line. "text" is a PostgreSQL line, the costliest common text line
// (its header is read for the level and for grouping); "text mix" cycles
// through a PostgreSQL, an nginx access and an application line.
func BenchmarkPipeline(b *testing.B) {
	pg := "2026-11-21 04:42:47.685 UTC [61] LOG:  duration: 24.735 ms  statement: SELECT * FROM users WHERE email = $1"
	for name, msgs := range map[string][]string{
		"text": {pg},
		"text mix": {pg,
			`172.18.0.4 - - [21/Nov/2026:10:00:01 +0000] "GET /api/orders?page=2 HTTP/1.1" 200 1432 "-" "curl/8.5.0"`,
			"2026-11-21T04:42:47.581Z WARN  [worker] job job-00066 took 1.2s, above the 1s budget"},
		"json":   {`{"time":"2026-11-21T04:42:47.581054176Z","level":"info","msg":"job done","job":"job-00066","queue":"emails","duration_ms":17}`},
		"logfmt": {`time=2026-11-21T04:42:48.212107542Z level=info msg="order placed" order_id=1133 user_id=204 total=76.42 trace_id=15869d7c4ec6457d`},
	} {
		b.Run(name, func(b *testing.B) {
			batch := make([]entry.Entry, 1024)
			for i := range batch {
				batch[i] = ln(api, int64(i), msgs[i%len(msgs)])
			}
			in, out := make(chan entry.Item, 4), make(chan entry.Item, 4)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			chain, err := filter.Compile(filter.Options{MinLevel: entry.Debug, Exclude: []string{"healthz"}})
			if err != nil {
				b.Fatal(err)
			}
			go Run(ctx, in, out, Options{Match: chain.Match})
			go func() {
				for range out {
				}
			}()
			b.SetBytes(int64(len(msgs[0])))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += len(batch) {
				in <- entry.Item{Lines: append([]entry.Entry(nil), batch...)}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/line")
		})
	}
}

// TestInterleavedSourcesKeepTheirGroups feeds lines of three sources and
// two streams interleaved at random, in batches of random sizes, each
// source alternating log lines and indented continuation lines, and checks
// that every line comes out once, inside an entry of its own source and
// stream, grouped with exactly the lines that followed it in that stream.
func TestInterleavedSourcesKeepTheirGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	srcs := []*entry.Source{api, worker, {Service: "db", Name: "db-1"}}
	type stream struct {
		src *entry.Source
		s   entry.Stream
	}
	var in []entry.Entry
	want := map[stream][]string{} // the expected entries, per stream
	var seq int
	for range 3000 {
		st := stream{srcs[rng.IntN(len(srcs))], entry.Stream(1 + rng.IntN(2))}
		seq++
		msg := fmt.Sprintf("2026-11-21 10:00:00 INFO line %d", seq)
		cont := len(want[st]) > 0 && rng.IntN(3) == 0
		if cont {
			msg = fmt.Sprintf("    at frame %d", seq)
			want[st][len(want[st])-1] += "\n" + msg
		} else {
			want[st] = append(want[st], msg)
		}
		in = append(in, entry.Entry{Time: int64(seq), Src: st.src, Stream: st.s, Msg: []byte(msg)})
	}
	var items []entry.Item
	for len(in) > 0 {
		n := min(len(in), 1+rng.IntN(40))
		items = append(items, entry.Item{Lines: in[:n]})
		in = in[n:]
	}
	got := map[stream][]string{}
	for _, it := range runAll(t, Options{GroupWait: time.Hour}, items...) {
		for _, e := range it.Lines {
			st := stream{e.Src, e.Stream}
			got[st] = append(got[st], string(e.Msg))
		}
	}
	assert.Equal(t, len(got), len(want))
	for st, w := range want {
		assert.DeepEqual(t, got[st], w)
	}
}
