package hsm_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/hulian/hulian/switch/hsm"
)

// FuzzDecodePINBlock feeds arbitrary blocks and PANs to DecodePINBlock: it
// must not panic, must fail only with the package's sentinels, must return a
// PIN of 4..12 digits on success, and a format 0 success must re-encode to
// the same block (format 0 has no random fill).
func FuzzDecodePINBlock(f *testing.F) {
	seedPAN := []byte("4111111111111111")
	for _, fm := range []hsm.PINFormat{hsm.ISO0, hsm.ISO1, hsm.ISO3, hsm.ISO4} {
		b, err := hsm.EncodePINBlock(fm, []byte("1234"), seedPAN, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(fm), b, seedPAN)
	}
	f.Add(uint8(0), []byte{0x04, 0x12, 0x25, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE}, seedPAN)
	f.Add(uint8(0), []byte{0x0C, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0xFF}, []byte("6222020200112233445"))
	f.Add(uint8(3), []byte{}, []byte{})
	f.Add(uint8(2), make([]byte, 8), seedPAN)

	f.Fuzz(func(t *testing.T, format uint8, block, pan []byte) {
		fm := hsm.PINFormat(format)
		pin, err := hsm.DecodePINBlock(fm, block, pan)
		if err != nil {
			if !errors.Is(err, hsm.ErrPINFormat) && !errors.Is(err, hsm.ErrInvalid) && !errors.Is(err, hsm.ErrUnsupported) {
				t.Fatalf("unexpected error type: %v", err)
			}
			if pin != nil {
				t.Fatal("PIN returned with an error")
			}
			return
		}
		if len(pin) < hsm.MinPINLen || len(pin) > hsm.MaxPINLen {
			t.Fatalf("PIN length %d", len(pin))
		}
		for _, c := range pin {
			if c < '0' || c > '9' {
				t.Fatal("non-digit PIN")
			}
		}
		if fm != hsm.ISO0 {
			return
		}
		again, err := hsm.EncodePINBlock(hsm.ISO0, pin, pan, nil)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(again, block) {
			t.Fatal("format 0 re-encode differs")
		}
	})
}
