package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"github.com/docker-devlogs/devlogs/stream"
	"gotest.tools/v3/assert"
)

// TestSlowReaderLosesNothing is scenario R11 for the terminal: a container
// writes 5,000 lines/s (every seventh on stderr) while devlogs' stdout is a
// pipe read 10 bytes every 50 ms, far slower than the log grows, for 120 s
// (14 s in CI); then the pipe is read at full speed while the container
// writes for 40 s more (6 s in CI), and until everything is shown.
//
// devlogs cannot show lines faster than its output takes them, so it must
// fall behind without losing anything: it holds a bounded amount (the
// daemon keeps the rest in the log file, which does not rotate here) and
// says on stderr that it reads the log late ("reading Xs behind the log"),
// then, once the reader is fast again and the backlog is shown, that it has
// caught up. Pass: every stored line shown exactly once, both notices, in
// that order, and the resident memory of the devlogs process (VmRSS,
// sampled every 250 ms while the reader is slow) under maxSlowRSS.
//
// The lag is measured when devlogs hands a batch on, and its notices wait
// behind the lines already queued for the terminal: with a stalled output
// the warning comes out when the output moves again (the figures say when).
func TestSlowReaderLosesNothing(t *testing.T) {
	pl := setup(t)
	const rate = 5000
	const maxSlowRSS = 100 << 20
	slowFor := time.Duration(scale(14, 120)) * time.Second
	fastFor := time.Duration(scale(6, 40)) * time.Second
	total := slowFor + fastFor
	lines := rate * int(total/time.Second)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("gen",
		[]string{"-lines", itoa(lines), "-rate", itoa(rate), "-stderr-every", "7"},
		"logging:", "  driver: json-file", "  options:", "    max-size: 1g"))
	d := startSlowReader(t, pl, append(p.Args(), "-t")...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"))
	pid := d.pluginPid(t)
	p.Compose("up", "-d")
	ids := p.Containers("gen")
	assert.Equal(t, len(ids), 1)
	started := time.Now()

	// The slow phase, sampling the memory of the devlogs process.
	var rss, hwm int64
	sample, end := time.NewTicker(250*time.Millisecond), time.After(slowFor)
	for slow := true; slow; {
		select {
		case <-sample.C:
			if m, ok := procMemory(pid); ok {
				rss, hwm = max(rss, m.rss), max(hwm, m.hwm)
			}
		case <-end:
			slow = false
		}
	}
	sample.Stop()
	slowBytes, slowLines := d.readSoFar(), len(d.Out.All())
	d.readFast()
	fastAt := time.Now()

	waitFor(t, total+60*time.Second, "the generator to finish", func() bool { return allExited(t, ids) })
	stored := testenv.Stored(t, ids[0])
	last := stored[len(stored)-1]
	ok := waitNewLine(d.Out, 2*time.Minute, last.TS+" "+last.Msg)
	var shownAll time.Time // when the last line arrived
	if outLines, outTimes := d.Out.All(), d.Out.Times(); ok {
		for i := len(outLines) - 1; i >= 0; i-- {
			if strings.Contains(outLines[i], last.TS+" "+last.Msg) {
				shownAll = outTimes[i]
				break
			}
		}
	}
	final, _ := procMemory(pid)
	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	assert.Assert(t, ok, "the last stored line never showed: %s %s", last.TS, last.Msg)

	r := checkSeq(t, d.Out, ids, d.Err.String())
	var warned, caughtUp time.Time
	warning := ""
	errLines, errTimes := d.Err.All(), d.Err.Times()
	for i, l := range errLines {
		switch {
		case warned.IsZero() && strings.Contains(l, "behind the log"):
			warned, warning = errTimes[i], l
		case !warned.IsZero() && caughtUp.IsZero() && strings.Contains(l, "caught up with the log"):
			caughtUp = errTimes[i]
		}
	}
	since := func(at time.Time) string {
		if at.IsZero() {
			return "never"
		}
		return at.Sub(started).Round(100 * time.Millisecond).String()
	}
	t.Logf("R11 rate=%d/s for %v, stdout read 10 B every 50 ms for %v (%d B, %d lines), then at full speed: lost=%d dup=%d stored=%d shown=%d; lag warning at %s (%q), caught up at %s, full speed from %s, last line shown at %s; devlogs VmRSS max %.1f MiB while slow (VmHWM %.1f MiB; at the end VmRSS %.1f MiB, VmHWM %.1f MiB)",
		rate, total, slowFor, slowBytes, slowLines, r.lost, r.dup, r.stored, r.shown,
		since(warned), strings.TrimSpace(warning), since(caughtUp), since(fastAt), since(shownAll),
		mib(rss), mib(hwm), mib(final.rss), mib(final.hwm))
	assert.Equal(t, r.lost, 0)
	assert.Equal(t, r.dup, 0)
	assert.Equal(t, r.stored, lines)
	// The reader fell far more than LagWarning behind: it read a few
	// lines a second of thousands.
	assert.Assert(t, slowLines < lines/10, "the slow reader took %d of %d lines", slowLines, lines)
	assert.Assert(t, !warned.IsZero(), "no lag warning (more than %v behind) on stderr:\n%s", stream.LagWarning, d.Err.String())
	assert.Assert(t, !caughtUp.IsZero(), "no notice that devlogs caught up after the lag warning:\n%s", d.Err.String())
	assert.Assert(t, rss > 0, "the memory of the devlogs process (pid %d) was never read", pid)
	assert.Assert(t, rss < maxSlowRSS, "devlogs VmRSS reached %.1f MiB while its output was slow", mib(rss))
}

