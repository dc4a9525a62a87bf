package compose

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/consts"
	"github.com/compose-spec/compose-go/v2/errdefs"
)

// NotFoundError is returned by Load when no compose file was found and no
// project name was given, so there is no project to follow.
type NotFoundError struct {
	// Dir is where the search started; it also covered Dir's parents.
	Dir string
}

// Error says where the search went and what to do next.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no compose file found in %s or its parents: run devlogs from your project directory, or pass -f FILE or -p NAME", e.Dir)
}

// Unwrap returns compose-go's errdefs.ErrNotFound, the error it reports in
// the same situation ("no configuration file provided: not found").
func (e *NotFoundError) Unwrap() error { return errdefs.ErrNotFound }

// placeholderName names the project in the reload done by explainLoadError;
// any valid name does.
const placeholderName = "devlogs-reload"

// explainLoadError wraps an error from LoadProject, first making sure it names
// the file at fault.
//
// When no project name is given, compose-go first unmarshals every file
// looking for `name:`, and a YAML syntax error from that pass comes back bare
// ("go-yaml load error in parser (…) at L5.C1: …"), naming the line but not
// the file. The full load, which compose-go runs only once it has a name,
// reports the same error as "failed to parse FILE: …". So when the error
// names none of the files, the files are loaded again under a placeholder
// name and that error is used if it names one.
func explainLoadError(ctx context.Context, po *cli.ProjectOptions, err error) error {
	if !namesAFile(err, po.ConfigPaths) {
		if again := reloadNamed(ctx, po); again != nil && namesAFile(again, po.ConfigPaths) {
			err = again
		}
	}
	// compose-go's message when the directory name has no usable character.
	if err.Error() == "project name must not be empty" {
		dir := filepath.Base(projectDirOf(po, ""))
		return fmt.Errorf("load compose project: directory name %q gives no project name: pass -p NAME or set name: in the compose file: %w", dir, err)
	}
	return fmt.Errorf("load compose project: %w", err)
}

// namesAFile reports whether err's message contains one of files.
func namesAFile(err error, files []string) bool {
	msg := err.Error()
	for _, f := range files {
		if strings.Contains(msg, f) {
			return true
		}
	}
	return false
}

// reloadNamed loads po's files again, with po's final environment and an
// explicit project name, and returns the error.
func reloadNamed(ctx context.Context, po *cli.ProjectOptions) error {
	env := make([]string, 0, len(po.Environment))
	for k, v := range po.Environment {
		if k != consts.ComposeProjectName {
			env = append(env, k+"="+v)
		}
	}
	again, err := cli.NewProjectOptions(po.ConfigPaths,
		cli.WithDiscardEnvFile,
		cli.WithoutEnvironmentResolution,
		cli.WithWorkingDirectory(po.WorkingDir),
		cli.WithEnv(env),
		cli.WithName(placeholderName),
	)
	if err != nil {
		return err
	}
	_, err = again.LoadProject(ctx)
	return err
}
