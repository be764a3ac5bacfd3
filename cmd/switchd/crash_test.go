package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/journal"
)

// Crash safety: switchd runs as a separate process under load and is
// killed with SIGKILL at random moments, then restarted. The acquirer does
// what the contract asks of it: a request that got no answer (the switch
// died under it) is reversed with an 0420, repeated as 0421 until an 0430,
// once a later process is up. After the last recovery the journal must
// hold every approval the acquirer saw, settled; every other approval of
// the issuer must have been reversed at the issuer exactly once and be
// absent from clearing; no transaction may be left open; every
// transaction without an issuer answer must have been reversed through
// store-and-forward; and every record must read back whole.

const (
	crashKills    = 20
	crashConns    = 8  // acquirer connections under load
	crashInFlight = 64 // requests kept in flight
)

func TestCrashRecovery(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" { // CI always runs it
		t.Skip("builds switchd and kills it under load")
	}
	bin := buildSwitchd(t, t.TempDir())
	backends := []struct {
		name string
		url  func(t *testing.T, dir string) string
	}{
		{"sqlite", crashSQLiteURL},
		{"postgres", crashPostgresURL},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dir := t.TempDir()
			crashScenario(t, bin, dir, b.url(t, dir))
		})
	}
}

// crashScenario is the whole test against one journal backend.
func crashScenario(t *testing.T, bin, dir, url string) {
	begin := time.Now()
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: crashIssuerID, Dialect: hl87a,
		Framing: frame.ASCII4, Delay: 5 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })

	e := crashSetup(t, bin, dir, url, is.Addr())
	e.rev = acquirer.NewReverser(200*time.Millisecond, nil)
	revCtx, stopRev := context.WithCancel(context.Background())
	defer stopRev()
	go e.rev.Run(revCtx)
	ledger := &crashLedger{}
	recovered := 0
	for round := 1; round <= crashKills; round++ {
		p := e.start()
		c, took := e.signOn(p)
		recovered += crashRecovered(p)
		e.waitIssuerLinks(p)
		crashLoadUntilKilled(t, e, p, is, ledger, c)
		t.Logf("round %d: signed on %v after start, killed with %d requests sent so far", round, took, ledger.next.Load())
	}

	require.Less(t, ledger.next.Load(), int64(999000), "STANs must stay unique over the run")

	// The last start: recovery, fresh traffic, the queue drains, SIGTERM.
	p := e.start()
	c, recovery := e.signOn(p)
	recovered += crashRecovered(p)
	t.Logf("recovery after the last SIGKILL: acquirer signed on %v after process start", recovery)
	e.waitIssuerLinks(p)
	before := len(ledger.snapshot())
	clients := append([]*acquirer.Client{c}, e.dialMore(3)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	ledger.run(ctx, clients, 16, 20)
	cancel()
	dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
	require.NoError(t, e.rev.Drain(dctx), "the acquirer's reversals are acknowledged; logs:\n%s", p.logs())
	dcancel()
	t.Logf("the acquirer reversed %d requests that got no answer", e.rev.Acknowledged())
	for _, cl := range clients {
		_ = cl.Close()
	}
	for _, o := range ledger.snapshot()[before:] {
		require.Contains(t, []string{"00", "51"}, o.code, "after recovery every purchase is answered by the issuer")
	}

	j := e.openJournal()
	crashWaitDrained(t, j, p)
	require.NoError(t, p.terminate(20*time.Second), "SIGTERM: switchd must stop cleanly; logs:\n%s", p.logs())
	require.NotContains(t, p.logs(), "6222020000000000125", "no clear PAN in the logs")

	st := crashCheckJournal(t, j, ledger.snapshot(), crashBusinessDates(begin))
	crashCheckIssuer(t, is.Stats(), st)
	crashCheckReversals(t, j, is.Reversals(), ledger.snapshot(), crashBusinessDates(begin))
	t.Logf("%d reversal advices from the acquirer journaled", st.acquirerReversals)
	t.Logf("%d transactions sent (%d approvals seen, %d without answer), %d SIGKILLs, %d records recovered at restart, "+
		"journal: %d approved, %d declined, %d timed out, %d rejected; %d reversals acknowledged; %v in all",
		len(ledger.snapshot()), st.seenApproved, st.unknown, crashKills, recovered,
		st.byState[journal.StateApproved], st.byState[journal.StateDeclined], st.byState[journal.StateTimedOut],
		st.byState[journal.StateRejected], st.reversed, time.Since(begin).Round(time.Millisecond))
}

