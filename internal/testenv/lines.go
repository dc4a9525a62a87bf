package testenv

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Line is one log line as shown or stored: the devlogs prefix name (empty
// for stored lines), the daemon timestamp and the message.
type Line struct {
	Name string
	TS   string
	Msg  string
}

// Key identifies a line by timestamp and content.
func (l Line) Key() string { return l.TS + " " + l.Msg }

var tsPattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z `)

// ParseDevlogs parses lines printed by `devlogs -t` without color:
// "name | <timestamp> <message>". Lines of another shape are skipped.
func ParseDevlogs(lines []string) []Line {
	var out []Line
	for _, s := range lines {
		name, rest, ok := strings.Cut(s, " | ")
		if !ok || len(rest) < 31 || !tsPattern.MatchString(rest[:31]) {
			continue
		}
		out = append(out, Line{Name: strings.TrimSpace(name), TS: rest[:30], Msg: rest[31:]})
	}
	return out
}

// Stored returns a container's stored log as `docker logs -t` prints it,
// split into messages. A message without a newline (a program that exited
// mid-line) is glued by the CLI to the next message's timestamp; the split
// happens at every timestamp.
func Stored(tb TB, id string) []Line {
	tb.Helper()
	out, err := exec.Command("docker", "logs", "-t", id).CombinedOutput()
	if err != nil {
		tb.Fatalf("docker logs %s: %v\n%s", id, err, out)
	}
	raw := string(out)
	idx := tsPattern.FindAllStringIndex(raw, -1)
	lines := make([]Line, 0, len(idx))
	for i, m := range idx {
		end := len(raw)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		msg := strings.TrimSuffix(raw[m[1]:end], "\n")
		lines = append(lines, Line{TS: raw[m[0] : m[1]-1], Msg: msg})
	}
	return lines
}

// Compare returns the stored lines missing from shown, and the lines shown
// more often than stored.
func Compare(shown, stored []Line) (lost, dup []Line) {
	count := map[string]int{}
	for _, l := range shown {
		count[l.Key()]++
	}
	want := map[string]int{}
	for _, l := range stored {
		want[l.Key()]++
		if want[l.Key()] > count[l.Key()] {
			lost = append(lost, l)
		}
	}
	seen := map[string]int{}
	for _, l := range shown {
		seen[l.Key()]++
		if seen[l.Key()] > max(want[l.Key()], 1) {
			dup = append(dup, l)
		}
	}
	return lost, dup
}

// Seq is what a loggen seq line says about itself.
type Seq struct {
	Host   string
	Boot   int
	N      int
	Stream string
	Tail   string // what follows the stream field ("term-partial", "unterminated", padding)
}

var seqPattern = regexp.MustCompile(`host=(\S+) boot=(\d+) seq=(\d+) stream=(out|err)(?: (.*))?$`)

// ParseSeq reads a loggen seq message.
func ParseSeq(msg string) (Seq, bool) {
	m := seqPattern.FindStringSubmatch(msg)
	if m == nil {
		return Seq{}, false
	}
	boot, _ := strconv.Atoi(m[2])
	n, _ := strconv.Atoi(m[3])
	return Seq{Host: m[1], Boot: boot, N: n, Stream: m[4], Tail: m[5]}, true
}
