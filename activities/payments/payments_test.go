package payments_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// TestChargeSentBeforeWithAnotherToken: a placement whose workflow task
// was lost charged under the payment's key; its rerun answers a Checkout
// sent again, whose card was tokenized again. The gateway refuses the
// repeat (another payment method under the same key), and Charge answers
// the charge made before instead of the refusal. Another amount under the
// key stays refused.
func TestChargeSentBeforeWithAnotherToken(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{APIKey: "sk_test", StorePath: t.TempDir() + "/gateway.db"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	gw := gateway.NewHTTPClient(srv.URL, "sk_test", nil)
	a := &payments.Payments{Gateway: gw}
	ctx := context.Background()
	token := func() string {
		pm, err := gw.CreatePaymentMethod(ctx, gateway.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2040, CVC: "123"})
		if err != nil {
			t.Fatal(err)
		}
		return pm.ID
	}
	charge := func(amount int64) (gateway.Charge, error) {
		return a.Charge(ctx, payments.ChargeInput{Key: "pay_ord_1_1", Params: gateway.CreateChargeParams{
			Amount: amount, Currency: "USD", PaymentMethod: token(), Description: "tempomall order ord_1",
			Metadata: map[string]string{"order_id": "ord_1", "payment_id": "pay_ord_1_1"},
		}})
	}
	first, err := charge(2500)
	if err != nil {
		t.Fatal(err)
	}
	again, err := charge(2500)
	if err != nil || again.ID != first.ID {
		t.Errorf("the repeat with a new token answered %+v, %v; want charge %s", again, err, first.ID)
	}
	if _, err := charge(3000); !temporalx.IsBusiness(err) {
		t.Errorf("a repeat for another amount answered %v, want the gateway's refusal", err)
	}
}
