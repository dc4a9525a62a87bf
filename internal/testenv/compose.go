package testenv

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// composeVersion is the Compose release built when `docker compose` is
// missing: the newest whose go directive the local Go accepts.
const composeVersion = "v5.5.1"

// EnsureCompose makes `docker compose` (v2 or later) available, building it
// from the Go module proxy into a cache directory on first use and
// installing it as a CLI plugin. `go install pkg@version` refuses Compose
// because of its exclude directives, hence the wrapper module.
func EnsureCompose() error {
	if out, err := Output(nil, "docker", "compose", "version", "--short"); err == nil && !strings.HasPrefix(strings.TrimSpace(out), "1.") {
		return nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return err
	}
	dir := filepath.Join(cache, "devlogs", "compose-"+composeVersion)
	bin := filepath.Join(dir, "docker-compose")
	if _, err := os.Stat(bin); err != nil {
		if err := buildCompose(dir, bin); err != nil {
			return fmt.Errorf("build docker compose %s from the module proxy: %w", composeVersion, err)
		}
	}
	plugins, err := pluginDir()
	if err != nil {
		return err
	}
	if err := copyFile(bin, filepath.Join(plugins, "docker-compose")); err != nil {
		return err
	}
	if out, err := Output(nil, "docker", "compose", "version"); err != nil {
		return fmt.Errorf("docker compose still unavailable after installing %s: %v: %s", bin, err, out)
	}
	return nil
}

func buildCompose(dir, bin string) error {
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return err
	}
	gomod := "module devlogs.local/composebuild\n\ngo 1.26.0\n\nrequire github.com/docker/compose/v5 " + composeVersion + "\n"
	tools := "//go:build tools\n\npackage tools\n\nimport _ \"github.com/docker/compose/v5/cmd\"\n"
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "tools.go"), []byte(tools), 0o644); err != nil {
		return err
	}
	run := func(args ...string) error {
		out, err := outputIn(src, []string{"CGO_ENABLED=0", "GOFLAGS=-mod=mod"}, "go", args...)
		if err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("mod", "tidy"); err != nil {
		return err
	}
	ldflags := "-s -w -X github.com/docker/compose/v5/internal.Version=" + composeVersion
	return run("build", "-trimpath", "-ldflags", ldflags, "-o", bin, "github.com/docker/compose/v5/cmd")
}

// pluginDir returns the user's Docker CLI plugin directory, creating it.
func pluginDir() (string, error) {
	cfg := os.Getenv("DOCKER_CONFIG")
	if cfg == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		cfg = filepath.Join(home, ".docker")
	}
	dir := filepath.Join(cfg, "cli-plugins")
	return dir, os.MkdirAll(dir, 0o755)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := to + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}