// crashLoadUntilKilled runs load against p from crashConns connections, with
// one short window where the issuer answers nothing (so that some requests
// time out in the switch and others are caught open by the kill), and kills
// p with SIGKILL after a random 200-800ms. Requests still open then are
// unknown.
func crashLoadUntilKilled(t *testing.T, e *crashEnv, p *switchdProc, is *issuer.Issuer, l *crashLedger, c *acquirer.Client) {
	clients := append([]*acquirer.Client{c}, e.dialMore(crashConns-1)...)
	ctx, cancel := context.WithCancel(context.Background())
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		l.run(ctx, clients, crashInFlight, 0)
	}()
	silence := time.AfterFunc(time.Duration(30+rand.IntN(150))*time.Millisecond, func() {
		is.SetSilent(true)
		time.Sleep(3 * time.Millisecond)
		is.SetSilent(false)
	})
	time.Sleep(time.Duration(200+rand.IntN(600)) * time.Millisecond)
	p.kill(t)
	cancel()
	<-loaded
	if !silence.Stop() {
		// The window ran or is running: let it end before the next start.
		time.Sleep(10 * time.Millisecond)
	}
	is.SetSilent(false)
	for _, cl := range clients {
		_ = cl.Close()
	}
	require.Error(t, p.waitErr, "switchd was killed")
}

// crashWaitDrained waits until the store-and-forward queue is empty.
func crashWaitDrained(t *testing.T, j *journal.Journal, p *switchdProc) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := j.SAFDepth(context.Background())
		require.NoError(t, err)
		if n == 0 {
			return
		}
		require.False(t, p.done(), "switchd exited; logs:\n%s", p.logs())
		require.True(t, time.Now().Before(deadline), "store-and-forward queue still holds %d entries; logs:\n%s", n, p.logs())
		time.Sleep(20 * time.Millisecond)
	}
}

// crashStats sums up the journal after the run.
type crashStats struct {
	byState         map[journal.State]int
	seenApproved    int
	unknown         int
	reversed        int // timed-out records whose reversal the issuer acknowledged
	issuerAnswered  int // 0200 records the issuer answered (approved or declined)
	issuerJournaled int // 0200 records routed to the issuer (answered, timed out or failed on send)
	// acquirerReversals counts the acquirer's reversal advices (0420 and
	// repeats) journaled.
	acquirerReversals int
}

// crashCheckAcquirerReversal checks the record of an acquirer's reversal
// advice: answered by the switch itself, 00 (reversal queued, or nothing
// left to reverse) or 25 (the original never reached the switch).
func crashCheckAcquirerReversal(t *testing.T, r *journal.Record) {
	assert.Equal(t, crashAcquirerID, r.Acquirer)
	assert.Empty(t, r.PANMasked, "id %d: the acquirer's reversal carries no PAN", r.ID)
	switch r.ResponseCode {
	case "00":
		assert.Equal(t, journal.StateApproved, r.State, "id %d", r.ID)
		assert.Positive(t, r.OriginalID, "id %d: names its original", r.ID)
	case "25":
		assert.Equal(t, journal.StateRejected, r.State, "id %d", r.ID)
	default:
		t.Errorf("record %d: acquirer reversal answered %q", r.ID, r.ResponseCode)
	}
}

// crashLookups is how many of the acquirer's answers are also read back
// through Lookup (the others are checked against the day's records: one
// Lookup per transaction is slow with SQLite under the race detector).
const crashLookups = 300

