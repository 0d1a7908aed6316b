package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// The journeys a shopper goes through, with their weights.
const (
	journeyPay          = "pay"                 // good card: PAID
	journeyRefund       = "pay, refund"         // PAID, then an admin refunds it in full: REFUNDED
	journeyPartial      = "pay, partial refund" // PAID, a partial refund, sometimes the rest
	journeyDeclineRetry = "decline, retry"      // declined card, then Charge with a good one: PAID
	journeyNoCallback   = "no callback"         // the charge succeeds silently: PAID by polling
	journeyCancel       = "cancel"              // a charge that never settles, cancelled with the payment
	journeyExpire       = "expire"              // no card or a charge that never settles: left to expire
)

var journeyWeights = []struct {
	name   string
	weight int
}{
	{journeyPay, 20}, {journeyRefund, 10}, {journeyPartial, 10}, {journeyDeclineRetry, 15},
	{journeyNoCallback, 10}, {journeyCancel, 15}, {journeyExpire, 10},
}

// Order states as the API names them.
const (
	statusPending  = order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT
	statusPaid     = order.OrderStatus_ORDER_STATUS_PAID
	statusCanceled = order.OrderStatus_ORDER_STATUS_CANCELLED
	statusExpired  = order.OrderStatus_ORDER_STATUS_EXPIRED
	statusRefunded = order.OrderStatus_ORDER_STATUS_REFUNDED
	statusPartial  = order.OrderStatus_ORDER_STATUS_PARTIALLY_REFUNDED
)

// shopper is one customer looping through journeys.
type shopper struct {
	index    int
	rng      *rand.Rand
	clients  *clients.Clients
	me       *session
	admin    *session // its own admin session, logged in on first use
	products []stockedProduct
	journal  *journal
	events   *eventLog
	// waitFor bounds a wait for an order or payment state.
	waitFor time.Duration
}

// run registers the shopper, then starts journeys until runCtx ends.
// Calls still unanswered are retried until callCtx ends.
func (sh *shopper) run(runCtx, callCtx context.Context) {
	if err := sh.me.register(callCtx, fmt.Sprintf("chaos%d", sh.index)); err != nil {
		sh.journal.ended("register", "failed: "+errorText(err))
		return
	}
	for n := 1; runCtx.Err() == nil; n++ {
		name, key := sh.pickJourney(), fmt.Sprintf("j%d", n)
		outcome := sh.journey(runCtx, callCtx, name, key)
		sh.journal.ended(name, outcome)
		sh.events.Printf("shopper %d (user %d) journey %s (%s), order %s: %s", sh.index, sh.me.userID, key, name,
			orderwf.OrderID(sh.me.userID, key), outcome)
	}
}

func (sh *shopper) pickJourney() string {
	total := 0
	for _, j := range journeyWeights {
		total += j.weight
	}
	r := sh.rng.IntN(total)
	for _, j := range journeyWeights {
		if r < j.weight {
			return j.name
		}
		r -= j.weight
	}
	return journeyPay
}

// journey runs one journey and returns its outcome.
func (sh *shopper) journey(ctx, callCtx context.Context, name, key string) string {
	if err := sh.fillCart(callCtx); err != nil {
		return "cart: " + errorText(err)
	}
	card := testcards.Succeeds
	switch name {
	case journeyDeclineRetry:
		card = testcards.Declines
	case journeyNoCallback:
		card = testcards.NoWebhook
	case journeyCancel:
		card = testcards.NeverSettles
	case journeyExpire:
		card = ""
		if sh.rng.IntN(2) == 0 {
			card = testcards.NeverSettles
		}
	}
	co, err := sh.checkout(callCtx, key, card)
	switch {
	case errors.Is(err, errUnanswered):
		return "checkout unanswered"
	case err != nil:
		return "checkout refused: " + refusal(err)
	}
	id := co.GetOrderId()
	switch name {
	case journeyExpire:
		return "left to expire"
	case journeyCancel:
		return sh.cancel(ctx, callCtx, id)
	case journeyDeclineRetry:
		if out := sh.declineThenPay(ctx, callCtx, id); out != "" {
			return out
		}
	}
	o, err := sh.waitOrder(ctx, id, statusPaid, statusExpired, statusCanceled)
	if err != nil {
		return err.Error()
	}
	if o.GetStatus() != statusPaid {
		return "ended " + statusName(o.GetStatus())
	}
	switch name {
	case journeyRefund:
		return sh.refund(ctx, callCtx, o, "r1", 0)
	case journeyPartial:
		part := o.GetTotal().GetAmount() / 3
		out := sh.refund(ctx, callCtx, o, "r1", part)
		if out != "partially refunded" || sh.rng.IntN(2) == 0 {
			return out
		}
		return "partially, then " + sh.refund(ctx, callCtx, o, "r2", 0)
	}
	return "paid"
}

