package payment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.temporal.io/api/serviceerror"

	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/services/payment"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// webhookSecret signs the test deliveries.
const webhookSecret = "whsec_test"

// webhookNow is the receiver's clock.
var webhookNow = time.Date(2025, 3, 1, 12, 30, 0, 0, time.UTC)

// signal is one SignalWorkflow call.
type signal struct {
	WorkflowID, RunID, Name string
	Event                   gateway.Event
}

// fakeSignaler records signals and answers them with answer (nil: ok).
type fakeSignaler struct {
	mu      sync.Mutex
	signals []signal
	answer  func() error
}

func (f *fakeSignaler) SignalWorkflow(_ context.Context, workflowID, runID, signalName string, arg interface{}) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev, _ := arg.(gateway.Event)
	f.signals = append(f.signals, signal{workflowID, runID, signalName, ev})
	if f.answer == nil {
		return nil
	}
	return f.answer()
}

// newWebhook returns the handler over a fresh store and the fake Temporal
// it signals.
func newWebhook(t *testing.T) (*payment.Webhook, *fakeSignaler) {
	t.Helper()
	sig := &fakeSignaler{}
	return &payment.Webhook{
		Store: payment.NewStore(dbtest.Open(t, "payment", payment.Migrations)), Temporal: sig,
		Secret: webhookSecret, Now: func() time.Time { return webhookNow },
	}, sig
}

// chargeEvent is a charge event for the workflow named in its metadata
// (none when workflowID is empty).
func chargeEvent(id, workflowID string) gateway.Event {
	ch := &gateway.Charge{
		ID: "ch_1", Amount: 2599, Currency: "USD", PaymentMethod: "pm_1", Status: gateway.ChargeSucceeded,
		Created: webhookNow.Add(-time.Minute),
	}
	if workflowID != "" {
		ch.Metadata = map[string]string{"workflow_id": workflowID, "order_id": "o1"}
	}
	return gateway.Event{ID: id, Type: gateway.EventChargeSucceeded, Created: webhookNow, Charge: ch}
}

// refundEvent is a refund event for a refund workflow.
func refundEvent(id, workflowID string) gateway.Event {
	return gateway.Event{ID: id, Type: gateway.EventRefundSucceeded, Created: webhookNow, Refund: &gateway.Refund{
		ID: "re_1", Charge: "ch_1", Amount: 1000, Currency: "USD", Status: gateway.RefundSucceeded,
		Metadata: map[string]string{"workflow_id": workflowID}, Created: webhookNow,
	}}
}

// encode returns an event's JSON.
func encode(t *testing.T, ev gateway.Event) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signedNow signs a body with the test secret at the receiver's time.
func signedNow(body []byte) string { return gateway.Sign(webhookSecret, webhookNow, body) }

// delivery is one request to the webhook and what it must answer.
type delivery struct {
	method string // POST when empty
	body   []byte
	// sign returns the signature header (empty: none); nil is signedNow.
	sign func(body []byte) string
	// signalErr is what Temporal answers; clientGone makes the caller hang
	// up while the signal is sent.
	signalErr  error
	clientGone bool
	wantCode   int
	wantResult string // in the response body
}

// serve sends d to h and checks its answer.
func serve(t *testing.T, h *payment.Webhook, sig *fakeSignaler, d delivery) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig.answer = func() error {
		if d.clientGone {
			cancel()
			return ctx.Err()
		}
		return d.signalErr
	}
	method := d.method
	if method == "" {
		method = http.MethodPost
	}
	req := httptest.NewRequestWithContext(ctx, method, payment.WebhookPath, bytes.NewReader(d.body))
	sign := d.sign
	if sign == nil {
		sign = signedNow
	}
	if header := sign(d.body); header != "" {
		req.Header.Set(gateway.SignatureHeader, header)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != d.wantCode || !strings.Contains(rec.Body.String(), d.wantResult) {
		t.Errorf("%s delivery answered %d %q, want %d with %q", method, rec.Code, rec.Body.String(), d.wantCode, d.wantResult)
	}
}

