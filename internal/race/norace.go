//go:build !race

// Package race tells tests whether the race detector is on: allocation
// counts are meaningless under it (it makes sync.Pool, which regexp uses,
// drop items at random), so the allocation tests run in the non-race pass
// of `make test` instead.
package race

// Enabled reports whether the binary was built with the race detector.
const Enabled = false
