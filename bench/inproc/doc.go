// Package inproc benchmarks devlogs' whole in-process path on stored logs:
// the Engine's multiplexed frames are decoded, rejoined into lines, given a
// level, grouped, filtered and rendered, exactly as `docker devlogs
// --no-follow` does, with the daemon replaced by an in-memory engine so that
// only devlogs' own work is measured. Run it with
//
//	go test -run '^$' -bench . -benchmem ./bench/inproc
package inproc
