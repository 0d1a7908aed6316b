package product

import (
	"context"
	"errors"
	"testing"
	"time"

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
func (failingCache) Set(context.Context, string, []byte, time.Duration) error {
	return errDown
}
func (failingCache) Delete(context.Context, ...string) error { return errDown }

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
