package product

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

	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
)

// TestCacheReadThroughAndInvalidation checks that reads are served from
// the cache and that every write changing what GetProduct shows is
// visible at once.
func TestCacheReadThroughAndInvalidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.product("Blue mug", 1200, 10)
	queries := countQueries(t, f)
	get := func() Product {
		t.Helper()
		got, err := f.svc.GetProduct(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	get()
	before := queries()
	for range 5 {
		get()
	}
	if n := queries() - before; n != 0 {
		t.Fatalf("warm GetProduct ran %d queries, want 0", n)
	}

	steps := []struct {
		name  string
		write func() error
		check func(Product) bool
	}{
		{"update", func() error {
			_, err := f.svc.UpdateProduct(admin(), p.ID, ProductUpdate{Name: ptr("Red mug")})
			return err
		}, func(p Product) bool { return p.Name == "Red mug" }},
		{"reserve", func() error {
			_, err := f.svc.ReserveStock(ctx, "o1", []StockItem{{p.ID, 4}})
			return err
		}, func(p Product) bool { return p.StockAvailable == 6 }},
		{"release", func() error { _, err := f.svc.ReleaseStock(ctx, "o1"); return err },
			func(p Product) bool { return p.StockAvailable == 10 }},
		{"reserve and commit", func() error {
			if _, err := f.svc.ReserveStock(ctx, "o2", []StockItem{{p.ID, 3}}); err != nil {
				return err
			}
			_, err := f.svc.CommitStock(ctx, "o2")
			return err
		}, func(p Product) bool { return p.StockAvailable == 7 }},
		{"return", func() error { _, err := f.svc.ReturnStock(ctx, "o2"); return err },
			func(p Product) bool { return p.StockAvailable == 10 }},
		{"adjust", func() error { _, err := f.svc.AdjustStock(admin(), p.ID, -2, "", ""); return err },
			func(p Product) bool { return p.StockAvailable == 8 }},
	}
	for _, s := range steps {
		get() // warm
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := get(); !s.check(got) {
			t.Errorf("after %s GetProduct served a stale product: %+v", s.name, got)
		}
		if got, _, _ := f.svc.BatchGetProducts(ctx, []int64{p.ID}); len(got) != 1 || !s.check(got[0]) {
			t.Errorf("after %s BatchGetProducts served a stale product: %+v", s.name, got)
		}
	}
	get()
	if err := f.svc.DeleteProduct(admin(), p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.GetProduct(ctx, p.ID); err == nil {
		t.Error("GetProduct served a deleted product from the cache")
	}
}

// TestCacheFillRace checks that a fill that raced with a write does not
// leave the older value behind.
func TestCacheFillRace(t *testing.T) {
	ctx := context.Background()
	pc := newProductCache(cache.NewMemory(10), time.Minute)
	gen := pc.generation() // a reader starts, reads the database...
	pc.invalidate(ctx, 7)  // ...a writer commits and invalidates...
	pc.fill(ctx, gen, Product{ID: 7, Name: "old"})
	if p, ok := pc.get(ctx, 7); ok {
		t.Errorf("stale fill kept: %+v", p)
	}
	pc.fill(ctx, pc.generation(), Product{ID: 7, Name: "new"})
	if p, ok := pc.get(ctx, 7); !ok || p.Name != "new" {
		t.Errorf("fill without a race: %+v %v", p, ok)
	}
}

// failingCache fails every call, like an unreachable cache server.
type failingCache struct{}

var errDown = errors.New("cache down")

func (failingCache) Get(context.Context, string) ([]byte, bool, error) { return nil, false, errDown }
func (failingCache) GetMany(context.Context, []string) (map[string][]byte, error) {
	return nil, errDown
}
func (failingCache) Set(context.Context, string, []byte, time.Duration) error {
	return errDown
}
func (failingCache) SetMany(context.Context, map[string][]byte, time.Duration) error {
	return errDown
}
func (failingCache) Delete(context.Context, ...string) error { return errDown }

// callCounter is a cache that counts the calls made to it by method.
type callCounter struct {
	cache.Cache
	mu    sync.Mutex
	calls map[string]int
}

func (c *callCounter) count(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[method]++
}

// take returns the calls counted since the last take.
func (c *callCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *callCounter) Get(ctx context.Context, key string) ([]byte, bool, error) {
	c.count("Get")
	return c.Cache.Get(ctx, key)
}

func (c *callCounter) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	c.count("GetMany")
	return c.Cache.GetMany(ctx, keys)
}

func (c *callCounter) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	c.count("Set")
	return c.Cache.Set(ctx, key, value, ttl)
}

func (c *callCounter) SetMany(ctx context.Context, values map[string][]byte, ttl time.Duration) error {
	c.count("SetMany")
	return c.Cache.SetMany(ctx, values, ttl)
}

func (c *callCounter) Delete(ctx context.Context, keys ...string) error {
	c.count("Delete")
	return c.Cache.Delete(ctx, keys...)
}

