package stream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/client"
)

// idleFlush is how long a partial line (a chunk without a newline) waits for
// its next chunk once the stream has nothing more to read. The daemon writes
// the chunks of one line back to back, so a pause this long means the line
// is complete (the local driver ends no chunk with a newline) or the program
// stopped mid-line.
const idleFlush = 100 * time.Millisecond

// followBuffer is the decoder's read buffer on a follow stream: more than
// the largest frame of either kind (ttyWindow, 8+tsLen+1+16 KiB).
const followBuffer = 32 << 10

// batchLines caps the lines sent in one Item.
const batchLines = 1024

// request is one logs request for one container.
type request struct {
	follow bool
	since  int64 // ns; 0 for the beginning of the log
	until  int64 // ns; 0 for no end
	tail   int   // lines from the end; negative for all
	quiet  bool  // record frames in the cursor without showing them
	// early, on a catch-up, is the request a die event opened already
	// (cutOnDie): it is read instead of a new one when it starts early
	// enough.
	early *earlyRead
	// all: a resumed request without a tail (see resumeSlack).
	all bool
}

// resumeSlack is how many lines beyond those shown since the anchor
// (cursor.bound) a resumed request asks for, as a tail. Without a tail the
// daemon (json-file, local) decodes the log from its first line to find
// since, which takes about half a second per 100,000 lines, at every
// restart, catch-up and reconnection. When more than that was written
// since the cursor, the request is made again without a tail. Logs kept in
// small files (rotationWatch.small) are read without a tail: they are
// short, and where they rotate fast a second request would come too late.
var resumeSlack int64 = 10_000

// logsOptions is a logs request of both streams with timestamps, following
// or not, from since and up to until (0: from the start, to the end).
func logsOptions(follow bool, since, until int64) client.ContainerLogsOptions {
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Follow: follow}
	if since > 0 {
		opts.Since = sinceArg(since)
	}
	if until > 0 {
		opts.Until = sinceArg(until)
	}
	return opts
}

// errTailShort ends a resumed request whose tail did not reach back to the
// frames stamped before its since.
var errTailShort = errors.New("tail too short to reach the cursor")

// read performs one logs request for c, sending its lines to out, and
// returns why it ended (io.EOF when the daemon ended the stream).
func (c *tracked) read(ctx context.Context, req request, out chan<- Item) (int64, error) {
	frames, err := c.readOnce(ctx, req, out)
	if errors.Is(err, errTailShort) {
		c.f.log.Debug("resumed request's tail too short; asking again without a tail", "container", c.src.Name)
		req.all, req.early = true, nil
		return c.readOnce(ctx, req, out)
	}
	return frames, err
}

