// Package throttle counts failures per key in a sliding window, in Redis
// when configured and in process otherwise. Policies (how many failures
// slow a caller down, how long a lockout lasts) belong to the callers.
package throttle

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counter counts failures of a key. A key's count starts again from zero
// once window has passed without a failure.
type Counter interface {
	// Get returns the current count and the time of the last failure.
	Get(ctx context.Context, key string) (count int, last time.Time, err error)
	// Fail records a failure and returns the new count.
	Fail(ctx context.Context, key string, window time.Duration) (int, error)
	// Reset forgets a key.
	Reset(ctx context.Context, key string) error
}

// Option configures a counter.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes a counter read the time from now instead of time.Now
// (tests pass a fake clock).
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

func newOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Memory is an in-process Counter.
type Memory struct {
	mu  sync.Mutex
	m   map[string]memEntry
	now func() time.Time
}

type memEntry struct {
	count   int
	last    time.Time
	expires time.Time
}

// NewMemory returns an empty in-process counter.
func NewMemory(opts ...Option) *Memory {
	return &Memory{m: map[string]memEntry{}, now: newOptions(opts).now}
}

// Get returns the count of key.
func (c *Memory) Get(_ context.Context, key string) (int, time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !c.now().Before(e.expires) {
		return 0, time.Time{}, nil
	}
	return e.count, e.last, nil
}

// Fail counts a failure.
func (c *Memory) Fail(_ context.Context, key string, window time.Duration) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e := c.m[key]
	if !now.Before(e.expires) {
		e = memEntry{}
	}
	e.count++
	e.last, e.expires = now, now.Add(window)
	c.m[key] = e
	if len(c.m) > 100_000 {
		for k, v := range c.m {
			if !now.Before(v.expires) {
				delete(c.m, k)
			}
		}
	}
	return e.count, nil
}

// Reset forgets key.
func (c *Memory) Reset(_ context.Context, key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, key)
	return nil
}

// Redis is a Counter shared by every process, one hash per key holding the
// count, the time of the last failure and the window (both in
// milliseconds). The key expires with its window; the stored window also
// lets Get and Fail honour a clock other than Redis's own (WithClock).
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// NewRedis returns a counter storing keys under prefix.
func NewRedis(rdb redis.UniversalClient, prefix string, opts ...Option) *Redis {
	return &Redis{rdb: rdb, prefix: prefix + "throttle:", now: newOptions(opts).now}
}

// Get returns the count of key.
func (c *Redis) Get(ctx context.Context, key string) (int, time.Time, error) {
	vals, err := c.rdb.HMGet(ctx, c.prefix+key, "n", "last", "win").Result()
	if err != nil {
		return 0, time.Time{}, err
	}
	n, _ := strconv.Atoi(str(vals[0]))
	ms, _ := strconv.ParseInt(str(vals[1]), 10, 64)
	win, _ := strconv.ParseInt(str(vals[2]), 10, 64)
	if n == 0 || c.now().UnixMilli() >= ms+win {
		return 0, time.Time{}, nil
	}
	return n, time.UnixMilli(ms), nil
}

// failScript counts a failure: it starts again from one when the window of
// the last failure has passed, and extends the key's life by the window.
var failScript = redis.NewScript(`
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local win = tonumber(redis.call('HGET', KEYS[1], 'win') or '0')
local now = tonumber(ARGV[1])
if now >= last + win then n = 0 end
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'last', now, 'win', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n`)

// Fail counts a failure atomically and extends the window.
func (c *Redis) Fail(ctx context.Context, key string, window time.Duration) (int, error) {
	n, err := failScript.Run(ctx, c.rdb, []string{c.prefix + key}, c.now().UnixMilli(), window.Milliseconds()).Int()
	if err != nil {
		return 0, err
	}
	return n, nil
}

// Reset forgets key.
func (c *Redis) Reset(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.prefix+key).Err()
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
