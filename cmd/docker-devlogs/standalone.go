package main

import "strings"

// standaloneArgs rewrites the command line of "docker-devlogs [ARGS]" into
// the form the Docker CLI hands a plugin, "docker-devlogs [GLOBAL FLAGS]
// devlogs [ARGS]", so that both ways of running share one parser: the
// Docker CLI's global flags (-H, --context, --tls..., --config, -D, -l) are
// taken from the front of the command line, exactly as in
// "docker -H unix:///x devlogs ...", and everything after belongs to
// devlogs.
func standaloneArgs(args []string) []string {
	out := []string{args[0]}
	i := 1
	for i < len(args) {
		n := globalFlagArgs(args[i])
		if n == 0 {
			break
		}
		end := min(i+n, len(args))
		out = append(out, args[i:end]...)
		i = end
	}
	out = append(out, pluginName)
	return append(out, args[i:]...)
}

const pluginName = "devlogs"

// globalFlagArgs returns how many arguments the global flag at arg takes up
// (1 or 2), or 0 when arg is not a Docker CLI global flag.
func globalFlagArgs(arg string) int {
	valued := []string{"-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"}
	boolean := []string{"-D", "--debug", "--tls", "--tlsverify"}
	name, _, hasValue := strings.Cut(arg, "=")
	for _, f := range boolean {
		if name == f {
			return 1
		}
	}
	for _, f := range valued {
		switch {
		case name == f && hasValue:
			return 1
		case arg == f:
			return 2
		case len(f) == 2 && strings.HasPrefix(arg, f) && len(arg) > 2:
			return 1 // -Hunix:///x
		}
	}
	return 0
}
