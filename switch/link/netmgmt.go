package link

import (
	"context"
	"fmt"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// ErrNoReply is returned by Request when the peer did not answer in time.
var ErrNoReply = fmt.Errorf("link: no reply to network management request")

// NextSTAN returns the link's next STAN for messages the switch originates.
func (l *Link) NextSTAN() string {
	n := l.stan.Add(1)%999999 + 1
	return fmt.Sprintf("%06d", n)
}

// Request sends a network management request (0800) that the switch itself
// originates and waits for the 0810 with the same STAN. It fills fields 7
// and 11. The reply is a copy owned by the caller.
func (l *Link) Request(ctx context.Context, m *dialect.Message) (*dialect.Message, error) {
	stan := l.NextSTAN()
	m.SetString(11, stan)
	m.SetString(7, time.Now().UTC().Format("0102150405"))
	var key [6]byte
	copy(key[:], stan)
	ch := make(chan *dialect.Message, 1)
	l.mu.Lock()
	l.waiters[key] = ch
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.waiters, key)
		l.mu.Unlock()
	}()
	if err := l.Send(m); err != nil {
		return nil, err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return nil, ErrClosed
		}
		return r, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrNoReply, ctx.Err())
	}
}

// deliverReply hands an 0810 to the Request waiting for it. It reports
// whether m was consumed.
func (l *Link) deliverReply(m *dialect.Message) bool {
	mti := m.MTI()
	if len(mti) != 4 || mti[0] != '0' || mti[1] != '8' || mti[2] != '1' {
		return false
	}
	stan := m.Field(11)
	if len(stan) != 6 {
		return false
	}
	var key [6]byte
	copy(key[:], stan)
	l.mu.Lock()
	ch, ok := l.waiters[key]
	if ok {
		delete(l.waiters, key)
	}
	l.mu.Unlock()
	if !ok {
		return false
	}
	r := new(dialect.Message)
	r.CopyFrom(m)
	ch <- r
	return true
}

// failWaiters wakes every Request still waiting when the link ends.
func (l *Link) failWaiters() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, ch := range l.waiters {
		close(ch)
		delete(l.waiters, k)
	}
}
