package frame

import (
	"context"
	"io"
	"sync"
)

// DefaultMaxPending is the WriterOptions.MaxPending used when it is <= 0.
const DefaultMaxPending = 4 << 20

// WriterOptions configures a Writer.
type WriterOptions struct {
	// MaxPending bounds the bytes waiting to be written; an Enqueue that would
	// exceed it fails with ErrBackpressure. <= 0 means DefaultMaxPending.
	MaxPending int
}

// Writer batches already framed messages from many goroutines into few Write
// calls on one io.Writer. Enqueue and EnqueueFunc append to a pending buffer
// under a mutex and never block on I/O; Run, the write loop, swaps the pending
// buffer with a spare one and writes it with a single Write. The two buffers
// are reused, so the steady state does not allocate.
//
// Lock order: Writer.mu is a leaf lock; nothing else is acquired while it is
// held, and no I/O happens under it.
type Writer struct {
	dst        io.Writer
	maxPending int
	wake       chan struct{} // capacity 1: "pending changed or closing"

	mu      sync.Mutex
	pending []byte // frames waiting for the write loop
	spare   []byte // the other buffer; nil while the loop is writing it
	closed  bool   // no more Enqueue: Close, write error, or Run returned
}

// NewWriter returns a Writer that writes to w. Start its loop with Run.
func NewWriter(w io.Writer, opts WriterOptions) *Writer {
	maxPending := opts.MaxPending
	if maxPending <= 0 {
		maxPending = DefaultMaxPending
	}
	return &Writer{dst: w, maxPending: maxPending, wake: make(chan struct{}, 1)}
}

// Enqueue copies frame, an already framed message (prefix included), to the
// pending buffer and wakes the write loop. It never blocks on I/O. It returns
// ErrWriterClosed once the Writer is closed or failed, and ErrBackpressure
// when the pending bytes would exceed MaxPending.
func (w *Writer) Enqueue(frame []byte) error {
	w.mu.Lock()
	err := w.admit(len(w.pending) + len(frame))
	if err == nil {
		w.pending = append(w.pending, frame...)
	}
	w.mu.Unlock()
	if err == nil {
		w.signal()
	}
	return err
}

// EnqueueFunc lets the caller pack frames straight into the pending buffer:
// fn receives the pending buffer and must return it with bytes appended (for
// example through Reserve, an encoder's Append and Patch). fn runs under the
// Writer's lock, so it must be quick, must not call the Writer and must not
// keep dst after it returns. When fn fails, or its output would exceed
// MaxPending, the pending buffer is rolled back to where it was and the error
// (or ErrBackpressure) is returned.
func (w *Writer) EnqueueFunc(fn func(dst []byte) ([]byte, error)) error {
	w.mu.Lock()
	err := w.admit(len(w.pending))
	if err == nil {
		err = w.appendLocked(fn)
	}
	w.mu.Unlock()
	if err == nil {
		w.signal()
	}
	return err
}

// appendLocked runs fn on the pending buffer and keeps its output only on success.
func (w *Writer) appendLocked(fn func(dst []byte) ([]byte, error)) error {
	mark := len(w.pending)
	out, err := fn(w.pending)
	switch {
	case err != nil:
	case len(out) < mark:
		err = errShrunk
	case len(out) > w.maxPending:
		err = ErrBackpressure
	default:
		w.pending = out
		return nil
	}
	w.pending = w.pending[:mark] // w.pending was never reassigned: drop what fn wrote past mark
	return err
}

// admit reports whether the pending buffer may grow to size bytes.
func (w *Writer) admit(size int) error {
	switch {
	case w.closed:
		return ErrWriterClosed
	case size > w.maxPending:
		return ErrBackpressure
	}
	return nil
}

// signal wakes the write loop without blocking.
func (w *Writer) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Pending returns the number of bytes enqueued and not yet handed to Write.
func (w *Writer) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}

// Close stops accepting frames and tells Run to flush what is pending and
// return nil. It does not wait: the goroutine running Run returns once the
// flush is written, so wait for Run before closing the connection. Close is
// idempotent and safe to call from any goroutine.
func (w *Writer) Close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.signal()
}

// Run is the write loop. It waits for pending bytes, swaps the pending buffer
// with the spare one and writes it with one Write call, until one of:
//   - Close: it writes what is pending and returns nil;
//   - ctx is done: it returns ctx.Err() without flushing;
//   - a Write fails: it returns that error and drops what is pending.
//
// In every case the Writer is closed afterwards (Enqueue returns
// ErrWriterClosed). Call Run once, from one goroutine.
func (w *Writer) Run(ctx context.Context) error {
	for {
		buf, err := w.take(ctx)
		if buf == nil {
			w.finish()
			return err
		}
		_, err = w.dst.Write(buf)
		w.mu.Lock()
		w.spare = buf[:0]
		w.mu.Unlock()
		if err != nil {
			w.finish()
			return err
		}
	}
}

// take waits for pending bytes and swaps them out. It returns nil and the
// reason (nil after Close) when the loop must stop.
func (w *Writer) take(ctx context.Context) ([]byte, error) {
	w.mu.Lock()
	for len(w.pending) == 0 {
		if w.closed {
			w.mu.Unlock()
			return nil, nil
		}
		w.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-w.wake:
		}
		w.mu.Lock()
	}
	buf := w.pending
	w.pending, w.spare = w.spare, nil
	w.mu.Unlock()
	return buf, nil
}

// finish closes the Writer for good and drops anything still pending.
func (w *Writer) finish() {
	w.mu.Lock()
	w.closed = true
	w.pending = w.pending[:0]
	w.mu.Unlock()
}
