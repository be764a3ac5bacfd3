package journal

import (
	"encoding/binary"
	"fmt"
	"time"
)

// A finish changes four fields of a record: its state, response code,
// authorisation ID and response time. appendFinished writes the image of
// the finished record straight from the image before it (appendImage's
// encoding), copying the bytes of the fields that stay: no decoding into
// a Record and no encoding back, which were most of a finish's cost.

// Positions in imageTexts of the texts a finish changes; the reversal
// state follows them.
const (
	textState  = 18
	textAuthID = 20
)

// imageWalker steps over the fields of an image.
type imageWalker struct {
	b   []byte
	off int
	bad bool
}

func (w *imageWalker) varint() {
	if w.bad {
		return
	}
	_, n := binary.Uvarint(w.b[w.off:])
	if n <= 0 {
		w.bad = true
		return
	}
	w.off += n
}

func (w *imageWalker) text() {
	if w.bad {
		return
	}
	l, n := binary.Uvarint(w.b[w.off:])
	if n <= 0 || l > uint64(len(w.b)-w.off-n) {
		w.bad = true
		return
	}
	w.off += n + int(l)
}

// answer sets the fields a finish changes: r's final answer. appendFinished
// patches the same fields in an image.
func (r *Record) answer(state State, code, authID string, at time.Time) {
	r.State, r.ResponseCode, r.AuthID, r.RespondedAt = state, code, authID, at
}

// appendFinished appends to dst the image img with the finish's fields.
func appendFinished(dst, img []byte, state State, code, authID string, at time.Time) ([]byte, error) {
	w := imageWalker{b: img}
	w.varint() // id
	for range textState {
		w.text()
	}
	keep := w.off // up to the state
	for range textAuthID - textState + 1 {
		w.text()
	}
	from := w.off // the reversal state, amount and reception time stay
	w.text()
	w.varint()
	w.varint()
	to := w.off
	w.varint() // the response time changes
	rest := w.off
	w.varint() // original ID
	if w.bad || w.off != len(img) {
		return dst, fmt.Errorf("%w: bad image", ErrCorrupt)
	}
	dst = append(dst, img[:keep]...)
	for _, s := range [...]string{string(state), code, authID} {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	dst = append(dst, img[from:to]...)
	dst = binary.AppendVarint(dst, micros(at))
	return append(dst, img[rest:]...), nil
}
