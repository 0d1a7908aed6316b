package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
	"github.com/tempomall/tempomall/internal/rpc"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// sample is one journey (or call) of a phase.
type sample struct {
	id         string // workflow id
	start, end time.Time
	// answer is the Checkout RPC or Update-With-Start; done the time from
	// its start to PAID or to the workflow's completion (0: not measured).
	answer, done time.Duration
	err          error
}

// shopper is a customer logged in, buying the benchmark's product.
type shopper struct {
	clients *clients.Clients
	token   string
	userID  int64
	product int64
	seq     int
}

var benchAddress = &common.Address{Recipient: "Bench Shopper", Street: "1 Load Lane", City: "Leeds", Country: "GB", ZipCode: "LS1 1AA"}

// journey puts one unit in the cart, checks it out with a card that
// succeeds, then polls the order every poll until it is PAID.
func (sh *shopper) journey(ctx context.Context, run string, poll time.Duration) (s sample) {
	sh.seq++
	ctx = rpc.WithToken(ctx, sh.token)
	s = sample{start: time.Now()}
	// A named result: the deferred stamp reaches the caller (phase counts
	// a journey only if it ended inside the window).
	defer func() { s.end = time.Now() }()
	if _, err := sh.clients.Cart.AddItem(ctx, &cart.AddItemRequest{ProductId: sh.product, Quantity: 1}); err != nil {
		s.err = fmt.Errorf("AddItem: %w", err)
		return s
	}
	key := fmt.Sprintf("%s-%d", run, sh.seq)
	s.id = orderwf.WorkflowID(orderwf.OrderID(sh.userID, key))
	began := time.Now()
	s.start = began // the window and the timeline count from the Checkout call
	resp, err := sh.clients.Checkout.Checkout(ctx, &checkout.CheckoutRequest{
		IdempotencyKey: key, Address: benchAddress,
		PaymentMethod: &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: &payment.Card{
			Number: testcards.Succeeds, ExpMonth: 12, ExpYear: int32(time.Now().Year() + 2), Cvv: "123", HolderName: "Bench Shopper",
		}}},
	})
	s.answer = time.Since(began)
	if err != nil {
		s.err = fmt.Errorf("Checkout: %w", err)
		return s
	}
	id := resp.GetCheckout().GetOrderId()
	deadline := time.Now().Add(time.Minute)
	for {
		select {
		case <-ctx.Done():
			s.err = ctx.Err()
			return s
		case <-time.After(poll):
		}
		o, err := sh.clients.Order.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
		if err == nil {
			switch st := o.GetOrder().GetStatus(); st {
			case order.OrderStatus_ORDER_STATUS_PAID:
				s.done = time.Since(began)
				return s
			case order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT:
			default:
				s.err = fmt.Errorf("order %s is %s", id, st)
				return s
			}
		}
		if time.Now().After(deadline) {
			s.err = errors.New("order " + id + " not PAID within a minute")
			return s
		}
	}
}
