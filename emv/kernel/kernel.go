package kernel

import (
	"context"
	"crypto/rand"
	"io"
	"slices"
	"time"

	"github.com/hulian/hulian/emv/bcd"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// Kernel is a configured terminal. It holds no per-transaction state and is
// safe for concurrent use: each Start makes its own Session.
type Kernel struct {
	cfg Config
}

// New returns a kernel for cfg. cfg is copied.
func New(cfg Config) *Kernel {
	cfg.AIDs = slices.Clone(cfg.AIDs)
	return &Kernel{cfg: cfg}
}

// Config returns a copy of the kernel's configuration.
func (k *Kernel) Config() Config { return k.cfg }

// state of a Session.
type state int

const (
	stateRunning state = iota
	stateOnline        // waiting for Complete
	stateDone
)

// Session is one transaction with one card. Its methods are not safe for
// concurrent use.
type Session struct {
	cfg    Config
	txn    Transaction
	sender *card.Sender
	now    time.Time
	rand   io.Reader
	st     state

	card dataSet // data objects from the card
	term dataSet // terminal data objects
	res  Result

	candidates []Candidate
	aip        [2]byte
	afl        []byte
	pdolData   []byte // the PDOL values sent with GPO (CDA hash input)
	cdol1Data  []byte
	static     []byte // static data to be authenticated
	staticBad  bool   // a record for ODA was not 70-coded
	issuerKey  *oda.PublicKey
	iccKey     *oda.PublicKey
	odaMethod  ODAMethod
	cda        bool // CDA requested with the first GENERATE AC
	ecOffline  bool // EC purchase approved offline by the terminal
	ecOnline   bool // EC-capable card but the balance does not allow offline
}

// Start runs a transaction on tr up to the first GENERATE AC (EMV Book 3
// chapter 10): selection, GPO, records, offline data authentication,
// processing restrictions, cardholder verification, terminal risk
// management, terminal action analysis and the first GENERATE AC (or the
// qPBOC GPO). The returned Session's Result holds the outcome: offline
// approved or declined, or OutcomeOnline with OnlineData to send, after which
// the caller calls Complete.
//
// On error Start still returns the Session (nil only when ctx is already
// done or tr is nil), so the caller can inspect what happened so far.
func (k *Kernel) Start(ctx context.Context, tr card.Transport, txn Transaction) (*Session, error) {
	if tr == nil {
		return nil, stepErr(StepSelect, ErrConfig, "nil transport")
	}
	s := k.newSession(tr, txn)
	if err := s.validate(); err != nil {
		s.st = stateDone
		return s, err
	}
	err := s.run(ctx)
	if err != nil || s.res.Outcome != OutcomeOnline {
		s.st = stateDone
	} else {
		s.st = stateOnline
	}
	return s, err
}

func (k *Kernel) newSession(tr card.Transport, txn Transaction) *Session {
	s := &Session{cfg: k.cfg, txn: txn, card: newDataSet(), term: newDataSet()}
	if snd, ok := tr.(*card.Sender); ok {
		s.sender = snd
	} else {
		s.sender = card.NewSender(tr)
	}
	s.now = time.Now()
	if k.cfg.Clock != nil {
		s.now = k.cfg.Clock()
	}
	s.rand = k.cfg.Rand
	if s.rand == nil {
		s.rand = rand.Reader
	}
	s.res.ECBalance = -1
	return s
}

// Result returns a snapshot of the transaction's result so far.
func (s *Session) Result() *Result {
	r := s.res
	r.Candidates = slices.Clone(s.res.Candidates)
	r.Records = slices.Clone(s.res.Records)
	r.Trace = slices.Clone(s.res.Trace)
	r.CardData = s.card.list()
	r.TerminalData = s.term.list()
	return &r
}

// run is the flow of Start.
func (s *Session) run(ctx context.Context) error {
	s.initTerminalData()
	if err := s.selectAndInitiate(ctx); err != nil {
		return err
	}
	if err := s.readRecords(ctx); err != nil {
		return err
	}
	if s.res.QPBOC {
		return s.completeQPBOC(ctx)
	}
	if err := s.checkMandatory(); err != nil {
		return err
	}
	steps := []func(context.Context) error{
		s.authenticate, s.restrictions, s.electronicCash, s.verifyCardholder, s.riskManagement, s.firstAC,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// validate checks the Transaction against the Config.
func (s *Session) validate() error {
	switch {
	case s.txn.Amount < 0 || s.txn.Amount > 999999999999:
		return tagErr(StepSelect, 0x9F02, ErrConfig, "amount out of range")
	case s.txn.OtherAmount < 0 || s.txn.OtherAmount > 999999999999:
		return tagErr(StepSelect, 0x9F03, ErrConfig, "other amount out of range")
	case len(s.cfg.AIDs) == 0:
		return stepErr(StepSelect, ErrConfig, "no AIDs configured")
	}
	for _, a := range s.cfg.AIDs {
		if len(a.AID) < 5 || len(a.AID) > 16 {
			return tagErr(StepSelect, 0x9F06, ErrConfig, "AID length not 5..16")
		}
	}
	return nil
}

// initTerminalData fills the terminal data objects the DOLs may ask for.
func (s *Session) initTerminalData() {
	c, t := s.cfg, s.term
	un := make([]byte, 4)
	_, _ = io.ReadFull(s.rand, un)
	t.set(0x9F37, un)
	t.set(0x9F02, bcd.Bytes(s.txn.Amount, 6))
	t.set(0x9F03, bcd.Bytes(s.txn.OtherAmount, 6))
	t.set(0x9F1A, []byte{byte(c.CountryCode >> 8), byte(c.CountryCode)})
	t.set(0x5F2A, []byte{byte(c.CurrencyCode >> 8), byte(c.CurrencyCode)})
	t.set(0x5F36, []byte{c.CurrencyExponent})
	t.set(0x9A, bcdDate(s.now))
	t.set(0x9F21, bcdTime(s.now))
	t.set(0x9C, []byte{s.txn.Type})
	t.set(0x9F35, []byte{c.TerminalType})
	t.set(0x9F33, c.Capabilities[:])
	t.set(0x9F40, c.AddCapabilities[:])
	t.set(0x9F09, c.AppVersion[:])
	t.set(0x9F15, c.MerchantCategory[:])
	t.set(0x9F1C, []byte(c.TerminalID))
	t.set(0x9F16, []byte(c.MerchantID))
	if c.MerchantName != "" {
		t.set(0x9F4E, []byte(c.MerchantName))
	}
	t.set(0x9F1E, []byte(c.IFDSerial))
	t.set(0x9F1B, bin4(c.FloorLimit))
	t.set(0x9F41, bcd.Bytes(int64(s.txn.Sequence), 4))
	if len(c.AcquirerID) > 0 {
		t.set(0x9F01, c.AcquirerID)
	}
	if s.txn.Interface == Contactless {
		t.set(0x9F66, c.TTQ[:])
	}
	if c.ECSupport && s.ecEligible() {
		t.set(0x9F7A, []byte{0x01})
	} else if c.ECSupport {
		t.set(0x9F7A, []byte{0x00})
	}
	if c.ECLimit > 0 {
		t.set(0x9F7B, bcd.Bytes(c.ECLimit, 6))
	}
	if c.SMSupport {
		t.set(0xDF69, []byte{0x01})
	}
	s.syncTerminal()
}

// syncTerminal refreshes the terminal objects that change during the flow.
func (s *Session) syncTerminal() {
	s.term.set(0x95, s.res.TVR[:])
	s.term.set(0x9B, s.res.TSI[:])
	s.term.set(0x9F34, s.res.CVMResults[:])
}

// lookup serves the DOLs: terminal data first, then card data.
func (s *Session) lookup(t tlv.Tag) ([]byte, bool) {
	s.syncTerminal()
	if v, ok := s.term.get(t); ok {
		return v, true
	}
	return s.card.get(t)
}

func bcdDate(t time.Time) []byte {
	return bcd.Bytes(int64(t.Year()%100*10000+int(t.Month())*100+t.Day()), 3)
}

func bcdTime(t time.Time) []byte {
	return bcd.Bytes(int64(t.Hour()*10000+t.Minute()*100+t.Second()), 3)
}

// bcd4 is the floor limit 9F1B: 4 bytes binary.
func bin4(v int64) []byte {
	if v < 0 {
		v = 0
	}
	return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}
