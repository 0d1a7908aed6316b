package product

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/cache"
)

// productCache is the read-through cache of GetProduct and
// BatchGetProducts: products by id, JSON-encoded, in the platform's
// two-level cache (an in-process LRU with a short TTL in front of Redis).
//
// Every write that changes what GetProduct shows (update, delete, and the
// stock moves that change stock_available: reserve, release, return,
// adjust) removes the product from both levels after its transaction
// commits. CommitStock leaves stock_available alone and so keeps the
// entry.
//
// Staleness, and stock_available in particular: in the process that made
// the change, reads see it at once. Another replica's L1 may serve the
// previous value for up to its L1 TTL (a few seconds). A fill racing with
// a write in the same process is undone (see fill); across replicas such
// a race can leave an old value in Redis for at most the cache TTL.
// stock_available from these reads is therefore a display figure;
// ReserveStock, which reads the row itself, is the authority.
//
// Cache failures are logged and read as misses, so reads fall back to the
// database.
type productCache struct {
	c   cache.Cache // nil: caching off
	ttl time.Duration
	// writes counts invalidations; a fill that saw it change may hold a
	// value older than the write and is removed.
	writes atomic.Uint64
}

func newProductCache(c cache.Cache, ttl time.Duration) *productCache {
	return &productCache{c: c, ttl: ttl}
}

func productKey(id int64) string { return "p:" + strconv.FormatInt(id, 10) }

// get returns a cached product.
func (pc *productCache) get(ctx context.Context, id int64) (Product, bool) {
	if pc.c == nil {
		return Product{}, false
	}
	key := productKey(id)
	b, ok, err := pc.c.Get(ctx, key)
	if err != nil {
		klog.CtxWarnf(ctx, "product cache get %s: %v", key, err)
		return Product{}, false
	}
	if !ok {
		return Product{}, false
	}
	var p Product
	if err := json.Unmarshal(b, &p); err != nil || p.ID != id {
		klog.CtxWarnf(ctx, "product cache: dropping undecodable entry %s", key)
		_ = pc.c.Delete(ctx, key)
		return Product{}, false
	}
	return p, true
}

// generation returns the invalidation count to pass to fill; take it
// before reading the database.
func (pc *productCache) generation() uint64 { return pc.writes.Load() }

// fill caches products read from the database after generation() returned
// gen. If an invalidation happened meanwhile the products may be older
// than that write, so they are removed again: the write increments the
// count before it deletes, and fill stores before it checks, so one of
// the two deletes comes after the store.
func (pc *productCache) fill(ctx context.Context, gen uint64, ps ...Product) {
	if pc.c == nil || len(ps) == 0 {
		return
	}
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = productKey(p.ID)
		b, err := json.Marshal(p)
		if err != nil {
			continue
		}
		if err := pc.c.Set(ctx, keys[i], b, pc.ttl); err != nil {
			klog.CtxWarnf(ctx, "product cache set %s: %v", keys[i], err)
		}
	}
	if pc.writes.Load() != gen {
		pc.delete(ctx, keys)
	}
}

// invalidate removes products from both levels; call it after the write
// committed.
func (pc *productCache) invalidate(ctx context.Context, ids ...int64) {
	if pc.c == nil || len(ids) == 0 {
		return
	}
	pc.writes.Add(1)
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = productKey(id)
	}
	pc.delete(ctx, keys)
}

func (pc *productCache) delete(ctx context.Context, keys []string) {
	// The write is done; a caller that gave up must not leave a stale entry.
	ctx = context.WithoutCancel(ctx)
	if err := pc.c.Delete(ctx, keys...); err != nil {
		klog.CtxWarnf(ctx, "product cache delete %v: %v", keys, err)
	}
}
