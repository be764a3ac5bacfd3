package card

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

// Validate checks the profile; errors name the field.
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
	case len(a.AID) < 5 || len(a.AID) > 16:
		return fieldErr(f+".aid", "must be 5..16 bytes")
	case len(a.Label) == 0 || len(a.Label) > 16:
		return fieldErr(f+".label", "must be 1..16 characters")
	case len(a.PreferredName) > 16:
		return fieldErr(f+".preferred_name", "at most 16 characters")
	case a.Priority < 0 || a.Priority > 0xFF:
		return fieldErr(f+".priority", "must be 0..255")
	case len(a.Language) > 8 || len(a.Language)%2 != 0:
		return fieldErr(f+".language", "must be 1..4 two-letter codes")
	case a.IssuerCodeTable < 0 || a.IssuerCodeTable > 10:
		return fieldErr(f+".issuer_code_table", "must be 0..10")
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
	if len(a.AIP) != 2 {
		return fieldErr(f+".aip", "must be 2 bytes")
	}
	if err := validateAFL(a.AFL); err != nil {
		return &ProfileError{Field: f + ".afl", Err: err}
	}
	if a.GPOFormat != 0 && a.GPOFormat != 1 && a.GPOFormat != 2 {
		return fieldErr(f+".gpo_format", "must be 1 or 2")
	}
	if q := a.QPBOC; q != nil {
		if len(q.AIP) != 2 || len(q.CTQ) != 2 {
			return fieldErr(f+".qpboc", "aip and ctq must be 2 bytes")
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
	case a.PINTryLimit < 0 || a.PINTryLimit > 15:
		return fieldErr(f+".pin_try_limit", "must be 0..15")
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
		if l.SFI < 11 || l.SFI > sfiMax || l.Records < 1 || l.Records > 50 {
			return fieldErr(f+".log", "sfi must be 11..30 and records 1..50")
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
