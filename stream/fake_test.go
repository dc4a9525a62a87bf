package stream

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// fakeEngine serves scripted answers for the calls a Follower makes.
type fakeEngine struct {
	inspect func(id string) (container.InspectResponse, error)
	logs    func(ctx context.Context, id string, o client.ContainerLogsOptions) (io.ReadCloser, error)
	list    func() ([]container.Summary, error)
}

var _ Engine = (*fakeEngine)(nil)

func (f *fakeEngine) ContainerList(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	if f.list == nil {
		return client.ContainerListResult{}, nil
	}
	items, err := f.list()
	return client.ContainerListResult{Items: items}, err
}

func (f *fakeEngine) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	r, err := f.inspect(id)
	return client.ContainerInspectResult{Container: r}, err
}

func (f *fakeEngine) ContainerLogs(ctx context.Context, id string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	return f.logs(ctx, id, o)
}

func (f *fakeEngine) Events(ctx context.Context, _ client.EventsListOptions) client.EventsResult {
	msgs, errs := make(chan events.Message), make(chan error, 1)
	go func() { <-ctx.Done(); errs <- ctx.Err() }()
	return client.EventsResult{Messages: msgs, Err: errs}
}

// newTestTracked returns a tracked container of a Follower on engine.
func newTestTracked(engine Engine, id string, tty bool) (*tracked, chan Item) {
	out := make(chan Item, 1024)
	f := New(engine, Options{Project: "p", Follow: true})
	f.out, f.ctx = out, context.Background()
	f.log = slog.New(slog.DiscardHandler)
	c := newTracked(f, id, newSource(id, "/p-app-1", map[string]string{labelProject: "p", labelService: "app", labelNumber: "1"}))
	c.src.TTY = tty
	return c, out
}

// runTracked runs c's loop in a goroutine of its own until stop (which
// waits for it to end) or the end of the test; done is closed when it has
// ended.
func runTracked(t *testing.T, c *tracked) (stop func(), done <-chan struct{}) {
	ctx, cancel := context.WithCancel(t.Context())
	d := make(chan struct{})
	go func() { c.run(ctx); close(d) }()
	stop = func() { cancel(); <-d }
	t.Cleanup(stop)
	return stop, d
}

// blockingBody returns data and then blocks until closed, as a follow
// stream does. With a gate, it returns nothing before the gate is closed;
// with drained, it closes drained once it has returned all its data.
type blockingBody struct {
	r             io.Reader
	closed        chan struct{}
	gate, drained chan struct{}
	once          sync.Once
}

func newBlockingBody(data []byte) *blockingBody {
	return &blockingBody{r: bytesReader(data), closed: make(chan struct{})}
}

func (b *blockingBody) Read(p []byte) (int, error) {
	if b.gate != nil {
		select {
		case <-b.gate:
		case <-b.closed:
			return 0, errors.New("closed")
		}
	}
	if n, err := b.r.Read(p); n > 0 || !errors.Is(err, io.EOF) {
		return n, err
	}
	if b.drained != nil {
		b.once.Do(func() { close(b.drained) })
	}
	<-b.closed
	return 0, errors.New("closed")
}

func (b *blockingBody) Close() error {
	select {
	case <-b.closed:
	default:
		close(b.closed)
	}
	return nil
}
