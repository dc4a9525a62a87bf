package stream

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

func TestReorderEmitsByTimestampWithinTheWindow(t *testing.T) {
	a, b := &entry.Source{Name: "a"}, &entry.Source{Name: "b"}
	in, out := make(chan Item), make(chan Item, 16)
	done := make(chan struct{})
	go func() { Reorder(context.Background(), in, out, 50*time.Millisecond); close(out); close(done) }()
	// b's earlier lines arrive after a's later ones, within the window.
	in <- Item{Lines: []entry.Entry{{Time: 30, Src: a}, {Time: 40, Src: a}}}
	in <- Item{Lines: []entry.Entry{{Time: 10, Src: b}, {Time: 35, Src: b}}}
	in <- Item{Lines: []entry.Entry{{Time: 20, Src: b, Stream: entry.Stderr}}}
	var got []int64
	for len(got) < 5 {
		it := <-out
		for _, e := range it.Lines {
			got = append(got, e.Time)
		}
	}
	assert.DeepEqual(t, got, []int64{10, 20, 30, 35, 40})
	close(in)
	<-done
}

func TestReorderKeepsStreamOrderAndNeverDropsLateLines(t *testing.T) {
	a := &entry.Source{Name: "a"}
	in, out := make(chan Item), make(chan Item, 16)
	go func() { Reorder(context.Background(), in, out, 10*time.Millisecond); close(out) }()
	// A clock step back inside one stream: its order is kept.
	in <- Item{Lines: []entry.Entry{{Time: 100, Src: a}, {Time: 50, Src: a}, {Time: 60, Src: a}}}
	var got []int64
	for len(got) < 3 {
		for _, e := range (<-out).Lines {
			got = append(got, e.Time)
		}
	}
	// A line older than what was already emitted still comes out.
	in <- Item{Lines: []entry.Entry{{Time: 1, Src: &entry.Source{Name: "late"}}}}
	for len(got) < 4 {
		for _, e := range (<-out).Lines {
			got = append(got, e.Time)
		}
	}
	close(in)
	for range out {
	}
	assert.DeepEqual(t, got, []int64{100, 50, 60, 1})
}

func TestReorderFlushesBeforeANotice(t *testing.T) {
	a := &entry.Source{Name: "a"}
	in, out := make(chan Item), make(chan Item, 16)
	go func() { Reorder(context.Background(), in, out, time.Hour); close(out) }()
	in <- Item{Lines: []entry.Entry{{Time: 2, Src: a}, {Time: 3, Src: a}}}
	in <- Item{Notice: &entry.Notice{Src: a, Text: "exited"}}
	first, second := <-out, <-out
	assert.Assert(t, slices.Equal([]int64{first.Lines[0].Time, first.Lines[1].Time}, []int64{2, 3}))
	assert.Equal(t, second.Notice.Text, "exited")
	close(in)
	for range out {
	}
}
