package cart

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Limits of a cart.
const (
	// MaxQuantity is the most units of one product a cart line holds.
	MaxQuantity = 99
	// MaxLines is the most different products a cart holds.
	MaxLines = 100
)

// Store errors.
var (
	ErrNotInCart        = apperr.New(apperr.NotFound, "the product is not in the cart")
	ErrQuantityLimit    = apperr.New(apperr.InvalidArgument, "a cart line holds at most 99 units")
	ErrCartFull         = apperr.New(apperr.FailedPrecondition, "the cart holds the most different products it may")
	ErrOrderOfOtherCart = apperr.New(apperr.FailedPrecondition, "the order was already applied to another cart")
)

// Store persists carts and keeps their limits: it refuses quantities
// outside what a call may ask for (ErrQuantityLimit), lines beyond
// MaxQuantity units and carts beyond MaxLines lines. Every write that
// depends on what the cart holds runs in a transaction that first locks
// the cart (see inCart), so the limits hold under concurrent requests.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// Lines returns a cart's lines, oldest first.
func (s *Store) Lines(ctx context.Context, userID int64) ([]Line, error) {
	var rows []itemRow
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	lines := make([]Line, len(rows))
	for i, r := range rows {
		lines[i] = lineOf(r)
	}
	return lines, nil
}

// line reads one line of a cart within a transaction, or ErrNotInCart.
func line(tx *gorm.DB, userID, productID int64) (itemRow, error) {
	var r itemRow
	err := tx.Where("user_id = ? AND product_id = ?", userID, productID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, apperr.Wrap(ErrNotInCart, "product %d is not in the cart", productID)
	}
	return r, err
}

// appliedAddTTL is how long an AddItem idempotency key is remembered.
const appliedAddTTL = 24 * time.Hour

// Add adds add.Quantity units of add.ProductID to a cart, merging them
// into the product's line, and records the product's name and picture. It
// refuses, changing nothing, a quantity outside 1 to MaxQuantity and a
// line that would exceed MaxQuantity units (ErrQuantityLimit), and a new
// line in a cart of MaxLines lines (ErrCartFull). With a key, a repeat of
// the same key adds nothing.
func (s *Store) Add(ctx context.Context, userID int64, add Line, key string) error {
	if err := checkAddQuantity(add.Quantity); err != nil {
		return err
	}
	return s.inCart(ctx, userID, func(tx *gorm.DB, now time.Time) error {
		if key != "" {
			fresh, err := claimKey(tx, userID, key, now)
			if err != nil || !fresh {
				return err // a repeat: the units were added the first time
			}
		}
		// Merge: an atomic, conditional increment of an existing line.
		res := tx.Model(&itemRow{}).
			Where("user_id = ? AND product_id = ? AND quantity <= ?", userID, add.ProductID, MaxQuantity-add.Quantity).
			Updates(map[string]any{
				"quantity":    gorm.Expr("quantity + ?", add.Quantity),
				"name":        add.Name,
				"picture_url": add.PictureURL,
				"updated_at":  now,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return s.insertLine(tx, userID, add, now)
		}
		return nil
	})
}

// claimKey records an AddItem key of a cart, forgetting the cart's keys
// older than appliedAddTTL; it reports whether the key is new.
func claimKey(tx *gorm.DB, userID int64, key string, now time.Time) (bool, error) {
	if err := tx.Where("user_id = ? AND created_at < ?", userID, now.Add(-appliedAddTTL)).
		Delete(&appliedAddRow{}).Error; err != nil {
		return false, err
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&appliedAddRow{UserID: userID, Key: key, CreatedAt: now})
	return res.RowsAffected == 1, res.Error
}

// insertLine adds a new line, after Add found no line it could merge into:
// either there is none, or the existing one has too many units.
func (s *Store) insertLine(tx *gorm.DB, userID int64, add Line, now time.Time) error {
	cur, err := line(tx, userID, add.ProductID)
	switch {
	case err == nil:
		return quantityLimit(add.ProductID, cur.Quantity)
	case !apperr.Is(err, apperr.NotFound):
		return err
	}
	var n int64
	if err := tx.Model(&itemRow{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
		return err
	}
	if n >= MaxLines {
		return apperr.Wrap(ErrCartFull, "the cart already holds %d different products, the most it may; remove one before adding another", n)
	}
	row := itemRow{
		UserID: userID, ProductID: add.ProductID, Quantity: add.Quantity,
		Name: add.Name, PictureURL: add.PictureURL, CreatedAt: now, UpdatedAt: now,
	}
	// The unique key backs the cart lock: a line that appeared anyway is
	// not duplicated; the transaction runs again and merges into it.
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("line of product %d appeared during the request: %w", add.ProductID, dbx.ErrRetry)
	}
	return nil
}

// checkAddQuantity checks the units of one AddItem call.
func checkAddQuantity(q int64) error {
	if q < 1 || q > MaxQuantity {
		return apperr.Wrap(ErrQuantityLimit, "quantity must be between 1 and %d per call, got %d", MaxQuantity, q)
	}
	return nil
}

// checkSetQuantity checks the quantity UpdateItem sets.
func checkSetQuantity(q int64) error {
	if q < 0 || q > MaxQuantity {
		return apperr.Wrap(ErrQuantityLimit, "quantity must be between 0 and %d (0 removes the item), got %d", MaxQuantity, q)
	}
	return nil
}

// quantityLimit is the error for a line that already holds held units.
func quantityLimit(productID, held int64) error {
	if held >= MaxQuantity {
		return apperr.Wrap(ErrQuantityLimit,
			"the cart already holds %d units of product %d, the most a line may hold", held, productID)
	}
	return apperr.Wrap(ErrQuantityLimit,
		"the cart already holds %d units of product %d and a line holds at most %d: add at most %d more",
		held, productID, MaxQuantity, MaxQuantity-held)
}

// Set sets the quantity (0 to MaxQuantity, ErrQuantityLimit otherwise) of
// a line that is in the cart (ErrNotInCart otherwise); 0 removes the line,
// and then succeeds whether or not it was there.
func (s *Store) Set(ctx context.Context, userID, productID, quantity int64) error {
	if err := checkSetQuantity(quantity); err != nil {
		return err
	}
	if quantity == 0 {
		return s.Remove(ctx, userID, productID)
	}
	return s.inCart(ctx, userID, func(tx *gorm.DB, now time.Time) error {
		if _, err := line(tx, userID, productID); err != nil {
			return err
		}
		return tx.Model(&itemRow{}).Where("user_id = ? AND product_id = ?", userID, productID).
			Updates(map[string]any{"quantity": quantity, "updated_at": now}).Error
	})
}

// Remove deletes a product's line; removing a product that is not in the
// cart succeeds, so that a retry does too.
func (s *Store) Remove(ctx context.Context, userID, productID int64) error {
	return s.db.WithContext(ctx).Where("user_id = ? AND product_id = ?", userID, productID).Delete(&itemRow{}).Error
}

// Empty deletes every line of a cart.
func (s *Store) Empty(ctx context.Context, userID int64) error {
	return s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&itemRow{}).Error
}

