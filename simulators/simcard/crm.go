package simcard

import "github.com/hulian/hulian/emv/bcd"

// decideFirst is the card risk management of the first GENERATE AC
// (JR/T 0025.5 chapter 9, simplified): the card never answers a higher
// cryptogram than requested; a TC request goes online (ARQC) when the
// offline counters or the EC balance do not allow an offline approval.
func (c *Card) decideFirst(a *app, req byte) byte {
	st := c.appState(a)
	if st.Blocked {
		return cidAAC
	}
	if a.pinLimit > 0 && a.pin != "" && st.PINTries == 0 {
		c.sess.cvr[1] |= cvr2PINExceeded
	}
	if c.sess.pinOK {
		c.sess.cvr[1] |= cvr2OfflinePIN
	}
	switch req {
	case cidAAC:
		return cidAAC
	case cidARQC:
		return cidARQC
	}
	if c.sess.ec {
		return c.decideEC(st)
	}
	if c.sess.cvr[1]&cvr2PINExceeded != 0 {
		return cidARQC
	}
	// 9F23 upper consecutive offline limit, binary (EMV Book 3 Annex A).
	if u := a.data[0x9F23]; len(u) == 1 && st.ConsecutiveOffline >= int(u[0]) && !c.defects.on(DefectOfflineLimitIgnored) {
		return cidARQC
	}
	return cidTC
}

// decideEC approves an EC purchase offline when the balance and the single
// transaction limit allow it (JR/T 0025.13), else asks to go online.
func (c *Card) decideEC(st *AppState) byte {
	amount, ok := bcd.Int(c.sess.cdol1[0x9F02])
	if !ok || amount > st.ECBalance || (st.ECSingleLimit > 0 && amount > st.ECSingleLimit) {
		return cidARQC
	}
	return cidTC
}

// decideSecond: approve (TC) when asked for a TC, issuer authentication did
// not fail and the authorisation response code is an approval ("00", "10",
// "11"); otherwise decline (AAC).
func (c *Card) decideSecond(a *app, req byte, arc []byte) byte {
	if req != cidTC || c.sess.extAuth < 0 || c.appState(a).Blocked {
		return cidAAC
	}
	switch string(arc) {
	case "00", "10", "11":
		return cidTC
	}
	return cidAAC
}

// completeOffline books an offline approval: EC debit, offline counter, log.
func (c *Card) completeOffline(a *app) {
	st := c.appState(a)
	if c.sess.ec && !c.defects.on(DefectECNotDeducted) {
		if amount, ok := bcd.Int(c.sess.cdol1[0x9F02]); ok {
			st.ECBalance -= amount
		}
	}
	st.ConsecutiveOffline++
	c.writeLog(a, cidTC)
}

// completeOnline books the end of an online transaction.
func (c *Card) completeOnline(a *app, cid byte) {
	st := c.appState(a)
	if c.sess.extAuth > 0 || (cid == cidTC && c.sess.extAuth == 0) {
		if !c.defects.on(DefectLastOnlineATCStale) {
			st.LastOnlineATC = c.sess.atc
		}
		st.ConsecutiveOffline = 0
	}
	if cid == cidTC {
		c.writeLog(a, cid)
	}
}
