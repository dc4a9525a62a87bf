package main

import (
	"fmt"
	"strings"
)

// colorEnv is what the color decision reads from the environment.
type colorEnv struct {
	noColor    string // NO_COLOR
	forceColor string // FORCE_COLOR
	term       string // TERM
	tty        bool   // stdout is a terminal
}

// useColor decides once whether output is colored: --no-color and
// --color always/never win; with auto, NO_COLOR (any value) turns color
// off, FORCE_COLOR (any value but 0 or false) turns it on, and otherwise
// color is used on a terminal that is not TERM=dumb.
func useColor(flag string, noColor bool, env colorEnv) (bool, error) {
	if noColor {
		return false, nil
	}
	switch strings.ToLower(flag) {
	case "always", "yes", "true":
		return true, nil
	case "never", "no", "false":
		return false, nil
	case "auto", "":
	default:
		return false, fmt.Errorf("invalid --color %q: use auto, always or never", flag)
	}
	if env.noColor != "" {
		return false, nil
	}
	if f := strings.ToLower(env.forceColor); f != "" && f != "0" && f != "false" {
		return true, nil
	}
	return env.tty && env.term != "dumb", nil
}
