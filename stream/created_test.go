package stream

import (
	"context"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// TestCreatedContainerIsLookedAtAgainWithoutItsStartEvent: a container
// first seen "created" starts while its start event is lost; the follower
// finds it running by looking again on its own, well before a reconcile.
func TestCreatedContainerIsLookedAtAgainWithoutItsStartEvent(t *testing.T) {
	var started atomic.Bool
	eng := &fakeEngine{
		inspect: func(string) (container.InspectResponse, error) {
			st := &container.State{Status: container.StateCreated}
			if started.Load() {
				st = &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T00:00:00Z"}
			}
			return container.InspectResponse{State: st, Config: &container.Config{}}, nil
		},
		logs: func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
			if !o.Follow {
				return io.NopCloser(bytesReader(nil)), nil
			}
			return newBlockingBody(muxFrame(1, time.Now().UnixNano(), "hello\n")), nil
		},
	}
	c, out := newTestTracked(eng, "c1", false)
	runTracked(t, c)

	<-time.After(300 * time.Millisecond) // it has looked once and waits
	started.Store(true)
	at := time.Now()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case it := <-out:
			if len(it.Lines) > 0 {
				assert.Equal(t, string(it.Lines[0].Msg), "hello")
				assert.Assert(t, time.Since(at) < 5*time.Second, "found running after %v", time.Since(at))
				return
			}
		case <-deadline:
			t.Fatal("the started container was never followed without a wake-up")
		}
	}
}