func TestWebhook(t *testing.T) {
	payment1, refund1 := orderwf.WorkflowID("o1"), orderwf.WorkflowID("o1")
	ev := chargeEvent("evt_1", payment1)
	body := encode(t, ev)
	refund := refundEvent("evt_2", refund1)
	delivered := func(b []byte) delivery {
		return delivery{body: b, wantCode: http.StatusOK, wantResult: "delivered"}
	}
	refused := func(sign func([]byte) string, why string) delivery {
		return delivery{body: body, sign: sign, wantCode: http.StatusBadRequest, wantResult: why}
	}
	duplicate := delivery{body: body, wantCode: http.StatusOK, wantResult: "duplicate"}
	toPayment := signal{payment1, "", orderwf.SignalGatewayEvent, ev}
	// largest is ev padded with spaces to the largest body accepted.
	largest := append(append([]byte{}, body...), bytes.Repeat([]byte(" "), 1<<20-len(body))...)

	tests := []struct {
		name        string
		deliveries  []delivery
		wantSignals []signal
	}{
		{"charge event", []delivery{delivered(body)}, []signal{toPayment}},
		{"refund event", []delivery{delivered(encode(t, refund))},
			[]signal{{refund1, "", orderwf.SignalGatewayEvent, refund}}},
		{"replay is dropped", []delivery{delivered(body), duplicate}, []signal{toPayment}},
		{"replay signed afresh is dropped", []delivery{delivered(body), {
			body: body, sign: func(b []byte) string { return gateway.Sign(webhookSecret, webhookNow.Add(time.Minute), b) },
			wantCode: http.StatusOK, wantResult: "duplicate",
		}}, []signal{toPayment}},
		{"signature missing", []delivery{refused(func([]byte) string { return "" }, "missing")}, nil},
		{"signature malformed", []delivery{refused(func([]byte) string { return "t=soon,v1=abc" }, "malformed")}, nil},
		{"signed with another secret",
			[]delivery{refused(func(b []byte) string { return gateway.Sign("whsec_other", webhookNow, b) }, "does not match")}, nil},
		{"body changed after signing",
			[]delivery{refused(func([]byte) string { return signedNow(encode(t, chargeEvent("evt_1", orderwf.WorkflowID("o2")))) }, "does not match")}, nil},
		{"signed within the gateway's default tolerance", []delivery{{
			body: body, sign: func(b []byte) string {
				return gateway.Sign(webhookSecret, webhookNow.Add(-gateway.DefaultWebhookTolerance+time.Second), b)
			},
			wantCode: http.StatusOK, wantResult: "delivered",
		}}, []signal{toPayment}},
		{"signed too long ago",
			[]delivery{refused(func(b []byte) string { return gateway.Sign(webhookSecret, webhookNow.Add(-6*time.Minute), b) }, "tolerance")}, nil},
		{"signed in the future",
			[]delivery{refused(func(b []byte) string { return gateway.Sign(webhookSecret, webhookNow.Add(6*time.Minute), b) }, "tolerance")}, nil},
		{"refused delivery is not recorded", []delivery{
			refused(func(b []byte) string { return gateway.Sign("whsec_other", webhookNow, b) }, "does not match"),
			delivered(body),
		}, []signal{toPayment}},
		{"malformed JSON", []delivery{{body: []byte(`{"id":"evt_1",`), wantCode: http.StatusBadRequest, wantResult: "malformed event"}}, nil},
		{"event without charge or refund",
			[]delivery{{body: []byte(`{"id":"evt_1","type":"charge.succeeded"}`), wantCode: http.StatusBadRequest, wantResult: "malformed event"}}, nil},
		{"no workflow in the metadata", []delivery{{body: encode(t, chargeEvent("evt_1", "")), wantCode: http.StatusOK, wantResult: "ignored"}}, nil},
		{"workflow of another kind",
			[]delivery{{body: encode(t, chargeEvent("evt_1", "checkout/7/k1")), wantCode: http.StatusOK, wantResult: "ignored"}}, nil},
		{"workflow id sharing a prefix",
			[]delivery{{body: encode(t, chargeEvent("evt_1", "orders/o1")), wantCode: http.StatusOK, wantResult: "ignored"}}, nil},
		{"workflow closed", []delivery{
			{body: body, signalErr: serviceerror.NewNotFound("workflow execution already completed"), wantCode: http.StatusOK, wantResult: "closed"},
			duplicate,
		}, []signal{toPayment}},
		{"signal failure is retried by the gateway", []delivery{
			{body: body, signalErr: serviceerror.NewUnavailable("frontend down"), wantCode: http.StatusServiceUnavailable, wantResult: "try again"},
			delivered(body),
			duplicate,
		}, []signal{toPayment, toPayment}},
		{"caller hangs up during the signal", []delivery{
			{body: body, clientGone: true, wantCode: http.StatusServiceUnavailable, wantResult: "try again"},
			delivered(body),
		}, []signal{toPayment, toPayment}},
		{"GET", []delivery{{method: http.MethodGet, wantCode: http.StatusMethodNotAllowed, wantResult: "POST only"}}, nil},
		{"largest body", []delivery{delivered(largest)}, []signal{toPayment}},
		{"body over 1 MiB", []delivery{{body: append(largest, ' '), wantCode: http.StatusBadRequest, wantResult: "too large"}}, nil},
		{"events of one charge are told apart by id", []delivery{
			delivered(body), delivered(encode(t, chargeEvent("evt_3", payment1))),
		}, []signal{toPayment, {payment1, "", orderwf.SignalGatewayEvent, chargeEvent("evt_3", payment1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, sig := newWebhook(t)
			for _, d := range tt.deliveries {
				serve(t, h, sig, d)
			}
			if diff := cmp.Diff(tt.wantSignals, sig.signals, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("signals (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWebhookStoreDown(t *testing.T) {
	db := dbtest.Open(t, "payment", payment.Migrations)
	sig := &fakeSignaler{}
	h := &payment.Webhook{Store: payment.NewStore(db), Temporal: sig, Secret: webhookSecret,
		Now: func() time.Time { return webhookNow }}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlDB.Close(); err != nil {
		t.Fatal(err)
	}
	serve(t, h, sig, delivery{body: encode(t, chargeEvent("evt_1", orderwf.WorkflowID("o1"))),
		wantCode: http.StatusInternalServerError, wantResult: "try again"})
	if len(sig.signals) != 0 {
		t.Errorf("signalled %d times without a store, want 0", len(sig.signals))
	}
}
