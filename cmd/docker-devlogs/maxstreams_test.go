package main

import (
	"testing"
	"time"

	"github.com/docker-devlogs/devlogs/stream"
	"github.com/spf13/pflag"
	"gotest.tools/v3/assert"
)

func TestMaxStreamsIsAtLeastOne(t *testing.T) {
	parse := func(args ...string) (stream.Options, error) {
		o := &options{}
		fs := pflag.NewFlagSet("devlogs", pflag.ContinueOnError)
		o.install(fs)
		if err := fs.Parse(args); err != nil {
			return stream.Options{}, err
		}
		return o.streamOptions(time.Now())
	}
	so, err := parse()
	assert.NilError(t, err)
	assert.Equal(t, so.MaxStreams, stream.DefaultMaxStreams)
	so, err = parse("--max-streams", "50")
	assert.NilError(t, err)
	assert.Equal(t, so.MaxStreams, 50)
	for _, bad := range []string{"0", "-3"} {
		_, err := parse("--max-streams", bad)
		assert.Error(t, err, "invalid --max-streams "+bad+": follow at least 1 container at once")
	}
	_, err = parse("--max-streams", "many")
	assert.ErrorContains(t, err, `invalid argument "many" for "--max-streams"`)
}
