// Package redistest gives a test a Redis namespace of its own when
// TEMPOMALL_TEST_REDIS_ADDR names a server (make test-integration sets
// it): a client and a random key prefix whose keys are deleted when the
// test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// AddrEnv names the Redis server of the integration tests.
const AddrEnv = "TEMPOMALL_TEST_REDIS_ADDR"

// Enabled reports whether the Redis tests run.
func Enabled() bool { return os.Getenv(AddrEnv) != "" }

// Open returns a client and a fresh key prefix, or skips the test when no
// Redis is configured.
func Open(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	addr := os.Getenv(AddrEnv)
	if addr == "" {
		t.Skipf("set %s to run against Redis", AddrEnv)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "tempomall-test-" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}
