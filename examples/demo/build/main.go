// Command build builds the image the demo project runs: the project's log
// generator, static, in a FROM scratch image (no registry needed).
package main

import (
	"fmt"
	"os"

	"github.com/docker-devlogs/devlogs/internal/testenv"
)

const image = "devlogs-demo/loggen:latest"

func main() {
	if err := testenv.BuildImage(image); err != nil {
		fmt.Fprintln(os.Stderr, "build demo image:", err)
		os.Exit(1)
	}
	fmt.Println("built", image)
}
