package stream

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"
)

// Item is what a Follower sends to its consumer: a batch of lines of one
// container, in order, or a notice. The consumer owns the lines it receives.
type Item = entry.Item

// Options configures a Follower. The zero value follows nothing: Project is
// required.
type Options struct {
	// Project is the compose project name (label com.docker.compose.project).
	Project string
	// Services limits the followed services; empty means all.
	Services []string
	// OneOff also follows one-off containers (docker compose run).
	OneOff bool
	// Exclude lists container IDs never to follow (devlogs' own container
	// when it runs as a sidecar).
	Exclude []string
	// Follow keeps following; false prints the stored lines and returns.
	Follow bool
	// Tail is how many lines of each container that exists at start-up are
	// shown from its history; negative means all. Containers that appear
	// later are always read from their first line.
	Tail int
	// Since and Until bound the lines shown by their daemon timestamp.
	Since, Until time.Time
	// LineMax caps the bytes kept of one line (DefaultLineMax when 0).
	LineMax int64
	// Reconcile is how often the container list is compared with what is
	// followed, to catch events the daemon dropped (30 s when 0).
	Reconcile time.Duration
	// MaxStreams caps the containers followed at once, when following
	// (DefaultMaxStreams when 0): the log streams open, and with them the
	// connections, goroutines and buffers. A container that exited holds
	// none. The containers beyond the cap are named in a warning and
	// followed, from their first line, as slots free (see slots).
	MaxStreams int
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
}

func (o Options) lineMax() int64 {
	if o.LineMax > 0 {
		return o.LineMax
	}
	return DefaultLineMax
}

// Follower follows every container of a compose project.
type Follower struct {
	engine Engine
	opts   Options
	log    *slog.Logger
	out    chan<- Item
	ctx    context.Context // the run's context, for sends from any goroutine

	mu       sync.Mutex
	g        *errgroup.Group
	tracked  map[string]*tracked // by container ID, while followed or waiting for a slot
	names    map[string]string   // display name -> ID of the container shown under it
	slots    slots
	requests chan struct{} // places for short requests (see requestGate)
}

// New returns a Follower reading from engine.
func New(engine Engine, opts Options) *Follower {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Follower{engine: engine, opts: opts, log: log, tracked: map[string]*tracked{}, names: map[string]string{}, slots: newSlots(),
		requests: make(chan struct{}, requestGate)}
}

// Run follows the project, sending lines and notices to out, until ctx ends
// (Follow) or the stored lines have been sent (no Follow). Cancellation is
// not an error. Run does not close out.
func (f *Follower) Run(ctx context.Context, out chan<- Item) error {
	f.out = out
	if f.opts.Follow && !f.opts.Until.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, f.opts.Until.Add(time.Second))
		defer cancel()
	}
	g, gctx := errgroup.WithContext(ctx)
	f.ctx, f.g = gctx, g
	var w *watcher
	if f.opts.Follow {
		// Subscribe before listing, so that no container can start unseen
		// between the list and the subscription.
		w = newWatcher(f)
		g.Go(func() error { w.run(); return nil })
	}
	startup, err := f.list(gctx, true)
	if err != nil {
		if w != nil {
			w.close()
		}
		_ = g.Wait()
		return fmt.Errorf("list the containers of project %q: %w", f.opts.Project, err)
	}
	if len(startup) == 0 && f.opts.Follow {
		f.notice(&entry.Notice{Kind: entry.Waiting, Text: fmt.Sprintf("no containers of project %q yet: waiting for them to start", f.opts.Project)})
	}
	shown := make([]*tracked, len(startup))
	for i, l := range startup {
		shown[i] = l.c
	}
	if f.opts.Follow {
		shown = f.selectStartup(startup)
		f.warnCapped()
	}
	for _, c := range shown {
		f.notice(&entry.Notice{Kind: entry.Listed, Src: c.src})
	}
	f.history(gctx, shown)
	if f.opts.Follow {
		for _, c := range shown {
			if f.holds(c) {
				f.start(c)
			} else {
				g.Go(func() error { c.runParked(gctx); return nil })
			}
		}
		g.Go(func() error { f.warnLoop(gctx); return nil })
		g.Go(func() error { f.dispatch(gctx, w); return nil })
	}
	err = g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// listed is a container found by list, with the state the list gave.
