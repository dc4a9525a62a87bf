package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// tracked follows one container (one ID) through all its generations: a
// generation is one run of its process, from start to exit. The loop, per
// generation:
//
//  1. inspect the container;
//  2. read its log with follow=1 from the cursor, whatever its state: a
//     container that already exited returns its stored lines and ends at
//     once, so a one-shot that lived a few milliseconds is still shown;
//  3. when the stream ends, inspect again. Still running, same StartedAt:
//     the stream was cut (a proxy, the daemon) and is resumed with backoff.
//     Running with a new StartedAt: it restarted meanwhile, go on. Not
//     running: report the exit and wait for a wake-up (a start event or a
//     reconcile) before going back to 1.
//
// State.Status is used, never State.Running, which is also true while a
// crash-looping container waits to restart ("restarting"): a loop keyed on
// it reopens the stream thousands of times a second.
type tracked struct {
	f   *Follower
	id  string
	src *entry.Source
	cur cursor
	asm assembler
	rep repeats
	// reread and rot repair what a follow stream gets wrong while the log
	// rotates (rotation.go).
	reread rereads
	rot    rotationWatch
	wake   chan struct{}
	// dying is signalled by a die event: the follow stream is cut at once
	// and the log read to its end before the daemon can remove it.
	dying chan struct{}
	// early is the catch-up a die event opened during a follow read
	// (cutOnDie); set before that read returns.
	early *earlyRead
	// deaths weighs die events against logs requests (tracked.stop).
	deaths deaths
	// shownTS is a recently shown frame's timestamp (published by the
	// decoder, read by cutOnDie); published is its last value.
	shownTS   atomic.Int64
	published int64
	// anchorTS and anchorTail, published with shownTS, bound an early
	// catch-up as cursor.bound bounds other resumed requests.
	anchorTS, anchorTail atomic.Int64

	startedAt string // StartedAt of the generation last seen
	gen       int
	reported  int // generation whose exit was reported
	attached  bool
	failures  int  // reads that failed in a row
	warned    bool // a notice about the failures was shown
	// tail applies to the first read of a container that existed at
	// start-up, until its history has been read; -1 reads everything.
	tail       int
	unreadable bool
	known      bool // an inspect has succeeded
	// removedEarly: the container was being removed before its log was
	// read to the end (a gap notice was shown).
	removedEarly bool
	missing      int           // "no such container" answers before the first success
	lagging      bool          // a lag warning is standing (see noteLag)
	lagLimit     time.Duration // LagWarning, shorter in tests
}

func newTracked(f *Follower, id string, src *entry.Source) *tracked {
	return &tracked{f: f, id: id, src: src, wake: make(chan struct{}, 1), dying: make(chan struct{}, 1),
		asm: assembler{max: f.opts.lineMax()}, tail: -1, lagLimit: LagWarning}
}

// poke wakes the loop if it waits; it never blocks.
func (c *tracked) poke() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *tracked) notice(k entry.Kind, text string) {
	c.f.notice(&entry.Notice{Time: time.Now().UnixNano(), Kind: k, Src: c.src, Text: text})
}

// run follows the container until it is removed or ctx ends.
func (c *tracked) run(ctx context.Context) {
	defer c.f.forget(c)
	var bo backoff
	var st container.InspectResponse
	// reopen: a follow stream suspected of skipping a rotated file is
	// reopened at once, without a look at the container first: the files
	// it may have skipped rotate away within a few tenths of a second.
	reopen := false
	for ctx.Err() == nil {
		if !reopen {
			var err error
			if st, err = c.inspect(ctx); err != nil {
				if c.stop(ctx, err) || !bo.wait(ctx) {
					return
				}
				continue
			}
			if c.unreadable {
				return
			}
			if st.HostConfig != nil && st.HostConfig.LogConfig.Type == "none" {
				c.unreadable = true
				c.notice(entry.Unreadable, `log driver "none" keeps no logs: nothing to show`)
				return
			}
			c.reread.on = c.rot.configure(st.HostConfig)
			c.generation(st)
			if st.State.Status == container.StateCreated {
				// Never started: no log yet. Wait for its start event.
				if !c.awaitChange(ctx, st, &bo) {
					return
				}
				continue
			}
		}
		reopen = false
		req := c.f.liveRequest(c.tail)
		select {
		case <-c.dying:
			// It died since the last look: read what it wrote at once, without
			// following, before the daemon can remove it. That read gets the
			// dead generation's log whole: no catch-up after it.
			req.follow = false
		default:
		}
		opened := time.Now()
		frames, err := c.read(ctx, req, c.f.out)
		early := c.early
		c.early = nil
		if frames > 0 || time.Since(opened) >= healthyStream {
			bo.reset()
			c.failures = 0
		}
		if errors.Is(err, errSilent) || errors.Is(err, errSkipped) {
			early.discard()
			reopen = errors.Is(err, errSkipped)
			continue // reopen at once from the cursor
		}
		if errors.Is(err, errDying) {
			err = io.EOF // read the rest from the cursor now
		}
		if !errors.Is(err, io.EOF) {
			early.discard()
			if c.stop(ctx, err) {
				return
			}
			c.streamBroke(err)
			if !bo.wait(ctx) {
				return
			}
			continue
		}
		if c.warned {
			c.warned = false
			c.notice(entry.Reconnect, "log stream resumed")
		}
		end := endEOF
		switch {
		case !req.follow:
			end = endWhole
		case early != nil:
			end = endDied
		}
		if !c.ended(ctx, st, &bo, early, end) {
			return
		}
	}
}

