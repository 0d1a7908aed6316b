package sandbox_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

func TestResendKeepsTheEventID(t *testing.T) {
	rc := newReceiver(t, 0)
	env := startSandbox(t, rc, sandbox.Options{})
	ctx := context.Background()
	ch := env.charge(t, "4242424242424242", 1200)
	eventually(t, "charge.succeeded", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
	original := rc.eventsOf(ch.ID)[0]

	resent, err := env.client.ResendEvent(ctx, original.ID)
	if err != nil {
		t.Fatalf("ResendEvent: %v", err)
	}
	if resent.ID != original.ID || resent.Type != original.Type {
		t.Fatalf("resend answered %s %s, want %s %s", resent.ID, resent.Type, original.ID, original.Type)
	}
	eventually(t, "the resent webhook", func() bool { return len(rc.eventsOf(ch.ID)) == 2 })
	dup := rc.eventsOf(ch.ID)[1]
	if dup.ID != original.ID || !dup.Created.Equal(original.Created) || dup.Charge.Status != original.Charge.Status {
		t.Fatalf("resent event = %+v, want a copy of %+v", dup, original)
	}

	listed, err := env.client.ListEvents(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].ID != original.ID {
		t.Fatalf("events of %s = %+v, want the one event (a resend is not a new event)", ch.ID, listed)
	}
	_, err = env.client.ResendEvent(ctx, "evt_nope")
	wantCode(t, err, http.StatusNotFound, gateway.CodeNotFound)
}

func TestWebhookRetriedAfterFailures(t *testing.T) {
	rc := newReceiver(t, 2) // answers 500 twice
	env := startSandbox(t, rc, sandbox.Options{WebhookRetryBase: 5 * time.Millisecond})
	ch := env.charge(t, "4000000000000002", 300)
	eventually(t, "the webhook after two failures", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
	ev := rc.eventsOf(ch.ID)[0]
	if ev.Type != gateway.EventChargeFailed {
		t.Fatalf("webhook = %s, want charge.failed", ev.Type)
	}
	if n := rc.attemptsOf(ev.ID); n != 3 {
		t.Fatalf("event %s sent %d times, want 3 (two 500s, then accepted), all with the same id", ev.ID, n)
	}
	time.Sleep(20 * time.Millisecond)
	if n := rc.attemptsOf(ev.ID); n != 3 {
		t.Fatalf("event %s sent again after it was accepted (%d sends)", ev.ID, n)
	}
}

func TestWebhookGivenUpAfterMaxAttempts(t *testing.T) {
	rc := newReceiver(t, 1<<30) // always 500
	env := startSandbox(t, rc, sandbox.Options{WebhookRetryBase: time.Millisecond, WebhookMaxAttempts: 3})
	ch := env.charge(t, "4242424242424242", 300)
	env.waitCharge(t, ch.ID)
	eventually(t, "three attempts", func() bool { return rc.totalRequests() == 3 })
	time.Sleep(50 * time.Millisecond)
	if n := rc.totalRequests(); n != 3 {
		t.Fatalf("%d attempts, want 3 then none", n)
	}
	// A resend is a new delivery with attempts of its own.
	events, err := env.client.ListEvents(context.Background(), ch.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("ListEvents = %+v, %v", events, err)
	}
	rc.setFailing(false)
	if _, err := env.client.ResendEvent(context.Background(), events[0].ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the resent event", func() bool { return len(rc.eventsOf(ch.ID)) == 1 })
}

func TestWithoutWebhookURLEventsAreOnlyRecorded(t *testing.T) {
	env := startSandbox(t, nil, sandbox.Options{})
	ctx := context.Background()
	ch := env.charge(t, "4242424242424242", 300)
	env.waitCharge(t, ch.ID)
	var events []gateway.Event
	eventually(t, "the recorded event", func() bool {
		var err error
		events, err = env.client.ListEvents(ctx, ch.ID)
		return err == nil && len(events) == 1
	})
	_, err := env.client.ResendEvent(ctx, events[0].ID)
	wantCode(t, err, http.StatusBadRequest, gateway.CodeWebhooksDisabled)
}
