package order_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

func kindOf(err error) apperr.Kind { return apperr.KindOf(temporalx.Decode(err)) }

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

func TestPaidByWebhook(t *testing.T) {
	h := newHarness(t)
	var placed updateResult
	h.at(0, func() { h.update(orderwf.UpdatePlacement, &placed) })
	h.at(5*time.Second, func() { h.webhook("o1", "evt_1") })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokOK))

	if !placed.done || placed.err != nil {
		t.Fatalf("placement: %+v", placed)
	}
	if p := placed.value.(commerce.Order); p.Status != commerce.OrderPendingPayment || p.Quote.Payable != money.New(2500, "USD") {
		t.Errorf("placement answered %+v", p)
	}
	o, err := h.final()
	if err != nil {
		t.Fatal(err)
	}
	want := summary{Status: commerce.OrderPaid, Payment: commerce.PaymentSucceeded, Stock: "COMMITTED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, h.summary(h.stored("o1"))); diff != "" {
		t.Errorf("orders table (-want +got):\n%s", diff)
	}
	if got := h.paymentTrail("o1"); got != "PENDING>PROCESSING>SUCCEEDED" {
		t.Errorf("payment log %s", got)
	}
}

func TestDuplicateWebhookSettlesOnce(t *testing.T) {
	h := newHarness(t)
	h.at(5*time.Second, func() {
		h.webhook("o1", "evt_1")
		h.webhook("o1", "evt_1") // the gateway delivered the same event twice
	})
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokOK))
	o, err := h.final()
	if err != nil || o.Status != commerce.OrderPaid {
		t.Fatalf("order %v, %v", o.Status, err)
	}
	if got := h.paymentTrail("o1"); got != "PENDING>PROCESSING>SUCCEEDED" {
		t.Errorf("payment log %s", got)
	}
	if n := h.cards.chargesSent(); n != 1 {
		t.Errorf("%d charges sent, want 1", n)
	}
}

func TestCallbackNeverArrivesReconciles(t *testing.T) {
	h := newHarness(t)
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokSilent))
	o, err := h.final()
	if err != nil || o.Status != commerce.OrderPaid {
		t.Fatalf("order %v, %v", o.Status, err)
	}
	logs, _ := h.payments.Logs(context.Background(), "o1", "")
	if last := logs[len(logs)-1]; last.Event != "reconciled" || last.ToStatus != commerce.PaymentSucceeded {
		t.Errorf("last log %+v, want reconciled SUCCEEDED", last)
	}
	if !o.PaidAt.After(o.CreatedAt.Add(settings.Payment.ReconcileAfter - time.Second)) {
		t.Errorf("paid at %v, before the reconcile delay", o.PaidAt)
	}
}

func TestDeclinedThenPaidWithAnotherCard(t *testing.T) {
	h := newHarness(t)
	var pay updateResult
	h.at(5*time.Second, func() { h.webhook("o1", "evt_decline") })
	h.at(10*time.Second, func() {
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: commerce.Card{Token: tokOK}})
	})
	h.at(20*time.Second, func() { h.webhook("o1", "evt_ok") })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokDecline))

	if !pay.done || pay.err != nil {
		t.Fatalf("pay: %+v", pay)
	}
	if p := pay.value.(orderwf.PayResult).Payment; p.Attempt != 2 || p.Status != commerce.PaymentProcessing {
		t.Errorf("pay answered payment %+v", p)
	}
	o, err := h.final()
	if err != nil || o.Status != commerce.OrderPaid || o.PaymentAttempts != 2 {
		t.Fatalf("order %+v, %v", o, err)
	}
	first, err := h.payments.Get(context.Background(), "pay_o1_1")
	if err != nil || first.Status != commerce.PaymentFailed || first.FailureCode != "card_declined" {
		t.Errorf("first attempt %+v, %v", first, err)
	}
}

