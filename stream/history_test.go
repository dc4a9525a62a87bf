package stream

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

// skewedLog returns a container's lines in file order: stdout and stderr
// each in time order, stderr lines sometimes stamped a little before the
// stdout line written ahead of them.
func skewedLog(r *rand.Rand, src *entry.Source, n int) []entry.Entry {
	var lines []entry.Entry
	ts := t0 + r.Int64N(1e6)
	lastErr := int64(0)
	for i := 0; i < n; i++ {
		ts += 1 + r.Int64N(50_000)
		e := entry.Entry{Time: ts, Src: src, Stream: entry.Stdout, Msg: []byte{byte(i)}}
		if r.IntN(3) == 0 {
			e.Stream = entry.Stderr
			e.Time = max(ts-r.Int64N(20_000), lastErr+1) // stamped earlier, written later
			lastErr = e.Time
		}
		lines = append(lines, e)
	}
	return lines
}

func TestMergeSortsAcrossContainersAndStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var srcs []*mergeSource
	var all []entry.Entry
	for c := 0; c < 4; c++ {
		src := &entry.Source{Name: string(rune('a' + c))}
		lines := skewedLog(r, src, 5000)
		all = append(all, lines...)
		ch := make(chan Item, 4)
		cr := rand.New(rand.NewPCG(uint64(c), 9))
		go func() {
			defer close(ch)
			for len(lines) > 0 {
				k := min(len(lines), 1+cr.IntN(700))
				ch <- Item{Lines: lines[:k]}
				lines = lines[k:]
			}
			ch <- Item{Notice: &entry.Notice{Src: src, Text: "done"}}
		}()
		srcs = append(srcs, &mergeSource{ch: ch, order: c})
	}
	out := make(chan Item, 16)
	go func() { merge(context.Background(), srcs, out); close(out) }()
	var got []entry.Entry
	notices := 0
	for it := range out {
		got = append(got, it.Lines...)
		if it.Notice != nil {
			notices++
		}
	}
	assert.Equal(t, notices, 4)
	assert.Equal(t, len(got), len(all))
	assert.Assert(t, slices.IsSortedFunc(got, func(a, b entry.Entry) int { return cmpInt(a.Time, b.Time) }))
	last := map[[2]any]int64{}
	for _, e := range got {
		k := [2]any{e.Src, e.Stream}
		assert.Assert(t, e.Time > last[k], "per-stream order broken")
		last[k] = e.Time
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