type listed struct {
	c     *tracked
	state container.ContainerState
}

// list returns the project's containers that are to be followed and not yet
// tracked, each as a new tracked container, in list order (service, then
// number; see listOrder). Only containers found at start-up get the history
// tail. Containers waiting for a slot without a loop that the list no longer
// shows are forgotten (their destroy event was missed).
func (f *Follower) list(ctx context.Context, startup bool) ([]listed, error) {
	res, err := f.engine.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", labelProject+"="+f.opts.Project),
	})
	if err != nil {
		return nil, err
	}
	var cs []listed
	f.mu.Lock()
	defer f.mu.Unlock()
	present := make(map[string]bool, len(res.Items))
	for _, it := range res.Items {
		present[it.ID] = true
		if !f.wants(it.ID, it.Labels) || f.tracked[it.ID] != nil {
			continue
		}
		name := ""
		if len(it.Names) > 0 {
			name = it.Names[0]
		}
		c := newTracked(f, it.ID, newSource(it.ID, name, it.Labels))
		if startup {
			c.tail = f.opts.Tail
		}
		f.tracked[it.ID] = c
		cs = append(cs, listed{c: c, state: it.State})
	}
	for _, w := range slices.Clone(f.slots.queue) {
		if w.grant == nil && !present[w.c.id] {
			f.dropIdle(w.c)
		}
	}
	slices.SortFunc(cs, func(a, b listed) int { return listOrder(a.c, b.c) })
	return cs, nil
}

// wants reports whether a container with this ID and these labels is
// followed.
func (f *Follower) wants(id string, labels map[string]string) bool {
	if slices.Contains(f.opts.Exclude, id) {
		return false
	}
	if labels[labelProject] != f.opts.Project {
		return false
	}
	if !f.opts.OneOff && strings.EqualFold(labels[labelOneOff], "true") {
		return false
	}
	return len(f.opts.Services) == 0 || slices.Contains(f.opts.Services, labels[labelService])
}

// start runs the follow loop of c in the run's group.
func (f *Follower) start(c *tracked) {
	f.g.Go(func() error { c.run(f.ctx); return nil })
}

// forget drops a container whose loop has ended, so that a later event or
// reconcile about the same ID starts a new loop, and gives its slot to a
// waiting container. An unreadable container is kept, so that its notice is
// not repeated at every reconcile.
func (f *Follower) forget(c *tracked) {
	f.mu.Lock()
	if f.tracked[c.id] == c && !c.unreadable {
		delete(f.tracked, c.id)
	}
	f.unqueue(c)
	f.mu.Unlock()
	f.release(c)
}

// attached is called once per container, when it is first followed.
// It returns the notice to show: attached, or recreated when another
// container was shown under the same name before.
func (f *Follower) attached(c *tracked) *entry.Notice {
	c.attached = true
	f.mu.Lock()
	prev, seen := f.names[c.src.Name]
	f.names[c.src.Name] = c.id
	f.mu.Unlock()
	n := &entry.Notice{Time: time.Now().UnixNano(), Kind: entry.Attached, Src: c.src,
		Text: fmt.Sprintf("attached (container %s)", shortID(c.id))}
	if seen && prev != c.id {
		n.Kind, n.Text = entry.Recreated, fmt.Sprintf("recreated (new container %s)", shortID(c.id))
	}
	return n
}

// notice sends a notice to the consumer.
func (f *Follower) notice(n *entry.Notice) {
	if n.Time == 0 {
		n.Time = time.Now().UnixNano()
	}
	select {
	case f.out <- Item{Notice: n}:
	case <-f.ctx.Done():
	}
}

// catchUpRequest reads, without following, what a stopped container's log
// holds beyond the cursor.
func (f *Follower) catchUpRequest() request {
	r := f.liveRequest(-1)
	r.follow = false
	return r
}

// liveRequest is the request of a followed generation.
func (f *Follower) liveRequest(tail int) request {
	r := request{follow: true, tail: tail}
	if !f.opts.Since.IsZero() {
		r.since = f.opts.Since.UnixNano()
	}
	if !f.opts.Until.IsZero() {
		r.until = f.opts.Until.UnixNano()
	}
	return r
}
