package server

import (
	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/wire"
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

// respond sends the switch's own response with code to req on l and counts
// it. It reports whether the response could be queued.
func (s *Server) respond(l *link.Link, req *dialect.Message, code string) bool {
	if !req.IsRequest() {
		return false
	}
	resp := s.msgs.get()
	defer s.msgs.put(resp)
	buildResponse(resp, req, code)
	if err := l.Send(resp); err != nil {
		s.log.Warn("response not sent", "link", l.String(), "mti", string(resp.MTI()), "code", code, "err", err)
		return false
	}
	if inst := ownerOf(l); inst != nil && resp.MTI()[1] != '8' {
		inst.m.Response(resp.Field(39))
	}
	return true
}

// ownerOf returns the institution a link belongs to, or nil before sign-on.
func ownerOf(l *link.Link) *institution {
	inst, _ := l.Owner().(*institution)
	return inst
}
