// Package pipeline turns the lines a source produces into understood
// entries: level and format detected, the continuation lines of stack traces
// grouped with the line that opened them, and the filter applied, without
// changing the order in which entries arrived.
//
// A line is held until the next line of its container and stream says
// whether it continues it, or until GroupWait passes without one. Entries
// leave in arrival order: a finished entry waits behind an older one still
// open, so the merged history stays in timestamp order; an open entry holds
// the others back for at most GroupWait.
package pipeline

import (
	"context"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
)

// DefaultGroupWait is how long a line waits for a continuation line: long
// enough for the lines of one stack trace, which a program writes at once,
// short enough not to be noticed.
const DefaultGroupWait = 50 * time.Millisecond

// Limits of one grouped entry: a runaway indented output closes the group.
const (
	maxGroupLines = 1000
	maxGroupBytes = 1 << 20
)

// Options configures Run. The zero value groups with DefaultGroupWait and
// keeps every entry.
type Options struct {
	// NoGroup turns multi-line grouping off: every line is its own entry.
	NoGroup bool
	// GroupWait is how long a line waits for a continuation line.
	GroupWait time.Duration
	// Match decides which entries are kept; nil keeps all.
	Match func(*entry.Entry) bool
}

// Run copies in to out, one stage of a run, until in is closed (then it
// flushes what it holds) or ctx ends. It does not close out.
func Run(ctx context.Context, in <-chan entry.Item, out chan<- entry.Item, o Options) {
	if o.GroupWait <= 0 {
		o.GroupWait = DefaultGroupWait
	}
	p := &stage{o: o, out: out, ctx: ctx}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if d, ok := p.nextDeadline(); ok {
			timer.Reset(max(time.Until(d), 0))
		} else {
			timer.Stop()
		}
		select {
		case it, ok := <-in:
			if !ok {
				p.closeAll()
				p.emitReady()
				p.send()
				return
			}
			p.take(it, time.Now())
			if len(in) == 0 {
				p.send()
			}
		case now := <-timer.C:
			p.expire(now)
			p.emitReady()
			p.send()
		case <-ctx.Done():
			return
		}
	}
}
