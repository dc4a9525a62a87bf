package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/docker-devlogs/devlogs/compose"
	"github.com/docker-devlogs/devlogs/entry"
	"github.com/docker-devlogs/devlogs/pipeline"
	"github.com/docker-devlogs/devlogs/render"
	"github.com/docker-devlogs/devlogs/stream"
	"github.com/docker/cli/cli/command"
	"github.com/docker/cli/cli/debug"
	"github.com/mattn/go-isatty"
	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"
)

func run(ctx context.Context, dockerCli command.Cli, o *options, args []string) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer startProfile()()
	stdout, stderr := io.Writer(os.Stdout), dockerCli.Err()

	sopts, err := o.streamOptions(time.Now())
	if err != nil {
		return err
	}
	color, err := useColor(o.color, o.noColor, colorEnv{
		noColor: os.Getenv("NO_COLOR"), forceColor: os.Getenv("FORCE_COLOR"),
		term: os.Getenv("TERM"), tty: isatty.IsTerminal(os.Stdout.Fd()),
	})
	if err != nil {
		return err
	}
	engine, err := engineClient(dockerCli)
	if err != nil {
		return fmt.Errorf("create the Docker API client: %w", err)
	}
	self := findSelf(ctx, engine)
	proj, err := loadProject(ctx, o, stderr)
	var notFound *compose.NotFoundError
	switch {
	case errors.As(err, &notFound) && self != nil && self.Project != "":
		// A sidecar: the project is its own container's.
		proj = &compose.Project{Name: self.Project, FromLabels: true}
	case err != nil:
		return err
	}
	if self != nil {
		sopts.Exclude = []string{self.ID}
	}
	services := selectedServices(args, o.services)
	if err := proj.CheckServices(services); err != nil {
		return err
	}
	sopts.Project, sopts.Services = proj.Name, services
	if debug.IsEnabled() {
		sopts.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	chain, err := o.lines.filter()
	if err != nil {
		return err
	}
	sink, term, err := o.sink(stdout, stderr, color)
	if err != nil {
		return err
	}
	if term != nil {
		term.Reserve(replicaNames(proj, services)...)
	}
	if err := sink.Notice(entry.Notice{Kind: entry.Note, Text: status(proj.Name, services, sopts.Follow, chain)}); err != nil {
		return err
	}
	popts := pipeline.Options{NoGroup: o.lines.noGroup}
	if !chain.Empty() {
		popts.Match = chain.Match
	}
	err = follow(ctx, engine, sopts, popts, o.order == "time", sink)
	if err != nil && client.IsErrConnectionFailed(err) {
		ep := dockerCli.DockerEndpoint().Host
		return fmt.Errorf("cannot connect to the Docker daemon at %s (context %q): is it running? Choose another with --context, -H or DOCKER_HOST", ep, dockerCli.CurrentContext())
	}
	return err
}

// follow runs the follower, the pipeline stage and (with --order time) the
// reorder stage, and drives the sink until the follower is done or ctx
// ends.
func follow(ctx context.Context, engine stream.Engine, sopts stream.Options, popts pipeline.Options, byTime bool, sink render.Sink) error {
	g, gctx := errgroup.WithContext(ctx)
	items := make(chan entry.Item, 64)
	g.Go(func() error {
		defer close(items)
		return stream.New(engine, sopts).Run(gctx, items)
	})
	understood := make(chan entry.Item, 64)
	g.Go(func() error {
		defer close(understood)
		pipeline.Run(gctx, items, understood, popts)
		return nil
	})
	in := (<-chan entry.Item)(understood)
	if byTime {
		ordered := make(chan entry.Item, 64)
		g.Go(func() error {
			defer close(ordered)
			stream.Reorder(gctx, understood, ordered, defaultReorderWindow)
			return nil
		})
		in = ordered
	}
	g.Go(func() error { return drive(in, sink) })
	err := g.Wait()
	if ctx.Err() != nil {
		return nil // Ctrl-C is not an error
	}
	return err
}

// drive writes items to the terminal, flushing whenever no more are waiting
// so that live lines show at once while bursts are written in large blocks.
func drive(in <-chan entry.Item, term render.Sink) error {
	var werr error
	for it := range in {
		if werr != nil {
			continue // keep draining so the producers can finish
		}
		switch {
		case it.Notice != nil:
			werr = term.Notice(*it.Notice)
		default:
			werr = term.Lines(it.Lines)
		}
		if werr == nil && len(in) == 0 {
			werr = term.Flush()
		}
	}
	if werr == nil {
		werr = term.Flush()
	}
	if errors.Is(werr, syscall.EPIPE) {
		return nil // the reader went away (devlogs | head)
	}
	return werr
}

func (o *options) streamOptions(now time.Time) (stream.Options, error) {
	tail, err := o.tailValue()
	if err != nil {
		return stream.Options{}, err
	}
	since, err := parseTime("since", o.since, now)
	if err != nil {
		return stream.Options{}, err
	}
	until, err := parseTime("until", o.until, now)
	if err != nil {
		return stream.Options{}, err
	}
	if !since.IsZero() && !until.IsZero() && until.Before(since) {
		return stream.Options{}, fmt.Errorf("--until %s is before --since %s", o.until, o.since)
	}
	if o.order != "arrival" && o.order != "time" {
		return stream.Options{}, fmt.Errorf("invalid --order %q: use arrival or time", o.order)
	}
	if o.lineMax < 1024 {
		return stream.Options{}, fmt.Errorf("invalid --max-line-bytes %d: use at least 1024", o.lineMax)
	}
	if o.maxStreams < 1 {
		return stream.Options{}, fmt.Errorf("invalid --max-streams %d: follow at least 1 container at once", o.maxStreams)
	}
	return stream.Options{
		Follow: !o.noFollow, Tail: tail, Since: since, Until: until,
		OneOff: o.oneOff, LineMax: o.lineMax, MaxStreams: o.maxStreams,
	}, nil
}

func loadProject(ctx context.Context, o *options, stderr io.Writer) (*compose.Project, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find the current directory: %w", err)
	}
	return compose.Load(ctx, compose.Options{
		Files: o.files, ProjectName: o.projectName, ProjectDir: o.projectDir,
		Profiles: o.profiles, EnvFiles: o.envFiles, WorkDir: wd, Env: os.Environ(),
		Warn: func(s string) { fmt.Fprintln(stderr, "devlogs: "+s) },
	})
}

// selectedServices merges the SERVICE arguments and --services, keeping
// the first occurrence of each.
func selectedServices(args, flag []string) []string {
	var out []string
	for _, s := range append(slices.Clone(args), flag...) {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// replicaNames returns "service-1" for the followed services, to size the
// prefix column before the first line arrives.
func replicaNames(p *compose.Project, selected []string) []string {
	names := selected
	if len(names) == 0 {
		names = p.Services
	}
	out := make([]string, 0, len(names))
	for _, s := range names {
		out = append(out, s+"-1")
	}
	return out
}
