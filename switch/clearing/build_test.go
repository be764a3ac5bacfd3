package clearing

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/journal"
)

func buildSample(t *testing.T) *Report {
	t.Helper()
	day := sampleDay()
	rep, err := Build(testDate, settledOf(day), day, map[string]string{acqA: "Bank A", issX: "Bank X"})
	require.NoError(t, err)
	return rep
}

func institution(t *testing.T, rep *Report, id string) Institution {
	t.Helper()
	for _, inst := range rep.Institutions {
		if inst.ID == id {
			return inst
		}
	}
	t.Fatalf("institution %s missing", id)
	return Institution{}
}

func entryIDs(inst Institution) []int64 {
	var ids []int64
	for _, e := range inst.Entries {
		ids = append(ids, e.Record.ID)
	}
	return ids
}

func TestBuildPositions(t *testing.T) {
	rep := buildSample(t)
	assert.Equal(t, testDate, rep.Date)
	assert.Equal(t, 6, rep.Transactions)
	var ids []string
	for _, inst := range rep.Institutions {
		ids = append(ids, inst.ID)
	}
	assert.Equal(t, []string{issX, issY, issZ, acqA, acqB}, ids, "sorted by id")
	tests := []struct {
		id, name     string
		entries      []int64
		recv, pay    int64
		net          int64
		count        int
		counterparty string // of the first entry
	}{
		{acqA, "Bank A", []int64{1, 2, 14}, 10000 + 2550 + 3000, 0, 15550, 3, issX},
		{acqB, "", []int64{3, 4, 13}, 30000 + 1500, 1200, 30300, 3, issZ},
		{issX, "Bank X", []int64{1, 4, 14}, 1200, 10000 + 3000, -11800, 3, acqA},
		{issY, "", []int64{2}, 0, 2550, -2550, 1, acqA},
		{issZ, "", []int64{3, 13}, 0, 31500, -31500, 2, acqB},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			inst := institution(t, rep, tt.id)
			assert.Equal(t, tt.name, inst.Name)
			assert.Equal(t, tt.entries, entryIDs(inst))
			require.Len(t, inst.Positions, 1)
			p := inst.Positions[0]
			assert.Equal(t, Position{Currency: "156", Receivable: tt.recv, Payable: tt.pay, Net: tt.net, Count: tt.count}, p)
			assert.Equal(t, tt.counterparty, inst.Entries[0].Counterparty)
			var sum int64
			for _, e := range inst.Entries {
				sum += e.Signed
			}
			assert.Equal(t, tt.net, sum)
		})
	}
	require.Len(t, rep.Totals, 1)
	cleared := int64(10000 + 2550 + 30000 + 1200 + 1500 + 3000)
	assert.Equal(t, Position{Currency: "156", Receivable: cleared, Payable: cleared, Net: 0, Count: 12}, rep.Totals[0])
}

func TestBuildDirection(t *testing.T) {
	rep := buildSample(t)
	a := institution(t, rep, acqA)
	b := institution(t, rep, acqB)
	x := institution(t, rep, issX)
	// Purchase 1: the issuer owes the acquirer.
	assert.Equal(t, Entry{Record: a.Entries[0].Record, Role: RoleAcquirer, Counterparty: issX, Signed: 10000}, a.Entries[0])
	assert.Equal(t, Entry{Record: x.Entries[0].Record, Role: RoleIssuer, Counterparty: acqA, Signed: -10000}, x.Entries[0])
	// Refund 4: the acquirer owes the issuer.
	assert.Equal(t, int64(4), b.Entries[1].Record.ID)
	assert.Equal(t, int64(-1200), b.Entries[1].Signed)
	assert.Equal(t, int64(4), x.Entries[1].Record.ID)
	assert.Equal(t, int64(1200), x.Entries[1].Signed)
}

