// Command loggen writes log lines for devlogs' end-to-end tests, benchmarks and
// demo. It is built static and shipped in a FROM scratch image, so it takes its
// whole configuration from flags and never needs a shell.
//
// In the default "seq" mode every line carries the container's hostname, a boot
// number (kept in a file in the container's own filesystem, so it survives a
// restart but not a recreate) and a sequence number that restarts at 1 on every
// boot: a test can prove that no line was lost or shown twice.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

type config struct {
	mode         string
	lines        int
	rate         float64
	stderrEvery  int
	size         int
	sizes        string
	format       string
	unterminated bool
	exitCode     int
	hold         bool
	termPartial  bool
	seed         uint64
	bootFile     string
	startDelay   time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.mode, "mode", "seq", "seq | sizes | invalid | hostile | progress | bigline | levels | demo-api | demo-worker | demo-db")
	flag.IntVar(&c.lines, "lines", 10, "lines to write (0: until stopped)")
	flag.Float64Var(&c.rate, "rate", 0, "lines per second (0: as fast as possible)")
	flag.IntVar(&c.stderrEvery, "stderr-every", 0, "write every Nth line to stderr (0: never, 1: all)")
	flag.IntVar(&c.size, "size", 0, "pad each seq line to this many bytes")
	flag.StringVar(&c.sizes, "sizes", "", "sizes mode: comma-separated line lengths")
	flag.StringVar(&c.format, "format", "text", "seq line format: text | json | logfmt")
	flag.BoolVar(&c.unterminated, "unterminated", false, "end with a line that has no newline")
	flag.IntVar(&c.exitCode, "exit", 0, "exit code once the lines are written")
	flag.BoolVar(&c.hold, "hold", false, "keep running after the lines are written, until stopped")
	flag.BoolVar(&c.termPartial, "term-partial", false, "on SIGTERM/SIGINT write an unterminated line, then exit")
	flag.Uint64Var(&c.seed, "seed", 1, "random seed for the invalid and hostile modes")
	flag.StringVar(&c.bootFile, "boot-file", "/loggen.boot", "file that counts this container's boots")
	flag.DurationVar(&c.startDelay, "start-delay", 0, "wait this long before the first line")
	flag.Parse()

	g := newGen(c)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan int, 1)
	go func() { done <- g.run() }()
	select {
	case code := <-done:
		g.flush()
		os.Exit(code)
	case <-stop:
		g.mu <- struct{}{} // stop the writer between two lines
		g.flush()
		if c.termPartial {
			fmt.Fprintf(g.out, "%s term-partial", g.tag(g.seq+1, "out"))
			g.flush()
		}
		os.Exit(0)
	}
}

type gen struct {
	c    config
	out  *bufio.Writer
	err  *bufio.Writer
	host string
	boot int
	seq  int
	mu   chan struct{} // a token held while a line is written
	rnd  *rand.Rand
}

func newGen(c config) *gen {
	host, _ := os.Hostname()
	g := &gen{
		c:    c,
		out:  bufio.NewWriterSize(os.Stdout, 64<<10),
		err:  bufio.NewWriterSize(os.Stderr, 64<<10),
		host: host,
		boot: nextBoot(c.bootFile),
		mu:   make(chan struct{}, 1),
		rnd:  rand.New(rand.NewPCG(c.seed, 0x5eed)),
	}
	return g
}

