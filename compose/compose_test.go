package compose

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// TestLoadMatchesDockerCompose loads the fixtures of TestLoad that read a
// compose file with the real `docker compose config` and compares the
// project name and the enabled services with Load's; it also checks that
// compose rejects what TestLoadErrors rejects.
func TestLoadMatchesDockerCompose(t *testing.T) {
	requireDockerCompose(t)
	for _, tc := range loadCases {
		if tc.want.FromLabels {
			continue // `config` always reads files; the name-only path is compose's `logs`
		}
		t.Run(tc.name, func(t *testing.T) {
			root := writeFixture(t)
			o := tc.o
			o.WorkDir = filepath.Join(root, tc.dir)

			got, err := Load(t.Context(), o)
			assert.NilError(t, err)
			want, err := dockerComposeConfig(t, o)
			assert.NilError(t, err)
			assert.DeepEqual(t, composeConfig{Name: got.Name, Services: got.Services}, want)
		})
	}
	for _, tc := range errorCases {
		if slices.Contains(tc.o.Files, "-") {
			continue // compose would read the test's stdin
		}
		t.Run("compose also rejects: "+tc.name, func(t *testing.T) {
			root := writeFixture(t)
			o := tc.o
			o.WorkDir = filepath.Join(root, tc.dir)

			_, err := dockerComposeConfig(t, o)
			assert.ErrorContains(t, err, "exit status")
		})
	}
}

// composeConfig is what is compared of `docker compose config --format json`.
type composeConfig struct {
	Name     string
	Services []string
}

// dockerComposeConfig runs `docker compose config` with o's flags, in
// o.WorkDir, with o.Env plus what the docker CLI needs to find its plugins.
func dockerComposeConfig(t *testing.T, o Options) (composeConfig, error) {
	t.Helper()
	args := []string{"compose"}
	for _, f := range o.Files {
		args = append(args, "-f", f)
	}
	if o.ProjectName != "" {
		args = append(args, "-p", o.ProjectName)
	}
	if o.ProjectDir != "" {
		args = append(args, "--project-directory", o.ProjectDir)
	}
	for _, p := range o.Profiles {
		args = append(args, "--profile", p)
	}
	for _, e := range o.EnvFiles {
		args = append(args, "--env-file", e)
	}
	args = append(args, "config", "--format", "json")

	cmd := exec.CommandContext(t.Context(), "docker", args...)
	cmd.Dir = o.WorkDir
	cmd.Env = append(dockerEnv(), o.Env...)
	out, err := cmd.Output()
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		return composeConfig{}, fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, ee.Stderr)
	}
	assert.NilError(t, err)

	var cfg struct {
		Name     string                     `json:"name"`
		Services map[string]json.RawMessage `json:"services"`
	}
	assert.NilError(t, json.Unmarshal(out, &cfg))
	services := make([]string, 0, len(cfg.Services))
	for name := range cfg.Services {
		services = append(services, name)
	}
	slices.Sort(services)
	return composeConfig{Name: cfg.Name, Services: services}, nil
}

// dockerEnv is the part of the test's environment the docker CLI needs:
// PATH, and HOME or DOCKER_CONFIG to find the compose plugin.
func dockerEnv() []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "DOCKER_CONFIG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// requireDockerCompose skips the test when `docker compose` cannot run, and
// fails it instead in CI, where a missing compose is a broken setup.
func requireDockerCompose(t *testing.T) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "docker", "compose", "version")
	cmd.Env = dockerEnv()
	out, err := cmd.CombinedOutput()
	if err == nil {
		return
	}
	msg := "docker compose is not available: " + err.Error() + ": " + string(out)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
