package stream

import (
	"strconv"
	"strings"

	"github.com/docker-devlogs/devlogs/entry"
)

// Compose labels on every container of a project.
const (
	labelProject = "com.docker.compose.project"
	labelService = "com.docker.compose.service"
	labelNumber  = "com.docker.compose.container-number"
	labelOneOff  = "com.docker.compose.oneoff"
)

// newSource describes a container from its compose labels and name (with or
// without the leading slash the list API gives). Replicas are shown as
// "api-1", "api-2"; a one-off container (docker compose run) by its name
// without the project prefix, "api-run-0a1b2c3d4e5f".
func newSource(id, name string, labels map[string]string) *entry.Source {
	s := &entry.Source{
		ID:      id,
		Project: labels[labelProject],
		Service: labels[labelService],
		OneOff:  strings.EqualFold(labels[labelOneOff], "true"),
	}
	s.Number, _ = strconv.Atoi(labels[labelNumber])
	name = strings.TrimPrefix(name, "/")
	switch {
	case s.Service != "" && s.Number > 0 && !s.OneOff:
		s.Name = s.Service + "-" + strconv.Itoa(s.Number)
	case name != "":
		s.Name = strings.TrimPrefix(name, s.Project+"-")
	case s.Service != "":
		s.Name = s.Service
	default:
		s.Name = shortID(id)
	}
	return s
}

// shortID returns the 12-character form of a container ID.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
