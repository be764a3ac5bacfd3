package clearing

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
)

// writeSettlementText writes the human-readable settlement report: the
// positions table, then the reconciliation of the day's journal records.
func writeSettlementText(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "Hulian net settlement, business date %s\n", r.Date)
	fmt.Fprintf(w, "Amounts in minor units of the currency; net = receivable - payable.\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Institution\tName\tCurrency\tReceivable\tPayable\tNet\tEntries\t")
	for _, inst := range r.Institutions {
		if len(inst.Positions) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t0\t0\t0\t0\t\n", inst.ID, inst.Name)
		}
		for _, p := range inst.Positions {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t\n", inst.ID, inst.Name, p.Currency, p.Receivable, p.Payable, signed(p.Net), p.Count)
		}
	}
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "%s\t\t%s\t%d\t%d\t%s\t%d\t\n", TotalTag, t.Currency, t.Receivable, t.Payable, signed(t.Net), t.Count)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCleared transactions: %d (each is one entry of its acquirer and one of its issuer)\n", r.Transactions)
	writeReconciliation(w, r.Date, &r.Reconciliation)
	return nil
}

// writeReconciliation explains where every journal record of the day went.
func writeReconciliation(w io.Writer, date string, rc *Reconciliation) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nReconciliation of the journal records of %s\n", date)
	rows := []struct {
		label string
		n     int
	}{
		{"records", rc.Records},
		{"  approved, not reversed", rc.Approved},
		{"    cleared (in the clearing files)", rc.Cleared},
		{"    not financial (0100 authorizations)", rc.NonFinancial},
		{"    zero amount (balance inquiries)", rc.ZeroAmount},
		{"    reversal messages (04xx)", rc.ReversalMessages},
		{"  reversed (reversal queued or acknowledged)", rc.Reversed},
		{"  declined", rc.Declined},
		{"  timed out", rc.TimedOut},
		{"  rejected by the switch", rc.Rejected},
		{"  forwarded, no final answer", rc.Forwarded},
		{"  other state", rc.Other},
	}
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%d\n", row.label, row.n)
	}
	curs := make([]string, 0, len(rc.SettledAmount))
	for c := range rc.SettledAmount {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	for _, c := range curs {
		fmt.Fprintf(tw, "cleared amount, currency %s\t%d\n", c, rc.SettledAmount[c])
	}
	_ = tw.Flush()
}
