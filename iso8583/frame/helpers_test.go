package frame_test

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/stretchr/testify/require"
)

// isoLike returns a body that looks like an hl87a 0200 request of n bytes.
func isoLike(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	copy(b, "0200\xf2\x3a\x44\x81\x28\xe0\x80\x00")
	for i := min(12, n); i < n; i++ {
		b[i] = byte('0' + rng.IntN(10))
	}
	return b
}

// newRand returns a deterministic generator.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

// bodies returns count pseudo-random bodies of 1..maxLen bytes.
func bodies(seed uint64, count, maxLen int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([][]byte, count)
	for i := range out {
		out[i] = isoLike(rng, 1+rng.IntN(maxLen))
	}
	return out
}

// stream frames every body with k.
func stream(t testing.TB, k frame.Kind, bs [][]byte) []byte {
	t.Helper()
	var out []byte
	for _, b := range bs {
		var err error
		out, err = frame.Append(out, k, b)
		require.NoError(t, err)
	}
	return out
}

// readAll reads frames until an error and returns copies of the bodies and that error.
func readAll(r *frame.Reader) ([][]byte, error) {
	var got [][]byte
	for {
		b, err := r.Next()
		if err != nil {
			return got, err
		}
		got = append(got, bytes.Clone(b))
	}
}

// chunkReader hands out data in reads of at most size bytes (cycling through sizes).
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), c.sizes[c.i%len(c.sizes)])
	c.i++
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// loopReader replays data forever without allocating (for benchmarks).
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.data[l.off:])
		n += c
		l.off = (l.off + c) % len(l.data)
	}
	return n, nil
}

// errWriter fails every Write.
type errWriter struct{ err error }

func (e errWriter) Write([]byte) (int, error) { return 0, e.err }

var errBoom = errors.New("boom")
