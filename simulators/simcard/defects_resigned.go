package simcard

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// Re-signed personalisation defects: mistakes in the personalisation data
// that an issuer then signs consistently, as real cards are: after the
// change the simulator issues a new issuer certificate under the test CA
// key, a new ICC certificate and new signed static data (resign), so that
// offline data authentication still passes and only a check of the data
// itself finds the mistake.
const (
	DefectPANLuhn           = "pan-luhn-invalid"
	DefectPANTooShort       = "pan-too-short"
	DefectTrack2Expiry      = "track2-expiry-mismatch"
	DefectTrack2Service     = "track2-service-code-mismatch"
	DefectServiceCode       = "service-code-invalid"
	DefectPSNNotDigits      = "psn-not-digits"
	DefectExpiryNotDate     = "expiry-not-a-date"
	DefectExpiryNoLeapYear  = "expiry-feb-29-no-leap-year"
	DefectEffectiveNotDate  = "effective-not-a-date"
	DefectEffectiveAfterExp = "effective-after-expiry"
	DefectCountryUnknown    = "country-code-unknown"
	DefectCurrencyUnknown   = "currency-code-unknown"
	DefectAUCUnusable       = "auc-unusable"
	DefectIACOverlap        = "iac-denial-online-overlap"
	DefectTagInTwoRecords   = "tag-in-two-records"
	DefectRecordTooLong     = "record-too-long"
	DefectSDADataMissing    = "sda-data-missing"
	DefectSDATagList        = "sda-tag-list-wrong"
	DefectCDOL1WithoutUN    = "cdol1-without-un"
	DefectLCOLAboveUCOL     = "lcol-above-ucol"
	DefectNameTooLong       = "cardholder-name-too-long"
	DefectLabelTooLong      = "label-too-long"
	DefectLanguageNotISO    = "language-not-iso639"
	DefectCodeTableRange    = "code-table-out-of-range"
	DefectPreferredNoTable  = "preferred-name-without-code-table"
	DefectCVMListOddLength  = "cvm-list-odd-length"
	DefectECAuthCodeLength  = "ec-auth-code-wrong-length"
	resignedKind            = "personalisation, re-signed"
)

