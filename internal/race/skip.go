package race

import "testing"

// SkipAllocs skips an allocation test under the race detector. `make test`
// runs the allocation tests a second time without it, so they still gate
// CI.
func SkipAllocs(tb testing.TB) {
	tb.Helper()
	if Enabled {
		tb.Skip("allocation counts are checked by the run without the race detector")
	}
}
