package render

import "github.com/docker-devlogs/devlogs/entry"

// SGR sequences the renderer emits. They are the only escape sequences in
// its output.
const (
	sgrReset       = "\x1b[0m"
	sgrDim         = "\x1b[2m"
	sgrYellow      = "\x1b[33m"
	sgrRed         = "\x1b[31m"
	sgrBoldRed     = "\x1b[1;31m"
	sgrMagenta     = "\x1b[35m"
	sgrBoldMagenta = "\x1b[1;35m"
	sgrInverse     = "\x1b[7m"
	sgrNoInverse   = "\x1b[27m"
)

// levelStyles color a line by its level: trace and debug dim, info (and
// unknown) in the terminal's default color, warn yellow, error bold red,
// fatal bold magenta — distinct from error, and no service prefix is ever
// bold. The same style colors a structured line's level badge.
var levelStyles = [...]string{
	entry.Trace: sgrDim,
	entry.Debug: sgrDim,
	entry.Warn:  sgrYellow,
	entry.Error: sgrBoldRed,
	entry.Fatal: sgrBoldMagenta,
}

// groupStyles color the lines after a grouped entry's first: the same color
// without bold, so a stack trace under an error is red and its first line
// still stands out.
var groupStyles = [...]string{
	entry.Trace: sgrDim,
	entry.Debug: sgrDim,
	entry.Warn:  sgrYellow,
	entry.Error: sgrRed,
	entry.Fatal: sgrMagenta,
}

// levelStyle returns the SGR sequence of a line of level l ("" for none).
func levelStyle(l entry.Level) string {
	if int(l) < len(levelStyles) {
		return levelStyles[l]
	}
	return ""
}

// groupStyle returns the SGR sequence of a group's continuation lines.
func groupStyle(l entry.Level) string {
	if int(l) < len(groupStyles) {
		return groupStyles[l]
	}
	return ""
}

// palette holds the service colors: readable on dark and light backgrounds,
// without red (kept for errors) and without yellow (kept for warning
// notices), so neither can be mistaken for a service. Indexed by a hash of
// the service name; changing its order or length changes every service's
// color, so treat it as stable.
var palette = [...]string{
	"\x1b[36m",       // cyan
	"\x1b[32m",       // green
	"\x1b[35m",       // magenta
	"\x1b[34m",       // blue
	"\x1b[96m",       // bright cyan
	"\x1b[92m",       // bright green
	"\x1b[95m",       // bright magenta
	"\x1b[94m",       // bright blue
	"\x1b[38;5;176m", // plum
	"\x1b[38;5;141m", // lavender
	"\x1b[38;5;114m", // pale green
	"\x1b[38;5;43m",  // teal
}

// serviceColor returns the SGR sequence for src's service. It hashes the
// compose service name, so every replica and every generation of a service
// shares one color, the same in every run; a container without a service
// (not started by compose) hashes its display name instead.
func serviceColor(src *entry.Source) string {
	key := ""
	if src != nil {
		key = src.Service
		if key == "" {
			key = src.Name
		}
	}
	return palette[paletteIndex(fnv1a(key))]
}

// paletteIndex maps a hash to a palette index by multiply-shift, which uses
// the hash's high bits: FNV-1a mixes them better than its low bits, which a
// modulo would use.
func paletteIndex(h uint32) int {
	return int(uint64(h) * uint64(len(palette)) >> 32)
}

// fnv1a is the 32-bit FNV-1a hash of s.
func fnv1a(s string) uint32 {
	const (
		offset = 2166136261
		prime  = 16777619
	)
	h := uint32(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= prime
	}
	return h
}

// noticeStyle returns the SGR sequence for a notice's text: yellow for what
// may need the user's attention, dim for routine lifecycle events.
func noticeStyle(k entry.Kind) string {
	switch k {
	case entry.Warning, entry.Gap, entry.Unreadable:
		return sgrYellow
	}
	return sgrDim
}
