package testproxy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// timeout bounds every wait of these tests.
const timeout = 10 * time.Second

// upstream is a fake daemon on a Unix socket: its /events and
// /containers/{id}/logs?follow=1 streams write and flush each slice sent
// on events or logs; /containers/{id}/logs without follow answers logsBody.
type upstream struct {
	socket  string
	events  chan []byte
	logs    chan []byte
	written chan struct{} // a stream wrote and flushed a slice
	active  atomic.Int32  // streams being served
}

var versioned = regexp.MustCompile(`^/v[0-9]+\.[0-9]+`)

// logsBody is the answer to a logs request without follow.
var logsBody = func() []byte {
	var b bytes.Buffer
	for i := range 200 {
		fmt.Fprintf(&b, "line %03d of the log\n", i)
	}
	return b.Bytes()
}()

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{
		socket:  filepath.Join(t.TempDir(), "daemon.sock"),
		events:  make(chan []byte),
		logs:    make(chan []byte),
		written: make(chan struct{}, 100),
	}
	ln, err := net.Listen("unix", u.socket)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(u.serve)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	path := versioned.ReplaceAllString(r.URL.Path, "")
	switch {
	case path == "/_ping":
		io.WriteString(w, "OK")
	case path == "/events":
		u.stream(w, r, u.events)
	case strings.HasPrefix(path, "/containers/") && strings.HasSuffix(path, "/logs"):
		if r.URL.Query().Get("follow") == "1" {
			u.stream(w, r, u.logs)
			return
		}
		w.Write(logsBody[:100])
		w.(http.Flusher).Flush()
		w.Write(logsBody[100:])
	default:
		http.NotFound(w, r)
	}
}

func (u *upstream) stream(w http.ResponseWriter, r *http.Request, feed <-chan []byte) {
	u.active.Add(1)
	defer u.active.Add(-1)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	for {
		select {
		case b := <-feed:
			w.Write(b)
			w.(http.Flusher).Flush()
			u.written <- struct{}{}
		case <-r.Context().Done():
			return
		}
	}
}

// send has the stream served from feed write b.
func send(t *testing.T, feed chan<- []byte, b []byte) {
	t.Helper()
	select {
	case feed <- b:
	case <-time.After(timeout):
		t.Fatal("no upstream stream to write to")
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-time.After(time.Millisecond)
	}
}

func startProxy(t *testing.T, u *upstream, allow func(method, path string) bool) *Proxy {
	t.Helper()
	p, err := Start(t.TempDir(), u.socket, allow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func client(t *testing.T, p *Proxy) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", p.Socket)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// recv reads a response body in the background.
type recv struct {
	mu      sync.Mutex
	got     []byte
	err     error
	changed chan struct{}
}

// open GETs path through the proxy and reads the body in the background.
func open(t *testing.T, c *http.Client, path string) *recv {
	t.Helper()
	res, err := c.Get("http://docker" + path)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, res.Status)
	}
	r := &recv{changed: make(chan struct{}, 1)}
	t.Cleanup(func() { res.Body.Close() })
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := res.Body.Read(buf)
			r.mu.Lock()
			r.got = append(r.got, buf[:n]...)
			r.err = err
			r.mu.Unlock()
			select {
			case r.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// wait waits until cond holds of what was read so far.
func (r *recv) wait(t *testing.T, what string, cond func(got []byte, err error) bool) ([]byte, error) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		got, err := append([]byte(nil), r.got...), r.err
		r.mu.Unlock()
		if cond(got, err) {
			return got, err
		}
		select {
		case <-r.changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; read %q, err %v", what, got, err)
		}
	}
}

// waitBytes waits until exactly want was read, without error.
func (r *recv) waitBytes(t *testing.T, want []byte) {
	t.Helper()
	got, err := r.wait(t, fmt.Sprintf("%q", want), func(got []byte, err error) bool {
		return len(got) >= len(want) || err != nil
	})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %q, err %v; want %q", got, err, want)
	}
}

// waitErr waits until the body ends and returns why.
func (r *recv) waitErr(t *testing.T) error {
	t.Helper()
	_, err := r.wait(t, "the end of the body", func(_ []byte, err error) bool { return err != nil })
	return err
}

// still checks that for d nothing more than want is read.
func (r *recv) still(t *testing.T, d time.Duration, want []byte) {
	t.Helper()
	<-time.After(d)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || !bytes.Equal(r.got, want) {
		t.Fatalf("read %q, err %v; want %q, still open", r.got, r.err, want)
	}
}

