package testenv

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a running command whose output is captured line by line with the
// time each line arrived.
type Proc struct {
	cmd    *exec.Cmd
	Out    *Lines
	Err    *Lines
	done   chan struct{}
	status error
}

// Start runs name with args; the process is killed when the test ends.
func Start(tb TB, env []string, name string, args ...string) *Proc {
	tb.Helper()
	return StartIn(tb, "", env, name, args...)
}

// StartIn is Start with a working directory (the test's own when empty).
func StartIn(tb TB, dir string, env []string, name string, args ...string) *Proc {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	p := &Proc{cmd: cmd, Out: newLines(), Err: newLines(), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.Out, p.Err
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.status = cmd.Wait()
		close(p.done)
	}()
	tb.Cleanup(func() { p.Kill() })
	return p
}

// Pid returns the process ID.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Wait waits for the process to exit and returns its exit code (-1 when it
// did not exit within timeout).
func (p *Proc) Wait(timeout time.Duration) int {
	select {
	case <-p.done:
	case <-time.After(timeout):
		return -1
	}
	return ExitCode(p.status)
}

// ExitCode is the exit code a finished exec.Cmd's Wait error stands for:
// 0 for nil, the process's code for an exit error, -1 otherwise.
func ExitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// Interrupt sends SIGINT, as Ctrl-C does, and returns the exit code.
func (p *Proc) Interrupt(timeout time.Duration) int {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	return p.Wait(timeout)
}

// Kill ends the process at once.
func (p *Proc) Kill() {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Lines collects written bytes as lines, each with its arrival time.
type Lines struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	times   []time.Time
	changed chan struct{}
}

func newLines() *Lines { return &Lines{changed: make(chan struct{})} }

// NewLines returns Lines holding text (each line stamped now).
func NewLines(text string) *Lines {
	l := newLines()
	_, _ = l.Write([]byte(text))
	return l
}

func (l *Lines) Write(b []byte) (int, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, b...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.lines = append(l.lines, string(l.partial[:i]))
		l.times = append(l.times, now)
		l.partial = l.partial[i+1:]
	}
	close(l.changed)
	l.changed = make(chan struct{})
	return len(b), nil
}

// All returns the complete lines so far.
func (l *Lines) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Times returns the arrival time of every complete line so far.
func (l *Lines) Times() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.times...)
}

// String returns everything written, partial last line included.
func (l *Lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n") + "\n" + string(l.partial)
}

// WaitFor waits until cond holds for the lines so far, or timeout; it
// reports whether cond held.
func (l *Lines) WaitFor(timeout time.Duration, cond func(lines []string) bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		ok := cond(l.lines)
		ch := l.changed
		l.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

// WaitContains waits for a line containing s.
func (l *Lines) WaitContains(timeout time.Duration, s string) bool {
	return l.WaitFor(timeout, func(lines []string) bool {
		for _, x := range lines {
			if strings.Contains(x, s) {
				return true
			}
		}
		return false
	})
}
