package render

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// dockerLayout is the layout of `docker logs -t` (jsonmessage.RFC3339NanoFixed).
const dockerLayout = "2006-01-02T15:04:05.000000000Z07:00"

// shared is used across checks so that cache hits and misses are both
// exercised; appendTimestamp always misses.
var shared stamper

func checkTimestamp(t *testing.T, ns int64) {
	t.Helper()
	want := time.Unix(0, ns).UTC().Format(dockerLayout)
	if got := string(appendTimestamp(nil, ns)); got != want {
		t.Fatalf("appendTimestamp(%d) = %q, want %q", ns, got, want)
	}
	for _, n := range []int64{ns, ns + 1, ns - 1} {
		w := time.Unix(0, n).UTC().Format(dockerLayout)
		if got := string(shared.append(nil, n)); got != w {
			t.Fatalf("stamper.append(%d) = %q, want %q", n, got, w)
		}
	}
}

func TestTimestampEdges(t *testing.T) {
	dates := []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2000, 2, 29, 12, 0, 0, 1, time.UTC),   // leap year divisible by 400
		time.Date(2000, 3, 1, 0, 0, 0, 0, time.UTC),     //
		time.Date(1900, 2, 28, 23, 59, 59, 0, time.UTC), // 1900 is not a leap year
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),     //
		time.Date(2100, 2, 28, 0, 0, 0, 0, time.UTC),    // neither is 2100
		time.Date(2100, 3, 1, 0, 0, 0, 0, time.UTC),     //
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 21, 2, 22, 3, 589948920, time.UTC),
	}
	for _, d := range dates {
		checkTimestamp(t, d.UnixNano())
	}
	for _, ns := range []int64{0, 1, -1, 999999999, -999999999, -1e9, 1e9, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		checkTimestamp(t, ns)
	}
}

func TestTimestampRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		checkTimestamp(t, int64(r.Uint64()))
	}
	// Dense around day and year boundaries, where off-by-one errors live.
	for day := int64(-800_000); day < 800_000; day += 1 + r.Int64N(97) {
		checkTimestamp(t, day*86400e9)
		checkTimestamp(t, day*86400e9-1)
	}
}

func TestTimestampAppends(t *testing.T) {
	got := string(appendTimestamp([]byte("x "), 0))
	if want := "x 1970-01-01T00:00:00.000000000Z"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if n := testing.AllocsPerRun(100, func() {
		var buf [64]byte
		_ = appendTimestamp(buf[:0], 1_795_000_000_123_456_789)
	}); n != 0 {
		t.Fatalf("appendTimestamp allocates %v times", n)
	}
}

func BenchmarkTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.Run("uncached", func(b *testing.B) {
		for b.Loop() {
			buf = appendTimestamp(buf[:0], 1_795_000_000_123_456_789)
		}
	})
	b.Run("same second", func(b *testing.B) {
		var s stamper
		const second = int64(1_795_000_000_000_000_000)
		frac := int64(0)
		for b.Loop() {
			buf = s.append(buf[:0], second+frac)
			frac = (frac + 997) % 1e9
		}
	})
}
