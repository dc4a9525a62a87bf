// Command docker-devlogs follows the merged logs of a Docker Compose project.
// It is a Docker CLI plugin ("docker devlogs") and runs standalone with the
// same flags ("docker-devlogs"), for example as a sidecar container.
package main

import (
	"os"
	"runtime"

	"github.com/docker/cli/cli-plugins/metadata"
	"github.com/docker/cli/cli-plugins/plugin"
	"github.com/docker/cli/cli/command"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

func main() {
	limitProcs()
	if plugin.RunningStandalone() {
		os.Args = standaloneArgs(os.Args)
	}
	plugin.Run(func(dockerCli command.Cli) *cobra.Command {
		return newCommand(dockerCli)
	}, metadata.Metadata{
		SchemaVersion:    "0.1.0",
		Vendor:           "docker devlogs",
		Version:          version,
		ShortDescription: "Follow the merged logs of a Compose project",
	})
}

// limitProcs runs devlogs on one processor unless GOMAXPROCS says
// otherwise. Its work is light per line and passed between goroutines
// (readers, merge, renderer); on one processor those hand-offs need no
// thread wake-ups, and the other cores stay with the Docker daemon that
// produces the logs on the same machine. Measured on 2 cores, 1M lines:
// 5.0 s instead of 5.35 s, with a quarter less system time.
func limitProcs() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}
