package server

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/journal"
)

// backends runs a test against each journal backend.
func backends(t *testing.T, fn func(t *testing.T, kind string)) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { fn(t, kind) })
	}
}

// lookup returns the journal record of a request sent by acquirer acq.
func (n *network) lookup(mti, acq string, req *dialect.Message) *journal.Record {
	n.t.Helper()
	rec, err := n.j.Lookup(context.Background(), journal.Key{MTI: mti, Acquirer: acq,
		STAN: string(req.Field(11)), TxTime: string(req.Field(7))})
	require.NoError(n.t, err)
	return rec
}

// keyed gives a purchase fixed key fields, so that the test knows them.
func keyed(pan, stan string) *dialect.Message {
	m := purchase(pan)
	m.SetString(11, stan)
	m.SetString(7, time.Now().UTC().Format("0102150405"))
	return m
}

func TestJournalRecordsEveryOutcome(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind})
		a := n.acquirer(acqA)

		ok := keyed(panBankA, "100001")
		code, resp := do(t, a, ok)
		require.Equal(t, "00", code)
		rec := n.lookup("0200", acqA, ok)
		assert.Equal(t, journal.StateApproved, rec.State)
		assert.Equal(t, string(resp.Field(38)), rec.AuthID)
		assert.Equal(t, bankA, rec.Issuer)
		assert.Equal(t, "bank-a", rec.Route)
		assert.Equal(t, "622202*********0000", rec.PANMasked)
		assert.NotEmpty(t, rec.PANHash)
		assert.Equal(t, int64(10000), rec.Amount)
		assert.Equal(t, "node-a", rec.Node)

		declined := keyed(panBankB, "100002")
		declined.SetString(4, "000000001251")
		code, _ = do(t, a, declined)
		require.Equal(t, "51", code)
		assert.Equal(t, journal.StateDeclined, n.lookup("0200", acqA, declined).State)

		noRoute := keyed("4111111111111111", "100003")
		code, _ = do(t, a, noRoute)
		require.Equal(t, "15", code)
		// A refusal is answered at once and journaled behind it.
		waitFor(t, "rejection journaled", func() bool {
			r, err := n.j.Lookup(context.Background(), journal.Key{MTI: "0200", Acquirer: acqA, STAN: "100003",
				TxTime: string(noRoute.Field(7))})
			return err == nil && r.State == journal.StateRejected && r.ResponseCode == "15"
		})
	})
}

func TestRetransmissionRepeatsTheFirstAnswer(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind})
		a := n.acquirer(acqA)
		req := keyed(panBankA, "200001")
		code, first := do(t, a, req)
		require.Equal(t, "00", code)
		code, again := do(t, a, req)
		assert.Equal(t, "00", code)
		assert.Equal(t, first.Field(38), again.Field(38), "the same authorization id")
		assert.Equal(t, 1, n.issuers[bankA][0].Stats().Requests, "forwarded once")
	})
}

func TestTimeoutQueuesReversalUntilAcknowledged(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind, "timeout": "300ms", "saf": "200ms"})
		a := n.acquirer(acqA)
		bank := n.issuers[bankA][0]
		bank.SetSilent(true) // no answers, to requests and reversal advices alike
		req := keyed(panBankA, "300001")
		code, _ := do(t, a, req)
		require.Equal(t, "91", code)
		rec := n.lookup("0200", acqA, req)
		assert.Equal(t, journal.StateTimedOut, rec.State)
		assert.Equal(t, journal.ReversalQueued, rec.Reversal)

		// The advice goes out, and is repeated as 0421 while unanswered.
		waitFor(t, "0420 then 0421 at the issuer", func() bool {
			st := bank.Stats()
			return st.ByMTI["0420"] >= 1 && st.ByMTI["0421"] >= 1
		})
		bank.SetSilent(false)
		// The record says acknowledged first, then the queue lets go of the
		// entry (the journal logs the record's state before it settles the
		// entry).
		waitFor(t, "reversal acknowledged and its entry settled", func() bool {
			depth, err := n.j.SAFDepth(context.Background())
			require.NoError(t, err)
			return depth == 0 && n.lookup("0200", acqA, req).Reversal == journal.ReversalDone
		})
		var adv issuer.Request
		for _, r := range bank.Stats().Recent {
			if r.MTI == "0420" || r.MTI == "0421" {
				adv = r
			}
		}
		assert.Equal(t, acqA, adv.Acquirer)
		assert.Equal(t, "300001", adv.STAN)
		assert.Equal(t, switchID, adv.Forwarding)
	})
}

