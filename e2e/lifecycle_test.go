package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/gateway"
)

const (
	pending   = order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT
	paid      = order.OrderStatus_ORDER_STATUS_PAID
	cancelled = order.OrderStatus_ORDER_STATUS_CANCELLED
	expired   = order.OrderStatus_ORDER_STATUS_EXPIRED
	refunded  = order.OrderStatus_ORDER_STATUS_REFUNDED
	partRef   = order.OrderStatus_ORDER_STATUS_PARTIALLY_REFUNDED
)

// buy puts qty units of a new product (price 1250, stock 10) in a new
// customer's cart; it returns the product id and the customer's token.
func (s *stack) buy(t *testing.T, qty int64) (int64, string) {
	t.Helper()
	pid := s.product(t, s.admin(t), 1250, 10)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, qty)
	return pid, tok
}

func (s *stack) wantStock(t *testing.T, pid, available, reserved, committed int64) {
	t.Helper()
	lvl := s.stock(t, s.admin(t), pid)
	if lvl.GetAvailable() != available || lvl.GetReserved() != reserved || lvl.GetCommitted() != committed {
		t.Errorf("stock %+v, want available %d reserved %d committed %d", lvl, available, reserved, committed)
	}
}

func TestPayThenRefund(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 2)
	co := s.checkout(t, tok, "k", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	adm := s.admin(t)

	_, err := s.clients.Payment.Refund(as(tok), &payment.RefundRequest{OrderId: co.GetOrderId(), IdempotencyKey: "r1"})
	wantKind(t, "a customer refunds", err, apperr.PermissionDenied)
	_, err = s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId()})
	wantKind(t, "cancel a paid order", err, apperr.FailedPrecondition)

	part, err := s.clients.Payment.Refund(as(adm), &payment.RefundRequest{
		OrderId: co.GetOrderId(), Amount: &common.Money{Amount: 1000, Currency: "USD"}, Reason: "one cup arrived broken", IdempotencyKey: "r1",
	})
	if err != nil {
		t.Fatalf("partial refund: %v", err)
	}
	again, err := s.clients.Payment.Refund(as(adm), &payment.RefundRequest{
		OrderId: co.GetOrderId(), Amount: &common.Money{Amount: 1000, Currency: "USD"}, Reason: "one cup arrived broken", IdempotencyKey: "r1",
	})
	if err != nil || again.GetRefund().GetId() != part.GetRefund().GetId() {
		t.Errorf("repeated refund request: %v %v, want refund %s", again.GetRefund().GetId(), err, part.GetRefund().GetId())
	}
	s.waitOrder(t, tok, co.GetOrderId(), partRef, 5*time.Second)
	s.wantStock(t, pid, 8, 0, 2)

	rest, err := s.clients.Payment.Refund(as(adm), &payment.RefundRequest{OrderId: co.GetOrderId(), Reason: "returned", IdempotencyKey: "r2"})
	if err != nil || rest.GetRefund().GetAmount().GetAmount() != 1500 {
		t.Fatalf("refund of the rest: %+v, %v", rest.GetRefund(), err)
	}
	o := s.waitOrder(t, tok, co.GetOrderId(), refunded, 5*time.Second)
	if o.GetRefunded().GetAmount() != 2500 || o.GetPaymentStatus() != payment.PaymentStatus_PAYMENT_STATUS_REFUNDED {
		t.Errorf("refunded order %+v", o)
	}
	s.wantStock(t, pid, 10, 0, 0)
	_, err = s.clients.Payment.Refund(as(adm), &payment.RefundRequest{OrderId: co.GetOrderId(), IdempotencyKey: "r3"})
	wantKind(t, "refund a refunded order", err, apperr.FailedPrecondition)
}

