package simcard

import (
	"fmt"

	"github.com/hulian/hulian/emv/dol"
)

// Limits of a profile (EMV Book 3 and JR/T 0025.5 ranges).
const (
	maxApplications = 16
	maxRecords      = 512
	maxECAmount     = 999999999999 // n12
	sfiMax          = 30           // SFI 1..30 (EMV Book 3 5.3.2.2; 1..10 for AEFs, 11..30 issuer)
)

// Validate checks the profile; errors name the field. It refuses only
// what the simulator cannot serve; what it can serve although no card
// should carry it (a label of 20 characters, a one-byte CTQ) is a warning
// (Warnings), so that a certification suite can be tried on bad data.
func (p *Profile) Validate() error {
	if len(p.ATR) < 2 || len(p.ATR) > 33 {
		return fieldErr("atr", "must be 2..33 bytes")
	}
	if _, err := suiteOf(p.Algorithm); err != nil {
		return &ProfileError{Field: "algorithm", Err: err}
	}
	if p.PSE != nil && (p.PSE.SFI < 1 || p.PSE.SFI > 10) {
		return fieldErr("pse.sfi", "must be 1..10")
	}
	if len(p.Applications) == 0 || len(p.Applications) > maxApplications {
		return fieldErr("applications", "need 1..%d applications", maxApplications)
	}
	for i := range p.Applications {
		if err := p.Applications[i].validate(fmt.Sprintf("applications[%d]", i)); err != nil {
			return err
		}
	}
	for i, d := range p.Defects {
		if _, _, err := lookupDefect(d); err != nil {
			return &ProfileError{Field: fmt.Sprintf("defects[%d]", i), Err: err}
		}
	}
	return nil
}

func (a *Application) validate(f string) error {
	checks := []func(string) error{a.validateFCI, a.validateGPO, a.validateRecords, a.validateCounters, a.Keys.validate}
	for _, c := range checks {
		if err := c(f); err != nil {
			return err
		}
	}
	return nil
}

func (a *Application) validateFCI(f string) error {
	switch {
	case len(a.AID) < 1 || len(a.AID) > 16:
		return fieldErr(f+".aid", "must be 1..16 bytes")
	case len(a.Label) > 64 || len(a.PreferredName) > 64:
		return fieldErr(f+".label", "label and preferred_name: at most 64 characters")
	case a.Priority < 0 || a.Priority > 0xFF:
		return fieldErr(f+".priority", "must be 0..255")
	case len(a.Language) > 16:
		return fieldErr(f+".language", "at most 16 characters")
	case a.IssuerCodeTable < 0 || a.IssuerCodeTable > 0xFF:
		return fieldErr(f+".issuer_code_table", "must be 0..255")
	}
	if len(a.PDOL) > 0 {
		if _, err := dol.Parse(a.PDOL); err != nil {
			return &ProfileError{Field: f + ".pdol", Err: err}
		}
	}
	for i, s := range a.FCIDiscretionary {
		if _, _, err := parseTagValue(s); err != nil {
			return &ProfileError{Field: fmt.Sprintf("%s.fci_discretionary[%d]", f, i), Err: err}
		}
	}
	return nil
}

func (a *Application) validateGPO(f string) error {
	if len(a.AIP) == 0 || len(a.AIP) > 8 {
		return fieldErr(f+".aip", "must be 1..8 bytes")
	}
	if err := validateAFL(a.AFL); err != nil {
		return &ProfileError{Field: f + ".afl", Err: err}
	}
	if a.GPOFormat != 0 && a.GPOFormat != 1 && a.GPOFormat != 2 {
		return fieldErr(f+".gpo_format", "must be 1 or 2")
	}
	if q := a.QPBOC; q != nil {
		if len(q.AIP) == 0 || len(q.AIP) > 8 || len(q.CTQ) > 8 {
			return fieldErr(f+".qpboc", "aip must be 1..8 bytes, ctq at most 8")
		}
		if err := validateAFL(q.AFL); err != nil {
			return &ProfileError{Field: f + ".qpboc.afl", Err: err}
		}
	}
	return nil
}

// validateAFL checks EMV Book 3 10.2: 4-byte entries, SFI 1..30, first
// record >= 1, first <= last, offline-authentication count within range.
func validateAFL(afl []byte) error {
	if len(afl) == 0 || len(afl)%4 != 0 || len(afl) > 252 {
		return fmt.Errorf("length %d is not a positive multiple of 4", len(afl))
	}
	for i := 0; i < len(afl); i += 4 {
		sfi, first, last, oda := afl[i]>>3, afl[i+1], afl[i+2], afl[i+3]
		if afl[i]&7 != 0 || sfi < 1 || sfi > sfiMax || first == 0 || first > last || int(oda) > int(last-first)+1 {
			return fmt.Errorf("entry %d malformed", i/4)
		}
	}
	return nil
}

