package kernel

import (
	"encoding/binary"
	"fmt"

	"github.com/hulian/hulian/emv/tlv"
)

// AFLEntry is one 4-byte entry of the Application File Locator (EMV Book 3
// 10.2): the SFI, the first and last record, and how many records from the
// first take part in offline data authentication.
type AFLEntry struct {
	SFI, First, Last, ODA byte
}

// maxAFL bounds an AFL: GPO answers at most 252 bytes of it.
const maxAFL = 252

// ParseAFL checks an AFL and splits it into its entries (EMV Book 3 10.2):
// a multiple of 4 bytes, each entry with SFI 1..30 (the low 3 bits of its
// first byte zero), first record >= 1, first <= last and an ODA count no
// larger than the records in range. An empty AFL has no entries. Errors
// are *Error (StepGPO, tag 94, ErrMalformed).
func ParseAFL(afl []byte) ([]AFLEntry, error) {
	if len(afl)%4 != 0 || len(afl) > maxAFL {
		return nil, tagErr(StepGPO, 0x94, ErrMalformed, "AFL length not a multiple of 4")
	}
	out := make([]AFLEntry, 0, len(afl)/4)
	for i := 0; i < len(afl); i += 4 {
		e := AFLEntry{SFI: afl[i] >> 3, First: afl[i+1], Last: afl[i+2], ODA: afl[i+3]}
		if e.SFI < 1 || e.SFI > 30 || afl[i]&0x07 != 0 || e.First < 1 || e.First > e.Last || int(e.ODA) > int(e.Last-e.First)+1 {
			return nil, tagErr(StepGPO, 0x94, ErrMalformed, "AFL entry out of range")
		}
		out = append(out, e)
	}
	return out, nil
}

// StaticRecord returns what one record flagged for offline data
// authentication adds to the static data (EMV Book 3 10.3): the value of
// its 70 template for SFI 1..10, the record as read for SFI 11..30. The
// result aliases record.
func StaticRecord(sfi byte, record []byte) ([]byte, error) {
	if sfi > 10 {
		return record, nil
	}
	objs, err := parseCard(record)
	if err != nil || len(objs) != 1 || objs[0].Tag != 0x70 {
		return nil, tagErr(StepReadRecord, 0x70, ErrMalformed, "record is not a 70 template")
	}
	return objs[0].Value, nil
}

// StaticData assembles the static data to be authenticated (EMV Book 3
// 10.3) from the records the AFL flags, in AFL order (StaticRecord of
// each, record returning a record as the card sent it), then the AIP when
// the tag list 9F4A lists it. A 9F4A other than 82 alone, a flagged record
// missing or a result over 8 KiB is an error (*Error, StepODA).
func StaticData(afl []byte, record func(sfi, rec byte) ([]byte, bool), tagList, aip []byte) ([]byte, error) {
	entries, err := ParseAFL(afl)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, e := range entries {
		for rec := int(e.First); rec < int(e.First)+int(e.ODA); rec++ {
			raw, ok := record(e.SFI, byte(rec))
			if !ok {
				return nil, tagErr(StepODA, 0x70, ErrMissing, fmt.Sprintf("record %d of SFI %d (for offline data authentication) not read", rec, e.SFI))
			}
			part, err := StaticRecord(e.SFI, raw)
			if err != nil {
				return nil, err
			}
			if len(out)+len(part) > maxStatic {
				return nil, tagErr(StepODA, 0x70, ErrMalformed, "static data to be authenticated too long")
			}
			out = append(out, part...)
		}
	}
	if len(tagList) == 0 {
		return out, nil
	}
	if !tagListIsAIP(tagList) || len(aip) != 2 {
		return nil, tagErr(StepODA, 0x9F4A, ErrMalformed, "9F4A must list only 82 with a 2-byte AIP")
	}
	return append(out, aip...), nil
}

// tagListIsAIP reports whether a static data authentication tag list 9F4A
// lists the AIP alone, the only content Book 3 10.3 allows.
func tagListIsAIP(list []byte) bool { return len(list) == 1 && tlv.Tag(list[0]) == 0x82 }

// CVRule is one rule of a CVM list (EMV Book 3 Annex C3): the method code
// (b7 apply the next rule if this one fails, b6..b1 the method) and the
// condition code.
type CVRule struct{ Code, Condition byte }

// Method is the CV method of the rule (b6..b1 of its code).
func (r CVRule) Method() byte { return r.Code & 0x3F }

// CVMList is a parsed CVM list 8E: the amounts X and Y and the rules.
type CVMList struct {
	X, Y  uint32
	Rules []CVRule
}

// ParseCVMList reads a CVM list (EMV Book 3 10.5, Annex C3): amount X (4
// bytes), amount Y (4 bytes), then 2-byte rules; at least one rule, an
// even length, at most 252 bytes. Errors are *Error (StepCVM, tag 8E,
// ErrMalformed).
func ParseCVMList(b []byte) (CVMList, error) {
	if len(b) < 10 || len(b)%2 != 0 || len(b) > 252 {
		return CVMList{}, tagErr(StepCVM, 0x8E, ErrMalformed, "CVM list length")
	}
	l := CVMList{X: binary.BigEndian.Uint32(b[0:4]), Y: binary.BigEndian.Uint32(b[4:8]), Rules: make([]CVRule, 0, (len(b)-8)/2)}
	for i := 8; i+1 < len(b); i += 2 {
		l.Rules = append(l.Rules, CVRule{Code: b[i], Condition: b[i+1]})
	}
	return l, nil
}
