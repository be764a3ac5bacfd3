package clearing

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// ClearingHeader returns the header row of a clearing file (LAYOUT.md).
func ClearingHeader() []string {
	return []string{
		"record_id", "business_date", "received_at", "role", "counterparty",
		"mti", "processing_code", "pan_masked", "amount", "currency", "signed_amount",
		"rrn", "stan", "terminal", "merchant", "auth_id", "response_code",
	}
}

// SettlementHeader returns the header row of the settlement CSV (LAYOUT.md).
func SettlementHeader() []string {
	return []string{"institution", "name", "currency", "receivable", "payable", "net", "transactions"}
}

// TotalTag starts the trailer rows.
const TotalTag = "TOTAL"

// writeClearingCSV writes one institution's clearing file.
func writeClearingCSV(w io.Writer, date string, inst *Institution) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ClearingHeader())
	for _, e := range inst.Entries {
		r := &e.Record
		_ = cw.Write([]string{
			strconv.FormatInt(r.ID, 10), date, r.ReceivedAt.UTC().Format(time.RFC3339),
			string(e.Role), e.Counterparty, r.MTI, r.Processing, r.PANMasked,
			strconv.FormatInt(r.Amount, 10), r.Currency, signed(e.Signed),
			r.RRN, r.STAN, r.Terminal, r.Merchant, r.AuthID, r.ResponseCode,
		})
	}
	if len(inst.Positions) == 0 {
		_ = cw.Write([]string{TotalTag, "0", "0", "0", "0", ""})
	}
	for _, p := range inst.Positions {
		_ = cw.Write([]string{TotalTag, strconv.Itoa(p.Count), strconv.FormatInt(p.Receivable, 10),
			strconv.FormatInt(p.Payable, 10), signed(p.Net), p.Currency})
	}
	cw.Flush()
	return cw.Error()
}

// writeSettlementCSV writes the net settlement across institutions.
func writeSettlementCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(SettlementHeader())
	for _, inst := range r.Institutions {
		if len(inst.Positions) == 0 {
			_ = cw.Write([]string{inst.ID, inst.Name, "", "0", "0", "0", "0"})
		}
		for _, p := range inst.Positions {
			_ = cw.Write(positionRow(inst.ID, inst.Name, p))
		}
	}
	if len(r.Totals) == 0 {
		_ = cw.Write([]string{TotalTag, "", "", "0", "0", "0", "0"})
	}
	for _, t := range r.Totals {
		_ = cw.Write(positionRow(TotalTag, "", t))
	}
	cw.Flush()
	return cw.Error()
}

func positionRow(id, name string, p Position) []string {
	return []string{id, name, p.Currency, strconv.FormatInt(p.Receivable, 10),
		strconv.FormatInt(p.Payable, 10), signed(p.Net), strconv.Itoa(p.Count)}
}

// signed renders an amount with an explicit sign: "+150", "-150", "0".
func signed(v int64) string {
	if v > 0 {
		return "+" + strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10)
}
