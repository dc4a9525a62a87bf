package main

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/docker/cli/cli/command"
	"github.com/docker/cli/cli/context/docker"
	"github.com/moby/moby/client"
)

// engineClient returns the Engine API client. For a local socket it builds
// one with a 64 KiB read buffer: the daemon flushes every log frame
// separately, and the transport's default 4 KiB buffer caps what one read
// system call can take when frames have piled up. Every other endpoint
// (TCP with TLS, ssh, contexts with helpers) uses the Docker CLI's client.
func engineClient(dockerCli command.Cli) (client.APIClient, error) {
	ep := dockerCli.DockerEndpoint()
	path, ok := strings.CutPrefix(ep.Host, "unix://")
	if !ok || !plainSocket(ep) {
		return dockerCli.Client(), nil
	}
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
		ReadBufferSize:     64 << 10,
		DisableCompression: true,
	}
	opts := []client.Opt{
		client.WithHost(ep.Host),
		client.WithHTTPClient(&http.Client{Transport: tr, CheckRedirect: client.CheckRedirect}),
		client.WithAPIVersionFromEnv(),
	}
	if h := dockerCli.ConfigFile().HTTPHeaders; len(h) > 0 {
		opts = append(opts, client.WithHTTPHeaders(h))
	}
	return client.New(opts...)
}

// plainSocket reports an endpoint that is a bare local socket, with no TLS.
func plainSocket(ep docker.Endpoint) bool {
	return ep.TLSData == nil && !ep.SkipTLSVerify
}
