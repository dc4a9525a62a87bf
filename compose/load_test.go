package compose

import (
	"path/filepath"
	"testing"

	"gotest.tools/v3/assert"
)

// loadCase is one run of Load in a fresh fixture. dir is the working
// directory relative to the fixture root; o.WorkDir is filled in.
type loadCase struct {
	name     string
	dir      string
	o        Options
	want     Project // paths relative to the fixture root
	warnings []string
}

var demo = Project{
	Name:       "demo",
	Services:   []string{"api", "db"},
	Disabled:   []string{"debug", "worker"},
	WorkingDir: "demo",
	Files:      []string{"demo/compose.yaml"},
}

// with returns a copy of p with f applied.
func with(p Project, f func(*Project)) Project {
	f(&p)
	return p
}

var loadCases = []loadCase{
	{name: "finds compose.yaml in the working directory", dir: "demo", want: demo},
	{name: "walks up from a subdirectory to the project directory", dir: "demo/src/pkg", want: demo},
	{
		name: "names the project with -p and reads no file when -f is not given",
		dir:  "demo", o: Options{ProjectName: "explicit"},
		want: Project{Name: "explicit", FromLabels: true},
	},
	{
		name: "names the project with -p and reads no file even when COMPOSE_FILE is set",
		dir:  "named", o: Options{ProjectName: "explicit", Env: []string{"COMPOSE_FILE=named.yaml"}},
		want: Project{Name: "explicit", FromLabels: true},
	},
	{
		name: "loads the files under the -p name when -f is given",
		dir:  "demo", o: Options{ProjectName: "explicit", Files: []string{"compose.yaml"}},
		want: with(demo, func(p *Project) { p.Name = "explicit" }),
	},
	{
		name: "takes the name from COMPOSE_PROJECT_NAME",
		dir:  "demo", o: Options{Env: []string{"COMPOSE_PROJECT_NAME=envname"}},
		want: with(demo, func(p *Project) { p.Name = "envname" }),
	},
	{
		name: "prefers -p to COMPOSE_PROJECT_NAME",
		dir:  "demo", o: Options{ProjectName: "flagwins", Files: []string{"compose.yaml"}, Env: []string{"COMPOSE_PROJECT_NAME=envname"}},
		want: with(demo, func(p *Project) { p.Name = "flagwins" }),
	},
	{
		name: "takes the name from name: in the file",
		dir:  "named", o: Options{Files: []string{"named.yaml"}},
		want: Project{Name: "yamlname", Services: []string{"api"}, WorkingDir: "named", Files: []string{"named/named.yaml"}},
	},
	{
		name: "prefers COMPOSE_PROJECT_NAME to name: in the file",
		dir:  "named", o: Options{Files: []string{"named.yaml"}, Env: []string{"COMPOSE_PROJECT_NAME=envname"}},
		want: Project{Name: "envname", Services: []string{"api"}, WorkingDir: "named", Files: []string{"named/named.yaml"}},
	},
	{
		name: "reads the files named by COMPOSE_FILE",
		dir:  "named", o: Options{Env: []string{"COMPOSE_FILE=named.yaml"}},
		want: Project{Name: "yamlname", Services: []string{"api"}, WorkingDir: "named", Files: []string{"named/named.yaml"}},
	},
	{
		name: "splits COMPOSE_FILE on the path list separator",
		dir:  "named", o: Options{Env: []string{"COMPOSE_FILE=named.yaml" + string(filepath.ListSeparator) + "docker-compose.yml"}},
		want: Project{Name: "yamlname", Services: []string{"api", "db"}, WorkingDir: "named", Files: []string{"named/named.yaml", "named/docker-compose.yml"}},
	},
	{
		name: "splits COMPOSE_FILE on COMPOSE_PATH_SEPARATOR",
		dir:  "named", o: Options{Env: []string{"COMPOSE_FILE=docker-compose.yml,named.yaml", "COMPOSE_PATH_SEPARATOR=,"}},
		want: Project{Name: "yamlname", Services: []string{"api", "db"}, WorkingDir: "named", Files: []string{"named/docker-compose.yml", "named/named.yaml"}},
	},
	{
		name: "reads COMPOSE_FILE from .env",
		dir:  "cfenv",
		want: Project{Name: "sub", Services: []string{"app"}, WorkingDir: "cfenv/sub", Files: []string{"cfenv/sub/app.yaml"}},
	},
	{
		name: "prefers -f to COMPOSE_FILE",
		dir:  "named", o: Options{Files: []string{"docker-compose.yml"}, Env: []string{"COMPOSE_FILE=named.yaml"}},
		want: Project{Name: "named", Services: []string{"db"}, WorkingDir: "named", Files: []string{"named/docker-compose.yml"}},
	},
	{
		name: "resolves -f against the working directory and takes the file's directory as the project's",
		dir:  ".", o: Options{Files: []string{"over/docker-compose.yml"}},
		want: Project{Name: "over", Services: []string{"db"}, WorkingDir: "over", Files: []string{"over/docker-compose.yml"}},
	},
	{
		name: "takes the project directory from --project-directory, relative to the working directory",
		dir:  ".", o: Options{Files: []string{"over/docker-compose.yml"}, ProjectDir: "demo"},
		want: Project{Name: "demo", Services: []string{"db"}, WorkingDir: "demo", Files: []string{"over/docker-compose.yml"}},
	},
	{
		name: "discovers files in --project-directory",
		dir:  "named", o: Options{ProjectDir: "../over"},
		want: Project{Name: "over", Services: []string{"db", "dbextra"}, WorkingDir: "over", Files: []string{"over/docker-compose.yml", "over/docker-compose.override.yml"}},
	},
	{
		name: "normalizes the directory name into a project name",
		dir:  "Weird.Dir_Name",
		want: Project{Name: "weirddir_name", Services: []string{"web"}, WorkingDir: "Weird.Dir_Name", Files: []string{"Weird.Dir_Name/compose.yaml"}},
	},
	{
		name: "merges docker-compose.override.yml",
		dir:  "over",
		want: Project{Name: "over", Services: []string{"db", "dbextra"}, WorkingDir: "over", Files: []string{"over/docker-compose.yml", "over/docker-compose.override.yml"}},
	},
	{
		name: "merges compose.override.yaml",
		dir:  "over2",
		want: Project{Name: "over2", Services: []string{"app", "sidecar"}, WorkingDir: "over2", Files: []string{"over2/compose.yaml", "over2/compose.override.yaml"}},
	},
	{
		name: "warns when several files have supported names and uses compose.yaml",
		dir:  "multi",
		want: Project{Name: "multi", Services: []string{"web"}, WorkingDir: "multi", Files: []string{"multi/compose.yaml"}},
		warnings: []string{
			"Found multiple config files with supported names: $ROOT/multi/compose.yaml, $ROOT/multi/docker-compose.yml",
			"Using $ROOT/multi/compose.yaml",
		},
	},
	{
		name: "passes on the warning about an obsolete version attribute",
		dir:  "old",
		want: Project{Name: "old", Services: []string{"web"}, WorkingDir: "old", Files: []string{"old/docker-compose.yml"}},
		warnings: []string{
			"$ROOT/old/docker-compose.yml: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion",
		},
	},
	{
		name:     "passes on the warning about an unset variable",
		dir:      "unset",
		want:     Project{Name: "unset", Services: []string{"web"}, WorkingDir: "unset", Files: []string{"unset/compose.yaml"}},
		warnings: []string{`The "UNSET_VAR" variable is not set. Defaulting to a blank string.`},
	},
	{
		name: "takes the name from .env",
		dir:  "envdemo",
		want: envdemo("fromdotenv", false),
	},
	{
		name: "prefers the process environment to .env",
		dir:  "envdemo", o: Options{Env: []string{"COMPOSE_PROJECT_NAME=osenv"}},
		want: envdemo("osenv", false),
	},
	{
		name: "reads --env-file instead of .env",
		dir:  "envdemo", o: Options{EnvFiles: []string{"alt.env"}},
		want: envdemo("fromaltenv", true),
	},
	{
		name: "prefers the process environment to --env-file",
		dir:  "envdemo", o: Options{EnvFiles: []string{"alt.env"}, Env: []string{"COMPOSE_PROJECT_NAME=osenv"}},
		want: envdemo("osenv", true),
	},
	{
		name: "lets a later --env-file override an earlier one",
		dir:  "envdemo", o: Options{EnvFiles: []string{"alt.env", "other.env"}},
		want: envdemo("fromotherenv", true),
	},
	{
		name: "defaults --env-file to COMPOSE_ENV_FILES",
		dir:  "envdemo", o: Options{Env: []string{"COMPOSE_ENV_FILES=other.env,alt.env"}},
		want: envdemo("fromaltenv", true),
	},
	{
		name: "prefers --env-file to COMPOSE_ENV_FILES",
		dir:  "envdemo", o: Options{EnvFiles: []string{"other.env"}, Env: []string{"COMPOSE_ENV_FILES=alt.env"}},
		want: envdemo("fromotherenv", false),
	},
	{
		name: "ignores .env when COMPOSE_DISABLE_ENV_FILE is true",
		dir:  "envdemo", o: Options{Env: []string{"COMPOSE_DISABLE_ENV_FILE=1"}},
		want: envdemo("envdemo", false),
	},
	{
		name: "still reads --env-file when COMPOSE_DISABLE_ENV_FILE is true",
		dir:  "envdemo", o: Options{EnvFiles: []string{"alt.env"}, Env: []string{"COMPOSE_DISABLE_ENV_FILE=true"}},
		want: envdemo("fromaltenv", true),
	},
	{
		name: "reads .env from the working directory when the project directory above has none",
		dir:  "subenv/sub",
		want: Project{Name: "fromsubenv", Services: []string{"web"}, WorkingDir: "subenv", Files: []string{"subenv/compose.yaml"}},
	},
	{
		name: "enables the profiles in COMPOSE_PROFILES",
		dir:  "demo", o: Options{Env: []string{"COMPOSE_PROFILES=jobs"}},
		want: with(demo, func(p *Project) { p.Services, p.Disabled = []string{"api", "db", "worker"}, []string{"debug"} }),
	},
	{
		name: "prefers --profile to COMPOSE_PROFILES",
		dir:  "demo", o: Options{Profiles: []string{"debug"}, Env: []string{"COMPOSE_PROFILES=jobs"}},
		want: with(demo, func(p *Project) { p.Services, p.Disabled = []string{"api", "db", "debug"}, []string{"worker"} }),
	},
	{
		name: "enables several profiles",
		dir:  "demo", o: Options{Profiles: []string{"debug", "jobs"}},
		want: with(demo, func(p *Project) { p.Services, p.Disabled = []string{"api", "db", "debug", "worker"}, nil }),
	},
	{
		name: "interpolates profile names",
		dir:  "demo", o: Options{Profiles: []string{"other"}, Env: []string{"DEBUG_PROFILE=other"}},
		want: with(demo, func(p *Project) { p.Services, p.Disabled = []string{"api", "db", "debug"}, []string{"worker"} }),
	},
	{
		name: "keeps PWD from the environment",
		dir:  "pwdname", o: Options{Env: []string{"PWD=/Elsewhere/My.Dir"}},
		want: Project{Name: "elsewheremydir", Services: []string{"web"}, WorkingDir: "pwdname", Files: []string{"pwdname/compose.yaml"}},
	},
	{
		name: "falls back to COMPOSE_PROJECT_NAME when there is no compose file",
		dir:  "nofile", o: Options{Env: []string{"COMPOSE_PROJECT_NAME=envname"}},
		want: Project{Name: "envname", FromLabels: true},
	},
}

// envdemo is the envdemo fixture's project under name, with the extra
// profile enabled or not.
func envdemo(name string, extra bool) Project {
	p := Project{Name: name, Services: []string{"web"}, Disabled: []string{"extra"}, WorkingDir: "envdemo", Files: []string{"envdemo/compose.yaml"}}
	if extra {
		p.Services, p.Disabled = []string{"extra", "web"}, nil
	}
	return p
}

func TestLoad(t *testing.T) {
	decoyProcess(t)
	for _, tc := range loadCases {
		t.Run(tc.name, func(t *testing.T) {
			root := writeFixture(t)
			var warnings []string
			o := tc.o
			o.WorkDir = filepath.Join(root, tc.dir)
			o.Warn = func(msg string) { warnings = append(warnings, underRoot(root, msg)) }

			got, err := Load(t.Context(), o)
			assert.NilError(t, err)
			assert.DeepEqual(t, relative(t, root, got), &tc.want)
			assert.DeepEqual(t, warnings, tc.warnings)
		})
	}
}