// waitNewLine waits for a line containing s, looking at each line once
// (Lines.WaitContains looks at them all on every write, which is slow with
// hundreds of thousands of lines).
func waitNewLine(out *testenv.Lines, timeout time.Duration, s string) bool {
	next := 0
	return out.WaitFor(timeout, func(lines []string) bool {
		for ; next < len(lines); next++ {
			if strings.Contains(lines[next], s) {
				return true
			}
		}
		return false
	})
}

// slowReader is devlogs with its stdout on a pipe that the test reads: 10
// bytes every 50 ms until readFast, at full speed from then on. What was
// read is in Out (lines stamped when read), stderr in Err.
type slowReader struct {
	cmd      *exec.Cmd
	Out, Err *testenv.Lines
	fast     chan struct{}
	mu       sync.Mutex
	read     int64 // bytes read from the pipe so far
	done     chan struct{}
	status   error
}

// startSlowReader starts `docker devlogs args...` with its stdout on a pipe
// read slowly; the process is killed when the test ends.
func startSlowReader(t *testing.T, pl *testenv.Plugin, args ...string) *slowReader {
	t.Helper()
	cmd := []string{"devlogs"}
	if os.Getenv("DEVLOGS_DEBUG") == "1" {
		cmd = []string{"-D", "devlogs"}
	}
	r, w, err := os.Pipe()
	assert.NilError(t, err)
	s := &slowReader{
		cmd: exec.Command("docker", append(cmd, args...)...),
		Out: testenv.NewLines(""), Err: testenv.NewLines(""),
		fast: make(chan struct{}), done: make(chan struct{}),
	}
	s.cmd.Env = append(append(os.Environ(), pl.Env()...), "FORCE_COLOR=", "NO_COLOR=")
	s.cmd.Stdout, s.cmd.Stderr = w, s.Err
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start docker devlogs: %v", err)
	}
	w.Close() // the child holds the write end
	read := make(chan struct{})
	go func() {
		defer close(read)
		s.pump(r)
	}()
	go func() {
		<-read
		r.Close()
		s.status = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.readFast()
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			dir, err := os.MkdirTemp("", "devlogs-e2e-failed-")
			if err == nil {
				_ = os.WriteFile(filepath.Join(dir, "stdout"), []byte(s.Out.String()), 0o644)
				_ = os.WriteFile(filepath.Join(dir, "stderr"), []byte(s.Err.String()), 0o644)
				t.Logf("devlogs output kept in %s", dir)
			}
		}
	})
	return s
}

// pump reads the pipe until it ends: slowly, then at full speed.
func (s *slowReader) pump(r io.Reader) {
	buf := make([]byte, 64<<10)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	take := func(n int) {
		s.mu.Lock()
		s.read += int64(n)
		s.mu.Unlock()
		_, _ = s.Out.Write(buf[:n])
	}
	for slow := true; slow; {
		select {
		case <-s.fast:
			slow = false
		case <-tick.C:
			n, err := r.Read(buf[:10])
			take(n)
			if err != nil {
				return
			}
		}
	}
	for {
		n, err := r.Read(buf)
		take(n)
		if err != nil {
			return
		}
	}
}

// readFast switches the reader to full speed.
func (s *slowReader) readFast() {
	select {
	case <-s.fast:
	default:
		close(s.fast)
	}
}

// readSoFar returns the bytes read from the pipe so far.
func (s *slowReader) readSoFar() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read
}

// Interrupt sends SIGINT, as Ctrl-C does, and returns the exit code (-1
// when the process did not exit within timeout).
func (s *slowReader) Interrupt(timeout time.Duration) int {
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(timeout):
		return -1
	}
	return testenv.ExitCode(s.status)
}

// pluginPid returns the process ID of the docker-devlogs plugin the docker
// CLI started.
func (s *slowReader) pluginPid(t *testing.T) int {
	t.Helper()
	parent := s.cmd.Process.Pid
	pid := 0
	waitFor(t, 30*time.Second, "the devlogs plugin process", func() bool {
		pid = childNamed(parent, "docker-devlogs")
		return pid > 0
	})
	return pid
}

// childNamed returns a child of parent whose command name is name, or 0.
func childNamed(parent int, name string) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", parent))
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, field := range strings.Fields(string(b)) {
			pid, err := strconv.Atoi(field)
			if err != nil {
				continue
			}
			if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == name {
				return pid
			}
		}
	}
	return 0
}

// memory is what /proc/<pid>/status says about a process's resident memory,
// in bytes: now (VmRSS) and at its peak (VmHWM).
type memory struct{ rss, hwm int64 }

// procMemory reads the resident memory of a running process.
func procMemory(pid int) (memory, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, false
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(val) // "12345 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			m.rss = kb << 10
		case "VmHWM":
			m.hwm = kb << 10
		}
	}
	return m, m.rss > 0
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
