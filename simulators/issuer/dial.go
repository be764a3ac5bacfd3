package issuer

import (
	"context"
	"crypto/tls"
	"net"
	"time"
)

// dialTimeout bounds one connection attempt of the dial mode.
const dialTimeout = 5 * time.Second

// dialLoop is the dial mode (Config.Connect): connect, sign on, serve the
// connection, and redial with backoff until the issuer is closed.
func (s *Issuer) dialLoop(ctx context.Context) {
	defer s.wg.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	backoff := time.Duration(0)
	for !s.isClosed() {
		nc, err := s.dial(ctx)
		if err != nil {
			backoff = min(max(2*backoff, 50*time.Millisecond), 5*time.Second)
			s.log.Warn("connect failed", "addr", s.cfg.Connect, "err", err, "retry_in", backoff)
			if !s.sleep(backoff) {
				return
			}
			continue
		}
		backoff = 0
		c := s.register(nc)
		if c == nil {
			return
		}
		if err := c.sendNetwork("001", s.nextSTAN(), time.Now()); err != nil {
			s.log.Warn("cannot queue sign-on", "err", err)
		}
		c.serve()
		s.unregister(c)
		s.wg.Done()
		if !s.sleep(50 * time.Millisecond) {
			return
		}
	}
}

// dial connects to Config.Connect (TLS when Config.TLS is set).
func (s *Issuer) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: dialTimeout}
	if s.cfg.TLS != nil {
		td := tls.Dialer{NetDialer: &d, Config: s.cfg.TLS}
		return td.DialContext(ctx, "tcp", s.cfg.Connect)
	}
	return d.DialContext(ctx, "tcp", s.cfg.Connect)
}

// sleep waits d, returning false when the issuer closes first.
func (s *Issuer) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}