func TestBuildReconciliation(t *testing.T) {
	rep := buildSample(t)
	rc := rep.Reconciliation
	assert.Equal(t, Reconciliation{
		Records: 14, Approved: 9, Reversed: 2, Declined: 1, TimedOut: 1, Rejected: 1,
		Cleared: 6, NonFinancial: 1, ZeroAmount: 1, ReversalMessages: 1,
		SettledAmount: map[string]int64{"156": 48250},
	}, rc)
	assert.Equal(t, rc.Records, rc.Approved+rc.Reversed+rc.Declined+rc.TimedOut+rc.Rejected+rc.Forwarded+rc.Other)
	assert.Equal(t, rc.Approved, rc.Cleared+rc.NonFinancial+rc.ZeroAmount+rc.ReversalMessages)
}

func TestBuildInstitutionOnlyInNamesOrDeclines(t *testing.T) {
	day := []journal.Record{
		rec(1, "0200", acqA, issX, "000000", 100, journal.StateApproved, ""),
		rec(2, "0200", acqB, issY, "000000", 100, journal.StateDeclined, ""),
	}
	rep, err := Build(testDate, settledOf(day), day, map[string]string{issZ: "Quiet Bank"})
	require.NoError(t, err)
	require.Len(t, rep.Institutions, 5)
	for _, id := range []string{issY, issZ, acqB} {
		inst := institution(t, rep, id)
		assert.Empty(t, inst.Entries, id)
		assert.Empty(t, inst.Positions, id)
	}
}

func TestBuildEmptyDay(t *testing.T) {
	rep, err := Build(testDate, nil, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, rep.Institutions)
	assert.Empty(t, rep.Totals)
	assert.Zero(t, rep.Transactions)
}

func TestBuildCurrencies(t *testing.T) {
	usd := rec(2, "0200", acqA, issY, "000000", 700, journal.StateApproved, "")
	usd.Currency = "840"
	day := []journal.Record{rec(1, "0200", acqA, issX, "000000", 100, journal.StateApproved, ""), usd}
	rep, err := Build(testDate, settledOf(day), day, nil)
	require.NoError(t, err)
	a := institution(t, rep, acqA)
	assert.Equal(t, []Position{
		{Currency: "156", Receivable: 100, Net: 100, Count: 1},
		{Currency: "840", Receivable: 700, Net: 700, Count: 1},
	}, a.Positions)
	require.Len(t, rep.Totals, 2)
	assert.Equal(t, "156", rep.Totals[0].Currency)
	assert.Equal(t, "840", rep.Totals[1].Currency)
	assert.Equal(t, map[string]int64{"156": 100, "840": 700}, rep.Reconciliation.SettledAmount)
}

