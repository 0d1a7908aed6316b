package product

import (
	"context"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
)

// batchBenchSize is the number of products per BatchGetProducts call, as
// many as a well-filled cart asks for.
const batchBenchSize = 50

// BenchmarkBatchGetProducts measures BatchGetProducts on a warm cache:
// "memory" with the in-process level only, "redis" with Redis only (every
// call goes over the network; skipped unless TEMPOMALL_TEST_REDIS_ADDR is
// set), so that the cost of the cache round trips shows.
//
//	TEMPOMALL_TEST_REDIS_ADDR=127.0.0.1:6379 go test -run '^$' -bench BatchGetProducts ./services/product/
func BenchmarkBatchGetProducts(b *testing.B) {
	caches := map[string]func(b *testing.B) cache.Cache{
		"memory": func(*testing.B) cache.Cache { return cache.NewTiered(cache.NewMemory(1000), nil, time.Minute) },
		"redis": func(b *testing.B) cache.Cache {
			rdb, prefix := redistest.Open(b)
			return cache.NewRedis(rdb, prefix)
		},
	}
	for _, name := range []string{"memory", "redis"} {
		b.Run(name, func(b *testing.B) {
			c := caches[name](b)
			f := newFixture(b)
			svc := NewService(f.store, c, Settings{Currency: testCurrency})
			ids := make([]int64, batchBenchSize)
			for i := range ids {
				ids[i] = f.product("Mug", 1000+int64(i), 10).ID
			}
			ctx := context.Background()
			if got, _, err := svc.BatchGetProducts(ctx, ids); err != nil || len(got) != len(ids) {
				b.Fatalf("warm-up: %d products, %v", len(got), err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := svc.BatchGetProducts(ctx, ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
