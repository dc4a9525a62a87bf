package stream

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff spaces out retries: none for the first, then doubling from 50 ms
// up to a cap, with jitter so that many followers do not retry in step.
type backoff struct {
	n   int
	max time.Duration
}

func (b *backoff) reset() { b.n = 0 }

// wait sleeps before the next retry; it returns false when ctx ends first.
func (b *backoff) wait(ctx context.Context) bool {
	b.n++
	if b.n == 1 {
		return ctx.Err() == nil
	}
	limit := b.max
	if limit == 0 {
		limit = 5 * time.Second
	}
	d := 50 * time.Millisecond << min(b.n-2, 10)
	d = min(d, limit)
	d = d/2 + rand.N(d/2+1)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