func (c *tracked) readOnce(ctx context.Context, req request, out chan<- Item) (frames int64, err error) {
	opts, sk, since := c.requestOptions(req)
	probe := opts // the watchdog compares the stream with the log from since
	rctx, cancel := context.WithCancelCause(ctx)
	// Cleanup cancels first and then waits for the helpers: a helper waits
	// on the context (the pump for a free buffer, the watchdog for its next
	// check) when the stream ends on the decoder's side.
	var waits []func()
	defer func() {
		cancel(nil)
		for _, w := range waits {
			w()
		}
	}()
	var wd *watchdog
	if req.follow {
		wd = c.newWatchdog(probe, sk)
		go wd.run(rctx, cancel)
		dyingDone := c.cutOnDie(ctx, rctx, cancel)
		waits = append(waits, func() { <-wd.stopped }, func() { <-dyingDone })
	}
	var body io.ReadCloser
	if req.early != nil {
		body, sk, err = c.takeEarly(rctx, req.early, since, sk)
	}
	if body == nil && err == nil {
		if sk != nil && !req.all && !c.rot.small {
			if from, tail, ok := c.cur.bound(since, resumeSlack); ok {
				opts.Since, opts.Tail = sinceArg(from), strconv.FormatInt(tail, 10)
				sk.floor, sk.bounded = since, true
			}
		}
		c.deaths.requested()
		c.f.log.Debug("logs request", "container", c.src.Name, "follow", req.follow, "since", opts.Since)
		body, err = c.f.engine.ContainerLogs(rctx, c.id, opts)
		c.f.log.Debug("logs response", "container", c.src.Name, "err", err)
	}
	if err != nil {
		if errors.Is(context.Cause(rctx), errSilent) {
			err = errSilent
		}
		return 0, err
	}
	b := &batcher{ctx: ctx, out: out, src: c.src}
	if req.follow {
		b.liveFrom, b.lag = time.Now().UnixNano(), c.noteLag
	}
	if req.quiet {
		b.out = nil
	}
	c.asm.emit = b.add
	var r io.Reader = body
	if req.follow {
		// A followed stream must hand over its lines as soon as it would
		// block: a pump reads the body and the decoder reads the pump.
		p := newPump(rctx, body)
		waits = append(waits, func() { p.stop(body) })
		r = &idleReader{ctx: rctx, p: p, onIdle: b.send, pending: c.asm.idlePending,
			onTimeout:  func() { c.asm.flushIdle(); b.send() },
			stallAfter: c.rot.stallAfter, onStall: c.stalled}
	} else {
		waits = append(waits, func() { _ = body.Close() })
	}
	// A followed stream reads from the pump's buffers: a read buffer that
	// holds any whole frame (ttyWindow) will do, and hundreds of streams
	// hold less memory.
	size := 64 << 10
	if req.follow {
		size = followBuffer
	}
	br := bufio.NewReaderSize(r, size)
	var dec decoder = &muxDecoder{r: br}
	if c.src.TTY {
		dec = &ttyDecoder{r: br}
	}
	err = c.consume(dec, sk, &frames, wd, req.follow)
	if cause := context.Cause(rctx); errors.Is(cause, errSilent) || errors.Is(cause, errDying) {
		err = cause
	}
	c.f.log.Debug("logs request ended", "container", c.src.Name, "follow", req.follow, "since", opts.Since, "tail", opts.Tail, "frames", frames, "err", err)
	b.send()
	if sk != nil && sk.gap {
		c.notice(entry.Gap, "log file rotated before it was read: lines may be missing here")
	}
	return frames, err
}

// requestOptions returns the logs request for req: resumed from the cursor
// (with the skipper of the frames it will repeat), or from the start, the
// user's since, or the tail.
//
// It also returns the since it asks for (0: from the beginning).
func (c *tracked) requestOptions(req request) (client.ContainerLogsOptions, *skipper, int64) {
	var sk *skipper
	since := max(req.since, 0)
	if !c.cur.empty() {
		s, risk := c.cur.since()
		// Every shown frame is at or after the user's since, so moving up
		// to it splits no epoch and leaves the skip counts whole.
		since = max(s, since)
		sk = c.cur.skipper(since)
		sk.gap = risk
	}
	opts := logsOptions(req.follow, since, req.until)
	if req.tail >= 0 && sk == nil {
		opts.Tail = strconv.Itoa(req.tail)
	}
	return opts, sk, since
}

// consume reads frames until the stream ends, or until a follow stream
// seems to have skipped a rotated file (errSkipped: the frame that showed it
// is left for the reopened stream).
func (c *tracked) consume(dec decoder, sk *skipper, frames *int64, wd *watchdog, follow bool) error {
	first := true
	for {
		f, err := dec.next()
		if err != nil {
			return err
		}
		if wd != nil {
			wd.got.Store(true)
			wd = nil
		}
		if f.sysErr {
			return errSystem{msg: string(f.msg)}
		}
		if !f.hasTS {
			f.ts = c.cur.last
		}
		if sk != nil && sk.skip(f.ts) {
			continue
		}
		if sk != nil && sk.short {
			return errTailShort
		}
		if c.reread.repeat(f, &c.cur) {
			c.f.log.Debug("dropped a line the daemon sent again", "container", c.src.Name, "total", c.reread.dropped)
			continue
		}
		// Before repeats records the frame: the reopened stream sends it
		// again, and it must not pass for a repeat then.
		if follow && c.rot.skipSuspect(c.cur.last, f.ts, f.stream, first) {
			c.f.log.Debug("follow stream may have skipped a rotated file; reopening", "container", c.src.Name,
				"gap", time.Duration(f.ts-c.cur.last), "reopens", c.rot.reopens, "recovered", c.rot.recovers)
			return errSkipped
		}
		first = false
		if c.rep.repeat(f) {
			c.f.log.Debug("dropped a line the daemon sent twice", "container", c.src.Name, "total", c.rep.dropped)
			continue
		}
		*frames++
		c.cur.seen(f.ts)
		c.publish(f.ts)
		c.reread.shown(f)
		c.rot.shown(f.ts, f.stream, len(f.msg))
		c.asm.add(f)
	}
}

