package pos

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/hsm"
)

// Defaults of Config fields left zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultTerminalID   = "HLPOS001"
	DefaultMerchantID   = "102310058120001"
	DefaultMerchantName = "HULIAN TEST SHOP        SHANGHAI      CN"
	DefaultMCC          = "5411"
)

// cap2OnlinePIN is the online PIN bit of terminal capabilities 9F33 byte 2
// (EMV Book 4 Annex A2).
const cap2OnlinePIN = 0x40

// PINBlocker enciphers a cardholder PIN under the acquirer's zone PIN key:
// a PIN pad and its acquirer host, as simulators/load.ModulePIN does inside
// a switch/hsm Module. PINBlock must not keep pin.
type PINBlocker interface {
	PINBlock(ctx context.Context, pan, pin []byte) ([]byte, error)
	Format() hsm.PINFormat
}

// PINEntry asks the cardholder for the PIN and returns ASCII digits. The
// caller clears the returned slice, so return a fresh one every time.
type PINEntry func(ctx context.Context) ([]byte, error)

// Config is a terminal: its link to the switch, its kernel settings, its
// identity in the messages and its PIN pad.
type Config struct {
	// Client is the acquirer's connection to the switch, signed on.
	Client *acquirer.Client
	// Kernel is the EMV terminal (start from kernel.DefaultConfig and set
	// CAKeys, Clock, Rand). Its PIN supplier is replaced from EnterPIN, and
	// the online PIN capability is dropped when PINBlocks is nil.
	Kernel kernel.Config

	TerminalID   string // field 41, 8 characters
	MerchantID   string // field 42, 15 characters
	MerchantName string // field 43, 40 characters (padded)
	MCC          string // field 18, 4 digits

	// Auth sends an 0100 authorization instead of an 0200 financial
	// request.
	Auth bool
	// ForceOnline asks the kernel for merchant forced online (TVR byte 4).
	ForceOnline bool

	// EnterPIN is the PIN pad; nil: no PIN pad (no PIN cardholder
	// verification at all).
	EnterPIN PINEntry
	// OnlinePINOnly keeps the PIN pad away from the card: offline PIN
	// methods are not offered, so a card whose CVM list goes on to online
	// PIN gets one.
	OnlinePINOnly bool
	// PINBlocks enciphers online PINs (fields 52, 53); nil: the terminal
	// does not offer online PIN.
	PINBlocks PINBlocker

	// Timeout bounds the wait for the answer to the request and to a
	// reversal (default DefaultTimeout).
	Timeout time.Duration
	// Logger gets one line per transaction (never a PAN in clear); nil
	// discards.
	Logger *slog.Logger
}

// withDefaults returns c with zero fields defaulted, or an error naming the
// first unusable field.
func (c Config) withDefaults() (Config, error) {
	if c.Client == nil {
		return c, fmt.Errorf("%w: Client is required", ErrConfig)
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.TerminalID, DefaultTerminalID)
	def(&c.MerchantID, DefaultMerchantID)
	def(&c.MerchantName, DefaultMerchantName)
	def(&c.MCC, DefaultMCC)
	switch {
	case len(c.TerminalID) != 8:
		return c, fmt.Errorf("%w: TerminalID must be 8 characters", ErrConfig)
	case len(c.MerchantID) != 15:
		return c, fmt.Errorf("%w: MerchantID must be 15 characters", ErrConfig)
	case len(c.MerchantName) > 40:
		return c, fmt.Errorf("%w: MerchantName longer than 40 characters", ErrConfig)
	case len(c.MCC) != 4 || !digits(c.MCC):
		return c, fmt.Errorf("%w: MCC must be 4 digits", ErrConfig)
	case c.OnlinePINOnly && c.EnterPIN == nil:
		return c, fmt.Errorf("%w: OnlinePINOnly needs EnterPIN", ErrConfig)
	case c.Timeout < 0:
		return c, fmt.Errorf("%w: Timeout must not be negative", ErrConfig)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Kernel.PIN = nil
	if c.EnterPIN != nil && !c.OnlinePINOnly {
		enter := c.EnterPIN
		c.Kernel.PIN = func(ctx context.Context, _ kernel.PINRequest) ([]byte, error) { return enter(ctx) }
	}
	if c.PINBlocks == nil || c.EnterPIN == nil {
		c.Kernel.Capabilities[1] &^= cap2OnlinePIN
	}
	return c, nil
}

// digits reports whether s is all ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
