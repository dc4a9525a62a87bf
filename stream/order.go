package stream

import (
	"container/heap"
	"context"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
)

// DefaultReorderWindow is how long Reorder holds a live line, waiting for
// lines of other containers stamped earlier that have not arrived yet. The
// daemon delivers each container's stream on its own schedule; a few
// hundred milliseconds covers the skew seen under load while staying below
// what a person watching notices.
const DefaultReorderWindow = 300 * time.Millisecond

// Reorder copies in to out, emitting lines in timestamp order across
// containers once they have waited window. The order of one container's
// stream is never changed (each (container, stream) is a FIFO; only their
// heads are compared), and a line that arrives too late to be placed is
// emitted anyway, never dropped. A notice first flushes every held line, so
// it stays after the lines it follows. Reorder returns when in is closed
// (after flushing) or ctx ends.
func Reorder(ctx context.Context, in <-chan Item, out chan<- Item, window time.Duration) {
	r := &reorder{queues: map[queueKey]*orderQueue{}}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if d, ok := r.nextDue(); ok {
			timer.Reset(max(time.Until(d.Add(window)), 0))
		}
		select {
		case it, ok := <-in:
			if !ok {
				r.emit(ctx, out, time.Time{}, true)
				return
			}
			if it.Notice != nil {
				r.emit(ctx, out, time.Time{}, true)
				send(ctx, out, it)
				continue
			}
			r.add(it.Lines, time.Now())
		case now := <-timer.C:
			r.emit(ctx, out, now.Add(-window), false)
		case <-ctx.Done():
			return
		}
	}
}

type queueKey struct {
	src    *entry.Source
	stream entry.Stream
}

type held struct {
	e       entry.Entry
	arrived time.Time
}

type orderQueue struct{ items []held }

type reorder struct {
	queues map[queueKey]*orderQueue
	h      orderHeap
}

func (r *reorder) add(lines []entry.Entry, now time.Time) {
	for _, e := range lines {
		k := queueKey{e.Src, e.Stream}
		q := r.queues[k]
		if q == nil {
			q = &orderQueue{}
			r.queues[k] = q
		}
		q.items = append(q.items, held{e, now})
		if len(q.items) == 1 {
			heap.Push(&r.h, q)
		}
	}
}

// nextDue returns the arrival time of the line that is due first.
func (r *reorder) nextDue() (time.Time, bool) {
	if len(r.h) == 0 {
		return time.Time{}, false
	}
	return r.h[0].items[0].arrived, true
}

// emit sends, in timestamp order, the queue heads that arrived before
// cutoff (all of them when all is set).
func (r *reorder) emit(ctx context.Context, out chan<- Item, cutoff time.Time, all bool) {
	var buf []entry.Entry
	for len(r.h) > 0 {
		q := r.h[0]
		if !all && q.items[0].arrived.After(cutoff) {
			break
		}
		buf = append(buf, q.items[0].e)
		q.items = q.items[1:]
		if len(q.items) == 0 {
			heap.Pop(&r.h)
			q.items = nil
		} else {
			heap.Fix(&r.h, 0)
		}
	}
	if len(buf) > 0 {
		send(ctx, out, Item{Lines: buf})
	}
}

type orderHeap []*orderQueue

func (h orderHeap) Len() int           { return len(h) }
func (h orderHeap) Less(i, j int) bool { return h[i].items[0].e.Time < h[j].items[0].e.Time }
func (h orderHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *orderHeap) Push(x any)        { *h = append(*h, x.(*orderQueue)) }
func (h *orderHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