func TestAcquirerReversals(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind, "saf": "200ms"})
		a := n.acquirer(acqA)
		bank := n.issuers[bankA][0]
		reversal := func(mti string, orig *dialect.Message, stan string) string {
			rev := keyed(panBankA, stan)
			_ = rev.SetMTI([]byte(mti))
			rev.SetString(90, originalData("0200", string(orig.Field(11)), string(orig.Field(7)), acqA, "0"))
			code, resp := do(t, a, rev)
			want, _ := dialect.ResponseMTI([]byte(mti))
			assert.Equal(t, string(want[:]), string(resp.MTI()))
			return code
		}

		// Online reversal of an approval goes to the issuer.
		orig := keyed(panBankA, "400001")
		code, _ := do(t, a, orig)
		require.Equal(t, "00", code)
		assert.Equal(t, "00", reversal("0400", orig, "400002"))
		assert.Equal(t, 1, bank.Stats().ByMTI["0400"])
		waitFor(t, "original marked reversed", func() bool {
			return n.lookup("0200", acqA, orig).Reversal == journal.ReversalDone
		})
		// Reversing it again is answered without going to the issuer.
		assert.Equal(t, "00", reversal("0400", orig, "400003"))
		assert.Equal(t, 1, bank.Stats().ByMTI["0400"])

		// A reversal advice is acknowledged and sent on through store-and-forward.
		orig2 := keyed(panBankA, "400011")
		code, _ = do(t, a, orig2)
		require.Equal(t, "00", code)
		assert.Equal(t, "00", reversal("0420", orig2, "400012"))
		waitFor(t, "advice acknowledged by the issuer", func() bool {
			return n.lookup("0200", acqA, orig2).Reversal == journal.ReversalDone
		})
		assert.GreaterOrEqual(t, bank.Stats().ByMTI["0420"], 1)

		// Reversal of a declined transaction: answered locally.
		declined := keyed(panBankA, "400021")
		declined.SetString(4, "000000000051")
		code, _ = do(t, a, declined)
		require.Equal(t, "51", code)
		before := bank.Stats().Requests
		assert.Equal(t, "00", reversal("0400", declined, "400022"))
		assert.Equal(t, before, bank.Stats().Requests)
		assert.Equal(t, journal.ReversalLocal, n.lookup("0200", acqA, declined).Reversal)

		// No original: 25.
		ghost := keyed(panBankA, "400031")
		assert.Equal(t, "25", reversal("0400", ghost, "400032"))
	})
}

func TestAdviceAcknowledgedAndForwarded(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind, "saf": "200ms"})
		a := n.acquirer(acqA)
		adv := keyed(panBankB, "500001")
		_ = adv.SetMTI([]byte("0220"))
		adv.SetString(39, "00")
		code, resp := do(t, a, adv)
		assert.Equal(t, "00", code)
		assert.Equal(t, "0230", string(resp.MTI()))
		waitFor(t, "advice at the issuer", func() bool { return n.issuers[bankB][0].Stats().ByMTI["0220"] == 1 })
		waitFor(t, "advice acknowledged", func() bool {
			d, err := n.j.SAFDepth(context.Background())
			return err == nil && d == 0
		})
		assert.Equal(t, journal.StateApproved, n.lookup("0220", acqA, adv).State)
	})
}

func TestRestartRecoversUnfinishedTransactions(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		j := openJournal(t, kind)
		// What a crashed node left: a request forwarded, never answered.
		rec := &journal.Record{Key: journal.Key{MTI: "0200", Acquirer: acqA, STAN: "600001", TxTime: "1126120000"},
			Node: "node-a", BusinessDate: "2026-11-26", ReceivedAt: time.Now().Add(-time.Second), AcquirerInst: acqA,
			Issuer: bankA, Route: "bank-a", Processing: "000000", Amount: 4200, Currency: "156", State: journal.StateForwarded}
		require.NoError(t, j.Do(context.Background(), &journal.Write{Kind: journal.WriteInsert, Record: rec}))
		// What a dead node left long ago, and what a live one has in flight now.
		dead := *rec
		dead.ID, dead.Node, dead.STAN, dead.ReceivedAt = 0, "node-z", "600002", time.Now().Add(-10*time.Minute)
		require.NoError(t, j.Do(context.Background(), &journal.Write{Kind: journal.WriteInsert, Record: &dead}))
		live := *rec
		live.ID, live.Node, live.STAN, live.ReceivedAt = 0, "node-b", "600003", time.Now()
		require.NoError(t, j.Do(context.Background(), &journal.Write{Kind: journal.WriteInsert, Record: &live}))
		// A crash between a timeout and its reversal.
		lost := *rec
		lost.ID, lost.STAN = 0, "600004"
		require.NoError(t, j.Do(context.Background(), &journal.Write{Kind: journal.WriteInsert, Record: &lost}))
		require.NoError(t, j.Do(context.Background(), &journal.Write{Kind: journal.WriteFinish, ID: lost.ID,
			State: journal.StateTimedOut, Code: "91"}))

		n := startNetworkWith(t, 1, nil, j)
		got, err := j.Get(context.Background(), rec.ID)
		require.NoError(t, err)
		assert.Equal(t, journal.StateTimedOut, got.State)
		waitFor(t, "reversal sent and acknowledged", func() bool {
			got, err := j.Get(context.Background(), rec.ID)
			return err == nil && got.Reversal == journal.ReversalDone
		})
		for _, id := range []int64{dead.ID, lost.ID} {
			waitFor(t, "stale and lost records reversed", func() bool {
				got, err := j.Get(context.Background(), id)
				return err == nil && got.State == journal.StateTimedOut && got.Reversal == journal.ReversalDone
			})
		}
		got, err = j.Get(context.Background(), live.ID)
		require.NoError(t, err)
		assert.Equal(t, journal.StateForwarded, got.State, "a live node's request in flight is left alone")
		assert.GreaterOrEqual(t, n.issuers[bankA][0].Stats().ByMTI["0420"], 3)
	})
}

