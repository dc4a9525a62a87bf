package stream

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseTSMatchesTimeParse(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		want := time.Unix(r.Int64N(8e9)-2e9, r.Int64N(1e9)).UTC()
		s := want.Format("2006-01-02T15:04:05.000000000Z")
		got, ok := parseTS([]byte(s))
		if !ok || got != want.UnixNano() {
			t.Fatalf("parseTS(%q) = %d, %v; want %d", s, got, ok, want.UnixNano())
		}
	}
}

func TestParseTSAcceptsOtherRFC3339Forms(t *testing.T) {
	for _, s := range []string{"2026-11-21T01:49:48.66261079Z", "2026-11-21T02:49:48.66261079+01:00"} {
		got, ok := parseTS([]byte(s))
		want := time.Date(2026, 11, 21, 1, 49, 48, 662610790, time.UTC).UnixNano()
		if !ok || got != want {
			t.Errorf("parseTS(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
}

func TestParseTSRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "garbage", "2026-13-21T01:49:48.662610790Z", "2026-11-21T01:49:48.66261079xZ", "2026-11-21 01:49:48.662610790Z"} {
		if _, ok := parseTS([]byte(s)); ok {
			t.Errorf("parseTS(%q) accepted", s)
		}
	}
}

func TestSinceArgIsSecondsDotNanos(t *testing.T) {
	for ns, want := range map[int64]string{
		1763689788662610790: "1763689788.662610790",
		1e9:                 "1.000000000",
		5:                   "0.000000005",
	} {
		if got := sinceArg(ns); got != want {
			t.Errorf("sinceArg(%d) = %q; want %q", ns, got, want)
		}
	}
}

func BenchmarkParseTS(b *testing.B) {
	s := []byte("2026-11-21T01:49:48.662610790Z")
	for b.Loop() {
		parseTS(s)
	}
}
