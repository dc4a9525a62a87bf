package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// TestUserErrorsSayWhatToDo checks the messages and exit codes of mistakes
// a user makes, run through the docker CLI.
func TestUserErrorsSayWhatToDo(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("api", []string{"-lines", "1"})+testenv.Service("worker", []string{"-lines", "1"}))
	empty := t.TempDir()
	bad := filepath.Join(t.TempDir(), "compose.yaml")
	assert.NilError(t, os.WriteFile(bad, []byte("services:\n  api:\n    image: x\n   bad: [\n"), 0o644))

	for _, tc := range []struct {
		name  string
		dir   string
		args  []string
		wants []string
	}{
		{"unknown service", "", append(p.Args(), "--no-follow", "apii"), []string{`no such service "apii"`, "api, worker"}},
		{"unknown service in --services", "", append(p.Args(), "--no-follow", "--services", "api,nope"), []string{`"nope"`}},
		{"no compose file and no project name", empty, []string{"--no-follow"}, []string{"no compose file found", "-p NAME"}},
		{"invalid YAML", "", []string{"-f", bad, "--no-follow"}, []string{bad, "line"}},
		{"malformed --tail", "", append(p.Args(), "--tail", "ten"), []string{`invalid --tail "ten"`}},
		{"malformed --since", "", append(p.Args(), "--since", "yesterday"), []string{`invalid --since "yesterday"`, "10m"}},
		{"malformed --color", "", append(p.Args(), "--color", "sometimes"), []string{`invalid --color "sometimes"`}},
		{"unknown flag", "", append(p.Args(), "--follw"), []string{"unknown flag: --follw"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testenv.StartIn(t, tc.dir, pl.Env(), "docker", append([]string{"devlogs"}, tc.args...)...)
			code := d.Wait(time.Minute)
			assert.Check(t, code != 0, "exit code 0")
			for _, w := range tc.wants {
				assert.Check(t, is.Contains(d.Err.String(), w))
			}
			assert.Check(t, !strings.Contains(d.Err.String(), "goroutine "), "a crash:\n%s", d.Err.String())
		})
	}
}

// TestUnreachableDaemonNamesTheEndpoint checks the message when nothing
// listens where devlogs was told to connect.
func TestUnreachableDaemonNamesTheEndpoint(t *testing.T) {
	pl := setup(t)
	sock := "unix://" + filepath.Join(t.TempDir(), "nothing.sock")
	d := testenv.Start(t, append(pl.Env(), "DOCKER_HOST="+sock), "docker", "devlogs", "-p", "whatever", "--no-follow")
	assert.Check(t, d.Wait(time.Minute) != 0)
	assert.Check(t, is.Contains(d.Err.String(), "cannot connect to the Docker daemon at "+sock))
}

// TestInterruptExitsZeroQuietly checks Ctrl-C while following, through the
// docker CLI and standalone.
func TestInterruptExitsZeroQuietly(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("app", []string{"-lines", "0", "-rate", "50"}))
	p.Compose("up", "-d")
	for name, cmd := range map[string][]string{
		"plugin":     {"docker", "devlogs"},
		"standalone": {pl.Binary},
	} {
		t.Run(name, func(t *testing.T) {
			d := testenv.Start(t, pl.Env(), cmd[0], append(cmd[1:], p.Args()...)...)
			assert.Assert(t, d.Out.WaitContains(30*time.Second, "app-1 | "))
			assert.Equal(t, d.Interrupt(10*time.Second), 0)
			assert.Equal(t, strings.TrimSpace(d.Err.String()), "devlogs: following project \""+p.Name+"\", all services\n"+
				"app-1 * attached (container "+p.Containers("app")[0][:12]+")")
		})
	}
}
