package simcard

import (
	"fmt"

	"github.com/hulian/hulian/emv/tlv"
)

// applyDataDefects applies the personalisation defects to an application
// being compiled (its records, AIP and AFL).
func applyDataDefects(p *Profile, s suite, a *app, recs []*record, ds defectSet) ([]*record, error) {
	if param, ok := ds[DefectMissingMandatoryTag]; ok {
		t, err := parseDefectTag(param)
		if err != nil {
			return nil, err
		}
		removeTags(recs, t)
	}
	first := firstAFLRecord(a.afl, recs)
	steps := []struct {
		name string
		fn   func()
	}{
		{DefectAFLMissingRecord, func() { dropLastAFLRecord(a.afl, &recs) }},
		{DefectDuplicateTag, func() { duplicateFirst(first) }},
		{DefectECBalanceInRecord, func() { appendTag(first, 0x9F79, bcdAmount(ecBalance(a))) }},
		{DefectIACWrongLength, func() { setTag(recs, first, 0x9F0E, []byte{0, 0, 0, 0}) }},
		{DefectCVMPINWithoutPIN, func() {
			setTag(recs, first, 0x8E, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0x03, 0x1E, 0x03, 0x1F, 0x03})
			a.pin = ""
		}},
		{DefectAFLBadLength, func() { a.afl = append(a.afl, 0x00) }},
		{DefectAIPDDAWithoutKeys, func() { a.aip[0] |= aipDDA; removeTags(recs, 0x9F46, 0x9F47, 0x9F48) }},
		{DefectSM2CertWrongFormat, func() { mutateTag(recs, 0x90, func(v []byte) { v[0] = 0x02 }) }},
		{DefectWrongAppVersion, func() { setTag(recs, first, 0x9F08, []byte{0x00, 0x20}) }},
		{DefectTrack2PANMismatch, func() { mutateTag(recs, 0x57, flipLastPANDigit) }},
		{DefectDDOLWrong, func() { setTag(recs, first, 0x9F49, []byte{0x9F, 0x37, 0x02}) }},
		{DefectCAIndexUnknown, func() { setTag(recs, first, 0x8F, []byte{0xFE}) }},
		{DefectSSADCorrupted, func() { mutateTag(recs, 0x93, func(v []byte) { v[len(v)/2] ^= 0xFF }) }},
		{DefectECBalanceAboveLimit, func() {
			if a.ec != nil {
				ec := *a.ec
				ec.Balance = ec.Limit + 1
				a.ec = &ec
			}
		}},
	}
	for _, st := range steps {
		if ds.on(st.name) {
			st.fn()
		}
	}
	if ds.on(DefectIssuerCertExpired) {
		return recs, reissueExpired(p, s, recs)
	}
	return recs, nil
}

func ecBalance(a *app) int64 {
	if a.ec == nil {
		return 0
	}
	return a.ec.Balance
}

func parseDefectTag(s string) (tlv.Tag, error) {
	b, err := parseHex(s)
	if err != nil {
		return 0, err
	}
	t, n, err := tlv.ParseTag(b)
	if err != nil || n != len(b) {
		return 0, fmt.Errorf("defect parameter %q is not a tag", s)
	}
	return t, nil
}

// firstAFLRecord is the record named by the first AFL entry (a fresh empty
// one in SFI 1 record 1 when none exists, so defects always have a target).
func firstAFLRecord(afl []byte, recs []*record) *record {
	if len(afl) >= 4 {
		if r := findRecord(recs, int(afl[0]>>3), int(afl[1])); r != nil {
			return r
		}
	}
	if len(recs) > 0 {
		return recs[0]
	}
	return &record{sfi: 1, n: 1}
}

func findRecord(recs []*record, sfi, n int) *record {
	for _, r := range recs {
		if r.sfi == sfi && r.n == n {
			return r
		}
	}
	return nil
}

func dropLastAFLRecord(afl []byte, recs *[]*record) {
	if len(afl) < 4 {
		return
	}
	e := afl[len(afl)-4:]
	sfi, n := int(e[0]>>3), int(e[2])
	out := (*recs)[:0]
	for _, r := range *recs {
		if r.sfi != sfi || r.n != n {
			out = append(out, r)
		}
	}
	*recs = out
}

func removeTags(recs []*record, tags ...tlv.Tag) {
	for _, r := range recs {
		out := r.tags[:0]
		for _, t := range r.tags {
			if !containsTag(tags, t.Tag) {
				out = append(out, t)
			}
		}
		r.tags = out
	}
}

func containsTag(list []tlv.Tag, t tlv.Tag) bool {
	for _, x := range list {
		if x == t {
			return true
		}
	}
	return false
}

func duplicateFirst(r *record) {
	if len(r.tags) == 0 {
		return
	}
	r.tags = append(r.tags[:1], append([]tlv.TLV{r.tags[0]}, r.tags[1:]...)...)
}

func appendTag(r *record, t tlv.Tag, v []byte) { r.tags = append(r.tags, tlv.New(t, v)) }

// setTag replaces the value of t wherever it is, or adds it to fallback.
func setTag(recs []*record, fallback *record, t tlv.Tag, v []byte) {
	found := false
	for _, r := range recs {
		for i := range r.tags {
			if r.tags[i].Tag == t {
				r.tags[i] = tlv.New(t, v)
				found = true
			}
		}
	}
	if !found {
		appendTag(fallback, t, v)
	}
}

// mutateTag applies fn to a copy of every non-empty value of t.
func mutateTag(recs []*record, t tlv.Tag, fn func([]byte)) {
	for _, r := range recs {
		for i := range r.tags {
			if r.tags[i].Tag == t && len(r.tags[i].Value) > 0 {
				v := append([]byte(nil), r.tags[i].Value...)
				fn(v)
				r.tags[i] = tlv.New(t, v)
			}
		}
	}
}

// flipLastPANDigit changes the PAN's last digit in track 2 equivalent data
// (the nibble before the D separator).
func flipLastPANDigit(v []byte) {
	for i := 0; i < 2*len(v); i++ {
		if nibble(v, i) == 0xD && i > 0 {
			d := nibble(v, i-1)
			setNibble(v, i-1, (d+1)%10)
			return
		}
	}
}

func nibble(b []byte, i int) byte {
	if i%2 == 0 {
		return b[i/2] >> 4
	}
	return b[i/2] & 0x0F
}

func setNibble(b []byte, i int, v byte) {
	if i%2 == 0 {
		b[i/2] = b[i/2]&0x0F | v<<4
	} else {
		b[i/2] = b[i/2]&0xF0 | v
	}
}
