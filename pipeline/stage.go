package pipeline

import (
	"context"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/logline"
)

// key identifies where lines are grouped: one container's stream.
type key struct {
	src    *entry.Source
	stream entry.Stream
}

// slot is an entry (or a notice) waiting in arrival order; an open slot may
// still take continuation lines.
type slot struct {
	e      entry.Entry
	notice *entry.Notice
	g      logline.Group
	lines  int
	open   bool
	last   time.Time
	key    key
}

type stage struct {
	o     Options
	ctx   context.Context
	out   chan<- entry.Item
	queue []slot // queue[head:] waits, in arrival order
	head  int
	open  map[key]int // index in queue of each source's open slot
	batch []entry.Entry
	prev  int // lines in the last batch sent, to size the next

	// The open slot of the last source seen: a batch is one container's.
	lastKey key
	lastIdx int
	lastOK  bool
}

// openSlot returns the index of k's open slot.
func (p *stage) openSlot(k key) (int, bool) {
	if p.lastOK && k == p.lastKey {
		return p.lastIdx, true
	}
	i, ok := p.open[k]
	return i, ok
}

// setOpen records i as k's open slot. The slot of the last source seen is
// kept in lastIdx only (its entry in open may be stale): a run of lines of
// one container does not write the map for every line.
func (p *stage) setOpen(k key, i int) {
	if p.lastOK {
		if k == p.lastKey {
			p.lastIdx = i
			return
		}
		p.open[p.lastKey] = p.lastIdx // another source now: bring its entry up to date
	}
	p.open[k] = i
	p.lastKey, p.lastIdx, p.lastOK = k, i, true
}

// slotOf returns the open slot of k, an entry of open holding i.
func (p *stage) slotOf(k key, i int) int {
	if p.lastOK && k == p.lastKey {
		return p.lastIdx
	}
	return i
}

func (p *stage) take(it entry.Item, now time.Time) {
	if p.open == nil {
		p.open = make(map[key]int)
	}
	if n := it.Notice; n != nil {
		if n.Src != nil {
			for _, s := range []entry.Stream{entry.Stdout, entry.Stderr, entry.TTY} {
				p.close(key{n.Src, s})
			}
		}
		p.queue = append(p.queue, slot{notice: n})
		p.emitReady()
		return
	}
	for i := range it.Lines {
		p.line(it.Lines[i], now)
	}
	p.emitReady()
}

// line detects what e is and either adds it to its source's open group or
// queues it as a new entry.
func (p *stage) line(e entry.Entry, now time.Time) {
	e.Level, e.Format = logline.Quick(e.Msg)
	k := key{e.Src, e.Stream}
	var next logline.Group
	started := false // next holds the group e opens
	if i, ok := p.openSlot(k); ok {
		s := &p.queue[i]
		// A structured line never continues anything.
		if e.Format == entry.Text && s.lines < maxGroupLines && len(s.e.Msg)+len(e.Msg) < maxGroupBytes {
			if s.g.Next(e.Msg, e.Level, &next) {
				s.join(e)
				s.last = now
				return
			}
			started = true
		}
		s.open = false
		if p.o.NoGroup {
			p.forget(k)
		}
	}
	if p.o.NoGroup {
		p.queue = append(p.queue, slot{e: e, lines: 1})
		return
	}
	p.queue = append(p.queue, slot{e: e, lines: 1, open: true, last: now, key: k})
	s := &p.queue[len(p.queue)-1]
	switch {
	case started:
		s.g = next
	case e.Format != entry.Text:
		s.g.StartStructured(e.Msg, e.Level)
	default:
		s.g.StartLevel(e.Msg, e.Level)
	}
	p.setOpen(k, len(p.queue)-1)
}

// join appends a continuation line. The first join copies the message: it
// points into a batch's shared buffer.
func (s *slot) join(e entry.Entry) {
	msg := make([]byte, 0, len(s.e.Msg)+1+len(e.Msg))
	msg = append(append(append(msg, s.e.Msg...), '\n'), e.Msg...)
	s.e.Msg = msg
	s.e.Cut += e.Cut
	s.lines++
}

func (p *stage) close(k key) {
	if i, ok := p.open[k]; ok {
		p.queue[p.slotOf(k, i)].open = false
		p.forget(k)
	}
}

func (p *stage) forget(k key) {
	delete(p.open, k)
	if p.lastOK && p.lastKey == k {
		p.lastOK = false
	}
}

func (p *stage) closeAll() {
	for k := range p.open {
		p.close(k)
	}
}

// expire closes the groups that waited long enough for a continuation.
func (p *stage) expire(now time.Time) {
	for k, i := range p.open {
		if now.Sub(p.queue[p.slotOf(k, i)].last) >= p.o.GroupWait {
			p.close(k)
		}
	}
}

// nextDeadline returns when the next open group expires.
func (p *stage) nextDeadline() (time.Time, bool) {
	var d time.Time
	for k, i := range p.open {
		if t := p.queue[p.slotOf(k, i)].last.Add(p.o.GroupWait); d.IsZero() || t.Before(d) {
			d = t
		}
	}
	return d, !d.IsZero()
}

// emitReady moves the finished slots at the head of the queue to the
// outgoing batch (notices straight out, after the lines before them).
func (p *stage) emitReady() {
	for p.head < len(p.queue) && !p.queue[p.head].open {
		s := &p.queue[p.head]
		p.head++
		if s.notice != nil {
			p.send()
			select {
			case p.out <- entry.Item{Notice: s.notice}:
			case <-p.ctx.Done():
			}
			continue
		}
		if p.batch == nil {
			// As large as the last batch needs: a trickle of lines from
			// hundreds of quiet containers allocates little.
			p.batch = make([]entry.Entry, 0, min(batchLines, max(16, 2*p.prev)))
		}
		p.batch = append(p.batch, s.e)
		e := &p.batch[len(p.batch)-1]
		if s.lines > 1 {
			e.Flags |= entry.Grouped
			e.Level = s.g.Level()
		}
		*s = slot{} // drop references for the collector
		if p.o.Match != nil && !p.o.Match(e) {
			p.batch = p.batch[:len(p.batch)-1]
		}
		if len(p.batch) == batchLines {
			p.send()
		}
	}
	p.compact()
}

// batchLines is the size of an outgoing batch before it grows.
const batchLines = 1024

// compact drops the emitted slots from the front of the queue.
func (p *stage) compact() {
	if p.head == len(p.queue) {
		p.queue, p.head = p.queue[:0], 0
		return
	}
	if p.head < 1024 || p.head < len(p.queue)/2 {
		return
	}
	n := copy(p.queue, p.queue[p.head:])
	clear(p.queue[n:])
	p.queue = p.queue[:n]
	for k, i := range p.open {
		p.open[k] = i - p.head
	}
	p.lastIdx -= p.head
	p.head = 0
}

func (p *stage) send() {
	if len(p.batch) == 0 {
		return
	}
	select {
	case p.out <- entry.Item{Lines: p.batch}:
	case <-p.ctx.Done():
	}
	p.prev = len(p.batch)
	p.batch = nil
}
