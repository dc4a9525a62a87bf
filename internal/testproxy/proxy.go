// Package testproxy is a Docker API proxy for devlogs' tests: it listens on
// a Unix socket, forwards to the real daemon, records every request, and
// refuses (403) the requests an allowlist does not accept.
//
// For reliability tests it also injects the faults a socket proxy or a busy
// daemon can cause, each switched on and off at run time and off by default:
//
//   - CutAll and CutEvery close every client connection (and the upstream
//     requests behind them), aborting streams mid-body;
//   - SetIdleClose closes a streaming response (logs with follow, events)
//     after a period without bytes, as a proxy's idle timeout does;
//   - DropEvents removes chosen messages from the /events stream;
//   - PauseEvents and ResumeEvents hold the /events stream;
//   - Rechunk delivers logs and events bodies in small random pieces.
//
// Stats counts what happened; Requests and LogsRequests audit what the
// client asked for.
package testproxy

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// ReadOnly is the allowlist of a log reader: GET or HEAD on the endpoints
// devlogs needs, with or without the API version prefix.
var ReadOnly = regexp.MustCompile(`^(/v[0-9]+\.[0-9]+)?/(_ping|version|info|events|containers/json|containers/[^/]+/json|containers/[^/]+/logs)$`)

var (
	logsPath   = regexp.MustCompile(`^(?:/v[0-9]+\.[0-9]+)?/containers/([^/]+)/logs$`)
	eventsPath = regexp.MustCompile(`^(?:/v[0-9]+\.[0-9]+)?/events$`)
)

// Request is one request the proxy saw.
type Request struct {
	Method, Path, Query string // Query is the raw query, without '?'
	Allowed             bool
	Time                time.Time // when the request arrived
}

// Proxy forwards to the daemon. Its methods are safe for concurrent use.
type Proxy struct {
	Socket string // the proxy's socket path
	Allow  func(method, path string) bool

	srv *http.Server
	rp  *httputil.ReverseProxy
	tr  *http.Transport

	mu        sync.Mutex
	seen      []Request
	closed    bool
	conns     map[*clientConn]struct{} // open client connections
	exchanges map[*exchange]struct{}   // requests being forwarded
	stats     Stats

	cutStop, cutDone chan struct{} // the CutEvery schedule, nil when none

	idle        time.Duration // SetIdleClose; 0 is off
	idleSince   time.Time     // when idle was set
	idleChanged chan struct{} // closed and replaced on every SetIdleClose

	drop      map[string]bool // DropEvents actions; nil is off
	dropUntil time.Time       // zero: until StopDroppingEvents

	paused chan struct{} // non-nil while the events stream is paused

	chunkMax int // Rechunk; 0 is off
	rng      *rand.Rand

	tap func(id string, follow bool) io.Writer // TapLogs; nil is off
}

// Start listens on a new socket in dir and forwards to the daemon's socket.
// allow nil accepts everything.
func Start(dir, daemonSocket string, allow func(method, path string) bool) (*Proxy, error) {
	p := &Proxy{
		Socket:      filepath.Join(dir, "docker.sock"),
		Allow:       allow,
		conns:       make(map[*clientConn]struct{}),
		exchanges:   make(map[*exchange]struct{}),
		idleChanged: make(chan struct{}),
	}
	ln, err := net.Listen("unix", p.Socket)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(p.Socket, 0o666); err != nil {
		ln.Close()
		return nil, err
	}
	target, _ := url.Parse("http://docker")
	p.tr = &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", daemonSocket)
		},
		DisableCompression: true,
	}
	p.rp = httputil.NewSingleHostReverseProxy(target)
	p.rp.FlushInterval = -1 // stream logs and events as they come
	p.rp.Transport = p.tr
	p.rp.ModifyResponse = p.modifyResponse
	// Aborted streams are the point of this proxy: do not log them.
	p.rp.ErrorLog = log.New(io.Discard, "", 0)
	p.srv = &http.Server{
		Handler: http.HandlerFunc(p.serveHTTP),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	go func() { _ = p.srv.Serve(&trackingListener{Listener: ln, p: p}) }()
	return p, nil
}

// AllowReadOnly accepts the ReadOnly endpoints with GET or HEAD.
func AllowReadOnly(method, path string) bool {
	return (method == http.MethodGet || method == http.MethodHead) && ReadOnly.MatchString(path)
}

// Close stops the proxy: it stops any CutEvery schedule and closes the
// listener, every client connection and every upstream request.
func (p *Proxy) Close() error {
	p.StopCutting()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.srv.Close()
	for _, x := range p.liveExchanges() {
		x.cancel()
	}
	p.tr.CloseIdleConnections()
	return err
}

// connKey is the context key of the client's net.Conn.
type connKey struct{}

// exchangeKey is the context key of the *exchange of a forwarded request.
type exchangeKey struct{}

// kind classifies a request for the faults that apply to it.
type kind int

