package runner

import (
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// The personalisation checks of JR/T 0045.3 that a regular expression or a
// comparison cannot make: the PAN's check digit, track 2 equivalent data
// against the chip's own objects, calendar dates, ISO code lists, bits two
// objects share, one data object across records. Their messages name the
// problem and never show a PAN or track data.

// checkLuhn: the PAN's last digit is its Luhn check digit (ISO/IEC 7812-1
// Annex B).
func (s *session) checkLuhn(a script.Assertion) string {
	return s.withValue(a, func(o tlv.TLV) string {
		d := panDigits(o.Value)
		if len(d) < 2 || strings.Trim(string(d), "0123456789") != "" {
			return fmt.Sprintf("%s is not a PAN of digits", a.Path)
		}
		if !pan.Luhn(d) {
			return fmt.Sprintf("%s fails the Luhn check (ISO/IEC 7812-1): its last digit is not the check digit of the others", a.Path)
		}
		return ""
	})
}

// checkTrack2: track 2 equivalent data (57: PAN, separator D, expiry YYMM,
// service code) agrees with the PAN (5A), the expiry date (5F24) and the
// service code (5F30) the card also holds (EMV Book 3 Annex A).
func (s *session) checkTrack2(a script.Assertion) string {
	return s.withValue(a, func(o tlv.TLV) string {
		t2 := strings.ToUpper(hex.EncodeToString(o.Value))
		sep := strings.IndexByte(t2, 'D')
		if sep < 1 || len(t2) < sep+8 {
			return fmt.Sprintf("%s is not track 2 equivalent data (PAN, D, expiry date, service code)", a.Path)
		}
		pan, expiry, service := t2[:sep], t2[sep+1:sep+5], t2[sep+5:sep+8]
		var problems []string
		if v, ok := s.cardValue(0x5A); ok && string(panDigits(v)) != pan {
			problems = append(problems, "its PAN differs from 5A")
		}
		if v, ok := s.cardValue(0x5F24); ok && len(v) == 3 {
			if want := strings.ToUpper(hex.EncodeToString(v[:2])); want != expiry {
				problems = append(problems, "its expiry date differs from 5F24 (YYMM "+want+")")
			}
		}
		if v, ok := s.cardValue(0x5F30); ok && len(v) == 2 {
			if want := strings.ToUpper(hex.EncodeToString(v))[1:]; want != service {
				problems = append(problems, "its service code differs from 5F30 ("+want+")")
			}
		}
		if len(problems) > 0 {
			return fmt.Sprintf("%s disagrees with the chip data: %s", a.Path, strings.Join(problems, "; "))
		}
		return ""
	})
}

// checkDate: a YYMMDD date (n6) that exists on the calendar (EMV Book 3
// Annex A: 5F24, 5F25, 9A).
func (s *session) checkDate(a script.Assertion) string {
	return s.withValue(a, func(o tlv.TLV) string {
		if why := dateProblem(o.Value); why != "" {
			return fmt.Sprintf("%s %s is not a calendar date: %s", a.Path, show(o.Tag, o.Value), why)
		}
		return ""
	})
}

// dateProblem says why a YYMMDD BCD value is not a date, "" when it is.
func dateProblem(v []byte) string {
	if len(v) != 3 {
		return fmt.Sprintf("%d bytes, not 3 (YYMMDD)", len(v))
	}
	x := strings.ToUpper(hex.EncodeToString(v))
	if strings.Trim(x, "0123456789") != "" {
		return "not all digits"
	}
	yy, mm, dd := atoi2(x[0:2]), atoi2(x[2:4]), atoi2(x[4:6])
	if mm < 1 || mm > 12 {
		return fmt.Sprintf("month %02d", mm)
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mm]
	if mm == 2 && yy%4 == 0 { // 2000..2099
		days = 29
	}
	if dd < 1 || dd > days {
		return fmt.Sprintf("day %02d of a month of %d days", dd, days)
	}
	return ""
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// checkISOCode: a numeric code (n3 in two bytes) that ISO 4217 (currency)
// or ISO 3166-1 (country) assigns.
func (s *session) checkISOCode(a script.Assertion) string {
	list := a.Args["list"]
	return s.withValue(a, func(o tlv.TLV) string {
		code := hexUpper(o.Value)
		if len(o.Value) != 2 || code[0] != '0' || !isoCodes(list)[code[1:]] {
			std := "ISO 4217 currency"
			if list == "country" {
				std = "ISO 3166-1 country"
			}
			return fmt.Sprintf("%s %s is not an %s code", a.Path, show(o.Tag, o.Value), std)
		}
		return ""
	})
}

// checkDisjoint: two bit maps of the same length have no bit in common
// (IAC-denial and IAC-online: a condition cannot both decline and go
// online).
func (s *session) checkDisjoint(a script.Assertion) (string, error) {
	left, err := script.ParsePath(a.Args["left"])
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrScript, err)
	}
	right, err := script.ParsePath(a.Args["right"])
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrScript, err)
	}
	l, r := s.resolve(left), s.resolve(right)
	if len(l) == 0 || len(r) == 0 {
		return "", nil // presence and length are other assertions' business
	}
	var common []string
	for i := 0; i < len(l[0].Value) && i < len(r[0].Value); i++ {
		if both := l[0].Value[i] & r[0].Value[i]; both != 0 {
			common = append(common, fmt.Sprintf("byte %d %02X", i+1, both))
		}
	}
	if len(common) > 0 {
		return fmt.Sprintf("%s and %s have bits in common (%s)", left, right, strings.Join(common, ", ")), nil
	}
	return "", nil
}