// resignedDefects describes them for the catalogue.
func resignedDefects() []Defect {
	const k, n = resignedKind, ""
	return []Defect{
		{DefectPANLuhn, n, k, "", "The PAN's last digit is not its Luhn check digit (5A and 57 agree).", "5A fails the Luhn check (ISO/IEC 7812-1)."},
		{DefectPANTooShort, n, k, "", "The PAN is 12 digits (Luhn-valid; 5A and 57 agree).", "5A is shorter than 13 digits."},
		{DefectTrack2Expiry, n, k, "", "The expiry date inside 57 is a month before 5F24's.", "57 and 5F24 disagree on the expiry date."},
		{DefectTrack2Service, n, k, "", "The service code inside 57 is one more than 5F30's.", "57 and 5F30 disagree on the service code."},
		{DefectServiceCode, n, k, "", "The service code (5F30 and 57) starts with 9, which ISO/IEC 7813 leaves to tests.", "5F30 is not a service code for interchange."},
		{DefectPSNNotDigits, n, k, "", "The PAN sequence number 5F34 is AB.", "5F34 is not two digits."},
		{DefectExpiryNotDate, n, k, "", "The expiry date 5F24 is the 31st of November (57 agrees).", "5F24 is not a calendar date."},
		{DefectExpiryNoLeapYear, n, k, "", "The expiry date 5F24 is 29 February 2029 (57 agrees).", "5F24 is not a calendar date: 2029 is no leap year."},
		{DefectEffectiveNotDate, n, k, "", "The effective date 5F25 has month 13.", "5F25 is not a calendar date."},
		{DefectEffectiveAfterExp, n, k, "", "The effective date 5F25 is after the expiry date 5F24.", "5F25 > 5F24: the card is never valid."},
		{DefectCountryUnknown, n, k, "", "The issuer country code 5F28 is 0157, which ISO 3166-1 does not assign.", "5F28 is not a country code."},
		{DefectCurrencyUnknown, n, k, "", "The application currency code 9F42 is 0157, which ISO 4217 does not assign.", "9F42 is not a currency code."},
		{DefectAUCUnusable, n, k, "", "The application usage control 9F07 is 0000: valid nowhere, for nothing.", "9F07 allows the card at no terminal."},
		{DefectIACOverlap, n, k, "", "IAC-denial 9F0E has the bits of IAC-online byte 1 (D8).", "9F0E and 9F0F have bits in common."},
		{DefectTagInTwoRecords, n, k, "", "The expiry date 5F24 is also written into the first AFL record.", "A data object is in two records (EMV Book 3 10.2)."},
		{DefectRecordTooLong, n, k, "", "An AFL record carries 250 more bytes of proprietary data (DF61): over 256 bytes.", "READ RECORD of it answers 6700 to a short command."},
		{DefectSDADataMissing, n, k, "", "The signed static data 93 is left out although the AIP announces SDA.", "AIP says SDA, 93 is absent."},
		{DefectSDATagList, n, k, "", "The SDA tag list 9F4A names 5F24 instead of 82.", "9F4A is not 82."},
		{DefectCDOL1WithoutUN, n, k, "", "CDOL1 8C does not ask for the unpredictable number 9F37.", "8C lacks 9F3704: the cryptogram does not depend on the terminal."},
		{DefectLCOLAboveUCOL, n, k, "", "The lower consecutive offline limit 9F14 (06) is above the upper one 9F23 (05).", "9F14 > 9F23."},
		{DefectNameTooLong, n, k, "", "The cardholder name 5F20 is 30 characters.", "5F20 is longer than 26 characters."},
		{DefectLabelTooLong, n, k, "", "The application label 50 is 21 characters.", "50 is longer than 16 characters."},
		{DefectLanguageNotISO, n, k, "", "The language preference 5F2D is written in capitals (ZHEN).", "5F2D is not lower-case ISO 639-1 codes."},
		{DefectCodeTableRange, n, k, "", "The issuer code table index 9F11 is 11.", "9F11 names no part of ISO/IEC 8859."},
		{DefectPreferredNoTable, n, k, "", "The FCI carries a preferred name 9F12 without the issuer code table index 9F11.", "9F12 present, 9F11 absent."},
		{DefectCVMListOddLength, n, k, "", "The CVM list 8E carries a stray byte after its last rule.", "8E is not amounts plus 2-byte rules."},
		{DefectECAuthCodeLength, n, k, "", "The EC issuer authorisation code 9F74 is 5 characters (EC001).", "9F74 is not an6."},
	}
}

// resignedEdit changes an application's personalisation data for one
// defect; after, when set, runs once the data is re-signed.
type resignedEdit struct {
	edit, after func(e *appEdit)
}

