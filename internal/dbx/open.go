// Package dbx opens tempomall's gorm databases (MySQL when a DSN is
// configured, SQLite files under the data directory otherwise) and applies
// each store's explicit, versioned migrations.
package dbx

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/glebarez/sqlite"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/opentelemetry/tracing"
)

// Options says which database to open.
type Options struct {
	// MySQLDSN selects MySQL; empty selects SQLite at SQLitePath.
	MySQLDSN   string
	SQLitePath string
	// Debug logs every statement.
	Debug bool
	// Logger receives GORM's logs (default: none).
	Logger logger.Interface
	// Tracer, when set, traces every statement (GORM's OpenTelemetry
	// plugin), without the statements' values.
	Tracer trace.TracerProvider
}

// Open opens the database and checks that it answers.
func Open(ctx context.Context, o Options) (*gorm.DB, error) {
	cfg := &gorm.Config{
		Logger:                                   logger.Default.LogMode(logger.Silent),
		NowFunc:                                  func() time.Time { return time.Now().UTC() },
		DisableForeignKeyConstraintWhenMigrating: true,
		TranslateError:                           true,
	}
	switch {
	case o.Logger != nil:
		cfg.Logger = o.Logger
	case o.Debug:
		cfg.Logger = logger.Default.LogMode(logger.Info)
	}
	var (
		db  *gorm.DB
		err error
	)
	if o.MySQLDSN != "" {
		db, err = gorm.Open(mysql.Open(o.MySQLDSN), cfg)
	} else {
		db, err = openSQLite(o.SQLitePath, cfg)
	}
	if err != nil {
		return nil, err
	}
	if o.Tracer != nil {
		if err := db.Use(tracing.NewPlugin(tracing.WithTracerProvider(o.Tracer), tracing.WithoutQueryVariables(), tracing.WithoutMetrics())); err != nil {
			return nil, err
		}
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if o.MySQLDSN != "" {
		sqlDB.SetMaxOpenConns(50)
		sqlDB.SetMaxIdleConns(25)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	} else {
		sqlDB.SetMaxOpenConns(8)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("database does not answer: %w", err)
	}
	return db, nil
}

// openSQLite opens a SQLite file in WAL mode. Transactions take the write
// lock when they begin (_txlock=immediate) so that concurrent writers queue
// on the busy timeout instead of failing on a lock upgrade.
func openSQLite(path string, cfg *gorm.Config) (*gorm.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("no MySQL DSN and no SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database's connection pool.
func Close(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		if err := sqlDB.Close(); err != nil {
			klog.Warnf("close database: %v", err)
		}
	}
}

// IsMySQL reports whether db is a MySQL (or MariaDB) database.
func IsMySQL(db *gorm.DB) bool { return db.Dialector.Name() == "mysql" }
