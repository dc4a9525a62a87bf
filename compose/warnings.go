package compose

import (
	"io"
	"sync"

	"github.com/sirupsen/logrus"
)

// logMu serialises the swaps of the standard logrus logger made by
// captureWarnings, so that concurrent Loads cannot restore each other's state.
var logMu sync.Mutex

// captureWarnings routes the standard logrus logger's warnings to warn until
// the returned function is called.
//
// compose-go reports its discovery warnings ("Found multiple config files with
// supported names", "Using …", "the attribute `version` is obsolete", unset
// variables) with logrus.Warnf on the global logger, which writes to stderr.
// For the duration of a Load the logger's output is discarded and a hook
// receives every entry: warnings go to warn (nil drops them), entries of other
// levels, which compose-go does not emit but another goroutine might, are
// formatted and written to the saved output as logrus would have done. The
// logger's level is left alone, so a level above warn silences these warnings
// here as it does in docker compose.
func captureWarnings(warn func(string)) (restore func()) {
	logMu.Lock()
	l := logrus.StandardLogger()
	hooks := l.ReplaceHooks(make(logrus.LevelHooks))
	l.AddHook(&warnHook{warn: warn, out: l.Out})
	out := l.Out
	l.SetOutput(io.Discard)
	return func() {
		l.SetOutput(out)
		l.ReplaceHooks(hooks)
		logMu.Unlock()
	}
}

// warnHook is the logrus hook installed by captureWarnings.
type warnHook struct {
	warn func(string)
	out  io.Writer
}

// Levels implements logrus.Hook: the hook sees every entry, since the
// logger's own output is discarded while it is installed.
func (h *warnHook) Levels() []logrus.Level { return logrus.AllLevels }

// Fire implements logrus.Hook.
func (h *warnHook) Fire(e *logrus.Entry) error {
	if e.Level == logrus.WarnLevel {
		if h.warn != nil {
			h.warn(e.Message)
		}
		return nil
	}
	b, err := e.Bytes()
	if err != nil {
		return err
	}
	_, err = h.out.Write(b)
	return err
}
