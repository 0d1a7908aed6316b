package cache

import (
	"context"
	"maps"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
)

// Tiered reads through a small in-process cache (L1, short TTL) in front
// of a shared one (L2, usually Redis; nil when none is configured). Writes
// go to both and deletes remove from both. Errors of L2 are logged and
// treated as misses, so a cache outage degrades to the database.
//
// Another process's L1 may serve a value for up to L1TTL after a delete;
// L1TTL is kept short for that reason.
type Tiered struct {
	L1    *Memory
	L2    Cache
	L1TTL time.Duration
}

// NewTiered returns a two-level cache; l2 may be nil.
func NewTiered(l1 *Memory, l2 Cache, l1TTL time.Duration) *Tiered {
	return &Tiered{L1: l1, L2: l2, L1TTL: l1TTL}
}

// Get looks in L1, then L2 (filling L1 on a hit).
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if v, ok, _ := t.L1.Get(ctx, key); ok {
		return v, true, nil
	}
	if t.L2 == nil {
		return nil, false, nil
	}
	v, ok, err := t.L2.Get(ctx, key)
	if err != nil {
		klog.CtxWarnf(ctx, "cache get %s: %v", key, err)
		return nil, false, nil
	}
	if ok {
		_ = t.L1.Set(ctx, key, v, t.L1TTL)
	}
	return v, ok, nil
}

// GetMany looks in L1, then asks L2 for the keys L1 missed, in one call,
// and fills L1 with what L2 had.
func (t *Tiered) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	found, _ := t.L1.GetMany(ctx, keys)
	if t.L2 == nil || len(found) == len(keys) {
		return found, nil
	}
	var misses []string
	for _, k := range keys {
		if _, ok := found[k]; !ok {
			misses = append(misses, k)
		}
	}
	if len(misses) == 0 { // keys held duplicates
		return found, nil
	}
	hits, err := t.L2.GetMany(ctx, misses)
	if err != nil {
		klog.CtxWarnf(ctx, "cache get of %d keys: %v", len(misses), err)
		return found, nil
	}
	if len(hits) > 0 {
		_ = t.L1.SetMany(ctx, hits, t.L1TTL)
		maps.Copy(found, hits)
	}
	return found, nil
}

// Set stores in both levels; L1 keeps the value for at most L1TTL.
func (t *Tiered) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	_ = t.L1.Set(ctx, key, value, min(ttl, t.L1TTL))
	if t.L2 != nil {
		if err := t.L2.Set(ctx, key, value, ttl); err != nil {
			klog.CtxWarnf(ctx, "cache set %s: %v", key, err)
		}
	}
	return nil
}

// SetMany stores values in both levels, one call each; L1 keeps them for
// at most L1TTL.
func (t *Tiered) SetMany(ctx context.Context, values map[string][]byte, ttl time.Duration) error {
	_ = t.L1.SetMany(ctx, values, min(ttl, t.L1TTL))
	if t.L2 != nil {
		if err := t.L2.SetMany(ctx, values, ttl); err != nil {
			klog.CtxWarnf(ctx, "cache set of %d keys: %v", len(values), err)
		}
	}
	return nil
}

// Delete removes from both levels.
func (t *Tiered) Delete(ctx context.Context, keys ...string) error {
	_ = t.L1.Delete(ctx, keys...)
	if t.L2 != nil {
		if err := t.L2.Delete(ctx, keys...); err != nil {
			klog.CtxWarnf(ctx, "cache delete %v: %v", keys, err)
		}
	}
	return nil
}
