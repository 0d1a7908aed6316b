package sandbox_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

func TestTestCards(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{})
	tests := []struct {
		number      string
		wantStatus  gateway.ChargeStatus
		wantFailure string
		wantEvent   string // "" means no webhook
	}{
		{"4242424242424242", gateway.ChargeSucceeded, "", gateway.EventChargeSucceeded},
		{"5555555555554444", gateway.ChargeSucceeded, "", gateway.EventChargeSucceeded},
		{"4000000000000002", gateway.ChargeFailed, gateway.FailureCardDeclined, gateway.EventChargeFailed},
		{"4000000000009995", gateway.ChargeFailed, gateway.FailureInsufficientFunds, gateway.EventChargeFailed},
		{"4000000000000259", gateway.ChargeSucceeded, "", ""},
		{"378282246310005", gateway.ChargeSucceeded, "", gateway.EventChargeSucceeded}, // not a test card: succeeds
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			ch := env.charge(t, tt.number, 1999)
			if ch.Status != gateway.ChargeProcessing || !strings.HasPrefix(ch.ID, "ch_") || ch.Amount != 1999 || ch.Currency != "USD" {
				t.Fatalf("created charge = %+v, want a processing ch_ of 1999 USD", ch)
			}
			got := env.waitCharge(t, ch.ID)
			if got.Status != tt.wantStatus || got.FailureCode != tt.wantFailure {
				t.Fatalf("settled charge = %s %q, want %s %q", got.Status, got.FailureCode, tt.wantStatus, tt.wantFailure)
			}
			if tt.wantFailure != "" && got.FailureMessage == "" {
				t.Errorf("failed charge has no failure message")
			}
			if tt.wantEvent == "" {
				time.Sleep(20 * testSettle)
				if evs := rc.eventsOf(ch.ID); len(evs) != 0 {
					t.Fatalf("silent card sent webhooks: %+v", evs)
				}
				return
			}
			eventually(t, tt.wantEvent+" webhook", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
			ev := rc.eventsOf(ch.ID)[0]
			if ev.Type != tt.wantEvent || ev.Charge.Status != tt.wantStatus || ev.Refund != nil || !strings.HasPrefix(ev.ID, "evt_") {
				t.Fatalf("webhook = %s %+v, want %s with the %s charge", ev.Type, ev.Charge, tt.wantEvent, tt.wantStatus)
			}
		})
	}
}

func TestNeverSettlingCardEndsOnlyByCancel(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{})
	ctx := context.Background()
	ch := env.charge(t, "4000000000000341", 500)
	time.Sleep(30 * testSettle)
	got, err := env.client.GetCharge(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != gateway.ChargeProcessing || len(rc.eventsOf(ch.ID)) != 0 {
		t.Fatalf("after %s: charge %s with %d webhooks, want processing and none", 30*testSettle, got.Status, len(rc.eventsOf(ch.ID)))
	}
	canceled, err := env.client.CancelCharge(ctx, ch.ID, newKey(t))
	if err != nil {
		t.Fatalf("CancelCharge: %v", err)
	}
	if canceled.Status != gateway.ChargeCanceled {
		t.Fatalf("canceled charge status = %s", canceled.Status)
	}
	eventually(t, "charge.canceled", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
	if ev := rc.eventsOf(ch.ID)[0]; ev.Type != gateway.EventChargeCanceled {
		t.Fatalf("webhook = %s, want charge.canceled", ev.Type)
	}
}

func TestCancel(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{SettleDelay: time.Hour})
	ctx := context.Background()
	ch := env.charge(t, "4242424242424242", 700)

	key := newKey(t)
	first, err := env.client.CancelCharge(ctx, ch.ID, key)
	if err != nil || first.Status != gateway.ChargeCanceled {
		t.Fatalf("CancelCharge = %s, %v; want canceled", first.Status, err)
	}
	again, err := env.client.CancelCharge(ctx, ch.ID, key)
	if err != nil || !reflect.DeepEqual(again, first) {
		t.Fatalf("repeated cancel = %+v, %v; want %+v", again, err, first)
	}
	other, err := env.client.CancelCharge(ctx, ch.ID, "")
	if err != nil || other.Status != gateway.ChargeCanceled {
		t.Fatalf("cancel without key = %s, %v; want canceled", other.Status, err)
	}
	eventually(t, "charge.canceled", func() bool { return len(rc.eventsOf(ch.ID)) >= 1 })
	time.Sleep(10 * testSettle)
	if n := len(rc.eventsOf(ch.ID)); n != 1 {
		t.Errorf("%d webhooks for one cancel, want 1", n)
	}
	_, err = env.client.CancelCharge(ctx, "ch_nope", "")
	wantCode(t, err, http.StatusNotFound, gateway.CodeNotFound)
	_, err = env.client.CancelCharge(ctx, "ch_other", key)
	wantCode(t, err, http.StatusConflict, gateway.CodeIdempotencyConflict)
}

