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
func NewMemory() *Memory { return &Memory{m: map[string]memEntry{}, now: time.Now} }

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

// Redis is a Counter shared by every process, one hash per key.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedis returns a counter storing keys under prefix.
func NewRedis(rdb redis.UniversalClient, prefix string) *Redis {
	return &Redis{rdb: rdb, prefix: prefix + "throttle:"}
}

// Get returns the count of key.
func (c *Redis) Get(ctx context.Context, key string) (int, time.Time, error) {
	vals, err := c.rdb.HMGet(ctx, c.prefix+key, "n", "last").Result()
	if err != nil {
		return 0, time.Time{}, err
	}
	n, _ := strconv.Atoi(str(vals[0]))
	ms, _ := strconv.ParseInt(str(vals[1]), 10, 64)
	if n == 0 {
		return 0, time.Time{}, nil
	}
	return n, time.UnixMilli(ms), nil
}

// Fail counts a failure atomically and extends the window.
func (c *Redis) Fail(ctx context.Context, key string, window time.Duration) (int, error) {
	k := c.prefix + key
	pipe := c.rdb.TxPipeline()
	incr := pipe.HIncrBy(ctx, k, "n", 1)
	pipe.HSet(ctx, k, "last", time.Now().UnixMilli())
	pipe.PExpire(ctx, k, window)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, err
	}
	return int(incr.Val()), nil
}

// Reset forgets key.
func (c *Redis) Reset(ctx context.Context, key string) error {
	return c.rdb.Del(ctx, c.prefix+key).Err()
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
