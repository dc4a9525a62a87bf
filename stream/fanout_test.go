package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// fanWorld is a fake daemon serving many containers, and a recorder of what
// a Follower sent. Every change (a request, a stream closed, an item
// received) wakes the test's waits.
type fanWorld struct {
	mu      sync.Mutex
	ctrs    map[string]*fanCtr
	events  chan events.Message
	changed chan struct{}

	open, maxOpen int            // follow streams open now, and at most
	requests      map[string]int // logs requests by container name
	lines         []entry.Entry
	notices       []*entry.Notice
}

// fanCtr is one fake container: a log of frames, and generations.
type fanCtr struct {
	id, service string
	number      int
	status      container.ContainerState
	started     int // generation number, for StartedAt
	removed     bool
	frames      []fanFrame
	ends        []chan struct{} // closed when the current generation ends
}

type fanFrame struct {
	ts  int64
	msg string
}

func (c *fanCtr) name() string { return fmt.Sprintf("%s-%d", c.service, c.number) }

func newFanWorld() *fanWorld {
	return &fanWorld{ctrs: map[string]*fanCtr{}, events: make(chan events.Message, 64),
		changed: make(chan struct{}), requests: map[string]int{}}
}

var _ Engine = (*fanWorld)(nil)

// touch wakes the waits; w.mu is held.
func (w *fanWorld) touch() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// add creates a container of the project that has written one line.
func (w *fanWorld) add(service string, number int, status container.ContainerState) *fanCtr {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := &fanCtr{id: fmt.Sprintf("%s%02d%058d", service[:1], number, len(w.ctrs)), service: service, number: number, status: status, started: 1}
	c.frames = append(c.frames, fanFrame{ts: t0 + int64(len(w.ctrs))*int64(time.Millisecond), msg: c.name() + " boot 1\n"})
	w.ctrs[c.id] = c
	return c
}

func (w *fanWorld) labels(c *fanCtr) map[string]string {
	return map[string]string{labelProject: "p", labelService: c.service, labelNumber: fmt.Sprint(c.number)}
}

// event sends a container event as the daemon would.
func (w *fanWorld) event(c *fanCtr, a events.Action) {
	attrs := w.labels(c)
	attrs["name"] = "p-" + c.name()
	w.events <- events.Message{Type: events.ContainerEventType, Action: a, Actor: events.Actor{ID: c.id, Attributes: attrs},
		TimeNano: time.Now().UnixNano()}
}

// exit ends c's process: its follow streams end, and a die event follows.
func (w *fanWorld) exit(c *fanCtr) {
	w.mu.Lock()
	c.status = container.StateExited
	for _, e := range c.ends {
		close(e)
	}
	c.ends = nil
	w.touch()
	w.mu.Unlock()
	w.event(c, events.ActionDie)
}

// remove deletes an exited c.
func (w *fanWorld) remove(c *fanCtr) {
	w.mu.Lock()
	c.removed = true
	w.touch()
	w.mu.Unlock()
	w.event(c, events.ActionDestroy)
}

// restart starts c again: a new generation that writes one line.
func (w *fanWorld) restart(c *fanCtr) {
	w.mu.Lock()
	c.status = container.StateRunning
	c.started++
	c.frames = append(c.frames, fanFrame{ts: c.frames[len(c.frames)-1].ts + 1, msg: fmt.Sprintf("%s boot %d\n", c.name(), c.started)})
	w.touch()
	w.mu.Unlock()
	w.event(c, events.ActionStart)
}

func (w *fanWorld) ContainerList(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var items []container.Summary
	for _, c := range w.ctrs {
		if !c.removed {
			items = append(items, container.Summary{ID: c.id, Names: []string{"/p-" + c.name()}, Labels: w.labels(c), State: c.status})
		}
	}
	rand.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] }) // the daemon's order is no order
	return client.ContainerListResult{Items: items}, nil
}

func (w *fanWorld) get(id string) (*fanCtr, error) {
	c := w.ctrs[id]
	if c == nil || c.removed {
		return nil, fmt.Errorf("No such container: %s: %w", id, cerrdefs.ErrNotFound)
	}
	return c, nil
}

func (w *fanWorld) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.get(id)
	if err != nil {
		return client.ContainerInspectResult{}, err
	}
	st := &container.State{Status: c.status, StartedAt: fmt.Sprintf("2026-11-21T00:00:%02d.000000000Z", c.started)}
	return client.ContainerInspectResult{Container: container.InspectResponse{ID: id, State: st}}, nil
}

