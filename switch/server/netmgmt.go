package server

import (
	"bytes"
	"net"
	"net/netip"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/link"
)

// Network management information codes (field 70).
var (
	nmSignOn  = []byte("001")
	nmSignOff = []byte("002")
	nmEcho    = []byte("301")
	nmKeys    = []byte("101")
)

// networkManagement answers 0800 requests (sign-on, sign-off, echo) from
// institutions. Replies to the switch's own 0800s never get here: the link
// hands them to the waiting request.
func (s *Server) networkManagement(l *link.Link, m *dialect.Message) {
	if !m.IsRequest() {
		s.log.Warn("unexpected network management response", "link", l.String(), "stan", string(m.Field(11)))
		return
	}
	code := m.Field(70)
	switch {
	case bytes.Equal(code, nmEcho):
		s.respond(l, m, codeApproved, causeNone)
	case bytes.Equal(code, nmSignOn):
		s.signOn(l, m)
	case bytes.Equal(code, nmSignOff):
		if ownerOf(l) == nil {
			s.respond(l, m, codeIssuerDown, causeNone)
			return
		}
		l.SetState(link.SignedOff)
		s.updateLinkMetrics(ownerOf(l))
		s.log.Info("institution signed off", "institution", ownerOf(l).id, "link", l.String())
		s.respond(l, m, codeApproved, causeNone)
	case bytes.Equal(code, nmKeys):
		s.keyExchange(l, m)
	default:
		s.respond(l, m, codeInvalidTxn, causeNone)
	}
}

// signOn identifies the institution behind an inbound link by the id it
// signs on with (field 33, or field 32 when 33 is absent), checks it
// against the configuration, the addresses it may connect from and, on a
// mutual TLS listener, the client certificate, and
// allows financial traffic. On an outbound link it marks the issuer as
// signed on again after a sign-off.
func (s *Server) signOn(l *link.Link, m *dialect.Message) {
	if l.Direction() == link.Outbound {
		l.SetState(link.SignedOn)
		s.updateLinkMetrics(ownerOf(l))
		s.respond(l, m, codeApproved, causeNone)
		return
	}
	id := m.Field(33)
	if id == nil {
		id = m.Field(32)
	}
	inst, reason := s.checkSignOn(l, id)
	if inst == nil {
		s.log.Warn("sign-on refused", "link", l.String(), "institution", string(id), "reason", reason)
		s.respond(l, m, codeInvalidTxn, causeNone)
		return
	}
	if prev := ownerOf(l); prev == nil {
		s.signedOn(l)
		l.SetOwner(inst)
		l.SetRemoteID(inst.id)
		l.SetSigner(s.signer(inst))
		inst.addLink(l)
	}
	l.SetState(link.SignedOn)
	s.updateLinkMetrics(inst)
	s.log.Info("institution signed on", "institution", inst.id, "link", l.String())
	s.respond(l, m, codeApproved, causeNone)
}

// checkSignOn returns the institution a sign-on names when it may use this
// link, or the reason it may not.
func (s *Server) checkSignOn(l *link.Link, id []byte) (*institution, string) {
	if len(id) == 0 {
		return nil, "no institution id in fields 33 or 32"
	}
	inst := s.snap.Load().insts[string(id)]
	if inst == nil {
		return nil, "unknown institution"
	}
	if prev := ownerOf(l); prev != nil && prev != inst {
		return nil, "link already signed on as another institution"
	}
	set := inst.settings()
	if !set.isAcquirer() || set.cfg.Inbound == nil {
		return nil, "institution has no inbound access"
	}
	if set.cfg.Inbound.Listener != l.Name() {
		return nil, "institution may not use this listener"
	}
	if !set.allows(remoteAddr(l.RemoteAddr())) {
		return nil, "address not allowed"
	}
	// On a mutual TLS listener the client certificate must name the
	// institution (CN, DNS SAN or URI SAN equal to its id): see
	// certificateAllows.
	if !certificateAllows(l.RemoteAddr(), inst.id) {
		return nil, "certificate does not name the institution"
	}
	return inst, ""
}

func remoteAddr(a net.Addr) netip.Addr {
	if pa, ok := a.(peerAddr); ok {
		a = pa.Addr
	}
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr()
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr()
}
