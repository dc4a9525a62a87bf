// Package stream follows the containers of a Compose project through the
// Docker Engine API and turns their logs into entries, losing none and
// showing none twice.
//
// The shape of a run (Follower.Run):
//
//   - subscribe to the project's container events, then list its
//     containers (in that order, so no start falls between the two);
//   - send the stored lines of the containers found (the last Tail lines of
//     each), merged across containers by daemon timestamp (history.go);
//   - follow every container in its own loop (container.go): one logs
//     request per generation with follow=1 and timestamps=1, resumed from a
//     per-container cursor (cursor.go) when the stream ends or breaks;
//   - start following containers announced by events, and reconcile with
//     the container list every 30 s and after every resubscription, since
//     the daemon drops events for slow subscribers (events.go);
//   - follow at most Options.MaxStreams containers at once: the others are
//     named in a warning and wait, in list order, for a followed container
//     to stop or go (fanout.go).
//
// Reading one stream (tail.go): a pump goroutine copies the response into
// buffers; the decoder (frames.go for multiplexed streams, tty.go for TTY
// containers) splits frames without stdcopy, which corrupts long lines when
// timestamps are on; the assembler (assemble.go) rejoins 16 KiB chunks and
// caps line length; lines are batched and sent when the stream would block.
//
// Engine facts the package relies on are written beside the code that uses
// them; the measured details are in the project's engine notes.
package stream
