// Package testcard is a tiny software card (card.Card) for the card tests:
// enough ISO/IEC 7816-4 behaviour to exercise transports, the T=0 status
// words (61xx, 6Cxx) and resets, nothing of EMV.
//
// Commands (any CLA):
//
//	A4 04 00 SELECT by name: AID answers an FCI (6F 84 50), others 6A82
//	EE       ECHO: returns the command data
//	B0       READ: returns P2 bytes (00 = 256) of 00 01 02 ...; P1 unused
//	5A       COUNT: 2-byte count of commands since power-on (this one included)
//	C0       GET RESPONSE (T=0 mode)
//
// In T=0 mode (New(true)) the ATR announces T=0 only, a case-4 command that
// returns data answers 61xx and waits for GET RESPONSE, and a READ whose Le
// differs from P2 answers 6Cxx, as a T=0 card does (ISO/IEC 7816-3 12.2).
// In T=1 mode data comes back at once.
package testcard

import (
	"bytes"
	"sync"
)

// AID is the application the card selects: F0 (proprietary RID range) then
// "HULIAN".
func AID() []byte { return []byte{0xF0, 'H', 'U', 'L', 'I', 'A', 'N'} }

// Card is the software card. Safe for concurrent use, so tests can look at
// it (PowerOns) while a driver runs it.
type Card struct {
	mu      sync.Mutex
	t0      bool
	powered bool
	count   int
	pending []byte // T=0: response data waiting for GET RESPONSE
	powerOn int
}

// New returns a card speaking T=0 (t0) or T=1.
func New(t0 bool) *Card { return &Card{t0: t0} }

// ATR returns the card's answer to reset: historical bytes "HULIAN", T=0
// only (no interface bytes) or T=1 (TD1 = 01, with TCK).
func (c *Card) ATR() []byte {
	hist := []byte("HULIAN")
	if c.t0 {
		return append([]byte{0x3B, byte(len(hist))}, hist...)
	}
	atr := append([]byte{0x3B, 0x80 | byte(len(hist)), 0x01}, hist...)
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// PowerOn resets the volatile state and returns the ATR.
func (c *Card) PowerOn() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered, c.count, c.pending = true, 0, nil
	c.powerOn++
	return c.ATR()
}

// PowerOff powers the card off.
func (c *Card) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered, c.pending = false, nil
}

// PowerOns returns how many times the card was powered on.
func (c *Card) PowerOns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.powerOn
}

// Process answers one command APDU.
func (c *Card) Process(cmd []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.powered {
		return sw(0x6F00)
	}
	c.count++
	if len(cmd) < 4 {
		return sw(0x6700)
	}
	ins := cmd[1]
	if ins != 0xC0 {
		c.pending = nil
	}
	data, le, ok := split(cmd)
	if !ok {
		return sw(0x6700)
	}
	switch ins {
	case 0xA4:
		return c.selectApp(cmd[2], data)
	case 0xEE:
		return c.reply(append([]byte(nil), data...), true)
	case 0xB0:
		return c.read(int(cmd[3]), le)
	case 0x5A:
		return c.reply([]byte{byte(c.count >> 8), byte(c.count)}, false)
	case 0xC0:
		return c.getResponse(le)
	}
	return sw(0x6D00)
}

func (c *Card) selectApp(p1 byte, aid []byte) []byte {
	if p1 != 0x04 {
		return sw(0x6A86)
	}
	if !bytes.Equal(aid, AID()) {
		return sw(0x6A82)
	}
	label := []byte("TESTCARD")
	a5 := append([]byte{0x50, byte(len(label))}, label...)
	in := append(append([]byte{0x84, byte(len(aid))}, aid...), 0xA5, byte(len(a5)))
	in = append(in, a5...)
	return c.reply(append([]byte{0x6F, byte(len(in))}, in...), true)
}

func (c *Card) read(n, le int) []byte {
	if n == 0 {
		n = 256
	}
	if c.t0 && le != n {
		return sw(0x6C00 | uint16(n&0xFF))
	}
	out := make([]byte, min(n, le))
	for i := range out {
		out[i] = byte(i)
	}
	return c.reply(out, false)
}

// reply returns data with 9000, or in T=0 mode for a case-4 command keeps
// it for GET RESPONSE and answers 61xx.
func (c *Card) reply(data []byte, case4 bool) []byte {
	if c.t0 && case4 && len(data) > 0 {
		c.pending = data
		return moreData(len(data))
	}
	return append(data, 0x90, 0x00)
}

func (c *Card) getResponse(le int) []byte {
	if len(c.pending) == 0 {
		return sw(0x6985)
	}
	n := min(le, len(c.pending))
	out := append([]byte(nil), c.pending[:n]...)
	c.pending = c.pending[n:]
	if len(c.pending) > 0 {
		return append(out, moreData(len(c.pending))...)
	}
	c.pending = nil
	return append(out, 0x90, 0x00)
}

func moreData(n int) []byte {
	if n >= 256 {
		return []byte{0x61, 0x00}
	}
	return []byte{0x61, byte(n)}
}

// split returns the data and Le (0 when absent; short APDUs only, which is
// all this card needs).
func split(cmd []byte) (data []byte, le int, ok bool) {
	body := cmd[4:]
	switch {
	case len(body) == 0:
		return nil, 0, true
	case len(body) == 1:
		return nil, leValue(body[0]), true
	}
	nc := int(body[0])
	switch len(body) {
	case 1 + nc:
		return body[1:], 0, true
	case 2 + nc:
		return body[1 : 1+nc], leValue(body[1+nc]), true
	}
	return nil, 0, false
}

func leValue(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}

func sw(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