// nextBoot increments the boot counter file and returns the new value. The
// file lives in the container's writable layer: it survives a restart and
// starts over when the container is recreated.
func nextBoot(path string) int {
	n := 0
	if b, err := os.ReadFile(path); err == nil {
		n, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	n++
	// Write and rename, so that a restart in the middle cannot leave an
	// empty counter behind.
	if os.WriteFile(path+".tmp", []byte(strconv.Itoa(n)), 0o644) == nil {
		_ = os.Rename(path+".tmp", path)
	}
	return n
}

func (g *gen) flush() {
	_ = g.out.Flush()
	_ = g.err.Flush()
}

func (g *gen) tag(seq int, stream string) string {
	return fmt.Sprintf("host=%s boot=%d seq=%d stream=%s", g.host, g.boot, seq, stream)
}

// pace sleeps until line i is due under the configured rate. Lines are
// flushed before sleeping so that a slow rate still shows each line at once.
func (g *gen) pace(start time.Time, i int) {
	if g.c.rate <= 0 {
		return
	}
	due := start.Add(time.Duration(float64(i) / g.c.rate * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		g.flush()
		time.Sleep(d)
	}
}

func (g *gen) run() int {
	if g.c.startDelay > 0 {
		time.Sleep(g.c.startDelay)
	}
	switch g.c.mode {
	case "seq":
		g.seqLines()
	case "sizes":
		g.sizeLines()
	case "invalid":
		g.invalidLines()
	case "hostile":
		g.hostileLines()
	case "progress":
		g.progress()
	case "bigline":
		g.bigLine()
	case "levels":
		g.levels()
	case "demo-api", "demo-worker", "demo-db":
		return g.demo(strings.TrimPrefix(g.c.mode, "demo-"))
	default:
		fmt.Fprintf(os.Stderr, "loggen: unknown mode %q\n", g.c.mode)
		return 2
	}
	g.finish()
	return g.c.exitCode
}

// finish writes the optional unterminated last line and, with -hold, waits
// for a signal.
func (g *gen) finish() {
	if g.c.unterminated {
		g.mu <- struct{}{}
		fmt.Fprintf(g.out, "%s unterminated", g.tag(g.seq+1, "out"))
		g.seq++
		<-g.mu
	}
	g.flush()
	if g.c.hold {
		select {}
	}
}

func (g *gen) seqLines() {
	start := time.Now()
	for i := 0; g.c.lines == 0 || i < g.c.lines; i++ {
		g.pace(start, i)
		g.mu <- struct{}{}
		g.seq++
		w, stream := g.out, "out"
		if g.c.stderrEvery > 0 && g.seq%g.c.stderrEvery == 0 {
			w, stream = g.err, "err"
		}
		line := g.format(g.tag(g.seq, stream))
		if pad := g.c.size - len(line) - 1; pad > 0 {
			line += " " + strings.Repeat("x", pad-1)
		}
		w.WriteString(line)
		w.WriteByte('\n')
		if w == g.err || g.c.rate > 0 {
			// keep stdout and stderr in the order they were written
			g.flush()
		}
		<-g.mu
	}
}

func (g *gen) format(tag string) string {
	switch g.c.format {
	case "json":
		return fmt.Sprintf(`{"level":"info","msg":"tick","tag":%q}`, tag)
	case "logfmt":
		return fmt.Sprintf(`level=info msg=tick %s`, tag)
	}
	return tag
}

// sizeLines writes one line per requested size, alternating stdout and
// stderr, each filled with a repeating pattern that places multibyte runes
// across every 16 KiB boundary.
func (g *gen) sizeLines() {
	for i, f := range strings.Split(g.c.sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			continue
		}
		w, stream := g.out, "out"
		if g.c.stderrEvery > 0 && (i+1)%g.c.stderrEvery == 0 {
			w, stream = g.err, "err"
		}
		g.seq++
		w.Write(testenv.PatternLine(fmt.Sprintf("%s len=%d ", g.tag(g.seq, stream), n), n))
		w.WriteByte('\n')
		g.flush()
	}
}

func (g *gen) invalidLines() {
	for i := 0; i < g.c.lines; i++ {
		g.seq++
		b := []byte(fmt.Sprintf("seq=%d ", g.seq))
		for j := 0; j < 8+g.rnd.IntN(64); j++ {
			c := byte(g.rnd.IntN(256))
			if c == '\n' || c == '\r' {
				c = 0xff
			}
			b = append(b, c)
		}
		b = append(b, invalidSamples[i%len(invalidSamples)]...)
		g.out.Write(b)
		g.out.WriteByte('\n')
	}
	g.flush()
}

var invalidSamples = [][]byte{
	{0x00, 0x01},             // NUL and SOH
	{0xc0, 0xaf},             // overlong '/'
	{0xed, 0xa0, 0x80},       // UTF-16 surrogate
	{0xe2, 0x82},             // truncated euro sign
	{0xf4, 0x90, 0x80, 0x80}, // beyond U+10FFFF
	{0xff, 0xfe, 0xfd},
}

// hostileLines writes control sequences that could change a terminal if
// passed through: clipboard writes, title sets, reports, DCS/APC strings,
// C1 bytes, bidi overrides and overwrites.
func (g *gen) hostileLines() {
	for _, s := range hostile {
		g.seq++
		fmt.Fprintf(g.out, "seq=%d %s\n", g.seq, s)
	}
	g.flush()
}

var hostile = []string{
	"\x1b]52;c;ZXZpbA==\x07clipboard",
	"\x1b]0;owned title\x07title",
	"\x1b]2;owned\x1b\\title-st",
	"\x1b[6n report cursor",
	"\x1b[21t report title",
	"\x1bP+q544e\x1b\\ dcs",
	"\x1b_apc payload\x1b\\ apc",
	"\x1b[2J\x1b[H clear screen",
	"\x1b[31mred\x1b[0m sgr",
	"\u009b31m c1 csi",
	"\u009d0;c1 osc\u009c",
	"\u202eevil bidi override",
	"\u2066isolate\u2069",
	"overwrite\rHIDDEN",
	"back\bspace\x7fdel",
	"\x1b[8mconcealed\x1b[0m",
	"\x05enq \x0e shift-out \x0f",
}

// progress writes carriage-return progress bars, as a TTY program does.
func (g *gen) progress() {
	for i := 0; i < g.c.lines; i++ {
		g.seq++
		for p := 0; p <= 100; p += 25 {
			fmt.Fprintf(g.out, "\rseq=%d downloading %3d%%", g.seq, p)
		}
		fmt.Fprintf(g.out, "\n")
		fmt.Fprintf(g.err, "seq=%d stream=err done\n", g.seq)
		g.flush()
	}
}

// bigLine writes -size bytes without a newline, then -lines normal lines.
func (g *gen) bigLine() {
	chunk := []byte(strings.Repeat("B", 64<<10))
	for left := g.c.size; left > 0; left -= len(chunk) {
		if left < len(chunk) {
			chunk = chunk[:left]
		}
		g.out.Write(chunk)
	}
	g.out.WriteByte('\n')
	g.c.size = 0 // the lines after it are ordinary
	g.seqLines()
}

var _ io.Writer = (*bufio.Writer)(nil)