func TestUnpaidOrderExpires(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 3)
	co := s.checkout(t, tok, "k", "")
	if co.GetOrderStatus() != pending {
		t.Fatalf("checkout %+v", co)
	}
	s.wantStock(t, pid, 7, 3, 0)
	o := s.waitOrder(t, tok, co.GetOrderId(), expired, testOrderTimeout+10*time.Second)
	if o.GetStatusReason() == "" {
		t.Error("no reason for the expiry")
	}
	s.wantStock(t, pid, 10, 0, 0)
	_, err := s.clients.Payment.Charge(as(tok), &payment.ChargeRequest{OrderId: co.GetOrderId(), PaymentMethod: cardInput(cardSucceeds), IdempotencyKey: "late"})
	wantKind(t, "pay an expired order", err, apperr.FailedPrecondition)
	_, err = s.clients.Order.UpdateOrderAddress(as(tok), &order.UpdateOrderAddressRequest{OrderId: co.GetOrderId(), Address: homeAddress})
	wantKind(t, "change the address of an expired order", err, apperr.FailedPrecondition)
}

func TestCancelOrders(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "plain", "")
	moved := &common.Address{Recipient: "Ada", Street: "2 New Road", City: "Leeds", Country: "GB"}
	changed, err := s.clients.Order.UpdateOrderAddress(as(tok), &order.UpdateOrderAddressRequest{OrderId: co.GetOrderId(), Address: moved})
	if err != nil || changed.GetOrder().GetAddress().GetCity() != "Leeds" {
		t.Fatalf("address change: %v", err)
	}
	_, otherTok := s.customer(t)
	_, err = s.clients.Order.CancelOrder(as(otherTok), &order.CancelOrderRequest{OrderId: co.GetOrderId()})
	wantKind(t, "cancel someone else's order", err, apperr.NotFound)
	resp, err := s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId(), Reason: "found it cheaper"})
	if err != nil || resp.GetOrder().GetStatus() != cancelled || resp.GetOrder().GetStatusReason() != "found it cheaper" {
		t.Fatalf("cancel: %+v %v", resp.GetOrder(), err)
	}
	s.wantStock(t, pid, 10, 0, 0)
	again, err := s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId()})
	if err != nil || again.GetOrder().GetStatus() != cancelled || again.GetOrder().GetVersion() != resp.GetOrder().GetVersion() {
		t.Errorf("cancel twice: %+v %v, want the cancelled order unchanged", again.GetOrder(), err)
	}

	// A payment in flight is cancelled only when asked to.
	pid, tok = s.buy(t, 1)
	co = s.checkout(t, tok, "inflight", cardHangs)
	_, err = s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId()})
	wantKind(t, "cancel with a payment in flight", err, apperr.FailedPrecondition)
	resp, err = s.clients.Order.CancelOrder(as(tok), &order.CancelOrderRequest{OrderId: co.GetOrderId(), CancelPayment: true})
	if err != nil || resp.GetOrder().GetStatus() != cancelled || resp.GetOrder().GetPaymentStatus() != payment.PaymentStatus_PAYMENT_STATUS_CANCELLED {
		t.Fatalf("cancel with cancel_payment: %+v %v", resp.GetOrder(), err)
	}
	s.wantStock(t, pid, 10, 0, 0)
}

