package entry

// Level is the severity of a line, as detected from its content.
type Level uint8

// Levels, in increasing severity. Unknown sorts below Trace: a minimum-level
// filter keeps unknown lines only when asked to.
const (
	Unknown Level = iota
	Trace
	Debug
	Info
	Warn
	Error
	Fatal
)

var levelNames = [...]string{"unknown", "trace", "debug", "info", "warn", "error", "fatal"}

// String returns the lower-case level name.
func (l Level) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "unknown"
}

// ParseLevel reads a level name as users type it ("warning" and "err" too);
// it returns false for anything else.
func ParseLevel(s string) (Level, bool) {
	switch s {
	case "trace", "TRACE":
		return Trace, true
	case "debug", "DEBUG":
		return Debug, true
	case "info", "INFO":
		return Info, true
	case "warn", "warning", "WARN", "WARNING":
		return Warn, true
	case "error", "err", "ERROR", "ERR":
		return Error, true
	case "fatal", "critical", "crit", "panic", "FATAL", "CRITICAL", "PANIC":
		return Fatal, true
	}
	return Unknown, false
}
