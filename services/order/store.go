package order

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Store is the orders read model.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// ErrNotFound is returned for an unknown order.
var ErrNotFound = apperr.New(apperr.NotFound, "no such order")

// Record writes an order snapshot unless a newer version is stored.
func (s *Store) Record(ctx context.Context, o commerce.Order) error {
	return dbx.UpsertVersioned(ctx, s.db, rowOf(o), o.ID, o.Version)
}

// Get returns an order.
func (s *Store) Get(ctx context.Context, id string) (commerce.Order, error) {
	var row orderRow
	err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return commerce.Order{}, ErrNotFound
	}
	return row.Snapshot, err
}

// Filter selects orders of one account.
type Filter struct {
	UserID int64
	// Status, when set, keeps only orders in that state.
	Status commerce.OrderStatus
	// Offset and Limit page through the orders, newest first.
	Offset int
	Limit  int
}

// List returns a page of orders and the number of orders matching f.
func (s *Store) List(ctx context.Context, f Filter) ([]commerce.Order, int64, error) {
	q := s.db.WithContext(ctx).Model(&orderRow{}).Where("user_id = ?", f.UserID)
	if f.Status != "" {
		q = q.Where("status = ?", string(f.Status))
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []orderRow
	if err := q.Order("created_at DESC, id DESC").Offset(f.Offset).Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	out := make([]commerce.Order, len(rows))
	for i, r := range rows {
		out[i] = r.Snapshot
	}
	return out, total, nil
}

// CountByStatus returns the number of orders in each state.
func (s *Store) CountByStatus(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	err := s.db.WithContext(ctx).Model(&orderRow{}).Select("status, count(*) AS n").Group("status").Scan(&rows).Error
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}
