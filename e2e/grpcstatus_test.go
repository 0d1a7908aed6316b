package e2e_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

// TestGRPCCodesOfRemoteRefusals: a refusal that a service passes on from
// a service it called reaches a plain gRPC client (grpcurl) with its own
// code, as the Kitex clients see it: a card the payment service refuses,
// through Checkout, is InvalidArgument; Charge of an unknown order,
// answered by the order service, is NotFound. (Before, Kitex answered the
// remote error as is, and gRPC clients saw Internal.)
func TestGRPCCodesOfRemoteRefusals(t *testing.T) {
	bin := grpcurlPath(t)
	s := fullStack(t)
	adm := s.admin(t)
	pid := s.product(t, adm, 700, 5)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 1)
	call := func(proto, addr, method, body string) string {
		out, _ := exec.Command(bin, "-plaintext", "-import-path", filepath.Join("..", "idl"), "-proto", proto,
			"-H", "authorization: Bearer "+tok, "-d", body, addr, method).CombinedOutput()
		return string(out)
	}
	badCard := `{"card": {"number": "4242424242424241", "exp_month": 12, "exp_year": 2040, "cvv": "123"}}`
	for _, tc := range []struct{ name, proto, service, method, body, want string }{
		{"Checkout with a card the gateway refuses", "checkout.proto", config.Checkout, "tempomall.checkout.v1.CheckoutService/Checkout",
			`{"idempotency_key": "grpc-bad-card", "address": {"recipient": "Ada", "street": "1 Main St", "city": "London", "country": "GB"}, "payment_method": ` + badCard + `}`,
			"Code: InvalidArgument"},
		{"Charge of an unknown order", "payment.proto", config.Payment, "tempomall.payment.v1.PaymentService/Charge",
			`{"order_id": "ord_nosuchorder", "idempotency_key": "k1", "payment_method": {"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvv": "123"}}}`,
			"Code: NotFound"},
	} {
		out := call(tc.proto, s.cfg.Listen[tc.service], tc.method, tc.body)
		if !strings.Contains(out, tc.want) || strings.Contains(out, "Code: Internal") {
			t.Errorf("%s: want %q, got\n%s", tc.name, tc.want, out)
		}
	}
}

// TestForeignOrderLooksUnknown: another customer's order is answered as an
// order that does not exist, in the same words, by the order and payment
// services: the answer does not tell that it exists.
func TestForeignOrderLooksUnknown(t *testing.T) {
	s := fullStack(t)
	adm := s.admin(t)
	pid := s.product(t, adm, 600, 5)
	_, owner := s.customer(t)
	s.addToCart(t, owner, pid, 1)
	theirs := s.checkout(t, owner, "foreign-order", cardSucceeds).GetOrderId()
	_, other := s.customer(t)
	for _, id := range []string{theirs, "ord_nosuchorder"} {
		_, gerr := s.clients.Order.GetOrder(as(other), &order.GetOrderRequest{OrderId: id})
		_, perr := s.clients.Payment.GetPayment(as(other), &payment.GetPaymentRequest{OrderId: id})
		for _, c := range []struct {
			what string
			err  error
			want string
		}{{"GetOrder", gerr, "no order " + id}, {"GetPayment", perr, "order " + id + " has no payment"}} {
			if apperr.KindOf(c.err) != apperr.NotFound || c.err.Error() != c.want {
				t.Errorf("%s of %s: %v, want NotFound %q", c.what, id, c.err, c.want)
			}
		}
	}
}
