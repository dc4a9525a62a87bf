package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Project is a Compose project with a unique name, removed (containers,
// networks, volumes) when the test ends.
type Project struct {
	Name string
	Dir  string
	File string
	tb   TB
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// NewProject writes composeYAML into a fresh directory and registers its
// removal. The name is derived from hint plus a random suffix, so tests and
// runs never collide.
func NewProject(tb TB, hint, composeYAML string) *Project {
	tb.Helper()
	var b [3]byte
	_, _ = rand.Read(b[:])
	hint = strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(hint), "-"), "-")
	if len(hint) > 30 {
		hint = hint[:30]
	}
	p := &Project{Name: "devlogs-e2e-" + hint + "-" + hex.EncodeToString(b[:]), Dir: tb.TempDir(), tb: tb}
	p.File = filepath.Join(p.Dir, "compose.yaml")
	if err := os.WriteFile(p.File, []byte(composeYAML), 0o644); err != nil {
		tb.Fatalf("write compose file: %v", err)
	}
	tb.Cleanup(p.Remove)
	return p
}

// Args returns the compose flags that select this project.
func (p *Project) Args() []string { return []string{"-p", p.Name, "-f", p.File} }

// Compose runs `docker compose` on the project and fails the test on error.
func (p *Project) Compose(args ...string) string {
	p.tb.Helper()
	return Run(p.tb, nil, "docker", append(append([]string{"compose"}, p.Args()...), args...)...)
}

// Containers returns the IDs of the project's containers, optionally of one
// service, including stopped ones.
func (p *Project) Containers(service string) []string {
	p.tb.Helper()
	args := []string{"ps", "-a", "-q", "--no-trunc", "--filter", "label=com.docker.compose.project=" + p.Name}
	if service != "" {
		args = append(args, "--filter", "label=com.docker.compose.service="+service)
	}
	return strings.Fields(Run(p.tb, nil, "docker", args...))
}

// Remove deletes everything the project created.
func (p *Project) Remove() {
	_, _ = Output(nil, "docker", append(append([]string{"compose"}, p.Args()...), "down", "-v", "--remove-orphans", "-t", "0")...)
	if ids := strings.Fields(mustOutput("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project="+p.Name)); len(ids) > 0 {
		_, _ = Output(nil, "docker", append([]string{"rm", "-f", "-v"}, ids...)...)
	}
}

func mustOutput(name string, args ...string) string {
	out, _ := Output(nil, name, args...)
	return out
}

// Service is the compose YAML of a loggen service with the given command
// arguments and extra YAML lines (indented by four spaces).
func Service(name string, args []string, extra ...string) string {
	var b strings.Builder
	b.WriteString("  " + name + ":\n    image: " + LoggenImage + "\n    network_mode: none\n    stop_grace_period: 3s\n")
	b.WriteString("    command: [")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + strings.ReplaceAll(a, `"`, `\"`) + `"`)
	}
	b.WriteString("]\n")
	for _, e := range extra {
		b.WriteString("    " + e + "\n")
	}
	return b.String()
}
