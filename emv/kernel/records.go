package kernel

import (
	"context"

	"github.com/hulian/hulian/emv/tlv"
)

// maxStatic bounds the static data to be authenticated.
const maxStatic = 8 << 10

// readRecords is Read Application Data (EMV Book 3 10.2): READ RECORD for
// every record of the AFL. Records of SFI 1..10 must be 70 templates; their
// data objects are kept (a duplicate is an error). Records flagged for
// offline data authentication add to the static data: the value of 70 for
// SFI 1..10, the whole record for SFI 11..30 (Book 3 10.3).
func (s *Session) readRecords(ctx context.Context) error {
	for i := 0; i+4 <= len(s.afl); i += 4 {
		sfi, first, last, nODA := s.afl[i]>>3, s.afl[i+1], s.afl[i+2], s.afl[i+3]
		for rec := first; rec >= first && rec <= last; rec++ {
			forODA := int(rec-first) < int(nODA)
			if err := s.readRecord(ctx, sfi, rec, forODA); err != nil {
				return err
			}
		}
	}
	return s.addTagList()
}

func (s *Session) readRecord(ctx context.Context, sfi, rec byte, forODA bool) error {
	data, err := s.sendOK(ctx, StepReadRecord, readRecordCmd(sfi, rec))
	if err != nil {
		return err
	}
	objs, perr := parseCard(data)
	if perr != nil || len(objs) != 1 || objs[0].Tag != 0x70 {
		if sfi <= 10 {
			return tagErr(StepReadRecord, 0x70, ErrMalformed, "record is not a 70 template")
		}
		if forODA {
			s.addStatic(data)
		}
		return nil
	}
	if forODA {
		if part, err := StaticRecord(sfi, data); err == nil {
			s.addStatic(part)
		}
	}
	s.res.Records = append(s.res.Records, objs)
	for _, o := range objs[0].Children {
		if !s.card.put(o.Tag, o.Value) {
			return tagErr(StepReadRecord, o.Tag, ErrMalformed, "data object returned twice")
		}
	}
	return nil
}

func (s *Session) addStatic(b []byte) {
	if len(s.static)+len(b) > maxStatic {
		s.staticBad = true
		return
	}
	s.static = append(s.static, b...)
}

// addTagList appends the values listed by the static data authentication tag
// list 9F4A, which may list only the AIP (Book 3 10.3); anything else makes
// offline data authentication fail.
func (s *Session) addTagList() error {
	list, ok := s.card.get(0x9F4A)
	if !ok {
		return nil
	}
	if !tagListIsAIP(list) {
		s.staticBad = true
		return nil
	}
	s.addStatic(s.aip[:])
	return nil
}

// checkMandatory: 5F24, 5A, 8C and 8D must be present (Book 3 10.2).
func (s *Session) checkMandatory() error {
	for _, t := range []tlv.Tag{0x5F24, 0x5A, 0x8C, 0x8D} {
		if !s.card.has(t) {
			return tagErr(StepReadRecord, t, ErrMissing, "")
		}
	}
	return nil
}
