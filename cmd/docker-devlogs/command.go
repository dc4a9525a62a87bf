package main

import (
	"github.com/docker-devlogs/devlogs/stream"
	"github.com/docker/cli/cli/command"
	"github.com/spf13/cobra"
)

const (
	defaultLineMax       = stream.DefaultLineMax
	defaultReorderWindow = stream.DefaultReorderWindow
)

const longHelp = `Follow the merged logs of every container of a Compose project: through
restarts, recreation and scaling, losing no line and showing none twice.

The project is found as docker compose finds it: -f/--file, -p/--project-name,
COMPOSE_FILE, COMPOSE_PROJECT_NAME, .env, or a compose.yaml in this directory or
a parent. With -p and no compose file, containers are found by their labels.

Started before "docker compose up", devlogs waits and shows every service as it
comes up. Containers that exist at start-up show their last --tail lines first,
merged across services by timestamp; containers that appear later are shown
from their first line.

Lines go to stdout; notices (attached, restarted, exited, possible gaps) go to
stderr, one line each.`

const examples = `  docker devlogs                          follow the project in this directory
  docker devlogs api worker --level warn  warnings and errors of two services, stack traces whole
  docker devlogs -i timeout -e healthz    lines matching /timeout/, without /healthz/
  docker devlogs --where 'status>=500'    JSON or logfmt lines whose status field is 500 or more
  docker devlogs -o json | jq .message    one JSON object per line
  docker devlogs --no-follow --since 10m  print the last 10 minutes and exit
  docker devlogs -p shop -t --tail all    a project by name, whole history, with timestamps`

func newCommand(dockerCli command.Cli) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:     pluginName + " [OPTIONS] [SERVICE...]",
		Short:   "Follow the merged logs of a Compose project",
		Long:    longHelp,
		Example: examples,
		// Services are arguments: the usage line is the command's own
		// even though it has a subcommand (docker's template would show
		// "COMMAND" alone then).
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), dockerCli, o, args)
		},
	}
	o.install(cmd.Flags())
	o.lines.install(cmd.Flags())
	cmd.AddCommand(newVersionCommand())
	cmd.SetUsageTemplate(usageTemplate)
	return cmd
}

// usageTemplate is docker's layout for a command that takes arguments and
// also has a subcommand.
const usageTemplate = `Usage:  {{.UseLine}}

{{if ne .Long ""}}{{.Long | trim}}{{else}}{{.Short | trim}}{{end}}
{{- if .HasExample}}

Examples:
{{.Example}}
{{- end}}
{{- if .HasAvailableLocalFlags}}

Options:
{{.LocalFlags.FlagUsagesWrapped 80 | trimTrailingWhitespaces}}
{{- end}}
{{- if .HasAvailableSubCommands}}

Commands:
{{- range .Commands}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}

Run '{{.CommandPath}} COMMAND --help' for more information on a command.
{{- end}}
`
