package kernel

import (
	"context"
	"errors"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

func TestRestrictions(t *testing.T) {
	tests := []struct {
		name   string
		data   map[tlv.Tag]string
		txn    Transaction
		atm    bool
		want   []Bit
		absent []Bit
	}{
		{"all fine", map[tlv.Tag]string{0x9F08: "0030", 0x9F07: "FF00", 0x5F28: "0156", 0x5F24: "301231", 0x5F25: "240101"}, purchase(1), false, nil,
			[]Bit{TVRVersionsDiffer, TVRServiceNotAllowed, TVRExpired, TVRNotYetEffective}},
		{"version differs", map[tlv.Tag]string{0x9F08: "0020"}, purchase(1), false, []Bit{TVRVersionsDiffer}, nil},
		{"expired yesterday", map[tlv.Tag]string{0x5F24: "250531"}, purchase(1), false, []Bit{TVRExpired}, nil},
		{"expires today", map[tlv.Tag]string{0x5F24: "250601"}, purchase(1), false, nil, []Bit{TVRExpired}},
		{"effective tomorrow", map[tlv.Tag]string{0x5F25: "250602"}, purchase(1), false, []Bit{TVRNotYetEffective}, nil},
		{"bad date", map[tlv.Tag]string{0x5F24: "251399"}, purchase(1), false, []Bit{TVRExpired}, nil},
		{"not valid at non-ATM", map[tlv.Tag]string{0x9F07: "FE00"}, purchase(1), false, []Bit{TVRServiceNotAllowed}, nil},
		{"not valid at ATM", map[tlv.Tag]string{0x9F07: "FD00"}, Transaction{Amount: 1, Type: TypeCash}, true, []Bit{TVRServiceNotAllowed}, nil},
		{"domestic cash allowed at ATM", map[tlv.Tag]string{0x9F07: "8200", 0x5F28: "0156"}, Transaction{Amount: 1, Type: TypeCash}, true, nil, []Bit{TVRServiceNotAllowed}},
		{"international cash refused", map[tlv.Tag]string{0x9F07: "8300", 0x5F28: "0840"}, Transaction{Amount: 1, Type: TypeCash}, false, []Bit{TVRServiceNotAllowed}, nil},
		{"domestic goods only, international purchase", map[tlv.Tag]string{0x9F07: "2100", 0x5F28: "0840"}, purchase(1), false, []Bit{TVRServiceNotAllowed}, nil},
		{"cashback not allowed", map[tlv.Tag]string{0x9F07: "3D00", 0x5F28: "0156"}, Transaction{Amount: 1, OtherAmount: 1, Type: TypeCashback}, false, []Bit{TVRServiceNotAllowed}, nil},
		{"domestic cashback allowed", map[tlv.Tag]string{0x9F07: "3D80", 0x5F28: "0156"}, Transaction{Amount: 1, OtherAmount: 1, Type: TypeCashback}, false, nil, []Bit{TVRServiceNotAllowed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := session(t, func(c *Config) {
				if tc.atm {
					c.TerminalType, c.AddCapabilities[0] = 0x14, 0x80
				}
			}, tc.txn, nil)
			for tg, v := range tc.data {
				s.card.set(tg, unhex(v))
			}
			if err := s.restrictions(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, b := range tc.want {
				if !s.res.TVR.Has(b) {
					t.Errorf("TVR %X lacks %04X", s.res.TVR, uint16(b))
				}
			}
			for _, b := range tc.absent {
				if s.res.TVR.Has(b) {
					t.Errorf("TVR %X has %04X", s.res.TVR, uint16(b))
				}
			}
		})
	}
}

// pinPad returns the PINs in order, then ErrPINBypass.
func pinPad(pins ...string) PINSupplier {
	i := 0
	return func(context.Context, PINRequest) ([]byte, error) {
		if i >= len(pins) {
			return nil, ErrPINBypass
		}
		i++
		return []byte(pins[i-1]), nil
	}
}

func TestCVM(t *testing.T) {
	const rightBlock = "002000800826123456FFFFFFFF"
	tests := []struct {
		name    string
		list    string // 8E
		txn     Transaction
		pin     PINSupplier
		caps2   byte
		rules   []rule
		results string
		tvr     []Bit
		online  bool
		sig     bool
		verify  int // VERIFY commands expected
	}{
		{name: "offline PIN right", list: "00000000 00000000 4103 1F03", pin: pinPad("123456"),
			rules: []rule{{prefix: "80CA9F17", resp: ok(unhex("9F170103"))}, {prefix: rightBlock, resp: sw(0x9000)}}, results: "410302", verify: 1},
		{name: "wrong then right PIN", list: "00000000 00000000 0103", pin: pinPad("111111", "123456"),
			rules: []rule{{prefix: "80CA9F17", resp: ok(unhex("9F170103"))}, {prefix: rightBlock, resp: sw(0x9000)}, {prefix: "00200080", resp: sw(0x63C2)}}, results: "010302", verify: 2},
		{name: "last try wrong: try limit exceeded", list: "00000000 00000000 0103", pin: pinPad("111111"),
			rules: []rule{{prefix: "80CA9F17", resp: ok(unhex("9F170101"))}, {prefix: "00200080", resp: sw(0x63C0)}}, results: "010301", tvr: []Bit{TVRPINTryExceeded, TVRCVMFailed}, verify: 1},
		{name: "try counter already 0: next rule", list: "00000000 00000000 4103 1E03", pin: pinPad("123456"),
			rules: []rule{{prefix: "80CA9F17", resp: ok(unhex("9F170100"))}}, results: "1E0300", tvr: []Bit{TVRPINTryExceeded}, sig: true},
		{name: "PIN blocked 6983", list: "00000000 00000000 0100", pin: pinPad("123456"),
			rules: []rule{{prefix: "00200080", resp: sw(0x6983)}}, results: "010001", tvr: []Bit{TVRPINTryExceeded, TVRCVMFailed}, verify: 1},
		{name: "bypass", list: "00000000 00000000 0100", pin: pinPad(),
			results: "010001", tvr: []Bit{TVRPINNotEntered, TVRCVMFailed}},
		{name: "no PIN pad then online PIN", list: "00000000 00000000 4100 4200", pin: nil,
			results: "420000", tvr: []Bit{TVRPINPadMissing, TVROnlinePINEntered}, online: true},
		{name: "signature", list: "00000000 00000000 1E00", results: "1E0000", sig: true},
		{name: "no CVM", list: "00000000 00000000 1F00", results: "1F0002"},
		{name: "fail CVM", list: "00000000 00000000 0000", results: "000001", tvr: []Bit{TVRCVMFailed}},
		{name: "unrecognised then no CVM", list: "00000000 00000000 7500 1F00", results: "1F0002", tvr: []Bit{TVRUnrecognisedCVM}},
		{name: "unrecognised without apply-next", list: "00000000 00000000 3500 1F00", results: "350001", tvr: []Bit{TVRUnrecognisedCVM, TVRCVMFailed}},
		{name: "signature not supported, condition 03 skips it", list: "00000000 00000000 1E03 1F03", caps2: 0x08, results: "1F0302"},
		{name: "under X: no CVM", list: "000003E8 00000000 1F06 1E00", txn: purchase(500), results: "1F0602"},
		{name: "over X: signature", list: "000003E8 00000000 1F06 1E07", txn: purchase(5000), results: "1E0700", sig: true},
		{name: "under Y", list: "00000000 00002710 1F08 1E00", txn: purchase(9999), results: "1F0802"},
		{name: "over Y", list: "00000000 00002710 1F09 1E00", txn: purchase(9999), results: "1E0000", sig: true},
		{name: "unattended cash", list: "00000000 00000000 4201 1F00", txn: Transaction{Amount: 100, Type: TypeCash}, results: "420100", online: true, tvr: []Bit{TVROnlinePINEntered}},
		{name: "manual cash", list: "00000000 00000000 1E04 1F00", txn: Transaction{Amount: 100, Type: TypeCash}, results: "1E0400", sig: true},
		{name: "purchase with cashback", list: "00000000 00000000 1E05 1F02", txn: Transaction{Amount: 100, OtherAmount: 50, Type: TypeCashback}, results: "1E0500", sig: true},
		{name: "no condition met", list: "00000000 00000000 1E05", results: "3F0001", tvr: []Bit{TVRCVMFailed}},
		{name: "malformed list", list: "0000", results: "3F0000", tvr: []Bit{TVRICCDataMissing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			card := newScripted(tc.rules...)
			txn := tc.txn
			if txn.Amount == 0 {
				txn = purchase(100)
			}
			s := session(t, func(c *Config) {
				c.PIN = tc.pin
				if tc.caps2 != 0 {
					c.Capabilities[1] = tc.caps2
				}
				if tc.name == "unattended cash" {
					c.TerminalType = 0x14
				}
			}, txn, card)
			s.aip = [2]byte{aipCVM, 0}
			s.card.set(0x8E, unhex(tc.list))
			s.card.set(0x9F42, unhex("0156"))
			if err := s.verifyCardholder(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := s.res.CVMResults; got != [3]byte(unhex(tc.results)) {
				t.Errorf("CVM results %X, want %s", got, tc.results)
			}
			for _, b := range tc.tvr {
				if !s.res.TVR.Has(b) {
					t.Errorf("TVR %X lacks %04X", s.res.TVR, uint16(b))
				}
			}
			if s.res.CVM.OnlinePIN != tc.online || s.res.CVM.Signature != tc.sig {
				t.Errorf("online PIN %v signature %v, want %v %v", s.res.CVM.OnlinePIN, s.res.CVM.Signature, tc.online, tc.sig)
			}
			if n := card.sent("00200080"); n != tc.verify {
				t.Errorf("%d VERIFY sent, want %d", n, tc.verify)
			}
		})
	}
}

func TestPINBlock(t *testing.T) {
	for _, tc := range []struct {
		pin, want string
		err       bool
	}{
		{"1234", "241234FFFFFFFFFF", false},
		{"123456789012", "2C123456789012FF", false},
		{"123", "", true},
		{"1234567890123", "", true},
		{"12a4", "", true},
	} {
		b, err := pinBlock([]byte(tc.pin))
		if (err != nil) != tc.err || !tc.err && string(b) != string(unhex(tc.want)) {
			t.Errorf("pinBlock(%d digits) = %X, %v", len(tc.pin), b, err)
		}
		if err != nil && !errors.Is(err, ErrPIN) {
			t.Errorf("error %v is not ErrPIN", err)
		}
	}
}

func TestRiskManagement(t *testing.T) {
	tests := []struct {
		name   string
		amount int64
		floor  int64
		limits bool
		atc    []byte // GET DATA 9F36 answer
		last   []byte
		rs     RandomSelection
		want   []Bit
		absent []Bit
	}{
		{name: "under floor", amount: 100, floor: 1000, absent: []Bit{TVRFloorLimitExceeded, TVRRandomSelected}},
		{name: "at floor", amount: 1000, floor: 1000, want: []Bit{TVRFloorLimitExceeded}},
		{name: "random selection 99%", amount: 100, floor: 1000, rs: RandomSelection{Target: 99, MaxTarget: 99}, want: []Bit{TVRRandomSelected}},
		{name: "velocity under limits", amount: 1, floor: 10, limits: true, atc: ok(unhex("9F36020012")), last: ok(unhex("9F13020011")),
			absent: []Bit{TVRLowerLimitExceeded, TVRUpperLimitExceeded, TVRNewCard}},
		{name: "velocity over lower", amount: 1, floor: 10, limits: true, atc: ok(unhex("9F36020015")), last: ok(unhex("9F13020011")),
			want: []Bit{TVRLowerLimitExceeded}, absent: []Bit{TVRUpperLimitExceeded}},
		{name: "velocity over both", amount: 1, floor: 10, limits: true, atc: ok(unhex("9F36020020")), last: ok(unhex("9F13020011")),
			want: []Bit{TVRLowerLimitExceeded, TVRUpperLimitExceeded}},
		{name: "new card", amount: 1, floor: 10, limits: true, atc: ok(unhex("9F36020001")), last: ok(unhex("9F13020000")),
			want: []Bit{TVRNewCard}},
		{name: "GET DATA fails", amount: 1, floor: 10, limits: true, atc: sw(0x6A88), last: sw(0x6A88),
			want: []Bit{TVRLowerLimitExceeded, TVRUpperLimitExceeded}, absent: []Bit{TVRNewCard}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			card := newScripted(rule{prefix: "80CA9F36", resp: tc.atc}, rule{prefix: "80CA9F13", resp: tc.last})
			s := session(t, func(c *Config) { c.FloorLimit, c.RandomSelection = tc.floor, tc.rs }, purchase(tc.amount), card)
			if tc.limits {
				s.card.set(0x9F14, []byte{3})
				s.card.set(0x9F23, []byte{5})
			}
			if err := s.riskManagement(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, b := range tc.want {
				if !s.res.TVR.Has(b) {
					t.Errorf("TVR %X lacks %04X", s.res.TVR, uint16(b))
				}
			}
			for _, b := range tc.absent {
				if s.res.TVR.Has(b) {
					t.Errorf("TVR %X has %04X", s.res.TVR, uint16(b))
				}
			}
			if !s.res.TSI.Has(TSITermRisk) {
				t.Error("TSI lacks terminal risk management performed")
			}
		})
	}
}

func TestActionAnalysis(t *testing.T) {
	tests := []struct {
		name          string
		tvr           string
		iacDen, iacOn string // "" absent
		iacDef        string
		offline       bool // terminal not online capable
		readOnly      bool
		want          byte
	}{
		{"clean TVR: TC", "0000000000", "0000000000", "0000000000", "0000000000", false, false, cidTC},
		{"IAC denial", "0000008000", "0000008000", "0000000000", "0000000000", false, false, cidAAC},
		{"TAC denial (service not allowed)", "0010000000", "0000000000", "0000000000", "0000000000", false, false, cidAAC},
		{"IAC online", "0008000000", "0000000000", "0008000000", "0000000000", false, false, cidARQC},
		{"IAC online absent means all ones", "0000000100", "0000000000", "", "0000000000", false, false, cidARQC},
		{"offline-only, default clean", "0008000000", "0000000000", "0008000000", "0000000000", true, false, cidTC},
		{"offline-only, default hit", "0008000000", "0000000000", "0000000000", "0008000000", true, false, cidAAC},
		{"read-only asks AAC", "0000000000", "0000000000", "0000000000", "0000000000", false, true, cidAAC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := session(t, func(c *Config) { c.OnlineCapable = !tc.offline }, Transaction{Amount: 1, ReadOnly: tc.readOnly}, nil)
			copy(s.res.TVR[:], unhex(tc.tvr))
			for tg, v := range map[tlv.Tag]string{0x9F0E: tc.iacDen, 0x9F0F: tc.iacOn, 0x9F0D: tc.iacDef} {
				if v != "" {
					s.card.set(tg, unhex(v))
				}
			}
			if got := s.actionAnalysis(); got != tc.want {
				t.Errorf("cryptogram %02X, want %02X", got, tc.want)
			}
		})
	}
}