func TestDeclinedThenCharged(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "k", cardDeclines)
	deadline := time.Now().Add(10 * time.Second)
	for {
		p, err := s.clients.Payment.GetPayment(as(tok), &payment.GetPaymentRequest{OrderId: co.GetOrderId()})
		if err == nil && p.GetPayment().GetStatus() == payment.PaymentStatus_PAYMENT_STATUS_FAILED {
			if p.GetPayment().GetFailureCode() != "card_declined" {
				t.Errorf("failure %+v", p.GetPayment())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("payment not declined: %+v %v", p.GetPayment(), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.waitOrder(t, tok, co.GetOrderId(), pending, time.Second)
	req := &payment.ChargeRequest{OrderId: co.GetOrderId(), PaymentMethod: cardInput(cardSucceeds), IdempotencyKey: "retry-1"}
	first, err := s.clients.Payment.Charge(as(tok), req)
	if err != nil || first.GetPayment().GetAttempt() != 2 {
		t.Fatalf("charge: %+v %v", first.GetPayment(), err)
	}
	second, err := s.clients.Payment.Charge(as(tok), req)
	if err != nil || second.GetPayment().GetId() != first.GetPayment().GetId() {
		t.Errorf("repeated charge: %+v %v", second.GetPayment(), err)
	}
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	s.wantStock(t, pid, 9, 0, 1)
}

func TestReconcileWithoutCallback(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "k", cardSilent)
	s.waitOrder(t, tok, co.GetOrderId(), paid, testReconcileAfter+10*time.Second)
	logs, err := s.clients.Payment.ListPaymentLogs(as(tok), &payment.ListPaymentLogsRequest{OrderId: co.GetOrderId()})
	if err != nil || len(logs.GetLogs()) == 0 || logs.GetLogs()[len(logs.GetLogs())-1].GetEvent() != "reconciled" {
		t.Errorf("payment log %+v %v, want it to end with reconciled", logs.GetLogs(), err)
	}
}

func TestWebhookReplayAndForgery(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "k", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	p, err := s.clients.Payment.GetPayment(as(tok), &payment.GetPaymentRequest{OrderId: co.GetOrderId()})
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.NewHTTPClient(s.cfg.GatewayURL, s.cfg.GatewayAPIKey, nil)
	ctx := context.Background()
	events, err := gw.ListEvents(ctx, p.GetPayment().GetGatewayChargeId())
	if err != nil || len(events) == 0 {
		t.Fatalf("events: %v %v", events, err)
	}
	// The gateway delivered this event already: a correctly signed replay
	// is acknowledged (so that the gateway stops) and not acted on again.
	replayed, err := json.Marshal(events[0])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(replayed))
	req.Header.Set(gateway.SignatureHeader, gateway.Sign(s.cfg.GatewayWebhookSecret, time.Now(), replayed))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), "duplicate") {
		t.Errorf("replayed webhook: %d %s, want 200 and a duplicate", resp.StatusCode, answer)
	}
	logs, err := s.clients.Payment.ListPaymentLogs(as(tok), &payment.ListPaymentLogsRequest{OrderId: co.GetOrderId()})
	if n := len(logs.GetLogs()); err != nil || n != 2 {
		t.Errorf("%d payment log rows after a replayed webhook (%v), want 2 (sent, succeeded)", n, err)
	}

	body := []byte(`{"id":"evt_forged","type":"charge.succeeded","charge":{"id":"ch_x","status":"succeeded","metadata":{"workflow_id":"order/x"}}}`)
	for name, sig := range map[string]string{
		"no signature":    "",
		"wrong secret":    gateway.Sign("not-the-secret", time.Now(), body),
		"stale timestamp": gateway.Sign(s.cfg.GatewayWebhookSecret, time.Now().Add(-time.Hour), body),
	} {
		req, _ := http.NewRequest(http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(body))
		req.Header.Set(gateway.SignatureHeader, sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
		}
	}
}

func TestCouponAndCurrency(t *testing.T) {
	s := fullStack(t)
	adm := s.admin(t)
	code := strings.ToUpper(unique("SAVE"))
	_, err := s.clients.Checkout.CreateCoupon(as(adm), &checkout.CreateCouponRequest{Coupon: &checkout.Coupon{
		Code: code, Kind: checkout.CouponKind_COUPON_KIND_PERCENT, PercentOff: 10, UsageLimit: 1,
		MinSpend: &common.Money{Amount: 2000, Currency: "USD"},
	}})
	if err != nil {
		t.Fatalf("create coupon: %v", err)
	}
	pid := s.product(t, adm, 1250, 10)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 2)
	resp, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{
		IdempotencyKey: "k", Address: homeAddress, Currency: "CNY", CouponCode: code,
	})
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	co := resp.GetCheckout()
	// 12.50 USD x 7.1 = 88.75 CNY; x2 = 177.50; 10% = 17.75; payable 159.75.
	if co.GetSubtotal().GetAmount() != 17750 || co.GetDiscount().GetAmount() != 1775 || co.GetPayable().GetAmount() != 15975 ||
		co.GetPayable().GetCurrency() != "CNY" || co.GetExchangeRate() != "7.1" {
		t.Errorf("checkout amounts %+v %+v %+v rate %s", co.GetSubtotal(), co.GetDiscount(), co.GetPayable(), co.GetExchangeRate())
	}
	o, err := s.clients.Order.GetOrder(as(tok), &order.GetOrderRequest{OrderId: co.GetOrderId()})
	if err != nil || o.GetOrder().GetTotal().GetAmount() != 15975 || o.GetOrder().GetCouponCode() != code {
		t.Errorf("order total %+v coupon %s: %v", o.GetOrder().GetTotal(), o.GetOrder().GetCouponCode(), err)
	}
	// The coupon's single use is taken.
	_, tok2 := s.customer(t)
	s.addToCart(t, tok2, pid, 2)
	_, err = s.clients.Checkout.Checkout(as(tok2), &checkout.CheckoutRequest{IdempotencyKey: "k", Address: homeAddress, CouponCode: code})
	wantKind(t, "a used-up coupon", err, apperr.FailedPrecondition)
}

