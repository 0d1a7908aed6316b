package protoconv_test

import (
	"strings"
	"testing"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// TestEnumsMatchTheContract converts every state of the contract to the
// domain and back.
func TestEnumsMatchTheContract(t *testing.T) {
	for v, name := range order.OrderStatus_name {
		s := order.OrderStatus(v)
		domain := protoconv.FromOrderStatus(s)
		if s == order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
			if domain != "" {
				t.Errorf("UNSPECIFIED order status became %q", domain)
			}
			continue
		}
		if string(domain) != strings.TrimPrefix(name, "ORDER_STATUS_") || protoconv.OrderStatus(domain) != s {
			t.Errorf("order status %s: domain %q, back %s", name, domain, protoconv.OrderStatus(domain))
		}
	}
	for v, name := range payment.PaymentStatus_name {
		s := payment.PaymentStatus(v)
		if s == payment.PaymentStatus_PAYMENT_STATUS_UNSPECIFIED {
			continue
		}
		if domain := protoconv.FromPaymentStatus(s); protoconv.PaymentStatus(domain) != s {
			t.Errorf("payment status %s: domain %q", name, domain)
		}
	}
	for v, name := range payment.RefundStatus_name {
		if s := payment.RefundStatus(v); s != 0 && protoconv.RefundStatus(commerce.RefundStatus(strings.TrimPrefix(name, "REFUND_STATUS_"))) != s {
			t.Errorf("refund status %s does not convert", name)
		}
	}
	for v, name := range checkout.CheckoutStatus_name {
		if s := checkout.CheckoutStatus(v); s != 0 && protoconv.CheckoutStatus(commerce.CheckoutStatus(strings.TrimPrefix(name, "CHECKOUT_STATUS_"))) != s {
			t.Errorf("checkout status %s does not convert", name)
		}
	}
	if got := protoconv.FromOrderStatus(order.OrderStatus(99)); got != "" {
		t.Errorf("an unknown order status became %q", got)
	}
	if got := protoconv.OrderStatus("NOT_A_STATE"); got != order.OrderStatus_ORDER_STATUS_UNSPECIFIED {
		t.Errorf("an unknown domain state became %s", got)
	}
}
