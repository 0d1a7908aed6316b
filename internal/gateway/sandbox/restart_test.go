package sandbox_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

// TestRestartResumesState stops a sandbox with a webhook undelivered (the
// receiver is down) and a charge still processing, and starts another on
// the same store: payment methods, charges, idempotency keys and events
// are still there, the charge settles and both webhooks go out, with
// their original event ids.
func TestRestartResumesState(t *testing.T) {
	ctx := context.Background()
	rc := newReceiver(t, 1<<30) // down
	store := filepath.Join(t.TempDir(), "sandbox.db")
	opts := sandbox.Options{StorePath: store, WebhookRetryBase: 200 * time.Millisecond}

	first := startSandbox(t, rc, opts)
	pm := first.paymentMethod(t, "4242424242424242")
	settledParams := gateway.CreateChargeParams{Amount: 900, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: newKey(t)}
	settled, err := first.client.CreateCharge(ctx, settledParams)
	if err != nil {
		t.Fatal(err)
	}
	first.waitCharge(t, settled.ID)
	eventually(t, "a failed delivery", func() bool { return rc.totalRequests() >= 1 })
	events, err := first.client.ListEvents(ctx, settled.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("ListEvents = %+v, %v; want one event", events, err)
	}
	// A charge that is still processing when the sandbox stops: created
	// with a settle delay longer than this sandbox lives.
	first.stop()
	slow := startSandbox(t, rc, sandbox.Options{StorePath: store, SettleDelay: 300 * time.Millisecond})
	processing, err := slow.client.CreateCharge(ctx, gateway.CreateChargeParams{
		Amount: 400, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	slow.stop()

	rc.setFailing(false)
	second := startSandbox(t, rc, opts)
	eventually(t, "the undelivered webhook after the restart", func() bool { return len(rc.eventsOf(settled.ID)) == 1 })
	if got := rc.eventsOf(settled.ID)[0]; got.ID != events[0].ID {
		t.Fatalf("delivered event %s, want the original %s", got.ID, events[0].ID)
	}
	if got := second.waitCharge(t, processing.ID); got.Status != gateway.ChargeSucceeded {
		t.Fatalf("charge processing at the restart settled %s, want succeeded", got.Status)
	}
	eventually(t, "the webhook of the charge settled after the restart", func() bool { return len(rc.eventsOf(processing.ID)) == 1 })

	again, err := second.client.CreateCharge(ctx, settledParams)
	if err != nil || again.ID != settled.ID {
		t.Fatalf("repeat after restart = %s, %v; want charge %s", again.ID, err, settled.ID)
	}
	if _, err := second.client.CreateCharge(ctx, gateway.CreateChargeParams{
		Amount: 100, Currency: "USD", PaymentMethod: pm.ID, IdempotencyKey: newKey(t)}); err != nil {
		t.Fatalf("charging the payment method tokenized before the restart: %v", err)
	}
	second.stop()

	// Nothing on disk holds the card number.
	files, _ := filepath.Glob(store + "*")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("4242424242424242")) {
			t.Errorf("%s holds the card number", filepath.Base(f))
		}
	}
}

// TestShutdownStopsDeliveries stops a sandbox while a webhook is being
// sent to a receiver that hangs: Serve returns at once, and the cut-short
// delivery is made by the next start.
func TestShutdownStopsDeliveries(t *testing.T) {
	hung := make(chan string, 1)
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if ev, err := gateway.ParseEvent(body); err == nil {
			select {
			case hung <- ev.ID:
			default:
			}
		}
		<-r.Context().Done()
	}))
	defer hanging.Close()
	store := filepath.Join(t.TempDir(), "sandbox.db")
	first := startSandbox(t, nil, sandbox.Options{StorePath: store, WebhookURL: hanging.URL,
		WebhookSecret: testSecret, WebhookTimeout: time.Minute})
	ch := first.charge(t, "4242424242424242", 100)
	var eventID string
	select {
	case eventID = <-hung:
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook reached the receiver")
	}
	start := time.Now()
	first.stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Serve took %s to stop with a webhook in flight", d)
	}

	rc := newReceiver(t, 0)
	startSandbox(t, rc, sandbox.Options{StorePath: store})
	eventually(t, "the cut-short webhook after the restart", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
	if got := rc.eventsOf(ch.ID)[0].ID; got != eventID {
		t.Fatalf("delivered event %s, want %s", got, eventID)
	}
}
