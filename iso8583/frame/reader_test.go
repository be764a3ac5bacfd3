package frame_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var kinds = []frame.Kind{frame.ASCII4, frame.Binary2}

func TestReaderSplitAtEveryBoundary(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			bs := bodies(1, 12, 40)
			data := stream(t, k, bs)
			for i := 0; i <= len(data); i++ {
				for j := i; j <= len(data); j += 7 {
					src := io.MultiReader(bytes.NewReader(data[:i]), bytes.NewReader(data[i:j]), bytes.NewReader(data[j:]))
					got, err := readAll(frame.NewReader(src, k, 0))
					require.ErrorIs(t, err, io.EOF, "split %d/%d", i, j)
					require.Equal(t, bs, got, "split %d/%d", i, j)
				}
			}
		})
	}
}

func TestReaderOddSources(t *testing.T) {
	bs := bodies(2, 200, 1500)
	for _, k := range kinds {
		data := stream(t, k, bs)
		sources := map[string]func() io.Reader{
			"one byte":   func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			"half":       func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
			"data+EOF":   func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data)) },
			"odd chunks": func() io.Reader { return &chunkReader{data: data, sizes: []int{3, 1, 4, 1, 5, 9, 2, 6, 5000}} },
		}
		for name, src := range sources {
			t.Run(k.String()+"/"+name, func(t *testing.T) {
				got, err := readAll(frame.NewReader(src(), k, 0))
				require.ErrorIs(t, err, io.EOF)
				require.Equal(t, bs, got)
			})
		}
	}
}

// Frames near 64 KiB make the reader compact its buffer on almost every frame.
func TestReaderLargeFramesCompaction(t *testing.T) {
	bs := bodies(3, 40, 65535)
	data := stream(t, frame.Binary2, bs)
	src := &chunkReader{data: data, sizes: []int{70000, 1, 30000, 12345}}
	got, err := readAll(frame.NewReader(src, frame.Binary2, 65535))
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, bs, got)
}

func TestReaderErrors(t *testing.T) {
	tests := []struct {
		name   string
		k      frame.Kind
		max    int
		in     string
		frames int   // frames read before the error
		want   error // sentinel, or nil when wantLen is set
		lenErr *frame.LengthError
	}{
		{name: "empty stream", k: frame.ASCII4, in: "", want: io.EOF},
		{name: "clean end", k: frame.ASCII4, in: "0002ab0001c", frames: 2, want: io.EOF},
		{name: "eof in prefix", k: frame.ASCII4, in: "0002ab00", frames: 1, want: io.ErrUnexpectedEOF},
		{name: "eof in body", k: frame.ASCII4, in: "0005ab", want: io.ErrUnexpectedEOF},
		{name: "binary eof in prefix", k: frame.Binary2, in: "\x00", want: io.ErrUnexpectedEOF},
		{name: "binary eof in body", k: frame.Binary2, in: "\x00\x03ab", want: io.ErrUnexpectedEOF},
		{name: "junk prefix", k: frame.ASCII4, in: "00a1x", want: frame.ErrBadPrefix},
		{name: "signed prefix", k: frame.ASCII4, in: "+001x", want: frame.ErrBadPrefix},
		{name: "space prefix", k: frame.ASCII4, in: " 001x", want: frame.ErrBadPrefix},
		{name: "junk after frame", k: frame.ASCII4, in: "0001xGET /", frames: 1, want: frame.ErrBadPrefix},
		{name: "over max ascii", k: frame.ASCII4, max: 100, in: "9999", lenErr: &frame.LengthError{Declared: 9999, Max: 100}},
		{name: "over default max", k: frame.ASCII4, in: "8193", lenErr: &frame.LengthError{Declared: 8193, Max: frame.DefaultMax}},
		{name: "over max binary", k: frame.Binary2, max: 100, in: "\xff\xff", lenErr: &frame.LengthError{Declared: 65535, Max: 100}},
		{name: "max+1 binary", k: frame.Binary2, max: 3, in: "\x00\x03abc\x00\x04", frames: 1, lenErr: &frame.LengthError{Declared: 4, Max: 3}},
		{name: "unknown kind", k: 0, in: "0001x", want: frame.ErrUnknownKind},
		{name: "source error", k: frame.ASCII4, in: "", want: errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := io.Reader(bytes.NewReader([]byte(tt.in)))
			if tt.want == errBoom {
				src = iotest.ErrReader(errBoom)
			}
			r := frame.NewReader(iotest.OneByteReader(src), tt.k, tt.max)
			got, err := readAll(r)
			assert.Len(t, got, tt.frames)
			if tt.lenErr != nil {
				var le *frame.LengthError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tt.lenErr, le)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
			_, again := r.Next()
			assert.Equal(t, err, again, "errors are sticky")
		})
	}
}

func TestReaderEmptyFrameIsRecoverable(t *testing.T) {
	r := frame.NewReader(bytes.NewReader([]byte("00000003abc\x00")), frame.ASCII4, 0)
	_, err := r.Next()
	require.ErrorIs(t, err, frame.ErrEmptyFrame)
	b, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	_, err = r.Next()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a lone byte is half a prefix")

	r = frame.NewReader(bytes.NewReader([]byte("\x00\x00")), frame.Binary2, 0)
	_, err = r.Next()
	require.ErrorIs(t, err, frame.ErrEmptyFrame)
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)
}

// A peer claiming 9999 bytes against max 100 must cost nothing near 9999 bytes.
func TestReaderOverMaxDoesNotAllocateDeclared(t *testing.T) {
	const runs = 50
	readers := make([]*frame.Reader, runs+1)
	for i := range readers {
		readers[i] = frame.NewReader(bytes.NewReader([]byte("9999")), frame.ASCII4, 100)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	errs := make([]error, 0, runs+1)
	allocs := testing.AllocsPerRun(runs, func() {
		_, err := readers[len(errs)].Next()
		errs = append(errs, err)
	})
	runtime.ReadMemStats(&after)
	assert.LessOrEqual(t, allocs, 1.0, "only the *LengthError itself")
	perCall := (after.TotalAlloc - before.TotalAlloc) / (runs + 1)
	assert.Less(t, perCall, uint64(1024), "bytes allocated per rejected frame")
	for _, err := range errs {
		var le *frame.LengthError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, frame.LengthError{Declared: 9999, Max: 100}, *le)
	}
}

func TestReaderSteadyStateDoesNotAllocate(t *testing.T) {
	data := stream(t, frame.ASCII4, bodies(4, 50, 300))
	r := frame.NewReader(&loopReader{data: data}, frame.ASCII4, 0)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestReaderBuffered(t *testing.T) {
	data := stream(t, frame.ASCII4, [][]byte{[]byte("a"), []byte("bc")})
	r := frame.NewReader(bytes.NewReader(data), frame.ASCII4, 0)
	assert.Zero(t, r.Buffered())
	b, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "a", string(b))
	assert.Equal(t, 6, r.Buffered(), "the second frame came in the same read")
	_, err = r.Next()
	require.NoError(t, err)
	assert.Zero(t, r.Buffered())
}

// zeroReader returns (0, nil) forever: a broken source must not hang Next.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderNoProgress(t *testing.T) {
	_, err := frame.NewReader(zeroReader{}, frame.ASCII4, 0).Next()
	require.ErrorIs(t, err, io.ErrNoProgress)
}

// liarReader claims to have read more than it was given.
type liarReader struct{}

func (liarReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestReaderBrokenSourceDoesNotPanic(t *testing.T) {
	_, err := frame.NewReader(liarReader{}, frame.ASCII4, 0).Next()
	require.Error(t, err)
}
