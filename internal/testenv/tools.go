package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// TB is the part of testing.TB the helpers use, so that tools outside tests
// (bench, demo) can use them too.
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

// Root returns the module's root directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module github.com/docker-devlogs/devlogs\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the devlogs module")
		}
		dir = parent
	}
}

// Run runs a command and returns its combined output, failing tb on error.
func Run(tb TB, env []string, name string, args ...string) string {
	tb.Helper()
	out, err := Output(env, name, args...)
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// Output runs a command with a generous timeout and returns its combined
// output.
func Output(env []string, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// inCI reports whether the tests run in CI, where a missing engine or
// Compose is a failure rather than a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" || os.Getenv("CI") == "1" }

var engineOnce = sync.OnceValue(func() error {
	out, err := Output(nil, "docker", "version", "--format", "{{.Server.APIVersion}}")
	if err != nil {
		return fmt.Errorf("no Docker engine: %v: %s", err, strings.TrimSpace(out))
	}
	if err := EnsureCompose(); err != nil {
		return err
	}
	return nil
})

// Require fails (in CI) or skips (elsewhere) when the Docker engine or
// Compose v2 is unavailable.
func Require(tb TB) {
	tb.Helper()
	if err := engineOnce(); err != nil {
		if inCI() {
			tb.Fatalf("end-to-end tests need the Docker engine and Compose v2: %v", err)
		}
		tb.Skipf("end-to-end tests need the Docker engine and Compose v2: %v", err)
	}
}
