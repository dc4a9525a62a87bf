// Command rawreader reads the stored logs of every container of a Compose
// project straight from the Engine API and copies the bytes to stdout, all
// containers at once, with timestamps on (the daemon does the same work as
// for devlogs) and no decoding at all: the floor devlogs is measured
// against.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/moby/moby/client"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: rawreader PROJECT")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "rawreader:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, project string) error {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", "com.docker.compose.project="+project)})
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(list.Items))
	for _, c := range list.Items {
		wg.Go(func() {
			rc, err := cli.ContainerLogs(ctx, c.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true})
			if err != nil {
				errs <- err
				return
			}
			defer rc.Close()
			buf := make([]byte, 32<<10)
			for {
				n, err := rc.Read(buf)
				mu.Lock()
				out.Write(buf[:n])
				mu.Unlock()
				if err == io.EOF {
					return
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return out.Flush()
}
