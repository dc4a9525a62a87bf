// Command testsum reads `go test -json` output on stdin, prints the output
// of failed tests and the log lines of passing ones (measured figures), and
// ends with a count of passed, failed and skipped tests per package. It
// exits 1 when any test or package failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type counts struct {
	pass, fail, skip int
	elapsed          float64
	failed           bool
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout))
}

func run(in io.Reader, out io.Writer) int {
	pkgs := map[string]*counts{}
	outputs := map[string][]string{}
	var recap []string // the failure messages, repeated at the end
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(out, sc.Text()) // build errors and other plain text
			continue
		}
		c := pkgs[e.Package]
		if c == nil {
			c = &counts{}
			pkgs[e.Package] = c
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			outputs[key] = append(outputs[key], e.Output)
			if e.Test != "" && isFigure(e.Output) {
				fmt.Fprint(out, "  "+strings.TrimSpace(e.Output)+"\n")
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				c.elapsed, c.failed = e.Elapsed, e.Action == "fail"
				if e.Action == "fail" {
					fmt.Fprint(out, strings.Join(outputs[key], ""))
				}
				continue
			}
			if strings.Contains(e.Test, "/") {
				// count top-level tests only, but show a failing subtest
				if e.Action == "fail" {
					fmt.Fprintf(out, "--- FAIL %s %s\n%s", e.Package, e.Test, strings.Join(outputs[key], ""))
				}
				delete(outputs, key)
				continue
			}
			switch e.Action {
			case "pass":
				c.pass++
			case "fail":
				c.fail++
				fmt.Fprintf(out, "--- FAIL %s %s\n%s", e.Package, e.Test, strings.Join(outputs[key], ""))
				recap = append(recap, failures(e.Test, outputs[key])...)
			case "skip":
				c.skip++
				fmt.Fprintf(out, "--- SKIP %s %s: %s", e.Package, e.Test, lastLine(outputs[key]))
			}
			delete(outputs, key)
		}
	}
	if len(recap) > 0 {
		// A failing test's output can be long (request logs, dumps); its
		// failure messages are repeated here, where a truncated log keeps them.
		fmt.Fprint(out, "\nfailures:\n"+strings.Join(recap, ""))
	}
	return summary(out, pkgs)
}

// failures picks a failed test's failure messages from its output: the
// lines the test logged (file.go:N: ...: its errors, assertions and
// figures), at most a dozen, each cut to 300 bytes.
func failures(test string, lines []string) []string {
	var msgs []string
	for _, l := range lines {
		s := strings.TrimSpace(l)
		_, rest, ok := strings.Cut(s, ".go:")
		if !ok || strings.HasPrefix(s, "---") || !strings.Contains(rest, ": ") {
			continue
		}
		if len(s) > 300 {
			s = s[:300] + "…"
		}
		if len(msgs) == 12 {
			msgs = append(msgs, "  "+test+": …\n")
			break
		}
		msgs = append(msgs, "  "+test+": "+s+"\n")
	}
	if len(msgs) == 0 {
		msgs = append(msgs, "  "+test+": "+lastLine(lines))
	}
	return msgs
}

// isFigure picks the t.Logf lines that report measured figures.
func isFigure(s string) bool {
	s = strings.TrimSpace(s)
	_, rest, ok := strings.Cut(s, ".go:")
	return ok && !strings.HasPrefix(s, "---") && !strings.Contains(rest, "assertion failed") && strings.Contains(rest, ": ") && strings.ContainsAny(rest, "=0123456789")
}

func lastLine(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		if s := strings.TrimSpace(lines[i]); s != "" && !strings.HasPrefix(s, "---") {
			return s + "\n"
		}
	}
	return "\n"
}

func summary(out io.Writer, pkgs map[string]*counts) int {
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	sort.Strings(names)
	var total counts
	code := 0
	fmt.Fprintf(out, "\n%-52s %6s %6s %6s %9s\n", "package", "passed", "failed", "skipped", "time")
	for _, n := range names {
		c := pkgs[n]
		if n == "" || c.pass+c.fail+c.skip == 0 && !c.failed {
			continue
		}
		status := ""
		if c.failed || c.fail > 0 {
			status, code = "  FAIL", 1
		}
		fmt.Fprintf(out, "%-52s %6d %6d %6d %9s%s\n", strings.TrimPrefix(n, "github.com/docker-devlogs/devlogs/"), c.pass, c.fail, c.skip,
			(time.Duration(c.elapsed * float64(time.Second))).Round(100*time.Millisecond), status)
		total.pass, total.fail, total.skip = total.pass+c.pass, total.fail+c.fail, total.skip+c.skip
	}
	fmt.Fprintf(out, "%-52s %6d %6d %6d\n", "total", total.pass, total.fail, total.skip)
	return code
}