// fillCart empties the cart and puts one or two products in it.
func (sh *shopper) fillCart(ctx context.Context) error {
	err := sh.me.call(ctx, "EmptyCart", func(ctx context.Context) error {
		_, err := sh.clients.Cart.EmptyCart(ctx, &cart.EmptyCartRequest{})
		return err
	})
	if err != nil {
		return err
	}
	var plenty []stockedProduct
	var rare *stockedProduct
	for i, p := range sh.products {
		if p.rare {
			rare = &sh.products[i]
		} else {
			plenty = append(plenty, p)
		}
	}
	picks := []stockedProduct{plenty[sh.rng.IntN(len(plenty))]}
	if sh.rng.IntN(3) == 0 {
		if other := plenty[sh.rng.IntN(len(plenty))]; other.id != picks[0].id {
			picks = append(picks, other)
		}
	}
	if rare != nil && sh.rng.IntN(10) == 0 {
		picks = append(picks, *rare)
	}
	for _, p := range picks {
		req := &cart.AddItemRequest{ProductId: p.id, Quantity: 1 + sh.rng.Int64N(3)}
		err := sh.me.call(ctx, "AddItem", func(ctx context.Context) error {
			_, err := sh.clients.Cart.AddItem(ctx, req)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

var chaosAddress = &common.Address{Recipient: "Chaos Monkey", Street: "1 Crash Lane", City: "Leeds", Country: "GB", ZipCode: "LS1 1AA"}

func cardInput(number string) *payment.PaymentMethodInput {
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: &payment.Card{
		Number: number, ExpMonth: 12, ExpYear: int32(time.Now().Year() + 2), Cvv: "123", HolderName: "Chaos Monkey",
	}}}
}

// checkout checks the cart out with the key (and the card, when set),
// sending the same request until it answers, and sometimes once more
// after it answered. Every answer goes to the journal.
func (sh *shopper) checkout(ctx context.Context, key, card string) (*checkout.Checkout, error) {
	req := &checkout.CheckoutRequest{IdempotencyKey: key, Address: chaosAddress}
	switch sh.rng.IntN(10) {
	case 0:
		req.Currency = "EUR"
	case 1:
		req.Currency = "CNY"
	}
	if card != "" {
		req.PaymentMethod = cardInput(card)
	}
	send := func() (*checkout.Checkout, error) {
		var resp *checkout.CheckoutResponse
		err := sh.me.call(ctx, "Checkout", func(ctx context.Context) (err error) {
			resp, err = sh.clients.Checkout.Checkout(ctx, req)
			return err
		})
		switch {
		case err == nil:
			co := resp.GetCheckout()
			sh.journal.checkoutAnswered(sh.me.userID, key, co.GetId(), co.GetOrderId(), "")
			return co, nil
		case !errors.Is(err, errUnanswered):
			sh.journal.checkoutAnswered(sh.me.userID, key, orderwf.CheckoutID(sh.me.userID, key), "", errorText(err))
		}
		return nil, err
	}
	co, err := send()
	if err == nil && sh.rng.IntN(4) == 0 {
		_, _ = send() // a client that did not get the first answer
	}
	return co, err
}

// declineThenPay waits for the declined first attempt, then pays with a
// good card. It returns an outcome when the journey ends here.
func (sh *shopper) declineThenPay(ctx, callCtx context.Context, orderID string) string {
	deadline := time.Now().Add(sh.waitFor)
	for {
		var resp *payment.GetPaymentResponse
		err := sh.me.call(ctx, "GetPayment", func(ctx context.Context) (err error) {
			resp, err = sh.clients.Payment.GetPayment(ctx, &payment.GetPaymentRequest{OrderId: orderID})
			return err
		})
		if err == nil && resp.GetPayment().GetStatus() == payment.PaymentStatus_PAYMENT_STATUS_FAILED {
			break
		}
		if ctx.Err() != nil {
			return "run ended before the decline"
		}
		if time.Now().After(deadline) {
			return "no decline within " + sh.waitFor.String()
		}
		sleep(ctx, 300*time.Millisecond)
	}
	req := &payment.ChargeRequest{OrderId: orderID, PaymentMethod: cardInput(testcards.Succeeds), IdempotencyKey: "retry-1"}
	err := sh.me.call(callCtx, "Charge", func(ctx context.Context) error {
		_, err := sh.clients.Payment.Charge(ctx, req)
		return err
	})
	switch {
	case errors.Is(err, errUnanswered):
		return "charge unanswered"
	case err != nil:
		return "charge refused: " + refusal(err)
	}
	return ""
}

// cancel cancels the order with its payment in flight, after a moment.
func (sh *shopper) cancel(ctx, callCtx context.Context, orderID string) string {
	sleep(ctx, time.Duration(sh.rng.IntN(2000))*time.Millisecond)
	var resp *order.CancelOrderResponse
	err := sh.me.call(callCtx, "CancelOrder", func(ctx context.Context) (err error) {
		resp, err = sh.clients.Order.CancelOrder(ctx, &order.CancelOrderRequest{OrderId: orderID, CancelPayment: true, Reason: "chaos"})
		return err
	})
	switch {
	case errors.Is(err, errUnanswered):
		return "cancel unanswered"
	case err != nil:
		return "cancel refused: " + refusal(err)
	case resp.GetOrder().GetStatus() != statusCanceled:
		return "cancel answered " + statusName(resp.GetOrder().GetStatus())
	}
	return "cancelled"
}

// refund has the admin refund amount (0: the rest) of a paid order with
// the key, then waits for the order to show it.
func (sh *shopper) refund(ctx, callCtx context.Context, o *order.Order, key string, amount int64) string {
	if sh.admin.token == "" {
		if err := sh.admin.logIn(callCtx); err != nil {
			return "admin login: " + errorText(err)
		}
	}
	req := &payment.RefundRequest{OrderId: o.GetId(), Reason: "chaos refund " + key, IdempotencyKey: key}
	if amount > 0 {
		req.Amount = &common.Money{Amount: amount, Currency: o.GetTotal().GetCurrency()}
	}
	send := func() error {
		var resp *payment.RefundResponse
		err := sh.admin.call(callCtx, "Refund", func(ctx context.Context) (err error) {
			resp, err = sh.clients.Payment.Refund(ctx, req)
			return err
		})
		switch {
		case err == nil:
			sh.journal.refundAnswered(o.GetId(), key, amount, resp.GetRefund().GetId(), "")
		case !errors.Is(err, errUnanswered):
			sh.journal.refundAnswered(o.GetId(), key, amount, "", errorText(err))
		}
		return err
	}
	err := send()
	if err == nil && sh.rng.IntN(4) == 0 {
		_ = send() // a client that did not get the first answer
	}
	switch {
	case errors.Is(err, errUnanswered):
		return "refund unanswered"
	case err != nil:
		return "refund refused: " + refusal(err)
	}
	want := statusRefunded
	if amount > 0 && amount < o.GetTotal().GetAmount()-o.GetRefunded().GetAmount() {
		want = statusPartial
	}
	got, err := sh.waitOrder(ctx, o.GetId(), want, statusRefunded)
	if err != nil {
		return err.Error()
	}
	if got.GetStatus() == statusRefunded {
		return "refunded"
	}
	return "partially refunded"
}

// waitOrder polls the order until it is in one of the states.
func (sh *shopper) waitOrder(ctx context.Context, id string, states ...order.OrderStatus) (*order.Order, error) {
	deadline := time.Now().Add(sh.waitFor)
	var last *order.Order
	for {
		var resp *order.GetOrderResponse
		err := sh.me.call(ctx, "GetOrder", func(ctx context.Context) (err error) {
			resp, err = sh.clients.Order.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
			return err
		})
		if err == nil {
			last = resp.GetOrder()
			if slices.Contains(states, last.GetStatus()) {
				return last, nil
			}
		}
		seen := "the order was unread"
		if last != nil {
			seen = statusName(last.GetStatus())
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("run ended while %s", seen)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("still %s after %s", seen, sh.waitFor)
		}
		sleep(ctx, 300*time.Millisecond)
	}
}

func statusName(s order.OrderStatus) string {
	if s == order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
		return "unknown"
	}
	return s.String()[len("ORDER_STATUS_"):]
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
