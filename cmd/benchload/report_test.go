package main

import (
	"bufio"
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3} // sorted: 1 2 3 4 5
	for _, tc := range []struct{ p, want float64 }{
		{0, 1}, {50, 3}, {100, 5}, {25, 2}, {90, 4.6}, {99, 4.96},
	} {
		if got := percentile(xs, tc.p); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("percentile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if xs[0] != 5 {
		t.Error("percentile sorted its input in place")
	}
	if !math.IsNaN(percentile(nil, 50)) {
		t.Error("percentile of no samples is not NaN")
	}
	if got := percentile([]float64{7}, 99); got != 7 {
		t.Errorf("percentile of one sample = %v", got)
	}
}

func TestMedianOverSkipsEmptyRounds(t *testing.T) {
	rounds := [][]float64{{10}, nil, {30}, {20}}
	if got := medianOver(rounds, func(r []float64) float64 { return percentile(r, 50) }); got != 20 {
		t.Errorf("medianOver = %v, want 20", got)
	}
}

func TestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		t    target
		want string
	}{
		{target{got: 2, limit: 2, atMost: true}, "PASS"},
		{target{got: 2.01, limit: 2, atMost: true}, "MISS"},
		{target{got: 40, limit: 40, atMost: true, strict: true}, "MISS"},
		{target{got: 39.9, limit: 40, atMost: true, strict: true}, "PASS"},
		{target{got: 0.8, limit: 0.8}, "PASS"},
		{target{got: 0.13, limit: 0.8}, "MISS"},
		{target{got: math.NaN(), limit: 60, atMost: true}, "n/a"},
	} {
		if got := tc.t.verdict(); got != tc.want {
			t.Errorf("%+v: verdict %s, want %s", tc.t, got, tc.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	status := "Name:\ttempomall\nVmHWM:\t   81920 kB\nVmRSS:\t   40960 kB\nRssAnon:\t   20480 kB\nThreads:\t9\n"
	m, err := parseStatus(bufio.NewScanner(strings.NewReader(status)))
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 40 || m.Anon != 20 || m.Peak != 80 {
		t.Errorf("parseStatus = %+v, want RSS 40, anon 20, peak 80 MB", *m)
	}
	if _, err := parseStatus(bufio.NewScanner(strings.NewReader("Name:\tx\n"))); err == nil {
		t.Error("a status without memory lines parsed")
	}
}

func TestParseStatCPU(t *testing.T) {
	// pid (comm with a space) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
	stat := "4242 (temporal server) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0"
	got, err := parseStatCPU(stat)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3000 {
		t.Errorf("parseStatCPU = %v ms, want 3000", got)
	}
}

func TestParseLevels(t *testing.T) {
	if got, err := parseLevels("1, 8,32"); err != nil || len(got) != 3 || got[2] != 32 {
		t.Errorf("parseLevels = %v, %v", got, err)
	}
	for _, bad := range []string{"", "8,1", "0", "1,x", "1,1"} {
		if _, err := parseLevels(bad); err == nil {
			t.Errorf("parseLevels(%q) did not fail", bad)
		}
	}
}

// fakeResults is a run of two levels: tempomall at 3x the bare answer.
func fakeResults() *results {
	r := &results{Settings: settings{Levels: []int{1, 4}, Rounds: 1, Duration: "10s", Warmup: "5s", BareBefore: 5, BareAfter: 2, BareSettle: "300ms", Poll: "100ms", Stack: "test"}}
	r.Machine = machine{CPUs: 2, Model: "Test CPU", Platform: "linux/amd64", Kernel: "6", Go: "go1.26", LoadStart: "0 0 0", LoadEnd: "1 1 1"}
	phase := func(kind string, level int, answer, done float64, n int) phaseResult {
		p := phaseResult{Kind: kind, Level: level, Round: 1, Seconds: 10, Journeys: n, CPU: map[string]float64{"worker": float64(n) * 2, "temporal": float64(n) * 10}}
		for range n {
			p.Answer = append(p.Answer, answer)
			if done > 0 {
				p.Done = append(p.Done, done)
			}
		}
		return p
	}
	r.Phases = []phaseResult{
		phase(kindShop, 1, 150, 500, 20), phase(kindUWS, 1, 50, 0, 200),
		phase(kindShop, 4, 300, 700, 50), phase(kindUWS, 4, 100, 0, 400), phase(kindJourney, 4, 100, 500, 100),
	}
	r.Histories = []histCounts{{Events: 50, Tasks: 8}, {Events: 52, Tasks: 9}, {Events: 54, Tasks: 9}}
	r.Bare = []histCounts{{Events: 30, Tasks: 3}}
	r.Memory = []memRow{
		{Process: "auth", Idle: &memSample{RSS: 30, Anon: 10}, After: &memSample{RSS: 31, Anon: 11, Peak: 32}},
		{Process: "worker", Idle: &memSample{RSS: 45, Anon: 20}},
		{Process: "temporal", Idle: &memSample{RSS: 200, Anon: 100}},
	}
	r.Dev = &memSample{RSS: 90, Anon: 40, Peak: 95}
	return r
}

func TestTargets(t *testing.T) {
	got := map[string]string{}
	for _, tg := range targets(fakeResults()) {
		got[tg.name] = tg.verdict()
	}
	want := map[string]string{
		"checkout answer p50, 1 shopper":  "MISS", // 150 = 3x 50
		"checkout answer p99, 4 shoppers": "MISS", // 300 = 3x 100
		"journeys/s, 4 shoppers":          "MISS", // 5/s = 0.5x 10/s
		"history events per journey":      "PASS", // 52
		"workflow tasks per journey":      "PASS", // 9
		serviceRSSTarget:                  "MISS", // the worker's 45 MB; temporal does not count
		"RSS idle, tempomall dev":         "PASS",
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s: %s, want %s", name, got[name], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("targets %v, want %d of them", got, len(want))
	}
}

func TestReport(t *testing.T) {
	var b bytes.Buffer
	report(&b, fakeResults())
	out := b.String()
	for _, want := range []string{
		"tempomall load benchmark: 1 rounds of 10s (+5s warm-up)",
		"machine: 2 CPUs (Test CPU), linux/amd64",
		"  1              20       0    150.0    150.0    150.0  |    200    50.0    50.0    50.0  |  3.00x  3.00x  3.00x",
		"  4            700.0    700.0        5.00  |     500.0   500.0       10.00  |  0.50x",
		"  1            500.0    500.0        2.00  |         -       -           -  |      -",
		"  history events                                  52            30",
		"  worker                           2.0             2.0             2.0",
		"  total                           12.0            12.0            12.0            12.0",
		"  auth                           30.0  10.0        31.0   11.0   32.0",
		"  tempomall dev (all in one)     90.0  40.0           -      -   95.0",
		"  MISS  checkout answer p50, 1 shopper",
		"largest 45.0 MB (worker)",
		"  PASS  RSS idle, tempomall dev",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestSampleIDsSpreads(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	got := sampleIDs(ids, 5)
	if strings.Join(got, "") != "acegi" {
		t.Errorf("sampleIDs = %v", got)
	}
	if len(sampleIDs(ids[:3], 5)) != 3 {
		t.Error("sampleIDs of fewer ids than asked")
	}
}