// checkMask: byte N of the object has at least one of the bits of a mask
// set (the application usage control allows the card somewhere).
func (s *session) checkMask(a script.Assertion) (string, error) {
	n, err := s.intArg(a.Args["byte"])
	if err != nil {
		return "", err
	}
	m, err := hex.DecodeString(a.Args["any"])
	if err != nil || len(m) != 1 || n < 1 {
		return "", fmt.Errorf("%w: mask: byte is 1-based, any is one hex byte", ErrScript)
	}
	return s.withValue(a, func(o tlv.TLV) string {
		if n > len(o.Value) {
			return fmt.Sprintf("%s is %d bytes long, it has no byte %d", a.Path, len(o.Value), n)
		}
		if o.Value[n-1]&m[0] == 0 {
			return fmt.Sprintf("%s byte %d has none of the bits %02X set", a.Path, n, m[0])
		}
		return ""
	}), nil
}

// checkUniqueInRecords: no data object is in two records the case read
// (EMV Book 3 10.2: the terminal terminates the transaction).
func (s *session) checkUniqueInRecords() string {
	recs := s.data.records
	if len(recs) == 0 && s.base != nil {
		recs = s.base.records
	}
	keys := make([][2]int, 0, len(recs))
	for k := range recs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	first := map[tlv.Tag][2]int{}
	var dups []string
	for _, k := range keys {
		list, err := tlv.ParseWith(recs[k], tlv.Options{Lenient: true})
		if err != nil || len(list) == 0 {
			continue
		}
		seen := map[tlv.Tag]bool{}
		for _, o := range list[0].Children {
			if seen[o.Tag] {
				continue // a repeat inside one record is no_duplicates' business
			}
			seen[o.Tag] = true
			if at, ok := first[o.Tag]; ok {
				dups = append(dups, fmt.Sprintf("%X in SFI %d record %d and SFI %d record %d", uint32(o.Tag), at[0], at[1], k[0], k[1]))
				continue
			}
			first[o.Tag] = k
		}
	}
	if len(dups) > 0 {
		return "a data object is in two records (EMV Book 3 10.2: the terminal terminates): " + strings.Join(dups, "; ")
	}
	return ""
}

// checkIAD: issuer application data (9F10) in the PBOC layout (JR/T
// 0025.5): a standard part of 07 bytes (key index, cryptogram version,
// CVR with its length byte 03, algorithm id), then, when there is more,
// issuer discretionary data whose length byte counts exactly what follows.
func (s *session) checkIAD(a script.Assertion) string {
	return s.withValue(a, func(o tlv.TLV) string {
		v := o.Value
		switch {
		case len(v) < 8:
			return fmt.Sprintf("%s is %d bytes: shorter than the PBOC standard part (8 bytes)", a.Path, len(v))
		case v[0] != 0x07:
			return fmt.Sprintf("%s starts with length %02X, the PBOC standard part is 07", a.Path, v[0])
		case v[3] != 0x03:
			return fmt.Sprintf("%s: the CVR length byte is %02X, expected 03", a.Path, v[3])
		case len(v) > 8 && int(v[8]) != len(v)-9:
			return fmt.Sprintf("%s: the issuer discretionary data length byte says %d, %d bytes follow", a.Path, v[8], len(v)-9)
		}
		return ""
	})
}
