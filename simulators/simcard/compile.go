package simcard

import (
	"fmt"

	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
)

// record is a record while it is being compiled.
type record struct {
	sfi, n int
	tags   []tlv.TLV
}

// compileApp builds the run-time application from its profile entry,
// applying the personalisation defects.
func compileApp(p *Profile, s suite, a *Application, ds defectSet) (*app, error) {
	out := &app{
		aid: a.AID, label: a.Label, aip: append([]byte(nil), a.AIP...), afl: append([]byte(nil), a.AFL...),
		qpboc: a.QPBOC, format: a.GPOFormat, cvn: byte(a.CVN), dki: byte(a.DKI),
		pin: a.PIN, pinLimit: a.PINTryLimit, atc0: uint16(a.ATC), ec: a.EC, log: a.Log,
		keys: cardKeys{ac: a.Keys.CardAC, mac: a.Keys.CardMAC, enc: a.Keys.CardENC},
	}
	if out.format == 0 {
		out.format = 1
	}
	if out.cvn == 0 {
		out.cvn = 0x01
	}
	var err error
	if out.pdol, err = dol.Parse(a.PDOL); err != nil {
		return nil, err
	}
	if a.Log != nil {
		if out.logDOL, err = dol.Parse(a.Log.Format); err != nil {
			return nil, err
		}
	}
	recs, err := profileRecords(a)
	if err != nil {
		return nil, err
	}
	if recs, err = applyDataDefects(p, s, out, recs, ds); err != nil {
		return nil, err
	}
	out.indexRecords(recs)
	if err := out.loadDOLs(); err != nil {
		return nil, err
	}
	if err := out.loadSigner(s, a.Keys.ICC, ds); err != nil {
		return nil, err
	}
	out.fci = buildFCI(a, ds)
	out.dirEntry = buildDirEntry(a, ds)
	return out, nil
}

func profileRecords(a *Application) ([]*record, error) {
	recs := make([]*record, 0, len(a.Records))
	for _, r := range a.Records {
		tags, err := parseTags(r.Tags)
		if err != nil {
			return nil, err
		}
		recs = append(recs, &record{sfi: r.SFI, n: r.Number, tags: tags})
	}
	return recs, nil
}

// indexRecords encodes the records and indexes their data objects.
func (a *app) indexRecords(recs []*record) {
	a.records = make(map[int][]byte, len(recs))
	a.data = make(map[tlv.Tag][]byte)
	for _, r := range recs {
		a.records[recKey(r.sfi, r.n)] = tlv.Encode(tlv.New(0x70, tlv.Encode(r.tags...)))
		for _, t := range r.tags {
			if _, ok := a.data[t.Tag]; !ok {
				a.data[t.Tag] = t.Value
			}
		}
	}
}

// loadDOLs parses CDOL1, CDOL2 and the DDOL from the records.
func (a *app) loadDOLs() error {
	for _, d := range []struct {
		tag tlv.Tag
		dst *dol.DOL
	}{{0x8C, &a.cdol1}, {0x8D, &a.cdol2}, {0x9F49, &a.ddol}} {
		v, ok := a.data[d.tag]
		if !ok {
			continue
		}
		l, err := dol.Parse(v)
		if err != nil {
			return fmt.Errorf("tag %s: %w", d.tag, err)
		}
		*d.dst = l
	}
	return nil
}

// buildFCI encodes the application FCI (EMV Book 1 11.3.4, table 45):
// 6F { 84 DF name, A5 { 50, 87, 9F38, 5F2D, 9F11, 9F12, BF0C {...} } }.
func buildFCI(a *Application, ds defectSet) []byte {
	var prop []tlv.TLV
	prop = append(prop, tlv.New(0x50, []byte(a.Label)))
	if a.Priority > 0 && !ds.on(DefectPriorityMissing) {
		prop = append(prop, tlv.New(0x87, []byte{byte(a.Priority)}))
	}
	if len(a.PDOL) > 0 {
		prop = append(prop, tlv.New(0x9F38, a.PDOL))
	}
	if a.Language != "" {
		prop = append(prop, tlv.New(0x5F2D, []byte(a.Language)))
	}
	if a.IssuerCodeTable > 0 {
		prop = append(prop, tlv.New(0x9F11, []byte{byte(a.IssuerCodeTable/10%10<<4 | a.IssuerCodeTable%10)})) // n2
	}
	if a.PreferredName != "" {
		prop = append(prop, tlv.New(0x9F12, []byte(a.PreferredName)))
	}
	if disc, _ := parseTags(a.FCIDiscretionary); len(disc) > 0 {
		prop = append(prop, tlv.NewConstructed(0xBF0C, disc...))
	}
	var fci []tlv.TLV
	if !ds.on(DefectFCIMissing84) {
		fci = append(fci, tlv.New(0x84, a.AID))
	}
	fci = append(fci, tlv.NewConstructed(0xA5, prop...))
	return tlv.Encode(tlv.NewConstructed(0x6F, fci...))
}

// buildDirEntry is the application's directory entry (EMV Book 1 12.2.3):
// 61 { 4F ADF name, 50 label, 9F12, 87 priority }.
func buildDirEntry(a *Application, ds defectSet) tlv.TLV {
	list := []tlv.TLV{tlv.New(0x4F, a.AID), tlv.New(0x50, []byte(a.Label))}
	if a.PreferredName != "" {
		list = append(list, tlv.New(0x9F12, []byte(a.PreferredName)))
	}
	if a.Priority > 0 && !ds.on(DefectPriorityMissing) {
		list = append(list, tlv.New(0x87, []byte{byte(a.Priority)}))
	}
	return tlv.NewConstructed(0x61, list...)
}