func TestExpiresWhenUnpaid(t *testing.T) {
	h := newHarness(t)
	in := input("o1", "")
	in.CouponCode = "SAVE10"
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	o, err := h.final()
	if err != nil {
		t.Fatal(err)
	}
	if o.Quote.Discount.Amount != 250 || h.stock.couponInUse("o1") {
		t.Errorf("discount %v; coupon still in use: %v", o.Quote.Discount, h.stock.couponInUse("o1"))
	}
	want := summary{Status: commerce.OrderExpired, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if o.StatusReason != "not paid within 15m0s" {
		t.Errorf("reason %q", o.StatusReason)
	}
	if !o.UpdatedAt.Equal(o.ExpiresAt) || o.ExpiresAt.Sub(o.CreatedAt) != settings.PaymentTimeout {
		t.Errorf("expired at %v, created %v, expires %v", o.UpdatedAt, o.CreatedAt, o.ExpiresAt)
	}
}

func TestExpiryCancelsThePaymentInFlight(t *testing.T) {
	h := newHarness(t)
	in := input("o1", tokHang)
	in.Settings.Payment.Timeout = time.Hour // the order expires first
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	o, err := h.final()
	if err != nil {
		t.Fatal(err)
	}
	want := summary{Status: commerce.OrderExpired, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if got := h.paymentTrail("o1"); got != "PENDING>PROCESSING>CANCELLED" {
		t.Errorf("payment log %s", got)
	}
}

func TestCancelUnpaidOrder(t *testing.T) {
	h := newHarness(t)
	var cancel updateResult
	h.at(time.Minute, func() {
		h.update(orderwf.UpdateCancel, &cancel, orderwf.CancelRequest{Reason: "changed my mind"})
	})
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", ""))
	if !cancel.done || cancel.err != nil {
		t.Fatalf("cancel: %+v", cancel)
	}
	o, _ := h.final()
	if diff := cmp.Diff(summary{Status: commerce.OrderCancelled, Stock: "RELEASED"}, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if o.StatusReason != "changed my mind" {
		t.Errorf("reason %q", o.StatusReason)
	}
}

func TestCancelWithPaymentInFlight(t *testing.T) {
	h := newHarness(t)
	var plain, cascade updateResult
	h.at(time.Minute, func() { h.update(orderwf.UpdateCancel, &plain, orderwf.CancelRequest{}) })
	h.at(2*time.Minute, func() {
		h.update(orderwf.UpdateCancel, &cascade, orderwf.CancelRequest{CancelPayment: true})
	})
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokHang))

	if !plain.refusedAs(apperr.FailedPrecondition) {
		t.Errorf("cancel without cancel_payment: %+v", plain)
	}
	if !cascade.done || cascade.err != nil {
		t.Fatalf("cancel with cancel_payment: %+v", cascade)
	}
	o, _ := h.final()
	want := summary{Status: commerce.OrderCancelled, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestUnsettledPaymentTimesOut(t *testing.T) {
	h := newHarness(t)
	in := input("o1", tokHang)
	in.Settings.PaymentTimeout = time.Hour // the payment gives up first
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	o, err := h.final()
	if err != nil {
		t.Fatal(err)
	}
	want := summary{Status: commerce.OrderExpired, Payment: commerce.PaymentFailed, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	p, _ := h.payments.Get(context.Background(), "pay_o1_1")
	if p.FailureCode != "timeout" {
		t.Errorf("payment %+v, want a timeout", p)
	}
}

func TestRefundsAndInvalidTransitions(t *testing.T) {
	h := newHarness(t)
	var cancel, pay, tooMuch, partial, rest updateResult
	h.at(5*time.Second, func() { h.webhook("o1", "evt_1") })
	h.at(time.Minute, func() {
		h.update(orderwf.UpdateCancel, &cancel, orderwf.CancelRequest{})
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: commerce.Card{Token: tokOK}})
		h.update(orderwf.UpdateRefund, &tooMuch, orderwf.RefundRequest{Amount: money.New(2501, "USD")})
	})
	h.at(2*time.Minute, func() {
		h.update(orderwf.UpdateRefund, &partial, orderwf.RefundRequest{Amount: money.New(1000, "USD"), Reason: "one cup broke"})
	})
	h.at(time.Hour, func() { h.update(orderwf.UpdateRefund, &rest, orderwf.RefundRequest{Reason: "returned"}) })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokOK))

	for name, r := range map[string]updateResult{"cancel a paid order": cancel, "pay a paid order": pay} {
		if !r.rejected || !r.refusedAs(apperr.FailedPrecondition) {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if !tooMuch.rejected || kindOf(tooMuch.err) != apperr.InvalidArgument {
		t.Errorf("refund more than paid: %+v", tooMuch)
	}
	if !partial.done || partial.err != nil {
		t.Fatalf("partial refund: %+v", partial)
	}
	// The refund is answered once the gateway accepted it; the order
	// follows when it settles.
	if r := partial.value.(orderwf.RefundResult); r.Order.Status != commerce.OrderPaid || r.Refund.Status != commerce.RefundPending || r.Refund.GatewayID == "" {
		t.Errorf("partial refund answered %+v", r)
	}
	if !rest.done || rest.err != nil {
		t.Fatalf("refund of the rest: %+v", rest)
	}
	o, _ := h.final()
	want := summary{Status: commerce.OrderRefunded, Payment: commerce.PaymentRefunded, Stock: "RETURNED", Refunded: 2500}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if got := h.paymentTrail("o1"); got != "PENDING>PROCESSING>SUCCEEDED>PARTIALLY_REFUNDED>REFUNDED" {
		t.Errorf("payment log %s", got)
	}
}

func TestAddressChange(t *testing.T) {
	h := newHarness(t)
	var good, bad updateResult
	moved := commerce.Address{Recipient: "Ada", Street: "2 New Rd", City: "Leeds", Country: "GB"}
	h.at(time.Minute, func() {
		h.update(orderwf.UpdateAddress, &bad, commerce.Address{City: "Leeds"})
		h.update(orderwf.UpdateAddress, &good, moved)
	})
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", ""))
	if !bad.rejected || kindOf(bad.err) != apperr.InvalidArgument {
		t.Errorf("incomplete address: %+v", bad)
	}
	if !good.done || good.err != nil || good.value.(commerce.Order).Address != moved {
		t.Errorf("address change: %+v", good)
	}
	if o, _ := h.final(); o.Address != moved {
		t.Errorf("final address %+v", o.Address)
	}
}

func TestPlacementRefusalsLeaveNothingBehind(t *testing.T) {
	tests := []struct {
		name string
		in   func() orderwf.Input
		kind apperr.Kind
	}{
		{"short stock", func() orderwf.Input {
			in := input("o1", tokOK)
			in.Items[0].Quantity = 11
			return in
		}, apperr.FailedPrecondition},
		{"the total changed", func() orderwf.Input {
			in := input("o1", tokOK)
			in.ExpectedTotal = &money.Money{Amount: 2400, Currency: "USD"}
			return in
		}, apperr.FailedPrecondition},
		{"unsupported currency", func() orderwf.Input {
			in := input("o1", tokOK)
			in.Currency = "GBP"
			return in
		}, apperr.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			var placed updateResult
			h.at(0, func() { h.update(orderwf.UpdatePlacement, &placed) })
			h.env.ExecuteWorkflow(orderwf.OrderWorkflow, tt.in())
			if placed.err == nil || kindOf(placed.err) != tt.kind {
				t.Errorf("placement: %+v, want %v", placed, tt.kind)
			}
			// A refusal is a business outcome: the workflow ends normally,
			// saying why, and a Failed workflow means a bug.
			if o, err := h.final(); err != nil || o.Status != "" || !strings.Contains(o.StatusReason, "not placed") {
				t.Errorf("the workflow ended with %+v, %v; want completed, not placed", o, err)
			}
			if _, err := h.orders.Get(context.Background(), "o1"); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("an order was recorded: %v", err)
			}
			if s := h.stock.state("o1"); s != "" {
				t.Errorf("stock is %s", s)
			}
			if n := h.cards.chargesSent(); n != 0 {
				t.Errorf("%d charges sent", n)
			}
		})
	}
}

