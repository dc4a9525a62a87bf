package compose

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sirupsen/logrus"
	"gotest.tools/v3/assert"
)

func TestLoadSetsPWDToWorkDirWhenEnvLacksIt(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "compose.yaml")
	writeFile(t, file, "services:\n  here: {image: alpine, profiles: [\"${PWD}\"]}\n  always: {image: alpine}\n")

	got, err := Load(t.Context(), Options{WorkDir: root, Profiles: []string{root}})
	assert.NilError(t, err)
	assert.DeepEqual(t, got.Services, []string{"always", "here"})
}

func TestLoadKeepsWarningsOffTheLogrusOutput(t *testing.T) {
	var out bytes.Buffer
	l := logrus.StandardLogger()
	saved := l.Out
	l.SetOutput(&out)
	t.Cleanup(func() { l.SetOutput(saved) })

	root := writeFixture(t)
	var warnings []string
	_, err := Load(t.Context(), Options{
		WorkDir: filepath.Join(root, "multi"),
		Warn:    func(msg string) { warnings = append(warnings, msg) },
	})
	assert.NilError(t, err)
	assert.Equal(t, len(warnings), 2)
	assert.Equal(t, out.String(), "", "compose-go's warnings reached the logrus output")

	_, err = Load(t.Context(), Options{WorkDir: filepath.Join(root, "multi")})
	assert.NilError(t, err)
	assert.Equal(t, out.String(), "", "with a nil Warn, warnings are dropped")

	assert.Equal(t, l.Out, &out, "the logger's output is restored after Load")
	logrus.Warn("after")
	assert.Assert(t, bytes.Contains(out.Bytes(), []byte("after")))
}

func TestCaptureWarningsPassesOtherLevelsThrough(t *testing.T) {
	var out bytes.Buffer
	l := logrus.StandardLogger()
	saved := l.Out
	l.SetOutput(&out)
	t.Cleanup(func() { l.SetOutput(saved) })

	var warnings []string
	restore := captureWarnings(func(msg string) { warnings = append(warnings, msg) })
	logrus.Error("an error")
	logrus.Warn("a warning")
	restore()

	assert.DeepEqual(t, warnings, []string{"a warning"})
	assert.Assert(t, bytes.Contains(out.Bytes(), []byte("an error")), out.String())
	assert.Assert(t, !bytes.Contains(out.Bytes(), []byte("a warning")), out.String())
}

func TestLoadConcurrentlyKeepsWarningsApart(t *testing.T) {
	root := writeFixture(t)
	const n = 8
	got := make([][]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := Load(t.Context(), Options{
				WorkDir: filepath.Join(root, "multi"),
				Warn:    func(msg string) { got[i] = append(got[i], msg) },
			})
			assert.Check(t, err)
		})
	}
	wg.Wait()
	want := []string{
		fmt.Sprintf("Found multiple config files with supported names: %s, %s",
			filepath.Join(root, "multi", "compose.yaml"), filepath.Join(root, "multi", "docker-compose.yml")),
		"Using " + filepath.Join(root, "multi", "compose.yaml"),
	}
	for i := range n {
		assert.DeepEqual(t, got[i], want)
	}
}
