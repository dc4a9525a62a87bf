package e2e

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
)

// sizes crosses every interesting distance from the daemon's 16 KiB chunks,
// up to one byte under the default 1 MiB line cap.
var sizes = []int{100, 16383, 16384, 16385, 32767, 32768, 32769, 49152, 65537, 100000, 1048575}

func sizesList() string {
	s := make([]string, len(sizes))
	for i, n := range sizes {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

var headPattern = regexp.MustCompile(`^(host=\S+ boot=\d+ seq=\d+ stream=(?:out|err) len=(\d+) )`)

// TestLongLinesAreRejoinedByteExact is scenario R3: lines around and across
// 16 KiB boundaries with multibyte runes on every boundary, on stdout and
// stderr, with the local driver (byte-identical) and json-file (identical
// but for the U+FFFD the daemon itself writes where it split a rune).
func TestLongLinesAreRejoinedByteExact(t *testing.T) {
	pl := setup(t)
	svc := func(name, driver string) string {
		return testenv.Service(name, []string{"-mode", "sizes", "-sizes", sizesList(), "-stderr-every", "2"},
			"logging:", "  driver: "+driver)
	}
	p := testenv.NewProject(t, t.Name(), "services:\n"+svc("local", "local")+svc("jsonfile", "json-file"))
	p.Compose("up", "-d")
	waitExited(t, p, "local", 1)
	waitExited(t, p, "jsonfile", 1)

	for _, name := range []string{"local", "jsonfile"} {
		args := append(p.Args(), "--no-follow", "--no-log-prefix", name)
		if name == "jsonfile" {
			// json-file writes up to 3 bytes of U+FFFD per split rune, which
			// takes a 1048575-byte line over the default 1 MiB cap.
			args = append(args, "--max-line-bytes", "1100000")
		}
		out, stderr, code := runDevlogs(t, pl, args...)
		assert.Equal(t, code, 0, stderr)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		assert.Equal(t, len(lines), len(sizes), "%s: line count", name)
		exact := 0
		for _, got := range lines {
			m := headPattern.FindStringSubmatch(got)
			assert.Assert(t, m != nil, "%s: unexpected line start %.80q", name, got)
			n, _ := strconv.Atoi(m[2])
			want := string(testenv.PatternLine(m[1], n))
			assert.Check(t, !regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z`).MatchString(got[len(m[1]):]),
				"%s: a timestamp inside a %d-byte line", name, n)
			if got == want {
				exact++
				continue
			}
			assert.Check(t, name == "jsonfile", "local driver: %d-byte line differs", n)
			assert.Check(t, strings.ReplaceAll(got, "\uFFFD", "") == withoutSplitRunes(want),
				"json-file: %d-byte line differs beyond the daemon's U+FFFD", n)
		}
		t.Logf("R3 %s: %d lines, %d byte-identical", name, len(lines), exact)
		if name == "local" {
			assert.Equal(t, exact, len(sizes))
		}
	}
}

// withoutSplitRunes drops the runes of s that straddle a 16 KiB boundary:
// json-file stores each half as invalid UTF-8, shown as U+FFFD.
func withoutSplitRunes(s string) string {
	var b strings.Builder
	for i, r := range s {
		w := utf8.RuneLen(r)
		if w > 1 && i/16384 != (i+w-1)/16384 {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestHugeLineIsCutWithBoundedMemory is scenario R4: 256 MiB without a
// newline, then normal lines. The line is cut at the 1 MiB cap with a
// marker saying how much was dropped, the following lines all arrive, and
// devlogs' peak RSS stays within 16 MiB of a run over a small log.
func TestHugeLineIsCutWithBoundedMemory(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+
		// The daemon here rotates logs at 10 MB: keep the whole line.
		testenv.Service("big", []string{"-mode", "bigline", "-size", strconv.Itoa(256 << 20), "-lines", "5", "-hold"},
			"logging:", "  driver: json-file", "  options:", "    max-size: 600m")+
		testenv.Service("small", []string{"-lines", "5", "-hold"}))
	p.Compose("up", "-d")

	peak := func(service, wait string) (int64, []string) {
		args := append(p.Args(), "--tail", "all", service)
		if os.Getenv("DEVLOGS_DEBUG") == "1" {
			args = append([]string{"-D"}, args...)
		}
		d := testenv.Start(t, nil, pl.Binary, args...)
		t.Cleanup(func() {
			if t.Failed() {
				saveOutput(t, d)
			}
		})
		ok := d.Out.WaitContains(5*time.Minute, wait)
		hwm := peakRSS(t, d.Pid())
		assert.Equal(t, d.Interrupt(10*time.Second), 0)
		assert.Assert(t, ok, "%s: %q never showed; stderr: %s", service, wait, d.Err.String())
		return hwm, d.Out.All()
	}
	base, _ := peak("small", "seq=5 ")
	big, lines := peak("big", "seq=5 ")
	t.Logf("R4 peak RSS: small log %d KiB, 256 MiB line %d KiB (+%d KiB)", base>>10, big>>10, (big-base)>>10)
	assert.Assert(t, big-base <= 16<<20, "peak RSS grew by %d KiB", (big-base)>>10)

	assert.Equal(t, len(lines), 6)
	first := lines[0]
	assert.Assert(t, strings.HasSuffix(first, " [… 255.0 MiB cut]"), "marker: %q", first[max(0, len(first)-40):])
	assert.Equal(t, strings.Count(strings.TrimSuffix(first, " [… 255.0 MiB cut]"), "B"), 1<<20)
	for i, l := range lines[1:] {
		assert.Assert(t, strings.Contains(l, "seq="+strconv.Itoa(i+1)+" "), "line %d: %q", i+2, l)
	}
}

// peakRSS reads a process's peak resident set size.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b := testenv.Run(t, nil, "cat", "/proc/"+strconv.Itoa(pid)+"/status")
	for _, l := range strings.Split(b, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM for %d", pid)
	return 0
}

// TestInvalidBytesAreShownAsValidUTF8 is scenario R5: 10,000 lines of
// random bytes (NUL, overlong forms, surrogates, truncated sequences, bytes
// above U+10FFFF): every line arrives once and the output is valid UTF-8
// without control characters.
func TestInvalidBytesAreShownAsValidUTF8(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("noise", []string{"-mode", "invalid", "-lines", "10000"}))
	p.Compose("up", "-d")
	waitExited(t, p, "noise", 1)
	out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow")...)
	assert.Equal(t, code, 0, stderr)
	assert.Assert(t, utf8.ValidString(out), "output is not valid UTF-8")
	seen := map[int]int{}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		_, msg, _ := strings.Cut(l, " | ")
		n, _ := strconv.Atoi(strings.Fields(strings.TrimPrefix(msg, "seq="))[0])
		seen[n]++
		assert.Check(t, !bytes.ContainsFunc([]byte(msg), func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }),
			"control character in %q", msg)
	}
	for n := 1; n <= 10000; n++ {
		assert.Check(t, seen[n] == 1, "seq %d shown %d times", n, seen[n])
	}
	t.Logf("R5: %d distinct lines of 10000 shown, output valid UTF-8", len(seen))
}

// TestTTYAndCarriageReturns is scenario R8: a TTY container printing
// carriage-return progress bars and stderr, beside the same program without
// a TTY: no demultiplexing error, no raw CR reaching the terminal, every
// line present.
func TestTTYAndCarriageReturns(t *testing.T) {
	pl := setup(t)
	args := []string{"-mode", "progress", "-lines", "20"}
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("tty", args, "tty: true")+testenv.Service("plain", args))
	p.Compose("up", "-d")
	waitExited(t, p, "tty", 1)
	waitExited(t, p, "plain", 1)
	out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow")...)
	assert.Equal(t, code, 0, stderr)
	assert.Check(t, !strings.Contains(out, "\r"), "a raw CR reached the output")
	for _, svc := range []string{"tty-1", "plain-1"} {
		var progress, done int
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasPrefix(l, svc+" ") {
				continue
			}
			if strings.Contains(l, `\rseq=`) && strings.HasSuffix(l, "downloading 100%") {
				progress++
			}
			if strings.HasSuffix(l, "stream=err done") {
				done++
			}
		}
		assert.Check(t, progress == 20 && done == 20, "%s: %d progress lines, %d stderr lines (want 20 and 20)", svc, progress, done)
	}
}
