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
	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/internal/gateway"
	paymentwf "github.com/tempomall/tempomall/workflows/payment"
)

// WebhookPath is where the gateway posts events.
const WebhookPath = "/webhooks/gateway"

// Webhook receives the gateway's events: it verifies the signature and
// timestamp, drops replays (an event id is accepted once), and signals the
// event to the payment or refund workflow named in its metadata.
type Webhook struct {
	Store     *Store
	Temporal  client.Client
	Secret    string
	Tolerance time.Duration
	Now       func() time.Time
}

// maxWebhookBody bounds an event's size.
const maxWebhookBody = 1 << 20

// ServeHTTP handles one delivery.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		http.Error(w, "unreadable or too large body", http.StatusBadRequest)
		return
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	if err := gateway.VerifySignature(h.Secret, r.Header.Get(gateway.SignatureHeader), body, now(), h.Tolerance); err != nil {
		klog.CtxWarnf(r.Context(), "webhook refused: %v", err)
		http.Error(w, "signature check failed: "+err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := gateway.ParseEvent(body)
	if err != nil {
		http.Error(w, "malformed event: "+err.Error(), http.StatusBadRequest)
		return
	}
	status, msg := h.handle(r.Context(), ev)
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
	first, err := h.Store.FirstDelivery(ctx, ev.ID, ev.Type)
	if err != nil {
		klog.CtxErrorf(ctx, "webhook %s: %v", ev.ID, err)
		return http.StatusInternalServerError, "try again"
	}
	if !first {
		return http.StatusOK, "duplicate: already received"
	}
	err = h.Temporal.SignalWorkflow(ctx, workflowID, "", paymentwf.SignalGatewayEvent, ev)
	var notFound *serviceerror.NotFound
	switch {
	case err == nil:
		return http.StatusOK, "delivered"
	case errors.As(err, &notFound):
		klog.CtxInfof(ctx, "webhook %s for %s: the workflow has closed; nothing to do", ev.ID, workflowID)
		return http.StatusOK, "ignored: the workflow has closed"
	default:
		klog.CtxErrorf(ctx, "webhook %s: signal %s: %v", ev.ID, workflowID, err)
		if ferr := h.Store.ForgetDelivery(ctx, ev.ID); ferr != nil {
			klog.CtxErrorf(ctx, "webhook %s: %v", ev.ID, ferr)
		}
		return http.StatusServiceUnavailable, "try again"
	}
}

// targetOf returns the payment or refund workflow an event is about.
func targetOf(ev gateway.Event) string {
	var md map[string]string
	switch {
	case ev.Charge != nil:
		md = ev.Charge.Metadata
	case ev.Refund != nil:
		md = ev.Refund.Metadata
	}
	id := md["workflow_id"]
	if strings.HasPrefix(id, "payment/") || strings.HasPrefix(id, "refund/") {
		return id
	}
	return ""
}
