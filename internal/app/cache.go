package app

import (
	"time"

	"github.com/tempomall/tempomall/internal/cache"
)

// Cache returns a two-level cache for one use (its keys start with
// prefix): an in-process LRU of l1Size entries kept for at most l1TTL, in
// front of Redis when Redis is configured.
func (p *Platform) Cache(prefix string, l1Size int, l1TTL time.Duration) *cache.Tiered {
	var l2 cache.Cache
	if p.redis != nil {
		l2 = cache.NewRedis(p.redis, RedisPrefix+prefix+":")
	}
	return cache.NewTiered(cache.NewMemory(l1Size), l2, l1TTL)
}
