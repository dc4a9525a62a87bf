// Command compare times, on one Compose project holding 1M log lines, in
// the same run and alternating:
//
//   - devlogs --no-follow, rendering the merged history to a pipe;
//   - docker compose logs --no-color, to a pipe;
//   - rawreader, the fastest Engine API client (bytes copied, no decoding);
//   - devlogs --no-follow --color always: colors and structured rendering on;
//
// and prints the medians and the ratios devlogs/raw, compose/devlogs and
// colored/plain devlogs. Beside each tool's own CPU time it prints the
// local dockerd's CPU time and how busy the machine's CPUs were during its
// runs: a tool that makes the daemon work harder, or a machine with no idle
// CPU left, shows there.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

func main() {
	lines := flag.Int("lines", 1_000_000, "lines in the project, over all services")
	services := flag.Int("services", 4, "services in the project")
	runs := flag.Int("runs", 5, "timed runs of each tool")
	keep := flag.Bool("keep", false, "keep the project afterwards")
	flag.Parse()
	if err := run(*lines, *services, *runs, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type tool struct {
	name   string
	argv   []string
	lines  int // lines of output expected (0: not checked)
	wall   []time.Duration
	cpu    []time.Duration
	daemon []time.Duration // dockerd's CPU during the run (local daemon only)
	busy   []float64       // share of the machine's CPUs busy during the run
}

func run(lines, services, runs int, keep bool) error {
	if err := testenv.EnsureCompose(); err != nil {
		return err
	}
	if err := testenv.BuildImage(testenv.LoggenImage); err != nil {
		return err
	}
	bin, err := os.MkdirTemp("", "devlogs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(bin)
	for _, pkg := range []string{"./cmd/docker-devlogs", "./bench/rawreader"} {
		if err := build(pkg, filepath.Join(bin, filepath.Base(pkg))); err != nil {
			return err
		}
	}
	// Both plugins run through the docker CLI, from one private config
	// directory: the same start-up path for devlogs and compose.
	cfg, err := pluginConfig(bin)
	if err != nil {
		return err
	}
	env := []string{"DOCKER_CONFIG=" + cfg}
	project, err := makeProject(bin, lines, services)
	if !keep {
		defer testenv.Output(nil, "docker", "compose", "-p", project, "down", "-t", "0")
	}
	if err != nil {
		return err
	}
	tools := []*tool{
		{name: "docker devlogs --no-follow", argv: []string{"docker", "devlogs", "-p", project, "--no-follow", "--no-color"}, lines: lines},
		{name: "docker compose logs --no-color", argv: []string{"docker", "compose", "-p", project, "logs", "--no-color"}, lines: lines},
		{name: "rawreader (Engine API floor)", argv: []string{filepath.Join(bin, "rawreader"), project}},
		// The same with colors and structured rendering on, as in a
		// terminal (levels are detected in both).
		{name: "docker devlogs --color always", argv: []string{"docker", "devlogs", "-p", project, "--no-follow", "--color", "always"}, lines: lines},
	}
	fmt.Printf("project %s: %d services, %d lines; %d runs of each tool, alternating\n", project, services, lines, runs)
	for i := 0; i < runs+1; i++ {
		for j := range tools {
			t := tools[(i+j)%len(tools)]
			before := sampleCPU()
			wall, cpu, n, err := timeOne(bin, env, t.argv)
			after := sampleCPU()
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			if t.lines > 0 && n != t.lines {
				return fmt.Errorf("%s printed %d lines, want %d", t.name, n, t.lines)
			}
			if i == 0 {
				continue // warm-up: the daemon's page cache, the binaries
			}
			t.wall, t.cpu = append(t.wall, wall), append(t.cpu, cpu)
			t.daemon, t.busy = append(t.daemon, after.daemon-before.daemon), append(t.busy, after.busyShare(before))
		}
	}
	report(tools)
	return nil
}

// pluginConfig makes a Docker config directory whose CLI plugins are the
// devlogs just built and the compose plugin the docker CLI uses.
func pluginConfig(bin string) (string, error) {
	cfg := filepath.Join(bin, "docker-config")
	plugins := filepath.Join(cfg, "cli-plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(bin, "docker-devlogs"), filepath.Join(plugins, "docker-devlogs")); err != nil {
		return "", err
	}
	out, err := testenv.Output(nil, "docker", "info", "--format", `{{range .ClientInfo.Plugins}}{{if eq .Name "compose"}}{{.Path}}{{end}}{{end}}`)
	if err != nil || strings.TrimSpace(out) == "" {
		return "", fmt.Errorf("find the compose plugin: %v %s", err, out)
	}
	return cfg, os.Symlink(strings.TrimSpace(out), filepath.Join(plugins, "docker-compose"))
}

func build(pkg, out string) error {
	root, err := testenv.Root()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir, cmd.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// makeProject starts services that write their lines as fast as they can,
// and waits until they have all exited.
func makeProject(dir string, lines, services int) (string, error) {
	var b [3]byte
	_, _ = rand.Read(b[:])
	name := "devlogs-bench-" + hex.EncodeToString(b[:])
	var yaml strings.Builder
	yaml.WriteString("services:\n")
	per := lines / services
	for i := 0; i < services; i++ {
		n := per
		if i == services-1 {
			n = lines - per*(services-1)
		}
		yaml.WriteString(testenv.Service(fmt.Sprintf("svc%d", i+1), []string{"-lines", strconv.Itoa(n), "-stderr-every", "10", "-size", "100"},
			"logging:", "  driver: json-file", "  options:", "    max-size: 1g"))
	}
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(yaml.String()), 0o644); err != nil {
		return name, err
	}
	if out, err := testenv.Output(nil, "docker", "compose", "-p", name, "-f", file, "up", "-d"); err != nil {
		return name, fmt.Errorf("compose up: %v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		out, _ := testenv.Output(nil, "docker", "ps", "-q", "--filter", "label=com.docker.compose.project="+name, "--filter", "status=running")
		if strings.TrimSpace(out) == "" {
			return name, nil
		}
		<-time.After(time.Second)
	}
	return name, fmt.Errorf("the generators did not finish within 10 minutes")
}

// timeOne runs argv with stdout to a pipe drained here (counting lines),
// in an empty directory so no compose file is found.
func timeOne(dir string, env, argv []string) (wall, cpu time.Duration, lines int, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	lines, err = countLines(pipe)
	if werr := cmd.Wait(); werr != nil {
		return 0, 0, 0, fmt.Errorf("%v: %s", werr, stderr.String())
	}
	wall = time.Since(start)
	cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime() // children included once waited for
	return wall, cpu, lines, err
}

func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 256<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(fs []float64) float64 {
	s := slices.Clone(fs)
	slices.Sort(s)
	return s[len(s)/2]
}

func report(tools []*tool) {
	fmt.Printf("\n%-32s %10s %10s %10s %12s %12s %9s\n", "tool", "median", "min", "max", "median CPU", "dockerd CPU", "CPUs busy")
	for _, t := range tools {
		fmt.Printf("%-32s %10s %10s %10s %12s %12s %8.0f%%\n", t.name, median(t.wall).Round(time.Millisecond),
			slices.Min(t.wall).Round(time.Millisecond), slices.Max(t.wall).Round(time.Millisecond), median(t.cpu).Round(time.Millisecond),
			median(t.daemon).Round(time.Millisecond), 100*medianF(t.busy))
	}
	dl, dc, raw := median(tools[0].wall), median(tools[1].wall), median(tools[2].wall)
	fmt.Printf("\ndevlogs / raw Engine API reader: %.3f× wall (target ≤ 1.05)\n", float64(dl)/float64(raw))
	fmt.Printf("docker compose logs / devlogs:   %.2f× wall (target ≥ 1.2: devlogs that much faster)\n", float64(dc)/float64(dl))
	fmt.Printf("devlogs colored / devlogs plain: %.3f× wall (target ≤ 1.05)\n", float64(median(tools[3].wall))/float64(dl))
}
