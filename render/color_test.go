package render

import (
	"regexp"
	"testing"

	"github.com/docker-devlogs/devlogs/entry"
	"gotest.tools/v3/assert"
)

func TestColorIsPerService(t *testing.T) {
	assert.Equal(t, serviceColor(api1), serviceColor(api2), "replicas of a service differ")
	assert.Equal(t, serviceColor(api1), serviceColor(oneOff), "a one-off differs from its service")
	assert.Equal(t, serviceColor(api1), serviceColor(&entry.Source{Service: "api", Name: "api-1"}),
		"a new Source of the same service differs")
	assert.Equal(t, serviceColor(&entry.Source{Name: "lonely"}), serviceColor(&entry.Source{Name: "lonely"}))
}

// TestColorIsStable pins a few services' colors: a change to the hash or the
// palette changes every user's colors, so it must be deliberate.
func TestColorIsStable(t *testing.T) {
	for service, want := range map[string]string{
		"api":    "\x1b[35m",
		"worker": "\x1b[94m",
		"db":     "\x1b[96m",
		"":       "\x1b[95m",
	} {
		assert.Equal(t, serviceColor(&entry.Source{Service: service}), want)
	}
	assert.Equal(t, fnv1a(""), uint32(0x811c9dc5))
	assert.Equal(t, fnv1a("a"), uint32(0xe40c292c))
	assert.Equal(t, fnv1a("foobar"), uint32(0xbf9cf968))
}

func TestPaletteHasNoRed(t *testing.T) {
	// SGR 31 and 91, and the red-dominated cells of the 256-color cube
	// (16 + 36r + 6g + b with r well above g and b) and the system reds 1, 9.
	red := regexp.MustCompile(`^\x1b\[(31|91|38;5;(1|9|52|88|124|160|196|197|198|202|203))m$`)
	sgrOnly := regexp.MustCompile(`^\x1b\[[0-9;]+m$`)
	seen := map[string]bool{}
	for _, c := range palette {
		assert.Assert(t, sgrOnly.MatchString(c), "%q is not one SGR sequence", c)
		assert.Assert(t, !red.MatchString(c), "%q is red", c)
		assert.Assert(t, c != sgrYellow, "yellow is kept for warnings")
		assert.Assert(t, !seen[c], "%q twice", c)
		seen[c] = true
	}
	assert.Assert(t, len(palette) >= 10)
}

func TestPaletteIsUsed(t *testing.T) {
	used := map[string]bool{}
	for _, s := range []string{"api", "web", "worker", "db", "redis", "cache", "queue", "proxy",
		"auth", "billing", "search", "mailer", "frontend", "backend", "scheduler", "nginx"} {
		used[serviceColor(&entry.Source{Service: s})] = true
	}
	assert.Assert(t, len(used) >= 7, "16 common services use only %d colors", len(used))
}
