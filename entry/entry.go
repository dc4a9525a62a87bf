package entry

// Stream names the output stream a line was written to.
type Stream uint8

// Streams. A TTY container's output is a single stream (stderr merged into
// it by the pty), reported as TTY.
const (
	Stdout Stream = 1
	Stderr Stream = 2
	TTY    Stream = 3
)

// String returns "stdout", "stderr" or "tty".
func (s Stream) String() string {
	switch s {
	case Stdout:
		return "stdout"
	case Stderr:
		return "stderr"
	case TTY:
		return "tty"
	}
	return "unknown"
}

// Source describes the container a line came from. One Source is shared by
// every entry of a container (all its generations), so entries carry a pointer
// rather than copies of these strings.
type Source struct {
	Project string
	Service string
	// Number is the compose replica number (com.docker.compose.container-number).
	Number int
	// Name is the display name: "api-1" for replica 1 of service api,
	// "api-run-3f2a1c" for a one-off container.
	Name   string
	ID     string
	OneOff bool
	TTY    bool
}

// Flags mark entries that are not a plain, single line.
type Flags uint8

// Entry flags.
const (
	// Grouped: the entry is several lines joined with '\n' (a stack trace
	// and the line that opened it); Level is the group's.
	Grouped Flags = 1 << iota
)

// Format is the shape of a line: plain text or a structured format.
type Format uint8

// Formats. Text is the zero value: a line is structured only when it parses.
const (
	Text Format = iota
	JSON
	Logfmt
)

// String returns "text", "json" or "logfmt".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case Logfmt:
		return "logfmt"
	}
	return "text"
}

// Entry is one log line.
type Entry struct {
	// Time is the daemon's timestamp of the line in nanoseconds since the
	// Unix epoch (UTC). For a line split into chunks by the daemon it is the
	// first chunk's timestamp.
	Time   int64
	Src    *Source
	Stream Stream
	// Msg is the line without its line terminator. It may hold any bytes,
	// including invalid UTF-8 and control characters: sinks sanitize.
	Msg []byte
	// Cut counts the bytes dropped from the end of a line longer than the
	// configured cap (0 when the line is whole).
	Cut   int64
	Flags Flags
	// Level is the detected severity (Unknown until a parser sets it).
	Level Level
	// Format is the detected shape of the (first) line.
	Format Format
}

// Item is what flows between the stages of a run: a batch of lines of one
// container, in order, or a notice. The receiver owns the lines.
type Item struct {
	Lines  []Entry
	Notice *Notice
}