func resignedEdits() map[string]resignedEdit {
	ed := func(f func(e *appEdit)) resignedEdit { return resignedEdit{edit: f} }
	return map[string]resignedEdit{
		DefectPANLuhn: ed(func(e *appEdit) {
			e.setPAN(func(d string) string { return d[:len(d)-1] + string('0'+(d[len(d)-1]-'0'+1)%10) })
		}),
		DefectPANTooShort: ed(func(e *appEdit) {
			e.setPAN(func(d string) string { return withCheckDigit(d[:11]) })
		}),
		DefectTrack2Expiry: ed(func(e *appEdit) {
			e.track2(func(pan, exp, rest string) (string, string, string) { return pan, monthBefore(exp), rest })
		}),
		DefectTrack2Service: ed(func(e *appEdit) {
			e.track2(func(pan, exp, rest string) (string, string, string) {
				return pan, exp, rest[:2] + string('0'+(rest[2]-'0'+1)%10) + rest[3:] // its last digit
			})
		}),
		DefectServiceCode: ed(func(e *appEdit) {
			e.set(0x5F30, hexOf("0920"))
			e.track2(func(pan, exp, rest string) (string, string, string) { return pan, exp, "920" + rest[3:] })
		}),
		DefectPSNNotDigits: ed(func(e *appEdit) { e.set(0x5F34, []byte{0xAB}) }),
		DefectExpiryNotDate: ed(func(e *appEdit) {
			e.set(0x5F24, hexOf("301131"))
			e.track2(func(pan, exp, rest string) (string, string, string) { return pan, "3011", rest })
		}),
		DefectExpiryNoLeapYear: ed(func(e *appEdit) {
			e.set(0x5F24, hexOf("290229"))
			e.track2(func(pan, exp, rest string) (string, string, string) { return pan, "2902", rest })
		}),
		DefectEffectiveNotDate:  ed(func(e *appEdit) { e.set(0x5F25, hexOf("241301")) }),
		DefectEffectiveAfterExp: ed(func(e *appEdit) { e.set(0x5F25, hexOf("310101")) }),
		DefectCountryUnknown:    ed(func(e *appEdit) { e.set(0x5F28, hexOf("0157")) }),
		DefectCurrencyUnknown:   ed(func(e *appEdit) { e.set(0x9F42, hexOf("0157")) }),
		DefectAUCUnusable:       ed(func(e *appEdit) { e.set(0x9F07, hexOf("0000")) }),
		DefectIACOverlap:        ed(func(e *appEdit) { e.set(0x9F0E, hexOf("D800000000")) }),
		DefectTagInTwoRecords: ed(func(e *appEdit) {
			if v, ok := appTag(e.a, 0x5F24); ok {
				e.addToFirst(0x5F24, v)
			}
		}),
		DefectRecordTooLong: ed(func(e *appEdit) { e.addTo(0x5A, 0xDF61, make([]byte, 250)) }),
		DefectSDADataMissing: {after: func(e *appEdit) {
			e.a.AIP = append([]byte{e.a.AIP[0] | 0x40}, e.a.AIP[1:]...)
			e.remove(0x93)
		}},
		DefectSDATagList:     ed(func(e *appEdit) { e.set(0x9F4A, hexOf("5F24")) }),
		DefectCDOL1WithoutUN: ed(func(e *appEdit) { e.mutate(0x8C, func(v []byte) []byte { return removeDOLEntry(v, 0x9F37) }) }),
		DefectLCOLAboveUCOL:  ed(func(e *appEdit) { e.set(0x9F14, []byte{0x06}); e.set(0x9F23, []byte{0x05}) }),
		DefectNameTooLong:    ed(func(e *appEdit) { e.set(0x5F20, []byte("TEST/PBOC CARDHOLDER NAME LONG")) }),
		DefectLabelTooLong:   ed(func(e *appEdit) { e.a.Label = "PBOC APPLICATION 0" + e.a.Label[len(e.a.Label)-3:] }),
		DefectLanguageNotISO: ed(func(e *appEdit) { e.a.Language = "ZHEN" }),
		DefectCodeTableRange: ed(func(e *appEdit) { e.a.IssuerCodeTable = 11 }),
		DefectPreferredNoTable: ed(func(e *appEdit) {
			e.a.PreferredName, e.a.IssuerCodeTable = "PBOC APP", 0
		}),
		DefectCVMListOddLength: ed(func(e *appEdit) { e.mutate(0x8E, func(v []byte) []byte { return append(v, 0x00) }) }),
		DefectECAuthCodeLength: ed(func(e *appEdit) { e.set(0x9F74, []byte("EC001")) }),
	}
}

