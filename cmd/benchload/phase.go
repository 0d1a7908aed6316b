package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// journeyFunc runs one journey of client number i.
type journeyFunc func(ctx context.Context, i int) sample

// phase runs level clients in a closed loop (each starts its next journey
// when the last ends): a warm-up of at least warmup and until every
// client has ended a journey, then the measured window. Journeys that
// start and end in the window count; the clients then finish the journey
// they are in and stop.
func phase(ctx context.Context, kind string, level, round int, o options, measured []*proc, run journeyFunc) phaseResult {
	var (
		mu      sync.Mutex
		samples []sample
		ended   = make([]atomic.Bool, level)
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := range level {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && callCtx.Err() == nil {
				s := run(callCtx, i)
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
				ended[i].Store(true)
			}
		}()
	}
	warm := time.Now().Add(o.warmup)
	limit := warm.Add(2 * time.Minute)
	for time.Now().Before(limit) && ctx.Err() == nil {
		all := true
		for i := range ended {
			all = all && ended[i].Load()
		}
		if all && !time.Now().Before(warm) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cpu0 := cpuNow(measured)
	from := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(o.duration):
	}
	to := time.Now()
	cpu1 := cpuNow(measured)
	stop.Store(true)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cancel()
		<-done
	}
	p := phaseResult{Kind: kind, Level: level, Round: round, Seconds: to.Sub(from).Seconds(), CPU: map[string]float64{}, Starts: map[string]time.Time{}}
	for name, v := range cpu1 {
		p.CPU[name] = v - cpu0[name]
	}
	var firstErr error
	for _, s := range samples {
		if s.start.Before(from) || s.end.After(to) {
			continue
		}
		if s.err != nil {
			p.Errors++
			if firstErr == nil {
				firstErr = s.err
			}
			continue
		}
		p.Journeys++
		p.Answer = append(p.Answer, ms(s.answer))
		if s.done > 0 {
			p.Done = append(p.Done, ms(s.done))
		}
		if s.id != "" {
			p.IDs = append(p.IDs, s.id)
			p.Starts[s.id] = s.start
		}
	}
	if firstErr != nil {
		fmt.Fprintf(os.Stderr, "benchload: %s, %d shoppers, round %d: %d errors, the first: %v\n", kind, level, round, p.Errors, firstErr)
	}
	return p
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuNow reads the CPU time of each process and of the benchmark itself.
func cpuNow(measured []*proc) map[string]float64 {
	out := map[string]float64{}
	for _, p := range measured {
		if v, err := cpuMs(p.pid()); err == nil {
			out[p.name] = v
		}
	}
	if v, err := cpuMs(os.Getpid()); err == nil {
		out["benchload"] = v
	}
	return out
}
