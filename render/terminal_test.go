package render

import (
	"bytes"
	"errors"
	"github.com/docker-devlogs/devlogs/internal/race"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"
)

var (
	t0      = time.Date(2026, 11, 21, 2, 22, 3, 589948920, time.UTC).UnixNano()
	api1    = &entry.Source{Project: "shop", Service: "api", Number: 1, Name: "api-1"}
	api2    = &entry.Source{Project: "shop", Service: "api", Number: 2, Name: "api-2"}
	worker1 = &entry.Source{Project: "shop", Service: "worker", Number: 1, Name: "worker-1"}
	db1     = &entry.Source{Project: "shop", Service: "db", Number: 1, Name: "db-1"}
	oneOff  = &entry.Source{Project: "shop", Service: "api", Name: "api-run-3f2a1c", OneOff: true}
)

func line(src *entry.Source, ms int64, msg string) entry.Entry {
	return entry.Entry{Time: t0 + ms*1e6, Src: src, Stream: entry.Stdout, Msg: []byte(msg)}
}

// session is a short run: lines from replicas of two services and a
// database, a one-off container with a longer name, a cut line, an
// unterminated last line and a pre-1970 clock.
func session() [][]entry.Entry {
	cut := line(worker1, 40, "payload=aaaaaaaaaaaaaaaa")
	cut.Cut = 255 << 20
	last := line(worker1, 41, "shutting down (no newline)")
	old := line(db1, 0, "clock not set")
	old.Time = -86400e9 - 1
	return [][]entry.Entry{
		{
			line(db1, 0, "database system is ready to accept connections"),
			line(api1, 10, "listening on :8080"),
			line(api2, 11, "listening on :8080"),
			line(worker1, 12, "polling queue\tjobs=3"),
		},
		{
			line(api1, 20, `GET /health 200 1.2ms ua="curl/8.5"`),
			line(oneOff, 21, "migrations applied: 7"),
			line(api2, 22, "GET /orders/17 404 0.4ms"),
			cut, last, old,
		},
	}
}

// render runs batches and notices through a Terminal whose out and errOut
// are the same buffer, like a terminal shows them. Notices come after the
// batch they are listed with.
func render(t *testing.T, o Options, batches [][]entry.Entry, ns []entry.Notice) string {
	t.Helper()
	var buf bytes.Buffer
	term := NewTerminal(&buf, &buf, o)
	// The project's replicas are known in advance; one-off containers are not.
	term.Reserve("api-1", "api-2", "worker-1", "db-1")
	for _, b := range batches {
		assert.NilError(t, term.Lines(b))
	}
	for _, n := range ns {
		assert.NilError(t, term.Notice(n))
	}
	assert.NilError(t, term.Flush())
	return buf.String()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file string
		o    Options
	}{
		{"plain.golden", Options{}},
		{"color.golden", Options{Color: true}},
		{"timestamps.golden", Options{Timestamps: true}},
		{"color-timestamps.golden", Options{Color: true, Timestamps: true}},
		{"no-prefix.golden", Options{NoPrefix: true}},
		{"no-prefix-timestamps.golden", Options{NoPrefix: true, Timestamps: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			golden.Assert(t, render(t, tt.o, session(), nil), tt.file)
		})
	}
}

