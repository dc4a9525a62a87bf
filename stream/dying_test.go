package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// collectUntil hands what out sends to collect until stop is closed, and
// fails the test with why if deadline comes first.
func collectUntil(t *testing.T, out <-chan Item, stop <-chan struct{}, deadline <-chan time.Time, collect func(Item), why string) {
	t.Helper()
	for {
		select {
		case it := <-out:
			collect(it)
		case <-stop:
			return
		case <-deadline:
			t.Fatal(why)
		}
	}
}

// errGone is the daemon's answer about a removed container.
var errGone = fmt.Errorf("No such container: c1: %w", cerrdefs.ErrNotFound)

// inspectOf answers inspects of a container that runs until *exited, and
// is gone once *removed; mu guards both.
func inspectOf(mu *sync.Mutex, removed, exited *bool) func(string) (container.InspectResponse, error) {
	return func(string) (container.InspectResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		if *removed {
			return container.InspectResponse{}, errGone
		}
		st := &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T10:00:00Z"}
		if *exited {
			st.Status = container.StateExited
		}
		return container.InspectResponse{State: st, Config: &container.Config{}}, nil
	}
}

// runToEnd runs c's loop until it ends (within 20 s) and returns the kinds
// of the notices it sent and the text of its lines.
func runToEnd(t *testing.T, c *tracked, out chan Item) (kinds []entry.Kind, lines []string) {
	t.Helper()
	_, done := runTracked(t, c)
	collect := func(it Item) {
		if it.Notice != nil {
			kinds = append(kinds, it.Notice.Kind)
		}
		for _, e := range it.Lines {
			lines = append(lines, string(e.Msg))
		}
	}
	collectUntil(t, out, done, time.After(20*time.Second), collect, "still running after 20 s")
	for len(out) > 0 {
		collect(<-out)
	}
	return kinds, lines
}

// whilePresent answers logs requests with logs while *removed is false, and
// as the daemon does for a removed container after; mu guards *removed and
// is held while logs runs.
func whilePresent(mu *sync.Mutex, removed *bool, logs func(o client.ContainerLogsOptions) (io.ReadCloser, error)) func(context.Context, string, client.ContainerLogsOptions) (io.ReadCloser, error) {
	return func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
		mu.Lock()
		defer mu.Unlock()
		if *removed {
			return nil, errGone
		}
		return logs(o)
	}
}

// TestDieOpensTheCatchUpAtOnce: the follow stream has delivered three
// lines and misses the last, unterminated one (as this engine's does when
// the write and the logger's close come together), the output is blocked,
// and the container is removed as soon as the daemon has answered one more
// logs request. The die event must open that request at once, without
// waiting for the output, and the four lines come out once each.
func TestDieOpensTheCatchUpAtOnce(t *testing.T) {
	base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).UnixNano()
	type fr struct {
		ts  int64
		typ byte
		msg string
	}
	log := []fr{{base, 1, "one\n"}, {base + 1e6, 1, "two\n"}, {base + 2e6, 2, "three\n"}, {base + 3e6, 1, "bye"}}
	frames := func(since int64, n int) []byte {
		var b bytes.Buffer
		for _, f := range log[:n] {
			if f.ts >= since {
				b.Write(muxFrame(f.typ, f.ts, f.msg))
			}
		}
		return b.Bytes()
	}
	follow := newBlockingBody(frames(0, 3))
	follow.gate, follow.drained = make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	removed, followed := false, false
	opened := make(chan struct{})
	catchUp := make(chan client.ContainerLogsOptions, 1)
	var reqs []client.ContainerLogsOptions
	eng := &fakeEngine{
		inspect: inspectOf(&mu, &removed, &followed),
		logs: func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
			mu.Lock()
			defer mu.Unlock()
			reqs = append(reqs, o)
			switch {
			case removed:
				return nil, errors.New("can not get logs from container which is dead or marked for removal")
			case o.Follow && !followed:
				followed = true
				close(opened)
				return follow, nil
			case o.Follow:
				return nil, errors.New("followed twice")
			}
			since := int64(0)
			if o.Since != "" {
				s, err := parseSinceArg(o.Since)
				if err != nil {
					return nil, err
				}
				since = s
			}
			removed = true // compose removes a recreated container right away
			catchUp <- o
			return io.NopCloser(bytes.NewReader(frames(since, len(log)))), nil
		},
	}
	c, _ := newTestTracked(eng, "c1", false)
	out := make(chan Item) // the output takes nothing until the test reads it
	c.f.out = out
	_, done := runTracked(t, c)

	var lines []string
	var notices []*entry.Notice
	collect := func(it Item) {
		for _, e := range it.Lines {
			lines = append(lines, string(e.Msg))
		}
		if it.Notice != nil {
			notices = append(notices, it.Notice)
		}
	}
	timeout := time.After(20 * time.Second)
	collectUntil(t, out, opened, timeout, collect, "no follow request")
	// The follow stream delivers its three lines; nobody reads the output.
	close(follow.gate)
	<-follow.drained
	signal(c.dying)
	select {
	case o := <-catchUp:
		assert.Assert(t, !o.Follow)
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no catch-up request within 10 s of the die event while the output was blocked; requests %+v", reqs)
	}
	collectUntil(t, out, done, timeout, collect, "still running after 20 s")
	assert.DeepEqual(t, lines, []string{"one", "two", "three", "bye"})
	for _, n := range notices {
		assert.Assert(t, n.Kind != entry.Gap, "gap notice: %s", n.Text)
	}
}

