package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

func TestPluginIsListedByDockerInfoAndAnswersHelp(t *testing.T) {
	pl := setup(t)
	info := testenv.Run(t, pl.Env(), "docker", "info", "--format", "{{json .ClientInfo.Plugins}}")
	var plugins []struct{ Name, ShortDescription, Version, Path string }
	assert.NilError(t, json.Unmarshal([]byte(info), &plugins))
	var found bool
	for _, p := range plugins {
		if p.Name == "devlogs" {
			found = true
			assert.Check(t, is.Contains(p.ShortDescription, "Compose project"))
			assert.Check(t, is.Equal(p.Version, "e2e"), "the version injected at build time")
		}
	}
	assert.Assert(t, found, "docker info does not list devlogs: %s", info)

	help := testenv.Run(t, pl.Env(), "docker", "devlogs", "--help")
	assert.Check(t, is.Contains(help, "Usage:  docker devlogs [OPTIONS] [SERVICE...]"))
	assert.Check(t, is.Contains(help, "--no-follow"))

	meta := testenv.Run(t, nil, pl.Binary, "docker-cli-plugin-metadata")
	var m map[string]any
	assert.NilError(t, json.Unmarshal([]byte(meta), &m))
	assert.Check(t, is.Equal(m["SchemaVersion"], "0.1.0"))
	assert.Check(t, is.Equal(m["Version"], "e2e"))

	// The harness builds the plugin with -ldflags "-X main.version=e2e".
	out := testenv.Run(t, pl.Env(), "docker", "devlogs", "version")
	assert.Check(t, strings.HasPrefix(out, "docker devlogs e2e ("), out)
}

func TestContextAndHostSelectTheEngine(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("app", []string{"-lines", "3"}))
	p.Compose("up", "-d")
	waitExited(t, p, "app", 1)

	good, bad := "devlogs-e2e-good", "devlogs-e2e-bad"
	testenv.Run(t, pl.Env(), "docker", "context", "create", good, "--docker", "host=unix:///var/run/docker.sock")
	testenv.Run(t, pl.Env(), "docker", "context", "create", bad, "--docker", "host=unix:///nonexistent/devlogs.sock")
	t.Cleanup(func() { _, _ = testenv.Output(pl.Env(), "docker", "context", "rm", "-f", good, bad) })

	args := append([]string{"--context", good, "devlogs"}, append(p.Args(), "--no-follow")...)
	out := testenv.Run(t, pl.Env(), "docker", args...)
	assert.Check(t, is.Contains(out, "app-1 | host="))

	for name, cmd := range map[string][]string{
		"--context": {"--context", bad, "devlogs"},
		"-H":        {"-H", "unix:///nonexistent/devlogs.sock", "devlogs"},
	} {
		out, err := testenv.Output(pl.Env(), "docker", append(cmd, append(p.Args(), "--no-follow")...)...)
		assert.Check(t, err != nil, "%s: devlogs succeeded against a missing socket: %s", name, out)
		assert.Check(t, is.Contains(out, "unix:///nonexistent/devlogs.sock"), name)
	}
	env := append(pl.Env(), "DOCKER_CONTEXT="+bad)
	out, err := testenv.Output(env, "docker", append([]string{"devlogs"}, append(p.Args(), "--no-follow")...)...)
	assert.Check(t, err != nil && strings.Contains(out, "nonexistent"), "DOCKER_CONTEXT: %v %s", err, out)
}

func TestStartedBeforeUpShowsEveryServiceAndAScaledReplica(t *testing.T) {
	pl := setup(t)
	var yaml strings.Builder
	yaml.WriteString("services:\n")
	for _, s := range []string{"api", "worker", "db", "cache"} {
		yaml.WriteString(testenv.Service(s, []string{"-lines", "0", "-rate", "20"}))
	}
	p := testenv.NewProject(t, t.Name(), yaml.String())
	d := devlogs(t, pl, p.Args()...)
	assert.Assert(t, d.Err.WaitContains(30*time.Second, "waiting"), "no waiting notice: %s", d.Err.String())

	p.Compose("up", "-d")
	for _, name := range []string{"api-1", "worker-1", "db-1", "cache-1"} {
		assert.Assert(t, d.Out.WaitFor(30*time.Second, func(l []string) bool { return hasPrefix(l, name) }),
			"no lines of %s:\n%s\n%s", name, d.Out.String(), d.Err.String())
	}
	p.Compose("up", "-d", "--scale", "cache=2", "--no-recreate")
	assert.Assert(t, d.Out.WaitFor(30*time.Second, func(l []string) bool { return hasPrefix(l, "cache-2") }),
		"no lines of cache-2:\n%s", d.Err.String())

	assert.Equal(t, d.Interrupt(10*time.Second), 0)
	for _, l := range d.Err.All() {
		assert.Check(t, !strings.Contains(strings.ToLower(l), "error"), "noise on stderr: %q", l)
	}
}

// waitExited waits until n containers of service have exited.
func waitExited(t *testing.T, p *testenv.Project, service string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := testenv.Run(t, nil, "docker", "ps", "-a", "--filter", "label=com.docker.compose.project="+p.Name,
			"--filter", "label=com.docker.compose.service="+service, "--filter", "status=exited", "-q")
		if len(strings.Fields(out)) >= n {
			return
		}
		pollPause()
	}
	t.Fatalf("%s: fewer than %d containers exited", service, n)
}