// noticeSession interleaves lines and notices the way a follower reports
// them, with a reserved width.
func noticeSession(t *testing.T, o Options) string {
	t.Helper()
	var buf bytes.Buffer
	term := NewTerminal(&buf, &buf, o)
	term.Reserve("api-1", "api-2", "worker-1")
	steps := []any{
		entry.Notice{Kind: entry.Waiting, Text: "no container of project shop is running yet"},
		entry.Notice{Kind: entry.Attached, Src: api1, Text: "attached"},
		entry.Notice{Kind: entry.Attached, Src: worker1, Text: "attached"},
		[]entry.Entry{line(api1, 0, "listening on :8080"), line(worker1, 1, "job 17 started")},
		entry.Notice{Kind: entry.Exited, Src: worker1, Text: "exited with code 2"},
		entry.Notice{Kind: entry.Restarted, Src: worker1, Text: "restarted"},
		[]entry.Entry{line(worker1, 2, "job 17 retried")},
		entry.Notice{Kind: entry.Recreated, Src: api2, Text: "recreated"},
		entry.Notice{Kind: entry.Removed, Src: api1, Text: "removed"},
		entry.Notice{Kind: entry.Gap, Src: api2, Text: "lines may be missing between 02:22:03 and 02:22:09"},
		entry.Notice{Kind: entry.Unreadable, Src: db1, Text: `log driver "none" cannot be read`},
		entry.Notice{Kind: entry.Warning, Text: "terminal lags 5000 lines behind"},
		entry.Notice{Kind: entry.Reconnect, Text: "reconnected to the daemon"},
		entry.Notice{Kind: entry.Note, Src: oneOff, Text: "one-off container"},
		[]entry.Entry{line(oneOff, 3, "migrations applied: 7")},
	}
	for _, s := range steps {
		switch s := s.(type) {
		case entry.Notice:
			assert.NilError(t, term.Notice(s))
		case []entry.Entry:
			assert.NilError(t, term.Lines(s))
		}
	}
	assert.NilError(t, term.Flush())
	return buf.String()
}

func TestNoticesGolden(t *testing.T) {
	golden.Assert(t, noticeSession(t, Options{}), "notices.golden")
	golden.Assert(t, noticeSession(t, Options{Color: true}), "notices-color.golden")
}

func TestLinesAreBufferedUntilFlush(t *testing.T) {
	var out, errOut bytes.Buffer
	term := NewTerminal(&out, &errOut, Options{})
	assert.NilError(t, term.Lines([]entry.Entry{line(api1, 0, "one"), line(api1, 1, "two")}))
	assert.Equal(t, out.Len(), 0, "lines were written before Flush")
	assert.NilError(t, term.Flush())
	assert.Equal(t, out.String(), "api-1 | one\napi-1 | two\n")
	assert.Equal(t, errOut.Len(), 0)
}

// orderWriter records which stream each write went to.
type orderWriter struct {
	name string
	log  *[]string
}

func (w orderWriter) Write(p []byte) (int, error) {
	*w.log = append(*w.log, w.name+": "+string(p))
	return len(p), nil
}

func TestNoticeFlushesLinesFirst(t *testing.T) {
	var log []string
	term := NewTerminal(orderWriter{"out", &log}, orderWriter{"err", &log}, Options{})
	assert.NilError(t, term.Lines([]entry.Entry{line(worker1, 0, "last words")}))
	assert.NilError(t, term.Notice(entry.Notice{Kind: entry.Exited, Src: worker1, Text: "exited with code 2"}))
	assert.DeepEqual(t, log, []string{
		"out: worker-1 | last words\n",
		"err: worker-1 * exited with code 2\n",
	})
}

func TestWidthOnlyGrows(t *testing.T) {
	var out bytes.Buffer
	term := NewTerminal(&out, &out, Options{})
	term.Reserve("api-1")
	assert.NilError(t, term.Lines([]entry.Entry{line(db1, 0, "a")}))
	assert.NilError(t, term.Lines([]entry.Entry{line(oneOff, 0, "b"), line(api1, 0, "c")}))
	term.Reserve("x")
	assert.NilError(t, term.Lines([]entry.Entry{line(db1, 0, "d")}))
	assert.NilError(t, term.Flush())
	assert.Equal(t, out.String(), ""+
		"db-1  | a\n"+
		"api-run-3f2a1c | b\n"+
		"api-1          | c\n"+
		"db-1           | d\n")
}

func TestListedNoticeWidensSilently(t *testing.T) {
	var out, errOut bytes.Buffer
	term := NewTerminal(&out, &errOut, Options{})
	assert.NilError(t, term.Notice(entry.Notice{Kind: entry.Listed, Src: db1}))
	assert.NilError(t, term.Notice(entry.Notice{Kind: entry.Listed, Src: oneOff}))
	assert.NilError(t, term.Lines([]entry.Entry{line(db1, 0, "a")}))
	assert.NilError(t, term.Flush())
	assert.Equal(t, out.String(), "db-1           | a\n")
	assert.Equal(t, errOut.String(), "")

	var plain bytes.Buffer
	w := NewJSON(&plain, &plain, JSONOptions{})
	assert.NilError(t, w.Notice(entry.Notice{Kind: entry.Listed, Src: db1}))
	assert.NilError(t, w.Flush())
	assert.Equal(t, plain.String(), "")
}

