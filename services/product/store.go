package product

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Store persists the catalog, its search index and the inventory. Every
// write that touches more than one row runs in one transaction.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// Store errors; messages name the id through apperr.Wrap.
var (
	ErrProductNotFound     = apperr.New(apperr.NotFound, "no such product")
	ErrCategoryNotFound    = apperr.New(apperr.NotFound, "no such category")
	ErrReservationNotFound = apperr.New(apperr.NotFound, "no stock reservation for this order")
	ErrCategoryTaken       = apperr.New(apperr.AlreadyExists, "a category with this name already exists under the same parent")
)

// errRetry makes inTx run a transaction again: a concurrent writer took a
// unique key first, and the next attempt will see its row.
var errRetry = errors.New("concurrent write; retry")

// txAttempts bounds the attempts of a transaction that keeps meeting
// deadlocks or unique-key races.
const txAttempts = 5

// inTx runs fn in a transaction, again when it fails for a reason another
// attempt can fix: a deadlock or lock wait timeout (MySQL), a busy
// database (SQLite), or errRetry.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.db.WithContext(ctx).Transaction(fn)
		if !transient(err) || attempt == txAttempts {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	if errors.Is(err, errRetry) {
		return apperr.New(apperr.Aborted, "too many concurrent changes to the same records; retry")
	}
	return err
}

// transient reports whether a failed transaction may succeed when run again.
func transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, errRetry) {
		return true
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 // deadlock, lock wait timeout
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// forUpdate locks the rows a query reads until the transaction ends (MySQL;
// SQLite transactions hold the whole database already).
var forUpdate = clause.Locking{Strength: "UPDATE"}

// notFound turns gorm's not-found into a domain error.
func notFound(err error, domain error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain
	}
	return err
}

// joinIDs formats ids as "3,7" (the products.category_ids column).
func joinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// parseIDs reads a joinIDs string; it never returns nil so that products
// without categories compare equal however they were read.
func parseIDs(s string) []int64 {
	ids := []int64{}
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
