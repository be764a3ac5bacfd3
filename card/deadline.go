package card

import (
	"context"
	"time"
)

// Deadline is a Transport whose every Transmit and Reset is bounded by
// Timeout (the caller's ctx still applies when it ends sooner): a terminal's
// per-command timeout. With a transport that can abandon a call (card/pcsc),
// a mute card then gives ErrNotAnswering instead of hanging.
type Deadline struct {
	Transport
	Timeout time.Duration
}

// Transmit sends one command within Timeout.
func (d Deadline) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	ctx, cancel := d.bound(ctx)
	defer cancel()
	return d.Transport.Transmit(ctx, command)
}

// Reset resets the card within Timeout.
func (d Deadline) Reset(ctx context.Context, cold bool) error {
	ctx, cancel := d.bound(ctx)
	defer cancel()
	return d.Transport.Reset(ctx, cold)
}

func (d Deadline) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if d.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d.Timeout)
}
