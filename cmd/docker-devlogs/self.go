package main

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"strings"

	"github.com/moby/moby/client"
)

// selfContainer is the container devlogs runs in, when it runs in one.
type selfContainer struct {
	ID, Name, Project string
}

// containerIDPattern finds a container ID in a mount path: Docker bind
// mounts /etc/hostname, /etc/hosts and /etc/resolv.conf from
// /var/lib/docker/containers/<id>/ (or <data-root>/containers/<id>/).
var containerIDPattern = regexp.MustCompile(`/containers/([0-9a-f]{64})/`)

// selfCandidates returns the IDs the container devlogs runs in may have:
// the one in the source of its /etc/hostname mount, then the hostname
// (Docker sets it to the short ID unless the service sets hostname:).
func selfCandidates() []string {
	var ids []string
	if f, err := os.Open("/proc/self/mountinfo"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// fields: id parent major:minor root mount-point ...
			fields := strings.Fields(sc.Text())
			if len(fields) < 5 || fields[4] != "/etc/hostname" {
				continue
			}
			if m := containerIDPattern.FindStringSubmatch(fields[3]); m != nil {
				ids = append(ids, m[1])
			}
			break
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		ids = append(ids, h)
	}
	return ids
}

// findSelf asks the engine which of the candidates is a container, and of
// which compose project. It returns nil outside a container.
func findSelf(ctx context.Context, engine interface {
	ContainerInspect(context.Context, string, client.ContainerInspectOptions) (client.ContainerInspectResult, error)
}) *selfContainer {
	if _, err := os.Stat("/.dockerenv"); err != nil {
		return nil // Docker creates /.dockerenv in every container
	}
	for _, id := range selfCandidates() {
		r, err := engine.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil || r.Container.Config == nil {
			continue
		}
		return &selfContainer{
			ID:      r.Container.ID,
			Name:    strings.TrimPrefix(r.Container.Name, "/"),
			Project: r.Container.Config.Labels["com.docker.compose.project"],
		}
	}
	return nil
}