func TestOperatorCancelStillCleansUp(t *testing.T) {
	h := newHarness(t)
	in := input("o1", tokHang)
	in.Settings.Payment.Timeout = time.Hour
	h.at(time.Minute, h.env.CancelWorkflow)
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("the workflow did not complete")
	}
	o := h.stored("o1")
	want := summary{Status: commerce.OrderCancelled, Payment: commerce.PaymentCancelled, Stock: "RELEASED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("orders table (-want +got):\n%s", diff)
	}
	if o.StatusReason != "cancelled by an operator" {
		t.Errorf("reason %q", o.StatusReason)
	}
}

func TestPayRightAfterTheDeclineArrives(t *testing.T) {
	h := newHarness(t)
	var pay updateResult
	h.at(5*time.Second, func() { h.webhook("o1", "evt_decline") })
	// A client that saw the decline pays again at once.
	h.at(5*time.Second+time.Millisecond, func() {
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: commerce.Card{Token: tokOK}})
	})
	h.at(20*time.Second, func() { h.webhook("o1", "evt_ok") })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokDecline))
	if !pay.done || pay.err != nil || pay.value.(orderwf.PayResult).Payment.Attempt != 2 {
		t.Fatalf("pay: %+v", pay)
	}
	if o, err := h.final(); err != nil || o.Status != commerce.OrderPaid {
		t.Fatalf("order %v, %v", o.Status, err)
	}
}

