package testproxy

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"time"
)

// Stats counts the faults the proxy injected.
type Stats struct {
	Cuts          int // CutAll calls, scheduled ones included
	ConnsCut      int // client connections closed by cuts
	IdleCloses    int // streaming responses closed by SetIdleClose
	DroppedEvents int // events removed by DropEvents
	Streams       int // streaming responses (logs with follow, events) now being relayed
}

// Stats returns the counters so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	for x := range p.exchanges {
		if x.kind == kindFollow || x.kind == kindEvents {
			s.Streams++
		}
	}
	return s
}

// CutAll closes every open client connection, idle or not, and the
// upstream requests behind them: a client in the middle of a streaming
// response sees it end abruptly (an unexpected EOF or a reset), and the
// daemon sees its client go away. It returns the number of client
// connections closed. The proxy keeps accepting new connections.
func (p *Proxy) CutAll() int {
	p.mu.Lock()
	conns := make([]*clientConn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	xs := make([]*exchange, 0, len(p.exchanges))
	for x := range p.exchanges {
		xs = append(xs, x)
	}
	p.stats.Cuts++
	p.stats.ConnsCut += len(conns)
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	for _, x := range xs {
		x.cancel()
	}
	p.tr.CloseIdleConnections()
	return len(conns)
}

// CutEvery calls CutAll every d, from d from now, until StopCutting, Close
// or another CutEvery. d <= 0 stops cutting.
func (p *Proxy) CutEvery(d time.Duration) {
	var stop, done chan struct{}
	if d > 0 {
		stop, done = make(chan struct{}), make(chan struct{})
	}
	p.mu.Lock()
	if p.closed {
		stop, done = nil, nil
	}
	oldStop, oldDone := p.cutStop, p.cutDone
	p.cutStop, p.cutDone = stop, done
	p.mu.Unlock()
	if oldStop != nil {
		close(oldStop)
		<-oldDone
	}
	if stop == nil {
		return
	}
	go func() {
		defer close(done)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.CutAll()
			}
		}
	}()
}

// StopCutting stops the CutEvery schedule; no scheduled cut happens once
// it returns.
func (p *Proxy) StopCutting() { p.CutEvery(0) }

// SetIdleClose makes the proxy close a streaming response (logs with
// follow, events) and its connection once no bytes have been delivered to
// the client for d, as a proxy's idle timeout does (haproxy's timeout
// client/server, for one). The idle time counts from the last delivery or
// from this call, whichever is later. d <= 0 turns it off.
func (p *Proxy) SetIdleClose(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = max(d, 0)
	p.idleSince = time.Now()
	close(p.idleChanged)
	p.idleChanged = make(chan struct{})
}

// idleSetting returns the SetIdleClose period, when it was set, and a
// channel closed when it changes.
func (p *Proxy) idleSetting() (time.Duration, time.Time, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.idle, p.idleSince, p.idleChanged
}

func (p *Proxy) idleClose(x *exchange) {
	p.mu.Lock()
	p.stats.IdleCloses++
	p.mu.Unlock()
	x.abort()
}

// DropEvents removes from the events stream the messages whose "Action" or
// "status" is one of actions, until the time until (zero: until
// StopDroppingEvents). An action also matches the actions it prefixes
// before a colon: "health_status" matches "health_status: healthy". Every
// other byte passes unchanged. It replaces any previous DropEvents.
func (p *Proxy) DropEvents(actions []string, until time.Time) {
	set := make(map[string]bool, len(actions))
	for _, a := range actions {
		if a != "" {
			set[a] = true
		}
	}
	if len(set) == 0 {
		set = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop, p.dropUntil = set, until
}

// StopDroppingEvents ends DropEvents.
func (p *Proxy) StopDroppingEvents() { p.DropEvents(nil, time.Time{}) }

// dropEvent reports whether the events message msg is to be dropped, and
// counts it if so.
func (p *Proxy) dropEvent(msg []byte) bool {
	p.mu.Lock()
	set, until := p.drop, p.dropUntil
	p.mu.Unlock()
	if set == nil || (!until.IsZero() && !time.Now().Before(until)) {
		return false
	}
	var ev struct {
		Action string `json:"Action"`
		Status string `json:"status"`
	}
	if json.Unmarshal(msg, &ev) != nil || !(matchAction(set, ev.Action) || matchAction(set, ev.Status)) {
		return false
	}
	p.mu.Lock()
	p.stats.DroppedEvents++
	p.mu.Unlock()
	return true
}

func matchAction(set map[string]bool, a string) bool {
	if a == "" {
		return false
	}
	if set[a] {
		return true
	}
	i := strings.IndexByte(a, ':')
	return i > 0 && set[a[:i]]
}

// PauseEvents holds every events stream: the proxy stops reading it from
// the daemon and delivers nothing more to the client until ResumeEvents.
// The daemon, seeing a slow subscriber, may drop events meanwhile, as it
// would for a slow client. Pausing a paused proxy does nothing.
func (p *Proxy) PauseEvents() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused == nil {
		p.paused = make(chan struct{})
	}
}

// ResumeEvents ends PauseEvents: the held bytes are delivered.
func (p *Proxy) ResumeEvents() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused != nil {
		close(p.paused)
		p.paused = nil
	}
}

// pausedEvents returns a channel closed on ResumeEvents, or nil if the
// events stream is not paused.
func (p *Proxy) pausedEvents() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paused
}

// Rechunk makes the proxy deliver logs and events bodies in writes of 1 to
// maxChunk bytes, each flushed to the client on its own, the sizes drawn
// from a generator seeded with seed. maxChunk <= 0 turns it off.
func (p *Proxy) Rechunk(maxChunk int, seed uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.chunkMax = max(maxChunk, 0)
	p.rng = rand.New(rand.NewPCG(seed, seed))
}

// chunk returns how many of the avail bytes to deliver in the next write.
func (p *Proxy) chunk(avail int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.chunkMax == 0 {
		return avail
	}
	return min(avail, 1+p.rng.IntN(p.chunkMax))
}
