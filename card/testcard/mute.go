package testcard

import (
	"sync"

	"github.com/hulian/hulian/card"
)

// Mute is a card that stops answering: from the first command for which
// When reports true, Process does not return until Release (the card is
// mute, as a card whose chip hangs). It wraps any card.Card.
type Mute struct {
	Card card.Card
	When func(command []byte) bool

	once    sync.Once
	release chan struct{}
	mu      sync.Mutex
	mute    bool
	hung    chan struct{} // closed when the card first goes mute
}

// NewMute wraps c; it goes mute on the first command when reports true.
func NewMute(c card.Card, when func(command []byte) bool) *Mute {
	return &Mute{Card: c, When: when, release: make(chan struct{}), hung: make(chan struct{})}
}

// PowerOn powers the wrapped card on.
func (m *Mute) PowerOn() []byte { return m.Card.PowerOn() }

// PowerOff powers the wrapped card off.
func (m *Mute) PowerOff() { m.Card.PowerOff() }

// Process answers as the wrapped card until the card goes mute; from then
// until Release it does not return, and the command it held answers 6F00.
// After Release the card answers again (and never goes mute again).
func (m *Mute) Process(command []byte) []byte {
	m.mu.Lock()
	if !m.mute && m.When(command) {
		select {
		case <-m.release:
		default:
			m.mute = true
			close(m.hung)
		}
	}
	mute := m.mute
	m.mu.Unlock()
	if mute {
		<-m.release
		m.mu.Lock()
		m.mute = false
		m.mu.Unlock()
		return []byte{0x6F, 0x00}
	}
	return m.Card.Process(command)
}

// Hung is closed once the card has gone mute.
func (m *Mute) Hung() <-chan struct{} { return m.hung }

// Release lets the waiting command return (6F00): the card answers again.
func (m *Mute) Release() { m.once.Do(func() { close(m.release) }) }
