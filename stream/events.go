package stream

import (
	"context"
	"sync"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// watcher keeps a subscription to the project's container events and queues
// them for the dispatcher without ever blocking: the daemon drops events for
// a subscriber that does not take them within 100 ms.
//
// Event orders the follower relies on (Engine 20.10, API 1.41):
//
//	docker restart X        kill → die → stop → start → restart
//	restart policy          die → start (no kill, stop or restart)
//	docker stop / kill      kill → die → stop / kill → die
//	docker rm -f            kill → die → destroy
//	compose up --force-recreate
//	                        create (new ID) → kill, die, stop, destroy (old ID)
//	                        → rename (new ID) → start (new ID)
//	compose up --scale      create → start
//
// The daemon keeps only its last 256 events and a subscriber can miss some,
// so every (re)subscription is followed by a reconcile with the container
// list. On resubscription since is the newest event's time; since is
// inclusive, so the replayed events are dropped if already handled. Events
// are not strictly ordered by time across containers (the daemon publishes
// them from different goroutines), so only exact repeats are dropped.
type watcher struct {
	f     *Follower
	first client.EventsResult

	mu     sync.Mutex
	queue  []events.Message
	ready  chan struct{}
	resync chan struct{}
	ctx    context.Context
	stop   context.CancelFunc

	last int64      // newest event time seen, for since on resubscription
	seen *recentSet // recent events, to drop replays
}

// newWatcher subscribes at once, so that the subscription exists before
// the caller lists the containers.
func newWatcher(f *Follower) *watcher {
	w := &watcher{f: f, ready: make(chan struct{}, 1), resync: make(chan struct{}, 1), seen: newRecentSet(4096)}
	w.ctx, w.stop = context.WithCancel(f.ctx)
	w.first = f.engine.Events(w.ctx, w.options())
	return w
}

func (w *watcher) close() { w.stop() }

func (w *watcher) options() client.EventsListOptions {
	o := client.EventsListOptions{Filters: make(client.Filters).
		Add("type", "container").
		Add("label", labelProject+"="+w.f.opts.Project).
		Add("event", "create", "start", "restart", "die", "destroy", "rename")}
	if w.last > 0 {
		o.Since = sinceArg(w.last)
	}
	return o
}

// run consumes subscriptions until the run ends or close is called,
// resubscribing with backoff.
func (w *watcher) run() {
	ctx := w.ctx
	defer w.stop()
	var bo backoff
	res, down := w.first, false
	for {
		err := w.consume(ctx, res, func() {
			bo.reset()
			if down {
				down = false
				w.f.notice(&entry.Notice{Kind: entry.Reconnect, Text: "reconnected to the Docker daemon"})
			}
		})
		if ctx.Err() != nil {
			return
		}
		w.f.log.Debug("events stream ended", "err", err)
		if bo.n >= 2 && !down {
			down = true
			w.f.notice(&entry.Notice{Kind: entry.Warning, Text: "lost the Docker daemon's event stream (" + err.Error() + "); retrying"})
		}
		if !bo.wait(ctx) {
			return
		}
		res = w.f.engine.Events(ctx, w.options())
	}
}

// consume reads one subscription until it fails. Once it has lasted a
// moment (or delivered an event) it counts as established: up is called and
// a reconcile is requested for what may have been missed.
func (w *watcher) consume(ctx context.Context, res client.EventsResult, up func()) error {
	settle := time.NewTimer(250 * time.Millisecond)
	defer settle.Stop()
	established := false
	establish := func() {
		if !established {
			established = true
			up()
			signal(w.resync)
		}
	}
	for {
		select {
		case m := <-res.Messages:
			w.push(m)
			establish()
		case err := <-res.Err:
			return err
		case <-settle.C:
			establish()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// push queues an event unless it is a replay of one already handled.
func (w *watcher) push(m events.Message) {
	if !w.seen.add(eventKey{m.TimeNano, m.Actor.ID, m.Action}) {
		return
	}
	w.f.log.Debug("event", "action", m.Action, "container", shortID(m.Actor.ID), "time", m.TimeNano)
	w.last = max(w.last, m.TimeNano)
	w.mu.Lock()
	w.queue = append(w.queue, m)
	w.mu.Unlock()
	signal(w.ready)
}

// drain takes the queued events.
func (w *watcher) drain() []events.Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queue
	w.queue = nil
	return q
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// dispatch hands events to the containers they concern, starts following
// new containers, and reconciles with the container list periodically and
// after every (re)subscription.
func (f *Follower) dispatch(ctx context.Context, w *watcher) {
	every := f.opts.Reconcile
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.ready:
			for _, m := range w.drain() {
				f.handle(m)
			}
		case <-w.resync:
			f.reconcile(ctx)
		case <-t.C:
			f.reconcile(ctx)
		}
	}
}

func (f *Follower) handle(m events.Message) {
	id := m.Actor.ID
	f.mu.Lock()
	c := f.tracked[id]
	if c == nil {
		if !startsFollowing(m.Action) || !f.wants(id, m.Actor.Attributes) {
			f.mu.Unlock()
			return
		}
		c = newTracked(f, id, newSource(id, m.Actor.Attributes["name"], m.Actor.Attributes))
		f.tracked[id] = c
		f.mu.Unlock()
		f.admit(c)
		return
	}
	if f.queuedIdle(c) {
		// Waiting for a slot: read from its first line when it gets one.
		if m.Action == events.ActionDestroy {
			f.dropIdle(c)
		}
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	if m.Action == events.ActionDie {
		c.deaths.died(m.TimeNano)
		signal(c.dying)
	}
	c.poke()
}

// startsFollowing reports the actions that announce a container to follow;
// die and destroy of an unknown container announce nothing to read.
func startsFollowing(a events.Action) bool {
	switch a {
	case events.ActionCreate, events.ActionStart, events.ActionRestart, events.ActionRename:
		return true
	}
	return false
}

// reconcile follows containers the events did not announce and wakes every
// followed one, so that a missed start or destroy is noticed.
func (f *Follower) reconcile(ctx context.Context) {
	fresh, err := f.list(ctx, false)
	if err != nil {
		f.log.Debug("reconcile: list failed", "err", err)
		return
	}
	for _, l := range fresh {
		f.admit(l.c)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.tracked {
		if !f.queuedIdle(c) {
			c.poke()
		}
	}
}

type eventKey struct {
	time   int64
	id     string
	action events.Action
}

// recentSet remembers the last n keys added.
type recentSet struct {
	ring []eventKey
	next int
	in   map[eventKey]bool
}

func newRecentSet(n int) *recentSet {
	return &recentSet{ring: make([]eventKey, 0, n), in: make(map[eventKey]bool, n)}
}

// add records k and reports whether it was new.
func (s *recentSet) add(k eventKey) bool {
	if s.in[k] {
		return false
	}
	if len(s.ring) < cap(s.ring) {
		s.ring = append(s.ring, k)
	} else {
		delete(s.in, s.ring[s.next])
		s.ring[s.next] = k
		s.next = (s.next + 1) % len(s.ring)
	}
	s.in[k] = true
	return true
}
