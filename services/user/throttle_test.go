package user

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
	"github.com/tempomall/tempomall/internal/throttle"
)

func TestThrottleRuleWait(t *testing.T) {
	r := ThrottleRule{Free: 3, LockAfter: 10, Lockout: 15 * time.Minute}
	var got []time.Duration
	for n := range 12 {
		got = append(got, r.wait(n))
	}
	s := time.Second
	want := []time.Duration{0, 0, 0, s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, 64 * s, 15 * time.Minute, 15 * time.Minute}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("waits after 0..11 failures (-want +got):\n%s", diff)
	}
	short := ThrottleRule{Free: 0, LockAfter: 100, Lockout: 5 * s}
	if got := short.wait(10); got != 5*s {
		t.Errorf("a wait longer than the lockout = %v, want the lockout", got)
	}
}

// throttleStep is one action on a LoginThrottle: "fail" records a failure
// of account a from address 192.0.2.1, "ok" a success, "wait" moves the
// clock, "check" expects Check to answer want: "ok" or the seconds to wait.
type throttleStep struct {
	op      string
	account string
	address string
	d       time.Duration
	want    string
}

func fail(account, address string) throttleStep {
	return throttleStep{op: "fail", account: account, address: address}
}
func check(account, address, want string) throttleStep {
	return throttleStep{op: "check", account: account, address: address, want: want}
}
func wait(d time.Duration) throttleStep { return throttleStep{op: "wait", d: d} }

// repeat returns n copies of s.
func repeat(n int, s throttleStep) []throttleStep {
	out := make([]throttleStep, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func concat(parts ...[]throttleStep) []throttleStep {
	var out []throttleStep
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// throttleCounters are the counters the login throttle is tested over:
// in process, and Redis when TEMPOMALL_TEST_REDIS_ADDR is set.
func throttleCounters(t *testing.T, clk *clock) map[string]throttle.Counter {
	m := map[string]throttle.Counter{"memory": throttle.NewMemory(throttle.WithClock(clk.Now))}
	if redistest.Enabled() {
		rdb, prefix := redistest.Open(t)
		m["redis"] = throttle.NewRedis(rdb, prefix, throttle.WithClock(clk.Now))
	}
	return m
}

// TestLoginThrottle checks the rules with testAccountRule (2 free
// failures, waits of 1, 2, 4 s, locked for a minute at 5) and
// testAddressRule (4 free, locked for two minutes at 8).
func TestLoginThrottle(t *testing.T) {
	const ip, other = "192.0.2.1", "198.51.100.7"
	s := time.Second
	tests := []struct {
		name  string
		steps []throttleStep
	}{
		{"no failures", []throttleStep{check("a", ip, "ok")}},
		{"free failures cost nothing", []throttleStep{fail("a", ip), check("a", ip, "ok")}},
		{"then each failure doubles the wait", []throttleStep{
			fail("a", ip), fail("a", ip), check("a", ip, "1"), wait(s), check("a", ip, "ok"),
			fail("a", ip), check("a", ip, "2"), wait(1500 * time.Millisecond), check("a", ip, "1"), wait(s / 2), check("a", ip, "ok"),
			fail("a", ip), check("a", ip, "4"), wait(4 * s), check("a", ip, "ok"),
		}},
		// Without an address from here on, so that only the account's rule
		// applies.
		{"then refused for the lockout", concat(repeat(5, fail("a", "")), []throttleStep{
			check("a", "", "60"), wait(59 * s), check("a", "", "1"), wait(s), check("a", "", "ok"),
		})},
		{"forgotten after a lockout without failures", concat(repeat(5, fail("a", "")), []throttleStep{
			wait(time.Minute), fail("a", ""), check("a", "", "ok"),
		})},
		{"a success forgets the account's failures", concat(repeat(4, fail("a", "")), []throttleStep{
			{op: "ok", account: "a"}, check("a", "", "ok"), fail("a", ""), check("a", "", "ok"),
		})},
		{"accounts are apart", concat(repeat(5, fail("a", ip)), []throttleStep{check("b", other, "ok")})},
		{"one address failing on many accounts", []throttleStep{
			fail("a", ip), fail("b", ip), fail("c", ip), fail("d", ip),
			check("e", ip, "1"), check("e", other, "ok"),
			fail("e", ip), fail("f", ip), fail("g", ip), fail("h", ip), check("i", ip, "120"),
		}},
		{"a success does not forget the address's failures", []throttleStep{
			fail("a", ip), fail("b", ip), fail("c", ip), fail("d", ip), {op: "ok", account: "e"}, check("e", ip, "1"),
		}},
		{"the longer wait wins", concat(repeat(4, fail("a", ip)), []throttleStep{check("a", ip, "4")})},
		{"no address: only the account counts", concat(repeat(4, fail("a", "")), []throttleStep{check("b", "", "ok"), check("a", "", "4")})},
	}
	for _, tt := range tests {
		clk := newClock()
		for name, counter := range throttleCounters(t, clk) {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				lt := NewLoginThrottle(counter, testAccountRule, testAddressRule)
				lt.now = clk.Now
				var got, want []string
				for i, st := range tt.steps {
					switch st.op {
					case "fail":
						lt.Failed(ctx, st.account, st.address)
					case "ok":
						lt.Succeeded(ctx, st.account)
					case "wait":
						clk.Advance(st.d)
					case "check":
						got = append(got, fmt.Sprintf("%d: %s", i, checkOutcome(t, lt.Check(ctx, st.account, st.address))))
						want = append(want, fmt.Sprintf("%d: %s", i, st.want))
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("checks (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// checkOutcome returns "ok", or the seconds a refusal asks to wait.
func checkOutcome(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return "ok"
	}
	if !errors.Is(err, ErrThrottled) || apperr.KindOf(err) != apperr.ResourceExhausted {
		t.Fatalf("refusal %v is not ErrThrottled", err)
	}
	var secs int
	if _, scanErr := fmt.Sscanf(err.Error(), "too many failed logins; retry in %d seconds", &secs); scanErr != nil {
		t.Fatalf("refusal %q does not say when to retry", err.Error())
	}
	return fmt.Sprint(secs)
}

// brokenCounter fails every call, like an unreachable Redis.
type brokenCounter struct{}

var errBroken = errors.New("redis: connection refused")

func (brokenCounter) Get(context.Context, string) (int, time.Time, error) {
	return 0, time.Time{}, errBroken
}
func (brokenCounter) Fail(context.Context, string, time.Duration) (int, error) { return 0, errBroken }
func (brokenCounter) Reset(context.Context, string) error                      { return errBroken }

// TestLoginThrottleUnavailable checks that an unavailable counter lets
// attempts through rather than locking everyone out.
func TestLoginThrottleUnavailable(t *testing.T) {
	ctx := context.Background()
	lt := NewLoginThrottle(brokenCounter{}, testAccountRule, testAddressRule)
	for range 10 {
		lt.Failed(ctx, "a", "192.0.2.1")
	}
	if err := lt.Check(ctx, "a", "192.0.2.1"); err != nil {
		t.Errorf("check with a broken counter: %v", err)
	}
	lt.Succeeded(ctx, "a")
}
