package transcript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hulian/hulian/card"
)

// ErrUnexpected: the session did something the transcript does not have
// next. The error text names the file, the line and both sides.
var ErrUnexpected = errors.New("transcript: unexpected call")

// Replay is a card.Transport that serves a transcript. Safe for concurrent
// use (calls are matched in arrival order).
type Replay struct {
	name string

	mu    sync.Mutex
	e     []Entry
	next  int
	atr   []byte
	proto card.Protocol
}

// NewReplay serves tr; name (the file name) appears in errors. The header
// (atr, protocol before the first exchange) sets ATR and Protocol.
func NewReplay(tr *Transcript, name string) *Replay {
	r := &Replay{name: name, e: tr.Entries, proto: card.ProtocolT1}
	r.header()
	return r
}

// header consumes atr and protocol entries.
func (r *Replay) header() {
	for r.next < len(r.e) {
		switch e := r.e[r.next]; e.Kind {
		case KindATR:
			r.atr = e.Data
		case KindProtocol:
			r.proto = e.Protocol
		default:
			return
		}
		r.next++
	}
}

func (r *Replay) where() string {
	if r.next >= len(r.e) {
		return fmt.Sprintf("%s: after the last line", r.name)
	}
	return fmt.Sprintf("%s line %d", r.name, r.e[r.next].Line)
}

// describe says what the transcript has at the current position.
func (r *Replay) describe() string {
	if r.next >= len(r.e) {
		return "the transcript ends"
	}
	switch e := r.e[r.next]; e.Kind {
	case KindCommand:
		return fmt.Sprintf("the transcript has command %X", e.Data)
	case KindReset:
		return fmt.Sprintf("the transcript has reset %s", map[bool]string{false: "warm", true: "cold"}[e.Cold])
	default:
		return fmt.Sprintf("the transcript has a line of kind %d", e.Kind)
	}
}

// Transmit returns the recorded response to command when command is the
// transcript's next one.
func (r *Replay) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.next >= len(r.e) || r.e[r.next].Kind != KindCommand || !bytes.Equal(r.e[r.next].Data, command) {
		return nil, fmt.Errorf("%w: %s: command %X, but %s", ErrUnexpected, r.where(), command, r.describe())
	}
	r.next++
	if r.next >= len(r.e) {
		return nil, fmt.Errorf("%w: %s: command %X has no recorded response", ErrUnexpected, r.name, command)
	}
	e := r.e[r.next]
	r.next++
	switch e.Kind {
	case KindResponse:
		return append([]byte(nil), e.Data...), nil
	case KindError:
		return nil, fmt.Errorf("%s line %d: %w", r.name, e.Line, errorOf(e.Err))
	}
	return nil, fmt.Errorf("%w: %s line %d: a response or error must follow a command", ErrUnexpected, r.name, e.Line)
}

// Reset consumes the transcript's "reset" line and the ATR after it.
func (r *Replay) Reset(ctx context.Context, cold bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	kind := map[bool]string{false: "warm", true: "cold"}[cold]
	if r.next >= len(r.e) || r.e[r.next].Kind != KindReset || r.e[r.next].Cold != cold {
		return fmt.Errorf("%w: %s: reset %s, but %s", ErrUnexpected, r.where(), kind, r.describe())
	}
	r.next++
	if r.next < len(r.e) && r.e[r.next].Kind == KindError {
		e := r.e[r.next]
		r.next++
		return fmt.Errorf("%s line %d: %w", r.name, e.Line, errorOf(e.Err))
	}
	r.header()
	return nil
}

// ATR returns the recorded ATR.
func (r *Replay) ATR() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.atr...)
}

// Protocol returns the recorded protocol.
func (r *Replay) Protocol() card.Protocol {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.proto
}

// Close does nothing; see Remaining.
func (r *Replay) Close() error { return nil }

// Remaining returns nil when the whole transcript was played, and an error
// naming the first line not reached otherwise.
func (r *Replay) Remaining() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.next >= len(r.e) {
		return nil
	}
	return fmt.Errorf("%w: %s: session ended but %s", ErrUnexpected, r.where(), r.describe())
}