const (
	kindOther  kind = iota
	kindLogs        // logs, not following
	kindFollow      // logs with follow
	kindEvents      // the events stream
)

func classify(r *http.Request) kind {
	switch {
	case eventsPath.MatchString(r.URL.Path):
		return kindEvents
	case logsPath.MatchString(r.URL.Path):
		if boolValue(r.URL.Query().Get("follow")) {
			return kindFollow
		}
		return kindLogs
	}
	return kindOther
}

// boolValue reads a boolean query parameter as the daemon does.
func boolValue(s string) bool {
	switch s {
	case "", "0", "no", "false", "none":
		return false
	}
	return true
}

// exchange is a request being forwarded.
type exchange struct {
	kind   kind
	id     string             // the container of a logs request
	conn   net.Conn           // the client's connection, nil if unknown
	cancel context.CancelFunc // cancels the upstream request
}

// abort closes the client's connection and the upstream request, as a
// proxy dropping the connection would.
func (x *exchange) abort() {
	if x.conn != nil {
		x.conn.Close()
	}
	x.cancel()
}

func (p *Proxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	ok := p.Allow == nil || p.Allow(r.Method, r.URL.Path)
	p.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Allowed: ok, Time: time.Now()})
	if !ok {
		http.Error(w, fmt.Sprintf("devlogs test proxy: %s %s is not allowed", r.Method, r.URL.Path), http.StatusForbidden)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	x := &exchange{kind: classify(r), cancel: cancel}
	if m := logsPath.FindStringSubmatch(r.URL.Path); m != nil {
		x.id = m[1]
	}
	x.conn, _ = r.Context().Value(connKey{}).(net.Conn)
	p.mu.Lock()
	p.exchanges[x] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.exchanges, x)
		p.mu.Unlock()
	}()
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, exchangeKey{}, x)))
}

// modifyResponse puts the fault-injecting body in front of successful logs
// and events responses.
func (p *Proxy) modifyResponse(res *http.Response) error {
	ctx := res.Request.Context()
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	if x == nil || x.kind == kindOther || res.Request.Method != http.MethodGet || res.StatusCode != http.StatusOK {
		return nil
	}
	if x.kind == kindEvents { // dropping events changes the length
		res.ContentLength = -1
		res.Header.Del("Content-Length")
	}
	res.Body = p.newBody(ctx, x, res.Body)
	return nil
}

func (p *Proxy) liveExchanges() []*exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	xs := make([]*exchange, 0, len(p.exchanges))
	for x := range p.exchanges {
		xs = append(xs, x)
	}
	return xs
}

// trackingListener tracks the connections it accepts, so that they can be
// cut.
type trackingListener struct {
	net.Listener
	p *Proxy
}

// Accept implements net.Listener.
func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &clientConn{Conn: c, p: l.p}
	l.p.mu.Lock()
	l.p.conns[cc] = struct{}{}
	l.p.mu.Unlock()
	return cc, nil
}

// clientConn is an accepted connection that forgets itself when closed.
type clientConn struct {
	net.Conn
	p *Proxy
}

// Close implements net.Conn.
func (c *clientConn) Close() error {
	c.p.mu.Lock()
	delete(c.p.conns, c)
	c.p.mu.Unlock()
	return c.Conn.Close()
}

func (p *Proxy) record(r Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, r)
}

// Requests returns every request seen so far, in order of arrival.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.seen...)
}

// LogsRequest is a request for a container's logs, with its query parsed.
// Absent parameters are empty.
type LogsRequest struct {
	ID                         string // the container id or name in the path
	Since, Until, Follow, Tail string
	Allowed                    bool
	Time                       time.Time // when the request arrived
}

// Following reports whether the request asked to follow the log.
func (r LogsRequest) Following() bool { return boolValue(r.Follow) }

// LogsRequests returns every logs request seen so far, in order of arrival.
func (p *Proxy) LogsRequests() []LogsRequest {
	var out []LogsRequest
	for _, r := range p.Requests() {
		m := logsPath.FindStringSubmatch(r.Path)
		if m == nil {
			continue
		}
		q, _ := url.ParseQuery(r.Query)
		out = append(out, LogsRequest{
			ID:      m[1],
			Since:   q.Get("since"),
			Until:   q.Get("until"),
			Follow:  q.Get("follow"),
			Tail:    q.Get("tail"),
			Allowed: r.Allowed,
			Time:    r.Time,
		})
	}
	return out
}

// LogsRequestsFor returns the logs requests for the container id, in order
// of arrival: those whose path names it exactly or by a short ID (12 or more
// leading characters of id).
func (p *Proxy) LogsRequestsFor(id string) []LogsRequest {
	var out []LogsRequest
	for _, r := range p.LogsRequests() {
		if r.ID == id || len(r.ID) >= 12 && strings.HasPrefix(id, r.ID) {
			out = append(out, r)
		}
	}
	return out
}
