package acquirer

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// Reversal reasons in field 60 of an acquirer's reversal advice
// (docs/iso8583-contract.md, "Reversals by the acquirer").
const (
	ReasonNoAnswer = "4021" // no answer within the acquirer's timeout, or the connection was lost
	ReasonCustomer = "4000" // reversed for any other cause (cancelled at the terminal)
)

// DefaultReversalInterval is how often a Reverser repeats an
// unacknowledged reversal advice when NewReverser is given 0.
const DefaultReversalInterval = 5 * time.Second

// Reverser carries out the acquirer's reversal duty: an authorization or
// financial request (0100, 0200) that got no answer (the caller's timeout
// passed, or the connection was lost with it outstanding) is reversed with
// a reversal advice 0420 whose field 90 names the original and field 60
// says ReasonNoAnswer, repeated as 0421 every interval until an 0430 comes
// back, over whichever of the acquirer's connections is up. Clients dialed
// with Config.Reverser hand it their unanswered requests and serve as its
// connections; Run sends. It is safe for concurrent use.
type Reverser struct {
	interval time.Duration
	log      *slog.Logger

	stan atomic.Uint32 // the advices' own STANs: one sequence for every connection

	mu      sync.Mutex
	pending []*reversal
	clients []*Client
	acked   int
	wake    chan struct{}
}

// reversal is one advice waiting for its 0430.
type reversal struct {
	msg     dialect.Message // the 0420, with its own 7 and 11
	sent    int             // transmissions so far
	next    time.Time
	created time.Time
}

// NewReverser returns a Reverser repeating every interval
// (DefaultReversalInterval when 0). log may be nil.
func NewReverser(interval time.Duration, log *slog.Logger) *Reverser {
	if interval <= 0 {
		interval = DefaultReversalInterval
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Reverser{interval: interval, log: log, wake: make(chan struct{}, 1)}
	var b [4]byte
	_, _ = rand.Read(b[:])
	r.stan.Store(binary.BigEndian.Uint32(b[:]) % 999999)
	return r
}

// nextSTAN numbers the advices: the key of an advice (0420, 32, 11, 7)
// must not repeat another's within a second, whichever connection sends
// it, or the switch answers it as a duplicate of that one.
func (r *Reverser) nextSTAN() string {
	return fmt.Sprintf("%06d", r.stan.Add(1)%999999+1)
}

// reversible reports whether a request that got no answer must be reversed.
func reversible(req *dialect.Message) bool {
	mti := req.MTI()
	return len(mti) == 4 && mti[0] == '0' && (mti[1] == '1' || mti[1] == '2') && mti[2] == '0' && mti[3] == '0'
}

// Add queues the reversal of req, a request that was sent and got no answer.
// It is called by Client.Do; call it directly for a request sent another
// way. The advice is built at once: field 90 from req's MTI, 11, 7, 32
// and 33; its own 11 from the Reverser's sequence and 7 from the clock; 3, 4, 32, 37, 41, 42,
// 49 and 100 copied; no PAN, track or PIN data.
func (r *Reverser) Add(req *dialect.Message) {
	rv := &reversal{created: time.Now()}
	m := &rv.msg
	_ = m.SetMTI([]byte("0420"))
	for _, f := range []int{3, 4, 32, 37, 41, 42, 49, 100} {
		if v := req.Field(f); v != nil {
			m.SetCopy(f, v)
		}
	}
	m.SetString(7, rv.created.UTC().Format("0102150405"))
	m.SetString(11, r.nextSTAN())
	m.SetString(60, ReasonNoAnswer)
	m.SetString(90, fmt.Sprintf("%4s%6s%10s%011s%011s", req.MTI(), req.Field(11), req.Field(7),
		req.Field(32), req.Field(33)))
	r.mu.Lock()
	r.pending = append(r.pending, rv)
	r.mu.Unlock()
	r.signal()
}

func (r *Reverser) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Pending is the number of reversals not yet acknowledged.
func (r *Reverser) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// Acknowledged is the number of reversals acknowledged so far.
func (r *Reverser) Acknowledged() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acked
}

// attach makes c one of the connections reversals are sent on.
func (r *Reverser) attach(c *Client) {
	r.mu.Lock()
	r.clients = append(r.clients, c)
	r.mu.Unlock()
	r.signal()
}

// detach forgets c (its connection ended).
func (r *Reverser) detach(c *Client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.clients {
		if x == c {
			r.clients = append(r.clients[:i], r.clients[i+1:]...)
			return
		}
	}
}

// Run sends due reversals until ctx ends.
func (r *Reverser) Run(ctx context.Context) {
	t := time.NewTicker(r.interval / 4)
	defer t.Stop()
	for {
		r.sendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// Drain sends until every reversal is acknowledged or ctx ends (a
// simulator stopping); it returns ctx's error when some remain.
func (r *Reverser) Drain(ctx context.Context) error {
	for r.Pending() > 0 {
		r.sendDue(ctx)
		select {
		case <-ctx.Done():
			return fmt.Errorf("acquirer: %d reversals unacknowledged: %w", r.Pending(), ctx.Err())
		case <-time.After(min(r.interval/4, 50*time.Millisecond)):
		case <-r.wake:
		}
	}
	return nil
}

// maxReversalsAtOnce bounds the advices one round sends concurrently (a
// goroutine each): a simulator whose switch was down may hold thousands.
const maxReversalsAtOnce = 256

// sendDue sends due reversals once, concurrently, on the live connections.
func (r *Reverser) sendDue(ctx context.Context) {
	now := time.Now()
	r.mu.Lock()
	var due []*reversal
	for _, rv := range r.pending {
		if len(due) == maxReversalsAtOnce {
			break // the rest go in the next round
		}
		if !rv.next.After(now) {
			rv.next = now.Add(r.interval)
			due = append(due, rv)
		}
	}
	clients := append([]*Client(nil), r.clients...)
	r.mu.Unlock()
	var live []*Client
	for _, c := range clients {
		select {
		case <-c.Done():
		default:
			live = append(live, c)
		}
	}
	if len(due) == 0 || len(live) == 0 {
		return
	}
	var wg sync.WaitGroup
	for i, rv := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.send(ctx, live[i%len(live)], rv)
		}()
	}
	wg.Wait()
}

// send transmits rv (0420 the first time, 0421 after) and settles it when
// the switch acknowledges it: 00, or 25 (it never saw the original, so
// nothing is to be reversed). 91 and 96 are tried again.
func (r *Reverser) send(ctx context.Context, c *Client, rv *reversal) {
	var req, resp dialect.Message
	r.mu.Lock()
	req.CopyFrom(&rv.msg)
	if rv.sent > 0 {
		_ = req.SetMTI([]byte("0421"))
	}
	rv.sent++
	r.mu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, r.interval)
	defer cancel()
	if err := c.do(sctx, &req, &resp); err != nil {
		r.log.Debug("reversal advice not answered", "stan", string(req.Field(11)), "err", err)
		return
	}
	switch code := string(resp.Field(39)); code {
	case "91", "96":
		r.log.Debug("reversal advice refused for now", "stan", string(req.Field(11)), "code", code)
		return
	default:
		if code != "00" && code != "25" {
			r.log.Warn("reversal advice answered", "stan", string(req.Field(11)), "code", code)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.pending {
		if x == rv {
			r.pending = append(r.pending[:i], r.pending[i+1:]...)
			r.acked++
			return
		}
	}
}
