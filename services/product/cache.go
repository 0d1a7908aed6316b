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
// database. A batch read takes one cache call for the products it looks
// up and one for those it fills.
type productCache struct {
	c   cache.Cache
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
	key := productKey(id)
	b, ok, err := pc.c.Get(ctx, key)
	if err != nil {
		klog.CtxWarnf(ctx, "product cache get %s: %v", key, err)
		return Product{}, false
	}
	if !ok {
		return Product{}, false
	}
	p, ok := decodeProduct(b, id)
	if !ok {
		pc.dropUndecodable(ctx, []string{key})
	}
	return p, ok
}

// getMany returns the cached products of ids, by id, in one cache call.
// The map is never nil and has room for all of ids.
func (pc *productCache) getMany(ctx context.Context, ids []int64) map[int64]Product {
	found := make(map[int64]Product, len(ids))
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = productKey(id)
	}
	vals, err := pc.c.GetMany(ctx, keys)
	if err != nil {
		klog.CtxWarnf(ctx, "product cache get of %d products: %v", len(keys), err)
		return found
	}
	var bad []string
	for i, id := range ids {
		b, ok := vals[keys[i]]
		if !ok {
			continue
		}
		if p, ok := decodeProduct(b, id); ok {
			found[id] = p
		} else {
			bad = append(bad, keys[i])
		}
	}
	if len(bad) > 0 {
		pc.dropUndecodable(ctx, bad)
	}
	return found
}

// decodeProduct decodes the cached product id.
func decodeProduct(b []byte, id int64) (Product, bool) {
	var p Product
	if err := json.Unmarshal(b, &p); err != nil || p.ID != id {
		return Product{}, false
	}
	return p, true
}

// dropUndecodable removes entries that do not hold their product.
func (pc *productCache) dropUndecodable(ctx context.Context, keys []string) {
	klog.CtxWarnf(ctx, "product cache: dropping undecodable entries %v", keys)
	_ = pc.c.Delete(ctx, keys...)
}

// generation returns the invalidation count to pass to fill; take it
// before reading the database.
func (pc *productCache) generation() uint64 { return pc.writes.Load() }

// fill caches products read from the database after generation() returned
// gen, in one cache call. If an invalidation happened meanwhile the
// products may be older than that write, so they are removed again: the
// write increments the count before it deletes, and fill stores before it
// checks, so one of the two deletes comes after the store.
func (pc *productCache) fill(ctx context.Context, gen uint64, ps ...Product) {
	if len(ps) == 0 {
		return
	}
	keys := make([]string, len(ps))
	vals := make(map[string][]byte, len(ps))
	for i, p := range ps {
		keys[i] = productKey(p.ID)
		if b, err := json.Marshal(p); err == nil {
			vals[keys[i]] = b
		}
	}
	if err := pc.c.SetMany(ctx, vals, pc.ttl); err != nil {
		klog.CtxWarnf(ctx, "product cache set of %d products: %v", len(vals), err)
	}
	if pc.writes.Load() != gen {
		pc.delete(ctx, keys)
	}
}

// invalidate removes products from both levels; call it after the write
// committed.
func (pc *productCache) invalidate(ctx context.Context, ids ...int64) {
	if len(ids) == 0 {
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
