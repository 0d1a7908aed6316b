package cache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/tempomall/tempomall/internal/dbx/redistest"
)

// countingCache is a Cache that records the calls made to it.
type countingCache struct {
	Cache
	mu    sync.Mutex
	calls []string // "Get k", "GetMany [k1 k2]", "Set k", "SetMany 2"
}

func (c *countingCache) record(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, fmt.Sprintf(format, args...))
}

// take returns the calls recorded since the last take.
func (c *countingCache) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *countingCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.record("Get %s", key)
	return c.Cache.Get(ctx, key)
}

func (c *countingCache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	c.record("GetMany %v", keys)
	return c.Cache.GetMany(ctx, keys)
}

func (c *countingCache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	c.record("Set %s", key)
	return c.Cache.Set(ctx, key, value, ttl)
}

func (c *countingCache) SetMany(ctx context.Context, values map[string][]byte, ttl time.Duration) error {
	c.record("SetMany %d", len(values))
	return c.Cache.SetMany(ctx, values, ttl)
}

// failingCache fails every call, like an unreachable Redis.
type failingCache struct{}

var errDown = errors.New("cache down")

func (failingCache) Get(context.Context, string) ([]byte, bool, error) { return nil, false, errDown }
func (failingCache) GetMany(context.Context, []string) (map[string][]byte, error) {
	return nil, errDown
}
func (failingCache) Set(context.Context, string, []byte, time.Duration) error { return errDown }
func (failingCache) SetMany(context.Context, map[string][]byte, time.Duration) error {
	return errDown
}
func (failingCache) Delete(context.Context, ...string) error { return errDown }

// values is a map of string values, for comparisons.
func values(m map[string][]byte) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func TestMemoryGetManyAndSetMany(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(3)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	_ = m.SetMany(ctx, map[string][]byte{"a": []byte("1"), "b": []byte("2")}, time.Minute)
	_ = m.Set(ctx, "c", []byte("3"), time.Second)
	got, err := m.GetMany(ctx, []string{"a", "b", "c", "missing"})
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2", "c": "3"}, values(got)); err != nil || diff != "" {
		t.Errorf("GetMany (-want +got), %v:\n%s", err, diff)
	}
	now = now.Add(2 * time.Second) // c expires
	got, _ = m.GetMany(ctx, []string{"a", "c"})
	if diff := cmp.Diff(map[string]string{"a": "1"}, values(got)); diff != "" {
		t.Errorf("GetMany after c's TTL (-want +got):\n%s", diff)
	}
	// a was read last, so b is the least recently used when SetMany
	// goes beyond the capacity.
	_ = m.SetMany(ctx, map[string][]byte{"d": []byte("4"), "e": []byte("5")}, time.Minute)
	got, _ = m.GetMany(ctx, []string{"a", "b", "d", "e"})
	if diff := cmp.Diff(map[string]string{"a": "1", "d": "4", "e": "5"}, values(got)); diff != "" {
		t.Errorf("GetMany after eviction (-want +got):\n%s", diff)
	}
	if got, err := m.GetMany(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany of no keys = %v, %v", got, err)
	}
}

// TestTieredGetManyAsksL2OnceForMisses checks that a batch read makes one
// call to L2, for the keys L1 does not hold, and that L2's hits are then
// served by L1.
func TestTieredGetManyAsksL2OnceForMisses(t *testing.T) {
	ctx := context.Background()
	l2 := &countingCache{Cache: NewMemory(10)}
	c := NewTiered(NewMemory(10), l2, time.Minute)
	_ = c.L1.Set(ctx, "a", []byte("1"), time.Minute)
	_ = l2.Cache.SetMany(ctx, map[string][]byte{"b": []byte("2"), "c": []byte("3")}, time.Minute)

	got, err := c.GetMany(ctx, []string{"a", "b", "c", "d"})
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2", "c": "3"}, values(got)); err != nil || diff != "" {
		t.Errorf("GetMany (-want +got), %v:\n%s", err, diff)
	}
	if diff := cmp.Diff([]string{"GetMany [b c d]"}, l2.take()); diff != "" {
		t.Errorf("L2 calls (-want +got):\n%s", diff)
	}
	got, _ = c.GetMany(ctx, []string{"a", "b", "c", "b"})
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2", "c": "3"}, values(got)); diff != "" {
		t.Errorf("second GetMany (-want +got):\n%s", diff)
	}
	if calls := l2.take(); len(calls) != 0 {
		t.Errorf("L2 called %v for keys L1 holds", calls)
	}

	_ = c.SetMany(ctx, map[string][]byte{"x": []byte("9"), "y": []byte("8")}, time.Hour)
	if diff := cmp.Diff([]string{"SetMany 2"}, l2.take()); diff != "" {
		t.Errorf("L2 calls of SetMany (-want +got):\n%s", diff)
	}
	got, _ = c.L1.GetMany(ctx, []string{"x", "y"})
	if len(got) != 2 {
		t.Errorf("L1 holds %v after SetMany", values(got))
	}
}

