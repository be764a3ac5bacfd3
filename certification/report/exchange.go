package report

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/hulian/hulian/pan"

	"github.com/hulian/hulian/emv/tags"
	"github.com/hulian/hulian/emv/tlv"
)

// Exchange is one command and the card's answer, rendered for a report:
// nothing in it holds a PAN or a PIN in clear.
type Exchange struct {
	Command  string        `json:"command"`            // hex; PIN blocks withheld
	Response string        `json:"response,omitempty"` // masked hex of the data (tags.MaskedHex)
	SW       string        `json:"sw,omitempty"`       // 4 hex digits, "" when the exchange failed
	Duration time.Duration `json:"duration_ns"`
	Decoded  string        `json:"decoded,omitempty"` // the answer's TLV tree (tags.Dump, masked)
	Error    string        `json:"error,omitempty"`   // transport failure
}

// pinINS are the instructions whose command data is a PIN block or
// carries one: VERIFY (20) and PIN CHANGE/UNBLOCK (24).
func pinINS(ins byte) bool { return ins == 0x20 || ins == 0x24 }

// NewExchange renders one exchange. resp is data || SW1 SW2 (nil when the
// transmission failed: pass the error as err).
func NewExchange(cmd, resp []byte, d time.Duration, err error) Exchange {
	e := Exchange{Command: commandText(cmd), Duration: d}
	if err != nil {
		e.Error = err.Error()
	}
	if len(resp) < 2 {
		if err == nil && len(resp) > 0 {
			e.Error = fmt.Sprintf("answer of %d byte, shorter than a status word", len(resp))
		}
		return e
	}
	data := resp[:len(resp)-2]
	e.SW = strings.ToUpper(hex.EncodeToString(resp[len(resp)-2:]))
	e.Response = tags.MaskedHex(data, false)
	e.Decoded = decode(data)
	return e
}

// commandText is the command in hex with the data of PIN commands
// withheld.
func commandText(cmd []byte) string {
	if len(cmd) > 5 && pinINS(cmd[1]) {
		return strings.ToUpper(hex.EncodeToString(cmd[:5])) + fmt.Sprintf("{%d bytes withheld: PIN data}", len(cmd)-5)
	}
	return pan.MaskRuns(strings.ToUpper(hex.EncodeToString(cmd)))
}

// decode dumps data as a TLV tree, masked; "" when it is not BER-TLV.
func decode(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	list, err := tlv.ParseWith(data, tlv.Options{Lenient: true})
	if err != nil || len(list) == 0 {
		return ""
	}
	var b strings.Builder
	if tags.Dump(&b, list, tags.DumpOptions{}) != nil {
		return ""
	}
	return strings.TrimRight(b.String(), "\n")
}

// ResetExchange records a reset of the card (cold: power cycle) and the
// ATR it answered.
func ResetExchange(cold bool, atr []byte, d time.Duration, err error) Exchange {
	e := Exchange{Command: "RESET (warm)", Duration: d}
	if cold {
		e.Command = "RESET (cold)"
	}
	if err != nil {
		e.Error = err.Error()
		return e
	}
	e.Response = "ATR " + strings.ToUpper(hex.EncodeToString(atr))
	return e
}
