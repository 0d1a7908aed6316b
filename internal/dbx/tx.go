package dbx

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
)

// ErrRetry, returned by the function of InTx (wrapped or not), runs the
// transaction again: a concurrent writer took a unique key first, and
// the next attempt will see its row.
var ErrRetry = errors.New("concurrent write; retry")

// ErrContention is the kind and message of InTx's error when the last
// attempt still failed for a transient reason; errors.Is matches it, and
// the cause is the last attempt's error.
var ErrContention = apperr.New(apperr.Aborted, "too many concurrent changes to the same records; retry")

// TxAttempts bounds the attempts of a transaction that keeps failing for
// transient reasons.
const TxAttempts = 5

// InTx runs fn in a transaction of db, and again, after a pause that
// grows with each attempt (5, 20, 45, 80 ms), when it fails for a reason
// another attempt can fix (see Transient), up to TxAttempts attempts. fn
// must do everything that depends on what it reads within the
// transaction, since a retry reads again. After the last attempt a
// transient failure is ErrContention (Aborted: the caller may retry); a
// context ending during a pause returns the context's error.
func InTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := db.WithContext(ctx).Transaction(fn)
		if !Transient(err) {
			return err
		}
		if attempt == TxAttempts {
			return &apperr.Error{Kind: ErrContention.Kind, Msg: ErrContention.Msg, Cause: err}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// Transient reports whether a failed transaction may succeed when run
// again: MySQL chose it as a deadlock victim (1213) or it waited too long
// for a lock (1205), SQLite was busy, or it returned ErrRetry. The
// transaction was rolled back in each case.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrRetry) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}