// awaitChange waits, after a generation ended, until the container runs
// again or has a new StartedAt (it ran and exited between two looks). A
// wake-up that finds nothing changed (a reconcile) goes back to waiting
// without a logs request.
func (c *tracked) awaitChange(ctx context.Context, last container.InspectResponse, bo *backoff) (again bool) {
	// No stream is open while it waits: its slot goes to a waiting
	// container, and it takes one again (or waits for one) to go on.
	c.f.release(c)
	defer func() { again = again && c.f.acquire(ctx, c) }()
	wait := time.Second
	for {
		var t *time.Timer
		var look <-chan time.Time
		if last.State.Status == container.StateCreated {
			// Its start event may never come (the daemon drops events for
			// slow subscribers): look again soon, not at the next reconcile.
			t = time.NewTimer(wait)
			look, wait = t.C, min(2*wait, createdPoll)
		}
		select {
		case <-c.wake:
		case <-look:
		case <-ctx.Done():
			if t != nil {
				t.Stop()
			}
			return false
		}
		if t != nil {
			t.Stop()
		}
		st, err := c.inspect(ctx)
		if err != nil {
			return !c.stop(ctx, err)
		}
		if st.State.Status == container.StateRunning || st.State.StartedAt != last.State.StartedAt {
			bo.reset()
			return true
		}
	}
}

const (
	// healthyStream: a logs stream that stayed open this long and then
	// ended was cut by something in between (a socket proxy closing idle
	// streams), not refused by the daemon: it does not count as a failure,
	// and the next one opens without backoff.
	healthyStream = 2 * time.Second
	// createdPoll is the longest wait between two looks at a container
	// that was created but has not started.
	createdPoll = 5 * time.Second
)

// flushPending emits a partial line left at the end of a generation.
func (c *tracked) flushPending(ctx context.Context) {
	if !c.asm.pending() {
		return
	}
	b := &batcher{ctx: ctx, out: c.f.out, src: c.src}
	c.asm.emit = b.add
	c.asm.flush()
	b.send()
}

// generation notices a new run of the container (a new StartedAt).
func (c *tracked) generation(st container.InspectResponse) {
	if c.observe(st) && c.attached {
		c.notice(entry.Restarted, fmt.Sprintf("restarted (generation %d)", c.gen))
	}
	if !c.attached && (c.gen > 0 || st.State.Status != container.StateCreated) {
		c.f.notice(c.f.attached(c))
	}
}

// observe records what an inspect says about the container and reports
// whether it shows a new generation (a new StartedAt).
func (c *tracked) observe(st container.InspectResponse) bool {
	if st.Config != nil {
		c.src.TTY = st.Config.Tty
	}
	s := st.State.StartedAt
	if s == c.startedAt || s == "" || s == zeroTime {
		return false
	}
	c.startedAt = s
	c.gen++
	return true
}

// zeroTime is the StartedAt of a container that never started.
const zeroTime = "0001-01-01T00:00:00Z"

func (c *tracked) inspect(ctx context.Context) (container.InspectResponse, error) {
	r, err := c.look(ctx)
	if err == nil {
		c.known = true
	}
	return r, err
}

// look inspects the container, touching nothing of c: it may run beside
// the loop (endedHow).
func (c *tracked) look(ctx context.Context) (container.InspectResponse, error) {
	release, ok := c.f.gate(ctx)
	if !ok {
		return container.InspectResponse{}, ctx.Err()
	}
	r, err := c.f.engine.ContainerInspect(ctx, c.id, client.ContainerInspectOptions{})
	release()
	if err == nil && r.Container.State == nil {
		err = fmt.Errorf("inspect %s: no state in the response", shortID(c.id))
	}
	return r.Container, err
}

// stop reports whether err ends the loop: the run is over, the container is
// gone, or its log cannot be read. Other errors are retried.
func (c *tracked) stop(ctx context.Context, err error) bool {
	switch {
	case isCanceled(ctx, err):
		return true
	case isNotFound(err) && !c.known && c.missing < 10:
		// The container list shows a container while it is being created,
		// before it can be inspected: try again shortly.
		c.missing++
		return false
	case isNotFound(err):
		c.flushPending(ctx)
		if c.deaths.unread() {
			// It died (again) after the last logs request was made, and
			// is gone before another could read how that run ended.
			c.lostTail()
		}
		if c.attached {
			c.notice(entry.Removed, "removed")
		}
		return true
	case isRemoving(err):
		c.flushPending(ctx)
		c.lostTail()
		return true
	case isUnreadable(err):
		if !c.unreadable {
			c.unreadable = true
			c.notice(entry.Unreadable, fmt.Sprintf("log cannot be read: %v", err))
		}
		return true
	}
	c.f.log.Debug("container follow error", "container", c.src.Name, "err", err)
	return false
}

// streamBroke handles a stream that failed while it was read: it is resumed
// from the cursor, which loses nothing, so only a daemon read error (lines
// may be missing) or repeated failures are worth a notice.
func (c *tracked) streamBroke(err error) {
	c.failures++
	var se errSystem
	switch {
	case errors.As(err, &se):
		c.notice(entry.Gap, fmt.Sprintf("%v; resuming", err))
	case c.failures == 3 && !c.warned:
		c.warned = true
		c.notice(entry.Warning, fmt.Sprintf("log stream keeps failing (%v); retrying", err))
	}
}
