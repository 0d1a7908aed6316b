package activities

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/workflows/failure"
)

// Orders places orders through the order service.
type Orders struct {
	Orders orderservice.Client
}

// PlaceOrderInput is an order to place.
type PlaceOrderInput struct {
	OrderID       string
	UserID        int64
	Items         []commerce.Item
	Address       commerce.Address
	Currency      string
	CouponCode    string
	CardToken     string
	CheckoutID    string
	ExpectedTotal money.Money
}

// PlaceOrder places an order (idempotent by order id) and returns its id
// and state.
func (a *Orders) PlaceOrder(ctx context.Context, in PlaceOrderInput) (PlacedOrder, error) {
	req := &order.PlaceOrderRequest{
		OrderId: in.OrderID, UserId: in.UserID, Currency: in.Currency, CouponCode: in.CouponCode,
		PaymentMethodToken: in.CardToken, CheckoutId: in.CheckoutID,
		Address: &common.Address{
			Recipient: in.Address.Recipient, Phone: in.Address.Phone, Street: in.Address.Street,
			City: in.Address.City, State: in.Address.State, Country: in.Address.Country, ZipCode: in.Address.ZipCode,
		},
		ExpectedTotal: &common.Money{Amount: in.ExpectedTotal.Amount, Currency: in.ExpectedTotal.Currency},
	}
	for _, it := range in.Items {
		req.Items = append(req.Items, &order.PlaceOrderItem{ProductId: it.ProductID, Quantity: it.Quantity})
	}
	resp, err := a.Orders.PlaceOrder(ctx, req)
	if err != nil {
		return PlacedOrder{}, failure.Encode(err)
	}
	o := resp.GetOrder()
	return PlacedOrder{ID: o.GetId(), Status: o.GetStatus().String(), PaymentStatus: o.GetPaymentStatus().String()}, nil
}

// Order returns an order's id and state; NotFound when there is none.
func (a *Orders) Order(ctx context.Context, id string) (PlacedOrder, error) {
	resp, err := a.Orders.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
	if err != nil {
		return PlacedOrder{}, failure.Encode(err)
	}
	o := resp.GetOrder()
	return PlacedOrder{ID: o.GetId(), Status: o.GetStatus().String(), PaymentStatus: o.GetPaymentStatus().String()}, nil
}

// PlacedOrder is what the checkout keeps of a placed order.
type PlacedOrder struct {
	ID            string
	Status        string
	PaymentStatus string
}
