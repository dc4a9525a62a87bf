package compose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotest.tools/v3/assert"
)

// fixture is the tree of projects the tests load, written afresh under a
// t.TempDir() for every case. Keys are slash-separated paths.
var fixture = map[string]string{
	// A project with two profiled services, one profile name interpolated.
	"demo/compose.yaml": `services:
  api: {image: alpine}
  db: {image: alpine}
  worker: {image: alpine, profiles: [jobs]}
  debug: {image: alpine, profiles: ["${DEBUG_PROFILE:-debug}"]}
`,
	"demo/src/pkg/main.go": "package main\n",

	// Env files: .env and two alternatives.
	"envdemo/compose.yaml": `services:
  web: {image: alpine}
  extra: {image: alpine, profiles: [extra]}
`,
	"envdemo/.env":      "COMPOSE_PROJECT_NAME=fromdotenv\n",
	"envdemo/alt.env":   "COMPOSE_PROJECT_NAME=fromaltenv\nCOMPOSE_PROFILES=extra\n",
	"envdemo/other.env": "COMPOSE_PROJECT_NAME=fromotherenv\n",

	// A project directory without .env, started from a subdirectory with one.
	"subenv/compose.yaml": "services:\n  web: {image: alpine}\n",
	"subenv/sub/.env":     "COMPOSE_PROJECT_NAME=fromsubenv\n",

	// COMPOSE_FILE set in .env, relative to the directory devlogs runs in.
	"cfenv/.env":         "COMPOSE_FILE=sub/app.yaml\n",
	"cfenv/sub/app.yaml": "services:\n  app: {image: alpine}\n",

	// Two files with supported names.
	"multi/compose.yaml":       "services:\n  web: {image: alpine}\n",
	"multi/docker-compose.yml": "services:\n  legacy: {image: alpine}\n",

	// Override files, both spellings.
	"over/docker-compose.yml":          "services:\n  db: {image: alpine}\n",
	"over/docker-compose.override.yml": "services:\n  dbextra: {image: alpine}\n",
	"over2/compose.yaml":               "services:\n  app: {image: alpine}\n",
	"over2/compose.override.yaml":      "services:\n  sidecar: {image: alpine}\n",

	// A file with a name, beside a default one.
	"named/named.yaml":         "name: yamlname\nservices:\n  api: {image: alpine}\n",
	"named/docker-compose.yml": "services:\n  db: {image: alpine}\n",

	"Weird.Dir_Name/compose.yaml": "services:\n  web: {image: alpine}\n",
	"pwdname/compose.yaml":        "name: ${PWD}\nservices:\n  web: {image: alpine}\n",
	"old/docker-compose.yml":      "version: \"3\"\nservices:\n  web: {image: alpine}\n",
	"unset/compose.yaml":          "services:\n  web:\n    image: alpine\n    labels: {tag: \"${UNSET_VAR}\"}\n",
	"___/compose.yaml":            "services:\n  web: {image: alpine}\n",
	"needsdebug/compose.yaml": `services:
  web: {image: alpine, depends_on: [dbg]}
  dbg: {image: alpine, profiles: [debug]}
`,

	// Broken files.
	"badyaml/compose.yaml":              "services:\n  web:\n    image: alpine\n  bad: [\n",
	"badoverride/compose.yaml":          "services:\n  web: {image: alpine}\n",
	"badoverride/compose.override.yaml": "services:\n  web:\n    image: alpine\n   x: 1\n",
	"badschema/compose.yaml":            "services:\n  web:\n    image: alpine\n    ports: 12\n",

	// No compose file at all.
	"nofile/README":   "no compose file here\n",
	"dotenvonly/.env": "COMPOSE_PROJECT_NAME=fromdotenv\n",
}

// writeFixture writes fixture under a new temporary directory and returns it.
func writeFixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range fixture {
		writeFile(t, filepath.Join(root, filepath.FromSlash(name)), content)
	}
	return root
}

// writeFile writes content to path, creating its directory.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	assert.NilError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	assert.NilError(t, os.WriteFile(path, []byte(content), 0o644))
}

// decoyProcess makes the test process look like it runs in another project,
// through its working directory and environment, so that any read of them by
// Load shows up as a wrong result.
func decoyProcess(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), "services:\n  decoy: {image: alpine}\n")
	writeFile(t, filepath.Join(dir, ".env"), "COMPOSE_PROJECT_NAME=decoy\n")
	t.Chdir(dir)
	t.Setenv("COMPOSE_PROJECT_NAME", "decoy")
	t.Setenv("COMPOSE_PROFILES", "decoy")
	t.Setenv("COMPOSE_DISABLE_ENV_FILE", "true")
	t.Setenv("COMPOSE_ENV_FILES", "decoy.env")
	t.Setenv("PWD", "") // restored after the test, as for the others
	assert.NilError(t, os.Unsetenv("PWD"))
}

// relative rewrites p's paths relative to root, so that cases can spell them.
func relative(t *testing.T, root string, p *Project) *Project {
	t.Helper()
	rel := func(path string) string {
		r, err := filepath.Rel(root, path)
		assert.NilError(t, err)
		return filepath.ToSlash(r)
	}
	out := *p
	if out.WorkingDir != "" {
		out.WorkingDir = rel(out.WorkingDir)
	}
	out.Files = nil
	for _, f := range p.Files {
		out.Files = append(out.Files, rel(f))
	}
	return &out
}

// underRoot replaces root in s with $ROOT, for comparing messages.
func underRoot(root, s string) string {
	return strings.ReplaceAll(s, root, "$ROOT")
}
