package kernel

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/tlv"
)

func TestBadInput(t *testing.T) {
	tests := []struct {
		name    string
		rule    rule
		step    Step
		wantErr error
	}{
		{"FCI garbage", rule{prefix: selectAID(aidDebit), resp: ok(unhex("FFFF6F"))}, StepSelect, ErrNoApplication},
		{"GPO truncated TLV", rule{prefix: "80A80000", resp: ok(unhex("800A1800"))}, StepGPO, ErrMalformed},
		{"GPO wrong status", rule{prefix: "80A80000", resp: sw(0x6A80)}, StepGPO, ErrStatus},
		{"record truncated TLV", rule{prefix: "00B2010C", resp: ok(unhex("70055A"))}, StepReadRecord, ErrMalformed},
		{"record length overruns", rule{prefix: "00B2010C", resp: ok(unhex("7081FF5A01"))}, StepReadRecord, ErrMalformed},
		{"record 00 padding only", rule{prefix: "00B2010C", resp: ok(unhex("0000"))}, StepReadRecord, ErrMalformed},
		{"GENERATE AC too short", rule{prefix: "80AE", resp: ok(unhex("8003800001"))}, StepFirstAC, ErrMalformed},
		{"GENERATE AC without a status word", rule{prefix: "80AE", resp: unhex("90")}, StepFirstAC, card.ErrTransmit},
		{"GENERATE AC format 2 without CID", rule{prefix: "80AE", resp: ok(tlv.Encode(c(0x77, p(0x9F36, "0001"), p(0x9F26, "1122334455667788"))))}, StepFirstAC, ErrMissing},
		{"GENERATE AC CID RFU type", rule{prefix: "80AE", resp: acFormat1("C0")}, StepFirstAC, ErrCardDecision},
		{"GENERATE AC 6985", rule{prefix: "80AE", resp: sw(0x6985)}, StepFirstAC, ErrStatus},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := start(t, testKernel(nil), basicCard(acFormat1("80"), tc.rule), purchase(100))
			var ke *Error
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &ke) || ke.Step != tc.step {
				t.Fatalf("error %v, want %v at %s", err, tc.wantErr, tc.step)
			}
			if s == nil || len(s.Result().Trace) == 0 {
				t.Error("no result trace kept after the error")
			}
		})
	}
}

// removing is a transport whose card leaves after n commands.
type removing struct {
	card.Transport
	n int
}

func (r *removing) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if r.n <= 0 {
		return nil, fmt.Errorf("test reader: %w", card.ErrCardRemoved)
	}
	r.n--
	return r.Transport.Transmit(ctx, cmd)
}

// TestCardRemoved pulls the card after every possible number of commands of
// an online transaction with completion: each time a typed error naming a
// step, wrapping card.ErrCardRemoved, and a trace of what was sent.
func TestCardRemoved(t *testing.T) {
	for n := 0; ; n++ {
		tr := &removing{Transport: card.NewInProcess(onlineCard()), n: n}
		s, err := testKernel(nil).Start(context.Background(), tr, purchase(100))
		if err == nil {
			_, err = s.Complete(context.Background(), OnlineResponse{ResponseCode: "00", IssuerAuthData: unhex("11223344556677883030")})
		}
		if err == nil {
			if n < 5 {
				t.Fatalf("transaction finished with the card pulled after %d commands", n)
			}
			return
		}
		var ke *Error
		if !errors.Is(err, card.ErrCardRemoved) || !errors.As(err, &ke) || ke.Step == "" {
			t.Fatalf("after %d commands: %v", n, err)
		}
		if got := len(s.Result().Trace); got != n+1 {
			t.Errorf("after %d commands: trace has %d entries, want %d", n, got, n+1)
		}
	}
}

// TestContextCancelled: a cancelled context stops before the first command.
func TestContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc := basicCard(acFormat1("80"))
	tr := card.NewInProcess(sc)
	defer tr.Close()
	_, err := testKernel(nil).Start(ctx, tr, purchase(1))
	if !errors.Is(err, context.Canceled) || len(sc.cmds) != 0 {
		t.Fatalf("error %v after %d commands", err, len(sc.cmds))
	}
}

// TestErrorsCarryNoPAN: error strings and the trace never hold the PAN.
func TestErrorsCarryNoPAN(t *testing.T) {
	_, err := start(t, testKernel(nil), basicCard(acFormat1("C0")), purchase(100))
	if err == nil {
		t.Fatal("no error")
	}
	for _, bad := range []string{"6228480000000000018", "622848"} {
		if containsFold(err.Error(), bad) {
			t.Errorf("error %q holds the PAN", err)
		}
	}
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
