package stream

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"golang.org/x/sync/errgroup"
)

// history sends the stored lines of the containers found at start-up,
// merged across containers by daemon timestamp; each container's own lines
// keep their file order. It records in every cursor where following resumes.
func (f *Follower) history(ctx context.Context, cs []*tracked) {
	if len(cs) == 0 {
		return
	}
	req := request{tail: f.opts.Tail}
	if !f.opts.Since.IsZero() {
		req.since = f.opts.Since.UnixNano()
	}
	if !f.opts.Until.IsZero() {
		req.until = f.opts.Until.UnixNano()
	}
	if f.opts.Follow && req.tail == 0 {
		// Nothing to show, but the cursor must point at the end of the log.
		req.tail, req.quiet = 1, true
	}
	var g errgroup.Group
	srcs := make([]*mergeSource, len(cs))
	for i, c := range cs {
		ch := make(chan Item, historyQueue(len(cs)))
		srcs[i] = &mergeSource{ch: ch, order: i}
		g.Go(func() error {
			defer close(ch)
			c.readHistory(ctx, req, ch)
			return nil
		})
	}
	merge(ctx, srcs, f.out)
	_ = g.Wait()
}

// historyQueue is how many batches each container may read ahead of the
// merge. The merge advances the containers together, so a container the
// daemon serves more slowly holds back the others once their queues are
// full, and the daemon then reads fewer logs at once than it could: deeper
// queues keep it busy (measured: 1M lines over 4 containers, 6.2 s with 4
// batches, 5.5–5.8 s with 32 to 64). The depth shrinks as containers add up,
// to keep memory bounded (a batch is at most 1,024 lines).
func historyQueue(containers int) int {
	return min(64, max(4, 256/max(containers, 1)))
}

// readHistory reads the stored lines of c once.
func (c *tracked) readHistory(ctx context.Context, req request, out chan<- Item) {
	st, err := c.inspect(ctx)
	switch {
	case err == nil && st.HostConfig != nil && st.HostConfig.LogConfig.Type == "none":
		c.unreadable = true
		c.notice(entry.Unreadable, `log driver "none" keeps no logs: nothing to show`)
		return
	case err == nil:
		c.observe(st)
		if c.f.opts.Follow {
			// Announced ahead of its lines, through the merge.
			send(ctx, out, Item{Notice: c.f.attached(c)})
		}
	case isNotFound(err) || isCanceled(ctx, err):
		return
	}
	_, err = c.read(ctx, req, out)
	switch {
	case errors.Is(err, io.EOF):
		c.tail = -1
		if !c.f.opts.Follow {
			b := &batcher{ctx: ctx, out: out, src: c.src}
			c.asm.emit = b.add
			c.asm.flush()
			b.send()
		}
	case isCanceled(ctx, err), isNotFound(err):
	case isUnreadable(err):
		c.unreadable = true
		c.notice(entry.Unreadable, fmt.Sprintf("log cannot be read: %v", err))
	default:
		c.notice(entry.Warning, fmt.Sprintf("could not read the stored log: %v", err))
	}
}

// mergeSkew is how much earlier than a line already read a line of the
// container's other stream may be stamped and still come later in the log:
// the daemon copies stdout and stderr in two goroutines that stamp a line
// before writing it (microseconds apart in practice).
const mergeSkew = int64(250 * time.Millisecond)

// mergeSource is one container's stream of batches in a merge. Its lines
// are queued per output stream: only the order within a stream is fixed, so
// a stderr line stamped before the stdout line written ahead of it can be
// shown first.
type mergeSource struct {
	ch     <-chan Item
	q      [4][]entry.Entry // by entry.Stream
	base   [4][]entry.Entry // the arrays under q, to reuse once emptied
	newest int64            // newest timestamp read so far
	done   bool
	order  int
	next   entry.Stream // the stream whose head goes next
	nextTS int64
}

// advance finds the container's next line, reading batches until no line
// of another stream can still come with an earlier timestamp. It returns
// false when the source is exhausted. Notices are passed straight through.
func (s *mergeSource) advance(ctx context.Context, out chan<- Item) bool {
	for {
		best := -1
		for i := range s.q {
			if len(s.q[i]) > 0 && (best < 0 || s.q[i][0].Time < s.q[best][0].Time) {
				best = i
			}
		}
		if best >= 0 && s.settled(best) {
			s.next, s.nextTS = entry.Stream(best), s.q[best][0].Time
			return true
		}
		if best < 0 && s.done {
			return false
		}
		it, ok := <-s.ch
		if !ok {
			s.done = true
			continue
		}
		if it.Notice != nil {
			send(ctx, out, it)
			continue
		}
		for _, e := range it.Lines {
			s.push(e)
			s.newest = max(s.newest, e.Time)
		}
	}
}

// settled reports whether the head of stream i can go: the container's
// other stream (stdout for stderr, stderr for stdout; a TTY has one) has a
// later head queued, or the log has moved on past the skew.
func (s *mergeSource) settled(i int) bool {
	t := s.q[i][0].Time
	if s.done || s.newest >= t+mergeSkew || entry.Stream(i) == entry.TTY {
		return true
	}
	other := entry.Stderr
	if entry.Stream(i) == entry.Stderr {
		other = entry.Stdout
	}
	return len(s.q[other]) > 0
}

// push queues e on its stream. A queue that pop emptied, or that reached
// the end of its array with the front free, starts again at the front, so
// that a container read batch after batch reuses one array per stream
// instead of growing a new one for every batch.
func (s *mergeSource) push(e entry.Entry) {
	i := e.Stream & 3
	q := s.q[i]
	switch b := s.base[i]; {
	case b == nil:
	case len(q) == 0:
		q = b[:0]
	case len(q) == cap(q) && len(q) <= cap(b)/2:
		// At the end of the array with its front free: move to the front.
		q = b[:copy(b[:len(q)], q)]
		clear(b[len(q):cap(b)])
	}
	q = append(q, e)
	if cap(q) > cap(s.base[i]) || s.base[i] == nil {
		s.base[i] = q[:0:cap(q)]
	}
	s.q[i] = q
}

// pop removes the line advance found.
func (s *mergeSource) pop() entry.Entry {
	q := &s.q[s.next&3]
	e := (*q)[0]
	(*q)[0] = entry.Entry{} // its message is the batch arena's: let it go
	*q = (*q)[1:]
	return e
}

// merge interleaves the sources by the timestamp of their next line.
func merge(ctx context.Context, srcs []*mergeSource, out chan<- Item) {
	h := make(mergeHeap, 0, len(srcs))
	for _, s := range srcs {
		if s.advance(ctx, out) {
			h = append(h, s)
		}
	}
	heap.Init(&h)
	buf := make([]entry.Entry, 0, batchLines)
	for len(h) > 0 {
		s := h[0]
		buf = append(buf, s.pop())
		if s.advance(ctx, out) {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
		if len(buf) >= batchLines {
			send(ctx, out, Item{Lines: buf})
			buf = make([]entry.Entry, 0, batchLines)
		}
	}
	if len(buf) > 0 {
		send(ctx, out, Item{Lines: buf})
	}
}

func send(ctx context.Context, out chan<- Item, it Item) {
	select {
	case out <- it:
	case <-ctx.Done():
	}
}

type mergeHeap []*mergeSource

func (h mergeHeap) Len() int { return len(h) }
func (h mergeHeap) Less(i, j int) bool {
	a, b := h[i].nextTS, h[j].nextTS
	return a < b || (a == b && h[i].order < h[j].order)
}
func (h mergeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)   { *h = append(*h, x.(*mergeSource)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
