package ycsb

import (
	"math/bits"
	"time"
)

// Histogram counts durations in log-linear buckets: exact below 128ns,
// then 128 buckets per power of two, so every reported value is within
// 1/128 (under 0.8%) of a recorded one. It covers the whole int64 range of
// nanoseconds in 7,424 counters. The zero value is ready to use.
type Histogram struct {
	counts [histBuckets]uint64
	total  uint64
	min    time.Duration
	max    time.Duration
	sum    time.Duration
}

const (
	subBits     = 7
	subCount    = 1 << subBits
	histBuckets = (64 - subBits + 1) * subCount
)

// bucketOf returns the bucket that counts v nanoseconds.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	l := bits.Len64(v) // 8..64
	shift := l - subBits - 1
	return (l-subBits)*subCount + int(v>>shift) - subCount
}

// bucketHigh returns the largest value that bucket b counts.
func bucketHigh(b int) uint64 {
	if b < subCount {
		return uint64(b)
	}
	group := b / subCount // 1..57
	shift := group - 1
	top := uint64(subCount + b%subCount)
	return (top+1)<<shift - 1
}

// Record counts one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	d = max(d, 0)
	h.counts[bucketOf(uint64(d))]++
	if h.total == 0 || d < h.min {
		h.min = d
	}
	h.max = max(h.max, d)
	h.total++
	h.sum += d
}

// Count returns the number of recorded durations.
func (h *Histogram) Count() uint64 { return h.total }

// Max returns the largest recorded duration.
func (h *Histogram) Max() time.Duration { return h.max }

// Mean returns the mean of the recorded durations.
func (h *Histogram) Mean() time.Duration {
	if h.total == 0 {
		return 0
	}
	return h.sum / time.Duration(h.total)
}

// Quantile returns the q-quantile (0 <= q <= 1) of the recorded durations:
// the smallest bucket bound at or above q of them, clamped to the recorded
// minimum and maximum. It is 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.total == 0 {
		return 0
	}
	rank := uint64(q*float64(h.total) + 0.5)
	rank = min(max(rank, 1), h.total)
	var seen uint64
	for b, c := range h.counts {
		if seen += c; seen >= rank {
			return min(max(time.Duration(bucketHigh(b)), h.min), h.max)
		}
	}
	return h.max
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	for b, c := range o.counts {
		h.counts[b] += c
	}
	if h.total == 0 || o.min < h.min {
		h.min = o.min
	}
	h.max = max(h.max, o.max)
	h.total += o.total
	h.sum += o.sum
}

// Reset empties h.
func (h *Histogram) Reset() { *h = Histogram{} }