func TestCancelSettledChargeAnswersItUnchanged(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{})
	ch := env.charge(t, "4242424242424242", 700)
	settled := env.waitCharge(t, ch.ID)
	got, err := env.client.CancelCharge(context.Background(), ch.ID, newKey(t))
	if err != nil {
		t.Fatalf("CancelCharge: %v", err)
	}
	if !reflect.DeepEqual(got, settled) {
		t.Fatalf("cancel of a settled charge = %+v, want it unchanged %+v", got, settled)
	}
	eventually(t, "charge.succeeded", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
	time.Sleep(10 * testSettle)
	for _, ev := range rc.eventsOf(ch.ID) {
		if ev.Type != gateway.EventChargeSucceeded {
			t.Errorf("unexpected webhook %s", ev.Type)
		}
	}
}

func TestChargeIdempotency(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	pm := env.paymentMethod(t, "4242424242424242")
	p := gateway.CreateChargeParams{Amount: 2500, Currency: "EUR", PaymentMethod: pm.ID,
		Metadata: map[string]string{"order": "o-1"}, IdempotencyKey: newKey(t)}
	first, err := env.client.CreateCharge(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	settled := env.waitCharge(t, first.ID)
	again, err := env.client.CreateCharge(ctx, p)
	if err != nil {
		t.Fatalf("repeat: %v", err)
	}
	if !reflect.DeepEqual(again, settled) {
		t.Fatalf("repeat = %+v, want the same charge as it is now %+v", again, settled)
	}
	changed := p
	changed.Amount = 2600
	_, err = env.client.CreateCharge(ctx, changed)
	wantCode(t, err, http.StatusConflict, gateway.CodeIdempotencyConflict)

	events, err := env.client.ListEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Charge.ID != first.ID {
		t.Fatalf("events = %+v, want one charge", events)
	}
}

func TestConcurrentChargesWithOneKeyChargeOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, opts sandbox.Options) {
		env := startSandbox(t, nil, opts)
		ctx := context.Background()
		pm := env.paymentMethod(t, "4242424242424242")
		p := gateway.CreateChargeParams{Amount: 1000, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: newKey(t)}
		const n = 20
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				ch, err := env.client.CreateCharge(ctx, p)
				if err != nil {
					t.Errorf("CreateCharge: %v", err)
					return
				}
				ids[i] = ch.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("concurrent requests with one key created charges %v", ids)
			}
		}
		env.waitCharge(t, ids[0])
		events, err := env.client.ListEvents(ctx, "")
		if err != nil || len(events) != 1 {
			t.Fatalf("events = %+v, %v; want the one of a single charge", events, err)
		}
	})
}

func TestCreateChargeValidation(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	pm := env.paymentMethod(t, "4242424242424242")
	valid := gateway.CreateChargeParams{Amount: 100, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: "k"}
	tests := []struct {
		name       string
		change     func(p *gateway.CreateChargeParams)
		wantStatus int
		wantCode   string
	}{
		{"no key", func(p *gateway.CreateChargeParams) { p.IdempotencyKey = "" }, 400, gateway.CodeIdempotencyKeyMissing},
		{"zero amount", func(p *gateway.CreateChargeParams) { p.Amount = 0 }, 400, gateway.CodeInvalidRequest},
		{"negative amount", func(p *gateway.CreateChargeParams) { p.Amount = -5 }, 400, gateway.CodeInvalidRequest},
		{"lower-case currency", func(p *gateway.CreateChargeParams) { p.Currency = "usd" }, 400, gateway.CodeInvalidRequest},
		{"short currency", func(p *gateway.CreateChargeParams) { p.Currency = "US" }, 400, gateway.CodeInvalidRequest},
		{"no payment method", func(p *gateway.CreateChargeParams) { p.PaymentMethod = "" }, 400, gateway.CodeInvalidRequest},
		{"unknown payment method", func(p *gateway.CreateChargeParams) { p.PaymentMethod = "pm_nope" }, 404, gateway.CodeNotFound},
		{"too much metadata", func(p *gateway.CreateChargeParams) {
			p.Metadata = map[string]string{strings.Repeat("k", 41): "v"}
		}, 400, gateway.CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid
			p.IdempotencyKey = newKey(t)
			tt.change(&p)
			_, err := env.client.CreateCharge(ctx, p)
			wantCode(t, err, tt.wantStatus, tt.wantCode)
		})
	}
}
