package pcsc

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ebfe/scard"

	"github.com/hulian/hulian/card"
)

// Codes from pcsc-lite's pcsclite.h (PC/SC Workgroup part 5 return codes).
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		code uint32
		want error
	}{
		{0x8010001D, card.ErrNoService},
		{0x8010001E, card.ErrNoService},
		{0x8010002E, card.ErrNoReader},
		{0x80100009, card.ErrNoReader},
		{0x8010000C, card.ErrNoCard},
		{0x80100069, card.ErrCardRemoved},
		{0x80100068, card.ErrCardReset},
		{0x8010000A, card.ErrTimeout},
		{0x80100016, card.ErrTransmit},
		{0x80100066, card.ErrTransmit},
		{0x8010000B, card.ErrSharing},
		{0x8010000F, card.ErrProtocol},
	}
	for _, tt := range tests {
		err := fmt.Errorf("outer: %w", wrap("transmit", "Virtual PCD 00 00", scard.Error(tt.code)))
		if !errors.Is(err, tt.want) {
			t.Errorf("0x%08X: %v does not match %v", tt.code, err, tt.want)
		}
		if !errors.Is(err, scard.Error(tt.code)) {
			t.Errorf("0x%08X: scard code lost", tt.code)
		}
		var pe *Error
		if !errors.As(err, &pe) || uint32(pe.Code) != tt.code || pe.Op != "transmit" {
			t.Errorf("0x%08X: errors.As = %+v", tt.code, pe)
		}
	}
	got := wrap("connect", "R", scard.ErrNoSmartcard).Error()
	want := `pcsc: connect "R": ` + scard.ErrNoSmartcard.Error() + " (0x8010000C)"
	if got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if wrap("x", "", nil) != nil {
		t.Error("wrap(nil) != nil")
	}
	if err := wrap("x", "", scard.Error(0x80100001)); errors.Is(err, card.ErrTransmit) {
		t.Error("unmapped code matched a sentinel")
	}
}
