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
	"time"

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

// claimKey marks a Redis database as taken by a test of DB.
const claimKey = "tempomall-test:claimed"

// DB returns the server's address and a database number of the test's own,
// for processes that write under fixed key names (tempomall's own prefix),
// which a key prefix cannot separate: the first of databases 15 down to 1
// that is empty, claimed with a marker key. The test's end empties it. It
// skips the test when no Redis is configured.
func DB(t testing.TB) (addr string, db int) {
	t.Helper()
	addr = os.Getenv(AddrEnv)
	if addr == "" {
		t.Skipf("set %s to run against Redis", AddrEnv)
	}
	ctx := context.Background()
	for n := 15; n >= 1; n-- {
		rdb := redis.NewClient(&redis.Options{Addr: addr, DB: n})
		claimed, err := rdb.SetNX(ctx, claimKey, t.Name(), time.Hour).Result()
		if err != nil {
			_ = rdb.Close()
			t.Fatalf("redis at %s, database %d: %v", addr, n, err)
		}
		if claimed {
			if size, err := rdb.DBSize(ctx).Result(); err == nil && size == 1 {
				t.Cleanup(func() {
					_ = rdb.FlushDB(context.Background()).Err()
					_ = rdb.Close()
				})
				return addr, n
			}
			_ = rdb.Del(ctx, claimKey).Err() // someone else's data: leave it
		}
		_ = rdb.Close()
	}
	t.Fatalf("redis at %s: no empty database from 15 to 1", addr)
	return "", 0
}