func TestCheckoutRefusalsLeaveNothingBehind(t *testing.T) {
	s := fullStack(t)
	pid, tok := s.buy(t, 11)
	_, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "short", Address: homeAddress, PaymentMethod: cardInput(cardSucceeds)})
	wantKind(t, "short stock", err, apperr.FailedPrecondition)
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "short", Address: homeAddress})
	wantKind(t, "the same request again", err, apperr.FailedPrecondition)
	s.wantStock(t, pid, 10, 0, 0)

	_, tok = s.customer(t)
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "empty", Address: homeAddress})
	wantKind(t, "empty cart", err, apperr.FailedPrecondition)
	s.addToCart(t, tok, pid, 1)
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "price", Address: homeAddress,
		ExpectedPayable: &common.Money{Amount: 999, Currency: "USD"}})
	wantKind(t, "a price that changed", err, apperr.FailedPrecondition)
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "bad key!", Address: homeAddress})
	wantKind(t, "bad idempotency key", err, apperr.InvalidArgument)
	_, err = s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "noaddr"})
	wantKind(t, "no address", err, apperr.InvalidArgument)
	s.wantStock(t, pid, 10, 0, 0)
	list, err := s.clients.Order.ListOrders(as(tok), &order.ListOrdersRequest{})
	if err != nil || len(list.GetOrders()) != 0 {
		t.Errorf("orders after refused checkouts: %v %v", list.GetOrders(), err)
	}
}

func TestDraftCheckout(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 2)
	draft, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{IdempotencyKey: "d", Draft: true})
	if err != nil || draft.GetCheckout().GetStatus() != checkout.CheckoutStatus_CHECKOUT_STATUS_OPEN {
		t.Fatalf("draft: %+v %v", draft.GetCheckout(), err)
	}
	id := draft.GetCheckout().GetId()
	eur := "EUR"
	// The draft has no address: the request that places it brings one.
	upd, err := s.clients.Checkout.UpdateCheckout(as(tok), &checkout.UpdateCheckoutRequest{CheckoutId: id, Currency: &eur})
	if err != nil || upd.GetCheckout().GetPayable().GetCurrency() != "EUR" || upd.GetCheckout().GetPayable().GetAmount() != 2300 {
		t.Fatalf("update: %+v %v", upd.GetCheckout().GetPayable(), err)
	}
	// A refused change (an unknown coupon) says why, and leaves the draft
	// open as it was.
	nope := "NOPE"
	_, err = s.clients.Checkout.UpdateCheckout(as(tok), &checkout.UpdateCheckoutRequest{CheckoutId: id, CouponCode: &nope})
	wantKind(t, "an unknown coupon", err, apperr.NotFound)
	if !strings.Contains(err.Error(), "coupon") {
		t.Errorf("unknown coupon answered %q, want it named", err)
	}
	placed := s.checkout(t, tok, "d", cardSucceeds)
	if placed.GetId() != id || placed.GetOrderId() == "" {
		t.Fatalf("placed %+v", placed)
	}
	got, err := s.clients.Checkout.GetCheckout(as(tok), &checkout.GetCheckoutRequest{CheckoutId: id})
	if err != nil || got.GetCheckout().GetStatus() != checkout.CheckoutStatus_CHECKOUT_STATUS_PLACED ||
		got.GetCheckout().GetAddress().GetStreet() != homeAddress.GetStreet() || got.GetCheckout().GetPayable().GetCurrency() != "EUR" {
		t.Errorf("get: %+v %v", got.GetCheckout(), err)
	}
	_, err = s.clients.Checkout.UpdateCheckout(as(tok), &checkout.UpdateCheckoutRequest{CheckoutId: id, Currency: &eur})
	wantKind(t, "update a placed checkout", err, apperr.FailedPrecondition)
	s.waitOrder(t, tok, placed.GetOrderId(), paid, 15*time.Second)
}