// applyResignedDefects returns a copy of a with the re-signed defects that
// are on applied and its offline data authentication re-signed; a itself
// when none is on.
func applyResignedDefects(p *Profile, s suite, a *Application, ds defectSet) (*Application, error) {
	edits := resignedEdits()
	var on []string
	for _, d := range resignedDefects() {
		if ds.on(d.Name) {
			on = append(on, d.Name)
		}
	}
	if len(on) == 0 {
		return a, nil
	}
	e := &appEdit{a: a.clone()}
	for _, name := range on {
		if f := edits[name].edit; f != nil {
			f(e)
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	if err := resign(p, s, e.a, strings.Join(on, ",")+" "+Hex(a.AID).String()); err != nil {
		return nil, fmt.Errorf("re-signing after %s: %w", strings.Join(on, ", "), err)
	}
	for _, name := range on {
		if f := edits[name].after; f != nil {
			f(e)
		}
	}
	return e.a, e.err
}

// clone copies an application deeply enough for edits (records and their
// tags).
func (a *Application) clone() *Application {
	c := *a
	c.Records = make([]Record, len(a.Records))
	for i, r := range a.Records {
		r.Tags = append([]string(nil), r.Tags...)
		c.Records[i] = r
	}
	c.AIP = append(Hex(nil), a.AIP...)
	return &c
}

// appEdit edits an application's records, keeping the first error.
type appEdit struct {
	a   *Application
	err error
}

// mutate replaces every value of t by fn's result.
func (e *appEdit) mutate(t tlv.Tag, fn func([]byte) []byte) {
	for i := range e.a.Records {
		for j, s := range e.a.Records[i].Tags {
			x, _, err := parseTagValue(s)
			if err != nil {
				e.err = err
				return
			}
			if x.Tag == t {
				e.a.Records[i].Tags[j] = tagValue(t, fn(append([]byte(nil), x.Value...)))
			}
		}
	}
}

// set gives t the value v wherever it is.
func (e *appEdit) set(t tlv.Tag, v []byte) { e.mutate(t, func([]byte) []byte { return v }) }

// remove drops t from every record.
func (e *appEdit) remove(t tlv.Tag) {
	for i := range e.a.Records {
		out := e.a.Records[i].Tags[:0]
		for _, s := range e.a.Records[i].Tags {
			if x, _, err := parseTagValue(s); err != nil || x.Tag != t {
				out = append(out, s)
			}
		}
		e.a.Records[i].Tags = out
	}
}

// addTo appends t = v to the record holding beside.
func (e *appEdit) addTo(beside, t tlv.Tag, v []byte) {
	for i := range e.a.Records {
		for _, s := range e.a.Records[i].Tags {
			if x, _, err := parseTagValue(s); err == nil && x.Tag == beside {
				e.a.Records[i].Tags = append(e.a.Records[i].Tags, tagValue(t, v))
				return
			}
		}
	}
	e.err = fmt.Errorf("no record holds %X", uint32(beside))
}

// addToFirst appends t = v to the first record the AFL names.
func (e *appEdit) addToFirst(t tlv.Tag, v []byte) {
	if len(e.a.AFL) < 4 {
		e.err = fmt.Errorf("no AFL")
		return
	}
	sfi, n := int(e.a.AFL[0]>>3), int(e.a.AFL[1])
	for i := range e.a.Records {
		if r := &e.a.Records[i]; r.SFI == sfi && r.Number == n {
			r.Tags = append(r.Tags, tagValue(t, v))
			return
		}
	}
	e.err = fmt.Errorf("no record SFI %d number %d", sfi, n)
}

// setPAN changes the PAN digits in 5A and in 57 alike.
func (e *appEdit) setPAN(fn func(digits string) string) {
	v, ok := appTag(e.a, 0x5A)
	if !ok {
		e.err = fmt.Errorf("no PAN (5A)")
		return
	}
	pan := fn(strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F"))
	e.set(0x5A, hexOf(padF(pan)))
	e.track2(func(_, exp, rest string) (string, string, string) { return pan, exp, rest })
}

// track2 rewrites 57 (PAN, D, expiry YYMM, the rest from the service code
// on) with fn.
func (e *appEdit) track2(fn func(pan, exp, rest string) (string, string, string)) {
	e.mutate(0x57, func(v []byte) []byte {
		s := strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
		sep := strings.IndexByte(s, 'D')
		if sep < 1 || len(s) < sep+8 {
			e.err = fmt.Errorf("57 is not track 2 equivalent data")
			return v
		}
		pan, exp, rest := fn(s[:sep], s[sep+1:sep+5], s[sep+5:])
		return hexOf(padF(pan + "D" + exp + rest))
	})
}

// padF pads a digit string with F to a whole number of bytes.
func padF(s string) string {
	if len(s)%2 == 1 {
		return s + "F"
	}
	return s
}

// withCheckDigit appends the Luhn check digit (pan.CheckDigit).
func withCheckDigit(d string) string {
	c, _ := pan.CheckDigit([]byte(d))
	return d + string(c)
}

// monthBefore is the YYMM a month earlier.
func monthBefore(yymm string) string {
	y, m := atoi(yymm[:2]), atoi(yymm[2:])
	if m--; m == 0 {
		y, m = (y+99)%100, 12
	}
	return fmt.Sprintf("%02d%02d", y, m)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// removeDOLEntry drops tag t from a data object list.
func removeDOLEntry(dol []byte, t tlv.Tag) []byte {
	var out []byte
	for i := 0; i < len(dol); {
		tag, n, err := tlv.ParseTag(dol[i:])
		if err != nil || i+n >= len(dol) {
			return dol
		}
		if tag != t {
			out = append(out, dol[i:i+n+1]...)
		}
		i += n + 1
	}
	return out
}

// hexOf decodes hex written in the code (constant, valid).
func hexOf(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}
