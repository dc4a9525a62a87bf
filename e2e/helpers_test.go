package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

// setup checks the engine, builds the generator image and the plugin.
func setup(t *testing.T) *testenv.Plugin {
	t.Helper()
	testenv.Require(t)
	testenv.BuildLoggen(t)
	return testenv.BuildPlugin(t)
}

// devlogs starts `docker devlogs args...` through the docker CLI.
func devlogs(t *testing.T, pl *testenv.Plugin, args ...string) *testenv.Proc {
	t.Helper()
	env := append(pl.Env(), "FORCE_COLOR=", "NO_COLOR=")
	cmd := []string{"devlogs"}
	if os.Getenv("DEVLOGS_DEBUG") == "1" {
		cmd = []string{"-D", "devlogs"}
	}
	p := testenv.Start(t, env, "docker", append(cmd, args...)...)
	t.Cleanup(func() {
		if t.Failed() {
			saveOutput(t, p)
		}
	})
	return p
}

// saveOutput keeps the output of a failed test's devlogs for a look.
func saveOutput(t *testing.T, p *testenv.Proc) {
	dir, err := os.MkdirTemp("", "devlogs-e2e-failed-")
	if err != nil {
		return
	}
	_ = os.WriteFile(dir+"/stdout", []byte(p.Out.String()), 0o644)
	_ = os.WriteFile(dir+"/stderr", []byte(p.Err.String()), 0o644)
	t.Logf("devlogs output kept in %s", dir)
}

// runDevlogs runs devlogs to completion and returns stdout, stderr and the
// exit code.
func runDevlogs(t *testing.T, pl *testenv.Plugin, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	p := devlogs(t, pl, args...)
	code = p.Wait(3 * time.Minute)
	if code == -1 {
		t.Fatalf("devlogs %v did not exit; stderr:\n%s", args, p.Err.String())
	}
	return p.Out.String(), p.Err.String(), code
}

// long reports whether the long versions of the scenarios were asked for.
func long() bool { return os.Getenv("DEVLOGS_LONG") == "1" }

// scale returns n in long mode and short otherwise.
func scale(short, n int) int {
	if long() {
		return n
	}
	return short
}

// hasPrefix reports whether some line starts with the devlogs prefix of name.
func hasPrefix(lines []string, name string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, name+" ") && strings.Contains(l, " | ") {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }
