package testproxy

import (
	"bytes"
	"context"
	"io"
	"sync/atomic"
	"time"
)

// maxEventLine bounds the bytes of an events message held while waiting for
// its newline; a longer message passes unfiltered.
const maxEventLine = 1 << 20

// body is the response body of a logs or events request as the proxy
// delivers it: the ReverseProxy writes and flushes whatever each Read
// returns, so Read is where the faults apply.
type body struct {
	p   *Proxy
	x   *exchange
	ctx context.Context // the upstream request's
	rc  io.ReadCloser   // the upstream body

	buf  []byte
	line []byte       // the start of an events message, before its newline
	out  bytes.Buffer // bytes ready for the client
	err  error        // the upstream's error, once out is empty

	start time.Time
	last  atomic.Int64 // time of the last delivery, from start

	tap io.Writer // a copy of a logs body (TapLogs), nil when not tapped
}

func (p *Proxy) newBody(ctx context.Context, x *exchange, rc io.ReadCloser) *body {
	b := &body{p: p, x: x, ctx: ctx, rc: rc, buf: make([]byte, 32<<10), start: time.Now()}
	if x.kind == kindLogs || x.kind == kindFollow {
		b.tap = p.logsTap(x)
	}
	if x.kind == kindFollow || x.kind == kindEvents {
		go b.watchIdle()
	}
	return b
}

// Read implements io.Reader.
func (b *body) Read(p []byte) (int, error) {
	for b.out.Len() == 0 {
		if b.err != nil {
			return 0, b.err
		}
		if err := b.waitResumed(); err != nil {
			return 0, err
		}
		n, err := b.rc.Read(b.buf)
		b.take(b.buf[:n])
		if err != nil {
			if len(b.line) > 0 { // an unterminated last message
				b.out.Write(b.line)
				b.line = nil
			}
			b.err = err
		}
	}
	if err := b.waitResumed(); err != nil {
		return 0, err
	}
	n, _ := b.out.Read(p[:min(len(p), b.p.chunk(b.out.Len()))])
	b.last.Store(int64(time.Since(b.start)))
	return n, nil
}

// Close implements io.Closer.
func (b *body) Close() error { return b.rc.Close() }

// take queues data read from upstream for the client. An events stream is
// split into its newline-terminated messages, which pass or are dropped
// whole.
func (b *body) take(data []byte) {
	if b.tap != nil {
		_, _ = b.tap.Write(data)
	}
	if b.x.kind != kindEvents {
		b.out.Write(data)
		return
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			b.line = append(b.line, data...)
			if len(b.line) > maxEventLine {
				b.out.Write(b.line)
				b.line = b.line[:0]
			}
			return
		}
		msg := data[:i+1]
		if len(b.line) > 0 {
			b.line = append(b.line, msg...)
			msg = b.line
		}
		if !b.p.dropEvent(msg) {
			b.out.Write(msg)
		}
		b.line = b.line[:0]
		data = data[i+1:]
	}
}

// waitResumed blocks an events stream while it is paused.
func (b *body) waitResumed() error {
	if b.x.kind != kindEvents {
		return nil
	}
	resumed := b.p.pausedEvents()
	if resumed == nil {
		return nil
	}
	select {
	case <-resumed:
		return nil
	case <-b.ctx.Done():
		return b.ctx.Err()
	}
}

// watchIdle closes the stream once SetIdleClose's period passes without a
// delivery. It returns when the request ends.
func (b *body) watchIdle() {
	for {
		d, since, changed := b.p.idleSetting()
		var fire <-chan time.Time
		var timer *time.Timer
		if d > 0 {
			ref := b.start.Add(time.Duration(b.last.Load()))
			if since.After(ref) {
				ref = since
			}
			left := d - time.Since(ref)
			if left <= 0 {
				b.p.idleClose(b.x)
				return
			}
			timer = time.NewTimer(left)
			fire = timer.C
		}
		select {
		case <-b.ctx.Done():
		case <-changed:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
		if b.ctx.Err() != nil {
			return
		}
	}
}
