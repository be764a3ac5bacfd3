package kernel_test

import (
	"context"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/simulators/simcard"
	"github.com/hulian/hulian/symmetric"
)

// suites are the two shipped profiles: RSA + 3DES and SM2 + SM4.
func suites() []struct {
	profile string
	alg     symmetric.Algorithm
} {
	return []struct {
		profile string
		alg     symmetric.Algorithm
	}{{"pboc-rsa", symmetric.TDES}, {"pboc-sm", symmetric.SM4}}
}

// run starts a transaction on a transport and closes it at the end.
func run(t *testing.T, cfg kernel.Config, tr card.Transport, txn kernel.Transaction) *kernel.Session {
	t.Helper()
	s, err := kernel.New(cfg).Start(context.Background(), tr, txn)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return s
}

// issuerAnswer plays the issuer: it recomputes the ARQC from field 55 with
// the card's TEST AC key (simulators/simcard CryptogramInput, the PBOC session
// key of emv/crypto) and returns 91 = ARPC || ARC for arc.
func issuerAnswer(t *testing.T, alg symmetric.Algorithm, cardAC, de55 []byte, arc string) []byte {
	t.Helper()
	objs, err := tlv.Parse(de55)
	if err != nil {
		t.Fatalf("field 55 does not parse: %v", err)
	}
	values := map[tlv.Tag][]byte{}
	for _, o := range objs {
		values[o.Tag] = o.Value
	}
	for _, tag := range []tlv.Tag{0x9F26, 0x9F27, 0x9F10, 0x9F37, 0x9F36, 0x95, 0x9A, 0x9C, 0x9F02, 0x5F2A, 0x82, 0x9F1A, 0x9F03, 0x9F33, 0x9F34, 0x9F35, 0x84, 0x9F09} {
		if _, ok := values[tag]; !ok {
			t.Errorf("field 55 lacks %v", tag)
		}
	}
	atc := uint16(values[0x9F36][0])<<8 | uint16(values[0x9F36][1])
	sk, err := crypto.SessionKey(alg, cardAC, atc)
	if err != nil {
		t.Fatal(err)
	}
	arqc, err := crypto.ARQC(alg, sk, simcard.CryptogramInput(values, values[0x82], atc, values[0x9F10]))
	if err != nil {
		t.Fatal(err)
	}
	if string(arqc) != string(values[0x9F26]) {
		t.Fatalf("ARQC recomputed from field 55 %X, card sent %X", arqc, values[0x9F26])
	}
	arpc, err := crypto.ARPC1(alg, sk, arqc, []byte(arc))
	if err != nil {
		t.Fatal(err)
	}
	return append(arpc, arc...)
}

