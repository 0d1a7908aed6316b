package order

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// maxRefundPoll caps the back-off between polls of a pending refund. A
// refund is never given up while its outcome is unknown: creating it is
// retried (with its idempotency key) until the gateway answers, and a
// pending one is polled until it settles; a second refund could pay twice.
const maxRefundPoll = time.Hour

// refunds are a paid order's refunds: how many there were, and the
// latest, the only one that may be in flight.
type refunds struct {
	n   int
	cur *refundRun
}

// refundRun is one refund, from its request to its outcome at the gateway.
type refundRun struct {
	r      commerce.Refund
	pollAt time.Time
	poll   time.Duration
}

// inFlight reports whether the refund has no outcome yet.
func (r *refundRun) inFlight() bool { return r != nil && r.r.Status == commerce.RefundPending }

// paidPeriod keeps a paid order open for refunds until its refund window
// closes (or it is refunded in full), with one timer: the end of the
// window, or before it a pending refund to check.
func (w *lifecycle) paidPeriod(ctx workflow.Context) {
	var d deadline
	defer d.stop()
	for {
		if w.settled(ctx) != nil {
			return
		}
		closes := w.order.PaidAt.Add(w.in.Settings.RefundWindow)
		r := w.refunds.cur
		switch {
		case w.order.Status == commerce.OrderRefunded && !r.inFlight():
			return
		case !workflow.Now(ctx).Before(closes) && !r.inFlight():
			return
		case r.inFlight():
			d.set(ctx, r.pollAt, "refund check (no callback yet)")
		default:
			d.set(ctx, closes, "refund window")
		}
		if w.wait(ctx, &d) != nil || w.settled(ctx) != nil {
			return
		}
		passed := d.passed()
		if err := w.locked(ctx, func() error { return w.onRefundDeadline(ctx, passed) }); err != nil {
			if ctx.Err() != nil {
				return
			}
			workflow.GetLogger(ctx).Error("refund transition failed", "order", w.order.ID, "error", err)
		}
	}
}

// onRefundDeadline polls a pending refund whose callback did not come.
func (w *lifecycle) onRefundDeadline(ctx workflow.Context, passed bool) error {
	r := w.refunds.cur
	if !passed || !r.inFlight() || workflow.Now(ctx).Before(r.pollAt) {
		return nil
	}
	var gr gateway.Refund
	err := workflow.ExecuteLocalActivity(pollOptions(ctx), gw.GetRefund, r.r.GatewayID).Get(ctx, &gr)
	if err == nil && gr.Status != gateway.RefundPending {
		return w.refundSettled(ctx, gr, "no callback; the gateway answered "+string(gr.Status))
	}
	r.poll = min(2*r.poll, maxRefundPoll)
	r.pollAt = workflow.Now(ctx).Add(r.poll)
	return nil
}

// canRefund says whether a refund of req may start at now.
func (w *lifecycle) canRefund(now time.Time, req RefundRequest) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	o := w.order
	remaining := o.Quote.Payable.Amount - o.Refunded.Amount
	switch s := o.Status; {
	case s != commerce.OrderPaid && s != commerce.OrderPartiallyRefunded:
		return temporalx.Refused("order %s is %s; only paid orders can be refunded", o.ID, s)
	case o.Quote.Payable.Amount == 0:
		return temporalx.Refused("order %s cost nothing: there is nothing to refund", o.ID)
	case !now.Before(o.PaidAt.Add(w.in.Settings.RefundWindow)):
		return temporalx.Refused("the refund window of order %s has closed", o.ID)
	case w.refunds.cur.inFlight():
		return temporalx.Refused("order %s already has a refund in progress", o.ID)
	case req.Amount.Currency != "" && req.Amount.Currency != o.Quote.Payable.Currency:
		return apperr.InvalidArgf("refund in %s, the order's currency", o.Quote.Payable.Currency)
	case req.Amount.Amount < 0 || req.Amount.Amount > remaining:
		return apperr.InvalidArgf("the refund amount must be between 0.01 and the %d minor units not yet refunded", remaining)
	}
	return nil
}

