package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// LoggenImage is the tag of the test log generator image.
const LoggenImage = "devlogs-test/loggen:latest"

var loggenOnce = sync.OnceValue(func() error { return BuildImage(LoggenImage) })

// BuildImage builds the log generator into a FROM scratch image tagged tag.
func BuildImage(tag string) error {
	root, err := Root()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "devlogs-loggen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if out, err := outputIn(root, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", filepath.Join(dir, "loggen"), "./test/loggen"); err != nil {
		return fmt.Errorf("build loggen: %v\n%s", err, out)
	}
	df := "FROM scratch\nCOPY loggen /loggen\nENTRYPOINT [\"/loggen\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		return err
	}
	// The classic builder needs nothing but the engine: FROM scratch pulls
	// no image, and there is no registry here.
	if out, err := Output([]string{"DOCKER_BUILDKIT=0"}, "docker", "build", "-q", "-t", tag, dir); err != nil {
		return fmt.Errorf("build %s: %v\n%s", tag, err, out)
	}
	return nil
}

// BuildLoggen builds the log generator image once per process.
func BuildLoggen(tb TB) {
	tb.Helper()
	if err := loggenOnce(); err != nil {
		tb.Fatalf("%v", err)
	}
}

// Plugin is a devlogs build installed as a Docker CLI plugin in a private
// Docker config directory, next to the user's compose plugin.
type Plugin struct {
	// Binary is the docker-devlogs executable (for standalone runs).
	Binary string
	// ConfigDir is the DOCKER_CONFIG under which `docker devlogs` finds it.
	ConfigDir string
}

// Env returns the environment that makes `docker` use the plugin.
func (p *Plugin) Env() []string { return []string{"DOCKER_CONFIG=" + p.ConfigDir} }

var pluginOnce = sync.OnceValues(func() (*Plugin, error) {
	root, err := Root()
	if err != nil {
		return nil, err
	}
	cfg, err := os.MkdirTemp("", "devlogs-config-")
	if err != nil {
		return nil, err
	}
	plugins := filepath.Join(cfg, "cli-plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		return nil, err
	}
	bin := filepath.Join(plugins, "docker-devlogs")
	if out, err := outputIn(root, []string{"CGO_ENABLED=0"}, "go", "build", "-ldflags", "-X main.version=e2e", "-o", bin, "./cmd/docker-devlogs"); err != nil {
		return nil, fmt.Errorf("build docker-devlogs: %v\n%s", err, out)
	}
	if err := linkCompose(plugins); err != nil {
		return nil, err
	}
	return &Plugin{Binary: bin, ConfigDir: cfg}, nil
})

// BuildPlugin builds the plugin once per process.
func BuildPlugin(tb TB) *Plugin {
	tb.Helper()
	p, err := pluginOnce()
	if err != nil {
		tb.Fatalf("%v", err)
	}
	return p
}

// linkCompose makes the compose plugin the docker CLI uses visible in the
// private config directory too.
func linkCompose(plugins string) error {
	out, err := Output(nil, "docker", "info", "--format", "{{range .ClientInfo.Plugins}}{{if eq .Name \"compose\"}}{{.Path}}{{end}}{{end}}")
	path := strings.TrimSpace(out)
	if err != nil || path == "" {
		return fmt.Errorf("find the docker compose plugin: %v %s", err, out)
	}
	return os.Symlink(path, filepath.Join(plugins, "docker-compose"))
}

func outputIn(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// DevlogsImage is the tag of the devlogs image the tests build.
const DevlogsImage = "devlogs-test/devlogs:latest"

var devlogsImageOnce = sync.OnceValue(func() error {
	root, err := Root()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "devlogs-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if out, err := outputIn(root, []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=e2e",
		"-o", filepath.Join(dir, "docker-devlogs"), "./cmd/docker-devlogs"); err != nil {
		return fmt.Errorf("build docker-devlogs: %v\n%s", err, out)
	}
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), df, 0o644); err != nil {
		return err
	}
	if out, err := Output([]string{"DOCKER_BUILDKIT=0"}, "docker", "build", "-q", "--build-arg", "BINARY=docker-devlogs", "-t", DevlogsImage, dir); err != nil {
		return fmt.Errorf("build %s from the repository's Dockerfile: %v\n%s", DevlogsImage, err, out)
	}
	return nil
})

// BuildDevlogsImage builds the devlogs image from the repository's
// Dockerfile once per process.
func BuildDevlogsImage(tb TB) {
	tb.Helper()
	if err := devlogsImageOnce(); err != nil {
		tb.Fatalf("%v", err)
	}
}
