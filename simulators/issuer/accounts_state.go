package issuer

// PINTries is how many consecutive wrong PINs a card takes before the
// issuer answers 75 (PIN tries exceeded).
const PINTries = 3

// Transaction kinds by the first two digits of the processing code (field 3).
type txnKind uint8

const (
	kindDebit   txnKind = iota // 00 purchase, 01 cash, 40 transfer and anything else
	kindRefund                 // 20: credited
	kindInquiry                // 31: no change
)

func kindOf(proc []byte) txnKind {
	if len(proc) < 2 {
		return kindDebit
	}
	switch string(proc[:2]) {
	case "20":
		return kindRefund
	case "31":
		return kindInquiry
	}
	return kindDebit
}

// find returns the account of a PAN or of an account id.
func (a *Accounts) find(pan []byte, accountID []byte) *account {
	a.mu.Lock()
	defer a.mu.Unlock()
	if pan != nil {
		return a.byPAN[string(pan)]
	}
	return a.byAccount[string(accountID)]
}

// view returns a snapshot of p without its slices (cheap).
func (a *Accounts) view(p *account) Account {
	a.mu.Lock()
	defer a.mu.Unlock()
	v := p.Account
	v.Permit, v.Scripts = p.Permit, nil
	return v
}

// pinResult records a PIN check and returns the response code: "" when
// right (the counter resets), 55 when wrong, 75 from the PINTries-th
// consecutive wrong PIN on.
func (a *Accounts) pinResult(p *account, right bool) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if right {
		p.pinErrors = 0
		return ""
	}
	p.pinErrors++
	if p.pinErrors >= PINTries {
		return codePINTries
	}
	return codeBadPIN
}

// apply moves amount for a transaction of kind k and returns the response
// code, the amount taken from the balance (negative when credited) and the
// balance after it.
func (a *Accounts) apply(p *account, k txnKind, amount int64) (code string, delta, balance int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch k {
	case kindInquiry:
		return codeApproved, 0, p.Balance
	case kindRefund:
		p.Balance += amount
		return codeApproved, -amount, p.Balance
	}
	if p.Limit > 0 && amount > p.Limit {
		return codeOverLimit, 0, p.Balance
	}
	if amount > p.Balance {
		return codeNoFunds, 0, p.Balance
	}
	p.Balance -= amount
	return codeApproved, amount, p.Balance
}

// restore gives back delta (what apply took).
func (a *Accounts) restore(p *account, delta int64) {
	a.mu.Lock()
	p.Balance += delta
	a.mu.Unlock()
}

// takeScripts returns and clears the pending EC load and scripts of p.
func (a *Accounts) takeScripts(p *account) (int64, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ec, s := p.ECLoad, p.Scripts
	p.ECLoad, p.Scripts = 0, nil
	return ec, s
}

// putScripts gives back scripts taken with takeScripts but not sent.
func (a *Accounts) putScripts(p *account, ec int64, s []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.ECLoad == 0 {
		p.ECLoad = ec
	}
	p.Scripts = append(s, p.Scripts...)
}
