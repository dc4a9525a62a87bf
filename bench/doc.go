// Package bench holds devlogs' comparative benchmark (`make bench`): on one
// 1M-line Compose project it times `devlogs --no-follow` rendering to a
// pipe, `docker compose logs --no-color`, and rawreader, the fastest
// possible Engine API client (the floor), in the same run.
package bench
