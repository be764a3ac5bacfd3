package journal

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Defaults for Options.
const (
	DefaultMaxBatch      = 512
	DefaultQueueSize     = 65536
	DefaultCommitTimeout = 30 * time.Second
	DefaultMaxBacklog    = 1 << 20
	DefaultSegmentSize   = 64 << 20
	minSegmentSize       = 1 << 16
	minHashKey           = 16
)

// Options configure a Journal.
type Options struct {
	Node      string        // this node's name (SAF leases, records); default: the host name
	HashKey   []byte        // key of the PAN hash (>= 16 bytes)
	MaxBatch  int           // writes per group commit, default 512
	MaxDelay  time.Duration // how long the committer may wait to fill a batch, default 0 (commit as soon as idle: natural batching)
	QueueSize int           // pending writes before Submit blocks, default 65536
	Logger    *slog.Logger  // default: discard

	// MaxBacklog bounds (SQLite) the records logged but not yet applied to
	// table txn, held in memory meanwhile (about 400 bytes each); default
	// 1,048,576. The applier works whenever the committer is idle, and
	// without waiting for that once half the bound is reached; at the
	// bound, writes wait for it.
	MaxBacklog int

	// LogSegmentSize (SQLite) is the size of each log segment file,
	// default 64 MiB, at least 64 KiB.
	LogSegmentSize int64

	// CommitTimeout bounds one group commit, default 30s; a batch that
	// cannot commit in time fails with the context error in each Write.Err.
	CommitTimeout time.Duration

	// OnCommit, when set, is told after every group commit how many writes
	// it carried, how long it took (SQLite: from the group's first write
	// until it was durable) and whether it failed (metrics). It runs on
	// the committer or a syncer goroutine and must be quick.
	OnCommit func(writes int, took time.Duration, err error)
}

// withDefaults validates o and fills its defaults; the error names the field.
func (o Options) withDefaults() (Options, error) {
	if len(o.HashKey) < minHashKey {
		return o, fmt.Errorf("journal: Options.HashKey must be at least %d bytes", minHashKey)
	}
	o.HashKey = append([]byte(nil), o.HashKey...)
	if o.Node == "" {
		h, err := os.Hostname()
		if err != nil || h == "" {
			return o, fmt.Errorf("journal: Options.Node is empty and the host name is unknown")
		}
		o.Node = h
	}
	if len(o.Node) > maxText {
		return o, fmt.Errorf("journal: Options.Node is longer than %d bytes", maxText)
	}
	if o.MaxBatch < 0 || o.QueueSize < 0 || o.MaxDelay < 0 || o.CommitTimeout < 0 || o.MaxBacklog < 0 {
		return o, fmt.Errorf("journal: Options: MaxBatch, QueueSize, MaxDelay, CommitTimeout and MaxBacklog must not be negative")
	}
	if o.LogSegmentSize == 0 {
		o.LogSegmentSize = DefaultSegmentSize
	}
	if o.LogSegmentSize < minSegmentSize {
		return o, fmt.Errorf("journal: Options.LogSegmentSize must be at least %d bytes", minSegmentSize)
	}
	if o.MaxBacklog == 0 {
		o.MaxBacklog = DefaultMaxBacklog
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxBatch > maxLogImages/4 {
		return o, fmt.Errorf("journal: Options.MaxBatch must be at most %d", maxLogImages/4)
	}
	if o.QueueSize == 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.CommitTimeout == 0 {
		o.CommitTimeout = DefaultCommitTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Stats counts the committer's work since Open.
type Stats struct {
	Batches      uint64 // group commits that reached the database and committed
	Writes       uint64 // writes in those commits
	Failed       uint64 // group commits the database refused (their writes were retried one by one)
	LargestBatch uint64 // most writes in one commit
}
