package product

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Reserve holds stock for an order: for every item, in product id order,
// one conditional UPDATE takes the units from available if, and only if,
// enough are available and the product is on sale. If any item fails the
// transaction rolls back and the error names every item that failed. It
// returns the order's reservation and whether this call created it; when
// an earlier call did, nothing is written and the caller compares items.
func (s *Store) Reserve(ctx context.Context, orderID string, items []StockItem) (res reservationRow, got []reservationItemRow, created bool, err error) {
	err = dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		created = false
		var err error
		res, got, err = loadReservation(tx, orderID)
		if !errors.Is(err, ErrReservationNotFound) {
			return err // found (nil) or failed
		}
		res = reservationRow{OrderID: orderID, State: int8(Reserved)}
		if err := tx.Create(&res).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return dbx.ErrRetry // a concurrent call for the same order won
			}
			return err
		}
		now := time.Now().UTC()
		var short []StockItem
		for _, it := range items {
			r := tx.Model(&productRow{}).
				Where("id = ? AND status = ? AND available >= ?", it.ProductID, int8(StatusActive), it.Quantity).
				UpdateColumns(map[string]any{
					"available":  gorm.Expr("available - ?", it.Quantity),
					"reserved":   gorm.Expr("reserved + ?", it.Quantity),
					"version":    gorm.Expr("version + 1"),
					"updated_at": now,
				})
			if r.Error != nil {
				return r.Error
			}
			if r.RowsAffected == 0 {
				short = append(short, it)
			}
		}
		if len(short) > 0 {
			return unavailable(tx, orderID, short)
		}
		got = make([]reservationItemRow, len(items))
		for i, it := range items {
			got[i] = reservationItemRow{OrderID: orderID, ProductID: it.ProductID, Quantity: it.Quantity}
		}
		created = true
		return tx.Create(&got).Error
	})
	return res, got, created, err
}

// unavailable explains why items could not be reserved, naming each: an
// unknown product (NotFound, which takes precedence), a deleted or
// inactive one, or too few units (FailedPrecondition).
func unavailable(tx *gorm.DB, orderID string, items []StockItem) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ProductID
	}
	var rows []productRow
	if err := tx.Unscoped().Clauses(forUpdate).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return err
	}
	byID := make(map[int64]productRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	kind := apperr.FailedPrecondition
	var problems []string
	for _, it := range items {
		p, ok := byID[it.ProductID]
		switch {
		case !ok:
			kind = apperr.NotFound
			problems = append(problems, fmt.Sprintf("product %d does not exist", it.ProductID))
		case p.DeletedAt.Valid:
			problems = append(problems, fmt.Sprintf("product %d (%s) was removed from the catalog", p.ID, p.Name))
		case p.Status != int8(StatusActive):
			problems = append(problems, fmt.Sprintf("product %d (%s) is not on sale", p.ID, p.Name))
		case p.Available < it.Quantity:
			problems = append(problems, fmt.Sprintf("product %d (%s): %d requested, %d available", p.ID, p.Name, it.Quantity, p.Available))
		}
	}
	if len(problems) == 0 {
		return dbx.ErrRetry // stock arrived since the UPDATE; try again
	}
	return apperr.Errorf(kind, "cannot reserve stock for order %s: %s", orderID, strings.Join(problems, "; "))
}

// move is a reservation's change of state and the stock columns its
// units leave (take) and join (give).
type move struct {
	from, to   ReservationState
	take, give string
}

// Stock moves of the reservation life cycle.
var (
	commitMove  = move{from: Reserved, to: Committed, take: "reserved", give: "committed"}
	releaseMove = move{from: Reserved, to: Released, take: "reserved", give: "available"}
	returnMove  = move{from: Committed, to: Returned, take: "committed", give: "available"}
)

