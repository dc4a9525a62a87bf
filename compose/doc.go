// Package compose loads a Compose project with compose-go exactly as
// `docker compose` does, and reduces it to what devlogs needs: the project
// name and its services.
//
// # What is matched, and how
//
// Load builds compose-go's options in the order of docker compose's
// toProjectOptions (cmd/compose/compose.go in docker/compose v5): the
// project directory, the environment, the env files and .env, COMPOSE_FILE,
// discovery of compose.yaml and its override in the working directory or a
// parent, the env files and .env again (discovery may have moved the project
// directory), the profiles (--profile, else COMPOSE_PROFILES) and -p. Like
// compose's projectOrName, which `docker compose logs` uses, it adds
// WithDiscardEnvFile and WithoutEnvironmentResolution, reads no file when -p
// is given without -f, and falls back to COMPOSE_PROJECT_NAME from the process
// environment when no compose file exists. compose-go decides the project
// name: -p, then COMPOSE_PROJECT_NAME (process environment before env files),
// then `name:` in the files, then the project directory's base name,
// lower-cased with characters outside [a-z0-9_-] removed.
//
// Compose also sets the defaults compose-go leaves to its caller: --env-file
// defaults to COMPOSE_ENV_FILES split on commas, and PWD is added to the
// environment when missing.
//
// # Environment and working directory come from Options
//
// The package never reads the process environment or working directory;
// Options.Env and Options.WorkDir stand for them. compose-go does read them
// in a few places, so Load hands it absolute paths (-f, --env-file,
// --project-directory, COMPOSE_FILE entries), lends it WorkDir as the
// directory discovery starts from, and decides the default .env itself
// because compose-go reads COMPOSE_DISABLE_ENV_FILE with os.LookupEnv. What
// is left: `~` in paths inside the compose files expands with the process's
// home directory, as in compose.
//
// # Where this differs from docker compose, on purpose
//
//   - An invalid -p or COMPOSE_PROJECT_NAME is an error even when no file is
//     read; compose would silently follow a project that cannot exist.
//   - The COMPOSE_PROJECT_NAME fallback applies only when no compose file
//     was found. Compose also takes it when a file exists but fails to load,
//     which hides the file's error.
//   - -f - (a compose file on stdin) is refused.
//   - Remote (git, OCI) compose files are not supported: compose registers
//     loaders for them that need the docker CLI.
//   - A YAML syntax error names its file: compose-go reports the first such
//     error without the file name when no project name is given, so Load
//     loads the files again under a placeholder name to get compose-go's
//     "failed to parse FILE: …" form (see explainLoadError).
//
// # Known gap
//
// YAML syntax errors carry the line numbers of go.yaml.in/yaml/v4
// v4.0.0-rc.4, the version compose-go v2.16.2 brings into this module graph:
// they count lines from 0 ("line 3, column 4" is the fourth line), where the
// docker compose plugin, built with rc.6, prints L4.C4. Load passes the
// message on unchanged rather than rewrite a dependency's text.
//
// # Warnings
//
// compose-go writes its warnings (several config files found, obsolete
// `version`, unset variables) with the global logrus logger, to stderr. For
// the duration of a Load, the standard logrus logger's output is swapped for
// a hook that passes warnings to Options.Warn, under a package mutex so
// concurrent Loads restore it in order. Anything else logged through logrus
// while a Load runs still reaches the logger's output.
package compose
