package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
)

// When a container dies, what it wrote last must be read before compose
// can remove it (about 15 ms after it dies, when it is recreated), and the
// follow stream of this engine may have ended without it. A die event opens
// the catch-up read at once (cutOnDie); a stream the daemon ended gets its
// catch-up at once too, with an inspect beside it that tells a death from a
// cut (ended, endedHow); and a container found removed after a death no
// read followed is reported as a gap (deaths, tracked.stop).

// streamEnd says how a stream ended, for what follows it.
type streamEnd int

const (
	// endEOF: the daemon ended a follow stream.
	endEOF streamEnd = iota
	// endDied: a die event cut a follow stream and opened the catch-up.
	endDied
	// endWhole: the stream was a read, after a die, of the log as it stood
	// then; no catch-up follows it.
	endWhole
)

// dieWait is how long, after the catch-up of a generation seen stopped,
// its die event is waited for: it comes about when the stream ends,
// sometimes just after, and is taken then so that the next generation's
// first request is not mistaken for a read after a new death. The daemon
// may also drop it; nothing waits longer.
const dieWait = 50 * time.Millisecond

// dieSlack is how much later than the FinishedAt of a generation its die
// event may be stamped: the daemon stamps both while it handles the exit.
// A generation that starts again and dies within it is not told apart.
const dieSlack = int64(50 * time.Millisecond)

// ended decides what to do after the daemon ended a stream; it returns
// false when the loop should stop.
//
// early is the catch-up read a die event opened already, if any.
func (c *tracked) ended(ctx context.Context, before container.InspectResponse, bo *backoff, early *earlyRead, end streamEnd) bool {
	var how func() (stopped int64, gone bool)
	if end == endEOF {
		// The daemon ended the stream: the container's logger closed, so
		// it died, and compose may remove it within milliseconds. The
		// catch-up goes out at once; an inspect meanwhile tells a death
		// from a stream cut while it runs.
		how = c.endedHow(ctx)
	}
	var stopped int64 // FinishedAt of the generation the stream ended with
	var gone bool
	// The daemon may end a follow stream before it has sent the last lines
	// a stopping container wrote (seen with the unterminated line a program
	// prints on SIGTERM). Read what the log holds beyond the cursor at once:
	// compose removes a recreated container about 15 ms after it dies.
	if end != endWhole {
		req := c.f.catchUpRequest()
		req.early = early
		_, err := c.read(ctx, req, c.f.out)
		if how != nil {
			stopped, gone = how()
		}
		switch {
		case errors.Is(err, io.EOF) && gone:
			// Read after its death and before its removal: nothing of it
			// is missing, whenever its die event comes.
			c.deaths.whole = true
		case err != nil && !errors.Is(err, io.EOF) && !isCanceled(ctx, err):
			c.f.log.Debug("catch-up read failed", "container", c.src.Name, "err", err)
			if isRemoving(err) || isNotFound(err) {
				c.flushPending(ctx)
				c.lostTail()
			}
		}
	}
	if stopped != 0 {
		// The stream ended because the container died, so the catch-up
		// read its log whole: its die event, whenever it comes, needs no
		// other read.
		c.deaths.endRead = max(c.deaths.endRead, stopped)
		if !c.awaitDie(ctx) {
			return false
		}
	}
	st, err := c.inspect(ctx)
	if err != nil {
		c.flushPending(ctx)
		return !c.stop(ctx, err) && bo.wait(ctx)
	}
	if st.State.Status == container.StateRunning {
		if st.State.StartedAt == before.State.StartedAt {
			// cut while running: resume from the cursor
			return bo.wait(ctx)
		}
		c.flushPending(ctx)
		return true
	}
	c.flushPending(ctx)
	if c.gen > c.reported && (st.State.Status == container.StateExited || st.State.Status == container.StateDead) {
		c.reported = c.gen
		c.notice(entry.Exited, fmt.Sprintf("exited with code %d", st.State.ExitCode))
	}
	return c.awaitChange(ctx, st, bo)
}

// endedHow starts an inspect of a container whose follow stream the daemon
// ended, to run while the catch-up read goes out; the function it returns
// waits for the answer. The daemon ends a follow stream when the
// container's logger closes, after the last write: a container not running
// (the inspect waits while the daemon handles an exit) died before the
// stream ended, and the catch-up reads its log whole. Its FinishedAt
// (daemon time) is returned; 0 means running (the stream was cut), or
// unknown. gone: it was removed, or is being removed.
//
// Waiting for the die event before the catch-up, as this once did, left the
// catch-up to compose's removal of the container when the daemon dropped
// the event.
func (c *tracked) endedHow(ctx context.Context) func() (stopped int64, gone bool) {
	type answer struct {
		stopped int64
		gone    bool
	}
	ch := make(chan answer, 1)
	go func() {
		var a answer
		defer func() { ch <- a }()
		r, err := c.look(ctx)
		switch {
		case err != nil:
			a.gone = isNotFound(err) || isRemoving(err)
			return
		case r.State.Status == container.StateRunning:
			return
		case r.State.Status == container.StateRemoving:
			a.gone = true
		}
		if t, err := time.Parse(time.RFC3339Nano, r.State.FinishedAt); err == nil {
			a.stopped = t.UnixNano()
		}
	}()
	return func() (int64, bool) {
		a := <-ch
		return a.stopped, a.gone
	}
}

