package compose

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/utils"
)

// composeEnvFiles holds the default of --env-file, comma separated, as in
// docker compose (compose-go itself never reads it).
const composeEnvFiles = "COMPOSE_ENV_FILES"

// Options is what the user gave on the command line, with the docker compose
// flag names, plus the process environment. The package reads the
// environment and the working directory only from here.
type Options struct {
	// Files are the -f/--file values, in order. Relative paths are relative
	// to WorkDir.
	Files []string
	// ProjectName is the -p/--project-name value.
	ProjectName string
	// ProjectDir is the --project-directory value, relative to WorkDir.
	ProjectDir string
	// Profiles are the --profile values; when empty, COMPOSE_PROFILES applies.
	Profiles []string
	// EnvFiles are the --env-file values, relative to WorkDir. When nil, the
	// default comes from COMPOSE_ENV_FILES (comma separated) in Env, and then
	// from the project directory's .env.
	EnvFiles []string
	// WorkDir is the absolute directory devlogs runs in: discovery starts
	// there and relative paths are resolved against it (cmd passes
	// os.Getwd()). Load needs it whenever it reads files, that is unless
	// ProjectName is set without Files.
	WorkDir string
	// Env is the process environment as KEY=VALUE (cmd passes os.Environ()).
	Env []string
	// Warn, when set, receives compose-go's warnings (several config files,
	// obsolete `version`, unset variables) instead of stderr; nil drops them.
	Warn func(string)
}

// Load loads the project the way `docker compose logs` finds it (its
// projectOrName): -p without -f names the project without reading any file,
// otherwise the compose files are loaded, and when none is found
// COMPOSE_PROJECT_NAME from the environment names the project. The two
// name-only outcomes have FromLabels set.
func Load(ctx context.Context, o Options) (*Project, error) {
	if err := checkName(o.ProjectName); err != nil {
		return nil, fmt.Errorf("-p/--project-name: %w", err)
	}
	if o.ProjectName != "" && len(o.Files) == 0 {
		return &Project{Name: o.ProjectName, FromLabels: true}, nil
	}
	if !filepath.IsAbs(o.WorkDir) {
		return nil, fmt.Errorf("compose options: working directory %q is not an absolute path", o.WorkDir)
	}
	env := utils.GetAsEqualsMap(o.Env)

	var quiet atomic.Bool
	restore := captureWarnings(func(msg string) {
		if !quiet.Load() && o.Warn != nil {
			o.Warn(msg)
		}
	})
	defer restore()

	po, err := projectOptions(o, env)
	if err != nil {
		return nil, fmt.Errorf("load compose project: %w", err)
	}
	if len(po.ConfigPaths) == 0 {
		return nameOnly(o, env)
	}
	if slices.Contains(po.ConfigPaths, "-") {
		return nil, errors.New("reading a compose file from stdin (-f -) is not supported: pass the file's path with -f")
	}
	if v := po.Environment[consts.ComposeProjectName]; o.ProjectName == "" && v != "" {
		// compose-go rejects it too, but without saying where it came from.
		if err := checkName(v); err != nil {
			return nil, fmt.Errorf("%s (from the environment or an env file): %w", consts.ComposeProjectName, err)
		}
	}
	p, err := po.LoadProject(ctx)
	if err != nil {
		quiet.Store(true) // the retry in explainLoadError repeats the same warnings
		return nil, explainLoadError(ctx, po, err)
	}
	return fromCompose(p), nil
}

// projectOptions builds compose-go's options in the order of docker compose's
// toProjectOptions, with the options passed by its projectOrName first.
func projectOptions(o Options, env map[string]string) (*cli.ProjectOptions, error) {
	envFiles := o.EnvFiles
	if envFiles == nil {
		envFiles = strings.FieldsFunc(env[composeEnvFiles], func(r rune) bool { return r == ',' })
	}
	envFiles = absAllFrom(o.WorkDir, envFiles)
	projectDir := ""
	if o.ProjectDir != "" {
		projectDir = absFrom(o.WorkDir, o.ProjectDir)
	}

	fns := []cli.ProjectOptionsFn{
		cli.WithDiscardEnvFile,
		cli.WithoutEnvironmentResolution,
		cli.WithWorkingDirectory(projectDir),
		cli.WithEnv(o.Env), // compose: cli.WithOsEnv
	}
	if _, ok := env["PWD"]; !ok {
		fns = append(fns, cli.WithEnv([]string{"PWD=" + o.WorkDir}))
	}
	fns = append(fns,
		withEnvFiles(envFiles, env, o.WorkDir, o.Warn),
		cli.WithDotEnv,
		withConfigFileEnv(o.WorkDir),
		withDefaultConfigPath(o.WorkDir),
		// Again: discovery may have moved the project directory to a parent.
		withEnvFiles(envFiles, env, o.WorkDir, o.Warn),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(o.Profiles...),
		cli.WithName(o.ProjectName),
	)
	return cli.NewProjectOptions(absAllFrom(o.WorkDir, o.Files), fns...)
}

// nameOnly is the outcome when no compose file was found: like compose's
// projectOrName, fall back to COMPOSE_PROJECT_NAME from the process
// environment (not from a .env file), else report where the search went.
func nameOnly(o Options, env map[string]string) (*Project, error) {
	name := env[consts.ComposeProjectName]
	if name == "" {
		dir := o.WorkDir
		if o.ProjectDir != "" {
			dir = absFrom(o.WorkDir, o.ProjectDir)
		}
		return nil, &NotFoundError{Dir: dir}
	}
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("%s: %w", consts.ComposeProjectName, err)
	}
	return &Project{Name: name, FromLabels: true}, nil
}

// checkName accepts "" (no name given) and names compose accepts as given.
func checkName(name string) error {
	if loader.NormalizeProjectName(name) != name {
		return loader.InvalidProjectNameErr(name)
	}
	return nil
}
