package frame_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/hulian/hulian/iso8583/frame"
)

func BenchmarkReaderNext300(b *testing.B) {
	for _, k := range kinds {
		b.Run(k.String(), func(b *testing.B) {
			bs := make([][]byte, 64)
			for i := range bs {
				bs[i] = isoLike(newRand(uint64(i)), 300)
			}
			r := frame.NewReader(&loopReader{data: stream(b, k, bs)}, k, 0)
			b.ReportAllocs()
			b.SetBytes(int64(300 + k.PrefixLen()))
			for b.Loop() {
				if _, err := r.Next(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWriterThroughput(b *testing.B) {
	for _, producers := range []int{1, 8} {
		b.Run(fmt.Sprintf("producers=%d", producers), func(b *testing.B) {
			f, err := frame.Append(nil, frame.ASCII4, isoLike(newRand(9), 300))
			if err != nil {
				b.Fatal(err)
			}
			w := frame.NewWriter(io.Discard, frame.WriterOptions{})
			done := make(chan error, 1)
			go func() { done <- w.Run(context.Background()) }()
			b.ReportAllocs()
			b.SetBytes(int64(len(f)))
			b.SetParallelism(producers)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					for errors.Is(w.Enqueue(f), frame.ErrBackpressure) {
						runtime.Gosched()
					}
				}
			})
			w.Close()
			if err := <-done; err != nil {
				b.Fatal(err)
			}
		})
	}
}