func TestGatewayOutageNeverLeavesAChargeLive(t *testing.T) {
	h := newHarness(t)
	in := input("o1", tokHang)
	in.Settings.Payment.Timeout = 6 * time.Minute
	// The charge reaches the network but its replies do not come back until
	// after the payment's deadline (and after the 5 minutes an activity used
	// to be given): its outcome is unknown when the payment gives up.
	h.cards.setDown(true)
	h.at(8*time.Minute, func() { h.cards.setDown(false) })
	var pay updateResult
	h.at(10*time.Minute, func() {
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: commerce.Card{Token: tokOK}})
	})
	h.at(10*time.Minute+5*time.Second, func() { h.webhook("o1", "evt_ok") })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)

	first, err := h.payments.Get(context.Background(), "pay_o1_1")
	if err != nil || first.Status != commerce.PaymentFailed || first.FailureCode != "timeout" {
		t.Fatalf("first attempt %+v, %v", first, err)
	}
	if first.ChargeID == "" || h.cards.statusOf(first.ChargeID) != gateway.ChargeCanceled {
		t.Errorf("the first charge %q is %s at the network, want canceled", first.ChargeID, h.cards.statusOf(first.ChargeID))
	}
	if o, err := h.final(); err != nil || o.Status != commerce.OrderPaid || o.PaymentAttempts != 2 {
		t.Fatalf("order %+v, %v", o, err)
	}
}

func TestLostRefundReplyIsNotRefundedTwice(t *testing.T) {
	h := newHarness(t)
	var refund updateResult
	h.at(5*time.Second, func() { h.webhook("o1", "evt_1") })
	h.at(time.Minute, func() {
		h.cards.setDown(true)
		h.update(orderwf.UpdateRefund, &refund, orderwf.RefundRequest{Reason: "returned"})
	})
	// Replies are lost for 3 minutes; the refund is retried with its key.
	// (Temporal's test environment caps retries at 10 attempts, so the
	// outage is kept within them; production retries until answered.)
	h.at(4*time.Minute, func() { h.cards.setDown(false) })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokOK))
	if !refund.done || refund.err != nil {
		t.Fatalf("refund: %+v", refund)
	}
	o, _ := h.final()
	if o.Status != commerce.OrderRefunded || h.cards.refundedTotal() != 2500 {
		t.Errorf("order %s; the network refunded %d, want 2500 once", o.Status, h.cards.refundedTotal())
	}
}

func TestFreeOrderIsPaidAtPlacement(t *testing.T) {
	h := newHarness(t)
	in := input("o1", tokOK)
	in.CouponCode = "FREE"
	var placed, pay updateResult
	h.at(0, func() { h.update(orderwf.UpdatePlacement, &placed) })
	h.at(time.Minute, func() {
		h.update(orderwf.UpdatePay, &pay, orderwf.PayRequest{Card: commerce.Card{Token: tokOK}})
	})
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	if placed.err != nil || placed.value.(commerce.Order).Quote.Payable.Amount != 0 {
		t.Fatalf("placement: %+v", placed)
	}
	if !pay.refusedAs(apperr.FailedPrecondition) {
		t.Errorf("paying a free order: %+v", pay)
	}
	o, _ := h.final()
	if diff := cmp.Diff(summary{Status: commerce.OrderPaid, Stock: "COMMITTED"}, h.summary(o)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if n := h.cards.chargesSent(); n != 0 {
		t.Errorf("%d charges for a free order", n)
	}
}

func TestLostReservationReplyIsUndone(t *testing.T) {
	h := newHarness(t)
	h.stock.setLostReplies(true) // reserved, but placement cannot know it
	in := input("o1", "")
	in.CouponCode = "SAVE10"
	var placed updateResult
	h.at(0, func() { h.update(orderwf.UpdatePlacement, &placed) })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, in)
	if placed.err == nil {
		t.Fatal("placement succeeded")
	}
	if s, n := h.stock.state("o1"), h.stock.availableUnits(); s != "RELEASED" || n != 10 {
		t.Errorf("reservation %s, %d available; want RELEASED and 10", s, n)
	}
	if h.stock.couponInUse("o1") {
		t.Error("the coupon is still in use")
	}
}

func TestOperatorCancelDuringCommitKeepsThePaidOrder(t *testing.T) {
	h := newHarness(t)
	h.at(4*time.Second, func() { h.stock.setLostReplies(true) }) // the product service goes away
	h.at(5*time.Second, func() { h.webhook("o1", "evt_1") })     // the payment succeeds
	h.at(time.Minute, h.env.CancelWorkflow)                      // the operator, seeing it stuck
	h.at(2*time.Minute, func() { h.stock.setLostReplies(false) })
	h.env.ExecuteWorkflow(orderwf.OrderWorkflow, input("o1", tokOK))
	o := h.stored("o1")
	want := summary{Status: commerce.OrderPaid, Payment: commerce.PaymentSucceeded, Stock: "COMMITTED"}
	if diff := cmp.Diff(want, h.summary(o)); diff != "" {
		t.Errorf("orders table (-want +got):\n%s", diff)
	}
}
