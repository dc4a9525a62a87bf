package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
)

// This file holds the stand-ins for the compose-go options that would read the
// process's working directory or environment: compose-go resolves relative
// paths with filepath.Abs and falls back to os.Getwd, and reads
// COMPOSE_DISABLE_ENV_FILE with os.LookupEnv. Each stand-in gives compose-go
// absolute paths or a working directory taken from Options, then lets
// compose-go do the rest, so its behaviour is kept.

// absFrom returns path made absolute against dir. "-" (stdin) is kept as is.
func absFrom(dir, path string) string {
	if path == "-" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// absAllFrom applies absFrom to every path; nil stays nil.
func absAllFrom(dir string, paths []string) []string {
	if paths == nil {
		return nil
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = absFrom(dir, p)
	}
	return out
}

// projectDirOf is the directory compose-go's GetWorkingDir would return, with
// workDir standing in for os.Getwd: the explicit project directory, else the
// directory of the first compose file, else workDir. All three are absolute
// here because every path handed to compose-go was made absolute first.
func projectDirOf(o *cli.ProjectOptions, workDir string) string {
	if o.WorkingDir != "" {
		return o.WorkingDir
	}
	for _, p := range o.ConfigPaths {
		if p != "-" {
			return filepath.Dir(p)
		}
	}
	return workDir
}

// withEnvFiles stands in for cli.WithEnvFiles(files...). Explicit files are
// passed through. Without them, the default is the project directory's .env
// unless COMPOSE_DISABLE_ENV_FILE is true in env (compose-go reads it from the
// process environment; here the caller's Options.Env is that environment).
// Like compose-go, finding no .env leaves the files chosen earlier in place:
// compose applies this option twice, before and after discovery, and a .env
// found in the directory devlogs was started from is still read when the
// project directory found above it has none.
func withEnvFiles(files []string, env map[string]string, workDir string, warn func(string)) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		if len(files) > 0 {
			return cli.WithEnvFiles(files...)(o)
		}
		if v, ok := env[consts.ComposeDisableDefaultEnvFile]; ok {
			disabled, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s=%q is not a boolean: %w", consts.ComposeDisableDefaultEnvFile, v, err)
			}
			if disabled {
				return nil
			}
		}
		dotEnv := filepath.Join(projectDirOf(o, workDir), ".env")
		fi, err := os.Stat(dotEnv)
		switch {
		case os.IsNotExist(err):
			return nil
		case os.IsPermission(err):
			// As compose-go: the default .env is a convenience, not a request.
			if warn != nil {
				warn(fmt.Sprintf("cannot access %s, ignoring default env file: %v", dotEnv, err))
			}
			return nil
		case err != nil:
			return err
		case fi.IsDir():
			return nil
		}
		return cli.WithEnvFiles(dotEnv)(o)
	}
}

// withConfigFileEnv runs cli.WithConfigFileEnv with the relative entries of
// COMPOSE_FILE made absolute against workDir, since compose-go resolves them
// against the process's working directory. The variable is restored
// afterwards so interpolation sees the value the user set.
func withConfigFileEnv(workDir string) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		value, ok := o.Environment[consts.ComposeFilePath]
		if !ok || len(o.ConfigPaths) > 0 {
			return nil
		}
		sep := o.Environment[consts.ComposePathSeparator]
		if sep == "" {
			sep = string(os.PathListSeparator)
		}
		entries := strings.Split(value, sep)
		for i, e := range entries {
			entries[i] = absFrom(workDir, e)
		}
		o.Environment[consts.ComposeFilePath] = strings.Join(entries, sep)
		defer func() { o.Environment[consts.ComposeFilePath] = value }()
		return cli.WithConfigFileEnv(o)
	}
}

// withDefaultConfigPath runs cli.WithDefaultConfigPath so that discovery
// starts in workDir when neither a project directory nor a compose file is
// set (compose-go would start in os.Getwd). The working directory is only
// lent for the search: compose-go then takes the project directory from the
// first file found, which may be in a parent of workDir.
func withDefaultConfigPath(workDir string) cli.ProjectOptionsFn {
	return func(o *cli.ProjectOptions) error {
		if o.WorkingDir != "" || len(o.ConfigPaths) > 0 {
			return cli.WithDefaultConfigPath(o)
		}
		o.WorkingDir = workDir
		defer func() { o.WorkingDir = "" }()
		return cli.WithDefaultConfigPath(o)
	}
}
