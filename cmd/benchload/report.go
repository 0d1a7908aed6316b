package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tempomall/tempomall/internal/config"
)

// num formats a figure with one decimal, "-" when missing.
func num(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f", v)
}

// times formats a ratio, "-" when missing.
func times(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", v)
}

// rate formats journeys per second.
func rate(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

// summary is a kind's figures at one level: medians over the rounds.
type summary struct {
	rounds             int
	journeys, errors   int
	p50, p90, p99      float64 // answer
	done50, done99     float64 // to PAID or completion
	perSecond          float64
	cpuPerJourney      map[string]float64
	processesWithCPUMs []string
}

func summarize(ps []phaseResult) summary {
	s := summary{rounds: len(ps), cpuPerJourney: map[string]float64{}}
	s.p50, s.p90, s.p99, s.done50, s.done99, s.perSecond = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if len(ps) == 0 {
		return s
	}
	for _, p := range ps {
		s.journeys += p.Journeys
		s.errors += p.Errors
	}
	s.p50 = medianOver(ps, func(p phaseResult) float64 { return percentile(p.Answer, 50) })
	s.p90 = medianOver(ps, func(p phaseResult) float64 { return percentile(p.Answer, 90) })
	s.p99 = medianOver(ps, func(p phaseResult) float64 { return percentile(p.Answer, 99) })
	s.done50 = medianOver(ps, func(p phaseResult) float64 { return percentile(p.Done, 50) })
	s.done99 = medianOver(ps, func(p phaseResult) float64 { return percentile(p.Done, 99) })
	s.perSecond = medianOver(ps, func(p phaseResult) float64 { return p.throughput() })
	procs := map[string]bool{}
	for _, p := range ps {
		for name := range p.CPU {
			procs[name] = true
		}
	}
	for name := range procs {
		s.cpuPerJourney[name] = medianOver(ps, func(p phaseResult) float64 {
			if p.Journeys == 0 {
				return math.NaN()
			}
			return p.CPU[name] / float64(p.Journeys)
		})
		s.processesWithCPUMs = append(s.processesWithCPUMs, name)
	}
	sort.Strings(s.processesWithCPUMs)
	return s
}

// report writes the tables and the targets.
func report(w io.Writer, r *results) {
	st := r.Settings
	fmt.Fprintf(w, "tempomall load benchmark: %d rounds of %s (+%s warm-up) per level and kind, medians over rounds\n", st.Rounds, st.Duration, st.Warmup)
	m := r.Machine
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s, kernel %s, %s; load average %s at the start, %s at the end\n",
		m.CPUs, m.Model, m.Platform, m.Kernel, m.Go, m.LoadStart, m.LoadEnd)
	fmt.Fprintf(w, "stack:   %s\n", st.Stack)
	fmt.Fprintf(w, "bare:    Update-With-Start; bare-uws answers after %d no-op local activities (the last two at once) and stays open, as the order does; "+
		"bare-journey is signalled %s after the answer, runs %d more and completes\n", st.BareBefore, st.BareSettle, st.BareAfter)
	fmt.Fprintln(w)
	answerTable(w, r)
	fmt.Fprintln(w)
	paidTable(w, r)
	fmt.Fprintln(w)
	historyTable(w, r)
	fmt.Fprintln(w)
	cpuTable(w, r)
	fmt.Fprintln(w)
	memoryTable(w, r)
	fmt.Fprintln(w)
	printTargets(w, targets(r))
}

