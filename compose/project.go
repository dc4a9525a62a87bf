package compose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Project is what devlogs needs of a Compose project: the name its
// containers are labelled with and the services it declares.
type Project struct {
	// Name is the project name, the value of the com.docker.compose.project
	// label on its containers.
	Name string
	// Services are the enabled services, sorted.
	Services []string
	// Disabled are the services disabled by inactive profiles, sorted.
	Disabled []string
	// WorkingDir is the absolute project directory; empty when FromLabels.
	WorkingDir string
	// Files are the absolute paths of the compose files loaded, in order.
	Files []string
	// FromLabels is true when no compose file was loaded: the project is
	// known by name only and its services come from container labels.
	FromLabels bool
}

// fromCompose reduces a loaded compose-go project to a Project.
func fromCompose(p *types.Project) *Project {
	return &Project{
		Name:       p.Name,
		Services:   p.ServiceNames(),
		Disabled:   p.DisabledServiceNames(),
		WorkingDir: p.WorkingDir,
		Files:      slices.Clone(p.ComposeFiles),
	}
}

// CheckServices checks the service names a user asked for: each must be a
// service of the project, enabled or disabled by a profile (docker compose
// enables a disabled service that is named explicitly). An unknown name is an
// error listing the project's services. A FromLabels project has no file to
// check against, so every name passes.
func (p *Project) CheckServices(names []string) error {
	if p.FromLabels {
		return nil
	}
	var unknown []string
	for _, n := range names {
		q := strconv.Quote(n)
		if !slices.Contains(p.Services, n) && !slices.Contains(p.Disabled, n) && !slices.Contains(unknown, q) {
			unknown = append(unknown, q)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	noun := "service"
	if len(unknown) > 1 {
		noun = "services"
	}
	known := slices.Concat(p.Services, p.Disabled)
	if len(known) == 0 {
		return fmt.Errorf("no such %s %s in project %q: it has no services", noun, strings.Join(unknown, ", "), p.Name)
	}
	slices.Sort(known)
	return fmt.Errorf("no such %s %s in project %q; services: %s", noun, strings.Join(unknown, ", "), p.Name, strings.Join(known, ", "))
}
