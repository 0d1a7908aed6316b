package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/tempomall/tempomall/internal/config"
)

// killer SIGKILLs parts of the system during the run: the worker, the
// services and the sandbox at random moments (each restarted by its
// keeper after a short random pause), the worker at named crash points,
// and the Temporal dev server (restarted on its state file).
//
// Crash points are armed through the worker's TEMPOMALL_CRASH_POINTS
// during the middle half of the run, in as many slots as the crash limit
// allows: a slot arms them (restarting the worker gracefully), the first
// crash disarms them (the worker comes back without), the next slot arms
// them again. So the crashes spread over the window instead of coming
// one after the other, each stalling the activities in flight.
type killer struct {
	c      *cluster
	opts   options
	rng    *rand.Rand
	events *eventLog

	mu sync.Mutex
	// counts of kills and exits, by what: "worker", "order", ...,
	// "crash point charge-accepted", "exited on its own: worker".
	counts  map[string]int
	crashes int
}

// Kinds of actions on the timeline.
const (
	actKill     = "kill"
	actArm      = "arm"
	actDisarm   = "disarm"
	actTemporal = "restart temporal"
)

type action struct {
	at   time.Duration
	what string
}

func newKiller(c *cluster, o options, rng *rand.Rand, events *eventLog) *killer {
	k := &killer{c: c, opts: o, rng: rng, events: events, counts: map[string]int{}}
	for _, p := range c.procs {
		p.onExit = k.exited
	}
	return k
}

// exited is told how every run of every process ended.
func (k *killer) exited(info exitInfo) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case info.crashPoint != "":
		k.counts["crash point "+info.crashPoint]++
		k.crashes++
		k.events.Printf("%s exited at crash point %s (status %d)", info.name, info.crashPoint, info.code)
		k.c.armCrashPoints("") // the worker comes back without; the next slot arms them again
		if k.crashes >= k.opts.crashLimit {
			k.events.Printf("crash limit %d reached", k.opts.crashLimit)
		}
	case !info.killed:
		k.counts["exited on its own: "+info.name]++
	}
}

// plan lays the actions out over the duration.
func (k *killer) plan() []action {
	d := k.opts.duration
	var acts []action
	for range k.opts.kills {
		acts = append(acts, action{at: d/10 + time.Duration(k.rng.Int64N(int64(d*8/10))), what: actKill})
	}
	if n := k.opts.crashLimit; n > 0 && k.opts.crashPoints != "" {
		window := d / 2
		for i := range n {
			acts = append(acts, action{at: d/4 + window*time.Duration(i)/time.Duration(n), what: actArm})
		}
		acts = append(acts, action{at: d * 3 / 4, what: actDisarm})
	}
	for i := range k.opts.temporalRestarts {
		acts = append(acts, action{at: d * time.Duration(i+1) / time.Duration(k.opts.temporalRestarts+1), what: actTemporal})
	}
	sort.SliceStable(acts, func(i, j int) bool { return acts[i].at < acts[j].at })
	return acts
}

// run performs the plan until it is done or ctx ends; began is when the
// run's clock started.
func (k *killer) run(ctx context.Context, began time.Time) {
	for _, a := range k.plan() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(began.Add(a.at))):
		}
		switch a.what {
		case actKill:
			k.killRandom()
		case actArm:
			if k.crashesLeft() && !k.c.crashArmedNow() {
				k.c.armCrashPoints(k.opts.crashPoints)
				k.restartWorker("arm")
			}
		case actDisarm:
			k.disarm()
		case actTemporal:
			k.kill(procTemporal, time.Second+time.Duration(k.rng.IntN(1000))*time.Millisecond)
		}
	}
}

// targets are the processes random kills choose from, with weights: the
// worker most, the sandbox next, each service once.
func targets() []string {
	t := []string{procWorker, procWorker, procWorker, procSandbox, procSandbox}
	return append(t, config.Services...)
}

func (k *killer) killRandom() {
	ts := targets()
	k.kill(ts[k.rng.IntN(len(ts))], 200*time.Millisecond+time.Duration(k.rng.IntN(2800))*time.Millisecond)
}

// kill SIGKILLs a process, restarted after pause.
func (k *killer) kill(name string, pause time.Duration) {
	p := k.c.procs[name]
	if p == nil || !p.kill(pause) {
		k.events.Printf("kill %s: not running", name)
		return
	}
	k.mu.Lock()
	k.counts[name]++
	k.mu.Unlock()
	k.events.Printf("SIGKILL %s (restart in %s)", name, pause.Round(time.Millisecond))
}

// crashesLeft reports whether the crash limit allows another crash.
func (k *killer) crashesLeft() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.crashes < k.opts.crashLimit
}

// disarm disarms the crash points, restarting the worker if it runs
// with them.
func (k *killer) disarm() {
	k.c.armCrashPoints("")
	if k.c.crashArmedNow() {
		k.restartWorker("disarm")
	}
}

// restartWorker restarts the worker gracefully (SIGTERM: its activities
// in flight finish) so that it starts with its new crash points (verb:
// arm or disarm).
func (k *killer) restartWorker(verb string) {
	if !k.c.procs[procWorker].restart(15 * time.Second) {
		k.events.Printf("the worker is down: it starts again with crash points %sed", verb)
		return
	}
	k.mu.Lock()
	k.counts["worker restarted (SIGTERM) to "+verb+" crash points"]++
	k.mu.Unlock()
	k.events.Printf("restarted the worker to %s crash points (%s)", verb, k.opts.crashPoints)
}

// summary returns the counts, sorted by name.
func (k *killer) summary() []countRow {
	k.mu.Lock()
	defer k.mu.Unlock()
	rows := make([]countRow, 0, len(k.counts))
	for name, n := range k.counts {
		rows = append(rows, countRow{name, n})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	return rows
}

// countRow is a name with a count, for the report.
type countRow struct {
	name  string
	count int
}

func (r countRow) String() string { return fmt.Sprintf("%s: %d", r.name, r.count) }