func answerTable(w io.Writer, r *results) {
	fmt.Fprintln(w, "checkout answer (ms): tempomall Checkout RPC | bare-uws Update-With-Start | ratio tempomall/bare")
	fmt.Fprintf(w, "  %-8s %8s %7s %8s %8s %8s  | %6s %7s %7s %7s  | %6s %6s %6s\n",
		"shoppers", "journeys", "errors", "p50", "p90", "p99", "calls", "p50", "p90", "p99", "p50", "p90", "p99")
	for _, l := range r.Settings.Levels {
		t, b := summarize(r.phases(kindShop, l)), summarize(r.phases(kindUWS, l))
		fmt.Fprintf(w, "  %-8d %8d %7d %8s %8s %8s  | %6d %7s %7s %7s  | %6s %6s %6s\n",
			l, t.journeys, t.errors, num(t.p50), num(t.p90), num(t.p99), b.journeys, num(b.p50), num(b.p90), num(b.p99),
			times(ratio(t.p50, b.p50)), times(ratio(t.p90, b.p90)), times(ratio(t.p99, b.p99)))
	}
}

func paidTable(w io.Writer, r *results) {
	fmt.Fprintf(w, "time to PAID from the Checkout call (ms; GetOrder every %s) | bare-journey to completion | throughput ratio\n", r.Settings.Poll)
	fmt.Fprintf(w, "  %-8s %9s %8s %11s  | %9s %7s %11s  | %6s\n", "shoppers", "PAID p50", "p99", "journeys/s", "done p50", "p99", "journeys/s", "ratio")
	for _, l := range r.Settings.Levels {
		t, b := summarize(r.phases(kindShop, l)), summarize(r.phases(kindJourney, l))
		fmt.Fprintf(w, "  %-8d %9s %8s %11s  | %9s %7s %11s  | %6s\n",
			l, num(t.done50), num(t.done99), rate(t.perSecond), num(b.done50), num(b.done99), rate(b.perSecond), times(ratio(t.perSecond, b.perSecond)))
	}
}

// historyRows name the counts of a history, in the table's order.
var historyRows = []struct {
	name string
	get  func(histCounts) int
}{
	{"history events", func(h histCounts) int { return h.Events }},
	{"workflow tasks (WorkflowTaskCompleted)", func(h histCounts) int { return h.Tasks }},
	{"workflow executions", func(h histCounts) int { return h.Executions }},
	{"updates accepted", func(h histCounts) int { return h.Updates }},
	{"signals received", func(h histCounts) int { return h.Signals }},
	{"timers started", func(h histCounts) int { return h.Timers }},
	{"  of which pending in open workflows", func(h histCounts) int { return h.TimersPending }},
	{"activity tasks scheduled", func(h histCounts) int { return h.Activities }},
	{"local activity markers", func(h histCounts) int { return h.LocalMarkers }},
	{"child workflows started", func(h histCounts) int { return h.Children }},
	{"search attribute upserts", func(h histCounts) int { return h.Upserts }},
}

// medianCount is the median of a count over histories (NaN: none).
func medianCount(hs []histCounts, get func(histCounts) int) float64 {
	xs := make([]float64, len(hs))
	for i, h := range hs {
		xs[i] = float64(get(h))
	}
	return median(xs)
}

func countText(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int(v))
	}
	return fmt.Sprintf("%.1f", v)
}

