package kernel

import (
	"context"
	"errors"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

// onlineCard answers the first GENERATE AC with an ARQC (the terminal asks
// for one: ODA is not performed and the default TAC-online has that bit),
// and the second with what is asked.
func onlineCard(extra ...rule) *scripted {
	extra = append(extra,
		rule{prefix: "80A80000", resp: ok(tlv.Encode(p(0x80, "1C00 08010100")))},
		rule{prefix: "80AE8000", resp: acFormat1("80")},
		rule{prefix: "80AE4000", resp: acFormat1("40")},
		rule{prefix: "80AE0000", resp: acFormat1("00")},
		rule{prefix: "00820000", resp: sw(0x9000)},
	)
	return basicCard(nil, extra...)
}

func TestComplete(t *testing.T) {
	script71 := tlv.Encode(c(0x71, p(0x9F18, "00000001"), p(0x86, "841E000004 11223344"), p(0x86, "8418000004 55667788")))
	script72 := tlv.Encode(c(0x72, p(0x9F18, "00000002"), p(0x86, "04DA9F790A 000000001000 11223344")))
	tests := []struct {
		name    string
		rules   []rule
		resp    OnlineResponse
		outcome Outcome
		results string
		tvr     []Bit
		tsi     []Bit
	}{
		{name: "approved", resp: OnlineResponse{ResponseCode: "00", IssuerAuthData: unhex("11223344556677883030")},
			outcome: OutcomeOnlineApproved, tsi: []Bit{TSIIssuerAuth}},
		{name: "declined", resp: OnlineResponse{ResponseCode: "05"}, outcome: OutcomeOnlineDeclined},
		{name: "issuer authentication fails", rules: []rule{{prefix: "00820000", resp: sw(0x6300)}},
			resp:    OnlineResponse{ResponseCode: "00", IssuerAuthData: unhex("11223344556677883030")},
			outcome: OutcomeOnlineApproved, tvr: []Bit{TVRIssuerAuthFailed}, tsi: []Bit{TSIIssuerAuth}},
		{name: "scripts before and after", rules: []rule{{prefix: "841E", resp: sw(0x9000)}, {prefix: "8418", resp: sw(0x9000)}, {prefix: "04DA", resp: sw(0x9000)}},
			resp:    OnlineResponse{ResponseCode: "00", Scripts: append(append([]byte(nil), script71...), script72...)},
			outcome: OutcomeOnlineApproved, results: "2000000001" + "2000000002", tsi: []Bit{TSIScript}},
		{name: "second command of a 71 script fails", rules: []rule{{prefix: "841E", resp: sw(0x9000)}, {prefix: "8418", resp: sw(0x6985)}, {prefix: "04DA", resp: sw(0x6A80)}},
			resp:    OnlineResponse{ResponseCode: "00", Scripts: append(append([]byte(nil), script71...), script72...)},
			outcome: OutcomeOnlineApproved, results: "1200000001" + "1100000002", tvr: []Bit{TVRScriptFailedBefore, TVRScriptFailedAfter}},
		{name: "scripts do not parse", resp: OnlineResponse{ResponseCode: "00", Scripts: unhex("7105860384")},
			outcome: OutcomeOnlineApproved, tvr: []Bit{TVRScriptFailedBefore}},
		{name: "unable to go online, default codes clean", resp: OnlineResponse{Unable: true}, outcome: OutcomeOnlineApproved},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := testKernel(func(c *Config) { c.TAC.Default = [5]byte{} })
			s, err := start(t, k, onlineCard(tc.rules...), purchase(100))
			if err != nil {
				t.Fatal(err)
			}
			if s.Result().Outcome != OutcomeOnline || len(s.Result().OnlineData) == 0 {
				t.Fatalf("outcome %v, want online with field 55", s.Result().Outcome)
			}
			r, err := s.Complete(context.Background(), tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != tc.outcome {
				t.Errorf("outcome %v, want %v", r.Outcome, tc.outcome)
			}
			if got := string(r.ScriptResults); got != string(unhex(tc.results)) {
				t.Errorf("script results %X, want %s", r.ScriptResults, tc.results)
			}
			for _, b := range tc.tvr {
				if !r.TVR.Has(b) {
					t.Errorf("TVR %X lacks %04X", r.TVR, uint16(b))
				}
			}
			for _, b := range tc.tsi {
				if !r.TSI.Has(b) {
					t.Errorf("TSI %X lacks %04X", r.TSI, uint16(b))
				}
			}
		})
	}
}

func TestCompleteMisuse(t *testing.T) {
	s, err := start(t, testKernel(nil), onlineCard(), purchase(100))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(context.Background(), OnlineResponse{ResponseCode: "0"}); !errors.Is(err, ErrConfig) {
		t.Errorf("one-character response code: %v", err)
	}
	if _, err := s.Complete(context.Background(), OnlineResponse{ResponseCode: "00"}); !errors.Is(err, ErrState) {
		t.Errorf("Complete after Complete: %v", err)
	}
	// An offline decline cannot be completed.
	s, err = start(t, testKernel(nil), basicCard(acFormat1("00")), purchase(100))
	if err != nil {
		t.Fatal(err)
	}
	if s.Result().Outcome != OutcomeOfflineDeclined {
		t.Fatalf("outcome %v", s.Result().Outcome)
	}
	if _, err := s.Complete(context.Background(), OnlineResponse{ResponseCode: "00"}); !errors.Is(err, ErrState) {
		t.Errorf("Complete after a decline: %v", err)
	}
}

// TestCardDecision: a card answering a TC to an AAC request is refused.
func TestCardDecision(t *testing.T) {
	_, err := start(t, testKernel(nil), basicCard(acFormat1("40")), Transaction{Amount: 1, ReadOnly: true})
	var ke *Error
	if !errors.Is(err, ErrCardDecision) || !errors.As(err, &ke) || ke.Step != StepFirstAC || ke.Tag != 0x9F27 {
		t.Fatalf("error %v, want ErrCardDecision naming 9F27", err)
	}
}
