package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

// report holds what a reliability check counted.
type report struct {
	shown, stored, lost, dup int
	containers, generations  int
	unterminated             int
	crashed, terminated      int           // generations ending in a crash / in SIGTERM
	firstLineLag             time.Duration // worst delay of a generation's first line
	// gaps counts removed containers whose last lines are missing and for
	// which devlogs said so: the daemon answered the read that followed
	// the container's death only after compose had removed it.
	gaps int
}

func (r report) String() string {
	return fmt.Sprintf("containers=%d generations=%d (ended by crash %d, by SIGTERM %d) shown=%d stored=%d lost=%d dup=%d unterminated-last-lines=%d worst-first-line-lag=%v reported-gaps=%d",
		r.containers, r.generations, r.crashed, r.terminated, r.shown, r.stored, r.lost, r.dup, r.unterminated, r.firstLineLag.Round(time.Millisecond), r.gaps)
}

// checkSeq compares what devlogs showed with the stored logs of the
// containers that still exist (exact, by timestamp and content) and, for
// containers removed meanwhile, with the generator's sequence numbers: each
// boot must run from seq 1 without a hole or a repeat, boots must run from 1
// without a hole, and the last boot must end with its unterminated line
// when the container was stopped or crashed. A removed container whose last
// line is missing counts as a reported gap, not a loss, when notices (the
// stderr of devlogs) say that this container was removed before its last
// lines could be read; its earlier lines must all be there.
func checkSeq(t *testing.T, out *testenv.Lines, existing []string, notices string) report {
	t.Helper()
	raw, times := out.All(), out.Times()
	var shown []testenv.Line
	var at []time.Time
	for i, s := range raw {
		if ls := testenv.ParseDevlogs([]string{s}); len(ls) == 1 {
			shown = append(shown, ls[0])
			at = append(at, times[i])
		}
	}
	var r report
	r.shown = len(shown)
	byHost := map[string][]testenv.Line{}
	for i, l := range shown {
		s, ok := testenv.ParseSeq(l.Msg)
		if !ok {
			t.Errorf("unexpected line: %q", l.Msg)
			continue
		}
		byHost[s.Host] = append(byHost[s.Host], l)
		if s.N == 1 {
			if ts, err := time.Parse(time.RFC3339Nano, l.TS); err == nil {
				r.firstLineLag = max(r.firstLineLag, at[i].Sub(ts))
			}
		}
	}
	r.containers = len(byHost)
	for _, id := range existing {
		stored := testenv.Stored(t, id)
		r.stored += len(stored)
		lost, dup := testenv.Compare(byHost[id[:12]], stored)
		r.lost += len(lost)
		r.dup += len(dup)
		for _, l := range lost[:min(len(lost), 5)] {
			t.Errorf("lost from %s: %s %s", id[:12], l.TS, l.Msg)
		}
		for _, l := range dup[:min(len(dup), 5)] {
			t.Errorf("duplicated from %s: %s %s", id[:12], l.TS, l.Msg)
		}
		delete(byHost, id[:12])
	}
	for host, lines := range byHost {
		checkRemoved(t, host, lines, &r, strings.Contains(notices, "container "+host+" was removed before its last lines could be read"))
	}
	r.generations += countBoots(shown)
	for _, l := range shown {
		switch {
		case strings.HasSuffix(l.Msg, " term-partial"):
			r.unterminated++
			r.terminated++
		case strings.HasSuffix(l.Msg, " unterminated"):
			r.unterminated++
			r.crashed++
		}
	}
	return r
}

// checkRemoved checks the lines of a container that no longer exists by
// their sequence numbers.
func checkRemoved(t *testing.T, host string, lines []testenv.Line, r *report, gapReported bool) {
	t.Helper()
	boots := map[int][]testenv.Seq{}
	for _, l := range lines {
		s, _ := testenv.ParseSeq(l.Msg)
		boots[s.Boot] = append(boots[s.Boot], s)
	}
	nums := make([]int, 0, len(boots))
	for b := range boots {
		nums = append(nums, b)
	}
	slices.Sort(nums)
	for i, b := range nums {
		if b != i+1 {
			t.Errorf("%s: boot %d missing (boots seen: %v)", host, i+1, nums)
			r.lost++
			break
		}
	}
	for _, b := range nums {
		seqs := boots[b]
		checkBoot(t, host, b, seqs, r)
		r.stored += len(seqs)
	}
	last := boots[nums[len(nums)-1]]
	end := slices.MaxFunc(last, func(a, b testenv.Seq) int { return a.N - b.N })
	switch {
	case end.Tail == "term-partial" || end.Tail == "unterminated":
	case gapReported:
		t.Logf("%s: removed before its last line could be read (seq %d is the last shown), and devlogs said so", host, end.N)
		r.gaps++
	default:
		t.Errorf("%s: the last boot does not end with its unterminated line (last: seq %d %q)", host, end.N, end.Tail)
		r.lost++
	}
}

// checkBoot checks one boot's lines: every seq from 1 to the highest once,
// and each stream in increasing order (stdout and stderr are copied by two
// goroutines of the daemon, so their relative order is not fixed).
func checkBoot(t *testing.T, host string, boot int, seqs []testenv.Seq, r *report) {
	t.Helper()
	count := map[int]int{}
	last := map[string]int{}
	top := 0
	for _, s := range seqs {
		count[s.N]++
		top = max(top, s.N)
		if s.N <= last[s.Stream] {
			t.Errorf("%s boot %d: %s seq %d after seq %d", host, boot, s.Stream, s.N, last[s.Stream])
		}
		last[s.Stream] = s.N
	}
	for n := 1; n <= top; n++ {
		switch c := count[n]; {
		case c == 0:
			t.Errorf("%s boot %d: seq %d missing", host, boot, n)
			r.lost++
		case c > 1:
			t.Errorf("%s boot %d: seq %d shown %d times", host, boot, n, c)
			r.dup += c - 1
		}
	}
}

func countBoots(lines []testenv.Line) int {
	seen := map[string]bool{}
	for _, l := range lines {
		if s, ok := testenv.ParseSeq(l.Msg); ok {
			seen[fmt.Sprintf("%s/%d", s.Host, s.Boot)] = true
		}
	}
	return len(seen)
}
