package server

import (
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/link"
)

// Response codes the switch itself produces (iso8583-contract.md).
const (
	codeApproved          = "00"
	codeInvalidTxn        = "12"
	codeInvalidCard       = "14"
	codeNoIssuer          = "15"
	codeFormatError       = "30"
	codeSecurity          = "63"
	codeIssuerDown        = "91"
	codeDuplicate         = "94"
	codeSystemMalfunction = "96"
)

// buildResponse fills resp with the response to req carrying code.
func buildResponse(resp, req *dialect.Message, code string) {
	resp.Reset()
	mti := req.ResponseMTI()
	_ = resp.SetMTI(mti[:])
	if mti[1] == '8' {
		wire.EchoNetFields(resp, req)
	} else {
		wire.EchoFields(resp, req)
	}
	resp.SetString(39, code)
}

// cause says why the switch answered a request itself rather than pass on
// an issuer's answer: the reason label of own_answers_total.
type cause string

const (
	causeNone          cause = "" // network management: not counted
	causeNotSignedOn   cause = "not_signed_on"
	causeBadMAC        cause = "bad_mac"
	causeFormat        cause = "format_error"
	causeShuttingDown  cause = "shutting_down"
	causeNotAcquirer   cause = "not_an_acquirer"
	causeSpoofed       cause = "institution_id_not_allowed"
	causeInvalidCard   cause = "invalid_card"
	causeNoRoute       cause = "no_route"
	causeNotAllowed    cause = "not_allowed_on_route"
	causeIssuerDown    cause = "issuer_down"
	causeInFlightLimit cause = "in_flight_limit"
	causeJournalBusy   cause = "journal_busy"
	causePIN           cause = "pin_block"
	causeSystem        cause = "system_malfunction"
	causeDuplicate     cause = "duplicate_in_flight"
	causeTimeout       cause = "issuer_timeout"
	causeRepeat        cause = "repeated_answer"
	causeNoOriginal    cause = "no_original"
	causeReversed      cause = "reversal_answered_by_switch"
	causeAdvice        cause = "advice_accepted"
)

// respond sends the switch's own response with code to req on l and counts
// it, with its cause (none for network management). It reports whether
// the response could be queued.
func (s *Server) respond(l *link.Link, req *dialect.Message, code string, why cause) bool {
	if !req.IsRequest() {
		return false
	}
	resp := s.msgs.get()
	defer s.msgs.put(resp)
	buildResponse(resp, req, code)
	inst := ownerOf(l)
	s.countOwn(inst, code, why)
	if err := l.Send(resp); err != nil {
		s.log.Warn("response not sent", "link", l.String(), "mti", string(resp.MTI()), "code", code, "err", err)
		if inst != nil && why != causeNone {
			inst.m.Undelivered.Inc()
		}
		return false
	}
	if inst != nil && resp.MTI()[1] != '8' {
		inst.m.Response(resp.Field(39))
	}
	return true
}

// countOwn counts an answer the switch made itself, and a format error
// for cause format_error.
func (s *Server) countOwn(inst *institution, code string, why cause) {
	if why == causeNone {
		return
	}
	id := "unknown"
	if inst != nil {
		id = inst.id
	}
	s.metrics.OwnAnswer(id, code, string(why))
	if why != causeFormat {
		return
	}
	if inst != nil {
		inst.m.FormatErrors.Inc()
	} else {
		s.metrics.FormatErrorUnknown()
	}
}

// formatError answers 30 to a request that lacks what the contract
// requires, counting it as a format error and logging what was wrong.
func (s *Server) formatError(l *link.Link, m *dialect.Message, what string) {
	s.log.Warn("format error", "link", l.String(), "mti", string(m.MTI()), "stan", string(m.Field(11)), "err", what)
	s.respond(l, m, codeFormatError, causeFormat)
}

// ownerOf returns the institution a link belongs to, or nil before sign-on.
func ownerOf(l *link.Link) *institution {
	inst, _ := l.Owner().(*institution)
	return inst
}