func spread(hs []histCounts, get func(histCounts) int) string {
	if len(hs) == 0 {
		return "-"
	}
	lo, hi := get(hs[0]), get(hs[0])
	for _, h := range hs {
		lo, hi = min(lo, get(h)), max(hi, get(h))
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

func historyTable(w io.Writer, r *results) {
	events := func(h histCounts) int { return h.Events }
	tasks := func(h histCounts) int { return h.Tasks }
	fmt.Fprintf(w, "per journey: median of %d sampled journeys (tempomall events %s, workflow tasks %s) and of %d bare journeys\n",
		len(r.Histories), spread(r.Histories, events), spread(r.Histories, tasks), len(r.Bare))
	fmt.Fprintf(w, "  %-40s %9s  %12s\n", "", "tempomall", "bare-journey")
	for _, row := range historyRows {
		fmt.Fprintf(w, "  %-40s %9s  %12s\n", row.name, countText(medianCount(r.Histories, row.get)), countText(medianCount(r.Bare, row.get)))
	}
}

// cpuColumn is one column of the CPU table.
type cpuColumn struct {
	title string
	s     summary
}

func cpuColumns(r *results) []cpuColumn {
	var cols []cpuColumn
	for _, l := range r.Settings.Levels {
		cols = append(cols, cpuColumn{fmt.Sprintf("tempomall %d", l), summarize(r.phases(kindShop, l))})
	}
	top := slices.Max(r.Settings.Levels)
	cols = append(cols, cpuColumn{fmt.Sprintf("bare-uws %d", top), summarize(r.phases(kindUWS, top))},
		cpuColumn{fmt.Sprintf("bare-journey %d", top), summarize(r.phases(kindJourney, top))})
	return cols
}

func cpuTable(w io.Writer, r *results) {
	fmt.Fprintln(w, "CPU time per finished journey (ms, user+system, whole phase; bare-uws: per call)")
	cols := cpuColumns(r)
	var procs []string
	seen := map[string]bool{}
	for _, c := range cols {
		for _, p := range c.s.processesWithCPUMs {
			if !seen[p] {
				seen[p] = true
				procs = append(procs, p)
			}
		}
	}
	sort.Slice(procs, func(i, j int) bool { return processRank(procs[i]) < processRank(procs[j]) })
	var head strings.Builder
	fmt.Fprintf(&head, "  %-20s", "process")
	for _, c := range cols {
		fmt.Fprintf(&head, " %15s", c.title)
	}
	fmt.Fprintln(w, head.String())
	for _, p := range append(procs, "total") {
		var line strings.Builder
		fmt.Fprintf(&line, "  %-20s", p)
		for _, c := range cols {
			v := c.s.cpuPerJourney[p]
			if p == "total" {
				v = 0
				for _, q := range procs {
					if x := c.s.cpuPerJourney[q]; !math.IsNaN(x) {
						v += x
					}
				}
				if c.s.journeys == 0 {
					v = math.NaN()
				}
			} else if _, ok := c.s.cpuPerJourney[p]; !ok {
				v = math.NaN()
			}
			fmt.Fprintf(&line, " %15s", num(v))
		}
		fmt.Fprintln(w, line.String())
	}
}

// processOrder is the order of processes in the tables.
var processOrder = []string{"auth", "user", "product", "cart", "order", "payment", "checkout", "sandbox", "worker", "bare worker", "temporal", "benchload"}

func processRank(name string) int {
	if i := slices.Index(processOrder, name); i >= 0 {
		return i
	}
	return len(processOrder)
}

func memoryTable(w io.Writer, r *results) {
	fmt.Fprintln(w, "resident memory (MB): VmRSS idle (of which anonymous) and after the load, VmHWM peak")
	fmt.Fprintf(w, "  %-28s %6s %5s %11s %6s %6s\n", "process", "idle", "anon", "after load", "anon", "peak")
	for _, m := range r.Memory {
		name := m.Process
		if name == "temporal" {
			name = "temporal dev server"
		}
		after, anon, peak := math.NaN(), math.NaN(), math.NaN()
		if m.After != nil {
			after, anon, peak = m.After.RSS, m.After.Anon, m.After.Peak
		}
		idleRSS, idleAnon := math.NaN(), math.NaN()
		if m.Idle != nil {
			idleRSS, idleAnon = m.Idle.RSS, m.Idle.Anon
		}
		fmt.Fprintf(w, "  %-28s %6s %5s %11s %6s %6s\n", name, num(idleRSS), num(idleAnon), num(after), num(anon), num(peak))
	}
	if d := r.Dev; d != nil {
		fmt.Fprintf(w, "  %-28s %6s %5s %11s %6s %6s\n", "tempomall dev (all in one)", num(d.RSS), num(d.Anon), "-", "-", num(d.Peak))
	} else {
		fmt.Fprintf(w, "  %-28s %6s\n", "tempomall dev (all in one)", "not measured")
	}
}

// Issue 10's bounds.
const (
	maxAnswerRatio   = 2.0
	minJourneyRatio  = 0.8
	maxEvents        = 60
	maxTasks         = 10
	maxServiceRSSMB  = 40
	maxDevRSSMB      = 100
	serviceRSSTarget = "RSS idle, each service and the worker"
)

// targets evaluates issue 10's goals.
func targets(r *results) []target {
	lo, hi := slices.Min(r.Settings.Levels), slices.Max(r.Settings.Levels)
	tLo, bLo := summarize(r.phases(kindShop, lo)), summarize(r.phases(kindUWS, lo))
	tHi, bHi := summarize(r.phases(kindShop, hi)), summarize(r.phases(kindUWS, hi))
	jHi := summarize(r.phases(kindJourney, hi))
	var ts []target
	ts = append(ts, target{
		name: fmt.Sprintf("checkout answer p50, %d shopper%s", lo, plural(lo)), got: ratio(tLo.p50, bLo.p50), limit: maxAnswerRatio, atMost: true,
		detail: fmt.Sprintf("%s ms = %s bare-uws %s ms", num(tLo.p50), times(ratio(tLo.p50, bLo.p50)), num(bLo.p50)),
		rule:   fmt.Sprintf("<= %gx bare-uws p50", maxAnswerRatio),
	}, target{
		name: fmt.Sprintf("checkout answer p99, %d shoppers", hi), got: ratio(tHi.p99, bHi.p99), limit: maxAnswerRatio, atMost: true,
		detail: fmt.Sprintf("%s ms = %s bare-uws %s ms", num(tHi.p99), times(ratio(tHi.p99, bHi.p99)), num(bHi.p99)),
		rule:   fmt.Sprintf("<= %gx bare-uws p99", maxAnswerRatio),
	}, target{
		name: fmt.Sprintf("journeys/s, %d shoppers", hi), got: ratio(tHi.perSecond, jHi.perSecond), limit: minJourneyRatio,
		detail: fmt.Sprintf("%s/s = %s bare-journey %s/s", rate(tHi.perSecond), times(ratio(tHi.perSecond, jHi.perSecond)), rate(jHi.perSecond)),
		rule:   fmt.Sprintf(">= %gx bare-journey", minJourneyRatio),
	})
	ev := medianCount(r.Histories, func(h histCounts) int { return h.Events })
	tk := medianCount(r.Histories, func(h histCounts) int { return h.Tasks })
	ts = append(ts,
		target{name: "history events per journey", got: ev, limit: maxEvents, atMost: true, detail: countText(ev), rule: fmt.Sprintf("<= %d", int(maxEvents))},
		target{name: "workflow tasks per journey", got: tk, limit: maxTasks, atMost: true, detail: countText(tk), rule: fmt.Sprintf("<= %d", int(maxTasks))})
	largest, which := math.NaN(), ""
	for _, m := range r.Memory {
		if m.Idle == nil || !isServiceOrWorker(m.Process) {
			continue
		}
		if math.IsNaN(largest) || m.Idle.RSS > largest {
			largest, which = m.Idle.RSS, m.Process
		}
	}
	ts = append(ts, target{name: serviceRSSTarget, got: largest, limit: maxServiceRSSMB, atMost: true, strict: true,
		detail: fmt.Sprintf("largest %s MB (%s)", num(largest), which), rule: fmt.Sprintf("< %g MB", float64(maxServiceRSSMB))})
	dev := math.NaN()
	if r.Dev != nil {
		dev = r.Dev.RSS
	}
	ts = append(ts, target{name: "RSS idle, tempomall dev", got: dev, limit: maxDevRSSMB, atMost: true, strict: true,
		detail: num(dev) + " MB", rule: fmt.Sprintf("< %g MB", float64(maxDevRSSMB))})
	return ts
}

func isServiceOrWorker(name string) bool {
	return name == "worker" || slices.Contains(config.Services, name)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