func (w *fanWorld) ContainerLogs(_ context.Context, id string, o client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, err := w.get(id)
	if err != nil {
		return nil, err
	}
	w.requests[c.name()]++
	var since int64
	if o.Since != "" {
		var sec, ns int64
		_, _ = fmt.Sscanf(o.Since, "%d.%d", &sec, &ns)
		since = sec*1e9 + ns
	}
	var b bytes.Buffer
	for _, f := range c.frames {
		if f.ts >= since {
			b.Write(muxFrame(1, f.ts, f.msg))
		}
	}
	if !o.Follow || c.status != container.StateRunning {
		return io.NopCloser(&b), nil
	}
	end := make(chan struct{})
	c.ends = append(c.ends, end)
	w.open++
	w.maxOpen = max(w.maxOpen, w.open)
	w.touch()
	return &fanBody{w: w, r: &b, end: end, closed: make(chan struct{})}, nil
}

func (w *fanWorld) Events(ctx context.Context, _ client.EventsListOptions) client.EventsResult {
	errs := make(chan error, 1)
	go func() { <-ctx.Done(); errs <- ctx.Err() }()
	return client.EventsResult{Messages: w.events, Err: errs}
}

// fanBody is a follow stream: the stored frames, then nothing until the
// generation ends (EOF) or the reader closes it.
type fanBody struct {
	w      *fanWorld
	r      io.Reader
	end    chan struct{}
	once   sync.Once
	closed chan struct{}
}

func (b *fanBody) Read(p []byte) (int, error) {
	if n, err := b.r.Read(p); n > 0 || !errors.Is(err, io.EOF) {
		return n, err
	}
	select {
	case <-b.end:
		return 0, io.EOF
	case <-b.closed:
		return 0, errors.New("use of closed connection")
	}
}

func (b *fanBody) Close() error {
	b.once.Do(func() {
		close(b.closed)
		b.w.mu.Lock()
		b.w.open--
		b.w.touch()
		b.w.mu.Unlock()
	})
	return nil
}

// follow runs a Follower on w and records what it sends.
func (w *fanWorld) follow(t *testing.T, opts Options) {
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan Item)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = New(w, opts).Run(ctx, out)
	}()
	go func() {
		for {
			select {
			case it := <-out:
				w.mu.Lock()
				w.lines = append(w.lines, it.Lines...)
				if it.Notice != nil {
					w.notices = append(w.notices, it.Notice)
				}
				w.touch()
				w.mu.Unlock()
			case <-done:
				return
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// waitFor waits until cond holds (w.mu is held while it runs).
func (w *fanWorld) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		ok, ch := cond(), w.changed
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			w.mu.Lock()
			defer w.mu.Unlock()
			t.Fatalf("timed out waiting for %s; open streams %d, requests %v, notices:\n%s", what, w.open, w.requests, w.noticeText())
		}
	}
}

// noticeText lists the notices so far, one per line; w.mu is held.
func (w *fanWorld) noticeText() string {
	var b strings.Builder
	for _, n := range w.notices {
		name := "devlogs"
		if n.Src != nil {
			name = n.Src.Name
		}
		fmt.Fprintf(&b, "%s: %s\n", name, n.Text)
	}
	return b.String()
}

// noticesOf returns the texts of the notices of kind k; w.mu is held.
func (w *fanWorld) noticesOf(k entry.Kind, src string) []string {
	var out []string
	for _, n := range w.notices {
		if n.Kind == k && (src == "" || n.Src != nil && n.Src.Name == src) {
			out = append(out, n.Text)
		}
	}
	return out
}

// shown reports whether a line with msg was sent; w.mu is held.
func (w *fanWorld) shown(msg string) bool {
	return slices.ContainsFunc(w.lines, func(e entry.Entry) bool { return string(e.Msg) == msg })
}

