package testproxy

import "io"

// TapLogs copies the body of every logs response that starts from now on:
// open is called once per response, with the container ID or name the
// request named and whether it follows, and the writer it returns receives
// the body's bytes as they arrive from the daemon, from the goroutine
// relaying that response. The client may not get all of them: it can end
// the request early, or a cut can. open returning nil leaves a response
// untapped; TapLogs(nil) stops tapping new responses.
func (p *Proxy) TapLogs(open func(id string, follow bool) io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tap = open
}

// logsTap returns the writer that receives a copy of x's body, or nil.
func (p *Proxy) logsTap(x *exchange) io.Writer {
	p.mu.Lock()
	open := p.tap
	p.mu.Unlock()
	if open == nil {
		return nil
	}
	return open(x.id, x.kind == kindFollow)
}