func TestCutAbortsLiveStream(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		feed       func(*upstream) chan []byte
	}{
		{"logs", "/v1.41/containers/x/logs?follow=1&stdout=1", func(u *upstream) chan []byte { return u.logs }},
		{"events", "/v1.41/events", func(u *upstream) chan []byte { return u.events }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := startUpstream(t)
			p := startProxy(t, u, AllowReadOnly)
			c := client(t, p)
			r := open(t, c, tc.path)
			msg := []byte("{\"Action\":\"start\"}\n")
			send(t, tc.feed(u), msg)
			r.waitBytes(t, msg)
			if s := p.Stats(); s.Streams != 1 {
				t.Fatalf("streams %d, want 1", s.Streams)
			}

			if n := p.CutAll(); n != 1 {
				t.Errorf("CutAll closed %d connections, want 1", n)
			}
			if err := r.waitErr(t); err == io.EOF {
				t.Fatal("the stream ended cleanly; want it aborted")
			}
			waitFor(t, "the upstream stream to end", func() bool { return u.active.Load() == 0 })
			waitFor(t, "no streams", func() bool { return p.Stats().Streams == 0 })
			if s := p.Stats(); s.Cuts != 1 || s.ConnsCut != 1 {
				t.Errorf("stats %+v, want 1 cut of 1 connection", s)
			}

			// the proxy still serves
			res, err := c.Get("http://docker/_ping")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("ping after cut: %s", res.Status)
			}
		})
	}
}

func TestCutEvery(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u, nil)
	c := client(t, p)
	p.CutEvery(20 * time.Millisecond)
	deadline := time.Now().Add(timeout)
	for aborted := 0; aborted < 2; {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for two aborted streams")
		}
		res, err := c.Get("http://docker/events")
		if err != nil {
			continue // cut before the response
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil {
			t.Fatal("the stream ended cleanly; want it aborted")
		}
		aborted++
	}
	p.StopCutting()
	cuts := p.Stats().Cuts
	if cuts < 2 {
		t.Fatalf("%d cuts, want at least 2", cuts)
	}
	waitFor(t, "the upstream streams to end", func() bool { return u.active.Load() == 0 })

	r := open(t, c, "/events")
	send(t, u.events, []byte("{}\n"))
	r.waitBytes(t, []byte("{}\n"))
	r.still(t, 100*time.Millisecond, []byte("{}\n"))
	if n := p.Stats().Cuts; n != cuts {
		t.Fatalf("%d cuts after StopCutting, want %d", n, cuts)
	}
}

func TestIdleClose(t *testing.T) {
	const idle = 300 * time.Millisecond
	u := startUpstream(t)
	p := startProxy(t, u, nil)
	c := client(t, p)
	p.SetIdleClose(idle)

	r := open(t, c, "/events")
	var want []byte
	var last time.Time
	for i := range 5 {
		if i > 0 {
			<-time.After(idle / 3) // gaps shorter than the idle period
		}
		msg := fmt.Appendf(nil, "{\"Action\":\"e%d\"}\n", i)
		want = append(want, msg...)
		last = time.Now() // before the proxy delivers msg
		send(t, u.events, msg)
		r.waitBytes(t, want)
	}
	if n := p.Stats().IdleCloses; n != 0 {
		t.Fatalf("%d idle closes while bytes flowed", n)
	}
	if err := r.waitErr(t); err == io.EOF {
		t.Fatal("the stream ended cleanly; want it aborted")
	}
	if d := time.Since(last); d < idle {
		t.Fatalf("closed %v after the last bytes, before the idle period %v", d, idle)
	}
	if n := p.Stats().IdleCloses; n != 1 {
		t.Fatalf("%d idle closes, want 1", n)
	}
	waitFor(t, "the upstream stream to end", func() bool { return u.active.Load() == 0 })

	// off again: an idle stream stays open
	p.SetIdleClose(0)
	r = open(t, c, "/containers/x/logs?follow=1")
	r.still(t, 2*idle, nil)
	send(t, u.logs, []byte("late"))
	r.waitBytes(t, []byte("late"))
	if n := p.Stats().IdleCloses; n != 1 {
		t.Fatalf("%d idle closes, want still 1", n)
	}
}

