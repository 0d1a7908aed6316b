// Package redistest gives a test a Redis namespace of its own when
// TEMPOMALL_TEST_REDIS_ADDR names a server (make test-integration sets
// it): a client and a random key prefix whose keys are deleted when the
// test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
	d, err := Claim(context.Background(), addr, -1, claimKey, t.Name())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Release(context.Background(), "*") })
	return addr, d.DB
}

// Database is a Redis database (number) that a run's processes use: one
// that was empty, claimed with a marker key.
type Database struct {
	Addr     string
	DB       int
	claimKey string
	client   *redis.Client
}

// Claim takes database db, or with db < 0 the first empty database from 15
// down to 1, and marks it with claimKey set to owner.
func Claim(ctx context.Context, addr string, db int, claimKey, owner string) (*Database, error) {
	candidates := []int{db}
	if db < 0 {
		candidates = nil
		for n := 15; n >= 1; n-- {
			candidates = append(candidates, n)
		}
	}
	for _, n := range candidates {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: n})
		size, err := c.DBSize(ctx).Result()
		if err != nil {
			_ = c.Close()
			return nil, fmt.Errorf("redis at %s, database %d: %w", addr, n, err)
		}
		if size == 0 || db >= 0 {
			ok, err := c.SetNX(ctx, claimKey, owner, 24*time.Hour).Result()
			if err == nil && (ok || db >= 0) {
				return &Database{Addr: addr, DB: n, claimKey: claimKey, client: c}, nil
			}
		}
		_ = c.Close()
	}
	return nil, fmt.Errorf("redis at %s: no empty database from 15 to 1; name one", addr)
}

// Release deletes the keys matching pattern (what the run wrote) and the
// marker.
func (d *Database) Release(ctx context.Context, pattern string) error {
	defer d.client.Close()
	iter := d.client.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		d.client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return d.client.Del(ctx, d.claimKey).Err()
}
