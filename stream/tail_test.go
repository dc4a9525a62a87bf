package stream

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"gotest.tools/v3/assert"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func TestDaemonErrorFrameEndsTheReadWhileThePumpIsFull(t *testing.T) {
	var stream []byte
	chunk := strings.Repeat("x", 16384)
	for i := 0; i < 200; i++ {
		stream = append(stream, muxFrame(1, t0, chunk)...) // one huge line, never finished
	}
	stream = append(stream, []byte{3, 0, 0, 0, 0, 0, 0, 5}...)
	stream = append(stream, "oops!"...)
	body := newBlockingBody(stream)
	eng := &fakeEngine{logs: func(context.Context, string, client.ContainerLogsOptions) (io.ReadCloser, error) { return body, nil }}
	c, _ := newTestTracked(eng, "c1", false)
	done := make(chan error, 1)
	go func() {
		_, err := c.read(t.Context(), request{follow: true, tail: -1}, c.f.out)
		done <- err
	}()
	select {
	case err := <-done:
		var se errSystem
		assert.Assert(t, errors.As(err, &se), "err = %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("read did not return after a daemon error frame")
	}
}
