package main

import (
	"math"
	"slices"
)

// percentile returns the p-th percentile (0-100) of xs by linear
// interpolation between the closest ranks; NaN for no samples.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 1 {
		return s[0]
	}
	rank := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return s[lo] + (s[hi]-s[lo])*(rank-float64(lo))
}

// median is the 50th percentile.
func median(xs []float64) float64 { return percentile(xs, 50) }

// ratio is a/b, NaN when either is missing or b is 0.
func ratio(a, b float64) float64 {
	if math.IsNaN(a) || math.IsNaN(b) || b == 0 {
		return math.NaN()
	}
	return a / b
}

// medianOver returns the median over rounds of f of each round; rounds
// without samples (NaN) are left out.
func medianOver[T any](rounds []T, f func(T) float64) float64 {
	var xs []float64
	for _, r := range rounds {
		if v := f(r); !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	return median(xs)
}
