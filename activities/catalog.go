package activities

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/crashpoint"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/protoconv"
	"github.com/tempomall/tempomall/workflows/failure"
)

// CouponBook looks up and redeems coupons (the checkout service's store).
type CouponBook interface {
	Lookup(ctx context.Context, code string) (pricing.Coupon, error)
	Redeem(ctx context.Context, code, orderID string) error
	Release(ctx context.Context, code, orderID string) error
}

// Catalog prices items and holds, commits and returns their stock through
// the product service.
type Catalog struct {
	Products productservice.Client
	Coupons  CouponBook
	// CatalogCurrency and Rates are the configured currencies.
	CatalogCurrency string
	Rates           map[string]string
}

// QuoteInput asks for the price of items.
type QuoteInput struct {
	Items      []commerce.Item
	Currency   string
	CouponCode string
}

// Quote prices items with the current products, rates and coupon.
func (a *Catalog) Quote(ctx context.Context, in QuoteInput) (commerce.Quote, error) {
	ids := make([]int64, 0, len(in.Items))
	for _, it := range in.Items {
		ids = append(ids, it.ProductID)
	}
	resp, err := a.Products.BatchGetProducts(ctx, &product.BatchGetProductsRequest{Ids: ids})
	if err != nil {
		return commerce.Quote{}, failure.Encode(err)
	}
	in2 := pricing.Input{
		Items: in.Items, Products: protoconv.Products(resp.GetProducts()), Currency: in.Currency,
		CatalogCurrency: a.CatalogCurrency, Rates: a.Rates, Now: now(),
	}
	if in.CouponCode != "" {
		c, err := a.Coupons.Lookup(ctx, in.CouponCode)
		if err != nil {
			return commerce.Quote{}, failure.Encode(err)
		}
		in2.Coupon = &c
	}
	q, err := pricing.Price(in2)
	return q, failure.Encode(err)
}

// ReserveStock holds the items' stock for an order (all or nothing,
// idempotent by order id).
func (a *Catalog) ReserveStock(ctx context.Context, orderID string, items []commerce.Item) error {
	req := &product.ReserveStockRequest{OrderId: orderID}
	for _, it := range items {
		req.Items = append(req.Items, &product.StockItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	_, err := a.Products.ReserveStock(ctx, req)
	return failure.Encode(err)
}

// ReleaseStock gives an unpaid order's stock back.
func (a *Catalog) ReleaseStock(ctx context.Context, orderID string) error {
	_, err := a.Products.ReleaseStock(ctx, &product.ReleaseStockRequest{OrderId: orderID})
	return failure.Encode(err)
}

// CommitStock turns a paid order's reservation into a sale.
func (a *Catalog) CommitStock(ctx context.Context, orderID string) error {
	crashpoint.Hit(crashpoint.StockCommit)
	_, err := a.Products.CommitStock(ctx, &product.CommitStockRequest{OrderId: orderID})
	crashpoint.HitOnSuccess(crashpoint.StockCommitted, err)
	return failure.Encode(err)
}

// ReturnStock puts a refunded order's units back on hand.
func (a *Catalog) ReturnStock(ctx context.Context, orderID string) error {
	_, err := a.Products.ReturnStock(ctx, &product.ReturnStockRequest{OrderId: orderID})
	return failure.Encode(err)
}

// RedeemCoupon uses a coupon for an order (idempotent by order id).
func (a *Catalog) RedeemCoupon(ctx context.Context, code, orderID string) error {
	return failure.Encode(a.Coupons.Redeem(ctx, code, orderID))
}

// ReleaseCoupon gives an order's coupon use back (idempotent).
func (a *Catalog) ReleaseCoupon(ctx context.Context, code, orderID string) error {
	return failure.Encode(a.Coupons.Release(ctx, code, orderID))
}