// cardAC returns the TEST AC master key of the profile's first application.
func cardAC(t *testing.T, profile string) []byte {
	t.Helper()
	p, err := simcard.LoadProfile(cardsDir + "/" + profile + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p.Applications[0].Keys.CardAC
}

func TestOnlineApproved(t *testing.T) {
	for _, su := range suites() {
		t.Run(su.profile, func(t *testing.T) {
			cfg := testConfig(t, testPIN)
			cfg.ECSupport = false
			tr := transport(t, "online-approved-"+su.profile, func() card.Card { return simulated(t, su.profile) })
			defer tr.Close()
			s := run(t, cfg, tr, kernel.Transaction{Amount: 1000, Type: kernel.TypePurchase})
			r := s.Result()
			if r.Outcome != kernel.OutcomeOnline {
				t.Fatalf("outcome %v, want online request (TVR %X)", r.Outcome, r.TVR)
			}
			if r.CVMResults != [3]byte{0x41, 0x03, 0x02} {
				t.Errorf("CVM results %X, want 410302 (offline PIN verified)", r.CVMResults)
			}
			if !r.TVR.Has(kernel.TVRNewCard) || r.ODAFailed || r.ODA == kernel.ODANone {
				t.Errorf("TVR %X ODA %v failed %v: want new card, ODA performed and passed", r.TVR, r.ODA, r.ODAFailed)
			}
			iad := issuerAnswer(t, su.alg, cardAC(t, su.profile), r.OnlineData, "00")
			r, err := s.Complete(context.Background(), kernel.OnlineResponse{ResponseCode: "00", IssuerAuthData: iad})
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != kernel.OutcomeOnlineApproved || r.CID&0xC0 != 0x40 {
				t.Fatalf("outcome %v CID %02X, want online approved with a TC", r.Outcome, r.CID)
			}
			if r.TVR.Has(kernel.TVRIssuerAuthFailed) || !r.TSI.Has(kernel.TSIIssuerAuth) {
				t.Errorf("TVR %X TSI %X: issuer authentication should have passed", r.TVR, r.TSI)
			}
			if _, err := s.Complete(context.Background(), kernel.OnlineResponse{ResponseCode: "00"}); err == nil {
				t.Error("second Complete accepted")
			}
		})
	}
}

func TestOnlineDeclined(t *testing.T) {
	for _, su := range suites() {
		t.Run(su.profile, func(t *testing.T) {
			cfg := testConfig(t, testPIN)
			cfg.ECSupport = false
			tr := transport(t, "online-declined-"+su.profile, func() card.Card { return simulated(t, su.profile) })
			defer tr.Close()
			s := run(t, cfg, tr, kernel.Transaction{Amount: 2051, Type: kernel.TypePurchase})
			if r := s.Result(); r.Outcome != kernel.OutcomeOnline {
				t.Fatalf("outcome %v, want online", r.Outcome)
			}
			iad := issuerAnswer(t, su.alg, cardAC(t, su.profile), s.Result().OnlineData, "51")
			r, err := s.Complete(context.Background(), kernel.OnlineResponse{ResponseCode: "51", IssuerAuthData: iad})
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != kernel.OutcomeOnlineDeclined || r.CID&0xC0 != 0 {
				t.Fatalf("outcome %v CID %02X, want online declined with an AAC", r.Outcome, r.CID)
			}
		})
	}
}

// TestOfflineApproved: after one online transaction (the card is no longer
// new, so IAC-online does not fire) a small purchase is approved offline.
func TestOfflineApproved(t *testing.T) {
	for _, su := range suites() {
		t.Run(su.profile, func(t *testing.T) {
			var c *simcard.Card
			mk := func() card.Card {
				if c == nil {
					c = simulated(t, su.profile)
				}
				return c
			}
			cfg := testConfig(t, testPIN)
			cfg.ECSupport = false
			tr1 := transport(t, "offline-approved-"+su.profile+"-1", mk)
			s := run(t, cfg, tr1, kernel.Transaction{Amount: 1000, Type: kernel.TypePurchase})
			iad := issuerAnswer(t, su.alg, cardAC(t, su.profile), s.Result().OnlineData, "00")
			if r, err := s.Complete(context.Background(), kernel.OnlineResponse{ResponseCode: "00", IssuerAuthData: iad}); err != nil || r.Outcome != kernel.OutcomeOnlineApproved {
				t.Fatalf("first transaction: %v %v", r.Outcome, err)
			}
			tr1.Close()
			tr2 := transport(t, "offline-approved-"+su.profile+"-2", mk)
			defer tr2.Close()
			s = run(t, cfg, tr2, kernel.Transaction{Amount: 500, Type: kernel.TypePurchase, Sequence: 2})
			r := s.Result()
			if r.Outcome != kernel.OutcomeOfflineApproved {
				t.Fatalf("outcome %v (TVR %X), want offline approved", r.Outcome, r.TVR)
			}
			if len(r.Cryptogram) != 8 || r.OnlineData != nil {
				t.Errorf("cryptogram %d bytes, online data %d bytes", len(r.Cryptogram), len(r.OnlineData))
			}
		})
	}
}

func TestECOfflinePurchase(t *testing.T) {
	for _, su := range suites() {
		t.Run(su.profile, func(t *testing.T) {
			cfg := testConfig(t, testPIN)
			tr := transport(t, "ec-purchase-"+su.profile, func() card.Card { return simulated(t, su.profile) })
			defer tr.Close()
			s := run(t, cfg, tr, kernel.Transaction{Amount: 300, Type: kernel.TypePurchase})
			r := s.Result()
			if !r.EC || r.ECBalance != 10000 {
				t.Fatalf("EC %v balance %d, want an EC purchase with balance 10000", r.EC, r.ECBalance)
			}
			if r.Outcome != kernel.OutcomeOfflineApproved {
				t.Fatalf("outcome %v (TVR %X), want offline approved", r.Outcome, r.TVR)
			}
		})
	}
}

func TestQPBOC(t *testing.T) {
	for _, su := range suites() {
		t.Run(su.profile, func(t *testing.T) {
			cfg := testConfig(t, testPIN)
			tr := transport(t, "qpboc-"+su.profile, func() card.Card { return simulated(t, su.profile) })
			defer tr.Close()
			s := run(t, cfg, tr, kernel.Transaction{Amount: 200, Type: kernel.TypePurchase, Interface: kernel.Contactless})
			r := s.Result()
			if !r.QPBOC || r.ODA != kernel.ODAfDDA || r.ODAFailed {
				t.Fatalf("qPBOC %v ODA %v failed %v (TVR %X)", r.QPBOC, r.ODA, r.ODAFailed, r.TVR)
			}
			if r.Outcome != kernel.OutcomeOfflineApproved {
				t.Fatalf("outcome %v, want offline approved", r.Outcome)
			}
		})
	}
}
