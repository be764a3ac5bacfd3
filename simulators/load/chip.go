package load

import (
	"context"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/switch/dialect"
)

// Field 55 data objects (EMV Book 3 Annex A) and the fixed values the
// generator sends.
const (
	tagAmount      tlv.Tag = 0x9F02
	tagOtherAmount tlv.Tag = 0x9F03
	tagCountry     tlv.Tag = 0x9F1A
	tagTVR         tlv.Tag = 0x95
	tagCurrency    tlv.Tag = 0x5F2A
	tagDate        tlv.Tag = 0x9A
	tagTxnType     tlv.Tag = 0x9C
	tagUN          tlv.Tag = 0x9F37
	tagAIP         tlv.Tag = 0x82
	tagATC         tlv.Tag = 0x9F36
	tagIAD         tlv.Tag = 0x9F10
	tagAC          tlv.Tag = 0x9F26
	tagCID         tlv.Tag = 0x9F27
	cidARQC                = 0x80 // 9F27: ARQC requested
)

// chipStatic holds the fixed terminal and card values of field 55.
type chipStatic struct {
	other, tvr, country, txnType, aip, cid []byte
}

func chipValues() chipStatic {
	return chipStatic{
		other:   make([]byte, 6),
		tvr:     make([]byte, 5),
		country: []byte{0x01, 0x56}, // China, also the 5F2A currency (CNY)
		txnType: []byte{0x00},       // goods and services
		aip:     []byte{0x7C, 0x00},
		cid:     []byte{cidARQC},
	}
}

// iad returns the PBOC issuer application data of 9F10: length 07, key
// index 01, CVN 01, CVR (03 A0 00 00: ARQC requested in the second
// GENERATE AC position as PBOC cards report it), algorithm id (01 TDES,
// 04 SM4).
func iad(alg crypto.Algorithm) [8]byte {
	id := byte(0x01)
	if alg == crypto.SM4 {
		id = 0x04
	}
	return [8]byte{0x07, 0x01, 0x01, 0x03, 0xA0, 0x00, 0x00, id}
}

// chipEntry is one ready field 55 of a card with the amount its ARQC
// covers. Entries are immutable once stored.
type chipEntry struct {
	amount int64
	date   [3]byte
	f55    []byte
}

// chip sets fields 4 and 55 of a chip purchase on card c. With a pool
// (GeneratorConfig.ChipPool > 0) slot x mod pool of the card is reused
// while the date stays the same, so most requests cost no cryptography;
// the issuer simulator does not track ATCs, so a repeated one passes.
// Without a pool every request gets a fresh ATC and ARQC.
func (w *genWorker) chip(m *dialect.Message, c *card, x uint64) error {
	g := w.g
	if len(c.pool) == 0 {
		amount := g.amount(x>>8, c)
		icc, err := w.makeICC(c, amount, uint32(x>>24))
		if err != nil {
			return err
		}
		m.SetCopy(4, w.digits12(amount))
		m.SetCopy(55, icc)
		return nil
	}
	slot := &c.pool[(x>>48)%uint64(len(c.pool))]
	e := slot.Load()
	if e == nil || e.date != w.date {
		amount := g.amount(x>>8, c)
		icc, err := w.makeICC(c, amount, uint32(x>>24))
		if err != nil {
			return err
		}
		e = &chipEntry{amount: amount, date: w.date, f55: append([]byte(nil), icc...)}
		slot.Store(e)
	}
	m.SetCopy(4, w.digits12(e.amount))
	m.Set(55, e.f55)
	return nil
}

// makeICC builds field 55 in the worker's scratch buffer: the terminal
// data, a fresh ATC of the card, and the ARQC over the CVN 01 input the
// issuer simulator checks (issuer.ARQCInput): 9F02 9F03 9F1A 95 5F2A 9A 9C
// 9F37 82 9F36 and the CVR of 9F10.
func (w *genWorker) makeICC(c *card, amount int64, un uint32) ([]byte, error) {
	st := &w.g.chipSt
	amt := bcd6(amount)
	atc := uint16(c.atc.Add(1))
	atcB := [2]byte{byte(atc >> 8), byte(atc)}
	unB := [4]byte{byte(un >> 24), byte(un >> 16), byte(un >> 8), byte(un)}
	ia := iad(c.alg)

	in := w.in[:0]
	in = append(in, amt[:]...)
	in = append(in, st.other...)
	in = append(in, st.country...)
	in = append(in, st.tvr...)
	in = append(in, st.country...)
	in = append(in, w.date[:]...)
	in = append(in, st.txnType...)
	in = append(in, unB[:]...)
	in = append(in, st.aip...)
	in = append(in, atcB[:]...)
	in = append(in, ia[3:7]...)
	sk, err := crypto.SessionKey(c.alg, c.mk, atc)
	if err != nil {
		return nil, err
	}
	ac, err := crypto.ARQC(c.alg, sk, in)
	clear(sk)
	if err != nil {
		return nil, err
	}
	icc := w.icc[:0]
	for _, e := range [...]tlv.TLV{
		{Tag: tagAmount, Value: amt[:]}, {Tag: tagOtherAmount, Value: st.other},
		{Tag: tagCountry, Value: st.country}, {Tag: tagTVR, Value: st.tvr},
		{Tag: tagCurrency, Value: st.country}, {Tag: tagDate, Value: w.date[:]},
		{Tag: tagTxnType, Value: st.txnType}, {Tag: tagUN, Value: unB[:]},
		{Tag: tagAIP, Value: st.aip}, {Tag: tagATC, Value: atcB[:]},
		{Tag: tagIAD, Value: ia[:]}, {Tag: tagAC, Value: ac}, {Tag: tagCID, Value: st.cid},
	} {
		icc = tlv.AppendTLV(icc, e)
	}
	return icc, nil
}

// bcd6 packs v (0..999999999999) as 12 BCD digits (9F02).
func bcd6(v int64) [6]byte {
	var out [6]byte
	for i := 5; i >= 0; i-- {
		lo := byte(v % 10)
		v /= 10
		out[i] = byte(v%10)<<4 | lo
		v /= 10
	}
	return out
}

// pinBlockFrom returns the card's PIN block, made through src on first use
// and reused afterwards (a PIN block carries no freshness: reusing it is
// what a replayed terminal would do, and keeps the module off the hot path).
func (c *card) pinBlockFrom(ctx context.Context, src PINSource) ([]byte, error) {
	c.pinMu.Lock()
	defer c.pinMu.Unlock()
	if c.pinBlock == nil {
		b, err := src.PINBlock(ctx, c.pan, c.pin)
		if err != nil {
			return nil, err
		}
		c.pinBlock = b
	}
	return c.pinBlock, nil
}
