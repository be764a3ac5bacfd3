package load

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram layout: values below subCount nanoseconds have a bucket each;
// above, every power of two is split into subCount equal buckets.
const (
	subBits    = 5
	subCount   = 1 << subBits
	numBuckets = (64 - subBits + 1) * subCount
)

// histogram counts durations in fixed buckets; safe for concurrent use.
type histogram struct {
	counts [numBuckets]atomic.Uint64
	max    atomic.Int64
}

// bucketOf returns the bucket index of v nanoseconds.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	e := bits.Len64(v) - 1 // >= subBits
	return (e-subBits+1)*subCount + int((v>>(e-subBits))&(subCount-1))
}

// lowerBound returns the smallest value of bucket i.
func lowerBound(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	e := i/subCount + subBits - 1
	m := uint64(i % subCount)
	return (subCount + m) << (e - subBits)
}

// upperBound returns the largest value of bucket i.
func upperBound(i int) uint64 {
	if i+1 >= numBuckets {
		return ^uint64(0)
	}
	return lowerBound(i+1) - 1
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))].Add(1)
	for {
		old := h.max.Load()
		if int64(d) <= old || h.max.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// quantiles returns, for each q in qs (0 < q <= 1, ascending), the upper
// bound of the bucket holding the ceil(q*n)-th smallest value, capped at the
// maximum recorded.
func (h *histogram) quantiles(qs ...float64) []time.Duration {
	var total uint64
	for i := range h.counts {
		total += h.counts[i].Load()
	}
	out := make([]time.Duration, len(qs))
	if total == 0 {
		return out
	}
	maxV := uint64(h.max.Load())
	var seen uint64
	j := 0
	for i := 0; i < numBuckets && j < len(qs); i++ {
		seen += h.counts[i].Load()
		for j < len(qs) && float64(seen) >= qs[j]*float64(total) && seen > 0 {
			out[j] = time.Duration(min(upperBound(i), maxV))
			j++
		}
	}
	for ; j < len(qs); j++ {
		out[j] = time.Duration(maxV)
	}
	return out
}
