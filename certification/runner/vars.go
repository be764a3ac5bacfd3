package runner

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
)

// builtins returns the variables every case sees (script.BuiltinVars).
func (r *Runner) builtins(base *store, un []byte) map[string]string {
	p := r.opts.Profile
	now := r.opts.Clock()
	v := map[string]string{
		"aid":       strings.ToUpper(p.AID),
		"un":        strings.ToUpper(hex.EncodeToString(un)),
		"amount":    or(p.Amount, "000000000100"),
		"date":      or(p.Date, now.Format("060102")),
		"currency":  or(p.Currency, "0156"),
		"country":   or(p.Country, "0156"),
		"pin":       p.PIN,
		"wrong_pin": or(p.WrongPIN, wrongPIN(p.PIN)),
	}
	if v["aid"] == "" && base != nil && base.aid != nil {
		v["aid"] = strings.ToUpper(hex.EncodeToString(base.aid))
	}
	return v
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// unpredictable returns the case's unpredictable number: the profile's,
// or 4 random bytes.
func (r *Runner) unpredictable() ([]byte, error) {
	if r.opts.Profile.UN != "" {
		return hex.DecodeString(r.opts.Profile.UN)
	}
	un := make([]byte, 4)
	if _, err := io.ReadFull(r.opts.Rand, un); err != nil {
		return nil, fmt.Errorf("unpredictable number: %w", err)
	}
	return un, nil
}

// terminalData is the terminal the runner plays: a PBOC 3.0 attended
// online-capable POS in China by default (JR/T 0025.6), with the
// transaction values of the builtin variables. Actions override single
// data objects with terminal: {TAG: HEX}.
func (r *Runner) terminalData(vars map[string]string) map[tlv.Tag][]byte {
	now := r.opts.Clock()
	h := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	return map[tlv.Tag][]byte{
		0x9F02: h(vars["amount"]), 0x9F03: h("000000000000"), 0x9F1A: h(vars["country"]),
		0x95: h("0000000000"), 0x5F2A: h(vars["currency"]), 0x9A: h(vars["date"]), 0x9C: {0x00},
		0x9F37: h(vars["un"]), 0x9F21: h(now.Format("150405")), 0x9F66: h("00000000"),
		0x9F7A: {0x00}, 0xDF69: {0x00}, 0x8A: []byte("00"), 0x9F35: {0x22}, 0x9F33: h("E0F8C8"),
		0x9F40: h("6000F0A001"), 0x9F09: h("0030"), 0x9F34: h("3F0000"), 0x9F41: h("00000001"),
		0x9F1C: []byte("CERT0001"), 0x9F1E: []byte("HULIAN01"), 0x9F4E: []byte("HULIAN CERTIFICATION"),
		0x5F36: {0x02},
	}
}
