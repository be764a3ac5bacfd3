package journal

// Column lists and statements shared by both backends.
const (
	recordCols = `id, mti, acquirer, stan, tx_time, node, business_date, received_us,
		acquirer_inst, issuer, route, link, pan_masked, pan_hash, processing, amount,
		currency, rrn, terminal, merchant, receiving, state, response_code, auth_id,
		responded_us, original_id, reversal`

	safCols = `id, txn_id, issuer, mti, message, attempts, next_us, expires_us, state`

	insertSQL = `INSERT INTO txn (mti, acquirer, stan, tx_time, node, business_date,
		received_us, acquirer_inst, issuer, route, link, pan_masked, pan_hash, processing,
		amount, currency, rrn, terminal, merchant, receiving, state, response_code,
		auth_id, responded_us, original_id, reversal)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
		$17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
		ON CONFLICT (mti, acquirer, stan, tx_time) DO NOTHING RETURNING id`

	stateSQL  = `SELECT state FROM txn WHERE id = $1`
	finishSQL = `UPDATE txn SET state = $2, response_code = $3, auth_id = $4, responded_us = $5
		WHERE id = $1 AND state = 'forwarded'`
	reversalSQL = `UPDATE txn SET reversal = $2 WHERE id = $1`
	queueRevSQL = `UPDATE txn SET reversal = 'queued' WHERE id = $1 AND reversal <> 'acknowledged'`
	byKeySQL    = `SELECT ` + recordCols + ` FROM txn WHERE mti = $1 AND acquirer = $2 AND stan = $3 AND tx_time = $4`
	byIDSQL     = `SELECT ` + recordCols + ` FROM txn WHERE id = $1`
	// The open records are listed in txn_open (PostgreSQL's version 4);
	// each is read by its key (OFFSET 0 keeps the planner from turning
	// that into a join, which a plan cached while the table was empty would
	// make a scan of the whole table every ten seconds).
	openRecordsSQL = `SELECT t.* FROM txn_open o, LATERAL (SELECT ` + recordCols + `
		FROM txn WHERE txn.id = o.id OFFSET 0) t`
	unfinishedSQL = openRecordsSQL + ` WHERE t.state = 'forwarded' AND t.received_us < $1 ORDER BY t.id`
	unreversedSQL = openRecordsSQL + ` WHERE t.state = 'timed_out' AND t.reversal = '' ORDER BY t.id`
	daySQL        = `SELECT ` + recordCols + ` FROM txn WHERE business_date = $1 ORDER BY id`
	settledSQL    = `SELECT ` + recordCols + ` FROM txn WHERE business_date = $1 AND state = 'approved'
		AND reversal NOT IN ('acknowledged', 'queued') AND mti IN ('0100', '0200', '0120', '0220') ORDER BY id`
	ackSQL = `UPDATE saf SET state = 'acknowledged', lease_node = '', lease_us = 0
		WHERE id = $1 RETURNING txn_id, mti`
	ackRevSQL = `UPDATE txn SET reversal = 'acknowledged' WHERE id = $1`
	retrySQL  = `UPDATE saf SET attempts = attempts + 1, next_us = $2, lease_node = '', lease_us = 0
		WHERE id = $1 AND state = 'pending' AND lease_node = $3`
	safExistsSQL = `SELECT state FROM saf WHERE id = $1`
	expireSQL    = `UPDATE saf SET state = 'expired', lease_node = '', lease_us = 0
		WHERE state = 'pending' AND expires_us <= $1 RETURNING id, txn_id, mti`
	expireRevSQL = `UPDATE txn SET reversal = 'expired' WHERE id = $1 AND reversal = 'queued'`
	depthSQL     = `SELECT COUNT(*) FROM saf WHERE state = 'pending'`
)

// insertArgs returns the arguments of insertSQL for r.
func insertArgs(r *Record) []any {
	return []any{r.MTI, r.Acquirer, r.STAN, r.TxTime, r.Node, r.BusinessDate,
		micros(r.ReceivedAt), r.AcquirerInst, r.Issuer, r.Route, r.Link, r.PANMasked,
		r.PANHash, r.Processing, r.Amount, r.Currency, r.RRN, r.Terminal, r.Merchant,
		r.Receiving, string(r.State), r.ResponseCode, r.AuthID, micros(r.RespondedAt),
		r.OriginalID, string(r.Reversal)}
}

// finishArgs returns the arguments of finishSQL for w.
func finishArgs(w *Write) []any {
	return []any{w.ID, string(w.State), w.Code, w.AuthID, micros(w.At)}
}

// enqueueArgs returns the arguments of sqlVariant.enqueueSQL for e.
func enqueueArgs(e *SAFEntry, createdUS int64) []any {
	msg := e.Message
	if msg == nil {
		msg = []byte{}
	}
	return []any{e.TxnID, e.Issuer, e.MTI, msg, int64(e.Attempts), micros(e.NextAt),
		micros(e.ExpiresAt), createdUS}
}

// scanRecord reads one row of recordCols.
func scanRecord(scan scanFunc) (Record, error) {
	var r Record
	var recv, resp int64
	var state, rev string
	err := scan(&r.ID, &r.MTI, &r.Acquirer, &r.STAN, &r.TxTime, &r.Node, &r.BusinessDate,
		&recv, &r.AcquirerInst, &r.Issuer, &r.Route, &r.Link, &r.PANMasked, &r.PANHash,
		&r.Processing, &r.Amount, &r.Currency, &r.RRN, &r.Terminal, &r.Merchant,
		&r.Receiving, &state, &r.ResponseCode, &r.AuthID, &resp, &r.OriginalID, &rev)
	r.ReceivedAt, r.RespondedAt = fromMicros(recv), fromMicros(resp)
	r.State, r.Reversal = State(state), ReversalState(rev)
	return r, err
}

// scanSAF reads one row of safCols.
func scanSAF(scan scanFunc) (SAFEntry, error) {
	var e SAFEntry
	var attempts, next, exp int64
	var state string
	err := scan(&e.ID, &e.TxnID, &e.Issuer, &e.MTI, &e.Message, &attempts, &next, &exp, &state)
	e.Attempts, e.NextAt, e.ExpiresAt, e.State = int(attempts), fromMicros(next), fromMicros(exp), SAFState(state)
	return e, err
}