func (a *Application) validateRecords(f string) error {
	if len(a.Records) == 0 || len(a.Records) > maxRecords {
		return fieldErr(f+".records", "need 1..%d records", maxRecords)
	}
	seen := make(map[int]bool, len(a.Records))
	for i, r := range a.Records {
		rf := fmt.Sprintf("%s.records[%d]", f, i)
		if r.SFI < 1 || r.SFI > sfiMax || r.Number < 1 || r.Number > 0xFE {
			return fieldErr(rf, "sfi must be 1..30 and record 1..254")
		}
		if seen[r.SFI<<8|r.Number] {
			return fieldErr(rf, "duplicate record")
		}
		seen[r.SFI<<8|r.Number] = true
		if _, err := parseTags(r.Tags); err != nil {
			return &ProfileError{Field: rf, Err: err}
		}
	}
	return nil
}

func (a *Application) validateCounters(f string) error {
	switch {
	case a.PIN != "" && !isDigits(a.PIN, 4, 12):
		return fieldErr(f+".pin", "must be 4..12 digits")
	case a.PINTryLimit < 0 || a.PINTryLimit > 0xFF:
		return fieldErr(f+".pin_try_limit", "must be 0..255")
	case a.ATC < 0 || a.ATC > 0xFFFF:
		return fieldErr(f+".atc", "must be 0..65535")
	case a.CVN < 0 || a.CVN > 0xFF || a.DKI < 0 || a.DKI > 0xFF:
		return fieldErr(f+".cvn", "cvn and dki must be one byte")
	}
	if e := a.EC; e != nil {
		for _, v := range []int64{e.Balance, e.Limit, e.SingleLimit, e.ResetThreshold} {
			if v < 0 || v > maxECAmount {
				return fieldErr(f+".ec", "amounts must be 0..%d", int64(maxECAmount))
			}
		}
	}
	if l := a.Log; l != nil {
		if l.SFI < 1 || l.SFI > sfiMax || l.Records < 1 || l.Records > 50 {
			return fieldErr(f+".log", "sfi must be 1..30 and records 1..50")
		}
		if _, err := dol.Parse(l.Format); err != nil || len(l.Format) == 0 {
			return fieldErr(f+".log.format", "not a data object list")
		}
	}
	return nil
}

func (k *Keys) validate(f string) error {
	for name, v := range map[string]Hex{"card_ac": k.CardAC, "card_mac": k.CardMAC, "card_enc": k.CardENC} {
		if len(v) != 16 {
			return fieldErr(f+".keys."+name, "must be 16 bytes")
		}
	}
	return nil
}

func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Warnings lists what the profile carries that the standards do not
// allow but the simulator serves all the same, each naming the field
// (never a value). The simulator's users print them.
func (p *Profile) Warnings() []string {
	var out []string
	warn := func(field, format string, args ...any) {
		out = append(out, fmt.Sprintf("card profile: %s: %s (served as given)", field, fmt.Sprintf(format, args...)))
	}
	for i := range p.Applications {
		a := &p.Applications[i]
		f := fmt.Sprintf("applications[%d]", i)
		if len(a.AID) < 5 {
			warn(f+".aid", "%d bytes: an AID is 5..16 bytes (ISO/IEC 7816-4 8.2.1.2)", len(a.AID))
		}
		if len(a.Label) == 0 || len(a.Label) > 16 {
			warn(f+".label", "%d characters: an application label is 1..16 (EMV Book 1 12.2.3, tag 50)", len(a.Label))
		}
		if len(a.PreferredName) > 16 {
			warn(f+".preferred_name", "%d characters: at most 16 (tag 9F12)", len(a.PreferredName))
		}
		if len(a.Language)%2 != 0 || len(a.Language) > 8 {
			warn(f+".language", "not 1..4 two-letter codes (tag 5F2D)")
		}
		if a.IssuerCodeTable > 10 {
			warn(f+".issuer_code_table", "%d: ISO/IEC 8859 parts are 1..10 (tag 9F11)", a.IssuerCodeTable)
		}
		if len(a.AIP) != 2 {
			warn(f+".aip", "%d bytes: the AIP is 2 bytes (tag 82)", len(a.AIP))
		}
		if q := a.QPBOC; q != nil {
			if len(q.AIP) != 2 {
				warn(f+".qpboc.aip", "%d bytes: the AIP is 2 bytes (tag 82)", len(q.AIP))
			}
			if len(q.CTQ) != 2 {
				warn(f+".qpboc.ctq", "%d bytes: the card transaction qualifiers are 2 bytes (tag 9F6C)", len(q.CTQ))
			}
		}
		if a.PINTryLimit > 15 {
			warn(f+".pin_try_limit", "%d: the PIN try counter is 0..15 in practice (tag 9F17)", a.PINTryLimit)
		}
		if l := a.Log; l != nil && l.SFI < 11 {
			warn(f+".log.sfi", "%d: the transaction log lives in an issuer SFI, 11..30 (JR/T 0025.5)", l.SFI)
		}
	}
	return out
}
