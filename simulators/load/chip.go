package load

import (
	"context"

	"github.com/hulian/hulian/emv/bcd"
	"github.com/hulian/hulian/symmetric"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/pboc"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/iso8583/dialect"
)

// cidARQC is the cryptogram information data 9F27 of an ARQC.
const cidARQC = 0x80

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

// iad returns the PBOC issuer application data of 9F10 (emv/pboc.IAD): key
// index 01, CVN 01, CVR 03 A0 00 00 (ARQC requested in the second GENERATE
// AC position as PBOC cards report it), algorithm id of alg.
func iad(alg symmetric.Algorithm) [8]byte {
	id := pboc.AlgorithmTDES
	if alg == symmetric.SM4 {
		id = pboc.AlgorithmSM4
	}
	return pboc.IAD(0x01, 0x01, [3]byte{0xA0, 0x00, 0x00}, id)
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
	var amt [6]byte
	bcd.Put(amt[:], amount)
	atc := uint16(c.atc.Add(1))
	atcB := [2]byte{byte(atc >> 8), byte(atc)}
	unB := [4]byte{byte(un >> 24), byte(un >> 16), byte(un >> 8), byte(un)}
	ia := iad(c.alg)

	terminal := [8][]byte{amt[:], st.other, st.country, st.tvr, st.country, w.date[:], st.txnType, unB[:]}
	in := pboc.AppendACInput(w.in[:0], &terminal, st.aip, atc, ia[:])
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
		{Tag: pboc.TagAmount, Value: amt[:]}, {Tag: pboc.TagOtherAmount, Value: st.other},
		{Tag: pboc.TagCountry, Value: st.country}, {Tag: pboc.TagTVR, Value: st.tvr},
		{Tag: pboc.TagCurrency, Value: st.country}, {Tag: pboc.TagDate, Value: w.date[:]},
		{Tag: pboc.TagType, Value: st.txnType}, {Tag: pboc.TagUN, Value: unB[:]},
		{Tag: pboc.TagAIP, Value: st.aip}, {Tag: pboc.TagATC, Value: atcB[:]},
		{Tag: pboc.TagIAD, Value: ia[:]}, {Tag: pboc.TagAC, Value: ac}, {Tag: pboc.TagCID, Value: st.cid},
	} {
		icc = tlv.AppendTLV(icc, e)
	}
	return icc, nil
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