func TestIdleCloseSparesShortResponses(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u, nil)
	p.SetIdleClose(time.Nanosecond)
	res, err := client(t, p).Get("http://docker/containers/x/logs?stdout=1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || !bytes.Equal(got, logsBody) {
		t.Fatalf("read %d bytes, err %v; want the %d bytes of the log", len(got), err, len(logsBody))
	}
	if n := p.Stats().IdleCloses; n != 0 {
		t.Fatalf("%d idle closes of a logs request without follow", n)
	}
}

func TestDropEvents(t *testing.T) {
	start := []byte(`{"status":"start","id":"a","from":"img","Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{"name":"die"}},"scope":"local","time":1,"timeNano":1000000001}` + "\n")
	die := []byte(`{"status":"die","id":"a","from":"img","Type":"container","Action":"die","Actor":{"ID":"a","Attributes":{"exitCode":"1"}},"scope":"local","time":2,"timeNano":2000000002}` + "\n")
	oldDie := []byte(`{"status":"die","id":"b","from":"img","time":3}` + "\n")
	health := []byte(`{"status":"health_status: healthy","id":"a","Type":"container","Action":"health_status: healthy","time":4}` + "\n")
	connect := []byte(`{"Type":"network","Action":"connect","Actor":{"ID":"n","Attributes":{"container":"a"}},"time":5}` + "\n")

	u := startUpstream(t)
	p := startProxy(t, u, nil)
	p.DropEvents([]string{"die", "health_status"}, time.Time{})
	r := open(t, client(t, p), "/events")

	// messages split across the upstream's writes
	stream := bytes.Join([][]byte{start, die, oldDie, health, connect}, nil)
	cuts := []int{0, len(start) + 10, len(start) + len(die) + len(oldDie) + 5, len(stream) - 3, len(stream)}
	for i := 1; i < len(cuts); i++ {
		send(t, u.events, stream[cuts[i-1]:cuts[i]])
	}
	want := append(append([]byte(nil), start...), connect...)
	r.waitBytes(t, want)
	if n := p.Stats().DroppedEvents; n != 3 {
		t.Fatalf("%d dropped events, want 3", n)
	}

	// after the window, everything passes
	p.StopDroppingEvents()
	send(t, u.events, die)
	want = append(want, die...)
	r.waitBytes(t, want)
	p.DropEvents([]string{"die"}, time.Now().Add(-time.Millisecond))
	send(t, u.events, die)
	want = append(want, die...)
	r.waitBytes(t, want)

	// within a window
	p.DropEvents([]string{"die"}, time.Now().Add(time.Hour))
	send(t, u.events, append(append([]byte(nil), die...), start...))
	want = append(want, start...)
	r.waitBytes(t, want)
	if n := p.Stats().DroppedEvents; n != 4 {
		t.Fatalf("%d dropped events, want 4", n)
	}
}

func TestPauseEvents(t *testing.T) {
	e1, e2, e3 := []byte(`{"Action":"start"}`+"\n"), []byte(`{"Action":"die"}`+"\n"), []byte(`{"Action":"destroy"}`+"\n")
	u := startUpstream(t)
	p := startProxy(t, u, nil)
	r := open(t, client(t, p), "/events")
	send(t, u.events, e1)
	r.waitBytes(t, e1)

	p.PauseEvents()
	p.PauseEvents() // idempotent
	send(t, u.events, e2)
	<-u.written
	send(t, u.events, e3)
	<-u.written
	r.still(t, 200*time.Millisecond, e1)

	p.ResumeEvents()
	r.waitBytes(t, bytes.Join([][]byte{e1, e2, e3}, nil))
	p.ResumeEvents() // idempotent
}

// rawChunks GETs path on a new connection to the proxy and returns the
// sizes of the chunks of the response's chunked body, and the body.
func rawChunks(t *testing.T, p *Proxy, path string) ([]int, []byte) {
	t.Helper()
	conn, err := net.Dial("unix", p.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n", path)
	br := bufio.NewReader(conn)
	chunked := false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(strings.TrimSpace(line), "Transfer-Encoding: chunked") {
			chunked = true
		}
		if line == "\r\n" {
			break
		}
	}
	if !chunked {
		t.Fatal("the response is not chunked")
	}
	var sizes []int
	var body []byte
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(line), 16, 64)
		if err != nil {
			t.Fatalf("chunk size %q: %v", line, err)
		}
		if n == 0 {
			return sizes, body
		}
		chunk := make([]byte, n+2)
		if _, err := io.ReadFull(br, chunk); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, int(n))
		body = append(body, chunk[:n]...)
	}
}

