package product

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// ReservationState is where a stock reservation is in its life cycle:
// reserved, then committed (paid) and possibly returned (refunded), or
// released (cancelled, expired).
type ReservationState int8

// Reservation states; the numbers are the proto enum's.
const (
	Reserved  ReservationState = 1
	Committed ReservationState = 2
	Released  ReservationState = 3
	Returned  ReservationState = 4
)

// String returns the state's name in lower case.
func (s ReservationState) String() string {
	switch s {
	case Reserved:
		return "reserved"
	case Committed:
		return "committed"
	case Released:
		return "released"
	case Returned:
		return "returned"
	}
	return fmt.Sprintf("state %d", int8(s))
}

// StockItem is a quantity of a product.
type StockItem struct {
	ProductID int64
	Quantity  int64
}

// Reservation is the stock held for an order.
type Reservation struct {
	OrderID string
	// Items are in product id order, one per product.
	Items     []StockItem
	State     ReservationState
	CreatedAt time.Time
	UpdatedAt time.Time
}

// StockLevel is the inventory of a product. Available + Reserved +
// Committed changes only through AdjustStock (and ReturnStock, which puts
// sold units back on hand).
type StockLevel struct {
	ProductID int64
	Available int64
	Reserved  int64
	Committed int64
}

// ReserveStock holds the items for an order, all or none. Items naming the
// same product twice are merged (their quantities added). It is
// idempotent by order id: a repeat with the same items returns the
// existing reservation whatever its state and whatever the stock now; a
// repeat with other items is a FailedPrecondition. When stock is short,
// the FailedPrecondition names every item that cannot be had.
func (s *Service) ReserveStock(ctx context.Context, orderID string, items []StockItem) (Reservation, error) {
	orderID, err := checkKey("order_id", orderID, true)
	if err != nil {
		return Reservation{}, err
	}
	items, err = mergeItems(items)
	if err != nil {
		return Reservation{}, err
	}
	res, got, created, err := s.store.Reserve(ctx, orderID, items)
	if err != nil {
		return Reservation{}, err
	}
	r := reservationOf(res, got)
	if created {
		s.cache.invalidate(ctx, productIDs(items)...)
	} else if !slices.Equal(r.Items, items) {
		return Reservation{}, apperr.Preconditionf("order %s already has a stock reservation for other items (%s); an order's items cannot change",
			orderID, describeItems(r.Items))
	}
	return r, nil
}

// mergeItems validates reservation items and returns them merged by
// product and sorted by product id (the order rows are locked in).
func mergeItems(items []StockItem) ([]StockItem, error) {
	if len(items) == 0 {
		return nil, apperr.InvalidArgf("items are required: at least one product and quantity")
	}
	if len(items) > MaxBatch {
		return nil, apperr.InvalidArgf("at most %d items per reservation; got %d", MaxBatch, len(items))
	}
	byID := map[int64]int64{}
	for _, it := range items {
		if it.ProductID <= 0 {
			return nil, apperr.InvalidArgf("product_id must be positive; got %d", it.ProductID)
		}
		if it.Quantity <= 0 || it.Quantity > MaxStock {
			return nil, apperr.InvalidArgf("quantity of product %d must be 1 to %d; got %d", it.ProductID, MaxStock, it.Quantity)
		}
		byID[it.ProductID] += it.Quantity
		if byID[it.ProductID] > MaxStock {
			return nil, apperr.InvalidArgf("quantity of product %d must be at most %d in total", it.ProductID, MaxStock)
		}
	}
	merged := make([]StockItem, 0, len(byID))
	for id, q := range byID {
		merged = append(merged, StockItem{ProductID: id, Quantity: q})
	}
	slices.SortFunc(merged, func(a, b StockItem) int { return cmp.Compare(a.ProductID, b.ProductID) })
	return merged, nil
}

// GetReservation returns an order's reservation, whatever its state
// (NotFound when the order has none).
func (s *Service) GetReservation(ctx context.Context, orderID string) (Reservation, error) {
	orderID, err := checkKey("order_id", orderID, true)
	if err != nil {
		return Reservation{}, err
	}
	res, items, err := s.store.Reservation(ctx, orderID)
	if err != nil {
		return Reservation{}, err
	}
	return reservationOf(res, items), nil
}

// ReleaseStock returns a reservation's units to available stock (the
// order was cancelled or expired). A repeat returns the released
// reservation; a committed reservation is not released
// (FailedPrecondition).
func (s *Service) ReleaseStock(ctx context.Context, orderID string) (Reservation, error) {
	return s.transition(ctx, orderID, releaseMove)
}

