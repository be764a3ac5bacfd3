package simcard

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
)

// nonceReader feeds gmsm's SM2 signing so that a card built with a
// deterministic Options.Rand signs repeatably.
//
// gmsm (github.com/emmansun/gmsm/sm2, v0.30.1, SignASN1) calls
// randutil.MaybeReadByte before drawing the nonce: with probability 1/2,
// decided by its own select on a closed channel, it reads one byte from
// the reader and throws it away. With a plain deterministic stream the
// nonce then shifts by one byte at random, and so does everything the
// card draws afterwards: the signature bytes of an SM card would differ
// from run to run. nonceReader answers one-byte reads without consuming
// its stream and produces the nonce bytes from SHA-256 in counter mode over
// a 32-byte seed the card draws from its random source for each signature.
// The nonce therefore stays secret and fresh with crypto/rand and is
// reproducible with a seeded source. If a later gmsm read the nonce in
// single bytes, signatures would still verify, only not repeat.
type nonceReader struct {
	seed [32]byte
	ctr  uint64
	buf  []byte
}

// newNonceReader draws the seed from r (zeros if r fails, as random does).
func newNonceReader(r io.Reader) *nonceReader {
	n := &nonceReader{}
	_, _ = io.ReadFull(r, n.seed[:])
	return n
}

func (n *nonceReader) Read(p []byte) (int, error) {
	if len(p) == 1 {
		p[0] = 0 // MaybeReadByte: discarded by gmsm, not part of the stream
		return 1, nil
	}
	for i := range p {
		if len(n.buf) == 0 {
			var in [40]byte
			copy(in[:], n.seed[:])
			binary.BigEndian.PutUint64(in[32:], n.ctr)
			n.ctr++
			sum := sha256.Sum256(in[:])
			n.buf = sum[:]
		}
		p[i] = n.buf[0]
		n.buf = n.buf[1:]
	}
	return len(p), nil
}
