package order_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// oid is the order id of customer 7's checkout with key "k1".
var oid = orderwf.OrderID(7, "k1")

// summary is what most tests check of an order.
type summary struct {
	Status   commerce.OrderStatus
	Payment  commerce.PaymentStatus
	Stock    string
	Refunded int64
}

func (h *harness) summary(o commerce.Order) summary {
	return summary{Status: o.Status, Payment: o.PaymentStatus, Stock: h.stock.state(o.ID), Refunded: o.Refunded.Amount}
}

func TestPlacedAndPaidByWebhook(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.placeAt(0, tokOK, &placed)
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))

	if !placed.done || placed.err != nil || placed.snap.Order == nil {
		t.Fatalf("placement: %+v", placed)
	}
	got := placed.snap
	if got.Order.Status != commerce.OrderPendingPayment || got.Order.Quote.Payable != money.New(2500, "USD") ||
		got.Payment.Status != commerce.PaymentProcessing || got.Checkout.Status != commerce.CheckoutPlaced {
		t.Errorf("placement answered %+v %+v %+v", got.Checkout.Status, got.Order, got.Payment)
	}
	o := h.finalOrder()
	want := summary{Status: commerce.OrderPaid, Payment: commerce.PaymentSucceeded, Stock: "COMMITTED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, h.summary(h.stored(oid))); diff != "" {
		t.Errorf("orders table (-want +got):\n%s", diff)
	}
	if got := h.paymentTrail(oid); got != "PROCESSING>SUCCEEDED" {
		t.Errorf("payment log %s", got)
	}
	if n := h.stock.cartUnits(); n != 0 {
		t.Errorf("the cart still holds %d units", n)
	}
	c, err := h.checkouts.Get(context.Background(), orderwf.CheckoutID(7, "k1"))
	if err != nil || c.Status != commerce.CheckoutPlaced || c.OrderID != oid {
		t.Errorf("checkouts table: %+v %v", c, err)
	}
}

func TestDuplicateWebhookSettlesOnce(t *testing.T) {
	h := newHarness(t)
	h.placeAt(0, tokOK, &updateResult{})
	h.at(5*time.Second, func() {
		h.webhook(oid, "evt_1")
		h.webhook(oid, "evt_1") // the gateway delivered the same event twice
	})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Fatalf("order %v", o.Status)
	}
	if got := h.paymentTrail(oid); got != "PROCESSING>SUCCEEDED" {
		t.Errorf("payment log %s", got)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges sent, want 1", n)
	}
}

func TestCallbackNeverArrivesReconciles(t *testing.T) {
	h := newHarness(t)
	h.placeAt(0, tokSilent, &updateResult{})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	o := h.finalOrder()
	if o.Status != commerce.OrderPaid {
		t.Fatalf("order %v", o.Status)
	}
	logs, _ := h.payments.Logs(context.Background(), oid, "")
	if last := logs[len(logs)-1]; last.Event != "reconciled" || last.ToStatus != commerce.PaymentSucceeded {
		t.Errorf("last log %+v, want reconciled SUCCEEDED", last)
	}
	if !o.PaidAt.After(o.CreatedAt.Add(settings.ReconcileAfter - time.Second)) {
		t.Errorf("paid at %v, before the reconcile delay", o.PaidAt)
	}
}

func TestDeclinedThenPaidWithAnotherCard(t *testing.T) {
	h := newHarness(t)
	var pay updateResult
	h.placeAt(0, tokDecline, &updateResult{})
	h.at(5*time.Second, func() { h.webhook(oid, "evt_decline") })
	h.at(10*time.Second, func() { h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: *card(tokOK)}) })
	h.at(20*time.Second, func() { h.webhook(oid, "evt_ok") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))

	if !pay.done || pay.err != nil {
		t.Fatalf("pay: %+v", pay)
	}
	if p := pay.snap.Payment; p.Attempt != 2 || p.Status != commerce.PaymentProcessing {
		t.Errorf("pay answered payment %+v", p)
	}
	o := h.finalOrder()
	if o.Status != commerce.OrderPaid || o.PaymentAttempts != 2 {
		t.Fatalf("order %+v", o)
	}
	first, err := h.payments.Get(context.Background(), orderwf.PaymentID(oid, 1))
	if err != nil || first.Status != commerce.PaymentFailed || first.FailureCode != "card_declined" {
		t.Errorf("first attempt %+v, %v", first, err)
	}
}

