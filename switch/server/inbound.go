package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
)

// listen binds one listener and starts accepting on it.
func (s *Server) listen(lc config.Listener) error {
	d, err := s.dialects(lc.Dialect)
	if err != nil {
		return fmt.Errorf("server: listeners %s: dialect %q: %w", lc.Name, lc.Dialect, err)
	}
	kind, err := frame.ParseKind(lc.Framing)
	if err != nil {
		return fmt.Errorf("server: listeners %s: framing: %w", lc.Name, err)
	}
	var tlsCfg *tls.Config
	if lc.TLS != nil {
		if tlsCfg, err = serverTLS(lc.TLS); err != nil {
			return fmt.Errorf("server: listeners %s: %w", lc.Name, err)
		}
	}
	ln, err := net.Listen("tcp", lc.Address)
	if err != nil {
		return fmt.Errorf("server: listeners %s: %w", lc.Name, err)
	}
	if tlsCfg != nil {
		// The handshake happens later, on the connection's goroutine.
		ln = tls.NewListener(ln, tlsCfg)
	}
	s.lnMu.Lock()
	s.listeners[lc.Name] = ln
	s.lnMu.Unlock()
	codec, err := wire.NewCodec(d, kind, lc.Header, string(s.switchID))
	if err != nil {
		_ = ln.Close()
		return fmt.Errorf("server: listeners %s: %w", lc.Name, err)
	}
	s.wg.Add(1)
	go s.accept(ln, lc, codec)
	s.log.Info("listening", "listener", lc.Name, "address", ln.Addr().String(), "dialect", lc.Dialect,
		"tls", tlsCfg != nil, "mutual_tls", tlsCfg != nil && tlsCfg.ClientAuth == tls.RequireAndVerifyClientCert)
	return nil
}

// accept serves one listener until it is closed. Temporary errors back off.
func (s *Server) accept(ln net.Listener, lc config.Listener, codec *wire.Codec) {
	defer s.wg.Done()
	name := lc.Name
	gate := newUnsignedGate(lc.MaxUnsigned, lc.MaxUnsignedPerAddress)
	var delay time.Duration
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.log.Warn("accept failed", "listener", name, "err", err, "retry_in", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if !s.anyAllows(name, conn.RemoteAddr()) {
			s.log.Warn("connection refused: address allowed for no institution on this listener", "listener", name, "remote", conn.RemoteAddr().String())
			s.metrics.Disconnect("unknown", "address_not_allowed")
			_ = conn.Close()
			continue
		}
		addr := remoteAddr(conn.RemoteAddr())
		if ok, reason := gate.enter(addr); !ok {
			s.metrics.Disconnect("unknown", reason)
			if log, unlogged := gate.throttle(time.Now()); log {
				s.log.Warn("connection refused: too many connections not signed on", "listener", name,
					"remote", conn.RemoteAddr().String(), "reason", reason, "refused_unlogged", unlogged)
			}
			_ = conn.Close()
			continue
		}
		s.wg.Add(1)
		go s.serveConn(conn, lc, codec, &gatePass{g: gate, a: addr})
	}
}

// serveConn completes the TLS handshake of an accepted connection, if any,
// and serves it as an inbound link. A failed handshake closes the
// connection and is counted as a disconnect with reason "tls_handshake".
// The connection holds its place in the listener's gate until it signs on
// or closes.
func (s *Server) serveConn(conn net.Conn, lc config.Listener, codec *wire.Codec, pass *gatePass) {
	defer s.wg.Done()
	defer pass.release()
	remote := conn.RemoteAddr().String()
	nc, err := s.handshake(conn)
	if err != nil {
		s.log.Warn("TLS handshake failed", "listener", lc.Name, "remote", remote, "err", err)
		s.metrics.Disconnect("unknown", "tls_handshake")
		_ = conn.Close()
		return
	}
	cfg := s.snap.Load().cfg.Switch
	l := link.New(s.linkID.Add(1), nc, codec, link.Options{Direction: link.Inbound, Name: lc.Name,
		MaxFrame: cfg.MaxFrame, MaxPending: cfg.MaxPending, WriteTimeout: cfg.WriteTimeout.D()})
	s.unsigned.Store(l, pass)
	defer s.unsigned.Delete(l)
	wait := s.signOnWait
	if wait <= 0 {
		wait = lc.SignOnWait.D()
	}
	s.serveInbound(l, wait)
}

// signedOn releases an inbound link's place among the listener's
// connections not signed on.
func (s *Server) signedOn(l *link.Link) {
	if p, ok := s.unsigned.LoadAndDelete(l); ok {
		p.(*gatePass).release()
	}
}

// anyAllows reports whether some institution on the listener may connect
// from the address.
func (s *Server) anyAllows(listener string, a net.Addr) bool {
	addr := remoteAddr(a)
	for _, inst := range s.snap.Load().insts {
		set := inst.settings()
		if set.cfg.Inbound != nil && set.cfg.Inbound.Listener == listener && set.allows(addr) {
			return true
		}
	}
	return false
}

// serveInbound runs an inbound link until it ends; it is closed when it
// has not signed on within wait.
func (s *Server) serveInbound(l *link.Link, wait time.Duration) {
	s.log.Info("connection accepted", "link", l.String())
	unsigned := time.AfterFunc(wait, func() {
		if ownerOf(l) == nil {
			s.closeLink(l, "no_signon")
		}
	})
	err := l.Run(s.ctx, s.handle)
	unsigned.Stop()
	inst := ownerOf(l)
	id := "unknown"
	if inst != nil {
		id = inst.id
		inst.removeLink(l)
		s.updateLinkMetrics(inst)
	}
	s.metrics.Disconnect(id, disconnectReason(err))
	s.log.Info("connection closed", "link", l.String(), "institution", id, "err", err)
}

// disconnectReason turns a link's end into a bounded metric label.
func disconnectReason(err error) string {
	var le *frame.LengthError
	switch {
	case err == nil:
		return "closed"
	case errors.As(err, &le):
		return "frame_too_long"
	case errors.Is(err, frame.ErrBadPrefix):
		return "bad_length_prefix"
	case errors.Is(err, link.ErrSlowConsumer):
		return "slow_consumer"
	default:
		return "connection_lost"
	}
}

// closeLink closes a link for a reason worth a log line and a metric.
func (s *Server) closeLink(l *link.Link, reason string) {
	id := "unknown"
	if inst := ownerOf(l); inst != nil {
		id = inst.id
	}
	s.log.Warn("closing link", "link", l.String(), "institution", id, "reason", reason)
	l.Close()
}

// updateLinkMetrics refreshes the link gauges of an institution.
func (s *Server) updateLinkMetrics(inst *institution) {
	for _, d := range []link.Direction{link.Inbound, link.Outbound} {
		for st, n := range inst.countLinks(d) {
			s.metrics.Links(inst.id, d.String(), st.String(), n)
		}
	}
}
