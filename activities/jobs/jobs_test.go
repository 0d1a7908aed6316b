package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/activities/jobs"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/services/checkout"
	"github.com/tempomall/tempomall/services/payment"
)

// startSandbox serves the payment sandbox for the test.
func startSandbox(t *testing.T) gateway.Client {
	t.Helper()
	srv, err := sandbox.New(sandbox.Options{APIKey: "sk_test", SettleDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; _ = srv.Close() })
	return gateway.NewHTTPClient("http://"+ln.Addr().String(), "sk_test", nil)
}

// charge creates a charge with a test card and waits until it leaves
// processing (or a second for cards that never settle).
func charge(t *testing.T, gw gateway.Client, card string) gateway.Charge {
	t.Helper()
	ctx := context.Background()
	pm, err := gw.CreatePaymentMethod(ctx, gateway.Card{Number: card, ExpMonth: 12, ExpYear: time.Now().Year() + 1, CVC: "123"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := gw.CreateCharge(ctx, gateway.CreateChargeParams{Amount: 1250, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: card})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Second); ch.Status == gateway.ChargeProcessing && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		if ch, err = gw.GetCharge(ctx, ch.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ch
}

// stuck records a payment left PROCESSING an hour ago.
func stuck(t *testing.T, s *payment.Store, orderID, chargeID string) {
	t.Helper()
	at := time.Now().UTC().Add(-time.Hour)
	p := commerce.Payment{
		ID: "pay_" + orderID + "_1", OrderID: orderID, UserID: 7, Attempt: 1, Amount: money.New(1250, "USD"),
		Status: commerce.PaymentProcessing, ChargeID: chargeID, Refunded: money.New(0, "USD"),
		CreatedAt: at, UpdatedAt: at, Version: 2,
	}
	if err := s.Record(context.Background(), p, "charge_sent", ""); err != nil {
		t.Fatal(err)
	}
}

func TestSettledCharges(t *testing.T) {
	gw := startSandbox(t)
	paid, hanging := charge(t, gw, testcards.Succeeds), charge(t, gw, testcards.NeverSettles)
	if paid.Status != gateway.ChargeSucceeded || hanging.Status != gateway.ChargeProcessing {
		t.Fatalf("charges %s, %s", paid.Status, hanging.Status)
	}
	ctx := context.Background()
	store := payment.NewStore(dbtest.Open(t, "payment", payment.Migrations))
	stuck(t, store, "o1", paid.ID)
	stuck(t, store, "o2", hanging.ID)
	stuck(t, store, "o3", paid.ID)
	newer := commerce.Payment{ID: "pay_o3_2", OrderID: "o3", UserID: 7, Attempt: 2, Amount: money.New(1250, "USD"),
		Status: commerce.PaymentProcessing, ChargeID: "ch_newer", CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC(), Version: 2}
	if err := store.Record(ctx, newer, "charge_sent", ""); err != nil {
		t.Fatal(err)
	}
	j := &jobs.Jobs{Payments: store, Gateway: gw, StuckAfter: 10 * time.Minute}
	got, err := j.SettledCharges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, s := range got {
		summary = append(summary, fmt.Sprintf("%s %s superseded=%v", s.Payment.ID, s.Charge.Status, s.Superseded))
	}
	want := []string{"pay_o1_1 succeeded superseded=false", "pay_o3_1 succeeded superseded=true"}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("settled charges (-want +got):\n%s", diff)
	}
	if p, _ := store.Get(ctx, "pay_o1_1"); p.Status != commerce.PaymentProcessing {
		t.Errorf("finding a settled charge changed its record: %s", p.Status)
	}

	// Settling a record the workflow no longer will.
	if err := j.SettleRecord(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	p, _ := store.Get(ctx, "pay_o1_1")
	logs, _ := store.Logs(ctx, "o1", "")
	if p.Status != commerce.PaymentSucceeded || logs[len(logs)-1].Event != "reconciled" {
		t.Errorf("payment %s, last log %+v", p.Status, logs[len(logs)-1])
	}
}

func TestPurgeCheckouts(t *testing.T) {
	store := checkout.NewStore(dbtest.Open(t, "checkout", checkout.Migrations), cache.NewMemory(10))
	ctx := context.Background()
	old, recent := time.Now().UTC().Add(-10*24*time.Hour), time.Now().UTC()
	for _, c := range []commerce.Checkout{
		{ID: "c1", UserID: 1, IdempotencyKey: "a", Status: commerce.CheckoutPlaced, CreatedAt: old, UpdatedAt: old, ExpiresAt: old, Version: 1},
		{ID: "c2", UserID: 1, IdempotencyKey: "b", Status: commerce.CheckoutPlaced, CreatedAt: recent, UpdatedAt: recent, ExpiresAt: recent, Version: 1},
		{ID: "c3", UserID: 1, IdempotencyKey: "c", Status: commerce.CheckoutOpen, CreatedAt: recent, UpdatedAt: recent, ExpiresAt: recent.Add(time.Hour), Version: 1},
	} {
		if err := store.Save(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	j := &jobs.Jobs{Checkouts: store, Retention: 7 * 24 * time.Hour}
	n, err := j.PurgeCheckouts(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if _, err := store.Get(ctx, "c1"); !errors.Is(err, checkout.ErrNotFound) {
		t.Errorf("the old checkout is still there: %v", err)
	}
	for _, id := range []string{"c2", "c3"} {
		if _, err := store.Get(ctx, id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}