// refund starts a refund and answers once the gateway has accepted it
// (PENDING) or refused it; the order changes when it settles.
func (w *lifecycle) refund(ctx workflow.Context, req RefundRequest) error {
	if err := w.canRefund(workflow.Now(ctx), req); err != nil {
		return err
	}
	o, p := w.order, w.pay.cur.p
	amount := req.Amount
	if amount.Amount == 0 {
		amount = money.New(o.Quote.Payable.Amount-o.Refunded.Amount, o.Quote.Payable.Currency)
	}
	amount.Currency = o.Quote.Payable.Currency
	w.refunds.n++
	now := workflow.Now(ctx)
	r := &refundRun{r: commerce.Refund{
		ID: RefundID(o.ID, w.refunds.n), OrderID: o.ID, PaymentID: p.ID, ChargeID: p.ChargeID,
		Amount: amount, Status: commerce.RefundPending, Reason: req.Reason, CreatedAt: now,
	}, poll: w.in.Settings.ReconcileAfter}
	r.pollAt = now.Add(r.poll)
	w.refunds.cur = r
	var gr gateway.Refund
	err := workflow.ExecuteActivity(mustOptions(ctx), gw.CreateRefund, payments.RefundInput{
		Key: r.r.ID,
		Params: gateway.CreateRefundParams{
			Charge: r.r.ChargeID, Amount: amount.Amount, Reason: r.r.Reason,
			Metadata: map[string]string{
				"order_id": o.ID, "refund_id": r.r.ID,
				"workflow_id": workflow.GetInfo(ctx).WorkflowExecution.ID,
			},
		},
	}).Get(ctx, &gr)
	switch {
	case err != nil && temporalx.IsBusiness(err):
		r.r.Status, r.r.FailureMessage = commerce.RefundFailed, temporalx.Decode(err).Error()
		if serr := w.save(ctx, change{refund: true}); serr != nil {
			return serr
		}
		return temporalx.Refused("the payment gateway refused the refund: %s", r.r.FailureMessage)
	case err != nil:
		return err // cancelled: the operator decides
	}
	r.r.GatewayID = gr.ID
	w.poke()
	if gr.Status != gateway.RefundPending {
		return w.refundSettled(ctx, gr, "settled at once")
	}
	return w.save(ctx, change{refund: true})
}

// refundSettled applies a refund's outcome: money back on the payment and
// the order, the stock back on hand when the order is refunded in full.
func (w *lifecycle) refundSettled(ctx workflow.Context, gr gateway.Refund, detail string) error {
	r := w.refunds.cur
	if !r.inFlight() || gr.ID != r.r.GatewayID {
		return nil // another refund's, or a repeat
	}
	switch gr.Status {
	case gateway.RefundSucceeded:
		r.r.Status = commerce.RefundSucceeded
	case gateway.RefundFailed:
		r.r.Status, r.r.FailureMessage = commerce.RefundFailed, gr.FailureMessage
		return w.save(ctx, change{refund: true})
	default:
		return nil
	}
	o, p := w.order, &w.pay.cur.p
	o.Refunded.Amount += r.r.Amount.Amount
	p.Refunded = money.New(p.Refunded.Amount+r.r.Amount.Amount, p.Amount.Currency)
	p.Status, o.Status = commerce.PaymentPartiallyRefunded, commerce.OrderPartiallyRefunded
	if o.Refunded.Amount >= o.Quote.Payable.Amount {
		if err := workflow.ExecuteActivity(mustOptions(ctx), goods.ReturnStock, o.ID).Get(ctx, nil); err != nil {
			return err
		}
		p.Status, o.Status = commerce.PaymentRefunded, commerce.OrderRefunded
	}
	w.poke()
	return w.save(ctx, change{refund: true, payment: "refund",
		paymentDetail: fmt.Sprintf("refund %s of %s (%s): %s", r.r.ID, r.r.Amount, detail, r.r.Reason)})
}
