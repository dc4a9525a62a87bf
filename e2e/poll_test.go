package e2e

import "time"

// pollPause is the interval between two looks at state the daemon does not
// push (container status through the CLI).
func pollPause() { <-time.After(100 * time.Millisecond) }
