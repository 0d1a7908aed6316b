package dbx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Database is a MySQL database made for one run (a test, a benchmark, a
// crash test), dropped at its end.
type Database struct {
	server string // DSN without a database
	// Name is the database's name; DSN is what the stores (or the
	// processes, as TEMPOMALL_MYSQL_DSN) open.
	Name string
	DSN  string
}

// CreateDatabase creates a database named prefix plus a random suffix on
// the server serverDSN names (its database, if any, is ignored).
func CreateDatabase(ctx context.Context, serverDSN, prefix string) (*Database, error) {
	cfg, err := mysql.ParseDSN(serverDSN)
	if err != nil {
		return nil, fmt.Errorf("MySQL DSN: %w", err)
	}
	cfg.DBName = ""
	admin, err := Open(ctx, Options{MySQLDSN: cfg.FormatDSN()})
	if err != nil {
		return nil, fmt.Errorf("connect to MySQL: %w", err)
	}
	defer Close(admin)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := prefix + hex.EncodeToString(suffix)
	if err := admin.WithContext(ctx).Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	db := &Database{server: cfg.FormatDSN(), Name: name}
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Params = map[string]string{"charset": "utf8mb4"}
	cfg.Collation = "utf8mb4_unicode_ci"
	db.DSN = cfg.FormatDSN()
	return db, nil
}

// Drop deletes the database.
func (d *Database) Drop(ctx context.Context) error {
	admin, err := Open(ctx, Options{MySQLDSN: d.server})
	if err != nil {
		return err
	}
	defer Close(admin)
	return admin.WithContext(ctx).Exec("DROP DATABASE IF EXISTS `" + d.Name + "`").Error
}
