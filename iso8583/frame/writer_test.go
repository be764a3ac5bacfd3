package frame_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingWriter records every Write call.
type countingWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.buf.Write(p)
}

// gateWriter blocks every Write until the gate is closed.
type gateWriter struct {
	gate    chan struct{}
	entered chan struct{}
	countingWriter
}

func newGateWriter() *gateWriter {
	return &gateWriter{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.gate
	return g.countingWriter.Write(p)
}

func runWriter(w *frame.Writer) <-chan error {
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	return done
}

func enqueueRetry(t testing.TB, w *frame.Writer, f []byte) {
	for {
		err := w.Enqueue(f)
		if !errors.Is(err, frame.ErrBackpressure) {
			if err != nil {
				t.Error(err)
			}
			return
		}
		runtime.Gosched()
	}
}

func loopbackPair(t *testing.T) (client, server net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	server = <-accepted
	require.NotNil(t, server)
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestWriterConcurrentEnqueue sends frames from 8 goroutines over loopback TCP
// and checks on the far side that every frame arrives intact and in order per goroutine.
func TestWriterConcurrentEnqueue(t *testing.T) {
	const goroutines, perG = 8, 2000
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			client, server := loopbackPair(t)
			w := frame.NewWriter(client, frame.WriterOptions{MaxPending: 64 << 10})
			done := runWriter(w)

			var wg sync.WaitGroup
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perG {
						body := fmt.Sprintf("0200|%d|%06d|%s", g, i, strings.Repeat(string(rune('a'+g)), i%300))
						f, err := frame.Append(nil, k, []byte(body))
						if !assert.NoError(t, err) {
							return
						}
						enqueueRetry(t, w, f)
					}
				}()
			}

			next := make([]int, goroutines)
			r := frame.NewReader(server, k, 0)
			for range goroutines * perG {
				b, err := r.Next()
				require.NoError(t, err)
				parts := strings.Split(string(b), "|")
				require.Len(t, parts, 4, "frame %q", b)
				g, err1 := strconv.Atoi(parts[1])
				seq, err2 := strconv.Atoi(parts[2])
				require.NoError(t, errors.Join(err1, err2))
				require.Equal(t, next[g], seq, "goroutine %d out of order", g)
				require.Equal(t, strings.Repeat(string(rune('a'+g)), seq%300), parts[3])
				next[g]++
			}
			wg.Wait()
			w.Close()
			require.NoError(t, <-done)
			require.NoError(t, client.Close())
			_, err := r.Next()
			require.ErrorIs(t, err, io.EOF)
		})
	}
}

// TestWriterNetPipe packs in place with EnqueueFunc over a synchronous net.Pipe.
func TestWriterNetPipe(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	w := frame.NewWriter(a, frame.WriterOptions{})
	done := runWriter(w)
	want := bodies(5, 500, 2000)
	go func() {
		for _, body := range want {
			err := w.EnqueueFunc(func(dst []byte) ([]byte, error) {
				out, at := frame.Reserve(dst, frame.Binary2)
				out = append(out, body...)
				return out, frame.Patch(out, frame.Binary2, at)
			})
			assert.NoError(t, err)
		}
		w.Close()
		assert.NoError(t, <-done)
		a.Close()
	}()
	got, err := readAll(frame.NewReader(b, frame.Binary2, 0))
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, want, got)
}

func TestWriterBackpressure(t *testing.T) {
	w := frame.NewWriter(io.Discard, frame.WriterOptions{MaxPending: 100})
	f60 := make([]byte, 60)
	require.NoError(t, w.Enqueue(f60))
	require.ErrorIs(t, w.Enqueue(f60), frame.ErrBackpressure)
	assert.Equal(t, 60, w.Pending())
	require.NoError(t, w.Enqueue(f60[:40]), "exactly MaxPending is allowed")

	err := w.EnqueueFunc(func(dst []byte) ([]byte, error) { return append(dst, 'x'), nil })
	require.ErrorIs(t, err, frame.ErrBackpressure)
	assert.Equal(t, 100, w.Pending(), "rolled back")

	big := frame.NewWriter(io.Discard, frame.WriterOptions{MaxPending: 10})
	require.ErrorIs(t, big.Enqueue(make([]byte, 11)), frame.ErrBackpressure)
	assert.Zero(t, big.Pending())

	def := frame.NewWriter(io.Discard, frame.WriterOptions{})
	require.NoError(t, def.Enqueue(make([]byte, frame.DefaultMaxPending)))
	require.ErrorIs(t, def.Enqueue([]byte{1}), frame.ErrBackpressure)
}

