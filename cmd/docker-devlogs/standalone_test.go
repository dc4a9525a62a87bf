package main

import (
	"testing"

	"gotest.tools/v3/assert"
)

func TestStandaloneArgsPutGlobalFlagsBeforeTheCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"no arguments", []string{"x"}, []string{"x", "devlogs"}},
		{"only devlogs flags", []string{"x", "--tail", "5", "api"}, []string{"x", "devlogs", "--tail", "5", "api"}},
		{"host then flags", []string{"x", "-H", "unix:///s", "--no-follow"}, []string{"x", "-H", "unix:///s", "devlogs", "--no-follow"}},
		{"attached host value", []string{"x", "-Hunix:///s", "api"}, []string{"x", "-Hunix:///s", "devlogs", "api"}},
		{"context with equals and debug", []string{"x", "--context=alt", "-D", "api"}, []string{"x", "--context=alt", "-D", "devlogs", "api"}},
		{"a later -H belongs to devlogs", []string{"x", "--tail", "1", "-H", "re"}, []string{"x", "devlogs", "--tail", "1", "-H", "re"}},
		{"help", []string{"x", "--help"}, []string{"x", "devlogs", "--help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.DeepEqual(t, standaloneArgs(tc.in), tc.want)
		})
	}
}
