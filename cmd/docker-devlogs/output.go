package main

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/filter"
	"github.com/docker-devlogs/devlogs/render"
	"github.com/spf13/pflag"
)

// lineOptions are the flags about understanding, filtering and showing
// lines.
type lineOptions struct {
	level     string
	include   []string
	exclude   []string
	highlight []string
	streams   []string
	where     []string
	traceID   string
	output    string
	template  string
	raw       autoBool
	ansi      bool
	noGroup   bool
	quiet     bool
}

func (o *lineOptions) install(fs *pflag.FlagSet) {
	fs.StringVar(&o.level, "level", "", "Show only lines of this level or worse: trace, debug, info, warn, error, fatal (lines stating no level are hidden then)")
	fs.StringArrayVarP(&o.include, "include", "i", nil, "Show only lines matching this regular expression (repeatable: any may match; (?i) ignores case)")
	fs.StringArrayVarP(&o.exclude, "exclude", "e", nil, "Hide lines matching this regular expression (repeatable)")
	fs.StringArrayVarP(&o.highlight, "highlight", "H", nil, "Highlight matches of this regular expression (repeatable; with color)")
	fs.StringSliceVar(&o.streams, "stream", nil, "Show only one stream: stdout or stderr (a TTY container's output counts as stdout)")
	fs.StringArrayVar(&o.where, "where", nil, "Show structured lines whose fields match: key=value, key!=value, key~=regex, key?, !key?, key>=n ... (repeatable, all must hold)")
	fs.StringVar(&o.traceID, "trace-id", "", "Show only lines of this trace or request id")
	fs.StringVarP(&o.output, "output", "o", "text", "Output format: text, json (one object per line) or raw (messages only)")
	fs.StringVar(&o.template, "template", "", "Format each line with a Go template, e.g. '{{.Container}} {{.Level}} {{.Message}}'")
	fs.Var(&o.raw, "raw", "Show JSON and logfmt lines as written instead of reformatting them (default: only when the output has no color, e.g. piped)")
	fs.Lookup("raw").NoOptDefVal = "true"
	fs.BoolVar(&o.ansi, "ansi", false, "Keep the colors programs write themselves (plain color sequences only)")
	fs.BoolVar(&o.noGroup, "no-group", false, "Do not join stack traces and continuation lines to the line that opened them")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "Only lines and warnings: no status line, no attach, restart or exit notices")
}

// filter compiles the filter flags.
func (o *lineOptions) filter() (*filter.Chain, error) {
	f := filter.Options{Include: o.include, Exclude: o.exclude, Where: o.where, TraceID: o.traceID}
	if o.level != "" {
		l, ok := entry.ParseLevel(strings.ToLower(o.level))
		if !ok {
			return nil, fmt.Errorf("invalid --level %q: use trace, debug, info, warn, error or fatal", o.level)
		}
		f.MinLevel = l
	}
	for _, s := range o.streams {
		switch strings.ToLower(s) {
		case "stdout":
			f.Streams = append(f.Streams, entry.Stdout, entry.TTY)
		case "stderr":
			f.Streams = append(f.Streams, entry.Stderr)
		default:
			return nil, fmt.Errorf("invalid --stream %q: use stdout or stderr", s)
		}
	}
	return filter.Compile(f)
}

// sink returns the writer of the chosen format, and the terminal renderer
// when that is the format (its prefix column is sized in advance).
func (o *options) sink(stdout, stderr io.Writer, color bool) (render.Sink, *render.Terminal, error) {
	l := &o.lines
	switch {
	case l.template != "":
		t, err := render.ParseTemplate(l.template)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid --template: %w", err)
		}
		return quiet(render.NewTemplate(stdout, stderr, t, render.TemplateOptions{Raw: l.raw.val}), l.quiet), nil, nil
	case l.output == "json":
		return quiet(render.NewJSON(stdout, stderr, render.JSONOptions{Raw: l.raw.val}), l.quiet), nil, nil
	case l.output == "raw":
		return quiet(render.NewRaw(stdout, stderr, render.RawOptions{ANSI: l.ansi}), l.quiet), nil, nil
	case l.output != "text":
		return nil, nil, fmt.Errorf("invalid --output %q: use text, json or raw", l.output)
	}
	var hl []*regexp.Regexp
	for _, h := range l.highlight {
		re, err := regexp.Compile(h)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid --highlight %q: %w", h, err)
		}
		hl = append(hl, re)
	}
	t := render.NewTerminal(stdout, stderr, render.Options{Color: color, Timestamps: o.timestamps, NoPrefix: o.noPrefix,
		Raw: l.raw.or(!color), Highlight: hl, ANSI: l.ansi})
	return quiet(t, l.quiet), t, nil
}

// quietSink drops the notices -q hides: everything but warnings, possible
// gaps and unreadable logs (and the silent Listed, which sizes columns).
type quietSink struct{ render.Sink }

func (q quietSink) Notice(n entry.Notice) error {
	if slices.Contains([]entry.Kind{entry.Warning, entry.Gap, entry.Unreadable, entry.Listed}, n.Kind) {
		return q.Sink.Notice(n)
	}
	return nil
}

func quiet(s render.Sink, on bool) render.Sink {
	if on {
		return quietSink{s}
	}
	return s
}

// status describes the run in one line: what is followed and how it is
// filtered.
func status(project string, services []string, follow bool, f *filter.Chain) string {
	what := "all services"
	if len(services) > 0 {
		what = "services " + strings.Join(services, ", ")
	}
	verb := "following"
	if !follow {
		verb = "showing the stored logs of"
	}
	s := fmt.Sprintf("%s project %q, %s", verb, project, what)
	if !f.Empty() {
		s += "; showing " + f.String()
	}
	return s
}

// autoBool is a boolean flag whose default depends on the run: set tells
// whether the command line gave it.
type autoBool struct{ val, set bool }

func (b *autoBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("use true or false")
	}
	b.val, b.set = v, true
	return nil
}

func (b *autoBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.val)
}

func (b *autoBool) Type() string { return "bool" }

// or returns the value given on the command line, or def.
func (b *autoBool) or(def bool) bool {
	if b.set {
		return b.val
	}
	return def
}
