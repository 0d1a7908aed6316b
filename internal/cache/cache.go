// Package cache is tempomall's read cache: an in-process LRU with a TTL,
// Redis, and Tiered, which puts the first in front of the second. Caches
// hold bytes; callers encode values. A cache is an optimization only: its
// failures are logged and treated as misses, never returned to callers of
// the service.
package cache

import (
	"context"
	"time"
)

// Cache stores byte values under string keys for a while. The Many
// methods serve a batch of keys in one round trip to a remote cache.
type Cache interface {
	// Get returns the value of key and whether it was found.
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// GetMany returns the values of the keys that are found, by key;
	// keys not found are absent from the map.
	GetMany(ctx context.Context, keys []string) (map[string][]byte, error)
	// Set stores a value for ttl.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// SetMany stores values, by key, each for ttl.
	SetMany(ctx context.Context, values map[string][]byte, ttl time.Duration) error
	// Delete removes keys; missing keys are not an error.
	Delete(ctx context.Context, keys ...string) error
}
