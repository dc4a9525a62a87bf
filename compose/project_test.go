package compose

import (
	"testing"

	"gotest.tools/v3/assert"
)

func TestCheckServices(t *testing.T) {
	demo := &Project{Name: "demo", Services: []string{"api", "db"}, Disabled: []string{"worker"}}
	for _, tc := range []struct {
		name    string
		project *Project
		names   []string
		want    string // "" for no error
	}{
		{name: "accepts no names", project: demo},
		{name: "accepts enabled services", project: demo, names: []string{"db", "api"}},
		{name: "accepts a service disabled by its profile", project: demo, names: []string{"worker"}},
		{
			name: "lists the services after an unknown name", project: demo, names: []string{"api", "apii"},
			want: `no such service "apii" in project "demo"; services: api, db, worker`,
		},
		{
			name: "names every unknown service once", project: demo, names: []string{"x", "api", "y", "x"},
			want: `no such services "x", "y" in project "demo"; services: api, db, worker`,
		},
		{
			name: "says when the project has no services", project: &Project{Name: "empty"}, names: []string{"api"},
			want: `no such service "api" in project "empty": it has no services`,
		},
		{
			name: "cannot check a project known by its labels only", project: &Project{Name: "demo", FromLabels: true},
			names: []string{"anything"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.project.CheckServices(tc.names)
			if tc.want == "" {
				assert.NilError(t, err)
				return
			}
			assert.Error(t, err, tc.want)
		})
	}
}