// An early catch-up that starts after the cursor's since (the clock went
// back since it was opened) is closed, and a new request is made; one that
// starts before it is read with the frames before since dropped.
func TestTakeEarlyUsesOnlyARequestThatStartsInTime(t *testing.T) {
	c, _ := newTestTracked(&fakeEngine{}, "c1", false)
	late := &earlyRead{since: 2000, done: make(chan struct{})}
	body := newBlockingBody(nil)
	late.body = body
	close(late.done)
	got, sk, err := c.takeEarly(t.Context(), late, 1000, nil)
	assert.NilError(t, err)
	assert.Assert(t, got == nil && sk == nil)
	<-body.closed // discarded

	early := &earlyRead{since: 500, done: make(chan struct{}), body: io.NopCloser(bytes.NewReader(nil))}
	close(early.done)
	got, sk, err = c.takeEarly(t.Context(), early, 1000, nil)
	assert.NilError(t, err)
	assert.Assert(t, got == early.body)
	assert.Assert(t, sk.skip(999) && !sk.skip(1000) && !sk.skip(1001))
}

// A container that dies again while the read of its previous death runs,
// and is removed before another read, may have taken lines with it: devlogs
// says so. Removed after a read that started after its last death, it took
// nothing, and devlogs says only that it was removed.
func TestRemovedAfterAnUnreadDeathIsAGap(t *testing.T) {
	for _, diesDuringRead := range []bool{true, false} {
		t.Run(fmt.Sprint("dies during the read: ", diesDuringRead), func(t *testing.T) {
			base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).UnixNano()
			var mu sync.Mutex
			removed := false
			var c *tracked
			eng := &fakeEngine{
				inspect: inspectOf(&mu, &removed, new(bool)),
				logs: whilePresent(&mu, &removed, func(o client.ContainerLogsOptions) (io.ReadCloser, error) {
					if o.Follow {
						return nil, errors.New("a follow request after a death")
					}
					if diesDuringRead {
						// restarted, died again, removed: the log as it stood
						// when this request came is all that was read
						c.deaths.died(0)
						signal(c.dying)
					}
					removed = true
					return io.NopCloser(bytes.NewReader(muxFrame(1, base, "one\n"))), nil
				}),
			}
			var out chan Item
			c, out = newTestTracked(eng, "c1", false)
			// It died before the first look.
			c.deaths.died(0)
			signal(c.dying)
			kinds, _ := runToEnd(t, c, out)
			want := []entry.Kind{entry.Attached, entry.Removed}
			if diesDuringRead {
				want = []entry.Kind{entry.Attached, entry.Gap, entry.Removed}
			}
			assert.DeepEqual(t, kinds, want)
		})
	}
}

// The daemon ends a follow stream when its container dies, and the die
// event may come late (or never: the daemon drops events for slow
// subscribers) while compose removes the container about 15 ms after the
// death. The catch-up must not wait for the event: it goes out at once,
// with an inspect beside it that shows the container stopped. A die event
// that comes after that catch-up, stamped at the death the inspect saw, is
// no gap when the container is then removed; one stamped well after it
// (another run died) is.
func TestCatchUpAfterAStreamEndsNeedsNoDieEvent(t *testing.T) {
	finished := time.Date(2026, 11, 21, 10, 0, 5, 0, time.UTC)
	for _, late := range []time.Duration{time.Millisecond, 2 * time.Second} {
		t.Run(fmt.Sprint("die stamped ", late, " after the death"), func(t *testing.T) {
			base := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC).UnixNano()
			var mu sync.Mutex
			removed, exited, seenExited := false, false, false
			var c *tracked
			eng := &fakeEngine{
				inspect: func(string) (container.InspectResponse, error) {
					mu.Lock()
					defer mu.Unlock()
					if exited && seenExited {
						removed = true // compose removes it after the first look
					}
					if removed {
						return container.InspectResponse{}, errGone
					}
					st := &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T10:00:00Z"}
					if exited {
						seenExited = true
						st.Status, st.FinishedAt = container.StateExited, finished.Format(time.RFC3339Nano)
					}
					return container.InspectResponse{State: st, Config: &container.Config{}}, nil
				},
				logs: whilePresent(&mu, &removed, func(o client.ContainerLogsOptions) (io.ReadCloser, error) {
					if o.Follow {
						// It dies; the stream ends without its last line.
						exited = true
						return io.NopCloser(bytes.NewReader(muxFrame(1, base, "one\n"))), nil
					}
					// The catch-up: the die event comes now.
					c.deaths.died(finished.Add(late).UnixNano())
					signal(c.dying)
					return io.NopCloser(bytes.NewReader(append(muxFrame(1, base, "one\n"), muxFrame(1, base+1, "two")...))), nil
				}),
			}
			var out chan Item
			c, out = newTestTracked(eng, "c1", false)
			kinds, lines := runToEnd(t, c, out)
			assert.DeepEqual(t, lines, []string{"one", "two"})
			want := []entry.Kind{entry.Attached, entry.Removed}
			if late > time.Duration(dieSlack) {
				want = []entry.Kind{entry.Attached, entry.Gap, entry.Removed}
			}
			assert.DeepEqual(t, kinds, want)
		})
	}
}
