package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/vpcd"
)

// Reader modes of --reader.
const (
	readerAuto      = "auto"      // PC/SC when pcscd has a free vpcd reader, else in process
	readerPCSC      = "pcsc"      // PC/SC or fail
	readerInProcess = "inprocess" // the card in process (no pcscd)
)

// presenceTimeout bounds the wait for pcscd to see the card arrive (it
// polls about every 400 ms).
const presenceTimeout = 10 * time.Second

// errNoReader reports that --reader pcsc found no usable vpcd reader.
var errNoReader = errors.New("no free vpcd reader of pcscd")

// cardSlot is where the demo's simulated card sits: a vpcd reader of the
// real PC/SC stack, or nowhere (in process).
type cardSlot struct {
	c      card.Card
	reader string // PC/SC reader name; "" in process
	why    string // why in process (auto mode)
	pc     *pcsc.Context
	lock   *os.File
	stop   func() // stops the bridge
}

// plugCard puts c into a free vpcd reader when mode allows and pcscd has
// one, and otherwise keeps it in process. In pcsc mode a missing reader is
// an error.
func plugCard(ctx context.Context, c card.Card, mode string) (*cardSlot, error) {
	s := &cardSlot{c: c}
	if mode == readerInProcess {
		s.why = "--reader inprocess"
		return s, nil
	}
	err := s.plugPCSC(ctx)
	if err == nil {
		return s, nil
	}
	s.unplug()
	if mode == readerPCSC {
		return nil, fmt.Errorf("--reader pcsc: %w (start pcscd with: make pcscd)", err)
	}
	s.why = err.Error()
	return &cardSlot{c: c, why: err.Error()}, nil
}

// plugPCSC finds a free, empty vpcd reader (locked as card/pcsctest locks
// them, so tests running at the same time never share it), serves the card
// to it and waits until pcscd sees it.
func (s *cardSlot) plugPCSC(ctx context.Context) error {
	pc, err := pcsc.Establish(ctx)
	if err != nil {
		return fmt.Errorf("pcscd not available: %w", err)
	}
	s.pc = pc
	names, err := pc.Readers(ctx)
	if err != nil {
		return fmt.Errorf("pcscd readers: %w", err)
	}
	ports := map[string]int{}
	var vpcdNames []string
	for _, n := range names {
		if p, ok := vpcd.PortOf(n); ok {
			ports[n] = p
			vpcdNames = append(vpcdNames, n)
		}
	}
	if len(vpcdNames) == 0 {
		return fmt.Errorf("%w: pcscd has %d readers, none of vpcd", errNoReader, len(names))
	}
	slices.Sort(vpcdNames)
	states, err := pc.Status(ctx, vpcdNames...)
	if err != nil {
		return fmt.Errorf("pcscd reader status: %w", err)
	}
	for _, st := range states {
		if st.Present {
			continue
		}
		if f := lockPort(ports[st.Reader]); f != nil {
			s.lock, s.reader = f, st.Reader
			return s.serve(ctx, ports[st.Reader])
		}
	}
	return fmt.Errorf("%w: all %d vpcd readers hold a card or are in use", errNoReader, len(vpcdNames))
}

// serve runs the vpcd bridge until unplug and waits for pcscd to see the card.
func (s *cardSlot) serve(ctx context.Context, port int) error {
	b := vpcd.NewBridge(fmt.Sprintf("127.0.0.1:%d", port), s.c)
	bctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Serve(bctx)
	}()
	s.stop = func() {
		cancel()
		<-done
	}
	wctx, wcancel := context.WithTimeout(ctx, presenceTimeout)
	defer wcancel()
	if _, err := s.pc.Wait(wctx, s.reader, true); err != nil {
		return fmt.Errorf("reader %q: card not seen by pcscd: %w", s.reader, err)
	}
	return nil
}

// lockPort takes the cross-process lock of a vpcd reader port (the one
// card/pcsctest takes too) without blocking; nil when another process holds it.
func lockPort(port int) *os.File {
	f, err := vpcd.LockPort(port, false)
	if err != nil {
		return nil
	}
	return f
}

// inPCSC reports whether the card sits in a PC/SC reader.
func (s *cardSlot) inPCSC() bool { return s.reader != "" }

// describe says where the card is, for the report.
func (s *cardSlot) describe() string {
	if s.inPCSC() {
		return fmt.Sprintf("in PC/SC reader %q (pcscd + vpcd)", s.reader)
	}
	return "in process, without PC/SC: " + s.why
}

// open returns a transport to the card: a PC/SC connection or the
// in-process one. The caller closes it.
func (s *cardSlot) open(ctx context.Context) (card.Transport, error) {
	if !s.inPCSC() {
		return card.NewInProcess(s.c), nil
	}
	conn, err := s.pc.Connect(ctx, s.reader, pcsc.ConnectOptions{})
	if err != nil {
		return nil, fmt.Errorf("reader %q: %w", s.reader, err)
	}
	return conn, nil
}

// name is the reader name reports use.
func (s *cardSlot) name(profile string) string {
	if s.inPCSC() {
		return s.reader
	}
	return "sim " + profile
}

// unplug takes the card out and releases the reader (nil-safe, idempotent).
func (s *cardSlot) unplug() {
	if s == nil {
		return
	}
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
	if s.pc != nil {
		_ = s.pc.Close()
		s.pc = nil
	}
	if s.lock != nil {
		_ = s.lock.Close()
		s.lock = nil
	}
}
