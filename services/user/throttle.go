package user

import (
	"context"
	"math"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/throttle"
)

// ThrottleRule says how failures of one key slow it down: the first Free
// failures cost nothing, each further one doubles the wait before the next
// attempt (1s, 2s, 4s, ...), and LockAfter failures lock the key for
// Lockout. Failures are forgotten after Lockout without one.
type ThrottleRule struct {
	Free      int
	LockAfter int
	Lockout   time.Duration
}

// Default rules: per account and per client address.
var (
	AccountRule = ThrottleRule{Free: 3, LockAfter: 10, Lockout: 15 * time.Minute}
	AddressRule = ThrottleRule{Free: 10, LockAfter: 50, Lockout: 15 * time.Minute}
)

// wait returns how long after the last failure the next attempt may come.
func (r ThrottleRule) wait(failures int) time.Duration {
	switch {
	case failures < r.Free:
		return 0
	case failures >= r.LockAfter:
		return r.Lockout
	}
	d := time.Duration(math.Pow(2, float64(failures-r.Free))) * time.Second
	return min(d, r.Lockout)
}

// LoginThrottle slows and then refuses repeated failed logins of one
// account or from one client address.
type LoginThrottle struct {
	counter throttle.Counter
	account ThrottleRule
	address ThrottleRule
	now     func() time.Time
}

// NewLoginThrottle returns a throttle over a failure counter.
func NewLoginThrottle(c throttle.Counter, account, address ThrottleRule) *LoginThrottle {
	return &LoginThrottle{counter: c, account: account, address: address, now: time.Now}
}

// ErrThrottled is the kind of refusal Check returns.
var ErrThrottled = apperr.New(apperr.ResourceExhausted, "too many failed logins")

// Check refuses an attempt that comes too soon after failures of the
// account (a key naming it) or of the client address.
func (t *LoginThrottle) Check(ctx context.Context, account, address string) error {
	wait := t.remaining(ctx, "login:acct:"+account, t.account)
	if address != "" {
		wait = max(wait, t.remaining(ctx, "login:addr:"+address, t.address))
	}
	if wait <= 0 {
		return nil
	}
	secs := int(math.Ceil(wait.Seconds()))
	return apperr.Wrap(ErrThrottled, "too many failed logins; retry in %d seconds", secs)
}

func (t *LoginThrottle) remaining(ctx context.Context, key string, rule ThrottleRule) time.Duration {
	n, last, err := t.counter.Get(ctx, key)
	if err != nil {
		klog.CtxWarnf(ctx, "login throttle unavailable, letting the attempt through: %v", err)
		return 0
	}
	return last.Add(rule.wait(n)).Sub(t.now())
}

// Failed records a failed attempt.
func (t *LoginThrottle) Failed(ctx context.Context, account, address string) {
	if _, err := t.counter.Fail(ctx, "login:acct:"+account, t.account.Lockout); err != nil {
		klog.CtxWarnf(ctx, "login throttle: %v", err)
	}
	if address != "" {
		if _, err := t.counter.Fail(ctx, "login:addr:"+address, t.address.Lockout); err != nil {
			klog.CtxWarnf(ctx, "login throttle: %v", err)
		}
	}
}

// Succeeded forgets an account's failures.
func (t *LoginThrottle) Succeeded(ctx context.Context, account string) {
	if err := t.counter.Reset(ctx, "login:acct:"+account); err != nil {
		klog.CtxWarnf(ctx, "login throttle: %v", err)
	}
}
