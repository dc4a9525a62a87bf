// Command ensure-compose checks that the Docker engine answers and that
// `docker compose` v2 is installed, building Compose from the Go module
// proxy (cached) when it is missing. It prints the versions it found.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

func main() {
	out, err := testenv.Output(nil, "docker", "version", "--format", "engine {{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}")
	if err != nil {
		fmt.Fprintf(os.Stderr, "ensure-compose: the Docker engine does not answer: %v\n%s", err, out)
		os.Exit(1)
	}
	fmt.Println("docker:", strings.TrimSpace(out))
	if err := testenv.EnsureCompose(); err != nil {
		fmt.Fprintln(os.Stderr, "ensure-compose:", err)
		os.Exit(1)
	}
	v, _ := testenv.Output(nil, "docker", "compose", "version", "--short")
	fmt.Println("compose:", strings.TrimSpace(v))
}
