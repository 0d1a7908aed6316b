package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// report is what a run prints at the end.
type report struct {
	began      time.Time
	opts       options
	backend    string
	dir        string
	outcomes   map[string]map[string]int
	kills      []countRow
	retried    []string
	slowest    []string
	invariants []*invariant
	unsettled  []string
	money      string
	phases     []phase
	phaseStart time.Time
}

// mark ends a phase of the run: it took the time since the previous
// mark (or since the report was made).
func (r *report) mark(name string) {
	now := time.Now()
	if r.phaseStart.IsZero() {
		r.phaseStart = r.began
	}
	r.phases = append(r.phases, phase{name, now.Sub(r.phaseStart)})
	r.phaseStart = now
}

// phase is a named part of the run and how long it took.
type phase struct {
	name string
	took time.Duration
}

// passed reports whether every invariant held.
func (r *report) passed() bool {
	for _, inv := range r.invariants {
		if len(inv.violations) > 0 {
			return false
		}
	}
	return len(r.invariants) > 0
}

// maxListed bounds the violations printed per invariant.
const maxListed = 15

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "\n== tempomall chaos: %d shoppers for %s, seed %d, %s\n", r.opts.shoppers, r.opts.duration, r.opts.seed, r.backend)

	fmt.Fprintf(w, "\n%-22s %-72s %6s\n", "journey", "outcome", "count")
	total := 0
	for _, j := range sortedKeys(r.outcomes) {
		outs := r.outcomes[j]
		names := sortedKeys(outs)
		sort.SliceStable(names, func(a, b int) bool { return outs[names[a]] > outs[names[b]] })
		for i, o := range names {
			label := ""
			if i == 0 {
				label = j
			}
			fmt.Fprintf(w, "%-22s %-72s %6d\n", label, clip(o, 72), outs[o])
			total += outs[o]
		}
	}
	fmt.Fprintf(w, "%-22s %-72s %6d\n", "all", "", total)

	fmt.Fprintf(w, "\n%-95s %6s\n", "kills and exits", "count")
	if len(r.kills) == 0 {
		fmt.Fprintf(w, "%-95s %6d\n", "none", 0)
	}
	for _, k := range r.kills {
		fmt.Fprintf(w, "%-95s %6d\n", k.name, k.count)
	}
	if len(r.retried) > 0 {
		fmt.Fprintf(w, "\ncalls sent again after no answer: %s\n", strings.Join(r.retried, ", "))
	}
	if len(r.slowest) > 0 {
		fmt.Fprintf(w, "slowest attempts: %s\n", strings.Join(r.slowest, ", "))
	}
	if len(r.unsettled) > 0 {
		fmt.Fprintf(w, "\nnot settled after %s: %s\n", r.opts.settle, strings.Join(r.unsettled, ", "))
	}

	fmt.Fprintf(w, "\n%-78s %8s %10s %6s\n", "invariant", "checked", "violations", "result")
	for _, inv := range r.invariants {
		result := "PASS"
		if len(inv.violations) > 0 {
			result = "FAIL"
		}
		fmt.Fprintf(w, "%-78s %8d %10d %6s\n", clip(inv.name, 78), inv.checked, len(inv.violations), result)
	}
	fmt.Fprintf(w, "\nmoney at the sandbox: %s\n", r.money)
	for _, inv := range r.invariants {
		if len(inv.violations) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nFAIL %s:\n", inv.name)
		for i, v := range inv.violations {
			if i == maxListed {
				fmt.Fprintf(w, "  ... and %d more\n", len(inv.violations)-maxListed)
				break
			}
			fmt.Fprintf(w, "  - %s\n", v)
		}
	}
	var parts []string
	var sum time.Duration
	for _, p := range r.phases {
		parts = append(parts, fmt.Sprintf("%s %s", p.name, p.took.Round(100*time.Millisecond)))
		sum += p.took
	}
	fmt.Fprintf(w, "\nelapsed %s: %s\n", sum.Round(100*time.Millisecond), strings.Join(parts, ", "))
	verdict := "PASS: every invariant held"
	if !r.passed() {
		verdict = "FAIL: invariants violated"
	}
	if r.passed() && !r.opts.keep {
		fmt.Fprintln(w, verdict)
		return
	}
	fmt.Fprintf(w, "%s (logs and state kept in %s)\n", verdict, r.dir)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
