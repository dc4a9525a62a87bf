package stream

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// TestLagWarningAndCatchUp delivers a line 400 ms after its timestamp on a
// follow stream (a reader that fell behind), then a fresh one: one warning,
// then one notice that the reader caught up.
func TestLagWarningAndCatchUp(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	eng := &fakeEngine{logs: func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
		if !o.Follow {
			return io.NopCloser(strings.NewReader("")), nil // the watchdog's look at the stored log
		}
		return pr, nil
	}}
	c, out := newTestTracked(eng, "c1", false)
	c.lagLimit = 200 * time.Millisecond
	stamped := time.Now().Add(50 * time.Millisecond).UnixNano()
	go func() {
		<-time.After(450 * time.Millisecond)
		_, _ = pw.Write(muxFrame(1, stamped, "late\n"))
	}()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _, _ = c.read(ctx, request{follow: true, tail: -1}, out) }()

	var notices []string
	lines := 0
	deadline := time.After(10 * time.Second)
	for lines < 2 || len(notices) < 2 {
		select {
		case it := <-out:
			if len(it.Lines) > 0 && lines == 0 {
				go func() { _, _ = pw.Write(muxFrame(1, time.Now().UnixNano(), "fresh\n")) }()
			}
			lines += len(it.Lines)
			if it.Notice != nil {
				assert.Assert(t, it.Notice.Kind == entry.Warning || it.Notice.Kind == entry.Reconnect)
				notices = append(notices, it.Notice.Text)
			}
		case <-deadline:
			t.Fatalf("lines %d, notices %q", lines, notices)
		}
	}
	assert.Assert(t, strings.HasPrefix(notices[0], "reading ") && strings.Contains(notices[0], "behind the log"), notices[0])
	assert.Equal(t, notices[1], "caught up with the log")
}