// Transition applies m to an order's reservation if it is in state m.from
// and returns the reservation as it is afterwards, with moved telling
// whether this call changed it. Products deleted since the reservation
// still get their units back. The reservation is read once, after its
// conditional state change, and the stock moves follow its items.
func (s *Store) Transition(ctx context.Context, orderID string, m move) (res reservationRow, items []reservationItemRow, moved bool, err error) {
	err = dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		r := tx.Model(&reservationRow{}).Where("order_id = ? AND state = ?", orderID, int8(m.from)).
			Update("state", int8(m.to))
		if r.Error != nil {
			return r.Error
		}
		moved = r.RowsAffected == 1
		var err error
		if res, items, err = loadReservation(tx, orderID); err != nil || !moved {
			return err
		}
		now := time.Now().UTC()
		for _, it := range items {
			cols := map[string]any{
				m.take: gorm.Expr(m.take+" - ?", it.Quantity),
				m.give: gorm.Expr(m.give+" + ?", it.Quantity),
			}
			if m.take == "available" || m.give == "available" {
				cols["version"], cols["updated_at"] = gorm.Expr("version + 1"), now
			}
			if err := tx.Unscoped().Model(&productRow{}).Where("id = ?", it.ProductID).UpdateColumns(cols).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return res, items, moved, err
}

// Reservation returns an order's reservation and its items in product id
// order (ErrReservationNotFound when it has none).
func (s *Store) Reservation(ctx context.Context, orderID string) (reservationRow, []reservationItemRow, error) {
	return loadReservation(s.db.WithContext(ctx), orderID)
}

// loadReservation returns an order's reservation and its items in product
// id order.
func loadReservation(tx *gorm.DB, orderID string) (reservationRow, []reservationItemRow, error) {
	var res reservationRow
	if err := tx.Take(&res, "order_id = ?", orderID).Error; err != nil {
		return res, nil, notFound(err, apperr.Wrap(ErrReservationNotFound, "order %s has no stock reservation", orderID))
	}
	var items []reservationItemRow
	err := tx.Where("order_id = ?", orderID).Order("product_id").Find(&items).Error
	return res, items, err
}

// Adjust adds delta units to a product's available stock (removes them
// when negative) and records the adjustment. With an idempotency key used
// before for the same change, it changes nothing and reports replayed.
// It returns the product's stock afterwards.
func (s *Store) Adjust(ctx context.Context, productID, delta int64, reason string, key *string) (row productRow, replayed bool, err error) {
	err = dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		replayed = false
		if key != nil {
			var prev adjustmentRow
			err := tx.Take(&prev, "idempotency_key = ?", *key).Error
			if err == nil {
				if prev.ProductID != productID || prev.Delta != delta {
					return apperr.Preconditionf("idempotency_key %q was already used to change product %d by %+d units; use a new key for a different change",
						*key, prev.ProductID, prev.Delta)
				}
				replayed = true
				return tx.Unscoped().Take(&row, "id = ?", productID).Error
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		r := tx.Model(&productRow{}).
			Where("id = ? AND available + ? >= 0 AND available + ? <= ?", productID, delta, delta, MaxStock).
			UpdateColumns(map[string]any{
				"available":  gorm.Expr("available + ?", delta),
				"version":    gorm.Expr("version + 1"),
				"updated_at": time.Now().UTC(),
			})
		if r.Error != nil {
			return r.Error
		}
		if r.RowsAffected == 0 {
			return refusedAdjustment(tx, productID, delta)
		}
		if err := tx.Create(&adjustmentRow{ProductID: productID, Delta: delta, Reason: reason, IdempotencyKey: key}).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return dbx.ErrRetry // the same key, committed meanwhile
			}
			return err
		}
		return tx.Take(&row, "id = ?", productID).Error
	})
	return row, replayed, err
}

// refusedAdjustment explains why an adjustment's conditional UPDATE
// changed nothing.
func refusedAdjustment(tx *gorm.DB, productID, delta int64) error {
	var p productRow
	if err := tx.Take(&p, "id = ?", productID).Error; err != nil {
		return notFound(err, apperr.Wrap(ErrProductNotFound, "product %d does not exist", productID))
	}
	if p.Available+delta < 0 {
		return apperr.Preconditionf("cannot remove %d units of product %d (%s): only %d available (reserved and sold units are not adjustable)",
			-delta, p.ID, p.Name, p.Available)
	}
	return apperr.Preconditionf("product %d (%s) would hold %d units, more than the maximum %d", p.ID, p.Name, p.Available+delta, MaxStock)
}

// Levels returns the stock columns of the products of ids that are on
// sale (not deleted).
func (s *Store) Levels(ctx context.Context, ids []int64) ([]productRow, error) {
	var rows []productRow
	err := s.db.WithContext(ctx).Select("id", "available", "reserved", "committed").
		Where("id IN ?", ids).Find(&rows).Error
	return rows, err
}
