package kernel

import (
	"context"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

// pseRecord is a PSE directory record listing the entries.
func pseRecord(entries ...tlv.TLV) []byte { return ok(tlv.Encode(c(0x70, entries...))) }

func entry(aid, label, prio string) tlv.TLV {
	kids := []tlv.TLV{p(0x4F, aid), tlv.New(0x50, []byte(label))}
	if prio != "" {
		kids = append(kids, p(0x87, prio))
	}
	return c(0x61, kids...)
}

var pseFCI = ok(tlv.Encode(c(0x6F, tlv.New(0x84, []byte("1PAY.SYS.DDF01")), c(0xA5, p(0x88, "0B")))))

func TestSelection(t *testing.T) {
	gpo := rule{prefix: "80A80000", resp: ok(tlv.Encode(p(0x80, "1800 08010100")))}
	tests := []struct {
		name     string
		rules    []rule
		aids     []AID
		chooser  Chooser
		want     string // selected AID, "" for an error
		wantErr  error
		cands    int
		noSelect string // a command prefix that must not have been sent
	}{
		{
			name: "PSE picks the highest priority",
			rules: []rule{
				{prefix: selectPSE, resp: pseFCI},
				{prefix: "00B2015C", resp: pseRecord(entry(aidCredit, "CREDIT", "02"), entry(aidDebit, "DEBIT", "01"))},
				{prefix: "00B2025C", resp: sw(0x6A83)},
				{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "01")},
			},
			want: aidDebit, cands: 2, noSelect: selectAID(aidCredit),
		},
		{
			name: "PSE entries the terminal does not support are left out",
			rules: []rule{
				{prefix: selectPSE, resp: pseFCI},
				{prefix: "00B2015C", resp: pseRecord(entry("A0000000031010", "VISA", "01"), entry(aidCredit, "CREDIT", "02"))},
				{prefix: "00B2025C", resp: sw(0x6A83)},
				{prefix: selectAID(aidCredit), resp: fciOf(aidCredit, "CREDIT", "02")},
			},
			want: aidCredit, cands: 1,
		},
		{
			name: "no PSE: AID list with partial selection and next occurrence",
			rules: []rule{
				{prefix: selectPSE, resp: sw(0x6A82)},
				{prefix: "00A4040007A0000003330101", resp: fciOf(aidCredit, "CREDIT", "02"), times: 1},
				{prefix: "00A4040207A0000003330101", resp: fciOf(aidDebit, "DEBIT", "01"), times: 1},
				{prefix: "00A4040207A0000003330101", resp: sw(0x6A82)},
				{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "01")},
			},
			aids: []AID{{AID: unhex("A0000003330101"), Partial: true}},
			want: aidDebit, cands: 2,
		},
		{
			name: "partial match not allowed: no candidate",
			rules: []rule{
				{prefix: selectPSE, resp: sw(0x6A82)},
				{prefix: "00A4040007A0000003330101", resp: fciOf(aidCredit, "CREDIT", "02")},
			},
			aids:    []AID{{AID: unhex("A0000003330101")}},
			wantErr: ErrNoApplication,
		},
		{
			name: "blocked application (6283) is skipped",
			rules: []rule{
				{prefix: selectPSE, resp: pseFCI},
				{prefix: "00B2015C", resp: pseRecord(entry(aidDebit, "DEBIT", "01"), entry(aidCredit, "CREDIT", "02"))},
				{prefix: "00B2025C", resp: sw(0x6A83)},
				{prefix: selectAID(aidDebit), resp: append(fciOf(aidDebit, "DEBIT", "01")[:0:0], append(tlv.Encode(c(0x6F, p(0x84, aidDebit))), 0x62, 0x83)...)},
				{prefix: selectAID(aidCredit), resp: fciOf(aidCredit, "CREDIT", "02")},
			},
			want: aidCredit, cands: 2,
		},
		{
			name: "GPO 6985 drops the application",
			rules: []rule{
				{prefix: selectPSE, resp: pseFCI},
				{prefix: "00B2015C", resp: pseRecord(entry(aidDebit, "DEBIT", "01"), entry(aidCredit, "CREDIT", "02"))},
				{prefix: "00B2025C", resp: sw(0x6A83)},
				{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "01")},
				{prefix: "80A80000", resp: sw(0x6985), times: 1},
				{prefix: selectAID(aidCredit), resp: fciOf(aidCredit, "CREDIT", "02")},
			},
			want: aidCredit, cands: 2,
		},
		{
			name:    "PSE answers 6A81: card blocked",
			rules:   []rule{{prefix: selectPSE, resp: sw(0x6A81)}},
			wantErr: ErrStatus,
		},
		{
			name: "confirmation required without a chooser",
			rules: []rule{
				{prefix: selectPSE, resp: sw(0x6A82)},
				{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "81")},
				{prefix: selectAID(aidCredit), resp: sw(0x6A82)},
			},
			wantErr: ErrNoApplication,
		},
		{
			name: "confirmation through the chooser",
			rules: []rule{
				{prefix: selectPSE, resp: sw(0x6A82)},
				{prefix: selectAID(aidDebit), resp: fciOf(aidDebit, "DEBIT", "81")},
				{prefix: selectAID(aidCredit), resp: fciOf(aidCredit, "CREDIT", "02")},
			},
			chooser: func(_ context.Context, cs []Candidate) (int, error) {
				for i, c := range cs {
					if c.Confirm() {
						return i, nil
					}
				}
				return 0, errors.New("no candidate to confirm")
			},
			want: aidDebit, cands: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			card := newScripted(append(tc.rules, gpo, rule{prefix: "00B2010C", resp: basicRecord()}, rule{prefix: "80AE", resp: acFormat1("00")})...)
			k := testKernel(func(cfg *Config) {
				if tc.aids != nil {
					cfg.AIDs = tc.aids
				}
				cfg.Choose = tc.chooser
			})
			s, err := start(t, k, card, purchase(100))
			if tc.wantErr != nil {
				var ke *Error
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &ke) || ke.Step != StepSelect {
					t.Fatalf("error %v, want %v at %s", err, tc.wantErr, StepSelect)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := s.Result()
			if got := hex.EncodeToString(r.Selected.AID); got != lower(tc.want) {
				t.Errorf("selected %s, want %s", got, tc.want)
			}
			if len(r.Candidates) != tc.cands {
				t.Errorf("%d candidates, want %d", len(r.Candidates), tc.cands)
			}
			if tc.noSelect != "" && card.sent(tc.noSelect) > 0 {
				t.Errorf("%s was sent", tc.noSelect)
			}
		})
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, x := range b {
		if x >= 'A' && x <= 'F' {
			b[i] = x + 32
		}
	}
	return string(b)
}