// crashCheckJournal checks the journal against itself and against what the
// acquirer saw.
func crashCheckJournal(t *testing.T, j *journal.Journal, outs []crashOutcome, dates []string) crashStats {
	ctx := context.Background()
	st := crashStats{byState: make(map[journal.State]int)}

	// Nothing is left open.
	open, err := j.Unfinished(ctx, time.Now())
	require.NoError(t, err)
	assert.Empty(t, open, "records still in state forwarded")

	// Every record reads back whole and the states add up.
	byKey := make(map[journal.Key]*journal.Record)
	for _, d := range dates {
		day, err := j.Day(ctx, d)
		require.NoError(t, err)
		for i := range day {
			if r := &day[i]; r.MTI == "0420" || r.MTI == "0421" {
				crashCheckAcquirerReversal(t, r)
				st.acquirerReversals++
				continue
			}
			crashCheckRecord(t, &day[i], &st)
			assert.Nil(t, byKey[day[i].Key], "two records with one key")
			byKey[day[i].Key] = &day[i]
		}
	}
	require.NotEmpty(t, byKey)
	assert.Equal(t, len(byKey), st.byState[journal.StateApproved]+st.byState[journal.StateDeclined]+
		st.byState[journal.StateTimedOut]+st.byState[journal.StateRejected])
	assert.LessOrEqual(t, len(byKey), len(outs), "no record the acquirer did not send")

	// Every approval the acquirer saw is journaled as approved; no answer
	// the acquirer saw contradicts the journal.
	for _, o := range outs {
		switch rec := byKey[o.key]; {
		case o.code == "":
			st.unknown++
		case o.code == "00":
			st.seenApproved++
			if assert.NotNil(t, rec, "approval seen by the acquirer, STAN %s, is not in the journal", o.key.STAN) {
				assert.Equal(t, journal.StateApproved, rec.State, "STAN %s", o.key.STAN)
				assert.Equal(t, "00", rec.ResponseCode, "STAN %s", o.key.STAN)
			}
		case rec != nil:
			assert.Equal(t, o.code, rec.ResponseCode, "STAN %s: the acquirer saw another code", o.key.STAN)
		default: // the switch's own answers may die unjournaled with it
			assert.Equal(t, "91", o.code, "only the switch's own 91 may be lost with it (STAN %s)", o.key.STAN)
		}
	}
	assert.GreaterOrEqual(t, st.byState[journal.StateApproved], st.seenApproved)

	// Lookup by key finds the same records.
	for _, k := range rand.Perm(len(outs))[:min(crashLookups, len(outs))] {
		o := outs[k]
		rec, err := j.Lookup(ctx, o.key)
		if want := byKey[o.key]; want != nil {
			require.NoError(t, err, "STAN %s", o.key.STAN)
			assert.Equal(t, *want, *rec, "STAN %s", o.key.STAN)
		} else {
			assert.ErrorIs(t, err, journal.ErrNotFound, "STAN %s", o.key.STAN)
		}
	}
	return st
}

// crashCheckRecord checks one record of the journal.
func crashCheckRecord(t *testing.T, r *journal.Record, st *crashStats) {
	st.byState[r.State]++
	if r.State == journal.StateRejected && r.Reversal == journal.ReversalLocal {
		// An original whose reversal overtook it: refused under its key.
		assert.Equal(t, "91", r.ResponseCode, "id %d", r.ID)
		assert.Empty(t, r.Issuer, "id %d: never routed", r.ID)
		return
	}
	assert.Positive(t, r.ID)
	assert.Equal(t, "0200", r.MTI)
	assert.Equal(t, crashAcquirerID, r.Acquirer)
	assert.Len(t, r.STAN, 6)
	assert.Len(t, r.TxTime, 10)
	assert.Equal(t, pan.Mask([]byte("6222020000000000125")), r.PANMasked, "id %d", r.ID)
	assert.NotEmpty(t, r.PANHash, "id %d", r.ID)
	assert.Contains(t, []int64{12345, 1251}, r.Amount, "id %d", r.ID)
	assert.NotEmpty(t, r.ResponseCode, "id %d", r.ID)
	assert.False(t, r.RespondedAt.IsZero(), "id %d", r.ID)
	switch r.State {
	case journal.StateApproved, journal.StateDeclined:
		// Reversed only when the acquirer got no answer (crashCheckReversals).
		assert.Contains(t, []journal.ReversalState{journal.ReversalNone, journal.ReversalDone, journal.ReversalLocal},
			r.Reversal, "id %d: reversal state", r.ID)
		assert.Equal(t, crashIssuerID, r.Issuer)
		st.issuerAnswered++
		st.issuerJournaled++
	case journal.StateTimedOut:
		assert.Equal(t, "91", r.ResponseCode)
		assert.Equal(t, crashIssuerID, r.Issuer)
		assert.Equal(t, journal.ReversalDone, r.Reversal,
			"id %d: timed out without an acknowledged reversal (reversal state %q)", r.ID, r.Reversal)
		if r.Reversal == journal.ReversalDone {
			st.reversed++
		}
		st.issuerJournaled++
	case journal.StateRejected:
		assert.Equal(t, journal.ReversalNone, r.Reversal)
		if r.Issuer != "" {
			st.issuerJournaled++ // routed, but the link failed under it
		}
	default:
		t.Errorf("record %d in state %q", r.ID, r.State)
	}
}

