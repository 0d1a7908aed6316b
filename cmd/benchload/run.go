package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/cmd/internal/stackrun"
	"github.com/tempomall/tempomall/internal/clients"
)

// run runs the whole benchmark and returns the exit status: 0 when it
// measured (whatever the targets say), 1 when it could not.
func run(o options) int {
	// A closed output pipe (SIGPIPE) ends the run as Ctrl-C does: every
	// process is stopped and the run's directory removed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	defer stop()
	klog.SetLevel(klog.LevelFatal) // the benchmark's clients: failures are counted
	out := os.Stdout
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		return 1
	}
	dir, err := os.MkdirTemp(filepath.Dir(o.out), "run-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		return 1
	}
	dir, _ = filepath.Abs(dir)
	r := &results{Began: time.Now().UTC(), Machine: machineInfo()}
	s, err := newStack(ctx, o, dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchload:", err)
		_ = os.RemoveAll(dir)
		return 1
	}
	defer func() {
		s.stop()
		if !o.keep {
			_ = os.RemoveAll(dir)
		} else {
			fmt.Fprintf(os.Stderr, "benchload: logs and data kept in %s\n", dir)
		}
	}()
	r.Settings = settings{
		Levels: o.levels, Rounds: o.rounds, Duration: o.duration.String(), Warmup: o.warmup.String(),
		BareBefore: o.bareBefore, BareAfter: o.bareAfter, BareSettle: o.bareSettle.String(), Poll: o.poll.String(),
		Stack: s.describe(), Commit: commit(),
	}
	if err := measure(ctx, o, s, r, out); err != nil {
		if ctx.Err() != nil { // interrupted: nothing is left behind
			fmt.Fprintln(os.Stderr, "benchload: interrupted; every process stopped")
			return 1
		}
		fmt.Fprintf(os.Stderr, "benchload: %v (logs in %s)\n", err, s.procs.dir)
		o.keep = true // a failure keeps the logs
		return 1
	}
	return 0
}

// measure runs the phases and the measurements, then reports.
func measure(ctx context.Context, o options, s *stack, r *results, out io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "benchload: "+format+"\n", args...) }
	say("starting Temporal and tempomall on ports 18200-18399 (logs in %s)", s.procs.dir)
	if err := s.start(ctx); err != nil {
		return err
	}
	c, err := clients.New(s.cfg, clients.Options{})
	if err != nil {
		return err
	}
	top := slices.Max(o.levels)
	shoppers, err := seed(ctx, s, c, top)
	if err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // idle: let start-up garbage go
	idle := memoryNow(s.measured())
	runID := "b" + stackrun.RandomHex(3)
	var bareN atomic.Int64
	bare := func(journey bool) journeyFunc {
		in := bareInput{Before: o.bareBefore, After: o.bareAfter}
		return func(ctx context.Context, i int) sample {
			id := fmt.Sprintf("bare/%s/%d-%d", runID, i, bareN.Add(1))
			return bareJourney(ctx, s, id, in, journey, o.bareSettle)
		}
	}
	for _, level := range o.levels {
		for round := 1; round <= o.rounds; round++ {
			kinds := []string{kindShop, kindUWS}
			if level == top {
				kinds = append(kinds, kindJourney)
			}
			for _, kind := range kinds {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				say("%s, %d shoppers, round %d of %d", kind, level, round, o.rounds)
				var f journeyFunc
				switch kind {
				case kindShop:
					f = func(ctx context.Context, i int) sample { return shoppers[i].journey(ctx, runID, o.poll) }
				case kindUWS:
					f = bare(false)
				case kindJourney:
					f = bare(true)
				}
				r.Phases = append(r.Phases, phase(ctx, kind, level, round, o, s.measured(), f))
			}
		}
	}
	after := memoryNow(s.measured())
	for _, p := range s.measured() {
		r.Memory = append(r.Memory, memRow{Process: p.name, Idle: idle[p.name], After: after[p.name]})
	}
	say("reading histories")
	var shopIDs, bareIDs []string
	for _, p := range r.Phases {
		switch p.Kind {
		case kindShop:
			shopIDs = append(shopIDs, p.IDs...)
		case kindJourney:
			bareIDs = append(bareIDs, p.IDs...)
		}
	}
	if r.Histories, err = histories(ctx, s.temporal, sampleIDs(shopIDs, o.histories)); err != nil {
		return err
	}
	if r.Bare, err = histories(ctx, s.temporal, sampleIDs(bareIDs, o.histories)); err != nil {
		return err
	}
	if !o.skipDev {
		say("measuring tempomall dev idle")
		if r.Dev, err = devMemory(ctx, s); err != nil {
			say("tempomall dev: %v", err)
		}
	}
	r.Machine.LoadEnd = loadAverage()
	report(out, r)
	if o.timeline {
		fmt.Fprintln(out)
		if err := timeline(ctx, s, r, out); err != nil {
			say("timeline: %v", err)
		}
	}
	return writeJSON(o.out, r)
}

