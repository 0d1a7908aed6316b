package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/internal/gateway"
)

// maxErrorLen bounds the last error kept on a delivery.
const maxErrorLen = 255

// pendingDeliveries lists up to limit pending deliveries, the earliest
// due first (due or not), leaving out those already being sent.
func (l *ledger) pendingDeliveries(ctx context.Context, limit int, sending []int64) ([]deliveryRow, error) {
	q := l.db.WithContext(ctx).Where("status = ?", deliveryPending)
	if len(sending) > 0 {
		q = q.Where("id NOT IN ?", sending)
	}
	var rows []deliveryRow
	if err := q.Order("next_attempt").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("due webhooks: %w", err)
	}
	return rows, nil
}

// payload returns the body of an event as every delivery sends it.
func (l *ledger) payload(ctx context.Context, eventID string) ([]byte, error) {
	var ev eventRow
	if err := takeRow(l.db.WithContext(ctx), &ev, "event", eventID); err != nil {
		return nil, err
	}
	return []byte(ev.Payload), nil
}

// recordAttempt writes the outcome of one attempt of d: delivered, or
// retried after retryDelay, or given up after the last attempt.
func (l *ledger) recordAttempt(ctx context.Context, d deliveryRow, failure string, o Options) error {
	attempts := d.Attempts + 1
	now := l.now()
	updates := map[string]any{"attempts": attempts, "last_error": dbx.Truncate(failure, maxErrorLen)}
	switch {
	case failure == "":
		updates["status"] = deliveryDelivered
		updates["delivered_at"] = now.UTC()
	case attempts >= o.WebhookMaxAttempts:
		updates["status"] = deliveryFailed
		klog.CtxErrorf(ctx, "sandbox: giving up webhook %s after %d attempts: %s", d.EventID, attempts, failure)
	default:
		wait := o.retryDelay(attempts)
		updates["next_attempt"] = now.Add(wait).UnixNano()
		klog.CtxWarnf(ctx, "sandbox: webhook %s attempt %d failed (%s), retrying in %s", d.EventID, attempts, failure, wait)
	}
	err := l.db.WithContext(ctx).Model(&deliveryRow{}).
		Where("id = ? AND status = ?", d.ID, deliveryPending).Updates(updates).Error
	if err != nil {
		return fmt.Errorf("record webhook attempt: %w", err)
	}
	return nil
}

// deliver makes one attempt of d: POST the event's JSON, signed at the
// time of the attempt, to the webhook URL; any 2xx answer delivers it. An
// attempt cut short because ctx ended (shutdown) is not counted: the
// delivery stays due and is resumed on the next start.
func (s *Server) deliver(ctx context.Context, d deliveryRow) {
	var failure string
	body, err := s.ledger.payload(ctx, d.EventID)
	if err == nil {
		failure = s.post(ctx, body)
	} else {
		failure = err.Error()
	}
	if failure != "" && ctx.Err() != nil {
		return // cut short by shutdown: not an attempt
	}
	// A success is recorded even if shutdown started meanwhile: a
	// delivered event must not be sent again.
	if err := s.ledger.recordAttempt(context.WithoutCancel(ctx), d, failure, s.opts); err != nil {
		klog.CtxErrorf(ctx, "sandbox: webhook %s: %v", d.EventID, err)
	}
}

// post sends body to the webhook URL and returns why it failed ("" when
// it was answered 2xx).
func (s *Server) post(ctx context.Context, body []byte) string {
	ctx, cancel := context.WithTimeout(ctx, s.opts.WebhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "tempomall-sandbox/1")
	req.Header.Set(gateway.SignatureHeader, gateway.Sign(s.opts.WebhookSecret, s.opts.Now(), body))
	resp, err := s.opts.WebhookClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "answered " + resp.Status
	}
	return ""
}