// TestCapFollowsTheFirstInListOrderAndNamesTheRest: 10 running containers
// with a cap of 6. The first six in list order (service, then number) are
// followed, one warning names the four others, exactly six streams are
// open, and the others are never requested. When a followed container
// stops and is removed, its slot goes to the first waiting one, which is
// read from its first line.
func TestCapFollowsTheFirstInListOrderAndNamesTheRest(t *testing.T) {
	w := newFanWorld()
	ctrs := map[string]*fanCtr{}
	for _, n := range []int{1, 2, 9, 10, 11} {
		c := w.add("api", n, container.StateRunning)
		ctrs[c.name()] = c
	}
	for n := 1; n <= 5; n++ {
		c := w.add("web", n, container.StateRunning)
		ctrs[c.name()] = c
	}
	followed := []string{"api-1", "api-2", "api-9", "api-10", "api-11", "web-1"}
	w.follow(t, Options{Project: "p", Follow: true, Tail: 100, MaxStreams: 6})

	w.waitFor(t, "six streams and their lines", func() bool {
		for _, name := range followed {
			if !w.shown(name + " boot 1") {
				return false
			}
		}
		return w.open == 6 && len(w.noticesOf(entry.Warning, "")) == 1
	})
	w.mu.Lock()
	warnings := w.noticesOf(entry.Warning, "")
	assert.Equal(t, len(warnings), 1)
	assert.Assert(t, strings.HasPrefix(warnings[0], "following 6 containers, the cap (--max-streams 6): not following 4: web-2, web-3, web-4, web-5;"), warnings[0])
	for _, name := range []string{"web-2", "web-3", "web-4", "web-5"} {
		assert.Equal(t, w.requests[name], 0, "%s was read while waiting", name)
		assert.Assert(t, !w.shown(name+" boot 1"))
	}
	assert.Equal(t, len(w.noticesOf(entry.Attached, "")), 6, w.noticeText())
	w.mu.Unlock()

	// api-2 stops and is removed: web-2 takes its slot, from its first line.
	w.exit(ctrs["api-2"])
	w.waitFor(t, "web-2 followed", func() bool {
		return w.shown("web-2 boot 1") && w.open == 6
	})
	w.remove(ctrs["api-2"])
	w.waitFor(t, "api-2 removed", func() bool { return len(w.noticesOf(entry.Removed, "api-2")) == 1 })
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.DeepEqual(t, w.noticesOf(entry.Note, "web-2"), []string{"following now: a stream slot freed (--max-streams 6); shown from its first line"})
	for _, name := range []string{"web-3", "web-4", "web-5"} {
		assert.Equal(t, w.requests[name], 0, "%s was read while waiting", name)
	}
	assert.Equal(t, len(w.noticesOf(entry.Warning, "")), 1, w.noticeText())
	assert.Equal(t, w.open, 6)
	assert.Equal(t, w.maxOpen, 6)
}

// TestStoppedContainersHoldNoSlot: a container found exited at start-up is
// shown and takes no slot; a followed container that exits gives its slot
// to a waiting one and, started again while every slot is taken, waits
// (named in a warning) and then resumes from where it was left.
func TestStoppedContainersHoldNoSlot(t *testing.T) {
	w := newFanWorld()
	done := w.add("batch", 1, container.StateExited)
	a1 := w.add("app", 1, container.StateRunning)
	a2 := w.add("app", 2, container.StateRunning)
	w.add("app", 3, container.StateRunning)
	w.follow(t, Options{Project: "p", Follow: true, Tail: 100, MaxStreams: 2})

	w.waitFor(t, "app-1, app-2 and batch-1 shown", func() bool {
		return w.shown("app-1 boot 1") && w.shown("app-2 boot 1") && w.shown("batch-1 boot 1") && w.open == 2
	})
	w.mu.Lock()
	assert.DeepEqual(t, w.noticesOf(entry.Warning, ""), []string{"following 2 containers, the cap (--max-streams 2): not following 1: app-3; each is followed when a followed container stops or is removed"})
	w.mu.Unlock()

	w.exit(a1)
	w.waitFor(t, "app-3 followed after app-1 exited", func() bool {
		return w.shown("app-3 boot 1") && w.open == 2 && len(w.noticesOf(entry.Exited, "app-1")) == 1
	})
	w.restart(a1)
	w.waitFor(t, "app-1 named as waiting", func() bool { return len(w.noticesOf(entry.Warning, "")) == 2 })
	w.mu.Lock()
	assert.Equal(t, w.noticesOf(entry.Warning, "")[1], "following 2 containers, the cap (--max-streams 2): not following 1: app-1; each is followed when a followed container stops or is removed")
	assert.Assert(t, !w.shown("app-1 boot 2"))
	w.mu.Unlock()

	w.exit(a2)
	w.waitFor(t, "app-1 followed again", func() bool { return w.shown("app-1 boot 2") && w.open == 2 })
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.DeepEqual(t, w.noticesOf(entry.Note, "app-1"), []string{"following again: a stream slot freed (--max-streams 2); shown from where it was left"})
	assert.Equal(t, w.maxOpen, 2)
	assert.Equal(t, len(w.noticesOf(entry.Attached, "batch-1")), 1)
	_ = done
}
