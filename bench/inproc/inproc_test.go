package inproc

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/filter"
	"github.com/docker-devlogs/devlogs/pipeline"
	"github.com/docker-devlogs/devlogs/render"
	"github.com/docker-devlogs/devlogs/stream"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// Lines of each format, as real programs write them.
var formats = map[string][]string{
	"text": {
		"2026-11-21 04:42:47.685 UTC [61] LOG:  duration: 24.735 ms  statement: SELECT * FROM users WHERE email = $1",
		`172.18.0.4 - - [21/Nov/2026:10:00:01 +0000] "GET /api/orders?page=2 HTTP/1.1" 200 1432 "-" "curl/8.5.0"`,
		"2026-11-21T04:42:47.581Z WARN  [worker] job job-00066 took 1.2s, above the 1s budget",
	},
	"json": {
		`{"time":"2026-11-21T04:42:47.581054176Z","level":"info","msg":"job done","job":"job-00066","queue":"emails","duration_ms":17}`,
		`{"time":"2026-11-21T04:42:47.601Z","level":"warn","msg":"slow request","route":"/api/orders","duration_ms":1234}`,
	},
	"logfmt": {
		`time=2026-11-21T04:42:48.212107542Z level=info msg="order placed" order_id=1133 user_id=204 total=76.42 trace_id=15869d7c4ec6457d`,
		`time=2026-11-21T04:42:48.312Z level=debug msg="cache miss" key=user:42`,
	},
}

const linesPerRun = 100_000

// BenchmarkStoredLogs runs the whole path on linesPerRun stored lines of
// one container, every seventh on stderr, with a level and an include
// filter on and color rendering to io.Discard, and reports ns/line.
func BenchmarkStoredLogs(b *testing.B) {
	for _, name := range []string{"text", "json", "logfmt"} {
		b.Run(name, func(b *testing.B) {
			body := frames(formats[name], linesPerRun)
			chain, err := filter.Compile(filter.Options{MinLevel: entry.Debug, Exclude: []string{"healthz"}})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if n := run(b, body, chain); n != linesPerRun {
					b.Fatalf("%d lines rendered, want %d", n, linesPerRun)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*linesPerRun), "ns/line")
		})
	}
}

// run reads body through the follower, the pipeline, the filter and the
// terminal renderer, and returns how many lines were rendered.
func run(b *testing.B, body []byte, chain *filter.Chain) int {
	ctx := context.Background()
	items := make(chan entry.Item, 64)
	understood := make(chan entry.Item, 64)
	errc := make(chan error, 1)
	go func() {
		defer close(items)
		errc <- stream.New(engine{body: body}, stream.Options{Project: "p", Tail: -1}).Run(ctx, items)
	}()
	go func() {
		defer close(understood)
		pipeline.Run(ctx, items, understood, pipeline.Options{Match: chain.Match})
	}()
	term := render.NewTerminal(io.Discard, io.Discard, render.Options{Color: true})
	counter := &counting{Sink: term}
	for it := range understood {
		if it.Notice != nil {
			continue
		}
		if err := counter.Lines(it.Lines); err != nil {
			b.Fatal(err)
		}
	}
	if err := term.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	return counter.n
}

type counting struct {
	render.Sink
	n int
}

func (c *counting) Lines(es []entry.Entry) error {
	for i := range es {
		c.n += bytes.Count(es[i].Msg, []byte{'\n'}) + 1
	}
	return c.Sink.Lines(es)
}

// frames encodes n lines cycling through msgs as the daemon sends them with
// timestamps=1: an 8-byte header and "<RFC3339Nano> <line>\n".
func frames(msgs []string, n int) []byte {
	var buf bytes.Buffer
	ts := time.Date(2026, 11, 21, 4, 42, 47, 0, time.UTC)
	for i := range n {
		typ := byte(1)
		if i%7 == 6 {
			typ = 2
		}
		payload := fmt.Sprintf("%s %s\n", ts.Add(time.Duration(i)*time.Microsecond).Format("2006-01-02T15:04:05.000000000Z07:00"), msgs[i%len(msgs)])
		var hdr [8]byte
		hdr[0] = typ
		binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
		buf.Write(hdr[:])
		buf.WriteString(payload)
	}
	return buf.Bytes()
}

// engine is one exited container whose stored log is body.
type engine struct{ body []byte }

const id = "0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab0123"

var labels = map[string]string{
	"com.docker.compose.project":          "p",
	"com.docker.compose.service":          "api",
	"com.docker.compose.container-number": "1",
}

func (e engine) ContainerList(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	return client.ContainerListResult{Items: []container.Summary{{ID: id, Names: []string{"/p-api-1"}, Labels: labels, State: container.StateExited}}}, nil
}

func (e engine) ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	return client.ContainerInspectResult{Container: container.InspectResponse{
		ID: id, Name: "/p-api-1",
		State:      &container.State{Status: container.StateExited, StartedAt: "2026-11-21T04:42:47Z"},
		Config:     &container.Config{Labels: labels},
		HostConfig: &container.HostConfig{LogConfig: container.LogConfig{Type: "json-file"}},
	}}, nil
}

func (e engine) ContainerLogs(_ context.Context, _ string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	if o.Follow {
		return nil, errors.New("the benchmark engine serves stored logs only")
	}
	return io.NopCloser(bytes.NewReader(e.body)), nil
}

func (e engine) Events(ctx context.Context, _ client.EventsListOptions) client.EventsResult {
	msgs, errs := make(chan events.Message), make(chan error, 1)
	go func() { <-ctx.Done(); errs <- ctx.Err() }()
	return client.EventsResult{Messages: msgs, Err: errs}
}
