package checkout

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Store keeps checkout records (read through a cache) and coupons.
//
// The cache must be shared by every process that writes checkouts (the
// worker) and reads them (the checkout service), or a reader may see a
// stale record: use Redis, or nil for no cache.
type Store struct {
	db    *gorm.DB
	cache cache.Cache
}

// NewStore returns a store over a migrated database and a shared cache
// (nil: none).
func NewStore(db *gorm.DB, c cache.Cache) *Store { return &Store{db: db, cache: c} }

// cacheTTL is how long a checkout record stays in the shared cache.
const cacheTTL = 10 * time.Minute

// ErrNotFound is returned for an unknown checkout.
var ErrNotFound = apperr.New(apperr.NotFound, "no such checkout")

func cacheKey(id string) string { return "checkout:" + id }

// Save writes a checkout snapshot unless a newer one is stored.
func (s *Store) Save(ctx context.Context, c commerce.Checkout) error {
	row := &checkoutRow{
		ID: c.ID, UserID: c.UserID, IdempotencyKey: c.IdempotencyKey, Status: string(c.Status),
		OrderID: c.OrderID, Version: c.Version, Snapshot: c, ExpiresAt: c.ExpiresAt,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	if err := dbx.UpsertVersioned(ctx, s.db, row, c.ID, c.Version); err != nil {
		return err
	}
	// The cache holds only final checkouts, but a final checkout can be
	// saved again: a workflow task lost after its local activities saved it
	// runs again and saves the same version, maybe otherwise.
	if s.cache != nil {
		if err := s.cache.Delete(ctx, cacheKey(c.ID)); err != nil {
			klog.CtxWarnf(ctx, "uncache checkout %s: %v", c.ID, err)
		}
	}
	return nil
}

// Get returns a checkout, from the cache when it holds it. Only final
// checkouts (placed, failed, expired, deleted) are cached: they change
// again only when a lost workflow task's rerun saves them again (Save
// drops them from the cache).
func (s *Store) Get(ctx context.Context, id string) (commerce.Checkout, error) {
	if s.cache != nil {
		if b, ok, _ := s.cache.Get(ctx, cacheKey(id)); ok {
			var c commerce.Checkout
			if err := json.Unmarshal(b, &c); err == nil {
				return c, nil
			}
		}
	}
	var row checkoutRow
	err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return commerce.Checkout{}, ErrNotFound
	}
	if err != nil {
		return commerce.Checkout{}, err
	}
	if row.Snapshot.Status == commerce.CheckoutOpen || s.cache == nil {
		return row.Snapshot, nil
	}
	if b, err := json.Marshal(row.Snapshot); err == nil {
		if err := s.cache.Set(ctx, cacheKey(id), b, cacheTTL); err != nil {
			klog.CtxWarnf(ctx, "cache checkout %s: %v", id, err)
		}
	}
	return row.Snapshot, nil
}

// Purge deletes checkouts that ended (placed, failed, expired, deleted)
// or expired before cutoff, and returns how many it deleted.
func (s *Store) Purge(ctx context.Context, cutoff time.Time, limit int) (int64, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&checkoutRow{}).
		Where("updated_at < ? AND (status <> ? OR expires_at < ?)", cutoff, string(commerce.CheckoutOpen), cutoff).
		Limit(limit).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	res := s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&checkoutRow{})
	if res.Error != nil {
		return 0, res.Error
	}
	if s.cache == nil {
		return res.RowsAffected, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = cacheKey(id)
	}
	return res.RowsAffected, s.cache.Delete(ctx, keys...)
}
