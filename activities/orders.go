package activities

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/protoconv"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// Orders places orders through the order service.
type Orders struct {
	Orders orderservice.Client
}

// PlaceOrder places an order (idempotent by order id) and returns its id
// and state.
func (a *Orders) PlaceOrder(ctx context.Context, in commerce.OrderRequest) (PlacedOrder, error) {
	req := &order.PlaceOrderRequest{
		OrderId: in.OrderID, UserId: in.UserID, Currency: in.Currency, CouponCode: in.CouponCode,
		CheckoutId: in.CheckoutID, Address: protoconv.Address(in.Address),
	}
	if in.Card != nil {
		req.PaymentMethodToken = in.Card.Token
	}
	if in.ExpectedTotal != nil {
		req.ExpectedTotal = protoconv.Money(*in.ExpectedTotal)
	}
	for _, it := range in.Items {
		req.Items = append(req.Items, &order.PlaceOrderItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	resp, err := a.Orders.PlaceOrder(ctx, req)
	if err != nil {
		return PlacedOrder{}, temporalx.Encode(err)
	}
	return PlacedOrder{ID: resp.GetOrder().GetId()}, nil
}

// Order returns an order's id and state; NotFound when there is none.
func (a *Orders) Order(ctx context.Context, id string) (PlacedOrder, error) {
	resp, err := a.Orders.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
	if err != nil {
		return PlacedOrder{}, temporalx.Encode(err)
	}
	return PlacedOrder{ID: resp.GetOrder().GetId()}, nil
}

// PlacedOrder is what the checkout keeps of a placed order.
type PlacedOrder struct {
	ID string
}
