package server

import (
	"context"
	"time"
)

// Shutdown stops the switch gracefully: listeners stop accepting, new
// requests are answered 91, requests in flight get their issuer's response
// or, when the grace period (switch.shutdown_grace) or ctx ends first, a
// 91 with their reversal queued; then every link is flushed and closed.
// It returns within the grace period whatever the peers do: a link's
// flush is bounded by switch.write_timeout, and what is still waiting on
// the journal then is left to it (Journal.Close commits it).
func (s *Server) Shutdown(ctx context.Context) error {
	if !s.closed.CompareAndSwap(false, true) {
		return ErrServerClosed
	}
	s.draining.Store(true)
	s.closeListeners()
	grace := s.snap.Load().cfg.Switch.ShutdownGrace.D()
	ctx, cancel := context.WithTimeout(ctx, grace)
	defer cancel()
	// Half the grace for answers to come, then the rest is timed out; the
	// other half for their answers, reversals and deliveries to be made
	// durable and sent.
	half, hcancel := context.WithTimeout(ctx, grace/2)
	s.await(half, func() bool { return s.inFlight() == 0 })
	hcancel()
	for _, inst := range s.snap.Load().insts {
		for _, tx := range inst.pending.RemoveIf(func(*txn) bool { return true }, nil) {
			s.timedOut(tx)
		}
	}
	s.await(ctx, func() bool { return s.txns.live.Load() == 0 })
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
		s.log.Warn("switch stopped before every link was closed", "err", ctx.Err())
		return ctx.Err()
	}
}

// await polls cond until it holds or ctx ends.
func (s *Server) await(ctx context.Context, cond func() bool) {
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		}
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
