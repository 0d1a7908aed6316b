package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/tempomall/tempomall/internal/dbx"
)

// ledger is the sandbox's state and its business rules: every operation
// is one transaction over the store. It never talks HTTP; when it creates
// work for the background loop (a charge to settle, a webhook to send) it
// calls wake.
type ledger struct {
	db          *gorm.DB
	now         func() time.Time
	settleDelay time.Duration
	// webhooks says whether events get deliveries (a webhook URL is set).
	webhooks bool
	wake     func()
}

// openStore opens the database the options name and migrates it. close is
// nil when the caller owns the database.
func openStore(ctx context.Context, o Options) (db *gorm.DB, close func(), err error) {
	switch {
	case o.DB != nil:
		db = o.DB
	case o.StorePath != "":
		if db, err = dbx.Open(ctx, dbx.Options{SQLitePath: o.StorePath}); err != nil {
			return nil, nil, fmt.Errorf("sandbox store: %w", err)
		}
		close = func() { dbx.Close(db) }
	default:
		if db, err = openMemory(); err != nil {
			return nil, nil, fmt.Errorf("sandbox store: %w", err)
		}
		close = func() { dbx.Close(db) }
	}
	if err := dbx.Migrate(ctx, db, migrationStore, Migrations()); err != nil {
		if close != nil {
			close()
		}
		return nil, nil, fmt.Errorf("sandbox store: %w", err)
	}
	return db, close, nil
}

// openMemory opens an in-memory SQLite database. It lives in its one
// connection, so the pool is held at exactly that connection: requests
// queue for it, which also serializes the transactions.
func openMemory() (*gorm.DB, error) {
	db, err := gorm.Open(sqlite.Open("file::memory:?_pragma=foreign_keys(1)"), &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: true,
	})
	if err != nil {
		return nil, err
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)
	return db, nil
}

// stamp is the time objects are created or changed at: UTC, to the
// millisecond that every database keeps.
func (l *ledger) stamp() time.Time { return l.now().UTC().Truncate(time.Millisecond) }

// dueAt is when something created now settles, as stored.
func (l *ledger) dueAt() int64 { return l.now().Add(l.settleDelay).UnixNano() }

// newID returns a random id with a type prefix: "ch_1f3a...".
func newID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return prefix + "_" + hex.EncodeToString(b)
}
