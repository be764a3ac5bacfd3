package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/link"
)

// startOutbound starts one dialer per configured connection of an issuing
// institution. Links are kept in dial order (address order, then
// connection number), which is the primary-secondary preference order.
func (s *Server) startOutbound(inst *institution) {
	set := inst.settings()
	if !set.outbound {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	inst.stop = cancel
	out := set.cfg.Outbound
	for ai, addr := range out.Addresses {
		// TLS settings are read once per start of the institution.
		var tlsCfg *tls.Config
		if out.TLS != nil {
			var err error
			if tlsCfg, err = clientTLS(out.TLS, addr); err != nil {
				s.log.Error("issuer address not dialed: bad TLS settings", "institution", inst.id, "address", addr,
					"key", "outbound.tls", "err", err)
				s.metrics.Disconnect(inst.id, "tls_config")
				continue
			}
		}
		for i := 0; i < out.Connections; i++ {
			rank := ai*out.Connections + i
			s.wg.Add(1)
			inst.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer inst.wg.Done()
				s.dialLoop(ctx, inst, addr, tlsCfg, i, rank)
			}()
		}
	}
}

// dialLoop keeps one connection to an issuer up: dial, sign on, echo when
// idle, and redial with exponential backoff when anything fails.
func (s *Server) dialLoop(ctx context.Context, inst *institution, addr string, tlsCfg *tls.Config, n, rank int) {
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		up := s.dialOnce(ctx, inst, addr, tlsCfg, n, rank)
		out := inst.settings().cfg.Outbound
		if up {
			backoff = 0
		}
		backoff = min(max(2*backoff, out.ReconnectMin.D()), out.ReconnectMax.D())
		// Jitter spreads reconnects of many links over time.
		wait := backoff/2 + rand.N(backoff/2+1)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// dialOnce runs one connection to its end. It reports whether the link got
// signed on.
func (s *Server) dialOnce(ctx context.Context, inst *institution, addr string, tlsCfg *tls.Config, n, rank int) bool {
	out := inst.settings().cfg.Outbound
	conn, err := s.dial(ctx, addr, tlsCfg, out.SignOnTimeout.D())
	if err != nil {
		s.log.Warn("dial failed", "institution", inst.id, "address", addr, "err", err)
		var he *handshakeError
		if errors.As(err, &he) {
			s.metrics.Disconnect(inst.id, "tls_handshake")
		}
		return false
	}
	name := fmt.Sprintf("%s#%d", addr, n)
	cfg := s.snap.Load().cfg.Switch
	l := link.New(s.linkID.Add(1), conn, inst.codec, link.Options{Direction: link.Outbound, Name: name, Rank: rank,
		MaxFrame: cfg.MaxFrame, MaxPending: cfg.MaxPending, WriteTimeout: cfg.WriteTimeout.D(), RemoteID: inst.id})
	l.SetOwner(inst)
	l.SetSigner(s.signer(inst))
	inst.addLink(l)
	defer func() {
		inst.removeLink(l)
		s.failLink(inst, l)
		s.updateLinkMetrics(inst)
	}()
	runErr := make(chan error, 1)
	go func() { runErr <- l.Run(ctx, s.handle) }()

	if err := s.networkRequest(ctx, l, nmSignOn, out.SignOnTimeout.D()); err != nil {
		s.log.Warn("sign-on to issuer failed", "institution", inst.id, "link", name, "err", err)
		l.Close()
		s.metrics.Disconnect(inst.id, "signon_failed")
		<-runErr
		return false
	}
	l.SetState(link.SignedOn)
	s.updateLinkMetrics(inst)
	s.log.Info("issuer link up", "institution", inst.id, "link", name)
	reason := s.keepAlive(ctx, inst, l, runErr)
	if ctx.Err() != nil {
		s.log.Info("issuer link closed", "institution", inst.id, "link", name)
		return true
	}
	s.metrics.Disconnect(inst.id, reason)
	s.log.Warn("issuer link down", "institution", inst.id, "link", name, "reason", reason)
	return true
}

// handshakeError is a failed TLS handshake with an issuer.
type handshakeError struct{ err error }

func (e *handshakeError) Error() string { return "TLS handshake: " + e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

// dial connects to an issuer address within timeout and, with tlsCfg,
// completes the TLS handshake (which verifies the issuer's certificate)
// within the same timeout.
func (s *Server) dial(ctx context.Context, addr string, tlsCfg *tls.Config, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil || tlsCfg == nil {
		return conn, err
	}
	tc := tls.Client(conn, tlsCfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = conn.Close()
		return nil, &handshakeError{err: err}
	}
	return tc, nil
}

// keepAlive sends an echo test whenever the link has been idle for the echo
// interval and closes the link after too many failed echoes. It returns
// when the link ends, with the reason.
func (s *Server) keepAlive(ctx context.Context, inst *institution, l *link.Link, runErr <-chan error) string {
	failures := 0
	for {
		out := inst.settings().cfg.Outbound
		interval := out.EchoInterval.D()
		check := time.NewTimer(min(interval/4+time.Millisecond, time.Second))
		select {
		case err := <-runErr:
			check.Stop()
			return disconnectReason(err)
		case <-check.C:
		}
		// An echo tests a link that has been idle for the interval, and at
		// once one on which a request timed out since anything was read:
		// an issuer that stops reading or answering is found and closed
		// after echo_failures echoes, not after the idle interval.
		if l.IdleFor(time.Now()) < interval && !l.Suspect() {
			continue
		}
		if err := s.networkRequest(ctx, l, nmEcho, out.EchoTimeout.D()); err != nil {
			failures++
			s.log.Warn("echo test failed", "institution", inst.id, "link", l.Name(), "failures", failures, "err", err)
			if failures >= out.EchoFailures {
				l.Close()
				<-runErr
				return "echo_failed"
			}
			continue
		}
		failures = 0
	}
}

// networkRequest sends an 0800 with the given network management code on l
// and checks that the 0810 approves it.
func (s *Server) networkRequest(ctx context.Context, l *link.Link, code []byte, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var m dialect.Message
	_ = m.SetMTI([]byte("0800"))
	m.Set(33, s.switchID)
	m.Set(70, code)
	r, err := l.Request(ctx, &m)
	if err != nil {
		return err
	}
	if rc := r.Field(39); string(rc) != codeApproved {
		return fmt.Errorf("answered with response code %q", rc)
	}
	return nil
}

// failLink answers 91 at once for every request that was waiting on a link
// that went down, instead of letting them run into their timeout.
func (s *Server) failLink(inst *institution, l *link.Link) {
	failed := inst.pending.RemoveIf(func(tx *txn) bool { return tx.to == l }, nil)
	for _, tx := range failed {
		s.timedOut(tx)
	}
}
