package clearingtest

import (
	"context"
	"fmt"
	"time"

	"github.com/hulian/hulian/switch/clearing"
	"github.com/hulian/hulian/switch/journal"
)

// The day and the institutions of MixedDay.
const (
	Date     = "2024-05-01" // the business date under Cutoff 23:00 Asia/Shanghai
	PrevDate = "2024-04-30"
	NextDate = "2024-05-02"
	CutoffAt = "23:00"
	Zone     = "Asia/Shanghai"

	AcqA = "48020000"
	AcqB = "48030000"
	IssX = "01020000"
	IssY = "01030000"
	IssZ = "01040000"
)

// PANs returns the clear test PANs that MixedDay journals only masked.
func PANs() []string {
	return []string{"6222021234567890123", "6217001234567891", "6259601234567892"}
}

// Names returns display names of the MixedDay institutions.
func Names() map[string]string {
	return map[string]string{AcqA: "Acquirer A", AcqB: "Acquirer B", IssX: "Issuer X", IssY: "Issuer Y", IssZ: "Issuer Z"}
}

// txn describes one transaction of the day in Shanghai wall-clock time.
type txn struct {
	label, mti, acq, iss, proc string
	amount                     int64
	at                         string // "2006-01-02 15:04:05.000" Asia/Shanghai
	state                      journal.State
	code                       string
}

// day lists the traffic in arrival order. Under the 23:00 cut-off the
// business day 2024-05-01 runs from 2024-04-30 23:00 to 2024-05-01 23:00.
func day() []txn {
	A, D, T, R := journal.StateApproved, journal.StateDeclined, journal.StateTimedOut, journal.StateRejected
	return []txn{
		{"prev-day", "0200", AcqA, IssX, "000000", 111, "2024-04-30 22:59:59.999", A, "00"},      // 2024-04-30
		{"at-cutoff", "0200", AcqA, IssX, "000000", 10000, "2024-04-30 23:00:00.000", A, "00"},   // clears: X owes A
		{"purchase-y", "0200", AcqA, IssY, "000000", 2550, "2024-05-01 09:00:00.000", A, "00"},   // clears: Y owes A
		{"cash-z", "0200", AcqB, IssZ, "010000", 30000, "2024-05-01 10:00:00.000", A, "00"},      // clears: Z owes B
		{"refund-x", "0200", AcqB, IssX, "200000", 1200, "2024-05-01 11:00:00.000", A, "00"},     // clears: B owes X
		{"declined", "0200", AcqA, IssX, "000000", 999, "2024-05-01 11:30:00.000", D, "51"},      // excluded
		{"timed-out", "0200", AcqB, IssY, "000000", 4000, "2024-05-01 12:00:00.000", T, "91"},    // excluded, reversal queued
		{"reversed-ack", "0200", AcqA, IssZ, "000000", 7000, "2024-05-01 12:30:00.000", A, "00"}, // reversal acknowledged
		{"reversal-msg", "0400", AcqA, IssZ, "000000", 7000, "2024-05-01 12:31:00.000", A, "00"}, // the 0400 itself
		{"reversed-queued", "0200", AcqB, IssY, "000000", 6000, "2024-05-01 13:00:00.000", A, "00"},
		{"balance", "0200", AcqA, IssY, "310000", 0, "2024-05-01 14:00:00.000", A, "00"},          // zero amount
		{"auth", "0100", AcqA, IssX, "000000", 8800, "2024-05-01 15:00:00.000", A, "00"},          // not financial
		{"advice-z", "0220", AcqB, IssZ, "400000", 1500, "2024-05-01 16:00:00.000", A, "00"},      // clears: Z owes B
		{"rejected", "0200", AcqA, "", "000000", 500, "2024-05-01 17:00:00.000", R, "15"},         // switch answered
		{"refund-z", "0200", AcqA, IssZ, "200000", 250, "2024-05-01 18:00:00.000", A, "00"},       // clears: A owes Z
		{"before-cutoff", "0200", AcqB, IssX, "000000", 4321, "2024-05-01 22:59:59.999", A, "00"}, // clears: X owes B
		{"next-day", "0200", AcqA, IssY, "000000", 777, "2024-05-01 23:00:00.000", A, "00"},       // 2024-05-02
		{"forwarded", "0200", AcqB, IssX, "000000", 50, "2024-05-01 19:00:00.000", "", ""},        // never answered
	}
}

