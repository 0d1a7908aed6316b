package e2e_test

import (
	"testing"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
)

// TestCheckoutToPaid is the walking skeleton: cart -> checkout -> order
// PENDING_PAYMENT -> sandbox charge and signed callback -> PAID.
func TestCheckoutToPaid(t *testing.T) {
	s := fullStack(t)
	adm := s.admin(t)
	pid := s.product(t, adm, 1250, 10)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 2)

	start := time.Now()
	co := s.checkout(t, tok, "first-purchase", cardSucceeds)
	t.Logf("checkout answered in %s: order %s %v", time.Since(start), co.GetOrderId(), co.GetOrderStatus())
	if co.GetOrderId() == "" || co.GetPayable().GetAmount() != 2500 {
		t.Fatalf("checkout = %+v", co)
	}
	if co.GetPaymentMethod().GetLast4() != "4242" {
		t.Errorf("card on the checkout: %+v", co.GetPaymentMethod())
	}
	o := s.waitOrder(t, tok, co.GetOrderId(), order.OrderStatus_ORDER_STATUS_PAID, 15*time.Second)
	t.Logf("PAID %s after checkout", time.Since(start))
	if o.GetPaymentStatus() != payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED || o.GetTotal().GetAmount() != 2500 {
		t.Errorf("paid order = %+v", o)
	}

	again := s.checkout(t, tok, "first-purchase", cardSucceeds)
	if again.GetOrderId() != co.GetOrderId() || again.GetId() != co.GetId() {
		t.Errorf("same key, another order: %s vs %s", again.GetOrderId(), co.GetOrderId())
	}

	lvl := s.stock(t, adm, pid)
	if lvl.GetAvailable() != 8 || lvl.GetCommitted() != 2 || lvl.GetReserved() != 0 {
		t.Errorf("stock = %+v, want 8 available, 2 committed", lvl)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := s.clients.Cart.GetCart(as(tok), &cart.GetCartRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.GetCart().GetItems()) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cart still holds %v", c.GetCart().GetItems())
		}
		time.Sleep(100 * time.Millisecond)
	}
	logs, err := s.clients.Payment.ListPaymentLogs(as(tok), &payment.ListPaymentLogsRequest{OrderId: co.GetOrderId()})
	if err != nil {
		t.Fatal(err)
	}
	var trail []payment.PaymentStatus
	for _, l := range logs.GetLogs() {
		trail = append(trail, l.GetToStatus())
	}
	// The charge is sent in the step that creates the payment: its first
	// recorded state is PROCESSING.
	want := []payment.PaymentStatus{payment.PaymentStatus_PAYMENT_STATUS_PROCESSING, payment.PaymentStatus_PAYMENT_STATUS_SUCCEEDED}
	if len(trail) != 2 || trail[0] != want[0] || trail[1] != want[1] {
		t.Errorf("payment log %v, want %v", trail, want)
	}
}
