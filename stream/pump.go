package stream

import (
	"context"
	"io"
	"time"
)

// pump reads a response body in its own goroutine into a few recycled
// buffers, so that the decoder can tell when the stream has nothing more to
// give (and send what it has) without blocking in the body.
type pump struct {
	full chan []byte // filled buffers, then one nil at the end
	free chan []byte // buffers the reader is done with
	done chan struct{}
	err  error // why the body ended; read after done is closed
}

// A pump has at most pumpBuffers buffers, made as needed: small ones
// first, large ones while reads fill them (the stream is busy, or has a
// backlog), small ones again once reads are short. A quiet stream (a few
// lines a second) holds two small buffers.
const (
	pumpBuffers = 4
	pumpSmall   = 4 << 10
	pumpLarge   = 32 << 10
)

func newPump(ctx context.Context, body io.Reader) *pump {
	p := &pump{full: make(chan []byte, pumpBuffers+1), free: make(chan []byte, pumpBuffers), done: make(chan struct{})}
	go p.run(ctx, body)
	return p
}

func (p *pump) run(ctx context.Context, body io.Reader) {
	defer close(p.done)
	made, size := 0, pumpSmall
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		default:
			if made < pumpBuffers {
				made++
				break
			}
			select {
			case buf = <-p.free:
			case <-ctx.Done():
				p.err = ctx.Err()
				return
			}
		}
		if cap(buf) != size {
			buf = make([]byte, size)
		}
		n, err := body.Read(buf[:cap(buf)])
		switch {
		case n == cap(buf):
			size = pumpLarge
		case n < pumpSmall/2:
			size = pumpSmall
		}
		if n > 0 {
			p.full <- buf[:n] // never blocks: there are only pumpBuffers buffers
		} else {
			p.free <- buf
		}
		if err != nil {
			p.err = err
			p.full <- nil
			return
		}
	}
}

// stop waits for the pump to end, once its context is cancelled (closing
// the body unblocks a read in progress).
func (p *pump) stop(body io.Closer) {
	_ = body.Close()
	<-p.done
}

// idleReader reads a pump. When it has nothing buffered and would have to
// wait, it first calls onIdle (send what is batched), and while a partial
// line is pending it calls onTimeout after idleFlush. When nothing arrives
// for stallAfter (if not 0), onStall may end the stream with an error.
type idleReader struct {
	ctx        context.Context
	p          *pump
	cur, buf   []byte
	err        error
	onIdle     func()
	pending    func() bool
	onTimeout  func()
	stallAfter func() time.Duration
	onStall    func() error
}

func (r *idleReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.buf != nil {
			r.p.free <- r.buf // never blocks: the pump holds the others
			r.buf = nil
		}
		if r.err != nil {
			return 0, r.err
		}
		select {
		case c := <-r.p.full:
			r.take(c)
			continue
		default:
		}
		r.onIdle()
		if err := r.wait(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// wait blocks for the next buffer, flushing a pending partial line when the
// stream stays quiet.
func (r *idleReader) wait() error {
	var timeout, stall <-chan time.Time
	if r.pending() {
		t := time.NewTimer(idleFlush)
		defer t.Stop()
		timeout = t.C
	}
	if r.stallAfter != nil {
		if d := r.stallAfter(); d > 0 {
			t := time.NewTimer(d)
			defer t.Stop()
			stall = t.C
		}
	}
	select {
	case c := <-r.p.full:
		r.take(c)
	case <-timeout:
		r.onTimeout()
	case <-stall:
		return r.onStall()
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	return nil
}

func (r *idleReader) take(c []byte) {
	if c == nil {
		<-r.p.done
		r.err = r.p.err
		return
	}
	r.cur, r.buf = c, c
}
