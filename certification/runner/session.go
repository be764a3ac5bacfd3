package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tlv"
)

// session is one case run on one card: the variables, what the card has
// answered so far and the report steps.
type session struct {
	r    *Runner
	tr   *card.Sender
	base *store // read before the cases (discovery); nil during discovery
	data *store // read in this case
	vars map[string]string
	// varTag remembers the data object a variable was captured from, so
	// compare knows how to read its number (n: digits, else binary).
	varTag             map[string]tlv.Tag
	term               map[tlv.Tag][]byte // terminal data
	ans                answer             // the last step's answer
	gac                []gacResult        // GENERATE AC answers, in order
	pdolData, ddolData []byte
	steps              []report.Step
}

// answer is what one step got back.
type answer struct {
	action script.ActionKind
	data   []byte    // response data, without the status word
	sw     apdu.SW   // status word (the last one when the step sent several commands)
	hasSW  bool      // false for power_on
	list   []tlv.TLV // data as BER-TLV, plus the parts of format 1 answers (82/94, 9F27/9F36/9F26/9F10)
	atr    []byte
	gac    *gacResult
}

// gacResult is one GENERATE AC exchange.
type gacResult struct {
	requested byte // P1 & C0
	cda       bool
	second    bool
	cdolData  []byte // the data sent (CDOL1 or CDOL2)
	cid       byte
	atc       uint16
	ac        []byte
	iad       []byte
	sdad      []byte // 9F4B with CDA
	respTLVs  []byte // the response objects except 9F4B, encoded, for CDA
	ok        bool   // the card answered a cryptogram
}

// newSession prepares a case's session.
func (r *Runner) newSession(tr *card.Sender, base *store, un []byte) *session {
	s := &session{r: r, tr: tr, base: base, data: newStore(), varTag: map[string]tlv.Tag{}}
	s.vars = r.builtins(base, un)
	s.term = r.terminalData(s.vars)
	return s
}

// cardValue finds a card data object read in this case, else before the
// cases.
func (s *session) cardValue(t tlv.Tag) ([]byte, bool) {
	if v, ok := s.data.find(t); ok {
		return v, true
	}
	return s.base.find(t)
}

// record returns a raw record read in this case, else before the cases.
func (s *session) record(sfi, rec int) ([]byte, bool) {
	if b, ok := s.data.records[[2]int{sfi, rec}]; ok {
		return b, true
	}
	if s.base != nil {
		b, ok := s.base.records[[2]int{sfi, rec}]
		return b, ok
	}
	return nil, false
}

// aip returns the AIP of this case's GPO, else the discovered one.
func (s *session) aip() []byte {
	if s.data.aip != nil {
		return s.data.aip
	}
	if s.base != nil {
		return s.base.aip
	}
	return nil
}

// xmit sends one command (with the T=0 handling) and records the exchange
// in rs. The answer holds at least a status word.
func (s *session) xmit(ctx context.Context, cmd []byte, rs *report.Step) ([]byte, apdu.SW, error) {
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(ctx, s.r.opts.StepTimeout) // discovery and the PIN check have no step of their own
	defer cancel()
	resp, err := s.tr.Transmit(ctx, cmd)
	if rs != nil {
		rs.Exchanges = append(rs.Exchanges, report.NewExchange(cmd, resp, time.Since(t0), err))
	}
	if err != nil {
		return nil, 0, err
	}
	if len(resp) < 2 {
		return nil, 0, fmt.Errorf("%w: the card answered %d byte, less than a status word", ErrCardData, len(resp))
	}
	n := len(resp) - 2
	return resp[:n], apdu.SW(resp[n])<<8 | apdu.SW(resp[n+1]), nil
}

// parseAnswer reads response data as BER-TLV (00/FF padding tolerated);
// nil when it is not.
func parseAnswer(data []byte) []tlv.TLV {
	if len(data) == 0 {
		return nil
	}
	list, err := tlv.ParseWith(data, tlv.Options{Lenient: true})
	if err != nil {
		return nil
	}
	return list
}

// expand substitutes the session's variables in a script value.
func (s *session) expand(v string) (string, error) {
	out, err := script.Expand(v, func(n string) (string, bool) { x, ok := s.vars[n]; return x, ok })
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrScript, err)
	}
	return out, nil
}
