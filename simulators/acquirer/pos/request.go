package pos

import (
	"context"
	"fmt"
	"time"

	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/hsm"
)

// Field values of the chip request (iso8583-contract.md).
const (
	procPurchase   = "000000"
	entryChipPIN   = "051" // 22: chip read, PIN entry capable
	condNormal     = "00"  // 25: normal presentment
	pinCaptureCode = "12"  // 26: up to 12 PIN digits
	mtiFinancial   = "0200"
	mtiAuth        = "0100"
	mtiReversal    = "0400"
)

// request builds the online request for the kernel's result r: card
// fields, terminal identity, amount, field 55 and, when the kernel asked
// for it, the online PIN (52, 53). Fields 7 and 32 are left to the Client.
func (t *Terminal) request(ctx context.Context, r *kernel.Result, amount int64, now time.Time) (*dialect.Message, error) {
	cf, err := readCard(r.CardData)
	if err != nil {
		return nil, err
	}
	m := &dialect.Message{}
	mti := mtiFinancial
	if t.cfg.Auth {
		mti = mtiAuth
	}
	if err := m.SetMTI([]byte(mti)); err != nil {
		return nil, err
	}
	stan := t.cfg.Client.NextSTAN()
	m.SetString(2, cf.pan)
	m.SetString(3, procPurchase)
	m.SetString(4, fmt.Sprintf("%012d", amount))
	m.SetString(11, stan)
	m.SetString(12, now.Format("150405"))
	m.SetString(13, now.Format("0102"))
	m.SetString(14, cf.expiry)
	m.SetString(18, t.cfg.MCC)
	m.SetString(22, entryChipPIN)
	if cf.psn != "" {
		m.SetString(23, cf.psn)
	}
	m.SetString(25, condNormal)
	if cf.track2 != "" {
		m.SetString(35, cf.track2)
	}
	m.SetString(37, now.Format("150405")+stan)
	m.SetString(41, t.cfg.TerminalID)
	m.SetString(42, t.cfg.MerchantID)
	m.SetString(43, fmt.Sprintf("%-40s", t.cfg.MerchantName))
	m.SetString(49, fmt.Sprintf("%03X", t.cfg.Kernel.CurrencyCode&0x0FFF))
	m.SetCopy(55, r.OnlineData)
	if r.CVM.OnlinePIN {
		if err := t.onlinePIN(ctx, m, cf.pan); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// onlinePIN asks the PIN pad for the PIN and sets 52 (the block under the
// acquirer's zone PIN key), 53 and 26.
func (t *Terminal) onlinePIN(ctx context.Context, m *dialect.Message, pan string) error {
	if t.cfg.EnterPIN == nil || t.cfg.PINBlocks == nil {
		return fmt.Errorf("%w: no PIN pad", ErrPIN)
	}
	pin, err := t.cfg.EnterPIN(ctx)
	if err != nil {
		return fmt.Errorf("%w: PIN entry: %w", ErrPIN, err)
	}
	defer clear(pin)
	block, err := t.cfg.PINBlocks.PINBlock(ctx, []byte(pan), pin)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPIN, err)
	}
	m.SetCopy(52, block)
	clear(block)
	m.SetString(53, hsm.SecurityControl(t.cfg.PINBlocks.Format()))
	m.SetString(26, pinCaptureCode)
	return nil
}

// reversal builds the 0400 reversing orig (after Do, which set its 7, 11
// and 32): the original's amount and identification, and field 90 = MTI,
// STAN, transmission time, acquirer and forwarding institution (the
// acquirer again), both left-padded with zeros to 11 digits.
func reversal(orig *dialect.Message) *dialect.Message {
	m := &dialect.Message{}
	_ = m.SetMTI([]byte(mtiReversal))
	for _, f := range []int{2, 3, 4, 12, 13, 14, 18, 22, 23, 25, 32, 37, 41, 42, 43, 49} {
		if v := orig.Field(f); v != nil {
			m.SetCopy(f, v)
		}
	}
	acq := string(orig.Field(32))
	m.SetString(90, fmt.Sprintf("%4s%6s%10s%011s%011s", orig.MTI(), orig.Field(11), orig.Field(7), acq, acq))
	return m
}
