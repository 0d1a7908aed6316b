package e2e_test

import (
	"context"
	"testing"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
)

// TestCheckoutRowAheadOfItsWorkflow: a workflow task can be lost after its
// local activities wrote the checkout (its worker killed, or starved past
// the task's timeout), and its rerun can end otherwise: a lost run found
// the stock sold out and recorded the checkout FAILED, the rerun found it
// back and placed the order. A request repeated meanwhile must get the
// workflow's answer, not the lost run's row. The test writes such a row
// over a placed checkout and repeats the request.
func TestCheckoutRowAheadOfItsWorkflow(t *testing.T) {
	s := fullStack(t)
	adm := s.admin(t)
	pid := s.product(t, adm, 900, 5)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 1)
	co := s.checkout(t, tok, "lost-row", cardSucceeds)
	if co.GetStatus() != checkout.CheckoutStatus_CHECKOUT_STATUS_PLACED {
		t.Fatalf("checkout = %+v", co)
	}

	db, err := dbx.Open(context.Background(), dbx.Options{SQLitePath: s.cfg.SQLitePath(config.Checkout)})
	if err != nil {
		t.Fatal(err)
	}
	defer dbx.Close(db)
	res := db.Exec(`UPDATE checkouts SET status = 'FAILED',
		snapshot = json_set(snapshot, '$.status', 'FAILED', '$.failure_reason', 'cannot order: sold out') WHERE id = ?`, co.GetId())
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("rewrite the row: %v (%d rows)", res.Error, res.RowsAffected)
	}

	resp, err := s.clients.Checkout.Checkout(as(tok), &checkout.CheckoutRequest{
		IdempotencyKey: "lost-row", Address: homeAddress, PaymentMethod: cardInput(cardSucceeds),
	})
	if err != nil {
		t.Fatalf("the repeat was answered %v; want the placed checkout", err)
	}
	if got := resp.GetCheckout(); got.GetOrderId() != co.GetOrderId() || got.GetStatus() != checkout.CheckoutStatus_CHECKOUT_STATUS_PLACED {
		t.Errorf("the repeat answered %v order %s, want PLACED order %s", got.GetStatus(), got.GetOrderId(), co.GetOrderId())
	}
}

// TestRepeatedCheckoutRefusalIsTheFirst: as the README says, the same key
// answers the same refusal again: the same code and message (an unknown
// coupon is NotFound both times, not NotFound and then
// FailedPrecondition).
func TestRepeatedCheckoutRefusalIsTheFirst(t *testing.T) {
	s := fullStack(t)
	adm := s.admin(t)
	pid := s.product(t, adm, 800, 5)
	_, tok := s.customer(t)
	s.addToCart(t, tok, pid, 1)
	req := &checkout.CheckoutRequest{IdempotencyKey: "refused-twice", Address: homeAddress, CouponCode: "NO-SUCH-COUPON"}
	_, first := s.clients.Checkout.Checkout(as(tok), req)
	_, again := s.clients.Checkout.Checkout(as(tok), req)
	if apperr.KindOf(first) != apperr.NotFound || first == nil || again == nil || again.Error() != first.Error() ||
		apperr.KindOf(again) != apperr.KindOf(first) {
		t.Errorf("first answer %v (%v), the repeat %v (%v)", first, apperr.KindOf(first), again, apperr.KindOf(again))
	}
}