// deaths counts a container's die events against its logs requests. A
// container found removed after a die newer than the last request may have
// taken lines with it that no request returned.
type deaths struct {
	n    atomic.Int64 // die events (the events goroutine adds)
	last atomic.Int64 // the daemon's time of the newest, 0 if unknown
	read int64        // n when the last logs request was made
	// endRead is the FinishedAt of the newest generation whose log was
	// read after it was seen stopped: a die stamped no later than
	// endRead+dieSlack is that generation's, read whole, even if its event
	// came late.
	endRead int64
	// whole: the log was read to its end after the container died, and it
	// was removed meanwhile; no die event can be of a later run.
	whole bool
}

// died records a die event stamped at (daemon time).
func (d *deaths) died(at int64) {
	d.last.Store(at)
	d.n.Add(1)
}

// requested records a logs request made now.
func (d *deaths) requested() { d.read = d.n.Load() }

// unread reports a die event newer than the last logs request and not the
// death of a generation read after it stopped.
func (d *deaths) unread() bool {
	last := d.last.Load()
	return !d.whole && d.n.Load() > d.read && (last == 0 || last > d.endRead+dieSlack)
}

// awaitDie waits up to dieWait for a die event; false when ctx ended.
func (c *tracked) awaitDie(ctx context.Context) bool {
	t := time.NewTimer(dieWait)
	defer t.Stop()
	select {
	case <-c.dying:
	case <-t.C:
	case <-ctx.Done():
		return false
	}
	return true
}

// errDying ends a follow stream when its container dies.
var errDying = errors.New("container died")

// cutOnDie, when a die event arrives for the container (the loop looks for
// one before it opens the stream), opens the catch-up read at once and
// cancels the follow stream (rctx) with errDying.
//
// The catch-up must reach the daemon before compose removes the container,
// about 15 ms after it dies when it is recreated: opened here it does not
// wait for the decoder, which may be busy with a backlog or blocked on a
// slow output. It starts from a little before the newest frame the decoder
// published (shownTS), so from no later than the cursor will be once the
// follow stream is drained; takeEarly then drops what a request from the
// cursor would not have returned.
func (c *tracked) cutOnDie(ctx, rctx context.Context, cancel context.CancelCauseFunc) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-c.dying:
			c.early = c.openEarly(ctx)
			cancel(errDying)
		case <-rctx.Done():
		}
	}()
	return done
}

// earlyRead is a catch-up logs request opened by cutOnDie.
type earlyRead struct {
	since   int64 // 0: from the beginning
	bounded bool  // with a tail reaching back to the anchor (cursor.bound)
	dies    int64 // deaths.n when it was made
	done    chan struct{}
	body    io.ReadCloser // set before done is closed
	err     error
}

// publishEvery is how often, in log time, the decoder publishes the newest
// shown frame's timestamp for an early catch-up (and at once when it goes
// back): the catch-up starts a cursor window before it, so at most this much
// earlier than the cursor's since (never later: the cursor's since is a
// window before its newest frame, which is at or after the published one).
const publishEvery = int64(10 * time.Millisecond)

func (c *tracked) openEarly(ctx context.Context) *earlyRead {
	req := c.f.catchUpRequest()
	e := &earlyRead{since: max(req.since, 0), dies: c.deaths.n.Load(), done: make(chan struct{})}
	tail := ""
	if ts := c.shownTS.Load(); ts != 0 {
		e.since = max(e.since, ts-cursorWindow)
		if a, n := c.anchorTS.Load(), c.anchorTail.Load(); n > 0 && a < e.since && !c.rot.small {
			e.since, e.bounded = a, true
			tail = strconv.FormatInt(n+resumeSlack, 10)
		}
	}
	opts := logsOptions(false, e.since, req.until)
	opts.Tail = tail
	c.f.log.Debug("early catch-up request", "container", c.src.Name, "since", opts.Since)
	go func() {
		defer close(e.done)
		e.body, e.err = c.f.engine.ContainerLogs(ctx, c.id, opts)
	}()
	return e
}

// takeEarly returns the body of an early catch-up for a request that would
// start at since with skipper sk, and the skipper to read it with; a nil
// body and error mean it started too late (the clock went back) and a new
// request is needed.
func (c *tracked) takeEarly(ctx context.Context, e *earlyRead, since int64, sk *skipper) (io.ReadCloser, *skipper, error) {
	select {
	case <-e.done:
	case <-ctx.Done():
		e.discard()
		return nil, sk, ctx.Err()
	}
	c.f.log.Debug("early catch-up response", "container", c.src.Name, "err", e.err)
	c.deaths.read = e.dies
	if e.err != nil {
		return nil, sk, e.err
	}
	if e.since > since {
		e.discard()
		return nil, sk, nil
	}
	if sk == nil {
		sk = &skipper{left: make(map[int64]int64)}
	}
	sk.floor, sk.bounded = since, e.bounded
	return e.body, sk, nil
}

// discard closes the request's body once it has one; e may be nil.
func (e *earlyRead) discard() {
	if e == nil {
		return
	}
	go func() {
		<-e.done
		if e.body != nil {
			_ = e.body.Close()
		}
	}()
}

// publish makes ts, a shown frame's timestamp, the one an early catch-up
// starts before, when it moved on by publishEvery (or back).
func (c *tracked) publish(ts int64) {
	if ts > c.published+publishEvery || ts < c.published {
		c.published = ts
		if from, n, ok := c.cur.bound(ts-cursorWindow, 0); ok {
			c.anchorTS.Store(from)
			c.anchorTail.Store(n)
		}
		c.shownTS.Store(ts)
	}
}

// lostTail reports, once, a container removed before its log was read to
// the end.
func (c *tracked) lostTail() {
	if !c.removedEarly {
		c.removedEarly = true
		c.notice(entry.Gap, "container "+shortID(c.id)+" was removed before its last lines could be read: lines written just before it stopped may be missing")
	}
}
