package dbx

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Migration is one explicit, versioned schema change of a store. Migrations
// run once each, in order, and are recorded in schema_migrations. A
// migration written after the first one of its table changes it explicitly
// (AddColumn, CreateIndex) and checks first, so that it also runs cleanly on
// a database created by a newer first migration.
type Migration struct {
	// ID orders the migrations of a store: "0001_create_users".
	ID string
	Up func(tx *gorm.DB) error
}

type schemaMigration struct {
	Store     string `gorm:"primaryKey;size:64"`
	ID        string `gorm:"primaryKey;size:128"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies the migrations of store that db has not seen yet. On
// MySQL a named lock keeps two processes from migrating the same store at
// once; on SQLite the immediate transaction does.
func Migrate(ctx context.Context, db *gorm.DB, store string, migrations []Migration) error {
	db = db.WithContext(ctx)
	if err := db.Migrator().AutoMigrate(&schemaMigration{}); err != nil {
		return fmt.Errorf("schema_migrations: %w", err)
	}
	if IsMySQL(db) {
		return withMySQLLock(db, "tempomall_migrate_"+store, func(conn *gorm.DB) error {
			return apply(conn, store, migrations)
		})
	}
	return apply(db, store, migrations)
}

func apply(db *gorm.DB, store string, migrations []Migration) error {
	for _, m := range migrations {
		var done int64
		if err := db.Model(&schemaMigration{}).Where("store = ? AND id = ?", store, m.ID).Count(&done).Error; err != nil {
			return err
		}
		if done > 0 {
			continue
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := m.Up(tx); err != nil {
				return err
			}
			return tx.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&schemaMigration{Store: store, ID: m.ID, AppliedAt: time.Now().UTC()}).Error
		})
		if err != nil {
			return fmt.Errorf("migration %s/%s: %w", store, m.ID, err)
		}
	}
	return nil
}

// withMySQLLock runs fn on one connection holding a MySQL named lock.
func withMySQLLock(db *gorm.DB, name string, fn func(conn *gorm.DB) error) error {
	return db.Connection(func(conn *gorm.DB) error {
		// A fresh statement per call: the connection's own instance would
		// carry one call's model and conditions into the next.
		conn = conn.Session(&gorm.Session{NewDB: true})
		var got int
		if err := conn.Raw("SELECT GET_LOCK(?, 60)", name).Scan(&got).Error; err != nil {
			return err
		}
		if got != 1 {
			return fmt.Errorf("could not take migration lock %s", name)
		}
		defer conn.Exec("SELECT RELEASE_LOCK(?)", name)
		return fn(conn)
	})
}
