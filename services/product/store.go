package product

import (
	"errors"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Store persists the catalog, its search index and the inventory. Every
// write that touches more than one row runs in one transaction (dbx.InTx,
// which runs it again after a deadlock or a lost race for a unique key).
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
