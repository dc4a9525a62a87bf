package stream

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
)

// DefaultMaxStreams is how many containers a Follower follows at once when
// Options.MaxStreams is 0.
const DefaultMaxStreams = 256

// capWarnDelay is how long containers turned away by the cap after start-up
// are collected before the warning that names them: a scale-up announces
// its containers one event at a time.
const capWarnDelay = 500 * time.Millisecond

// requestGate is how many short requests (an inspect, the watchdog's look
// at the stored log) may be under way at once. Each takes a connection, so
// that the file descriptors stay within MaxStreams plus a few; and when
// hundreds of containers are followed at once (the start of a large
// project, when the daemon takes seconds to answer), the watchdogs' looks
// wait their turn instead of adding to its load, and a stream that delivers
// meanwhile needs no look at all.
const requestGate = 16

// gate waits for a place for a short request; release gives it back. It
// returns false when ctx ends first.
func (f *Follower) gate(ctx context.Context) (release func(), ok bool) {
	select {
	case f.requests <- struct{}{}:
		return func() { <-f.requests }, true
	case <-ctx.Done():
		return nil, false
	}
}

// slots caps the log streams open at once (Options.MaxStreams). A container
// holds a slot while its loop may have a logs request open: from the start
// of its loop until it parks (it exited or was never started, its log read
// to the end, and waits for a start) or its loop ends (removed, unreadable).
// A parked container costs one idle goroutine and its cursor, no stream and
// no buffer, so it does not count: a project with many finished one-shot
// containers still follows MaxStreams running ones.
//
// A container that wants a slot when none is free waits, in the order the
// follower lists containers (service, then number): one never followed
// waits without a goroutine and is read from its first line once a slot
// frees; a parked one that started again waits in its loop and resumes from
// its cursor. Each batch of containers turned away is named in one warning,
// and each container that gets a slot later in a notice.
//
// The fields are guarded by Follower.mu.
type slots struct {
	held    map[*tracked]bool
	queue   []*waiter            // in list order
	waiting map[*tracked]*waiter // the same, by container
	pending []*tracked           // queued since the last warning
	kick    chan struct{}        // pending is not empty
}

// waiter is a container waiting for a slot.
type waiter struct {
	c *tracked
	// grant is closed when a parked container's loop gets its slot; nil for
	// a container whose loop has not started (it is started instead).
	grant chan struct{}
}

func newSlots() slots {
	return slots{held: map[*tracked]bool{}, waiting: map[*tracked]*waiter{}, kick: make(chan struct{}, 1)}
}

func (f *Follower) maxStreams() int {
	if f.opts.MaxStreams > 0 {
		return f.opts.MaxStreams
	}
	return DefaultMaxStreams
}

// stopped reports a listed state without a process whose log can grow:
// such a container is read to its end and parks without a slot.
func stopped(s container.ContainerState) bool {
	switch s {
	case container.StateCreated, container.StateExited, container.StateDead, container.StateRemoving:
		return true
	}
	return false
}

