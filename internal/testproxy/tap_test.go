package testproxy

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the proxy's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTapLogsCopiesEveryLogsBody(t *testing.T) {
	u := startUpstream(t)
	p := startProxy(t, u, nil)
	c := client(t, p)
	type tapped struct {
		id     string
		follow bool
		body   *syncBuffer
	}
	var mu sync.Mutex
	var taps []tapped
	p.TapLogs(func(id string, follow bool) io.Writer {
		mu.Lock()
		defer mu.Unlock()
		taps = append(taps, tapped{id, follow, &syncBuffer{}})
		return taps[len(taps)-1].body
	})

	readAll(t, c, "/v1.41/containers/abc/logs?stdout=1")
	live := open(t, c, "/containers/def/logs?follow=1&stdout=1")
	send(t, u.logs, []byte("live line\n"))
	live.waitBytes(t, []byte("live line\n"))
	open(t, c, "/v1.41/events") // not a logs response: not tapped
	p.TapLogs(nil)
	readAll(t, c, "/v1.41/containers/ghi/logs?stdout=1")

	mu.Lock()
	defer mu.Unlock()
	if len(taps) != 2 {
		t.Fatalf("%d responses tapped, want 2", len(taps))
	}
	if taps[0].id != "abc" || taps[0].follow || taps[0].body.String() != string(logsBody) {
		t.Errorf("first tap: id %q follow %v body %q", taps[0].id, taps[0].follow, taps[0].body.String())
	}
	waitFor(t, "the live line in the tap", func() bool { return taps[1].body.String() == "live line\n" })
	if taps[1].id != "def" || !taps[1].follow {
		t.Errorf("second tap: id %q follow %v", taps[1].id, taps[1].follow)
	}
}

// readAll reads a logs response without follow to its end.
func readAll(t *testing.T, c *http.Client, path string) {
	t.Helper()
	got, _ := open(t, c, path).wait(t, "the end of "+path, func(_ []byte, err error) bool { return err != nil })
	if !bytes.Equal(got, logsBody) {
		t.Fatalf("%s: read %d bytes, want the %d of the log", path, len(got), len(logsBody))
	}
}
