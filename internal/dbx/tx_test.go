package dbx_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
)

// counterRow is a row of the test table.
type counterRow struct {
	ID int64 `gorm:"primaryKey;autoIncrement:false"`
	N  int64 `gorm:"not null"`
}

func (counterRow) TableName() string { return "counters" }

// openCounters returns a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set) with counters 1 and 2 at 0.
func openCounters(t *testing.T) *gorm.DB {
	t.Helper()
	db := dbtest.Open(t, "dbxtest", []dbx.Migration{{ID: "0001_create_counters", Up: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&counterRow{}); err != nil {
			return err
		}
		return tx.Create([]counterRow{{ID: 1}, {ID: 2}}).Error
	}}})
	return db
}

func TestTransient(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{dbx.ErrRetry, true},
		{fmt.Errorf("insert: %w", dbx.ErrRetry), true},
		{&mysql.MySQLError{Number: 1213, Message: "Deadlock found"}, true},
		{fmt.Errorf("update: %w", &mysql.MySQLError{Number: 1205}), true},
		{&mysql.MySQLError{Number: 1062, Message: "Duplicate entry"}, false},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), true},
		{gorm.ErrRecordNotFound, false},
		{apperr.InvalidArgf("bad input"), false},
	} {
		if got := dbx.Transient(tt.err); got != tt.want {
			t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestInTxRetriesTransientFailures(t *testing.T) {
	db := openCounters(t)
	ctx := context.Background()
	attempts := 0
	err := dbx.InTx(ctx, db, func(tx *gorm.DB) error {
		attempts++
		if err := tx.Model(&counterRow{}).Where("id = 1").Update("n", gorm.Expr("n + 1")).Error; err != nil {
			return err
		}
		if attempts < 3 {
			return fmt.Errorf("attempt %d: %w", attempts, dbx.ErrRetry)
		}
		return nil
	})
	if err != nil || attempts != 3 {
		t.Fatalf("InTx = %v after %d attempts; want success after 3", err, attempts)
	}
	var c counterRow
	if err := db.Take(&c, 1).Error; err != nil || c.N != 1 {
		t.Errorf("counter = %d, %v; want 1 (failed attempts roll back)", c.N, err)
	}
}

func TestInTxGivesUp(t *testing.T) {
	db := openCounters(t)
	ctx := context.Background()
	attempts := 0
	err := dbx.InTx(ctx, db, func(*gorm.DB) error { attempts++; return dbx.ErrRetry })
	if attempts != dbx.TxAttempts || apperr.KindOf(err) != apperr.Aborted ||
		!errors.Is(err, dbx.ErrContention) || !errors.Is(err, dbx.ErrRetry) {
		t.Errorf("InTx = %v (%v) after %d attempts; want ErrContention wrapping ErrRetry after %d",
			err, apperr.KindOf(err), attempts, dbx.TxAttempts)
	}

	attempts = 0
	bad := apperr.InvalidArgf("bad input")
	if err := dbx.InTx(ctx, db, func(*gorm.DB) error { attempts++; return bad }); err != bad || attempts != 1 {
		t.Errorf("a lasting failure: %v after %d attempts; want it at once", err, attempts)
	}

	ctx, cancel := context.WithCancel(ctx)
	attempts = 0
	err = dbx.InTx(ctx, db, func(*gorm.DB) error { attempts++; cancel(); return dbx.ErrRetry })
	if !errors.Is(err, context.Canceled) || attempts != 1 {
		t.Errorf("canceled: %v after %d attempts; want context.Canceled after 1", err, attempts)
	}
}

// TestInTxRetriesADeadlockVictim makes two transactions lock two rows in
// opposite orders: MySQL rolls one back (1213) and InTx runs it again
// (MySQL only: SQLite transactions do not overlap).
func TestInTxRetriesADeadlockVictim(t *testing.T) {
	if !dbtest.UsingMySQL() {
		t.Skipf("set %s to run against MySQL", dbtest.MySQLEnv)
	}
	db := openCounters(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		locked   sync.WaitGroup // both hold their first row
		mu       sync.Mutex
		attempts int
	)
	locked.Add(2)
	bump := func(tx *gorm.DB, id int64) error {
		return tx.Model(&counterRow{}).Where("id = ?", id).Update("n", gorm.Expr("n + 1")).Error
	}
	run := func(first, second int64) error {
		try := 0
		return dbx.InTx(ctx, db, func(tx *gorm.DB) error {
			try++
			mu.Lock()
			attempts++
			mu.Unlock()
			if err := bump(tx, first); err != nil {
				return err
			}
			if try == 1 {
				locked.Done()
				locked.Wait()
			}
			return bump(tx, second)
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run(1, 2) }()
	go func() { errs <- run(2, 1) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("InTx: %v", err)
		}
	}
	var rows []counterRow
	if err := db.Order("id").Find(&rows).Error; err != nil || len(rows) != 2 || rows[0].N != 2 || rows[1].N != 2 {
		t.Errorf("counters %+v, %v; want both at 2", rows, err)
	}
	if attempts != 3 {
		t.Errorf("%d attempts, want 3 (one deadlock victim run again)", attempts)
	}
}
