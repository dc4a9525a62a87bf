package main

import (
	"testing"
	"time"

	"gotest.tools/v3/assert"
)

func TestColorIsDecidedOnceFromFlagsEnvironmentAndTerminal(t *testing.T) {
	tty := colorEnv{tty: true, term: "xterm-256color"}
	for _, tc := range []struct {
		name    string
		flag    string
		noColor bool
		env     colorEnv
		want    bool
	}{
		{"a terminal is colored", "auto", false, tty, true},
		{"a pipe is plain", "auto", false, colorEnv{}, false},
		{"NO_COLOR turns it off", "auto", false, colorEnv{tty: true, noColor: "1"}, false},
		{"FORCE_COLOR turns it on in a pipe", "auto", false, colorEnv{forceColor: "1"}, true},
		{"FORCE_COLOR=0 does not", "auto", false, colorEnv{forceColor: "0"}, false},
		{"NO_COLOR wins over FORCE_COLOR", "auto", false, colorEnv{noColor: "x", forceColor: "1"}, false},
		{"TERM=dumb is plain", "auto", false, colorEnv{tty: true, term: "dumb"}, false},
		{"--color always beats NO_COLOR", "always", false, colorEnv{noColor: "1"}, true},
		{"--color never beats a terminal", "never", false, tty, false},
		{"--no-color beats --color always", "always", true, tty, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := useColor(tc.flag, tc.noColor, tc.env)
			assert.NilError(t, err)
			assert.Equal(t, got, tc.want)
		})
	}
	_, err := useColor("sometimes", false, tty)
	assert.ErrorContains(t, err, `invalid --color "sometimes"`)
}

func TestTailDefaultsToAScreenfulWhenFollowingAndAllOtherwise(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    options
		want int
	}{
		{"following", options{}, defaultFollowTail},
		{"--no-follow", options{noFollow: true}, -1},
		{"--since", options{since: "10m"}, -1},
		{"a number", options{tail: "7"}, 7},
		{"zero", options{tail: "0"}, 0},
		{"all", options{tail: "all"}, -1},
		{"ALL", options{tail: "ALL"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.o.tailValue()
			assert.NilError(t, err)
			assert.Equal(t, got, tc.want)
		})
	}
	for _, bad := range []string{"ten", "-3", "1.5"} {
		_, err := (&options{tail: bad}).tailValue()
		assert.ErrorContains(t, err, "invalid --tail")
	}
}

func TestTimesAreAbsoluteOrAgo(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                            now.Add(-10 * time.Minute),
		"1h30m":                          now.Add(-90 * time.Minute),
		"2026-11-21T10:00:00Z":           time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC),
		"2026-11-21T10:00:00.5+01:00":    time.Date(2026, 11, 21, 9, 0, 0, 5e8, time.UTC),
		"1763719200":                     time.Unix(1763719200, 0),
		"2026-11-21T10:00:00.123456789Z": time.Date(2026, 11, 21, 10, 0, 0, 123456789, time.UTC),
	} {
		got, err := parseTime("since", in, now)
		assert.NilError(t, err, in)
		assert.Assert(t, got.Equal(want), "%s: got %v, want %v", in, got, want)
	}
	for _, bad := range []string{"yesterday", "-5m", "10 minutes"} {
		_, err := parseTime("since", bad, now)
		assert.ErrorContains(t, err, "invalid --since")
	}
}

func TestServicesFromArgumentsAndFlagMerge(t *testing.T) {
	assert.DeepEqual(t, selectedServices([]string{"api", "db"}, []string{"worker", "api"}), []string{"api", "db", "worker"})
	assert.Assert(t, selectedServices(nil, nil) == nil)
}
