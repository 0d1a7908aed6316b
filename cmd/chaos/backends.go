package main

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

// mysqlDatabase is the fresh database a run's stores live in.
type mysqlDatabase struct {
	server string // DSN without a database
	name   string
	// dsn is what the processes get as TEMPOMALL_MYSQL_DSN.
	dsn string
}

// createMySQL creates a database with a new name on the server.
func createMySQL(ctx context.Context, serverDSN string) (*mysqlDatabase, error) {
	cfg, err := mysql.ParseDSN(serverDSN)
	if err != nil {
		return nil, fmt.Errorf("-mysql-dsn: %w", err)
	}
	cfg.DBName = ""
	admin, err := dbx.Open(ctx, dbx.Options{MySQLDSN: cfg.FormatDSN()})
	if err != nil {
		return nil, fmt.Errorf("connect to MySQL: %w", err)
	}
	defer dbx.Close(admin)
	name := "tempomall_chaos_" + randomHex(5)
	if err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	db := &mysqlDatabase{server: cfg.FormatDSN(), name: name}
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Params = map[string]string{"charset": "utf8mb4"}
	cfg.Collation = "utf8mb4_unicode_ci"
	db.dsn = cfg.FormatDSN()
	return db, nil
}

// drop deletes the database.
func (m *mysqlDatabase) drop(ctx context.Context) error {
	admin, err := dbx.Open(ctx, dbx.Options{MySQLDSN: m.server})
	if err != nil {
		return err
	}
	defer dbx.Close(admin)
	return admin.Exec("DROP DATABASE IF EXISTS `" + m.name + "`").Error
}

// redisDatabase is the Redis database (number) a run's processes use:
// one that was empty, claimed with a marker key.
type redisDatabase struct {
	addr   string
	db     int
	client *redis.Client
}

// redisClaimKey marks a Redis database as taken by a chaos run.
const redisClaimKey = "tempomall-chaos:claimed-by"

// claimRedis takes database db, or with db < 0 the first empty database
// from 15 down to 1, and marks it.
func claimRedis(ctx context.Context, addr string, db int, runID string) (*redisDatabase, error) {
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
			ok, err := c.SetNX(ctx, redisClaimKey, runID, 24*time.Hour).Result()
			if err == nil && (ok || db >= 0) {
				return &redisDatabase{addr: addr, db: n, client: c}, nil
			}
		}
		_ = c.Close()
	}
	return nil, fmt.Errorf("redis at %s: no empty database from 15 to 1; pass -redis-db", addr)
}

// release deletes what the run wrote (tempomall's keys) and the marker.
func (r *redisDatabase) release(ctx context.Context) error {
	defer r.client.Close()
	iter := r.client.Scan(ctx, 0, app.RedisPrefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		r.client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return r.client.Del(ctx, redisClaimKey).Err()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
