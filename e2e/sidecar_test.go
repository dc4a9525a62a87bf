package e2e

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"github.com/docker-devlogs/devlogs/internal/testproxy"
	"gotest.tools/v3/assert"
	is "gotest.tools/v3/assert/cmp"
)

// sidecarService is the hardened sidecar of examples/sidecar, reading the
// Docker API through socket.
func sidecarService(socket string, gid uint32) string {
	return "  devlogs:\n    image: " + testenv.DevlogsImage + "\n" +
		"    command: [\"--tail\", \"all\", \"-t\"]\n" +
		"    volumes: [\"" + socket + ":/var/run/docker.sock:ro\"]\n" +
		"    read_only: true\n    cap_drop: [ALL]\n    security_opt: [\"no-new-privileges:true\"]\n" +
		"    user: \"65532:65532\"\n    group_add: [\"" + strconv.Itoa(int(gid)) + "\"]\n    network_mode: none\n"
}

func socketGroup(t *testing.T, path string) uint32 {
	fi, err := os.Stat(path)
	assert.NilError(t, err)
	return fi.Sys().(*syscall.Stat_t).Gid
}

func TestSidecarFollowsTheOtherServicesOnly(t *testing.T) {
	setup(t)
	testenv.BuildDevlogsImage(t)
	runSidecar(t, "/var/run/docker.sock", nil)
}

func TestSidecarNeedsOnlyReadEndpoints(t *testing.T) {
	setup(t)
	testenv.BuildDevlogsImage(t)
	proxy, err := testproxy.Start(t.TempDir(), "/var/run/docker.sock", testproxy.AllowReadOnly)
	assert.NilError(t, err)
	t.Cleanup(func() { proxy.Close() })
	runSidecar(t, proxy.Socket, proxy)
}

// runSidecar runs a project of three services and the sidecar, restarts and
// recreates services meanwhile, and checks the sidecar's own log.
func runSidecar(t *testing.T, socket string, proxy *testproxy.Proxy) {
	gid := socketGroup(t, "/var/run/docker.sock")
	yaml := "services:\n" +
		testenv.Service("steady", []string{"-lines", "0", "-rate", "50", "-term-partial"}) +
		testenv.Service("crashy", []string{"-lines", "150", "-rate", "100", "-exit", "1", "-unterminated"}, "restart: always") +
		testenv.Service("renewed", []string{"-lines", "0", "-rate", "50", "-term-partial"}) +
		sidecarService(socket, gid)
	p := testenv.NewProject(t, t.Name(), yaml)
	p.Compose("up", "-d")
	sidecar := p.Containers("devlogs")[0]

	// hardened as documented: non-root, read-only root, no capabilities
	info := testenv.Run(t, nil, "docker", "inspect", "-f",
		"{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}", sidecar)
	assert.Check(t, is.Equal(strings.TrimSpace(info), "65532:65532 true [ALL] [no-new-privileges:true]"))

	waitFor(t, 60*time.Second, "two policy restarts of crashy", func() bool {
		n, _ := strconv.Atoi(strings.TrimSpace(testenv.Run(t, nil, "docker", "inspect", "-f", "{{.RestartCount}}", p.Containers("crashy")[0])))
		return n >= 2
	})
	p.Compose("up", "-d", "--force-recreate", "renewed")
	waitFor(t, 30*time.Second, "the recreated container running", func() bool {
		return strings.TrimSpace(testenv.Run(t, nil, "docker", "inspect", "-f", "{{.State.Status}}", p.Containers("renewed")[0])) == "running"
	})
	p.Compose("stop", "steady", "crashy", "renewed")
	apps := append(append(p.Containers("steady"), p.Containers("crashy")...), p.Containers("renewed")...)
	var lastLines []string
	for _, id := range apps {
		s := testenv.Stored(t, id)
		lastLines = append(lastLines, s[len(s)-1].TS+" "+s[len(s)-1].Msg)
	}
	var out string
	waitFor(t, 60*time.Second, "the sidecar shows every service's last line", func() bool {
		out, _ = testenv.Output(nil, "docker", "logs", sidecar)
		for _, l := range lastLines {
			if !strings.Contains(out, l) {
				return false
			}
		}
		return true
	})
	lines := testenv.NewLines(out)
	r := checkSeq(t, lines, apps, out)
	own := 0
	for _, l := range lines.All() {
		if strings.HasPrefix(l, "devlogs-1 ") {
			own++
		}
	}
	t.Logf("sidecar: %v; lines of its own: %d", r, own)
	assert.Equal(t, r.lost+r.dup, 0)
	assert.Assert(t, r.gaps <= 1, "%d reported gaps for one recreate", r.gaps)
	assert.Equal(t, own, 0)
	assert.Assert(t, r.containers == 4, "containers seen: %d (3 services, one recreated)", r.containers)
	if proxy != nil {
		var denied []string
		reqs := proxy.Requests()
		for _, q := range reqs {
			if !q.Allowed {
				denied = append(denied, q.Method+" "+q.Path)
			}
		}
		t.Logf("allowlisting proxy: %d requests, %d outside the list %v", len(reqs), len(denied), denied)
		assert.Equal(t, len(denied), 0)
		assert.Assert(t, len(reqs) > 0)
	}
}

// waitFor polls cond until it holds or fails the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !pollUntil(timeout, cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}
