package simcard

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"sync"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// Options tune a Card; the zero value is valid.
type Options struct {
	// StatePath persists the State as JSON: loaded by New when the file
	// exists, written on PowerOff and by SaveState. "" keeps state in memory.
	StatePath string
	// Rand supplies the card's unpredictable numbers (ICC dynamic numbers,
	// challenges, SM2 signature nonces). nil means crypto/rand; tests pass a
	// deterministic reader so transcripts replay (SM2 included: nonce.go).
	Rand io.Reader
}

// Card is a simulated PBOC 3.0 card. It is safe for concurrent use (calls
// are serialised, as on a real card).
type Card struct {
	mu      sync.Mutex
	atr     []byte
	suite   suite
	apps    []*app
	pse     *directory // nil when absent
	ppse    *directory
	defects defectSet
	opts    Options
	rand    io.Reader
	state   *State
	sess    session
}

// directory is a compiled PSE or PPSE.
type directory struct {
	name    []byte
	fci     []byte
	sfi     int
	records map[int][]byte // record number -> 70 template (PSE only)
}

// New personalises a card from p. The profile must have passed Validate
// (ParseProfile and LoadProfile do that).
func New(p *Profile, opts Options) (*Card, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s, _ := suiteOf(p.Algorithm)
	ds, err := newDefectSet(p.Defects, s.name)
	if err != nil {
		return nil, &ProfileError{Field: "defects", Err: err}
	}
	c := &Card{atr: append([]byte(nil), p.ATR...), suite: s, defects: ds, opts: opts, rand: opts.Rand}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	for i := range p.Applications {
		pa, err := applyResignedDefects(p, s, &p.Applications[i], ds)
		if err != nil {
			return nil, &ProfileError{Field: fmt.Sprintf("applications[%d]", i), Err: err}
		}
		a, err := compileApp(p, s, pa, ds)
		if err != nil {
			return nil, &ProfileError{Field: fmt.Sprintf("applications[%d]", i), Err: err}
		}
		c.apps = append(c.apps, a)
	}
	c.pse, c.ppse = buildPSE(p, c.apps, ds), buildPPSE(p, c.apps)
	if err := c.initState(); err != nil {
		return nil, err
	}
	c.sess.reset()
	return c, nil
}

func (c *Card) initState() error {
	c.state = initialState(c.apps)
	if c.opts.StatePath == "" {
		return nil
	}
	st, err := loadState(c.opts.StatePath, c.apps)
	if err != nil {
		return err
	}
	if st != nil {
		c.state = st
	}
	return nil
}

// PowerOn is a cold reset: it returns the ATR and clears the session (the
// persistent State is kept, as on a real card).
func (c *Card) PowerOn() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sess.reset()
	return append([]byte(nil), c.atr...)
}

// PowerOff ends the session and writes the state file, if any (a write
// error surfaces at the next SaveState, which writes again).
func (c *Card) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sess.reset()
	if c.opts.StatePath != "" {
		_ = c.state.save(c.opts.StatePath)
	}
}

// SaveState writes the state file now (no-op without Options.StatePath).
func (c *Card) SaveState() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.StatePath == "" {
		return nil
	}
	return c.state.save(c.opts.StatePath)
}

// State returns a copy of the persistent state.
func (c *Card) State() *State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state.clone()
}

// Process answers one command APDU: response data || SW1 SW2. It never
// panics: a malformed command is answered 6700, an internal fault 6F00.
//
// The session keeps values from earlier commands (the PDOL data of the GPO,
// the CDOL1 data, the unpredictable number) that later ones use: the CDA
// transaction data hash, the second cryptogram. Those are sub-slices of the
// command (dol.Split aliases its input), and a driver may reuse the command
// buffer once Process returns: the vpcd bridge reads every frame into the
// same buffer. So Process works on its own copy of the command and never
// retains the caller's slice (card.Card contract).
func (c *Card) Process(cmd []byte) (resp []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		if recover() != nil {
			resp = status(apdu.SWNoDiagnosis)
		}
	}()
	return c.dispatch(bytes.Clone(cmd))
}

func (c *Card) appState(a *app) *AppState { return c.state.Apps[Hex(a.aid).String()] }

// buildPSE compiles 1PAY.SYS.DDF01 (EMV Book 1 12.2.2): FCI 6F { 84, A5 { 88
// SFI, 5F2D } } and one record 70 { 61 ... } per application set.
func buildPSE(p *Profile, apps []*app, ds defectSet) *directory {
	if p.PSE == nil || ds.on(DefectPSEMissing) {
		return nil
	}
	name := []byte("1PAY.SYS.DDF01")
	sfi := byte(p.PSE.SFI)
	if ds.on(DefectSFIOutOfRange) {
		sfi = 0x1F
	}
	prop := []tlv.TLV{tlv.New(0x88, []byte{sfi})}
	if p.PSE.Language != "" {
		prop = append(prop, tlv.New(0x5F2D, []byte(p.PSE.Language)))
	}
	entries := make([]tlv.TLV, 0, len(apps))
	for _, a := range apps {
		entries = append(entries, a.dirEntry)
	}
	return &directory{
		name: name, sfi: p.PSE.SFI,
		fci:     tlv.Encode(tlv.NewConstructed(0x6F, tlv.New(0x84, name), tlv.NewConstructed(0xA5, prop...))),
		records: map[int][]byte{1: tlv.Encode(tlv.NewConstructed(0x70, entries...))},
	}
}

// buildPPSE compiles 2PAY.SYS.DDF01 (JR/T 0025.12, EMV Book B 3.3):
// 6F { 84, A5 { BF0C { 61 ... } } }.
func buildPPSE(p *Profile, apps []*app) *directory {
	if p.PPSE == nil {
		return nil
	}
	name := []byte("2PAY.SYS.DDF01")
	entries := make([]tlv.TLV, 0, len(apps))
	for _, a := range apps {
		if a.qpboc != nil { // only the applications offered contactless (JR/T 0025.12)
			entries = append(entries, a.dirEntry)
		}
	}
	disc := tlv.NewConstructed(0xBF0C, entries...)
	return &directory{name: name, fci: tlv.Encode(tlv.NewConstructed(0x6F, tlv.New(0x84, name), tlv.NewConstructed(0xA5, disc)))}
}