// CommitStock turns a reservation into a sale (the order was paid). A
// repeat returns the committed reservation; a released reservation is not
// committed (FailedPrecondition).
func (s *Service) CommitStock(ctx context.Context, orderID string) (Reservation, error) {
	return s.transition(ctx, orderID, commitMove)
}

// ReturnStock puts a committed reservation's units back on hand (the
// order was refunded). A repeat returns the returned reservation; only a
// committed reservation can be returned (FailedPrecondition).
func (s *Service) ReturnStock(ctx context.Context, orderID string) (Reservation, error) {
	return s.transition(ctx, orderID, returnMove)
}

// transition applies a life-cycle move, idempotently.
func (s *Service) transition(ctx context.Context, orderID string, m move) (Reservation, error) {
	orderID, err := checkKey("order_id", orderID, true)
	if err != nil {
		return Reservation{}, err
	}
	res, items, moved, err := s.store.Transition(ctx, orderID, m)
	if err != nil {
		return Reservation{}, err
	}
	r := reservationOf(res, items)
	switch {
	case moved && (m.take == "available" || m.give == "available"):
		s.cache.invalidate(ctx, productIDs(r.Items)...)
	case !moved && r.State != m.to:
		hint := ""
		if m.to == Released && r.State == Committed {
			hint = "; to restock a refunded order use ReturnStock"
		}
		return Reservation{}, apperr.Preconditionf("cannot move the stock reservation of order %s to %s: it is %s, and only a %s reservation can be %s%s",
			orderID, m.to, r.State, m.from, m.to, hint)
	}
	return r, nil
}

// AdjustStock adds (delta > 0) or removes (delta < 0) units on hand.
// Available stock never goes below zero. With an idempotency key, a
// repeat changes nothing and returns the current level.
func (s *Service) AdjustStock(ctx context.Context, productID, delta int64, reason, idempotencyKey string) (StockLevel, error) {
	if err := checkID("product_id", productID); err != nil {
		return StockLevel{}, err
	}
	if delta == 0 || delta > MaxStock || delta < -MaxStock {
		return StockLevel{}, apperr.InvalidArgf("delta must be a non-zero number of units between -%d and %d; got %d", MaxStock, MaxStock, delta)
	}
	reason, err := text.Clean("reason", reason, text.Rule{Max: 200})
	if err != nil {
		return StockLevel{}, err
	}
	key, err := checkKey("idempotency_key", idempotencyKey, false)
	if err != nil {
		return StockLevel{}, err
	}
	var keyPtr *string
	if key != "" {
		keyPtr = &key
	}
	row, replayed, err := s.store.Adjust(ctx, productID, delta, reason, keyPtr)
	if err != nil {
		return StockLevel{}, err
	}
	if !replayed {
		s.cache.invalidate(ctx, productID)
	}
	return levelOf(row), nil
}

// GetStock returns the stock levels of products on sale, in request order
// (each id once), and the ids of unknown and deleted products.
func (s *Service) GetStock(ctx context.Context, ids []int64) (levels []StockLevel, missing []int64, err error) {
	ids, err = checkIDs("product_ids", ids, MaxBatch)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) == 0 {
		return nil, nil, apperr.InvalidArgf("product_ids are required")
	}
	rows, err := s.store.Levels(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]productRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	levels = make([]StockLevel, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			levels = append(levels, levelOf(r))
		} else {
			missing = append(missing, id)
		}
	}
	return levels, missing, nil
}

func levelOf(r productRow) StockLevel {
	return StockLevel{ProductID: r.ID, Available: r.Available, Reserved: r.Reserved, Committed: r.Committed}
}

func reservationOf(r reservationRow, items []reservationItemRow) Reservation {
	out := Reservation{OrderID: r.OrderID, State: ReservationState(r.State), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	out.Items = make([]StockItem, len(items))
	for i, it := range items {
		out.Items[i] = StockItem{ProductID: it.ProductID, Quantity: it.Quantity}
	}
	return out
}

func productIDs(items []StockItem) []int64 {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ProductID
	}
	return ids
}

// describeItems formats items as "product 3 x 2, product 7 x 1".
func describeItems(items []StockItem) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("product %d x %d", it.ProductID, it.Quantity)
	}
	return strings.Join(parts, ", ")
}
