package activities

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// Carts reads and trims carts through the cart service.
type Carts struct {
	Carts cartservice.Client
}

// CartItems returns the items in an account's cart.
func (a *Carts) CartItems(ctx context.Context, userID int64) ([]commerce.Item, error) {
	resp, err := a.Carts.GetCart(ctx, &cart.GetCartRequest{UserId: userID})
	if err != nil {
		return nil, temporalx.Encode(err)
	}
	items := make([]commerce.Item, 0, len(resp.GetCart().GetItems()))
	for _, it := range resp.GetCart().GetItems() {
		items = append(items, commerce.Item{ProductID: it.GetProductId(), Quantity: it.GetQuantity()})
	}
	return items, nil
}

// RemoveOrderedItems takes an order's units out of the cart (idempotent by
// order id).
func (a *Carts) RemoveOrderedItems(ctx context.Context, userID int64, orderID string, items []commerce.Item) error {
	req := &cart.RemoveOrderedItemsRequest{UserId: userID, OrderId: orderID}
	for _, it := range items {
		req.Items = append(req.Items, &cart.OrderedItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	_, err := a.Carts.RemoveOrderedItems(ctx, req)
	return temporalx.Encode(err)
}
