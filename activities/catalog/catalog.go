// Package catalog holds the activities of an order's goods: pricing a cart
// (or given items) with the current products, rates and coupon, holding
// the stock and the coupon for an order (all or nothing), and committing,
// releasing or returning them. It calls the product and cart services and
// the coupon store.
package catalog

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/crashpoint"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/protoconv"
	"github.com/tempomall/tempomall/internal/telemetry"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// CouponBook looks up and redeems coupons (the checkout service's store).
type CouponBook interface {
	Lookup(ctx context.Context, code string) (pricing.Coupon, error)
	Redeem(ctx context.Context, code, orderID string) error
	Release(ctx context.Context, code, orderID string) error
}

// Catalog prices orders and moves their stock and coupons.
type Catalog struct {
	Products productservice.Client
	Carts    cartservice.Client
	Coupons  CouponBook
	// CatalogCurrency and Rates are the configured currencies.
	CatalogCurrency string
	Rates           map[string]string
}

// PriceInput asks for the price of an order.
type PriceInput struct {
	// UserID's cart is priced, unless Items are given.
	UserID     int64
	Items      []commerce.Item
	Currency   string
	CouponCode string
	// Held says the Items are reserved for the order already (see
	// pricing.Input.Held).
	Held bool `json:",omitempty"`
}

// PriceOrder prices the customer's cart (or the given items) with the current
// products, rates and coupon: one cart read, one batch read of products.
func (a *Catalog) PriceOrder(ctx context.Context, in PriceInput) (commerce.Quote, error) {
	items := in.Items
	if items == nil {
		resp, err := a.Carts.GetCart(ctx, &cart.GetCartRequest{UserId: in.UserID})
		if err != nil {
			return commerce.Quote{}, temporalx.Encode(err)
		}
		for _, it := range resp.GetCart().GetItems() {
			items = append(items, commerce.Item{ProductID: it.GetProductId(), Quantity: it.GetQuantity()})
		}
	}
	if len(items) == 0 {
		return commerce.Quote{}, temporalx.Encode(pricing.ErrNoItems)
	}
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		ids = append(ids, it.ProductID)
	}
	resp, err := a.Products.BatchGetProducts(ctx, &product.BatchGetProductsRequest{Ids: ids})
	if err != nil {
		return commerce.Quote{}, temporalx.Encode(err)
	}
	pin := pricing.Input{
		Items: items, Products: protoconv.Products(resp.GetProducts()), Currency: in.Currency,
		CatalogCurrency: a.CatalogCurrency, Rates: a.Rates, Now: time.Now().UTC(), Held: in.Held,
	}
	if in.CouponCode != "" {
		c, err := a.Coupons.Lookup(ctx, in.CouponCode)
		if err != nil {
			return commerce.Quote{}, temporalx.Encode(err)
		}
		pin.Coupon = &c
	}
	q, err := pricing.Price(pin)
	return q, temporalx.Encode(err)
}

// HoldOrder redeems the quote's coupon and reserves its items' stock for an
// order, all or nothing; both are idempotent by order id. When the stock
// is refused, the coupon is given back before the refusal is returned.
func (a *Catalog) HoldOrder(ctx context.Context, orderID string, q commerce.Quote) error {
	if q.CouponCode != "" {
		if err := a.Coupons.Redeem(ctx, q.CouponCode, orderID); err != nil {
			return temporalx.Encode(err)
		}
	}
	req := &product.ReserveStockRequest{OrderId: orderID}
	for _, it := range q.Items() {
		req.Items = append(req.Items, &product.StockItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	_, err := a.Products.ReserveStock(ctx, req)
	if err != nil && temporalx.IsBusiness(err) {
		activity.GetMetricsHandler(ctx).Counter(telemetry.StockRefused).Inc(1)
	}
	if err != nil && q.CouponCode != "" && temporalx.IsBusiness(err) {
		if rerr := a.Coupons.Release(ctx, q.CouponCode, orderID); rerr != nil {
			return temporalx.Encode(rerr) // retried: the refusal comes again
		}
	}
	return temporalx.Encode(err)
}

// HeldItems returns the items whose stock is reserved (and neither
// released nor sold) for an order, nil when none is: what a lost run of
// the order's placement held.
func (a *Catalog) HeldItems(ctx context.Context, orderID string) ([]commerce.Item, error) {
	resp, err := a.Products.GetReservation(ctx, &product.GetReservationRequest{OrderId: orderID})
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, temporalx.Encode(err)
	}
	r := resp.GetReservation()
	if r.GetState() != product.ReservationState_RESERVATION_STATE_RESERVED {
		return nil, nil
	}
	var held []commerce.Item
	for _, it := range r.GetItems() {
		held = append(held, commerce.Item{ProductID: it.GetProductId(), Quantity: it.GetQuantity()})
	}
	return held, nil
}

// ReleaseOrder gives an unpaid order's stock and coupon back; releasing what
// was never held, or already released, is fine.
func (a *Catalog) ReleaseOrder(ctx context.Context, orderID, couponCode string) error {
	_, err := a.Products.ReleaseStock(ctx, &product.ReleaseStockRequest{OrderId: orderID})
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return temporalx.Encode(err)
	}
	if couponCode != "" {
		if err := a.Coupons.Release(ctx, couponCode, orderID); err != nil && !apperr.Is(err, apperr.NotFound) {
			return temporalx.Encode(err)
		}
	}
	return nil
}

// CommitStock turns a paid order's reservation into a sale.
func (a *Catalog) CommitStock(ctx context.Context, orderID string) error {
	crashpoint.Hit(crashpoint.StockCommit)
	_, err := a.Products.CommitStock(ctx, &product.CommitStockRequest{OrderId: orderID})
	crashpoint.HitOnSuccess(crashpoint.StockCommitted, err)
	return temporalx.Encode(err)
}

// ReturnStock puts a refunded order's units back on hand.
func (a *Catalog) ReturnStock(ctx context.Context, orderID string) error {
	_, err := a.Products.ReturnStock(ctx, &product.ReturnStockRequest{OrderId: orderID})
	return temporalx.Encode(err)
}

// TrimCart takes an order's units out of the customer's cart (idempotent
// by order id).
func (a *Catalog) TrimCart(ctx context.Context, userID int64, orderID string, items []commerce.Item) error {
	req := &cart.RemoveOrderedItemsRequest{UserId: userID, OrderId: orderID}
	for _, it := range items {
		req.Items = append(req.Items, &cart.OrderedItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	_, err := a.Carts.RemoveOrderedItems(ctx, req)
	return temporalx.Encode(err)
}
