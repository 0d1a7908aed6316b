package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

// refund refunds amount of a charge with a fresh key.
func (e *sandboxEnv) refund(t testing.TB, chargeID string, amount int64) (gateway.Refund, error) {
	t.Helper()
	return e.client.CreateRefund(context.Background(), gateway.CreateRefundParams{
		Charge: chargeID, Amount: amount, Reason: "requested_by_customer", IdempotencyKey: newKey(t),
	})
}

// waitRefund polls a refund until it leaves pending.
func (e *sandboxEnv) waitRefund(t testing.TB, id string) gateway.Refund {
	t.Helper()
	var r gateway.Refund
	eventually(t, "refund "+id+" to settle", func() bool {
		var err error
		if r, err = e.client.GetRefund(context.Background(), id); err != nil {
			t.Fatalf("GetRefund: %v", err)
		}
		return r.Status != gateway.RefundPending
	})
	return r
}

func TestFullRefund(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{})
	ch := env.charge(t, "4242424242424242", 5000)
	env.waitCharge(t, ch.ID)

	r, err := env.refund(t, ch.ID, 5000)
	if err != nil {
		t.Fatalf("CreateRefund: %v", err)
	}
	if r.Status != gateway.RefundPending || !strings.HasPrefix(r.ID, "re_") || r.Charge != ch.ID || r.Amount != 5000 || r.Currency != "USD" {
		t.Fatalf("refund = %+v, want a pending re_ of 5000 USD on %s", r, ch.ID)
	}
	if settled := env.waitRefund(t, r.ID); settled.Status != gateway.RefundSucceeded {
		t.Fatalf("refund settled %s, want succeeded", settled.Status)
	}
	got, err := env.client.GetCharge(context.Background(), ch.ID)
	if err != nil || got.AmountRefunded != 5000 || got.Status != gateway.ChargeSucceeded {
		t.Fatalf("charge after refund = %+v, %v; want succeeded with 5000 refunded", got, err)
	}
	eventually(t, "refund.succeeded", func() bool { return len(rc.eventsOf(ch.ID)) == 2 })
	// The charge's and the refund's webhooks are sent concurrently: either
	// may arrive first.
	events := rc.eventsOf(ch.ID)
	ev := events[1]
	if events[0].Type == gateway.EventRefundSucceeded {
		ev = events[0]
	}
	if ev.Type != gateway.EventRefundSucceeded || ev.Refund == nil || ev.Charge != nil || ev.Refund.ID != r.ID || ev.Refund.Status != gateway.RefundSucceeded {
		t.Fatalf("webhook = %s %+v, want refund.succeeded of %s", ev.Type, ev.Refund, r.ID)
	}
	_, err = env.refund(t, ch.ID, 1)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeRefundExceedsCharge)
}

func TestPartialRefundsAndOverRefund(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ch := env.charge(t, "5555555555554444", 1000)
	env.waitCharge(t, ch.ID)

	first, err := env.refund(t, ch.ID, 300)
	if err != nil {
		t.Fatal(err)
	}
	// The pending refund counts: 800 no longer fits.
	_, err = env.refund(t, ch.ID, 800)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeRefundExceedsCharge)
	second, err := env.refund(t, ch.ID, 700)
	if err != nil {
		t.Fatal(err)
	}
	env.waitRefund(t, first.ID)
	env.waitRefund(t, second.ID)
	got, _ := env.client.GetCharge(context.Background(), ch.ID)
	if got.AmountRefunded != 1000 {
		t.Fatalf("amount_refunded = %d, want 1000", got.AmountRefunded)
	}
	_, err = env.refund(t, ch.ID, 1)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeRefundExceedsCharge)
}

func TestRefundRefusals(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	declined := env.charge(t, "4000000000000002", 1000)
	env.waitCharge(t, declined.ID)
	_, err := env.refund(t, declined.ID, 100)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeChargeNotRefundable)

	processing := env.charge(t, "4000000000000341", 1000)
	_, err = env.refund(t, processing.ID, 100)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeChargeNotRefundable)

	_, err = env.refund(t, "ch_nope", 100)
	wantCode(t, err, http.StatusNotFound, gateway.CodeNotFound)
	_, err = env.refund(t, declined.ID, 0)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeInvalidRequest)
	_, err = env.client.CreateRefund(ctx, gateway.CreateRefundParams{Charge: declined.ID, Amount: 100})
	wantCode(t, err, http.StatusBadRequest, gateway.CodeIdempotencyKeyMissing)
	_, err = env.client.GetRefund(ctx, "re_nope")
	wantCode(t, err, http.StatusNotFound, gateway.CodeNotFound)
}

func TestRefundIdempotency(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	ch := env.charge(t, "4242424242424242", 1000)
	env.waitCharge(t, ch.ID)
	p := gateway.CreateRefundParams{Charge: ch.ID, Amount: 600, IdempotencyKey: newKey(t)}
	first, err := env.client.CreateRefund(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// 600 twice would overdraw: a repeat must not refund again.
	again, err := env.client.CreateRefund(ctx, p)
	if err != nil || again.ID != first.ID {
		t.Fatalf("repeat = %+v, %v; want refund %s", again, err, first.ID)
	}
	p.Amount = 100
	_, err = env.client.CreateRefund(ctx, p)
	wantCode(t, err, http.StatusConflict, gateway.CodeIdempotencyConflict)
	env.waitRefund(t, first.ID)
	got, _ := env.client.GetCharge(ctx, ch.ID)
	if got.AmountRefunded != 600 {
		t.Fatalf("amount_refunded = %d, want 600", got.AmountRefunded)
	}
}

func TestConcurrentRefundsNeverOverdraw(t *testing.T) {
	forEachStore(t, func(t *testing.T, opts sandbox.Options) {
		env := startSandbox(t, nil, opts)
		ch := env.charge(t, "4242424242424242", 1000)
		env.waitCharge(t, ch.ID)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			accepted int
		)
		for range 10 {
			wg.Go(func() {
				_, err := env.refund(t, ch.ID, 300)
				var ge *gateway.Error
				switch {
				case err == nil:
					mu.Lock()
					accepted++
					mu.Unlock()
				case errors.As(err, &ge) && ge.Code == gateway.CodeRefundExceedsCharge:
				default:
					t.Errorf("CreateRefund: %v", err)
				}
			})
		}
		wg.Wait()
		if accepted != 3 {
			t.Fatalf("%d refunds of 300 accepted on a charge of 1000, want 3", accepted)
		}
	})
}
