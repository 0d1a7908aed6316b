package checkout

import (
	"context"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
)

// PaymentCards implements Cards with the payment service's RPC.
type PaymentCards struct {
	Client paymentservice.Client
}

// Tokenize sends a card to the payment service, which tokenizes it.
func (p PaymentCards) Tokenize(ctx context.Context, c gateway.Card) (commerce.Card, error) {
	resp, err := p.Client.CreatePaymentMethod(ctx, &payment.CreatePaymentMethodRequest{Card: &payment.Card{
		Number: c.Number, ExpMonth: int32(c.ExpMonth), ExpYear: int32(c.ExpYear), Cvv: c.CVC, HolderName: c.HolderName,
	}})
	if err != nil {
		return commerce.Card{}, err
	}
	return cardOf(resp.GetMethod()), nil
}

// Lookup asks the payment service for a token's card.
func (p PaymentCards) Lookup(ctx context.Context, token string) (commerce.Card, error) {
	resp, err := p.Client.GetPaymentMethod(ctx, &payment.GetPaymentMethodRequest{Token: token})
	if err != nil {
		return commerce.Card{}, err
	}
	return cardOf(resp.GetMethod()), nil
}

func cardOf(m *payment.PaymentMethod) commerce.Card {
	return commerce.Card{
		Token: m.GetToken(), Brand: m.GetBrand(), Last4: m.GetLast4(),
		ExpMonth: int(m.GetExpMonth()), ExpYear: int(m.GetExpYear()),
	}
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
		Order:   commerce.OrderStatus(strings.TrimPrefix(resp.GetOrder().GetStatus().String(), "ORDER_STATUS_")),
		Payment: commerce.PaymentStatus(strings.TrimPrefix(resp.GetOrder().GetPaymentStatus().String(), "PAYMENT_STATUS_")),
	}, nil
}
