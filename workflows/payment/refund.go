package payment

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// maxRefundPoll caps the back-off between polls of a pending refund. A
// refund is never given up while its outcome is unknown: creating it is
// retried (with its idempotency key) until the gateway answers, and a
// pending one is polled until it settles; a second refund could pay twice.
const maxRefundPoll = time.Hour

// RefundWorkflow gives back (part of) a settled charge and returns the refund with
// the payment as it now stands. A refund the gateway refuses ends FAILED
// without changing the payment.
func RefundWorkflow(ctx workflow.Context, in RefundInput) (RefundResult, error) {
	switch {
	case in.Payment.ChargeID == "" || in.Payment.Status == commerce.PaymentPending:
		return RefundResult{}, temporalx.New(apperr.FailedPrecondition, "the payment has no settled charge to refund")
	case in.Amount.Amount <= 0 || in.Amount.Currency != in.Payment.Amount.Currency:
		return RefundResult{}, temporalx.New(apperr.InvalidArgument, "the refund amount must be positive, in the payment's currency")
	}
	w := &refundWorkflow{in: in}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (commerce.Refund, error) { return w.r, nil }); err != nil {
		return RefundResult{}, err
	}
	temporalx.Collect(ctx, SignalGatewayEvent, &w.events)
	return w.run(ctx)
}

type refundWorkflow struct {
	in     RefundInput
	r      commerce.Refund
	events []gateway.Event
}

func (w *refundWorkflow) run(ctx workflow.Context) (RefundResult, error) {
	now := workflow.Now(ctx)
	w.r = commerce.Refund{
		ID: RefundID(w.in.OrderID, w.in.N), OrderID: w.in.OrderID, PaymentID: w.in.Payment.ID,
		ChargeID: w.in.Payment.ChargeID, Amount: w.in.Amount, Status: commerce.RefundPending,
		Reason: w.in.Reason, CreatedAt: now,
	}
	if err := w.save(ctx); err != nil {
		return RefundResult{}, err
	}
	var gr gateway.Refund
	err := workflow.ExecuteActivity(mustOptions(ctx), gw.CreateRefund, activities.RefundInput{
		Key: w.r.ID,
		Params: gateway.CreateRefundParams{
			Charge: w.r.ChargeID, Amount: w.r.Amount.Amount, Reason: w.r.Reason,
			Metadata: map[string]string{
				"order_id": w.r.OrderID, "refund_id": w.r.ID,
				"workflow_id": workflow.GetInfo(ctx).WorkflowExecution.ID,
			},
		},
	}).Get(ctx, &gr)
	if err != nil && !temporalx.IsBusiness(err) {
		return RefundResult{}, err // cancelled: the order workflow decides
	}
	if err != nil {
		w.r.Status, w.r.FailureMessage = commerce.RefundFailed, temporalx.Decode(err).Error()
		return RefundResult{Refund: w.r, Payment: w.in.Payment}, w.save(ctx)
	}
	w.r.GatewayID = gr.ID
	if err := w.save(ctx); err != nil { // accepted by the gateway
		return RefundResult{}, err
	}
	for poll := w.in.Settings.ReconcileAfter; !w.apply(gr); poll = min(2*poll, maxRefundPoll) {
		if ev, ok := w.takeEvent(); ok {
			gr = *ev.Refund
			continue
		}
		got, err := workflow.AwaitWithTimeout(ctx, poll, func() bool { return len(w.events) > 0 })
		if err != nil {
			return RefundResult{}, err
		}
		if !got {
			if err := workflow.ExecuteActivity(pollOptions(ctx), gw.GetRefund, gr.ID).Get(ctx, &gr); err != nil {
				workflow.GetLogger(ctx).Warn("poll refund", "refund", w.r.ID, "error", err)
			}
		}
	}
	if err := w.save(ctx); err != nil {
		return RefundResult{}, err
	}
	if w.r.Status != commerce.RefundSucceeded {
		return RefundResult{Refund: w.r, Payment: w.in.Payment}, nil
	}
	p, err := w.updatePayment(ctx)
	return RefundResult{Refund: w.r, Payment: p}, err
}

// takeEvent returns the next event about this refund.
func (w *refundWorkflow) takeEvent() (gateway.Event, bool) {
	for len(w.events) > 0 {
		ev := w.events[0]
		w.events = w.events[1:]
		if ev.Refund != nil && ev.Refund.ID == w.r.GatewayID {
			return ev, true
		}
	}
	return gateway.Event{}, false
}

// apply takes over a gateway refund's state; it reports whether it settled.
func (w *refundWorkflow) apply(gr gateway.Refund) bool {
	switch gr.Status {
	case gateway.RefundSucceeded:
		w.r.Status = commerce.RefundSucceeded
	case gateway.RefundFailed:
		w.r.Status, w.r.FailureMessage = commerce.RefundFailed, gr.FailureMessage
	default:
		return false
	}
	return true
}

// updatePayment adds the refund to the payment and records it.
func (w *refundWorkflow) updatePayment(ctx workflow.Context) (commerce.Payment, error) {
	p := w.in.Payment
	p.Refunded.Amount += w.r.Amount.Amount
	p.Refunded.Currency = p.Amount.Currency
	p.Status = commerce.PaymentPartiallyRefunded
	if p.Refunded.Amount >= p.Amount.Amount {
		p.Status = commerce.PaymentRefunded
	}
	p.Version++
	p.UpdatedAt = workflow.Now(ctx)
	notifyParent(ctx, p)
	err := workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), records.RecordPayment, activities.PaymentRecord{
		Payment: p, Event: "refund", Detail: fmt.Sprintf("refund %s of %s: %s", w.r.ID, w.r.Amount, w.r.Reason),
	}).Get(ctx, nil)
	return p, err
}

// save notifies the parent of the refund as a new version, then records
// it.
func (w *refundWorkflow) save(ctx workflow.Context) error {
	w.r.Version++
	w.r.UpdatedAt = workflow.Now(ctx)
	signalParent(ctx, SignalRefundUpdate, w.r, w.r.OrderID)
	return workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), records.RecordRefund, w.r).Get(ctx, nil)
}