func TestBuildRefusesUnreconciledData(t *testing.T) {
	ok := func() []journal.Record {
		return []journal.Record{rec(1, "0200", acqA, issX, "000000", 100, journal.StateApproved, "")}
	}
	tests := []struct {
		name    string
		date    string
		settled func() []journal.Record
		day     func() []journal.Record
		names   map[string]string
		id      int64 // of the *RecordError; 0 for other errors
	}{
		{name: "bad date", date: "2024-13-01", settled: ok, day: ok},
		{name: "settled missing from day", settled: ok, day: func() []journal.Record { return nil }, id: 1},
		{name: "day approval missing from settled", settled: func() []journal.Record { return nil }, day: ok, id: 1},
		{name: "settled but declined in day", settled: ok, day: func() []journal.Record {
			return []journal.Record{rec(1, "0200", acqA, issX, "000000", 100, journal.StateDeclined, "")}
		}, id: 1},
		{name: "settled record reversed", settled: func() []journal.Record {
			return []journal.Record{rec(1, "0200", acqA, issX, "000000", 100, journal.StateApproved, journal.ReversalDone)}
		}, day: ok, id: 1},
		{name: "other date in day", settled: ok, day: func() []journal.Record {
			r := ok()
			r[0].BusinessDate = "2024-05-02"
			return r
		}, id: 1},
		{name: "other date in settled", settled: func() []journal.Record {
			r := ok()
			r[0].BusinessDate = "2024-04-30"
			return r
		}, day: ok, id: 1},
		{name: "clear PAN", settled: func() []journal.Record {
			r := ok()
			r[0].PANMasked = "6222020000001234"
			return r
		}, day: ok, id: 1},
		{name: "no issuer", settled: func() []journal.Record {
			r := ok()
			r[0].Issuer = ""
			return r
		}, day: ok, id: 1},
		{name: "bad currency", settled: func() []journal.Record {
			r := ok()
			r[0].Currency = "CNY"
			return r
		}, day: ok, id: 1},
		{name: "negative amount", settled: func() []journal.Record {
			r := ok()
			r[0].Amount = -5
			return r
		}, day: ok, id: 1},
		{name: "amount over n12", settled: func() []journal.Record {
			r := ok()
			r[0].Amount = MaxAmount + 1
			return r
		}, day: ok, id: 1},
		{name: "settled copy differs from the day's", settled: func() []journal.Record {
			r := ok()
			r[0].Amount = 99
			return r
		}, day: ok, id: 1},
		{name: "settled copy has another issuer", settled: func() []journal.Record {
			r := ok()
			r[0].Issuer = issZ
			return r
		}, day: ok, id: 1},
		{name: "duplicate in day", settled: ok, day: func() []journal.Record { return append(ok(), ok()...) }, id: 1},
		{name: "duplicate in settled", settled: func() []journal.Record { return append(ok(), ok()...) }, day: ok, id: 1},
		{name: "path in institution id", settled: ok, day: func() []journal.Record {
			r := ok()
			r = append(r, rec(2, "0200", "../etc", issX, "000000", 1, journal.StateDeclined, ""))
			return r
		}, id: 2},
		{name: "bad id in names", settled: ok, day: ok, names: map[string]string{"a/b": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			date := tt.date
			if date == "" {
				date = testDate
			}
			rep, err := Build(date, tt.settled(), tt.day(), tt.names)
			require.Error(t, err)
			assert.Nil(t, rep)
			assert.NotContains(t, err.Error(), "6222020000001234")
			if tt.id == 0 {
				return
			}
			var re *RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.id, re.ID)
			assert.ErrorIs(t, err, ErrUnreconciled)
		})
	}
}

func TestFillRefusesImbalance(t *testing.T) {
	// Only corrupt data can unbalance the books; build such entries by hand.
	r := rec(1, "0200", acqA, issX, "000000", 100, journal.StateApproved, "")
	insts := map[string]*Institution{
		acqA: {ID: acqA, Entries: []Entry{{Record: r, Role: RoleAcquirer, Counterparty: issX, Signed: 100}}},
		issX: {ID: issX, Entries: []Entry{{Record: r, Role: RoleIssuer, Counterparty: acqA, Signed: -90}}},
	}
	err := (&Report{Date: testDate}).fill(insts)
	var be *BalanceError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "156", be.Currency)
	assert.Equal(t, int64(10), be.Sum)
	assert.ErrorIs(t, err, ErrUnreconciled)
}

func TestPositionAddOverflow(t *testing.T) {
	p := Position{Currency: "156", Receivable: 1 << 62, Net: 1 << 62}
	err := p.add(Position{Receivable: 1 << 62, Net: 1 << 62, Count: 1})
	require.Error(t, err)
	assert.Equal(t, int64(1<<62), p.Receivable, "unchanged on overflow")
	require.NoError(t, p.add(Position{Receivable: 1, Net: 1}))
	assert.Equal(t, int64(1<<62+1), p.Receivable)
}

func TestLooksMasked(t *testing.T) {
	for _, tt := range []struct {
		pan  string
		want bool
	}{
		{"", true}, {"622202******1234", true}, {"****************", true},
		{"6222020000001234", false}, {"622202*00000001234", false}, {"1234", false},
	} {
		assert.Equal(t, tt.want, looksMasked(tt.pan), tt.pan)
	}
}