// bareJourney is one bare-uws call (!journey: the workflow is left open)
// or bare journey: the Update-With-Start, then the signal after settle,
// then the wait for the workflow's end.
func bareJourney(ctx context.Context, s *stack, id string, in bareInput, journey bool, settle time.Duration) (sm sample) {
	sm = sample{id: id, start: time.Now()}
	defer func() { sm.end = time.Now() }() // a named result, as in journey
	if sm.err = bareCall(ctx, s.temporal, id, in); sm.err != nil {
		return sm
	}
	sm.answer = time.Since(sm.start)
	if !journey {
		return sm
	}
	select {
	case <-ctx.Done():
		sm.err = ctx.Err()
		return sm
	case <-time.After(settle):
	}
	if sm.err = s.temporal.SignalWorkflow(ctx, id, "", bareSignal, nil); sm.err != nil {
		return sm
	}
	if sm.err = s.temporal.GetWorkflow(ctx, id, "").Get(ctx, nil); sm.err == nil {
		sm.done = time.Since(sm.start)
	}
	return sm
}

// memoryNow reads the memory of every process.
func memoryNow(ps []*proc) map[string]*memSample {
	out := map[string]*memSample{}
	for _, p := range ps {
		if m, err := memory(p.pid()); err == nil {
			out[p.name] = m
		}
	}
	return out
}

// devMemory starts `tempomall dev` against the benchmark's Temporal
// server (its own namespace, ports and data), waits until it is ready and
// idle, reads its memory and stops it.
func devMemory(ctx context.Context, s *stack) (*memSample, error) {
	dataDir := filepath.Join(s.dir, "dev")
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	env := s.devEnv(dataDir)
	if err := stackrun.RunOnce(ctx, env, filepath.Join(s.procs.dir, "dev-setup-temporal.log"), s.o.tempomall, "setup-temporal"); err != nil {
		return nil, err
	}
	p, err := s.procs.start("tempomall dev", s.o.tempomall, []string{"dev"}, env, readyURL(portDev+10))
	if err != nil {
		return nil, err
	}
	defer p.stop(15 * time.Second)
	if err := p.waitReady(ctx, "", 2*time.Minute); err != nil {
		return nil, err
	}
	time.Sleep(5 * time.Second)
	return memory(p.pid())
}

// timeline prints the history of the 1-shopper journey whose answer time
// is nearest the median.
func timeline(ctx context.Context, s *stack, r *results, out io.Writer) error {
	lo := slices.Min(r.Settings.Levels)
	var best phaseResult
	bestIdx, bestGap := -1, math.Inf(1)
	for _, p := range r.phases(kindShop, lo) {
		med := median(p.Answer)
		for i, a := range p.Answer {
			if gap := math.Abs(a - med); gap < bestGap && i < len(p.IDs) {
				best, bestIdx, bestGap = p, i, gap
			}
		}
	}
	if bestIdx < 0 {
		return fmt.Errorf("no %d-shopper journey", lo)
	}
	id := best.IDs[bestIdx]
	events, err := history(ctx, s.temporal, id)
	if err != nil {
		return err
	}
	paid := math.NaN()
	if bestIdx < len(best.Done) {
		paid = best.Done[bestIdx]
	}
	printTimeline(out, "one 1-shopper journey", id, best.Starts[id], best.Answer[bestIdx], paid, events)
	return bareTimeline(ctx, s, r, out)
}

// bareTimeline runs bare journeys one at a time, alone, and prints the
// history of the one whose answer time is the median.
func bareTimeline(ctx context.Context, s *stack, r *results, out io.Writer) error {
	in := bareInput{Before: r.Settings.BareBefore, After: r.Settings.BareAfter}
	settle, err := time.ParseDuration(r.Settings.BareSettle)
	if err != nil {
		return err
	}
	var runs []sample
	for i := range 5 {
		sm := bareJourney(ctx, s, fmt.Sprintf("bare/timeline/%s/%d", stackrun.RandomHex(3), i), in, true, settle)
		if sm.err != nil {
			return sm.err
		}
		runs = append(runs, sm)
	}
	slices.SortFunc(runs, func(a, b sample) int { return int(a.answer - b.answer) })
	m := runs[len(runs)/2]
	events, err := history(ctx, s.temporal, m.id)
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	printTimeline(out, "one bare journey, alone", m.id, m.start, ms(m.answer), ms(m.done), events)
	return nil
}

func writeJSON(path string, r *results) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchload: raw samples in %s\n", path)
	return nil
}

// machineInfo describes the machine, with the load average now.
func machineInfo() machine {
	m := machine{CPUs: runtime.NumCPU(), Platform: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), LoadStart: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.Model = cpuFamily(strings.TrimSpace(v))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// cpuFamily shortens a CPU model name to its maker and family ("AMD EPYC
// 7B13 64-Core Processor" to "AMD EPYC").
func cpuFamily(model string) string {
	f := strings.Fields(model)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return model
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// commit is the checked-out commit, when run in a git checkout.
func commit() string {
	b, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
