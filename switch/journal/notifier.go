package journal

import (
	"runtime"
	"sync"
)

// notifier calls the callbacks of durable groups, each group split across
// a few goroutines (a callback forwards or answers a message: packing it
// is work that two cores share). A group's callbacks start only after it
// is durable; callbacks of different writes may run concurrently.
type notifier struct {
	lanes []chan []pending
	wg    sync.WaitGroup
	busy  sync.WaitGroup // parts dispatched and not yet run
}

func newNotifier() *notifier {
	n := &notifier{lanes: make([]chan []pending, max(2, runtime.GOMAXPROCS(0)))}
	for i := range n.lanes {
		n.lanes[i] = make(chan []pending, 4)
		n.wg.Add(1)
		go func(lane <-chan []pending) {
			defer n.wg.Done()
			for part := range lane {
				for _, p := range part {
					p.done(p.w)
				}
				n.busy.Done()
			}
		}(n.lanes[i])
	}
	return n
}

// dispatch hands a durable group's callbacks to the lanes.
func (n *notifier) dispatch(batch []pending) {
	size := (len(batch) + len(n.lanes) - 1) / len(n.lanes)
	for i := 0; i*size < len(batch); i++ {
		n.busy.Add(1)
		n.lanes[i] <- batch[i*size : min(len(batch), (i+1)*size)]
	}
}

// wait returns once every dispatched callback has run.
func (n *notifier) wait() { n.busy.Wait() }

// close waits until every dispatched callback has run.
func (n *notifier) close() {
	for _, lane := range n.lanes {
		close(lane)
	}
	n.wg.Wait()
}