// batcher collects lines into batches sharing one byte arena and sends
// them to out when the stream goes idle or a batch is full.
type batcher struct {
	ctx   context.Context
	out   chan<- Item // nil: discard (quiet requests)
	src   *entry.Source
	lines []entry.Entry
	arena []byte
	// prevLines and prevBytes size the next batch's array and arena: a
	// busy stream fills whole batches and gets the largest, a quiet one (a
	// line or two per batch) small ones, so that hundreds of quiet streams
	// hold and churn little memory.
	prevLines, bytes, prevBytes int
	// liveFrom and lag, on a follow stream: after each batch is handed
	// on, lag gets how far behind its log the reader is (now minus the
	// timestamp of the batch's last line), for lines written after the
	// request was opened (older ones are backlog, not lag).
	liveFrom int64
	lag      func(time.Duration)
}

func (b *batcher) add(ts int64, s entry.Stream, msg []byte, cut int64) {
	if b.out == nil {
		return
	}
	if len(b.arena)+len(msg) > cap(b.arena) {
		size := min(64<<10, max(4<<10, 2*max(b.bytes, b.prevBytes)))
		b.arena = make([]byte, 0, max(size, len(msg)))
	}
	start := len(b.arena)
	b.arena = append(b.arena, msg...)
	b.bytes += len(msg)
	if b.lines == nil {
		b.lines = make([]entry.Entry, 0, min(batchLines, max(16, 2*b.prevLines)))
	}
	b.lines = append(b.lines, entry.Entry{Time: ts, Src: b.src, Stream: s, Msg: b.arena[start:len(b.arena):len(b.arena)], Cut: cut})
	if len(b.lines) >= batchLines {
		b.send()
	}
}

func (b *batcher) send() {
	if len(b.lines) == 0 || b.out == nil {
		return
	}
	select {
	case b.out <- Item{Lines: b.lines}:
	case <-b.ctx.Done():
	}
	if last := b.lines[len(b.lines)-1].Time; b.lag != nil && last >= b.liveFrom {
		b.lag(time.Duration(time.Now().UnixNano() - last))
	}
	b.prevLines, b.prevBytes, b.bytes = len(b.lines), b.bytes, 0
	b.lines = nil
	b.arena = b.arena[len(b.arena):] // the sent lines keep the rest alive; never write over them
}

// LagWarning is how far behind its log a follow stream may fall before a
// warning: the daemon rotates json-file and local logs away under a reader
// that is too slow, and what it rotated away is lost.
const LagWarning = 5 * time.Second

// noteLag warns once when the reader falls LagWarning behind the
// container's log, and says when it has caught up again.
func (c *tracked) noteLag(lag time.Duration) {
	switch {
	case lag >= c.lagLimit && !c.lagging:
		c.lagging = true
		c.notice(entry.Warning, fmt.Sprintf("reading %s behind the log (output too slow?): lines the daemon rotates away meanwhile would be lost", lag.Round(100*time.Millisecond)))
	case lag < time.Second && c.lagging:
		c.lagging = false
		c.notice(entry.Reconnect, "caught up with the log")
	}
}