// While the write loop is stuck in Write, enqueued frames pile up to MaxPending.
func TestWriterBackpressureWhileWriting(t *testing.T) {
	gw := newGateWriter()
	w := frame.NewWriter(gw, frame.WriterOptions{MaxPending: 10})
	done := runWriter(w)
	require.NoError(t, w.Enqueue([]byte("0001a")))
	<-gw.entered // the loop holds the first frame in Write
	require.NoError(t, w.Enqueue([]byte("0002bc")))
	require.NoError(t, w.Enqueue([]byte("0000")))
	require.ErrorIs(t, w.Enqueue([]byte("0001d")), frame.ErrBackpressure)
	w.Close()
	require.ErrorIs(t, w.Enqueue([]byte("0001e")), frame.ErrWriterClosed)
	close(gw.gate)
	require.NoError(t, <-done)
	assert.Equal(t, "0001a0002bc0000", gw.buf.String())
	assert.Equal(t, 2, gw.writes, "the three queued frames went out in one Write")
}

func TestWriterCloseFlushesInOneWrite(t *testing.T) {
	cw := &countingWriter{}
	w := frame.NewWriter(cw, frame.WriterOptions{})
	var want []byte
	for _, body := range bodies(6, 100, 300) {
		f, err := frame.Append(nil, frame.ASCII4, body)
		require.NoError(t, err)
		require.NoError(t, w.Enqueue(f))
		want = append(want, f...)
	}
	assert.Equal(t, len(want), w.Pending())
	w.Close()
	w.Close() // idempotent
	require.ErrorIs(t, w.Enqueue([]byte("0001x")), frame.ErrWriterClosed)
	require.ErrorIs(t, w.EnqueueFunc(func(d []byte) ([]byte, error) { return d, nil }), frame.ErrWriterClosed)
	require.NoError(t, w.Run(context.Background()))
	assert.Equal(t, want, cw.buf.Bytes())
	assert.Equal(t, 1, cw.writes)
	assert.Zero(t, w.Pending())
	require.NoError(t, w.Run(context.Background()), "Run after the end returns at once")
}

func TestWriterWriteError(t *testing.T) {
	w := frame.NewWriter(errWriter{errBoom}, frame.WriterOptions{})
	require.NoError(t, w.Enqueue([]byte("0001a")))
	require.ErrorIs(t, w.Run(context.Background()), errBoom)
	require.ErrorIs(t, w.Enqueue([]byte("0001a")), frame.ErrWriterClosed)
	assert.Zero(t, w.Pending())
}

func TestWriterContextDone(t *testing.T) {
	w := frame.NewWriter(io.Discard, frame.WriterOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	require.NoError(t, w.Enqueue([]byte("0001a")))
	require.Eventually(t, func() bool { return w.Pending() == 0 }, 5*time.Second, time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.ErrorIs(t, w.Enqueue([]byte("0001a")), frame.ErrWriterClosed)
}

func TestWriterEnqueueFuncRollback(t *testing.T) {
	w := frame.NewWriter(io.Discard, frame.WriterOptions{})
	require.NoError(t, w.Enqueue([]byte("0001a")))
	errPack := errors.New("pack failed")
	tests := []struct {
		name string
		fn   func([]byte) ([]byte, error)
		want error
	}{
		{"fn error after append", func(d []byte) ([]byte, error) { return append(d, "0003xy"...), errPack }, errPack},
		{"fn error nil out", func([]byte) ([]byte, error) { return nil, errPack }, errPack},
		{"fn shrinks", func(d []byte) ([]byte, error) { return d[:1], nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := w.EnqueueFunc(tt.fn)
			require.Error(t, err)
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
			assert.Equal(t, 5, w.Pending())
		})
	}
	cw := &countingWriter{}
	w2 := frame.NewWriter(cw, frame.WriterOptions{})
	require.NoError(t, w2.Enqueue([]byte("0001a")))
	require.Error(t, w2.EnqueueFunc(func(d []byte) ([]byte, error) { return append(d, "0002zz"...), errPack }))
	require.NoError(t, w2.Enqueue([]byte("0001b")))
	w2.Close()
	require.NoError(t, w2.Run(context.Background()))
	assert.Equal(t, "0001a0001b", cw.buf.String(), "rolled-back bytes never reach the wire")
}
