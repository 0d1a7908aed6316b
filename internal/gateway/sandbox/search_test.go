package sandbox_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

// TestSearchChargesByMetadata: a charge is found by a metadata value, and
// only by that exact value (LIKE wildcards in it match themselves), on
// every store.
func TestSearchChargesByMetadata(t *testing.T) {
	forEachStore(t, testSearchCharges)
}

func testSearchCharges(t *testing.T, opts sandbox.Options) {
	env := startSandbox(t, nil, opts)
	ctx := context.Background()
	pm := env.paymentMethod(t, "4242424242424242")
	create := func(key, paymentID string) gateway.Charge {
		t.Helper()
		ch, err := env.client.CreateCharge(ctx, gateway.CreateChargeParams{
			Amount: 1500, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: key,
			Metadata: map[string]string{"payment_id": paymentID, "order_id": "ord_1"},
		})
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	first := create("k1", "pay_ord_1_1")
	create("k2", "payXord_1_1")  // "_" must not match "X"
	create("k3", "pay_ord_1_1%") // nor "%" the rest
	second := create("k4", "pay_ord_1_1")
	got, err := env.client.SearchCharges(ctx, "payment_id", "pay_ord_1_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != first.ID || got[1].ID != second.ID {
		t.Errorf("search found %+v, want %s and %s", got, first.ID, second.ID)
	}
	if got, err := env.client.SearchCharges(ctx, "payment_id", "pay_none"); err != nil || len(got) != 0 {
		t.Errorf("search of an unknown value: %+v %v", got, err)
	}
	if got, err := env.client.SearchCharges(ctx, "order_id", "ord_1"); err != nil || len(got) != 4 {
		t.Errorf("search by order_id: %d charges, %v; want 4", len(got), err)
	}
	for _, q := range []url.Values{{}, {"metadata[payment_id]": {""}}, {"metadata[a]": {"1"}, "metadata[b]": {"2"}}} {
		req, _ := http.NewRequest(http.MethodGet, env.url+"/v1/charges?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+testAPIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("search %q answered %d, want 400", q.Encode(), resp.StatusCode)
		}
	}
}