// TestTieredManyDegradesWhenL2Fails checks that a failing L2 costs only
// misses.
func TestTieredManyDegradesWhenL2Fails(t *testing.T) {
	ctx := context.Background()
	c := NewTiered(NewMemory(10), failingCache{}, time.Minute)
	if err := c.SetMany(ctx, map[string][]byte{"a": []byte("1")}, time.Minute); err != nil {
		t.Errorf("SetMany: %v", err)
	}
	got, err := c.GetMany(ctx, []string{"a", "b"})
	if diff := cmp.Diff(map[string]string{"a": "1"}, values(got)); err != nil || diff != "" {
		t.Errorf("GetMany (-want +got), %v:\n%s", err, diff)
	}
}

// roundTrips counts what a Redis client sends: single commands by name,
// and pipelines by their number of commands. The commands a new
// connection starts with (HELLO, CLIENT SETINFO) are not counted.
type roundTrips struct {
	mu        sync.Mutex
	commands  []string
	pipelines []int
}

// connectionSetup reports whether cmd is one that sets up a connection.
func connectionSetup(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !connectionSetup(cmd) {
			r.mu.Lock()
			r.commands = append(r.commands, cmd.Name())
			r.mu.Unlock()
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !slices.ContainsFunc(cmds, connectionSetup) {
			r.mu.Lock()
			r.pipelines = append(r.pipelines, len(cmds))
			r.mu.Unlock()
		}
		return next(ctx, cmds)
	}
}

// take returns what was sent since the last take.
func (r *roundTrips) take() ([]string, []int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, p := r.commands, r.pipelines
	r.commands, r.pipelines = nil, nil
	return c, p
}

// TestRedisManyInOneRoundTrip checks that GetMany is one MGET and SetMany
// one pipeline of SETs with the TTL (run when TEMPOMALL_TEST_REDIS_ADDR
// is set).
func TestRedisManyInOneRoundTrip(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	ctx := context.Background()
	trips := &roundTrips{}
	rdb.AddHook(trips)
	c := NewRedis(rdb, prefix)

	want := map[string]string{}
	vals := map[string][]byte{}
	var keys []string
	for i := range 50 {
		k := fmt.Sprintf("k%d", i)
		want[k], vals[k] = "v"+k, []byte("v"+k)
		keys = append(keys, k)
	}
	if err := c.SetMany(ctx, vals, time.Minute); err != nil {
		t.Fatalf("SetMany: %v", err)
	}
	if cmds, pipes := trips.take(); len(cmds) != 0 || !slices.Equal(pipes, []int{50}) {
		t.Errorf("SetMany sent commands %v and pipelines %v; want one pipeline of 50", cmds, pipes)
	}
	if ttl, err := rdb.TTL(ctx, prefix+"k7").Result(); err != nil || ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL of k7 = %v, %v; want up to a minute", ttl, err)
	}
	trips.take()

	got, err := c.GetMany(ctx, append(keys, "missing"))
	if diff := cmp.Diff(want, values(got)); err != nil || diff != "" {
		t.Errorf("GetMany (-want +got), %v:\n%s", err, diff)
	}
	if cmds, pipes := trips.take(); !slices.Equal(cmds, []string{"mget"}) || len(pipes) != 0 {
		t.Errorf("GetMany sent commands %v and pipelines %v; want one MGET", cmds, pipes)
	}

	if got, err := c.GetMany(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany of no keys = %v, %v", got, err)
	}
	if err := c.SetMany(ctx, nil, time.Minute); err != nil {
		t.Errorf("SetMany of nothing: %v", err)
	}
	if cmds, pipes := trips.take(); len(cmds)+len(pipes) != 0 {
		t.Errorf("empty batches sent %v, %v", cmds, pipes)
	}
}

// TestTieredManyOverRedis checks the two levels together over Redis: one
// process's SetMany is read by another's GetMany.
func TestTieredManyOverRedis(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	ctx := context.Background()
	l2 := NewRedis(rdb, prefix)
	a := NewTiered(NewMemory(10), l2, time.Minute)
	b := NewTiered(NewMemory(10), l2, time.Minute) // another process
	_ = a.SetMany(ctx, map[string][]byte{"k1": []byte("v1"), "k2": []byte("v2")}, time.Minute)
	got, err := b.GetMany(ctx, []string{"k1", "k2", "k3"})
	if diff := cmp.Diff(map[string]string{"k1": "v1", "k2": "v2"}, values(got)); err != nil || diff != "" {
		t.Errorf("b reads through Redis (-want +got), %v:\n%s", err, diff)
	}
	if got, _ := b.L1.GetMany(ctx, []string{"k1", "k2"}); len(got) != 2 {
		t.Errorf("b's L1 was not filled: %v", values(got))
	}
}
