package transcript

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/hulian/hulian/card"
)

// Recorder is a card.Transport that passes every call to T and writes it to
// a transcript. Safe for concurrent use; the entries keep call order.
type Recorder struct {
	T card.Transport

	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewRecorder writes the transcript header (a comment, the ATR and the
// protocol of t) to w and returns the recorder.
func NewRecorder(t card.Transport, w io.Writer, comment string) *Recorder {
	r := &Recorder{T: t, w: w}
	r.Comment(comment)
	r.printf("atr %X\nprotocol %s\n", t.ATR(), t.Protocol())
	return r
}

func (r *Recorder) printf(format string, args ...any) {
	if r.err != nil {
		return
	}
	_, r.err = fmt.Fprintf(r.w, format, args...)
}

// Comment writes each line of s as a # comment.
func (r *Recorder) Comment(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s == "" {
		return
	}
	for _, line := range strings.Split(s, "\n") {
		r.printf("# %s\n", line)
	}
}

// Err returns the first write error.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Transmit records "> command" and "< response" (or "! error").
func (r *Recorder) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	resp, err := r.T.Transmit(ctx, command)
	r.printf("> %X\n", command)
	if err != nil {
		r.printf("! %s\n", errorName(err))
		return nil, err
	}
	r.printf("< %X\n", resp)
	return resp, nil
}

// Reset records "reset warm|cold" and the new ATR (or "! error").
func (r *Recorder) Reset(ctx context.Context, cold bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.T.Reset(ctx, cold)
	r.printf("reset %s\n", map[bool]string{false: "warm", true: "cold"}[cold])
	if err != nil {
		r.printf("! %s\n", errorName(err))
		return err
	}
	r.printf("atr %X\n", r.T.ATR())
	return nil
}

// ATR returns T's ATR.
func (r *Recorder) ATR() []byte { return r.T.ATR() }

// Protocol returns T's protocol.
func (r *Recorder) Protocol() card.Protocol { return r.T.Protocol() }

// Close closes T.
func (r *Recorder) Close() error { return r.T.Close() }
