package main

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestPlanSpreadsKillsAndCrashSlots(t *testing.T) {
	o := options{duration: 100 * time.Second, kills: 10, crashLimit: 4, crashPoints: "charge-accepted=0.1", temporalRestarts: 1}
	k := &killer{opts: o, rng: rand.New(rand.NewPCG(1, 2))}
	counts := map[string]int{}
	var last time.Duration
	for _, a := range k.plan() {
		counts[a.what]++
		if a.at < last {
			t.Fatalf("plan not in time order at %s", a.at)
		}
		last = a.at
		if a.what == actKill && (a.at < 10*time.Second || a.at > 90*time.Second) {
			t.Errorf("a kill at %s, outside the middle 80%%", a.at)
		}
		if a.what == actArm && (a.at < 25*time.Second || a.at >= 75*time.Second) {
			t.Errorf("crash points armed at %s, outside the middle half", a.at)
		}
	}
	want := map[string]int{actKill: 10, actArm: 4, actDisarm: 1, actTemporal: 1}
	for what, n := range want {
		if counts[what] != n {
			t.Errorf("%d %q actions, want %d", counts[what], what, n)
		}
	}
}