// TestBatchGetProductsCallsTheCacheOnce checks that a batch read looks its
// products up in one cache call and fills the misses in one more, however
// many products it reads.
func TestBatchGetProductsCallsTheCacheOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := &callCounter{Cache: cache.NewMemory(100)}
	svc := NewService(f.store, c, Settings{Currency: testCurrency})
	var want []int64
	for i := range 10 {
		want = append(want, f.product(fmt.Sprintf("Mug %d", i), 1000, 5).ID)
	}
	if _, err := svc.GetProduct(ctx, want[0]); err != nil { // one cached already
		t.Fatal(err)
	}
	c.take()
	queries := countQueries(t, f)

	for i, wantCalls := range []map[string]int{
		{"GetMany": 1, "SetMany": 1}, // cold: 9 misses read and filled
		{"GetMany": 1},               // warm: only 404 is read
	} {
		got, missing, err := svc.BatchGetProducts(ctx, append(slices.Clone(want), 404))
		if err != nil || !slices.Equal(ids(got), want) || !slices.Equal(missing, []int64{404}) {
			t.Fatalf("call %d: %v, missing %v, %v", i, ids(got), missing, err)
		}
		if diff := cmp.Diff(wantCalls, c.take()); diff != "" {
			t.Errorf("call %d: cache calls (-want +got):\n%s", i, diff)
		}
	}
	// Unknown ids are not cached: each call looks 404 up again.
	if n := queries(); n != 2 {
		t.Errorf("%d database queries, want 2 (one per call, for its misses)", n)
	}
}

// TestCacheDropsUndecodableEntries checks that an entry that does not
// hold its product is a miss, and is removed.
func TestCacheDropsUndecodableEntries(t *testing.T) {
	ctx := context.Background()
	m := cache.NewMemory(10)
	pc := newProductCache(m, time.Minute)
	pc.fill(ctx, pc.generation(), Product{ID: 1, Name: "one"}, Product{ID: 2, Name: "two"})
	_ = m.Set(ctx, productKey(2), []byte("{not json"), time.Minute)
	_ = m.Set(ctx, productKey(3), []byte(`{"ID": 4}`), time.Minute) // another product
	got := pc.getMany(ctx, []int64{1, 2, 3})
	if len(got) != 1 || got[1].Name != "one" {
		t.Errorf("getMany = %+v, want product 1 only", got)
	}
	if n := m.Len(); n != 1 {
		t.Errorf("%d entries left, want 1", n)
	}
}

// TestCacheFailureDegrades checks that a failing cache, directly or as
// the Redis level of the tiered cache, only costs database reads.
func TestCacheFailureDegrades(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := f.product("Blue mug", 1200, 10)
	deadRedis := redis.NewClient(&redis.Options{
		Addr: "127.0.0.1:1", DialTimeout: 50 * time.Millisecond, MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond,
	})
	t.Cleanup(func() { _ = deadRedis.Close() })
	for name, c := range map[string]cache.Cache{
		"failing cache":       failingCache{},
		"unreachable redis":   cache.NewTiered(cache.NewMemory(10), cache.NewRedis(deadRedis, "x:"), time.Second),
		"unreachable redis 2": cache.NewRedis(deadRedis, "x:"),
	} {
		t.Run(name, func(t *testing.T) {
			svc := NewService(f.store, c, Settings{Currency: testCurrency})
			if _, err := svc.GetProduct(ctx, p.ID); err != nil {
				t.Fatalf("get: %v", err)
			}
			if got, missing, err := svc.BatchGetProducts(ctx, []int64{p.ID, 999}); err != nil || len(got) != 1 || len(missing) != 1 {
				t.Fatalf("batch get: %v %v %v", got, missing, err)
			}
			if _, err := svc.UpdateProduct(admin(), p.ID, ProductUpdate{Description: ptr(name)}); err != nil {
				t.Fatalf("update: %v", err)
			}
			if got, err := svc.GetProduct(ctx, p.ID); err != nil || got.Description != name {
				t.Fatalf("get after update: %+v %v", got, err)
			}
		})
	}
}

// TestRedisCacheAcrossReplicas runs two service instances (replicas) over
// one database and one Redis, each with its own in-process level.
func TestRedisCacheAcrossReplicas(t *testing.T) {
	rdb, prefix := redistest.Open(t)
	f := newFixture(t)
	ctx := context.Background()
	const l1TTL = 100 * time.Millisecond
	replica := func() *Service {
		c := cache.NewTiered(cache.NewMemory(100), cache.NewRedis(rdb, prefix), l1TTL)
		return NewService(f.store, c, Settings{Currency: testCurrency})
	}
	a, b := replica(), replica()
	p := f.product("Blue mug", 1200, 10)

	if _, err := a.GetProduct(ctx, p.ID); err != nil { // fills Redis
		t.Fatal(err)
	}
	queries := countQueries(t, f)
	if got, err := b.GetProduct(ctx, p.ID); err != nil || got.Name != "Blue mug" {
		t.Fatalf("b: %+v %v", got, err)
	}
	if n := queries(); n != 0 {
		t.Errorf("replica b read the database %d times; want the Redis entry", n)
	}
	if _, err := rdb.Get(ctx, prefix+productKey(p.ID)).Result(); err != nil {
		t.Fatalf("no Redis entry: %v", err)
	}

	// A write through a removes the Redis entry; b's in-process copy lives
	// at most l1TTL.
	if _, err := a.ReserveStock(ctx, "o1", []StockItem{{p.ID, 4}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, prefix+productKey(p.ID)).Result(); n != 0 {
		t.Error("the Redis entry survived the reservation")
	}
	if got, _ := a.GetProduct(ctx, p.ID); got.StockAvailable != 6 {
		t.Errorf("a sees %d available, want 6", got.StockAvailable)
	}
	time.Sleep(l1TTL + 20*time.Millisecond)
	if got, _ := b.GetProduct(ctx, p.ID); got.StockAvailable != 6 {
		t.Errorf("b sees %d available after its L1 TTL, want 6", got.StockAvailable)
	}
}
