package e2e

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/docker-devlogs/devlogs/internal/testenv"
	"gotest.tools/v3/assert"
)

// ownSGR is the only escape sequence the renderer itself writes.
var ownSGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestHostileContentCannotReachTheTerminal is scenario S1: a container
// prints clipboard writes (OSC 52), title sets, cursor reports, DCS and APC
// strings, C1 bytes, bidi overrides and CR/BS overwrites. No ESC, C0 (but
// tab), DEL, C1 or bidi control from its content may reach the terminal;
// with color on, the only escapes are the renderer's SGR and every line
// ends in a reset.
func TestHostileContentCannotReachTheTerminal(t *testing.T) {
	pl := setup(t)
	p := testenv.NewProject(t, t.Name(), "services:\n"+testenv.Service("evil", []string{"-mode", "hostile"})+
		testenv.Service("evil-tty", []string{"-mode", "hostile"}, "tty: true"))
	p.Compose("up", "-d")
	waitExited(t, p, "evil", 1)
	waitExited(t, p, "evil-tty", 1)
	for _, mode := range []string{"never", "always"} {
		out, stderr, code := runDevlogs(t, pl, append(p.Args(), "--no-follow", "--color", mode)...)
		assert.Equal(t, code, 0, stderr)
		assert.Assert(t, utf8.ValidString(out))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		assert.Assert(t, len(lines) >= 34, "only %d lines", len(lines))
		for _, l := range lines {
			rest := l
			if mode == "always" {
				assert.Check(t, strings.HasSuffix(l, "\x1b[0m"), "no reset at the end of %q", l)
				rest = ownSGR.ReplaceAllString(l, "")
			}
			for _, r := range rest {
				bad := r == 0x1b || (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
					r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
				assert.Check(t, !bad, "--color %s: control %U reached the terminal in %q", mode, r, l)
			}
		}
		t.Logf("S1 --color %s: %d hostile lines (TTY and not), 0 controls from content in the output", mode, len(lines))
	}
}