func TestUndeliveredApprovalIsReversed(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind, "delayA": "300ms", "saf": "200ms"})
		a := n.acquirer(acqA)
		req := keyed(panBankA, "700001")
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var resp dialect.Message
			_ = a.Do(ctx, req, &resp) // the connection goes away before the answer
		}()
		waitFor(t, "request at the issuer", func() bool { return n.issuers[bankA][0].Stats().Requests == 1 })
		require.NoError(t, a.Close())
		waitFor(t, "the approval reversed", func() bool {
			rec, err := n.j.Lookup(context.Background(), journal.Key{MTI: "0200", Acquirer: acqA, STAN: "700001",
				TxTime: string(req.Field(7))})
			return err == nil && rec.State == journal.StateApproved && rec.Reversal == journal.ReversalDone
		})
		assert.GreaterOrEqual(t, n.issuers[bankA][0].Stats().ByMTI["0420"], 1)
	})
}

// An acquirer whose timeout is shorter than the route's reverses a request
// the issuer has not answered yet: the reversal goes to the issuer (which
// approves the original afterwards), never answered locally, and the
// switch's own timeout adds no second one.
func TestAcquirerReversesARequestStillInFlight(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind, "delayA": "600ms", "saf": "200ms",
			"timeout": "900ms"})
		a := n.acquirer(acqA)
		bank := n.issuers[bankA][0]
		orig := keyed(panBankA, "710001")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		var resp dialect.Message
		require.ErrorIs(t, a.Do(ctx, orig, &resp), context.DeadlineExceeded, "the acquirer gives up first")
		cancel()
		rev := keyed(panBankA, "710002")
		_ = rev.SetMTI([]byte("0420"))
		rev.SetString(60, "4021")
		rev.SetString(90, originalData("0200", string(orig.Field(11)), string(orig.Field(7)), acqA, "0"))
		code, _ := do(t, a, rev)
		assert.Equal(t, "00", code)
		key := journal.Key{MTI: "0200", Acquirer: acqA, STAN: "710001", TxTime: string(orig.Field(7))}
		waitFor(t, "the original approved and its reversal acknowledged", func() bool {
			rec, err := n.j.Lookup(context.Background(), key)
			return err == nil && rec.State == journal.StateApproved && rec.Reversal == journal.ReversalDone
		})
		time.Sleep(time.Second) // past the route timeout and a few store-and-forward rounds
		assert.Equal(t, 1, bank.Stats().ByMTI["0420"], "one reversal advice at the issuer")
	})
}

// A reversal advice that overtakes its original (the acquirer gave up
// before the original reached the journal) is answered 25, and the
// original, arriving afterwards, is refused (91) and never reaches the
// issuer: it cannot be approved behind its own reversal.
func TestReversalOvertakingItsOriginal(t *testing.T) {
	backends(t, func(t *testing.T, kind string) {
		n := startNetwork(t, 1, map[string]string{"journal": kind})
		a := n.acquirer(acqA)
		bank := n.issuers[bankA][0]
		orig := keyed(panBankA, "720001")
		rev := keyed(panBankA, "720002")
		_ = rev.SetMTI([]byte("0420"))
		rev.SetString(60, "4021")
		rev.SetString(90, originalData("0200", string(orig.Field(11)), string(orig.Field(7)), acqA, "0"))
		code, _ := do(t, a, rev)
		assert.Equal(t, "25", code)
		before := bank.Stats().Requests
		code, _ = do(t, a, orig)
		assert.Equal(t, "91", code, "the original arriving after its reversal is refused")
		assert.Equal(t, before, bank.Stats().Requests, "and never forwarded")
		rec := n.lookup("0200", acqA, orig)
		assert.Equal(t, journal.StateRejected, rec.State)
		assert.Equal(t, journal.ReversalLocal, rec.Reversal)
	})
}
