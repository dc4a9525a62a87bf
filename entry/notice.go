package entry

// Kind classifies a Notice.
type Kind uint8

// Notice kinds, in the lifecycle order a container usually goes through.
const (
	Note       Kind = iota // a general message about the run
	Waiting                // no container to follow yet
	Attached               // a container is followed for the first time
	Restarted              // a followed container started again (same ID)
	Recreated              // a new container replaced one of the same name
	Exited                 // a container's process exited
	Removed                // a container was removed
	Unreadable             // the container's log driver cannot be read
	Gap                    // lines may be missing (see Text)
	Warning                // something the user should know (lag, caps)
	Reconnect              // the daemon connection broke and was re-established
	Listed                 // a container found at start-up, before its history: not shown, it lets a sink size its columns
)

// Notice is a lifecycle event about a container or the run, shown beside the
// lines (on stderr in the terminal).
type Notice struct {
	Time int64 // ns since the epoch, when known
	Kind Kind
	Src  *Source // nil for notices about the whole run
	Text string  // what happened, lower case, without the container name
}
