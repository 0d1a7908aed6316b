package stackrun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/internal/dbx"
)

// MySQLDatabase is the fresh database a run's stores live in.
type MySQLDatabase struct {
	server string // DSN without a database
	// Name is the database's name; DSN is what the processes get as
	// TEMPOMALL_MYSQL_DSN.
	Name string
	DSN  string
}

// CreateMySQL creates a database named prefix plus a random suffix on the
// server serverDSN names (a DSN without a database, or whose database is
// ignored).
func CreateMySQL(ctx context.Context, serverDSN, prefix string) (*MySQLDatabase, error) {
	cfg, err := mysql.ParseDSN(serverDSN)
	if err != nil {
		return nil, fmt.Errorf("MySQL DSN: %w", err)
	}
	cfg.DBName = ""
	admin, err := dbx.Open(ctx, dbx.Options{MySQLDSN: cfg.FormatDSN()})
	if err != nil {
		return nil, fmt.Errorf("connect to MySQL: %w", err)
	}
	defer dbx.Close(admin)
	name := prefix + RandomHex(5)
	if err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	db := &MySQLDatabase{server: cfg.FormatDSN(), Name: name}
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Params = map[string]string{"charset": "utf8mb4"}
	cfg.Collation = "utf8mb4_unicode_ci"
	db.DSN = cfg.FormatDSN()
	return db, nil
}

// Drop deletes the database.
func (m *MySQLDatabase) Drop(ctx context.Context) error {
	admin, err := dbx.Open(ctx, dbx.Options{MySQLDSN: m.server})
	if err != nil {
		return err
	}
	defer dbx.Close(admin)
	return admin.Exec("DROP DATABASE IF EXISTS `" + m.Name + "`").Error
}

// RedisDatabase is the Redis database (number) a run's processes use:
// one that was empty, claimed with a marker key.
type RedisDatabase struct {
	Addr     string
	DB       int
	claimKey string
	client   *redis.Client
}

// ClaimRedis takes database db, or with db < 0 the first empty database
// from 15 down to 1, and marks it with claimKey set to runID.
func ClaimRedis(ctx context.Context, addr string, db int, claimKey, runID string) (*RedisDatabase, error) {
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
			ok, err := c.SetNX(ctx, claimKey, runID, 24*time.Hour).Result()
			if err == nil && (ok || db >= 0) {
				return &RedisDatabase{Addr: addr, DB: n, claimKey: claimKey, client: c}, nil
			}
		}
		_ = c.Close()
	}
	return nil, fmt.Errorf("redis at %s: no empty database from 15 to 1; name one", addr)
}

// Release deletes what the run wrote (tempomall's keys) and the marker.
func (r *RedisDatabase) Release(ctx context.Context) error {
	defer r.client.Close()
	iter := r.client.Scan(ctx, 0, app.RedisPrefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		r.client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return r.client.Del(ctx, r.claimKey).Err()
}

// RandomHex returns n random bytes in hex: secrets and names of a run.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