// listOrder is the order in which containers are listed, followed and
// named: service, then replica number, then name.
func listOrder(a, b *tracked) int {
	if c := strings.Compare(a.src.Service, b.src.Service); c != 0 {
		return c
	}
	if a.src.Number != b.src.Number {
		return a.src.Number - b.src.Number
	}
	if c := strings.Compare(a.src.Name, b.src.Name); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// take gives c a slot if one is free; f.mu is held.
func (f *Follower) take(c *tracked) bool {
	if len(f.slots.held) >= f.maxStreams() {
		return false
	}
	f.slots.held[c] = true
	return true
}

// enqueue adds a waiter in list order; f.mu is held.
func (f *Follower) enqueue(w *waiter) {
	s := &f.slots
	i, _ := slices.BinarySearchFunc(s.queue, w, func(x, y *waiter) int { return listOrder(x.c, y.c) })
	s.queue = slices.Insert(s.queue, i, w)
	s.waiting[w.c] = w
	s.pending = append(s.pending, w.c)
}

// unqueue removes c from the queue and reports whether it was there; f.mu
// is held.
func (f *Follower) unqueue(c *tracked) bool {
	s := &f.slots
	w := s.waiting[c]
	if w == nil {
		return false
	}
	delete(s.waiting, c)
	s.queue = slices.DeleteFunc(s.queue, func(x *waiter) bool { return x == w })
	return true
}

// admit starts following a container that has no loop yet, or queues it
// (read from its first line later) when every slot is taken.
func (f *Follower) admit(c *tracked) {
	f.mu.Lock()
	if f.take(c) {
		f.mu.Unlock()
		f.start(c)
		return
	}
	c.tail = -1 // never shown: from its first line when its turn comes
	f.enqueue(&waiter{c: c})
	f.mu.Unlock()
	signal(f.slots.kick)
}

// release gives c's slot, if it holds one, to the first waiting container.
func (f *Follower) release(c *tracked) {
	f.mu.Lock()
	if !f.slots.held[c] {
		f.mu.Unlock()
		return
	}
	delete(f.slots.held, c)
	var next *waiter
	if len(f.slots.queue) > 0 {
		next = f.slots.queue[0]
		f.unqueue(next.c)
		f.slots.held[next.c] = true
	}
	f.mu.Unlock()
	if next == nil {
		return
	}
	n := &entry.Notice{Kind: entry.Note, Src: next.c.src}
	if next.grant == nil {
		n.Text = fmt.Sprintf("following now: a stream slot freed (--max-streams %d); shown from its first line", f.maxStreams())
		f.notice(n)
		f.start(next.c)
		return
	}
	n.Text = fmt.Sprintf("following again: a stream slot freed (--max-streams %d); shown from where it was left", f.maxStreams())
	f.notice(n)
	close(next.grant)
}

// acquire gets a slot for a parked container that started again, waiting
// for one if needed. It returns false when the run ends or the container is
// gone while it waits (its loop then ends).
func (f *Follower) acquire(ctx context.Context, c *tracked) bool {
	f.mu.Lock()
	if f.slots.held[c] || f.take(c) {
		f.mu.Unlock()
		return true
	}
	w := &waiter{c: c, grant: make(chan struct{})}
	f.enqueue(w)
	f.mu.Unlock()
	signal(f.slots.kick)
	for {
		select {
		case <-w.grant:
			return true
		case <-ctx.Done():
			f.leave(c)
			return false
		case <-c.wake:
			// A die, destroy or reconcile: still there?
			if _, err := c.inspect(ctx); err != nil && c.stop(ctx, err) {
				f.leave(c)
				return false
			}
		}
	}
}

// leave takes c out of the queue, or gives back the slot it was granted
// meanwhile.
func (f *Follower) leave(c *tracked) {
	f.mu.Lock()
	queued := f.unqueue(c)
	f.mu.Unlock()
	if !queued {
		f.release(c)
	}
}

// queuedIdle reports whether c waits for a slot without a loop; f.mu is
// held.
func (f *Follower) queuedIdle(c *tracked) bool {
	w := f.slots.waiting[c]
	return w != nil && w.grant == nil
}

// dropIdle forgets a container that was removed while it waited for a slot
// without a loop; f.mu is held. Its removal needs no notice: it was never
// shown, and the warning that named it said so.
func (f *Follower) dropIdle(c *tracked) {
	f.unqueue(c)
	if f.tracked[c.id] == c {
		delete(f.tracked, c.id)
	}
}

// capWarning returns the warning naming the containers turned away since
// the last one and still waiting, or nil.
func (f *Follower) capWarning() *entry.Notice {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := &f.slots
	var names []*tracked
	for _, c := range s.pending {
		if s.waiting[c] != nil && !slices.Contains(names, c) {
			names = append(names, c)
		}
	}
	s.pending = nil
	if len(names) == 0 {
		return nil
	}
	slices.SortFunc(names, listOrder)
	var b strings.Builder
	fmt.Fprintf(&b, "following %d containers, the cap (--max-streams %d): not following %d: ", len(s.held), f.maxStreams(), len(names))
	for i, c := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.src.Name)
	}
	if len(s.queue) > len(names) {
		fmt.Fprintf(&b, " (%d waiting in all)", len(s.queue))
	}
	b.WriteString("; each is followed when a followed container stops or is removed")
	return &entry.Notice{Kind: entry.Warning, Text: b.String()}
}

// warnCapped sends the warning about the containers turned away, if any.
func (f *Follower) warnCapped() {
	if n := f.capWarning(); n != nil {
		f.notice(n)
	}
}

// warnLoop sends the warnings about containers turned away after start-up,
// one per batch: the containers queued within capWarnDelay of the first.
func (f *Follower) warnLoop(ctx context.Context) {
	for {
		select {
		case <-f.slots.kick:
		case <-ctx.Done():
			return
		}
		t := time.NewTimer(capWarnDelay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		f.warnCapped()
	}
}

// selectStartup splits the containers found at start-up: running ones take
// the slots in list order and the rest wait (without a loop: they are read
// from their first line once followed); stopped ones take no slot, their
// history is read and their loops park. It returns the containers whose
// history is read.
func (f *Follower) selectStartup(found []listed) (shown []*tracked) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range found {
		switch {
		case stopped(l.state), f.take(l.c):
			shown = append(shown, l.c)
		default:
			l.c.tail = -1
			f.enqueue(&waiter{c: l.c})
		}
	}
	return shown
}

// holds reports whether c holds a slot.
func (f *Follower) holds(c *tracked) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.slots.held[c]
}

// runParked is the loop of a container found stopped at start-up, once its
// history has been read: it waits, without a slot, for the container to
// start, then follows it.
func (c *tracked) runParked(ctx context.Context) {
	if c.unreadable {
		c.f.forget(c)
		return
	}
	started := c.startedAt
	if started == "" {
		started = zeroTime // never started
	}
	var bo backoff
	if !c.awaitChange(ctx, container.InspectResponse{State: &container.State{StartedAt: started}}, &bo) {
		c.f.forget(c)
		return
	}
	c.run(ctx)
}