func TestRenamedSourceIsRebuilt(t *testing.T) {
	var out bytes.Buffer
	src := &entry.Source{Service: "api", Name: "api-1"}
	term := NewTerminal(&out, &out, Options{})
	assert.NilError(t, term.Lines([]entry.Entry{{Src: src, Msg: []byte("a")}}))
	src.Name = "shop-api-1"
	assert.NilError(t, term.Lines([]entry.Entry{{Src: src, Msg: []byte("b")}, {Msg: []byte("no source")}}))
	assert.NilError(t, term.Flush())
	assert.Equal(t, out.String(), "api-1 | a\nshop-api-1 | b\n           | no source\n")
}

func TestNoEscapeWithoutColor(t *testing.T) {
	out := render(t, Options{Timestamps: true}, session(), []entry.Notice{
		{Kind: entry.Warning, Src: api1, Text: "lag"}, {Kind: entry.Gap, Text: "gap"},
	})
	assert.Assert(t, !strings.Contains(out, "\x1b"), out)
}

func TestCutSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{1, "1 byte"},
		{2, "2 bytes"},
		{1023, "1023 bytes"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1048575, "1.0 MiB"},
		{1048576, "1.0 MiB"},
		{255 << 20, "255.0 MiB"},
		{(255 << 20) + (1 << 20) - 1, "256.0 MiB"},
		{3<<30 + 1<<29, "3.5 GiB"},
		{1 << 62, "4.0 EiB"},
		{1<<63 - 1, "8.0 EiB"},
	}
	for _, tt := range tests {
		assert.Equal(t, string(appendSize(nil, tt.n)), tt.want, "n=%d", tt.n)
	}
}

// failWriter fails every write.
type failWriter struct{}

var errBroken = errors.New("broken pipe")

func (failWriter) Write([]byte) (int, error) { return 0, errBroken }

func TestWriteErrorsAreReturned(t *testing.T) {
	term := NewTerminal(failWriter{}, failWriter{}, Options{})
	big := entry.Entry{Src: api1, Msg: bytes.Repeat([]byte("x"), bufSize+1)}
	assert.ErrorIs(t, term.Lines([]entry.Entry{big}), errBroken)
	assert.ErrorIs(t, term.Flush(), errBroken)
	assert.ErrorIs(t, term.Notice(entry.Notice{Text: "x"}), errBroken)

	term = NewTerminal(&bytes.Buffer{}, failWriter{}, Options{})
	assert.ErrorIs(t, term.Notice(entry.Notice{Text: "x"}), errBroken)
}

func TestLinesDoNotAllocate(t *testing.T) {
	race.SkipAllocs(t)
	msg := []byte(strings.Repeat("0123456789", 10))
	es := []entry.Entry{{Time: t0, Src: api1, Msg: msg}, {Time: t0 + 1, Src: worker1, Msg: msg},
		{Time: t0 + 2, Src: api1, Msg: msg, Level: entry.Error}, grouped(api1, 3, javaTrace...),
		{Time: t0 + 4, Src: api1, Msg: []byte("\x1b[31mred\x1b[0m \x1b[6n"), Level: entry.Warn},
		// structured lines that need no decoding are read in place
		{Time: t0 + 5, Src: api1, Msg: []byte(`{"level":"info","msg":"job done","job":"job-1","ms":17}`), Level: entry.Info, Format: entry.JSON},
		{Time: t0 + 6, Src: api1, Msg: []byte(`level=warn msg="slow query" table=users ms=1234`), Level: entry.Warn, Format: entry.Logfmt}}
	for _, o := range []Options{{}, {Timestamps: true}, {Color: true, Timestamps: true}, {NoPrefix: true},
		{Color: true, ANSI: true}, {ANSI: true, Raw: true}} {
		term := NewTerminal(discard{}, discard{}, o)
		assert.NilError(t, term.Lines(es)) // warm the caches
		if n := testing.AllocsPerRun(1000, func() { _ = term.Lines(es) }); n != 0 {
			t.Errorf("%+v: %v allocations per call, want 0", o, n)
		}
	}
}

// discard is io.Discard without its ReadFrom, so bufio's path is the real one.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
