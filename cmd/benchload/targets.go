package main

import (
	"fmt"
	"io"
	"math"
)

// target is one of issue 10's goals and what the run measured for it.
type target struct {
	name string
	// got is the measured value, limit the bound: got <= limit (atMost)
	// or got >= limit (!atMost); NaN: not measured.
	got, limit float64
	atMost     bool
	// strict: got < limit (a strict bound, as "< 40 MB").
	strict bool
	// detail explains got, rule states the bound.
	detail, rule string
}

// verdict is PASS, MISS, or "n/a" when nothing was measured.
func (t target) verdict() string {
	switch {
	case math.IsNaN(t.got) || math.IsNaN(t.limit):
		return "n/a"
	case t.atMost && t.strict && t.got < t.limit,
		t.atMost && !t.strict && t.got <= t.limit,
		!t.atMost && t.got >= t.limit:
		return "PASS"
	}
	return "MISS"
}

// printTargets writes one line per target.
func printTargets(w io.Writer, ts []target) {
	fmt.Fprintln(w, "targets")
	for _, t := range ts {
		fmt.Fprintf(w, "  %-4s  %-38s %44s  %s\n", t.verdict(), t.name, t.detail, t.rule)
	}
}
