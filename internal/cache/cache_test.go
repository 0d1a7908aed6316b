package cache

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tempomall/tempomall/internal/dbx/redistest"
)

func TestMemoryEvictsLeastRecentlyUsedAndExpires(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(2)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	_ = m.Set(ctx, "a", []byte("1"), time.Minute)
	_ = m.Set(ctx, "b", []byte("2"), time.Minute)
	if _, ok, _ := m.Get(ctx, "a"); !ok { // a is now the most recent
		t.Fatal("a missing")
	}
	_ = m.Set(ctx, "c", []byte("3"), time.Second)
	if _, ok, _ := m.Get(ctx, "b"); ok {
		t.Error("b, the least recently used, was not evicted")
	}
	if v, ok, _ := m.Get(ctx, "c"); !ok || string(v) != "3" {
		t.Errorf("c = %q, %v", v, ok)
	}
	now = now.Add(2 * time.Second)
	if _, ok, _ := m.Get(ctx, "c"); ok {
		t.Error("c outlived its TTL")
	}
	_ = m.Delete(ctx, "a", "missing")
	if m.Len() != 0 {
		t.Errorf("%d entries left", m.Len())
	}
}

// Two processes share Redis (run when TEMPOMALL_TEST_REDIS_ADDR is set).
func TestTieredReadsThroughAndDeletesBothLevels(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	ctx := context.Background()
	l2 := NewRedis(rdb, prefix)
	a := NewTiered(NewMemory(10), l2, time.Minute)
	b := NewTiered(NewMemory(10), l2, time.Minute) // another process
	_ = a.Set(ctx, "k", []byte("v1"), time.Minute)
	if v, ok, _ := b.Get(ctx, "k"); !ok || string(v) != "v1" {
		t.Fatalf("b reads %q, %v through Redis", v, ok)
	}
	_ = a.Delete(ctx, "k")
	if _, ok, _ := a.Get(ctx, "k"); ok {
		t.Error("a still holds k")
	}
	// b's L1 may serve k until its L1 TTL: the documented staleness bound.
	if v, ok, _ := b.Get(ctx, "k"); !ok || string(v) != "v1" {
		t.Errorf("b's L1 = %q, %v", v, ok)
	}
}

func TestTieredDegradesWhenRedisIsDown(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 50 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
	defer rdb.Close()
	c := NewTiered(NewMemory(10), NewRedis(rdb, "x:"), time.Minute)
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Errorf("set: %v", err)
	}
	if v, ok, err := c.Get(ctx, "k"); err != nil || !ok || string(v) != "v" {
		t.Errorf("get from L1 = %q, %v, %v", v, ok, err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, ok, err := c.Get(ctx, "k"); err != nil || ok {
		t.Errorf("after delete: %v, %v (a miss, not an error)", ok, err)
	}
}