// crashCheckIssuer checks what the issuer simulator received against the
// journal: no purchase reached it without a record, every answered record
// reached it, and every reversal acknowledged was received as 0420/0421.
func crashCheckIssuer(t *testing.T, is issuer.Stats, st crashStats) {
	got0200 := is.ByMTI["0200"]
	assert.LessOrEqual(t, got0200, st.issuerJournaled, "the issuer received a purchase the journal never held")
	assert.GreaterOrEqual(t, got0200, st.issuerAnswered, "the journal holds issuer answers to purchases never sent")
	assert.GreaterOrEqual(t, is.ByMTI["0420"]+is.ByMTI["0421"], st.reversed, "reversals acknowledged but never received")
	t.Logf("issuer received %d 0200, %d 0420, %d 0421 (journal: %d purchases answered by the issuer, %d routed to it)",
		got0200, is.ByMTI["0420"], is.ByMTI["0421"], st.issuerAnswered, st.issuerJournaled)
}

// crashCheckReversals checks the outcome of every approval against what
// the acquirer saw: an approval it saw settles (not reversed, in the
// day's settled records); an approval it never saw was reversed at the
// issuer exactly once and does not settle; no original ever got a second
// reversal.
func crashCheckReversals(t *testing.T, j *journal.Journal, reversals map[string]issuer.ReversalCount, outs []crashOutcome, dates []string) {
	ctx := context.Background()
	settled := make(map[journal.Key]bool)
	byKey := make(map[journal.Key]*journal.Record)
	for _, d := range dates {
		recs, err := j.Settled(ctx, d)
		require.NoError(t, err)
		for _, r := range recs {
			settled[r.Key] = true
		}
		day, err := j.Day(ctx, d)
		require.NoError(t, err)
		for i := range day {
			byKey[day[i].Key] = &day[i]
		}
	}
	for orig, n := range reversals {
		assert.LessOrEqual(t, n.First, 1, "original %s: more than one reversal advice at the issuer (%+v)", orig, n)
	}
	seen, unseen := 0, 0
	for _, o := range outs {
		rec := byKey[o.key]
		if rec == nil || rec.State != journal.StateApproved {
			continue
		}
		orig := fmt.Sprintf("%4s%6s%10s%011s", o.key.MTI, o.key.STAN, o.key.TxTime, o.key.Acquirer)
		if o.code == "00" {
			seen++
			assert.Equal(t, journal.ReversalNone, rec.Reversal, "STAN %s: an approval the acquirer saw is reversed", o.key.STAN)
			assert.True(t, settled[o.key], "STAN %s: an approval the acquirer saw does not settle", o.key.STAN)
			assert.Zero(t, reversals[orig], "STAN %s: reversed at the issuer although the acquirer saw it", o.key.STAN)
			continue
		}
		unseen++
		assert.Equal(t, journal.ReversalDone, rec.Reversal, "STAN %s: an approval the acquirer never saw is not reversed", o.key.STAN)
		assert.False(t, settled[o.key], "STAN %s: an approval the acquirer never saw settles", o.key.STAN)
		n := reversals[orig]
		assert.True(t, n.First <= 1 && n.First+n.Repeats >= 1, "STAN %s: reversals at the issuer %+v", o.key.STAN, n)
	}
	t.Logf("approvals: %d seen by the acquirer and settled, %d never seen and reversed once; %d originals reversed at the issuer",
		seen, unseen, len(reversals))
}
