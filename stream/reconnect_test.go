package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

// scriptedLog is a daemon's stored log of one container: frames in file
// order. Logs requests honour since (inclusive); follow requests are cut
// after a random number of frames while frames remain.
type scriptedLog struct {
	mu     sync.Mutex
	frames []line // msg without the newline; a long line's chunks share ts
	chunk  []bool // frame continues on the next one (no newline)
	r      *rand.Rand
	cuts   int
}

func (s *scriptedLog) body(o client.ContainerLogsOptions) io.ReadCloser {
	var since int64
	if o.Since != "" {
		var sec, ns int64
		fmt.Sscanf(o.Since, "%d.%d", &sec, &ns)
		since = sec*1e9 + ns
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	n := 0
	limit := len(s.frames)
	if o.Follow && (s.cuts == 0 || s.r.IntN(3) > 0) {
		limit = s.r.IntN(len(s.frames)/2 + 1)
		if s.cuts > 0 {
			limit = s.r.IntN(len(s.frames) + 1)
		}
	}
	cut := false
	for i, f := range s.frames {
		if f.ts < since {
			continue
		}
		if i >= limit {
			cut = true
			break
		}
		msg := f.msg
		if !s.chunk[i] {
			msg += "\n"
		}
		b.Write(muxFrame(byte(f.stream), f.ts, msg))
		n++
	}
	if cut {
		s.cuts++
		return io.NopCloser(io.MultiReader(&b, errReader{errors.New("connection reset by peer")}))
	}
	return io.NopCloser(&b)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestFollowResumesExactlyAcrossCuts(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { followAcrossCuts(t, seed) })
	}
}

func followAcrossCuts(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 11))
	log := &scriptedLog{r: rand.New(rand.NewPCG(seed, 12))}
	var want []string
	ts := t0
	for i := 0; len(log.frames) < 400; i++ {
		switch x := r.IntN(20); {
		case x == 0:
			ts -= int64(r.IntN(1500)) * int64(time.Millisecond) // the clock steps back
		case x < 6: // the same timestamp again
		default:
			ts += int64(1 + r.IntN(1000))
		}
		s := entry.Stream(1 + r.IntN(2))
		msg := fmt.Sprintf("line %d", i)
		if r.IntN(25) == 0 { // a long line in three chunks
			long := msg + strings.Repeat("x", 40000)
			for j, part := range []string{long[:16384], long[16384:32768], long[32768:]} {
				log.frames = append(log.frames, line{ts: ts, stream: s, msg: part})
				log.chunk = append(log.chunk, j < 2)
			}
			want = append(want, fmt.Sprint(s, " ", long))
			continue
		}
		log.frames = append(log.frames, line{ts: ts, stream: s, msg: msg})
		log.chunk = append(log.chunk, false)
		want = append(want, fmt.Sprint(s, " ", msg))
	}
	var mu sync.Mutex
	exited := false
	eng := &fakeEngine{
		inspect: func(string) (container.InspectResponse, error) {
			mu.Lock()
			defer mu.Unlock()
			st := &container.State{Status: container.StateRunning, StartedAt: "2026-11-21T00:00:00Z"}
			if exited {
				st.Status = container.StateExited
			}
			return container.InspectResponse{State: st, Config: &container.Config{}}, nil
		},
		logs: func(_ context.Context, _ string, o client.ContainerLogsOptions) (io.ReadCloser, error) {
			b := log.body(o)
			return b, nil
		},
	}
	c, out := newTestTracked(eng, "c1", false)
	stop, _ := runTracked(t, c)
	var got []string
	deadline := time.After(30 * time.Second)
	for len(got) < len(want) {
		select {
		case it := <-out:
			for _, e := range it.Lines {
				got = append(got, fmt.Sprint(e.Stream, " ", string(e.Msg)))
			}
		case <-deadline:
			t.Fatalf("%d of %d lines after 30 s (%d cuts)", len(got), len(want), log.cuts)
		}
	}
	mu.Lock()
	exited = true
	mu.Unlock()
	stop()
	// Per stream the order is the file's; nothing is lost or repeated.
	for _, s := range []string{"1 ", "2 "} {
		assert.DeepEqual(t, filterPrefix(got, s), filterPrefix(want, s))
	}
	assert.Assert(t, log.cuts > 0)
}

func filterPrefix(lines []string, p string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, p) {
			out = append(out, l)
		}
	}
	return out
}
