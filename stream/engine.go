package stream

import (
	"context"
	"errors"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Engine is the part of the Docker Engine API a Follower uses: read-only
// endpoints only (containers/json, containers/{id}/json,
// containers/{id}/logs, events), so that it works behind an allowlisting
// socket proxy.
type Engine interface {
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerInspect(ctx context.Context, id string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerLogs(ctx context.Context, id string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error)
	Events(ctx context.Context, options client.EventsListOptions) client.EventsResult
}

var _ Engine = (*client.Client)(nil)

// isNotFound reports a container that no longer exists.
func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

// isUnreadable reports a log driver that cannot be read back (driver
// "none", or a remote driver without the daemon's dual-logging cache). The
// daemon answers 501 "configured logging driver does not support reading".
func isUnreadable(err error) bool {
	return cerrdefs.IsNotImplemented(err) || (err != nil && strings.Contains(err.Error(), "does not support reading"))
}

// isRemoving reports a container the daemon is removing: its log can no
// longer be read ("can not get logs from container which is dead or marked
// for removal").
func isRemoving(err error) bool {
	return err != nil && strings.Contains(err.Error(), "marked for removal")
}

// isCanceled reports the end of the run rather than a failure.
func isCanceled(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, context.Canceled)
}
