package journal

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Claim leases up to max due entries to this node until now+lease and
// returns them ordered by NextAt then ID. An entry is due when it is pending,
// NextAt <= now, and it is not leased by another node beyond now (entries
// this node already holds are claimable again, so a restarted node resumes
// its own work at once). On PostgreSQL the candidates are locked with FOR
// UPDATE SKIP LOCKED inside the claiming statement, so two nodes never claim
// the same entry; a dead node's lease runs out and another node claims it.
func (j *Journal) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]SAFEntry, error) {
	return j.ClaimIssuer(ctx, "", now, lease, max)
}

// ClaimIssuer is Claim for the entries of one issuer ("" for all): the
// sender serves each issuer on its own, so that one that takes nothing
// delays no other.
func (j *Journal) ClaimIssuer(ctx context.Context, issuer string, now time.Time, lease time.Duration, max int) ([]SAFEntry, error) {
	if max <= 0 || lease <= 0 {
		return nil, invalid("claim", "max and lease must be positive")
	}
	nowUS := micros(now)
	args := []any{j.opt.Node, micros(now.Add(lease)), nowUS, int64(max), issuer}
	var out []SAFEntry
	err := j.b.inTx(ctx, func(r runner) error {
		out = out[:0]
		return r.each(ctx, j.b.variant().claimSQL, args, func(scan scanFunc) error {
			e, err := scanSAF(scan)
			if err == nil {
				out = append(out, e)
			}
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("journal: claim: %w", err)
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].NextAt.Equal(out[b].NextAt) {
			return out[a].NextAt.Before(out[b].NextAt)
		}
		return out[a].ID < out[b].ID
	})
	return out, nil
}

// Ack marks entry safID acknowledged and releases its lease. When the entry
// is a reversal (MTI 0420) its record TxnID gets Reversal = ReversalDone in
// the same transaction. Acknowledging twice is harmless; an entry that had
// already expired is acknowledged too (the issuer's answer is the truth).
func (j *Journal) Ack(ctx context.Context, safID int64) error {
	return wrapOp("ack", j.b.ack(ctx, safID))
}

// sqlAck is Ack for a backend that writes table txn directly.
func sqlAck(ctx context.Context, b backend, safID int64) error {
	return b.inTx(ctx, func(r runner) error {
		txn, mti, err := safRow(ctx, r, ackSQL, safID)
		if err == nil && mti == "0420" {
			_, err = r.exec(ctx, ackRevSQL, txn)
		}
		return err
	})
}

// safRow runs q (ackSQL, or a read of the entry) for entry safID through
// r and returns the entry's record and MTI, or ErrNotFound.
func safRow(ctx context.Context, r runner, q string, safID int64) (txn int64, mti string, err error) {
	found := false
	err = r.each(ctx, q, []any{safID}, func(scan scanFunc) error {
		found = true
		return scan(&txn, &mti)
	})
	if err != nil || !found {
		return 0, "", orNotFound(err)
	}
	return txn, mti, nil
}

// Retry records one more send of entry safID by this node, makes it due
// again at next and releases the lease. The caller sends only after Retry
// succeeded: an entry pending but leased by another node (this node's lease
// ran out and the other claimed it) gives ErrLeaseLost, so that two nodes
// never send the same repeat. It is a no-op for an entry no longer pending
// and returns ErrNotFound for an unknown one.
func (j *Journal) Retry(ctx context.Context, safID int64, next time.Time) error {
	err := j.b.inTx(ctx, func(r runner) error {
		n, err := r.exec(ctx, retrySQL, safID, micros(next), j.opt.Node)
		if err != nil || n > 0 {
			return err
		}
		state := ""
		err = r.each(ctx, safExistsSQL, []any{safID}, func(scan scanFunc) error {
			return scan(&state)
		})
		switch {
		case err != nil || state == "":
			return orNotFound(err)
		case SAFState(state) == SAFPending:
			return ErrLeaseLost
		}
		return nil
	})
	return wrapOp("retry", err)
}

// RetryAll is Retry for several entries in one transaction (one durable
// commit for a whole claim): it returns the IDs this node still held,
// now rescheduled for next with their attempt counted; the others are
// another node's by now, or settled, and must not be sent.
func (j *Journal) RetryAll(ctx context.Context, ids []int64, next time.Time) ([]int64, error) {
	var kept []int64
	err := j.b.inTx(ctx, func(r runner) error {
		kept = kept[:0]
		for _, id := range ids {
			n, err := r.exec(ctx, retrySQL, id, micros(next), j.opt.Node)
			if err != nil {
				return err
			}
			if n > 0 {
				kept = append(kept, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrapOp("retry", err)
	}
	return kept, nil
}

// ExpireSAF moves every pending entry whose ExpiresAt is not after now to
// expired and returns how many it moved; the records of expired reversals
// (MTI 0420) still marked ReversalQueued get ReversalExpired.
func (j *Journal) ExpireSAF(ctx context.Context, now time.Time) (int, error) {
	n, err := j.b.expire(ctx, micros(now))
	if err != nil {
		return 0, wrapOp("expire", err)
	}
	return n, nil
}

// dueSAFRows runs q (expireSQL, or the SQLite backend's read of the due
// entries) at nowUS through r and returns the entries' IDs and the txn IDs
// of the reversals (MTI 0420) among them.
func dueSAFRows(ctx context.Context, r runner, q string, nowUS int64) (ids, reversals []int64, err error) {
	err = r.each(ctx, q, []any{nowUS}, func(scan scanFunc) error {
		var id, txn int64
		var mti string
		if err := scan(&id, &txn, &mti); err != nil {
			return err
		}
		ids = append(ids, id)
		if mti == "0420" {
			reversals = append(reversals, txn)
		}
		return nil
	})
	return ids, reversals, err
}

// sqlExpire is ExpireSAF for a backend that writes table txn directly.
func sqlExpire(ctx context.Context, b backend, nowUS int64) (int, error) {
	n := 0
	err := b.inTx(ctx, func(r runner) error {
		ids, reversals, err := dueSAFRows(ctx, r, expireSQL, nowUS)
		n = len(ids)
		for _, id := range reversals {
			if err != nil {
				break
			}
			_, err = r.exec(ctx, expireRevSQL, id)
		}
		return err
	})
	return n, err
}

// orNotFound returns err, or ErrNotFound when err is nil.
func orNotFound(err error) error {
	if err == nil {
		return ErrNotFound
	}
	return err
}

// wrapOp names the operation in err, leaving ErrNotFound as is.
func wrapOp(op string, err error) error {
	if err == nil || err == ErrNotFound {
		return err
	}
	return fmt.Errorf("journal: %s: %w", op, err)
}
