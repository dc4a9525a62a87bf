package stream

import (
	"bufio"
	"context"
	"errors"
	"maps"
	"sync/atomic"
	"time"

	"github.com/moby/moby/client"
)

// errSilent ends a follow stream the watchdog found stuck.
var errSilent = errors.New("follow stream stuck: the log has lines it did not deliver")

// silentChecks are the ages of a follow stream at which, while it has
// delivered nothing, the watchdog checks the stored log.
//
// The daemon (seen on Engine 20.10) sometimes never delivers anything on a
// logs request that arrives while the container is starting, although the
// container writes its log, and a second request for that container made
// then may not be answered at all; a request a few milliseconds later works.
// A stream that has not delivered a single frame is therefore compared with
// a non-follow read from the same cursor: if the log holds a line the stream
// should have delivered by now, or the read gets no answer within
// probeTimeout, the stream is abandoned and reopened from the cursor (which
// loses and repeats nothing).
var silentChecks = []time.Duration{
	300 * time.Millisecond, time.Second, 3 * time.Second, 10 * time.Second, 30 * time.Second, time.Minute,
}

// probeTimeout bounds the watchdog's read of the stored log: it stops at the
// first frame not yet shown, so a daemon that works answers at once.
const probeTimeout = 2 * time.Second

// watchdog checks a follow stream until it delivers its first frame.
type watchdog struct {
	c       *tracked
	opts    client.ContainerLogsOptions // the stream's request, with follow off
	skip    *skipper                    // the stream's skipper, copied before use
	opened  time.Time
	got     atomic.Bool // a frame arrived on the stream
	stopped chan struct{}
}

func (c *tracked) newWatchdog(opts client.ContainerLogsOptions, sk *skipper) *watchdog {
	opts.Follow, opts.Tail = false, ""
	w := &watchdog{c: c, opts: opts, opened: time.Now(), stopped: make(chan struct{})}
	if sk != nil {
		w.skip = &skipper{left: maps.Clone(sk.left), total: sk.total}
	}
	return w
}

// run checks at silentChecks until the stream delivers, ctx ends, or the
// stream is found stuck (then cancel is called with errSilent).
func (w *watchdog) run(ctx context.Context, cancel context.CancelCauseFunc) {
	defer close(w.stopped)
	for i := 0; ; i++ {
		last := len(silentChecks) - 1
		age := silentChecks[min(i, last)]
		if i > last {
			age += time.Duration(i-last) * time.Minute // then once a minute
		}
		t := time.NewTimer(time.Until(w.opened.Add(age)))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if w.got.Load() {
			return
		}
		// The stream may deliver while the look waits for its turn or for
		// its answer.
		if w.undelivered(ctx) && !w.got.Load() {
			w.c.f.log.Debug("follow stream stuck; reopening", "container", w.c.src.Name)
			cancel(errSilent)
			return
		}
	}
}

// undelivered reports whether the stored log holds a frame, older than a
// moment ago, that the stream should have delivered.
func (w *watchdog) undelivered(ctx context.Context) bool {
	release, ok := w.c.f.gate(ctx)
	if !ok {
		return false
	}
	defer release()
	if w.got.Load() {
		return false
	}
	before := time.Now().Add(-100 * time.Millisecond).UnixNano()
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	body, err := w.c.f.engine.ContainerLogs(pctx, w.c.id, w.opts)
	if err != nil {
		return pctx.Err() != nil && ctx.Err() == nil // no answer in time: stuck too
	}
	defer body.Close()
	br := bufio.NewReaderSize(body, 64<<10)
	var dec decoder = &muxDecoder{r: br}
	if w.c.src.TTY {
		dec = &ttyDecoder{r: br}
	}
	var sk *skipper
	if w.skip != nil {
		sk = &skipper{left: maps.Clone(w.skip.left), total: w.skip.total}
	}
	for {
		f, err := dec.next()
		if err != nil || f.sysErr {
			return pctx.Err() != nil && ctx.Err() == nil
		}
		if sk != nil && sk.skip(f.ts) {
			continue
		}
		return f.hasTS && f.ts < before
	}
}
