package stream

import (
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

func fr(ts int64, s entry.Stream, msg string) frame {
	return frame{ts: ts, stream: s, msg: []byte(msg), hasTS: true}
}

func TestRepeatsDropsTheDaemonsRotationRepeats(t *testing.T) {
	var r repeats
	in := []frame{
		fr(1, entry.Stdout, "a\n"), fr(2, entry.Stdout, "b\n"),
		fr(1, entry.Stdout, "a\n"), fr(2, entry.Stdout, "b\n"), // repeated pair
		fr(3, entry.Stderr, "c\n"), fr(3, entry.Stderr, "c\n"), // repeated line
		fr(4, entry.Stdout, "a\n"), // same text, later: a real line
	}
	var kept []string
	for _, f := range in {
		if !r.repeat(f) {
			kept = append(kept, string(f.msg))
		}
	}
	assert.DeepEqual(t, kept, []string{"a\n", "b\n", "c\n", "a\n"})
	assert.Equal(t, r.dropped, int64(3))
}

func TestRepeatsKeepsIdenticalChunksOfALongLine(t *testing.T) {
	var r repeats
	chunk := string(make([]byte, 16384))
	for i := 0; i < 3; i++ {
		assert.Assert(t, !r.repeat(fr(5, entry.Stdout, chunk)))
	}
	assert.Assert(t, !r.repeat(fr(5, entry.Stdout, "end\n")))
}

func TestRepeatsTrustsNothingOnACoarseClock(t *testing.T) {
	var r repeats
	assert.Assert(t, !r.repeat(fr(7, entry.Stdout, "x\n")))
	assert.Assert(t, !r.repeat(fr(7, entry.Stdout, "y\n"))) // two lines, one stamp
	assert.Assert(t, !r.repeat(fr(7, entry.Stdout, "x\n"))) // kept: it may be real
	assert.Assert(t, r.coarse)
}
