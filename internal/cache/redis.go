package cache

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a cache in Redis under a key prefix. The Many methods take one
// round trip each: GetMany is one MGET (on a Redis Cluster its keys would
// have to share a hash slot; tempomall uses a single Redis), SetMany one
// pipeline of SETs with their expiry.
type Redis struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedis returns a cache storing key under prefix+key.
func NewRedis(rdb redis.UniversalClient, prefix string) *Redis {
	return &Redis{rdb: rdb, prefix: prefix}
}

// Get returns the value of key.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool, error) {
	b, err := r.rdb.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// GetMany returns the values of the keys found, by key, with one MGET.
func (r *Redis) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	found := make(map[string][]byte, len(keys))
	if len(keys) == 0 {
		return found, nil
	}
	vals, err := r.rdb.MGet(ctx, r.full(keys)...).Result()
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		if s, ok := v.(string); ok { // nil: not found
			found[keys[i]] = []byte(s)
		}
	}
	return found, nil
}

// Set stores a value with an expiry.
func (r *Redis) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return r.rdb.Set(ctx, r.prefix+key, value, ttl).Err()
}

// SetMany stores values with an expiry, in one pipeline of SETs.
func (r *Redis) SetMany(ctx context.Context, values map[string][]byte, ttl time.Duration) error {
	if len(values) == 0 {
		return nil
	}
	_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for k, v := range values {
			p.Set(ctx, r.prefix+k, v, ttl)
		}
		return nil
	})
	return err
}

// Delete removes keys.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return r.rdb.Del(ctx, r.full(keys)...).Err()
}

// full returns the Redis keys of keys.
func (r *Redis) full(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = r.prefix + k
	}
	return out
}
