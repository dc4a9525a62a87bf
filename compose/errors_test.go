package compose

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/errdefs"
	"gotest.tools/v3/assert"
)

const invalidBad = `invalid project name "Bad": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`

var errorCases = []struct {
	name string
	dir  string
	o    Options
	want string // with $ROOT for the fixture root
}{
	{
		name: "no compose file and no project name",
		dir:  "nofile",
		want: "no compose file found in $ROOT/nofile or its parents: run devlogs from your project directory, or pass -f FILE or -p NAME",
	},
	{
		name: "no compose file and a project name only in .env, which compose does not fall back to",
		dir:  "dotenvonly",
		want: "no compose file found in $ROOT/dotenvonly or its parents: run devlogs from your project directory, or pass -f FILE or -p NAME",
	},
	{
		name: "no compose file in --project-directory",
		dir:  "demo", o: Options{ProjectDir: "../nofile"},
		want: "no compose file found in $ROOT/nofile or its parents: run devlogs from your project directory, or pass -f FILE or -p NAME",
	},
	{
		name: "an invalid -p without -f",
		dir:  "demo", o: Options{ProjectName: "Bad"},
		want: "-p/--project-name: " + invalidBad,
	},
	{
		name: "an invalid -p with -f",
		dir:  "demo", o: Options{ProjectName: "Bad", Files: []string{"compose.yaml"}},
		want: "-p/--project-name: " + invalidBad,
	},
	{
		name: "an invalid COMPOSE_PROJECT_NAME with a compose file",
		dir:  "demo", o: Options{Env: []string{"COMPOSE_PROJECT_NAME=Bad"}},
		want: "COMPOSE_PROJECT_NAME (from the environment or an env file): " + invalidBad,
	},
	{
		name: "an invalid COMPOSE_PROJECT_NAME without a compose file",
		dir:  "nofile", o: Options{Env: []string{"COMPOSE_PROJECT_NAME=Bad"}},
		want: "COMPOSE_PROJECT_NAME: " + invalidBad,
	},
	// go.yaml.in/yaml/v4 v4.0.0-rc.4, the version in this module graph, prints
	// 0-based line numbers: "line 4" is the fifth line (the end of the file)
	// and "line 3, column 4" the fourth line's fourth column. docker compose
	// built with rc.6 prints them as L5.C1 and L4.C4.
	{
		name: "invalid YAML",
		dir:  "badyaml",
		want: "load compose project: failed to parse $ROOT/badyaml/compose.yaml: yaml: while parsing a flow node at line 4: did not find expected node content",
	},
	{
		name: "invalid YAML with -p",
		dir:  "badyaml", o: Options{ProjectName: "named", Files: []string{"compose.yaml"}},
		want: "load compose project: failed to parse $ROOT/badyaml/compose.yaml: yaml: while parsing a flow node at line 4: did not find expected node content",
	},
	{
		name: "invalid YAML in an override file",
		dir:  "badoverride",
		want: "load compose project: failed to parse $ROOT/badoverride/compose.override.yaml: yaml: while parsing a block mapping at line 1, column 3: line 3, column 4: did not find expected key",
	},
	{
		name: "a file that breaks the schema",
		dir:  "badschema",
		want: "load compose project: validating $ROOT/badschema/compose.yaml: services.web.ports must be a array",
	},
	{
		name: "a missing -f file",
		dir:  "demo", o: Options{Files: []string{"nope.yml"}},
		want: `load compose project: compose file "$ROOT/demo/nope.yml" is invalid: open $ROOT/demo/nope.yml: no such file or directory`,
	},
	{
		name: "a missing COMPOSE_FILE file",
		dir:  "demo", o: Options{Env: []string{"COMPOSE_FILE=nope.yml"}},
		want: `load compose project: compose file "$ROOT/demo/nope.yml" set by COMPOSE_FILE environment variable is invalid: stat $ROOT/demo/nope.yml: no such file or directory`,
	},
	{
		name: "a missing --env-file",
		dir:  "demo", o: Options{EnvFiles: []string{"nope.env"}},
		want: "load compose project: couldn't find env file: $ROOT/demo/nope.env",
	},
	{
		name: "a COMPOSE_DISABLE_ENV_FILE that is not a boolean",
		dir:  "demo", o: Options{Env: []string{"COMPOSE_DISABLE_ENV_FILE=maybe"}},
		want: `load compose project: COMPOSE_DISABLE_ENV_FILE="maybe" is not a boolean: strconv.ParseBool: parsing "maybe": invalid syntax`,
	},
	{
		name: "a compose file on stdin",
		dir:  "demo", o: Options{Files: []string{"-"}},
		want: "reading a compose file from stdin (-f -) is not supported: pass the file's path with -f",
	},
	{
		name: "a directory name that gives no project name",
		dir:  "___",
		want: `load compose project: directory name "___" gives no project name: pass -p NAME or set name: in the compose file: project name must not be empty`,
	},
	{
		name: "a dependency on a service whose profile is disabled",
		dir:  "needsdebug",
		want: `load compose project: service "web" depends on undefined service "dbg": invalid compose project`,
	},
}

func TestLoadErrors(t *testing.T) {
	decoyProcess(t)
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			root := writeFixture(t)
			o := tc.o
			o.WorkDir = filepath.Join(root, tc.dir)

			got, err := Load(t.Context(), o)
			assert.Assert(t, got == nil)
			assert.Assert(t, err != nil)
			assert.Equal(t, underRoot(root, err.Error()), tc.want)
		})
	}
}

func TestLoadNotFoundErrorIsCompose(t *testing.T) {
	root := writeFixture(t)
	_, err := Load(t.Context(), Options{WorkDir: filepath.Join(root, "nofile")})
	var nf *NotFoundError
	assert.Assert(t, errors.As(err, &nf))
	assert.Equal(t, nf.Dir, filepath.Join(root, "nofile"))
	assert.Assert(t, errors.Is(err, errdefs.ErrNotFound))
}

func TestLoadNeedsAnAbsoluteWorkDir(t *testing.T) {
	for _, dir := range []string{"", "relative/dir"} {
		_, err := Load(t.Context(), Options{WorkDir: dir})
		assert.Error(t, err, `compose options: working directory "`+dir+`" is not an absolute path`)
	}
}
