package kernel

import (
	"context"
	"slices"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// OnlineResponse is what the acquirer side got back for the online request.
type OnlineResponse struct {
	// Unable: no answer (host down, timeout): the terminal completes with
	// the default action codes (Book 3 10.7) and the ARC "Y3"/"Z3".
	Unable bool
	// ResponseCode is the authorisation response code (ISO 8583 field 39),
	// two characters; it becomes 8A.
	ResponseCode string
	// IssuerAuthData is 91 (ARPC || ARC for ARPC method 1), 8..16 bytes.
	IssuerAuthData []byte
	// Scripts are the issuer script templates 71 and 72, TLV-coded, as the
	// response's field 55 carried them.
	Scripts []byte
}

// Bounds on issuer data.
const (
	maxScripts     = 16
	maxScriptBytes = 1024
)

// Complete finishes an online transaction (EMV Book 3 10.9 to 10.11):
// issuer authentication (EXTERNAL AUTHENTICATE when the AIP says so, else 91
// travels in CDOL2), scripts 71, the second GENERATE AC (TC for an approval,
// AAC otherwise), scripts 72. It is only valid after Start returned
// OutcomeOnline, once.
func (s *Session) Complete(ctx context.Context, resp OnlineResponse) (*Result, error) {
	if s.st != stateOnline {
		return s.Result(), stepErr(StepComplete, ErrState, "Complete without a pending online request")
	}
	s.st = stateDone
	err := s.complete(ctx, resp)
	return s.Result(), err
}

func (s *Session) complete(ctx context.Context, resp OnlineResponse) error {
	req, err := s.onlineDecision(ctx, resp)
	if err != nil {
		return err
	}
	templates, perr := parseCard(resp.Scripts)
	if perr != nil || len(resp.Scripts) > maxScriptBytes {
		s.res.TVR.Set(TVRScriptFailedBefore)
		templates = nil
	}
	if err := s.runScripts(ctx, templates, 0x71); err != nil {
		return err
	}
	data, err := s.buildCDOL(0x8D, StepSecondAC)
	if err != nil {
		return err
	}
	s.cda = s.cda && req == cidTC
	cid, err := s.generateAC(ctx, StepSecondAC, req, data, slices.Concat(s.cdol1Data, data))
	if err != nil {
		return err
	}
	if cid == cidTC {
		s.res.Outcome = OutcomeOnlineApproved
	} else {
		s.res.Outcome = OutcomeOnlineDeclined
	}
	return s.runScripts(ctx, templates, 0x72)
}

// onlineDecision sets the ARC and performs issuer authentication; it returns
// the cryptogram type for the second GENERATE AC.
func (s *Session) onlineDecision(ctx context.Context, resp OnlineResponse) (byte, error) {
	if resp.Unable {
		req, arc := cidTC, "Y3"
		if matches(s.res.TVR, s.cfg.TAC.Default, s.iac(0x9F0D)) {
			req, arc = cidAAC, "Z3"
		}
		s.setARC(arc)
		return req, nil
	}
	if len(resp.ResponseCode) != 2 {
		return 0, tagErr(StepComplete, 0x8A, ErrConfig, "response code must be 2 characters")
	}
	s.setARC(resp.ResponseCode)
	if n := len(resp.IssuerAuthData); n > 0 {
		if n < 8 || n > 16 {
			return 0, tagErr(StepIssuerAuth, 0x91, ErrConfig, "issuer authentication data not 8..16 bytes")
		}
		s.term.set(0x91, resp.IssuerAuthData)
		if s.aip[0]&aipIssuerAuth != 0 {
			if err := s.externalAuthenticate(ctx, resp.IssuerAuthData); err != nil {
				return 0, err
			}
		}
	}
	switch resp.ResponseCode {
	case "00", "10", "11":
		return cidTC, nil
	}
	return cidAAC, nil
}

func (s *Session) setARC(arc string) {
	s.res.ARC = []byte(arc)
	s.term.set(0x8A, s.res.ARC)
}

// externalAuthenticate sends 91 (Book 3 6.5.4, 10.9); a failure sets the
// TVR bit and the transaction goes on.
func (s *Session) externalAuthenticate(ctx context.Context, data []byte) error {
	r, err := s.send(ctx, StepIssuerAuth, apdu.Command{CLA: 0x00, INS: 0x82, Data: data, Le: -1})
	if err != nil {
		return err
	}
	s.res.TSI.Set(TSIIssuerAuth)
	if !r.SW.OK() {
		s.res.TVR.Set(TVRIssuerAuthFailed)
	}
	return nil
}

// runScripts sends the commands of every template with tag want (71 before,
// 72 after the second GENERATE AC) and records one 5-byte result per script
// (Book 3 10.10, Annex A "Issuer Script Results"; PBOC DF31).
func (s *Session) runScripts(ctx context.Context, templates []tlv.TLV, want tlv.Tag) error {
	for _, t := range templates {
		if t.Tag != want || len(s.res.ScriptResults)/5 >= maxScripts {
			continue
		}
		res, err := s.runScript(ctx, t)
		if err != nil {
			return err
		}
		s.res.ScriptResults = append(s.res.ScriptResults, res[:]...)
		s.term.set(0xDF31, s.res.ScriptResults)
		s.term.set(0x9F5B, s.res.ScriptResults)
	}
	return nil
}

func (s *Session) runScript(ctx context.Context, t tlv.TLV) ([5]byte, error) {
	var res [5]byte
	if id, ok := tlv.Find(t.Children, 0x9F18); ok && len(id.Value) == 4 {
		copy(res[1:], id.Value)
	}
	s.res.TSI.Set(TSIScript)
	failBit := TVRScriptFailedBefore
	if t.Tag == 0x72 {
		failBit = TVRScriptFailedAfter
	}
	seq := 0
	for _, c := range t.Children {
		if c.Tag != 0x86 {
			continue
		}
		seq++
		cmd, err := apdu.Parse(c.Value)
		ok := err == nil
		if ok {
			r, err := s.send(ctx, StepScript, cmd)
			if err != nil {
				return res, err
			}
			ok = r.SW.SW1() == 0x90 || r.SW.SW1() == 0x62 || r.SW.SW1() == 0x63
		}
		if !ok {
			s.res.TVR.Set(failBit)
			res[0] = 0x10 | byte(min(seq, 15))
			return res, nil
		}
	}
	res[0] = 0x20
	return res, nil
}