// Cleared lists the labels of the records that clear on Date.
func Cleared() []string {
	return []string{"at-cutoff", "purchase-y", "cash-z", "refund-x", "advice-z", "refund-z", "before-cutoff"}
}

// MixedDay journals the day's traffic and its reversals, and returns every
// record's ID by label (see day for the labels and their fates).
func MixedDay(ctx context.Context, j *journal.Journal) (map[string]int64, error) {
	cut, err := clearing.ParseCutoff(CutoffAt, Zone)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int64)
	for i, t := range day() {
		id, err := record(ctx, j, cut, i, t, ids)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.label, err)
		}
		ids[t.label] = id
	}
	if err := reversals(ctx, j, ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// record inserts one transaction and writes its final answer.
func record(ctx context.Context, j *journal.Journal, cut clearing.Cutoff, i int, t txn, ids map[string]int64) (int64, error) {
	at, err := time.ParseInLocation("2006-01-02 15:04:05.000", t.at, cut.Loc)
	if err != nil {
		return 0, err
	}
	r := &journal.Record{
		Key:          journal.Key{MTI: t.mti, Acquirer: t.acq, STAN: fmt.Sprintf("%06d", i+1), TxTime: at.UTC().Format("0102150405")},
		BusinessDate: clearing.BusinessDate(at, cut),
		ReceivedAt:   at,
		AcquirerInst: t.acq,
		Issuer:       t.iss,
		Processing:   t.proc,
		Amount:       t.amount,
		Currency:     "156",
		RRN:          fmt.Sprintf("4122%08d", i+1),
		Terminal:     "TERM0001",
		Merchant:     "MERCHANT00000" + fmt.Sprint(i%10),
	}
	j.SetPAN(r, []byte(PANs()[i%len(PANs())]))
	if t.mti == "0400" {
		r.OriginalID = ids["reversed-ack"]
	}
	w := &journal.Write{Kind: journal.WriteInsert, Record: r}
	if err := do(ctx, j, w); err != nil {
		return 0, err
	}
	if t.state == "" {
		return r.ID, nil
	}
	auth := ""
	if t.state == journal.StateApproved {
		auth = fmt.Sprintf("A%05d", i)
	}
	f := &journal.Write{Kind: journal.WriteFinish, ID: r.ID, State: t.state, Code: t.code, AuthID: auth, At: at.Add(time.Second)}
	return r.ID, do(ctx, j, f)
}

// reversals queues 0420 advices for the timed-out and the two reversed
// approvals, and acknowledges the one of "reversed-ack".
func reversals(ctx context.Context, j *journal.Journal, ids map[string]int64) error {
	now := time.Now()
	var ackID int64
	issuers := map[string]string{"timed-out": IssY, "reversed-ack": IssZ, "reversed-queued": IssY}
	for _, label := range []string{"timed-out", "reversed-ack", "reversed-queued"} {
		e := &journal.SAFEntry{TxnID: ids[label], Issuer: issuers[label], MTI: "0420",
			Message: []byte("fields 3 4 11 90"), ExpiresAt: now.Add(time.Hour)}
		if err := do(ctx, j, &journal.Write{Kind: journal.WriteEnqueue, SAF: e}); err != nil {
			return err
		}
		rw := &journal.Write{Kind: journal.WriteReversal, ID: ids[label], Reversal: journal.ReversalQueued}
		if err := do(ctx, j, rw); err != nil {
			return err
		}
		if label == "reversed-ack" {
			ackID = e.ID
		}
	}
	if _, err := j.Claim(ctx, now.Add(time.Second), time.Minute, 10); err != nil {
		return err
	}
	return j.Ack(ctx, ackID)
}

// do runs a write and returns its error, if any.
func do(ctx context.Context, j *journal.Journal, w *journal.Write) error {
	if err := j.Do(ctx, w); err != nil {
		return err
	}
	if w.Err != nil {
		return w.Err
	}
	if w.Duplicate != nil {
		return fmt.Errorf("record %d: duplicate key", w.Duplicate.ID)
	}
	return nil
}
