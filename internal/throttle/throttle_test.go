package throttle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/dbx/redistest"
	"github.com/tempomall/tempomall/internal/throttle"
)

// start is the fake clocks' starting time.
var start = time.UnixMilli(1_700_000_000_000)

// counters returns the counters under test, each reading the time from a
// fake clock: in process always, Redis when TEMPOMALL_TEST_REDIS_ADDR is
// set.
func counters(t *testing.T) map[string]func(now func() time.Time) throttle.Counter {
	t.Helper()
	m := map[string]func(func() time.Time) throttle.Counter{
		"memory": func(now func() time.Time) throttle.Counter { return throttle.NewMemory(throttle.WithClock(now)) },
	}
	if redistest.Enabled() {
		m["redis"] = func(now func() time.Time) throttle.Counter {
			rdb, prefix := redistest.Open(t)
			return throttle.NewRedis(rdb, prefix, throttle.WithClock(now))
		}
	}
	return m
}

// step is one action on a counter: fail, get, reset or wait.
type step struct {
	op   string
	key  string
	wait time.Duration
}

// seen is what a step observed: the count, and for get the age of the last
// failure.
type seen struct {
	Count int
	Age   time.Duration
}

func TestCounter(t *testing.T) {
	const window = time.Minute
	fail := func(k string) step { return step{op: "fail", key: k} }
	get := func(k string) step { return step{op: "get", key: k} }
	wait := func(d time.Duration) step { return step{op: "wait", wait: d} }
	tests := []struct {
		name  string
		steps []step
		want  []seen // one per fail and get
	}{
		{"unknown key", []step{get("a")}, []seen{{}}},
		{"failures add up", []step{fail("a"), fail("a"), get("a")},
			[]seen{{Count: 1}, {Count: 2}, {Count: 2}}},
		{"keys are apart", []step{fail("a"), fail("b"), fail("a"), get("b")},
			[]seen{{Count: 1}, {Count: 1}, {Count: 2}, {Count: 1}}},
		{"get tells the time of the last failure", []step{fail("a"), wait(10 * time.Second), fail("a"), wait(5 * time.Second), get("a")},
			[]seen{{Count: 1}, {Count: 2}, {Count: 2, Age: 5 * time.Second}}},
		{"a failure within the window extends it", []step{fail("a"), wait(50 * time.Second), fail("a"), wait(50 * time.Second), get("a")},
			[]seen{{Count: 1}, {Count: 2}, {Count: 2, Age: 50 * time.Second}}},
		{"forgotten after a quiet window", []step{fail("a"), fail("a"), wait(window), get("a"), fail("a")},
			[]seen{{Count: 1}, {Count: 2}, {}, {Count: 1}}},
		{"reset forgets", []step{fail("a"), fail("a"), {op: "reset", key: "a"}, get("a"), fail("a")},
			[]seen{{Count: 1}, {Count: 2}, {}, {Count: 1}}},
	}
	for name, mk := range counters(t) {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				now := start
				c := mk(func() time.Time { return now })
				var got []seen
				for _, s := range tt.steps {
					switch s.op {
					case "fail":
						n, err := c.Fail(ctx, s.key, window)
						if err != nil {
							t.Fatalf("fail: %v", err)
						}
						got = append(got, seen{Count: n})
					case "get":
						n, last, err := c.Get(ctx, s.key)
						if err != nil {
							t.Fatalf("get: %v", err)
						}
						sn := seen{Count: n}
						if n > 0 {
							sn.Age = now.Sub(last)
						}
						got = append(got, sn)
					case "reset":
						if err := c.Reset(ctx, s.key); err != nil {
							t.Fatalf("reset: %v", err)
						}
					case "wait":
						now = now.Add(s.wait)
					}
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("observations (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestCounterConcurrentFailures checks that simultaneous failures are all
// counted.
func TestCounterConcurrentFailures(t *testing.T) {
	for name, mk := range counters(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := mk(func() time.Time { return start })
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := c.Fail(ctx, "k", time.Minute); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if n, _, _ := c.Get(ctx, "k"); n != 20 {
				t.Errorf("count = %d, want 20", n)
			}
		})
	}
}

// TestRedisKeyExpires checks that Redis forgets a key on its own once the
// window has passed in real time.
func TestRedisKeyExpires(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	ctx := context.Background()
	c := throttle.NewRedis(rdb, prefix)
	if _, err := c.Fail(ctx, "k", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"throttle:k").Result()
	if err != nil || ttl <= 0 || ttl > 100*time.Millisecond {
		t.Fatalf("ttl = %v, %v; want (0, 100ms]", ttl, err)
	}
	time.Sleep(150 * time.Millisecond)
	if n, _ := rdb.Exists(ctx, prefix+"throttle:k").Result(); n != 0 {
		t.Errorf("key still exists after its window")
	}
}
