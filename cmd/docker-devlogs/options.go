package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/docker-devlogs/devlogs/stream"
	"github.com/spf13/pflag"
)

// options holds the command line as given.
type options struct {
	files       []string
	projectName string
	projectDir  string
	profiles    []string
	envFiles    []string

	services   []string
	noFollow   bool
	tail       string
	since      string
	until      string
	timestamps bool
	noPrefix   bool
	color      string
	noColor    bool
	order      string
	oneOff     bool
	lineMax    int64
	maxStreams int

	lines lineOptions
}

// defaultFollowTail is the history shown per container when following
// without --tail: enough to see what a container was doing, without
// replaying days of output of a long-running project before the live lines.
const defaultFollowTail = 100

func (o *options) install(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&o.files, "file", "f", nil, "Compose configuration files (repeatable; default: compose.yaml etc. in this or a parent directory)")
	fs.StringVarP(&o.projectName, "project-name", "p", "", "Project name (default: as docker compose decides; with -p and no compose file, the containers' labels are used)")
	fs.StringVar(&o.projectDir, "project-directory", "", "Alternate working directory (default: the directory of the first compose file)")
	fs.StringArrayVar(&o.profiles, "profile", nil, "Profile to enable (repeatable)")
	fs.StringArrayVar(&o.envFiles, "env-file", nil, "Alternate environment file (repeatable; default: COMPOSE_ENV_FILES or .env)")

	fs.StringSliceVar(&o.services, "services", nil, "Services to follow, comma or space separated (same as the SERVICE arguments; default: all)")
	fs.BoolVar(&o.noFollow, "no-follow", false, "Print the stored logs and exit instead of following")
	fs.StringVarP(&o.tail, "tail", "n", "", fmt.Sprintf("Lines of history per container that exists at start-up: a number or \"all\" (default: %d when following, all with --no-follow or --since)", defaultFollowTail))
	fs.StringVar(&o.since, "since", "", "Show lines since a time (2026-11-21T10:00:00Z) or a duration ago (10m, 1h30m)")
	fs.StringVar(&o.until, "until", "", "Show lines until a time or a duration ago; when following, stop then")
	fs.BoolVarP(&o.timestamps, "timestamps", "t", false, "Show the daemon's timestamp of every line")
	fs.BoolVar(&o.noPrefix, "no-log-prefix", false, "Do not print the service-N | prefix")
	fs.StringVar(&o.color, "color", "auto", "Colorize output: auto, always or never (auto honours NO_COLOR and FORCE_COLOR)")
	fs.BoolVar(&o.noColor, "no-color", false, "Same as --color never")
	fs.StringVar(&o.order, "order", "arrival", fmt.Sprintf("Order of live lines: arrival, or time (held %v to merge containers by timestamp)", durationText(defaultReorderWindow)))
	fs.BoolVar(&o.oneOff, "include-run", false, "Also follow one-off containers (docker compose run)")
	fs.Int64Var(&o.lineMax, "max-line-bytes", defaultLineMax, "Cut lines longer than this, with a marker saying how much was cut")
	fs.IntVar(&o.maxStreams, "max-streams", stream.DefaultMaxStreams, "Follow at most this many containers at once (exited ones do not count); the others are named in a warning and followed, from their first line, as others stop or are removed")
}

// tailValue returns the --tail as a count, negative for all.
func (o *options) tailValue() (int, error) {
	switch strings.ToLower(strings.TrimSpace(o.tail)) {
	case "":
		if o.noFollow || o.since != "" {
			return -1, nil
		}
		return defaultFollowTail, nil
	case "all", "-1":
		return -1, nil
	}
	n, err := strconv.Atoi(o.tail)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid --tail %q: give a number of lines (0 or more) or \"all\"", o.tail)
	}
	return n, nil
}

// parseTime reads --since/--until: an RFC 3339 time (the zone may be left
// out: local time), a date, a duration ago, or Unix seconds.
func parseTime(flag, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"} {
		loc := time.Local
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs > 0 {
		sec := int64(secs)
		return time.Unix(sec, int64((secs-float64(sec))*1e9)), nil
	}
	return time.Time{}, fmt.Errorf("invalid --%s %q: give a time like 2026-11-21T10:00:00Z or a duration ago like 10m", flag, s)
}

func durationText(d time.Duration) string {
	return strings.TrimSuffix(d.String(), "0s")
}
