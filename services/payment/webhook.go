package payment

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"go.temporal.io/api/serviceerror"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/telemetry"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// WebhookPath is where the gateway posts events.
const WebhookPath = "/webhooks/gateway"

// Webhook receives the gateway's events: it verifies the signature and
// timestamp, drops replays (an event handled once is not signalled again),
// and signals the event to the order workflow named in its
// metadata.
type Webhook struct {
	Store    *Store
	Temporal Signaler
	Secret   string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Metrics counts deliveries by result; nil counts nothing.
	Metrics *telemetry.Metrics
}

// counted records a delivery's result.
func (h *Webhook) counted(ctx context.Context, result string) {
	if h.Metrics != nil {
		h.Metrics.WebhookDelivered(ctx, result)
	}
}

// Signaler is the one Temporal call the webhook makes; a client.Client
// is one.
type Signaler interface {
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg interface{}) error
}

// maxWebhookBody bounds an event's size.
const maxWebhookBody = 1 << 20

// ServeHTTP handles one delivery.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.counted(r.Context(), "rejected")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		h.counted(r.Context(), "rejected")
		http.Error(w, "unreadable or too large body", http.StatusBadRequest)
		return
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	if err := gateway.VerifySignature(h.Secret, r.Header.Get(gateway.SignatureHeader), body, now(), gateway.DefaultWebhookTolerance); err != nil {
		klog.CtxWarnf(r.Context(), "webhook refused: %v", err)
		h.counted(r.Context(), "rejected")
		http.Error(w, "signature check failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := gateway.ParseEvent(body)
	if err != nil {
		h.counted(r.Context(), "rejected")
		http.Error(w, "malformed event: "+err.Error(), http.StatusBadRequest)
		return
	}
	status, msg := h.handle(r.Context(), ev)
	h.counted(r.Context(), resultOf(status, msg))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"result": msg})
}

// handle delivers an event once; it returns the HTTP status and a word on
// what happened. A 5xx makes the gateway deliver again later.
func (h *Webhook) handle(ctx context.Context, ev gateway.Event) (int, string) {
	workflowID := targetOf(ev)
	if workflowID == "" {
		return http.StatusOK, "ignored: no tempomall workflow in the event's metadata"
	}
	seen, err := h.Store.Delivered(ctx, ev.ID)
	if err != nil {
		klog.CtxErrorf(ctx, "webhook %s: %v", ev.ID, err)
		return http.StatusInternalServerError, "try again"
	}
	if seen {
		return http.StatusOK, "duplicate: already received"
	}
	// Signal first, then remember the event: a crash in between makes the
	// next delivery signal again, which the payment workflow tolerates
	// (it settles once); remembering first could lose the event.
	err = h.Temporal.SignalWorkflow(ctx, workflowID, "", orderwf.SignalGatewayEvent, ev)
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		h.remember(ctx, ev)
		return http.StatusOK, "delivered"
	case errors.As(err, &notFound):
		klog.CtxInfof(ctx, "webhook %s for %s: the workflow has closed; nothing to do", ev.ID, workflowID)
		h.remember(ctx, ev)
		return http.StatusOK, "ignored: the workflow has closed"
	default:
		klog.CtxErrorf(ctx, "webhook %s: signal %s: %v", ev.ID, workflowID, err)
		return http.StatusServiceUnavailable, "try again"
	}
}

// remember records a handled event, even when the caller has hung up.
func (h *Webhook) remember(ctx context.Context, ev gateway.Event) {
	if err := h.Store.MarkDelivered(context.WithoutCancel(ctx), ev.ID, ev.Type); err != nil {
		klog.CtxErrorf(ctx, "webhook %s: remember: %v", ev.ID, err)
	}
}

// targetOf returns the order workflow an event is about (its charge or
// refund names it in its metadata).
func targetOf(ev gateway.Event) string {
	var md map[string]string
	switch {
	case ev.Charge != nil:
		md = ev.Charge.Metadata
	case ev.Refund != nil:
		md = ev.Refund.Metadata
	}
	if id := md["workflow_id"]; orderwf.IsWorkflowID(id) {
		return id
	}
	return ""
}

// resultOf names a handled delivery's result for the metrics: accepted,
// duplicate, ignored or retry.
func resultOf(status int, msg string) string {
	switch {
	case status >= 500:
		return "retry"
	case strings.HasPrefix(msg, "duplicate"):
		return "duplicate"
	case strings.HasPrefix(msg, "ignored"):
		return "ignored"
	}
	return "accepted"
}
