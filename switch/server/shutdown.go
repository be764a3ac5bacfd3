package server

import (
	"context"
	"time"
)

// Shutdown stops the switch gracefully: listeners stop accepting, new
// requests are answered 91, requests in flight get their issuer's response
// or, when the grace period (switch.shutdown_grace) or ctx ends first, a
// 91; then every link is flushed and closed.
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.closed.CompareAndSwap(false, true) {
		return ErrServerClosed
	}
	s.draining.Store(true)
	s.closeListeners()
	grace := time.NewTimer(s.snap.Load().cfg.Switch.ShutdownGrace.D())
	defer grace.Stop()
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
wait:
	for s.inFlight() > 0 {
		select {
		case <-ctx.Done():
			break wait
		case <-grace.C:
			break wait
		case <-poll.C:
		}
	}
	for _, inst := range s.snap.Load().insts {
		for _, tx := range inst.pending.RemoveIf(func(*txn) bool { return true }, nil) {
			s.timedOut(tx)
		}
	}
	if s.cancel != nil {
		s.cancel()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.log.Info("switch stopped")
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// inFlight counts the requests waiting for an issuer.
func (s *Server) inFlight() int {
	n := 0
	for _, inst := range s.snap.Load().insts {
		n += inst.pending.Len()
	}
	return n
}

func (s *Server) closeListeners() {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	for name, ln := range s.listeners {
		_ = ln.Close()
		delete(s.listeners, name)
	}
}
