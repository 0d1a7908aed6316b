package checkout

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// PaymentCards implements Cards with the payment service's RPC.
type PaymentCards struct {
	Client paymentservice.Client
}

// Tokenize sends a card to the payment service, which tokenizes it for
// the account owner.
func (p PaymentCards) Tokenize(ctx context.Context, owner int64, c gateway.Card) (commerce.Card, error) {
	resp, err := p.Client.CreatePaymentMethod(ctx, &payment.CreatePaymentMethodRequest{Card: protoconv.CardInput(c), UserId: owner})
	if err != nil {
		return commerce.Card{}, err
	}
	return protoconv.FromCard(resp.GetMethod()), nil
}

// Lookup asks the payment service for the card of one of owner's tokens.
func (p PaymentCards) Lookup(ctx context.Context, owner int64, token string) (commerce.Card, error) {
	resp, err := p.Client.GetPaymentMethod(ctx, &payment.GetPaymentMethodRequest{Token: token, UserId: owner})
	if err != nil {
		return commerce.Card{}, err
	}
	return protoconv.FromCard(resp.GetMethod()), nil
}

// OrderStatuses implements Orders with the order service's RPC.
type OrderStatuses struct {
	Client orderservice.Client
}

// Status returns an order's state and its payment's.
func (o OrderStatuses) Status(ctx context.Context, id string) (OrderStatus, error) {
	resp, err := o.Client.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
	if err != nil {
		return OrderStatus{}, err
	}
	return OrderStatus{
		Order:   protoconv.FromOrderStatus(resp.GetOrder().GetStatus()),
		Payment: protoconv.FromPaymentStatus(resp.GetOrder().GetPaymentStatus()),
	}, nil
}