func TestRechunk(t *testing.T) {
	const maxChunk = 7
	u := startUpstream(t)
	p := startProxy(t, u, nil)

	sizes, body := rawChunks(t, p, "/containers/x/logs?stdout=1")
	if !bytes.Equal(body, logsBody) || len(sizes) > 2 {
		t.Fatalf("without Rechunk: %d chunks, %d bytes; want the log in at most 2", len(sizes), len(body))
	}

	p.Rechunk(maxChunk, 1)
	sizes, body = rawChunks(t, p, "/containers/x/logs?stdout=1")
	if !bytes.Equal(body, logsBody) {
		t.Fatalf("rechunked body %q, want %q", body, logsBody)
	}
	seen := map[int]bool{}
	for _, n := range sizes {
		if n < 1 || n > maxChunk {
			t.Fatalf("chunk of %d bytes, want 1 to %d", n, maxChunk)
		}
		seen[n] = true
	}
	if len(seen) < 2 {
		t.Fatalf("chunk sizes %v, want them to vary", sizes)
	}

	// the events stream too, with events split across upstream writes
	r := open(t, client(t, p), "/events")
	stream := []byte(strings.Repeat(`{"status":"start","id":"abc","Action":"start"}`+"\n", 20))
	for _, part := range [][]byte{stream[:50], stream[50:333], stream[333:]} {
		send(t, u.events, part)
	}
	r.waitBytes(t, stream)
}

func TestAudit(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u, AllowReadOnly)
	cl := client(t, p)
	before := time.Now()

	r := open(t, cl, "/v1.41/containers/abc/logs?follow=1&since=1700000000.000000123&stdout=1&tail=all&timestamps=1")
	send(t, u.logs, []byte("x"))
	r.waitBytes(t, []byte("x"))
	p.CutAll()
	r.waitErr(t)
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/containers/def/logs?since=0&stdout=1"},
		{http.MethodGet, "/v1.41/containers/abc/json"},
		{http.MethodPost, "/v1.41/containers/abc/kill"},
	} {
		hr, _ := http.NewRequest(req.method, "http://docker"+req.path, nil)
		res, err := cl.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}

	reqs := p.Requests()
	if len(reqs) != 4 {
		t.Fatalf("requests %+v, want 4", reqs)
	}
	for i, q := range reqs {
		if q.Time.Before(before) || (i > 0 && q.Time.Before(reqs[i-1].Time)) {
			t.Errorf("request %d at %v: out of order", i, q.Time)
		}
	}
	if q := reqs[3]; q.Method != http.MethodPost || q.Path != "/v1.41/containers/abc/kill" || q.Allowed {
		t.Errorf("last request %+v, want the refused POST", q)
	}

	logs := p.LogsRequests()
	if len(logs) != 2 {
		t.Fatalf("logs requests %+v, want 2", logs)
	}
	want := []LogsRequest{
		{ID: "abc", Since: "1700000000.000000123", Follow: "1", Tail: "all", Allowed: true, Time: reqs[0].Time},
		{ID: "def", Since: "0", Allowed: true, Time: reqs[1].Time},
	}
	for i := range want {
		if logs[i] != want[i] {
			t.Errorf("logs request %d: %+v, want %+v", i, logs[i], want[i])
		}
	}
	if got := p.LogsRequestsFor("abc"); len(got) != 1 || got[0] != want[0] {
		t.Errorf("LogsRequestsFor(abc) = %+v, want %+v", got, want[:1])
	}
}

func TestClassify(t *testing.T) {
	for path, want := range map[string]kind{
		"/events":                                 kindEvents,
		"/v1.41/events?since=1":                   kindEvents,
		"/containers/a/logs?follow=1":             kindFollow,
		"/v1.41/containers/a/logs?follow=true":    kindFollow,
		"/v1.41/containers/a/logs?follow=0":       kindLogs,
		"/v1.41/containers/a/logs?follow=false":   kindLogs,
		"/v1.41/containers/a/logs":                kindLogs,
		"/v1.41/containers/a/json":                kindOther,
		"/v1.41/containers/a/logs/extra?follow=1": kindOther,
	} {
		r, err := http.NewRequest(http.MethodGet, "http://docker"+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := classify(r); got != want {
			t.Errorf("classify(%s) = %v, want %v", path, got, want)
		}
	}
}