// RemoveOrdered takes the units an order bought out of a cart: each
// product's line loses that many units (units added since stay) and lines
// that reach zero go. Items of the same product add up; a quantity below 1
// is refused. It runs once per order id: a repeat changes nothing and
// reports applied false; an order id already applied to another cart is
// ErrOrderOfOtherCart.
func (s *Store) RemoveOrdered(ctx context.Context, userID int64, orderID string, items []OrderedItem) (applied bool, err error) {
	bought, err := unitsByProduct(items)
	if err != nil {
		return false, err
	}
	err = s.inCart(ctx, userID, func(tx *gorm.DB, now time.Time) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&appliedOrderRow{OrderID: orderID, UserID: userID, CreatedAt: now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var prior appliedOrderRow
			if err := tx.Take(&prior, "order_id = ?", orderID).Error; err != nil {
				return err
			}
			if prior.UserID != userID {
				return apperr.Wrap(ErrOrderOfOtherCart, "order %s was already applied to the cart of user %d, not %d", orderID, prior.UserID, userID)
			}
			return nil
		}
		applied = true
		for _, it := range bought {
			err := tx.Where("user_id = ? AND product_id = ? AND quantity <= ?", userID, it.ProductID, it.Quantity).
				Delete(&itemRow{}).Error
			if err != nil {
				return err
			}
			err = tx.Model(&itemRow{}).Where("user_id = ? AND product_id = ?", userID, it.ProductID).
				Updates(map[string]any{"quantity": gorm.Expr("quantity - ?", it.Quantity), "updated_at": now}).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return applied, nil
}

// unitsByProduct adds up the units of each product, in the order products
// first appear, and refuses empty lists and quantities below 1. Sums are
// capped at MaxQuantity, which already empties any line.
func unitsByProduct(items []OrderedItem) ([]OrderedItem, error) {
	if len(items) == 0 {
		return nil, apperr.InvalidArgf("items is empty: name the products and quantities the order bought")
	}
	var out []OrderedItem
	at := make(map[int64]int, len(items))
	for i, it := range items {
		if it.ProductID <= 0 || it.Quantity <= 0 {
			return nil, apperr.InvalidArgf("items[%d]: product_id and quantity must be positive, got product %d quantity %d", i, it.ProductID, it.Quantity)
		}
		if j, ok := at[it.ProductID]; ok {
			out[j].Quantity = min(out[j].Quantity+min(it.Quantity, MaxQuantity), MaxQuantity)
			continue
		}
		at[it.ProductID] = len(out)
		out = append(out, OrderedItem{ProductID: it.ProductID, Quantity: min(it.Quantity, MaxQuantity)})
	}
	return out, nil
}

// inCart runs fn in a transaction that holds the cart's lock: it first
// upserts the cart's row, which locks it until the transaction ends (on
// SQLite every write transaction is exclusive anyway). A transaction that
// failed for a transient reason (a deadlock, a busy database) runs again,
// lock included, as dbx.InTx does.
func (s *Store) inCart(ctx context.Context, userID int64, fn func(tx *gorm.DB, now time.Time) error) error {
	return dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		now := time.Now().UTC()
		lock := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"updated_at"}),
		}).Create(&cartRow{UserID: userID, CreatedAt: now, UpdatedAt: now})
		if lock.Error != nil {
			return lock.Error
		}
		return fn(tx, now)
	})
}
