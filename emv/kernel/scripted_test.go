package kernel

import (
	"context"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/tlv"
)

// rule answers every command starting with prefix (hex, no spaces) with
// resp; times > 0 limits how often it applies.
type rule struct {
	prefix string
	resp   []byte
	times  int
}

// scripted is a small test card: the first rule whose prefix matches the
// command answers it; anything else is answered 6D00.
type scripted struct {
	rules []rule
	used  []int
	cmds  []string // every command received, hex
}

func newScripted(rules ...rule) *scripted {
	return &scripted{rules: rules, used: make([]int, len(rules))}
}

func (c *scripted) PowerOn() []byte { return unhex("3B6800000073C84013009000") }
func (c *scripted) PowerOff()       {}
func (c *scripted) Process(cmd []byte) []byte {
	h := strings.ToUpper(hex.EncodeToString(cmd))
	c.cmds = append(c.cmds, h)
	for i, r := range c.rules {
		if strings.HasPrefix(h, r.prefix) && (r.times == 0 || c.used[i] < r.times) {
			c.used[i]++
			return append([]byte(nil), r.resp...)
		}
	}
	return []byte{0x6D, 0x00}
}

// sent reports how many commands started with prefix.
func (c *scripted) sent(prefix string) int {
	n := 0
	for _, h := range c.cmds {
		if strings.HasPrefix(h, prefix) {
			n++
		}
	}
	return n
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func ok(b []byte) []byte           { return append(b, 0x90, 0x00) }
func sw(x uint16) []byte           { return []byte{byte(x >> 8), byte(x)} }
func p(t uint32, v string) tlv.TLV { return tlv.New(tlv.Tag(t), unhex(v)) }
func c(t uint32, kids ...tlv.TLV) tlv.TLV {
	return tlv.NewConstructed(tlv.Tag(t), kids...)
}

const (
	aidDebit  = "A000000333010101"
	aidCredit = "A000000333010102"
)

// fciOf is the FCI of an application with priority prio ("" none).
func fciOf(aid, label, prio string, extra ...tlv.TLV) []byte {
	a5 := []tlv.TLV{tlv.New(0x50, []byte(label))}
	if prio != "" {
		a5 = append(a5, p(0x87, prio))
	}
	a5 = append(a5, extra...)
	return ok(tlv.Encode(c(0x6F, p(0x84, aid), c(0xA5, a5...))))
}

func selectAID(aid string) string {
	return "00A40400" + hex.EncodeToString([]byte{byte(len(aid) / 2)}) + aid
}

const selectPSE = "00A404000E315041592E5359532E4444463031"

// basicRecord is a minimal record with everything a contact transaction
// needs and no offline data authentication data.
func basicRecord(extra ...tlv.TLV) []byte {
	objs := []tlv.TLV{
		p(0x5A, "6228480000000000018F"), p(0x5F24, "301231"), p(0x5F25, "240101"), p(0x5F28, "0156"),
		p(0x9F07, "FF00"), p(0x9F08, "0030"), p(0x9F42, "0156"),
		p(0x8C, "9F02069F03069F1A0295055F2A029A039C019F3704"), p(0x8D, "8A029F02069F03069F1A0295055F2A029A039C019F3704"),
		p(0x8E, "000000000000000042031E031F03"),
		p(0x9F0D, "0000000000"), p(0x9F0E, "0000000000"), p(0x9F0F, "0000000000"),
	}
	return ok(tlv.Encode(c(0x70, append(objs, extra...)...)))
}

// basicCard answers a contact transaction without PSE, ODA or PIN: one
// application, GPO format 1, one record, GENERATE AC answering gac.
func basicCard(gac []byte, extra ...rule) *scripted {
	rules := append(extra,
		rule{prefix: selectPSE, resp: sw(0x6A82)},
		rule{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "01")},
		rule{prefix: "80A80000", resp: ok(tlv.Encode(p(0x80, "1800 08010100")))},
		rule{prefix: "00B2010C", resp: basicRecord()},
		rule{prefix: "80AE", resp: gac},
	)
	return newScripted(rules...)
}

// acFormat1 is a format 1 GENERATE AC answer with CID cid.
func acFormat1(cid string) []byte {
	return ok(tlv.Encode(p(0x80, cid+"0001 1122334455667788 07010103A00000010A0100000000000000")))
}

// testKernel is a kernel with a fixed clock and random source.
func testKernel(mod func(*Config)) *Kernel {
	cfg := DefaultConfig()
	cfg.Clock = func() time.Time { return time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC) }
	var seed [32]byte
	cfg.Rand = rand.NewChaCha8(seed)
	cfg.FloorLimit = 100000
	cfg.ECSupport = false
	if mod != nil {
		mod(&cfg)
	}
	return New(cfg)
}

func start(t *testing.T, k *Kernel, c card.Card, txn Transaction) (*Session, error) {
	t.Helper()
	tr := card.NewInProcess(c)
	t.Cleanup(func() { _ = tr.Close() })
	return k.Start(context.Background(), tr, txn)
}

func purchase(amount int64) Transaction { return Transaction{Amount: amount, Type: TypePurchase} }

func newTransport(c card.Card) card.Transport { return card.NewInProcess(c) }