// TestPayRightAfterTheDeclineArrives sends the decline and the new attempt
// at the same instant: the request must see the decline (a worker that
// was down delivers both in one workflow task).
func TestPayRightAfterTheDeclineArrives(t *testing.T) {
	h := newHarness(t)
	var pay updateResult
	h.placeAt(0, tokDecline, &updateResult{})
	h.at(5*time.Second, func() {
		h.webhook(oid, "evt_decline")
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: *card(tokOK)})
	})
	h.at(10*time.Second, func() { h.webhook(oid, "evt_ok") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !pay.done || pay.err != nil {
		t.Fatalf("pay right after the decline: %+v", pay)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("order %v", o.Status)
	}
}

func TestExpiresWhenUnpaid(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.CouponCode = "SAVE10"
	h.placeAt(0, "", &updateResult{})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	o := h.finalOrder()
	if o.Quote.Discount.Amount != 250 || h.stock.couponInUse(oid) {
		t.Errorf("discount %v; coupon still in use: %v", o.Quote.Discount, h.stock.couponInUse(oid))
	}
	want := summary{Status: commerce.OrderExpired, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if o.StatusReason != "not paid within 15m0s" {
		t.Errorf("reason %q", o.StatusReason)
	}
}

func TestExpiryCancelsThePaymentInFlight(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Settings.ChargeTimeout = time.Hour
	h.placeAt(0, tokHang, &updateResult{})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	o := h.finalOrder()
	want := summary{Status: commerce.OrderExpired, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if s := h.cards.statusOf("ch_1"); s != gateway.ChargeCanceled {
		t.Errorf("charge %s, want canceled", s)
	}
}

func TestCancelUnpaidOrder(t *testing.T) {
	h := newHarness(t)
	var cancel, again updateResult
	h.placeAt(0, "", &updateResult{})
	h.at(time.Minute, func() { h.update(orderwf.UpdateCancel, &cancel, orderwf.CancelRequest{Reason: "changed my mind"}) })
	h.at(2*time.Minute, func() { h.update(orderwf.UpdateCancel, &again, orderwf.CancelRequest{}) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !cancel.done || cancel.err != nil || cancel.snap.Order.Status != commerce.OrderCancelled {
		t.Fatalf("cancel: %+v", cancel)
	}
	o := h.finalOrder()
	if o.Status != commerce.OrderCancelled || o.StatusReason != "changed my mind" || h.stock.state(oid) != "RELEASED" {
		t.Errorf("order %+v, stock %s", o, h.stock.state(oid))
	}
	// A cancel that comes after the workflow has ended is answered by the
	// service from the read model; one that comes before is answered here.
	if again.err != nil && !again.refusedAs(apperr.FailedPrecondition) {
		t.Errorf("repeated cancel: %+v", again)
	}
}

func TestCancelWithPaymentInFlight(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Settings.ChargeTimeout = time.Hour
	var plain, cascade updateResult
	h.placeAt(0, tokHang, &updateResult{})
	h.at(time.Minute, func() { h.update(orderwf.UpdateCancel, &plain, orderwf.CancelRequest{}) })
	h.at(2*time.Minute, func() { h.update(orderwf.UpdateCancel, &cascade, orderwf.CancelRequest{CancelPayment: true}) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !plain.refusedAs(apperr.FailedPrecondition) || !strings.Contains(plain.err.Error(), "cancel_payment") {
		t.Errorf("cancel without cancel_payment: %+v", plain)
	}
	if !cascade.done || cascade.err != nil {
		t.Fatalf("cancel with cancel_payment: %+v", cascade)
	}
	want := summary{Status: commerce.OrderCancelled, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(h.finalOrder())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if got := h.paymentTrail(oid); got != "PROCESSING>CANCELLED" {
		t.Errorf("payment log %s", got)
	}
}

func TestUnsettledPaymentTimesOut(t *testing.T) {
	h := newHarness(t)
	h.placeAt(0, tokHang, &updateResult{})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	o := h.finalOrder()
	// The charge is given up after 10 minutes; the order expires at 15.
	if o.Status != commerce.OrderExpired || o.PaymentStatus != commerce.PaymentFailed {
		t.Errorf("order %v, payment %v", o.Status, o.PaymentStatus)
	}
	p, err := h.payments.Get(context.Background(), orderwf.PaymentID(oid, 1))
	if err != nil || p.FailureCode != "timeout" {
		t.Errorf("payment %+v, %v", p, err)
	}
}

func TestRefundsAndInvalidTransitions(t *testing.T) {
	h := newHarness(t)
	var cancelPaid, tooMuch, part, whileInFlight, rest, after updateResult
	h.placeAt(0, tokOK, &updateResult{})
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.at(time.Minute, func() { h.update(orderwf.UpdateCancel, &cancelPaid, orderwf.CancelRequest{}) })
	h.at(2*time.Minute, func() {
		h.update(orderwf.UpdateRefund, &tooMuch, orderwf.RefundRequest{Amount: money.New(9999, "USD")})
	})
	h.at(3*time.Minute, func() {
		h.update(orderwf.UpdateRefund, &part, orderwf.RefundRequest{Amount: money.New(1000, "USD"), Reason: "one mug broke"})
		h.update(orderwf.UpdateRefund, &whileInFlight, orderwf.RefundRequest{})
	})
	h.at(4*time.Minute, func() { h.refundHook(orderwf.RefundID(oid, 1), "evt_re1") })
	h.at(5*time.Minute, func() { h.update(orderwf.UpdateRefund, &rest, orderwf.RefundRequest{}) })
	// The second refund is settled by a poll (no callback).
	h.at(25*time.Hour, func() { h.update(orderwf.UpdateRefund, &after, orderwf.RefundRequest{}) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))

	if !cancelPaid.refusedAs(apperr.FailedPrecondition) {
		t.Errorf("cancel a paid order: %+v", cancelPaid)
	}
	if !tooMuch.refusedAs(apperr.InvalidArgument) {
		t.Errorf("refund more than paid: %+v", tooMuch)
	}
	if !part.done || part.err != nil || part.snap.Refund.Status != commerce.RefundPending || part.snap.Refund.Amount.Amount != 1000 {
		t.Errorf("partial refund: %+v", part)
	}
	if !whileInFlight.refusedAs(apperr.FailedPrecondition) {
		t.Errorf("refund while one is in flight: %+v", whileInFlight)
	}
	if !rest.done || rest.err != nil || rest.snap.Refund.Amount.Amount != 1500 {
		t.Errorf("refund the rest: %+v", rest)
	}
	o := h.finalOrder()
	want := summary{Status: commerce.OrderRefunded, Payment: commerce.PaymentRefunded, Stock: "RETURNED", Refunded: 2500}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if n := h.cards.refundedTotal(); n != 2500 {
		t.Errorf("the network refunded %d", n)
	}
	if got := h.paymentTrail(oid); got != "PROCESSING>SUCCEEDED>PARTIALLY_REFUNDED>REFUNDED" {
		t.Errorf("payment log %s", got)
	}
}

func TestRefundWindowCloses(t *testing.T) {
	h := newHarness(t)
	h.placeAt(0, tokOK, &updateResult{})
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	// The workflow ends when the refund window closes, the order paid.
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("order %v", o.Status)
	}
}

func TestAddressChange(t *testing.T) {
	h := newHarness(t)
	var ok, bad updateResult
	office := commerce.Address{Recipient: "Charles", Street: "1 Dorset St", City: "London", Country: "GB"}
	h.placeAt(0, "", &updateResult{})
	h.at(time.Minute, func() { h.update(orderwf.UpdateAddress, &ok, office) })
	h.at(2*time.Minute, func() { h.update(orderwf.UpdateAddress, &bad, commerce.Address{Street: "x"}) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !ok.done || ok.err != nil || ok.snap.Order.Address != office {
		t.Errorf("address change: %+v", ok)
	}
	if !bad.refusedAs(apperr.InvalidArgument) {
		t.Errorf("an invalid address: %+v", bad)
	}
	if got := h.stored(oid).Address; got != office {
		t.Errorf("orders table address %+v", got)
	}
}

func TestPlacementRefusalsLeaveNothingBehind(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*harness, *orderwf.Input, *orderwf.PlaceRequest)
		kind  apperr.Kind
	}{
		{"short stock", func(h *harness, _ *orderwf.Input, _ *orderwf.PlaceRequest) {
			h.stock.set(func(s *inventory) { s.cart = 11 })
		}, apperr.FailedPrecondition},
		{"the total changed", func(_ *harness, _ *orderwf.Input, req *orderwf.PlaceRequest) {
			req.ExpectedPayable = &money.Money{Amount: 2400, Currency: "USD"}
		}, apperr.FailedPrecondition},
		{"unsupported currency", func(_ *harness, in *orderwf.Input, _ *orderwf.PlaceRequest) { in.Currency = "GBP" }, apperr.InvalidArgument},
		{"an empty cart", func(h *harness, _ *orderwf.Input, _ *orderwf.PlaceRequest) {
			h.stock.set(func(s *inventory) { s.cart = 0 })
		}, apperr.FailedPrecondition},
		{"an unknown coupon", func(_ *harness, in *orderwf.Input, _ *orderwf.PlaceRequest) { in.CouponCode = "NOPE" }, apperr.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			in, req := input("k1"), orderwf.PlaceRequest{Card: card(tokOK)}
			tt.setup(h, &in, &req)
			var placed updateResult
			h.at(0, func() { h.update(orderwf.UpdatePlace, &placed, req) })
			h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
			if !placed.refusedAs(tt.kind) {
				t.Errorf("placement: %+v, want %v", placed, tt.kind)
			}
			// A refusal is a business outcome: the workflow ends normally,
			// with the checkout FAILED; a Failed workflow means a bug.
			s, err := h.final()
			if err != nil || s.Order != nil || s.Checkout.Status != commerce.CheckoutFailed || s.Checkout.FailureReason == "" {
				t.Errorf("the workflow ended with %+v, %v; want a FAILED checkout and no order", s.Checkout, err)
			}
			if _, err := h.orders.Get(context.Background(), oid); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("an order was recorded: %v", err)
			}
			if st := h.stock.state(oid); st != "" || h.stock.couponInUse(oid) {
				t.Errorf("stock is %q, coupon in use %v", st, h.stock.couponInUse(oid))
			}
			if n := h.cards.chargesSent(); n != 0 {
				t.Errorf("%d charges sent", n)
			}
		})
	}
}

func TestOperatorCancelStillCleansUp(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Settings.ChargeTimeout = time.Hour
	h.placeAt(0, tokHang, &updateResult{})
	h.at(time.Minute, h.env.CancelWorkflow)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	var s orderwf.Snapshot
	if err := h.env.GetWorkflowResult(&s); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("workflow result: %v", err)
	}
	o := h.stored(oid)
	want := summary{Status: commerce.OrderCancelled, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if s := h.cards.statusOf("ch_1"); s != gateway.ChargeCanceled {
		t.Errorf("charge %s", s)
	}
}

// TestGatewayOutageNeverLeavesAChargeLive: the charge sent while the
// customer waits reaches the gateway but its answer is lost; the order is
// placed with the payment PENDING and the charge sent again (same key)
// once the gateway answers, then paid.
func TestGatewayOutageNeverLeavesAChargeLive(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.at(0, func() { h.cards.setDown(true) })
	h.placeAt(0, tokOK, &placed)
	h.at(time.Minute, func() { h.cards.setDown(false) })
	h.at(5*time.Minute, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !placed.done || placed.err != nil || placed.snap.Payment.Status != commerce.PaymentPending {
		t.Fatalf("placement: %+v", placed)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("order %v", o.Status)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges sent, want 1", n)
	}
}

// TestOutageThroughTheTimeoutResolvesTheCharge: the gateway stays
// unreachable past the charge timeout; the attempt is given up only once
// the gateway confirms the charge's cancellation.
func TestOutageThroughTheTimeoutResolvesTheCharge(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Settings.PaymentWindow = time.Hour
	h.at(0, func() { h.cards.setDown(true) })
	h.placeAt(0, tokHang, &updateResult{})
	h.at(20*time.Minute, func() { h.cards.setDown(false) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	o := h.finalOrder()
	if o.Status != commerce.OrderExpired || h.cards.statusOf("ch_1") != gateway.ChargeCanceled {
		t.Errorf("order %v, charge %s", o.Status, h.cards.statusOf("ch_1"))
	}
}

func TestLostRefundReplyIsNotRefundedTwice(t *testing.T) {
	h := newHarness(t)
	var refund updateResult
	h.placeAt(0, tokOK, &updateResult{})
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.at(time.Minute, func() {
		h.cards.setDown(true)
		h.update(orderwf.UpdateRefund, &refund, orderwf.RefundRequest{})
	})
	// (Temporal's test environment caps retries at 10 attempts: the
	// outage stays within them; production retries without limit.)
	h.at(3*time.Minute, func() { h.cards.setDown(false) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !refund.done || refund.err != nil {
		t.Fatalf("refund: %v", refund.err)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderRefunded || h.cards.refundedTotal() != 2500 {
		t.Errorf("order %v, refunded %d", o.Status, h.cards.refundedTotal())
	}
}

func TestFreeOrderIsPaidAtPlacement(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.CouponCode = "FREE"
	var placed updateResult
	h.placeAt(0, "", &placed)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !placed.done || placed.err != nil || placed.snap.Order.Status != commerce.OrderPaid {
		t.Fatalf("placement: %+v", placed)
	}
	o := h.finalOrder()
	if o.Status != commerce.OrderPaid || o.Quote.Payable.Amount != 0 || h.stock.state(oid) != "COMMITTED" || h.cards.chargesSent() != 0 {
		t.Errorf("order %+v, stock %s, %d charges", o, h.stock.state(oid), h.cards.chargesSent())
	}
}

// TestLostHoldReplyIsUndone: the stock is reserved but the answer is lost:
// the reservation is released, the checkout stays open, and the same
// request placed again succeeds.
func TestLostHoldReplyIsUndone(t *testing.T) {
	h := newHarness(t)
	var first, second updateResult
	h.at(0, func() { h.stock.set(func(s *inventory) { s.lostReplies = true }) })
	h.placeAt(0, tokOK, &first)
	h.at(time.Minute, func() {
		if st := h.stock.state(oid); st != "RELEASED" {
			t.Errorf("after the lost reply, the stock is %q", st)
		}
		h.stock.set(func(s *inventory) { s.lostReplies = false })
		h.update(orderwf.UpdatePlace, &second, orderwf.PlaceRequest{Card: card(tokOK)})
	})
	h.at(2*time.Minute, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !first.refusedAs(apperr.Unavailable) {
		t.Errorf("first placement: %+v, want Unavailable", first)
	}
	if !second.done || second.err != nil {
		t.Fatalf("second placement: %+v", second)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid || h.stock.state(oid) != "COMMITTED" {
		t.Errorf("order %v, stock %s", o.Status, h.stock.state(oid))
	}
}

func TestOperatorCancelDuringCommitKeepsThePaidOrder(t *testing.T) {
	h := newHarness(t)
	h.placeAt(0, tokOK, &updateResult{})
	h.at(5*time.Second, func() {
		h.stock.set(func(s *inventory) { s.lostReplies = true })
		h.webhook(oid, "evt_1")
	})
	h.at(time.Minute, func() {
		h.stock.set(func(s *inventory) { s.lostReplies = false })
		h.env.CancelWorkflow()
	})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	o := h.stored(oid)
	if o.Status != commerce.OrderPaid || h.stock.state(oid) != "COMMITTED" {
		t.Errorf("order %v, stock %s", o.Status, h.stock.state(oid))
	}
}

// TestCartTrimmedAfterThePlacementIsRecorded: the cart is trimmed by an
// activity, which starts once the workflow task that priced and held the
// order is recorded, not by a local activity of that task. A worker killed
// after trimming in the task (which is then lost) left the task's next run
// an empty cart to price: the checkout failed with its stock held and its
// card charged (seen by e2e's TestScaleOut).
func TestCartTrimmedAfterThePlacementIsRecorded(t *testing.T) {
	h := newHarness(t)
	var local, remote []string
	h.env.SetOnLocalActivityStartedListener(func(info *activity.Info, _ context.Context, _ []any) {
		local = append(local, info.ActivityType.Name)
	})
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		remote = append(remote, info.ActivityType.Name)
	})
	var placed updateResult
	h.placeAt(0, tokOK, &placed)
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if placed.err != nil || placed.snap.Order == nil {
		t.Fatalf("placement: %+v", placed)
	}
	if slices.Contains(local, "TrimCart") || !slices.Contains(remote, "TrimCart") {
		t.Errorf("local activities %v, activities %v: want TrimCart among the activities only", local, remote)
	}
	if n := h.stock.cartUnits(); n != 0 {
		t.Errorf("the cart still holds %d units", n)
	}
}

func TestPlaceTwiceOneOrder(t *testing.T) {
	h := newHarness(t)
	var first, second updateResult
	h.placeAt(0, tokOK, &first)
	h.placeAt(time.Second, tokOK, &second)
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if first.err != nil || second.err != nil || first.snap.Order.ID != second.snap.Order.ID {
		t.Errorf("first %+v, second %+v", first, second)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges", n)
	}
}

// TestDraftChangedThenPlaced: a draft is priced, changed, then placed by a
// request that brings only a card: the draft's fields stay.
func TestDraftChangedThenPlaced(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Address = commerce.Address{}
	cny, coupon := "CNY", "SAVE10"
	var quote, bad, modify, place updateResult
	h.at(0, func() { h.update(orderwf.UpdateQuote, &quote) })
	h.at(time.Minute, func() {
		nope := "NOPE"
		h.update(orderwf.UpdateModify, &bad, orderwf.Changes{CouponCode: &nope})
	})
	h.at(2*time.Minute, func() {
		h.update(orderwf.UpdateModify, &modify, orderwf.Changes{Address: &home, Currency: &cny, CouponCode: &coupon})
	})
	h.placeAt(3*time.Minute, tokOK, &place)
	h.at(4*time.Minute, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !quote.done || quote.err != nil || quote.snap.Checkout.Status != commerce.CheckoutOpen || quote.snap.Checkout.Quote.Payable.Amount != 2500 {
		t.Fatalf("quote: %+v", quote)
	}
	if !bad.refusedAs(apperr.NotFound) {
		t.Errorf("an unknown coupon: %+v", bad)
	}
	if !modify.done || modify.err != nil || modify.snap.Checkout.Quote.Payable != money.New(15975, "CNY") {
		t.Errorf("modify: %+v %v", modify.snap.Checkout.Quote.Payable, modify.err)
	}
	if !place.done || place.err != nil || place.snap.Order.Address != home || place.snap.Order.Quote.Payable.Currency != "CNY" {
		t.Errorf("place: %+v", place)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("order %v", o.Status)
	}
}

func TestDraftWithoutAddressStaysOpen(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Address = commerce.Address{}
	var place updateResult
	h.at(0, func() { h.update(orderwf.UpdateQuote, &updateResult{}) })
	h.placeAt(time.Minute, tokOK, &place)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !place.refusedAs(apperr.InvalidArgument) || !strings.Contains(place.err.Error(), "address") {
		t.Errorf("place without an address: %+v", place)
	}
	s, err := h.final()
	if err != nil || s.Checkout.Status != commerce.CheckoutExpired || s.Order != nil {
		t.Errorf("final %+v, %v; want an expired checkout", s.Checkout, err)
	}
}

func TestDraftDeleted(t *testing.T) {
	h := newHarness(t)
	var del, modify updateResult
	h.at(0, func() { h.update(orderwf.UpdateQuote, &updateResult{}) })
	h.at(time.Minute, func() { h.update(orderwf.UpdateDelete, &del) })
	h.at(time.Minute+time.Second, func() {
		cny := "CNY"
		h.update(orderwf.UpdateModify, &modify, orderwf.Changes{Currency: &cny})
	})
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !del.done || del.err != nil {
		t.Fatalf("delete: %+v", del)
	}
	s, err := h.final()
	if err != nil || s.Checkout.Status != commerce.CheckoutDeleted {
		t.Errorf("final %+v, %v", s.Checkout, err)
	}
	if c, err := h.checkouts.Get(context.Background(), orderwf.CheckoutID(7, "k1")); err != nil || c.Status != commerce.CheckoutDeleted {
		t.Errorf("checkouts table: %+v %v", c, err)
	}
}

// TestOrderOfGivenItems is OrderService.PlaceOrder's path: no cart.
func TestOrderOfGivenItems(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.Items = []commerce.Item{{ProductID: 1, Quantity: 1}}
	var placed updateResult
	h.placeAt(0, "", &placed)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !placed.done || placed.err != nil || placed.snap.Order.Quote.Payable.Amount != 1250 {
		t.Fatalf("placement: %+v", placed)
	}
	if n := h.stock.cartUnits(); n != 2 {
		t.Errorf("the cart changed: %d units", n)
	}
}

func TestInvalidCardFailsTheAttempt(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.placeAt(0, tokInvalid, &placed)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if !placed.done || placed.err != nil || placed.snap.Payment.Status != commerce.PaymentFailed {
		t.Fatalf("placement: %+v", placed)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderExpired {
		t.Errorf("order %v", o.Status)
	}
}

// TestCallbackBeforeALostPlacementRanAgain: a placement whose workflow
// task was lost with its worker had charged the card; the gateway's
// callback reached the workflow before the customer's retry placed the
// order again, and the gateway answers the repeated charge as it was
// created (PROCESSING). The callback is kept and settles the attempt: the
// order is paid at placement, not left to expire with the card charged.
func TestCallbackBeforeALostPlacementRanAgain(t *testing.T) {
	h := newHarness(t)
	h.cards.lostCharge(oid, 1, tokOK, 2500)
	var placed updateResult
	h.at(time.Second, func() { h.webhook(oid, "evt_early") })
	h.placeAt(2*time.Second, tokOK, &placed)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if placed.err != nil || placed.snap.Order == nil {
		t.Fatalf("placement: %+v", placed)
	}
	if got := placed.snap.Order.Status; got != commerce.OrderPaid {
		t.Errorf("the order is %s at placement, want PAID", got)
	}
	snap, err := h.final()
	if err != nil || snap.Order.Status != commerce.OrderPaid {
		t.Errorf("final: %v %+v", err, snap.Order)
	}
}

// placing is the input of a checkout started by a request that places it
// with card token (as the checkout service starts one).
func placing(key, token string) orderwf.Input {
	in := input(key)
	in.Place = &orderwf.PlaceRequest{Card: card(token)}
	return in
}

// TestLostFirstRequestIsPlacedByTheWorkflow: the update that placed the
// checkout was lost with the workflow task whose local activities charged
// the card, and the customer never asked again. After the placement
// budget the workflow places the order itself, with the request it was
// started with: the one charge pays the one order, and a request that
// comes after gets that order.
func TestLostFirstRequestIsPlacedByTheWorkflow(t *testing.T) {
	h := newHarness(t)
	h.cards.lostCharge(oid, 1, tokOK, 2500)
	var before commerce.OrderStatus
	h.at(settings.PlacementBudget+settings.ReconcileAfter+10*time.Second, func() {
		v, err := h.env.QueryWorkflow(orderwf.QueryStatus)
		var s orderwf.Snapshot
		if err == nil {
			err = v.Get(&s)
		}
		if err != nil || s.Order == nil {
			t.Errorf("no order before the late request: %+v %v", s, err)
			return
		}
		before = s.Order.Status
	})
	var late updateResult
	h.placeAt(settings.PlacementBudget+2*time.Minute, tokOK, &late)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, placing("k1", tokOK))
	if before != commerce.OrderPaid {
		t.Errorf("the order was %q before the late request, want PAID", before)
	}
	o := h.finalOrder()
	if o.Status != commerce.OrderPaid {
		t.Errorf("the order is %s, want PAID", o.Status)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges at the network, want the lost placement's one", n)
	}
	if late.err != nil || late.snap.Order == nil || late.snap.Order.ID != oid {
		t.Errorf("the late request: %+v", late)
	}
	stored, err := h.orders.Get(context.Background(), oid)
	if err != nil || stored.Status != commerce.OrderPaid {
		t.Errorf("the orders table holds %s (%v), want PAID", stored.Status, err)
	}
	if n := h.stock.cartUnits(); n != 0 {
		t.Errorf("the cart still holds %d units", n)
	}
}

// TestFirstRequestInTimeIsNotPlacedTwice: a checkout started with its
// place request that gets it as usual places once, and its timer for a
// lost request never fires.
func TestFirstRequestInTimeIsNotPlacedTwice(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.placeAt(0, tokOK, &placed)
	h.at(5*time.Second, func() { h.webhook(oid, "evt_1") })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, placing("k1", tokOK))
	if placed.err != nil || placed.snap.Order == nil {
		t.Fatalf("placement: %+v", placed)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("the order is %s, want PAID", o.Status)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges, want 1", n)
	}
}

// TestLostPlacementIsTakenOver: a placement's first run held three mugs
// and charged 37.50, then its workflow task was lost. Before the
// placement ran again, the customer's cart changed to two mugs, or was
// emptied, or the lost run had taken the last mugs in stock. The order is
// the three mugs the request found: the held stock and the one charge,
// paid; nothing is left held or charged for nothing. (Before, the second
// run's hold or pricing was refused and its checkout failed, or its charge
// under the same key was refused as a conflict and the order expired,
// while the first run's hold and charge stayed behind.)
func TestLostPlacementIsTakenOver(t *testing.T) {
	for _, tt := range []struct {
		name     string
		setup    func(s *inventory)
		mugsLeft int64
	}{
		{"the cart changed", func(*inventory) {}, 7},
		{"the cart was emptied", func(s *inventory) { s.cart = 0 }, 7},
		{"the last units were held", func(s *inventory) { s.available = 3 }, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.stock.set(tt.setup)
			h.stock.lostHold(oid, 3)
			h.cards.lostCharge(oid, 1, tokOK, 3750)
			var placed updateResult
			h.placeAt(0, tokOK, &placed)
			h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
			if placed.err != nil || placed.snap.Order == nil {
				t.Fatalf("placement: %+v", placed)
			}
			o := h.finalOrder()
			if o.Status != commerce.OrderPaid || o.Quote.Payable.Amount != 3750 {
				t.Errorf("the order is %s for %s, want PAID for the three held mugs (37.50 USD)", o.Status, o.Quote.Payable)
			}
			if n := h.cards.chargesSent(); n != 1 {
				t.Errorf("%d charges, want the lost run's one", n)
			}
			if got := h.stock.state(oid); got != "COMMITTED" {
				t.Errorf("the reservation is %s, want COMMITTED", got)
			}
			if left := h.stock.left(); left != tt.mugsLeft {
				t.Errorf("%d mugs left, want %d", left, tt.mugsLeft)
			}
		})
	}
}

// TestChargeSentLateThatHadSucceededPays: the gateway was unreachable at
// placement (the charge reached it, its answer did not), and the charge
// succeeded meanwhile without a callback reaching the workflow. When the
// charge is sent again, the gateway answers it succeeded: the order is
// paid. (Before, the attempt was recorded SUCCEEDED and the order expired
// at the end of its payment window, the card charged.)
func TestChargeSentLateThatHadSucceededPays(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.at(0, func() { h.cards.setDown(true) })
	h.placeAt(0, tokSilent, &placed)
	h.at(30*time.Second, func() { h.cards.settleCharge(oid) })
	h.at(time.Minute, func() { h.cards.setDown(false) })
	h.env.ExecuteWorkflow(orderwf.WorkflowType, input("k1"))
	if placed.err != nil || placed.snap.Payment == nil || placed.snap.Payment.Status != commerce.PaymentPending {
		t.Fatalf("placement: %+v", placed)
	}
	if o := h.finalOrder(); o.Status != commerce.OrderPaid {
		t.Errorf("the order is %s, want PAID", o.Status)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges sent, want 1", n)
	}
}

// TestRefusalIsRecordedWithItsKind: a checkout refused at its first
// pricing (an unknown coupon: NotFound) is recorded FAILED with the
// refusal's kind and message, which the checkout service answers to a
// repeat of the request (e2e TestRepeatedCheckoutRefusalIsTheFirst).
func TestRefusalIsRecordedWithItsKind(t *testing.T) {
	h := newHarness(t)
	in := input("k1")
	in.CouponCode = "NOPE"
	var first updateResult
	h.placeAt(0, tokOK, &first)
	h.env.ExecuteWorkflow(orderwf.WorkflowType, in)
	if !first.refusedAs(apperr.NotFound) {
		t.Fatalf("first answer %+v, want NotFound", first)
	}
	stored, err := h.checkouts.Get(context.Background(), in.CheckoutID)
	if err != nil || stored.Status != commerce.CheckoutFailed || stored.Refusal().Error() != temporalx.Decode(first.err).Error() ||
		apperr.KindOf(stored.Refusal()) != apperr.NotFound {
		t.Errorf("stored checkout %s answers %v (%v), the first answer was %v", stored.Status, stored.Refusal(), err, temporalx.Decode(first.err))
	}
}
