package clearing

import (
	"fmt"
	"math"
	"sort"

	"github.com/hulian/hulian/switch/journal"
)

// Build clears the business date from the journal's settled records of that
// date and all its records (day). names maps institution ids to display
// names; every institution it names gets a (possibly empty) clearing file.
// Build refuses, with an error wrapping ErrUnreconciled, data that does not
// reconcile: a settled record missing from day or of another date, records
// that clear by the day's states but are not settled (or the reverse), a
// clear PAN, a bad institution id, amount or currency, or net positions
// that do not sum to zero.
func Build(date string, settled []journal.Record, day []journal.Record, names map[string]string) (*Report, error) {
	if _, err := ParseDate(date); err != nil {
		return nil, err
	}
	rc, want, err := reconcile(date, day)
	if err != nil {
		return nil, err
	}
	cleared, err := selectCleared(date, settled, want)
	if err != nil {
		return nil, err
	}
	insts, err := institutions(day, names)
	if err != nil {
		return nil, err
	}
	for i := range cleared {
		r := &cleared[i]
		sum, ok := addInt(rc.SettledAmount[r.Currency], r.Amount)
		if !ok {
			return nil, fmt.Errorf("clearing: currency %s: totals overflow", r.Currency)
		}
		rc.SettledAmount[r.Currency] = sum
		acqSigned, issSigned := r.Amount, -r.Amount
		if refund(r.Processing) {
			acqSigned, issSigned = -r.Amount, r.Amount
		}
		insts[r.AcquirerInst].Entries = append(insts[r.AcquirerInst].Entries,
			Entry{Record: *r, Role: RoleAcquirer, Counterparty: r.Issuer, Signed: acqSigned})
		insts[r.Issuer].Entries = append(insts[r.Issuer].Entries,
			Entry{Record: *r, Role: RoleIssuer, Counterparty: r.AcquirerInst, Signed: issSigned})
	}
	rep := &Report{Date: date, Transactions: len(cleared), Reconciliation: rc}
	if err := rep.fill(insts); err != nil {
		return nil, err
	}
	return rep, nil
}

// selectCleared validates the settled records and returns those that clear,
// in ID order, checking them against the set derived from the day.
func selectCleared(date string, settled []journal.Record, want map[int64]*journal.Record) ([]journal.Record, error) {
	var out []journal.Record
	got := make(map[int64]bool, len(settled))
	for i := range settled {
		r := &settled[i]
		if got[r.ID] {
			return nil, &RecordError{ID: r.ID, Reason: "listed twice in the settled records"}
		}
		got[r.ID] = true
		if !clears(r) {
			continue
		}
		if err := checkCleared(date, r); err != nil {
			return nil, err
		}
		d := want[r.ID]
		if d == nil {
			return nil, &RecordError{ID: r.ID, Reason: "settled but not an approved, unreversed record of the day"}
		}
		if !sameMoney(r, d) {
			return nil, &RecordError{ID: r.ID, Reason: "settled record differs from the day's record"}
		}
		out = append(out, *r)
	}
	if len(out) != len(want) {
		for _, id := range sortedIDs(want) {
			if !got[id] {
				return nil, &RecordError{ID: id, Reason: "approved record of the day missing from the settled records"}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// sameMoney reports whether two copies of a record agree on what clears.
func sameMoney(a, b *journal.Record) bool {
	return a.MTI == b.MTI && a.AcquirerInst == b.AcquirerInst && a.Issuer == b.Issuer &&
		a.Processing == b.Processing && a.Amount == b.Amount && a.Currency == b.Currency
}

func sortedIDs(m map[int64]*journal.Record) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// institutions collects every institution of the day and of names.
func institutions(day []journal.Record, names map[string]string) (map[string]*Institution, error) {
	out := make(map[string]*Institution)
	for id, name := range names {
		if !validID(id) {
			return nil, fmt.Errorf("clearing: institution id %q in the names is not 1-%d letters, digits, - or _", id, maxInstitutionID)
		}
		out[id] = &Institution{ID: id, Name: name}
	}
	for i := range day {
		for _, id := range []string{day[i].AcquirerInst, day[i].Issuer} {
			if id == "" || out[id] != nil {
				continue
			}
			if !validID(id) {
				return nil, &RecordError{ID: day[i].ID, Reason: "institution id invalid"}
			}
			out[id] = &Institution{ID: id}
		}
	}
	return out, nil
}

// fill sorts the institutions, computes positions and totals and checks
// that the net positions of each currency sum to zero.
func (rep *Report) fill(insts map[string]*Institution) error {
	totals := make(map[string]*Position)
	for _, inst := range insts {
		if err := inst.position(); err != nil {
			return err
		}
		for _, p := range inst.Positions {
			t := totals[p.Currency]
			if t == nil {
				t = &Position{Currency: p.Currency}
				totals[p.Currency] = t
			}
			if err := t.add(p); err != nil {
				return err
			}
		}
		rep.Institutions = append(rep.Institutions, *inst)
	}
	sort.Slice(rep.Institutions, func(i, j int) bool { return rep.Institutions[i].ID < rep.Institutions[j].ID })
	for _, t := range totals {
		if t.Net != 0 {
			return &BalanceError{Currency: t.Currency, Sum: t.Net}
		}
		rep.Totals = append(rep.Totals, *t)
	}
	sort.Slice(rep.Totals, func(i, j int) bool { return rep.Totals[i].Currency < rep.Totals[j].Currency })
	return nil
}

// position sorts the entries and sums them per currency.
func (inst *Institution) position() error {
	sort.SliceStable(inst.Entries, func(i, j int) bool {
		a, b := inst.Entries[i], inst.Entries[j]
		if a.Record.ID != b.Record.ID {
			return a.Record.ID < b.Record.ID
		}
		return a.Role < b.Role // ACQ before ISS
	})
	byCur := make(map[string]*Position)
	for _, e := range inst.Entries {
		p := byCur[e.Record.Currency]
		if p == nil {
			p = &Position{Currency: e.Record.Currency}
			byCur[e.Record.Currency] = p
		}
		one := Position{Count: 1, Net: e.Signed}
		if e.Signed >= 0 {
			one.Receivable = e.Signed
		} else {
			one.Payable = -e.Signed
		}
		if err := p.add(one); err != nil {
			return err
		}
	}
	for _, p := range byCur {
		inst.Positions = append(inst.Positions, *p)
	}
	sort.Slice(inst.Positions, func(i, j int) bool { return inst.Positions[i].Currency < inst.Positions[j].Currency })
	return nil
}

// add sums o into p, refusing an int64 overflow.
func (p *Position) add(o Position) error {
	r, ok1 := addInt(p.Receivable, o.Receivable)
	y, ok2 := addInt(p.Payable, o.Payable)
	n, ok3 := addInt(p.Net, o.Net)
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("clearing: currency %s: totals overflow", p.Currency)
	}
	p.Receivable, p.Payable, p.Net, p.Count = r, y, n, p.Count+o.Count
	return nil
}

func addInt(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}
