package order

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/payment"
	"github.com/tempomall/tempomall/workflows/search"
)

// deadline returns when the order's timer fires: the payment deadline of
// an unpaid order, the end of the refund window of a paid one.
func (w *orderWorkflow) deadline() (time.Time, bool) {
	switch w.order.Status {
	case commerce.OrderPendingPayment:
		return w.order.ExpiresAt, w.closing == nil
	case commerce.OrderPaid, commerce.OrderPartiallyRefunded:
		return w.order.PaidAt.Add(w.in.Settings.RefundWindow), w.refund == nil && !w.refundsClosed
	}
	return time.Time{}, false
}

// handle performs a queued request, checking it again: the order may have
// changed since the request was validated.
func (w *orderWorkflow) handle(ctx workflow.Context, r *request) error {
	switch {
	case r.cancel != nil:
		if err := w.canCancel(*r.cancel, true); err != nil {
			r.finish(err)
			return nil
		}
		reason := r.cancel.Reason
		if reason == "" {
			reason = "cancelled by the customer"
		}
		return w.close(ctx, commerce.OrderCancelled, reason, r)
	case r.address != nil:
		if err := w.canChangeAddress(*r.address); err != nil {
			r.finish(err)
			return nil
		}
		w.order.Address = *r.address
		err := w.save(ctx)
		r.finish(err)
		return err
	case r.pay != nil:
		if err := w.canPay(*r.pay, true); err != nil {
			r.finish(err)
			return nil
		}
		if w.pay != nil {
			// The previous attempt has settled (declined) but its workflow is
			// still finishing: this one starts when it has.
			w.nextPay = r
			return nil
		}
		w.waitingPay = r
		return w.startPayment(ctx, r.pay.Card)
	case r.refund != nil:
		if err := w.canRefund(*r.refund); err != nil {
			r.finish(err)
			return nil
		}
		w.startRefund(ctx, r)
		return nil
	}
	return nil
}

// startPayment starts a payment attempt as a child workflow.
func (w *orderWorkflow) startPayment(ctx workflow.Context, card commerce.Card) error {
	w.order.PaymentAttempts++
	n := w.order.PaymentAttempts
	w.order.PaymentID = payment.PaymentID(w.order.ID, n)
	w.order.PaymentStatus = commerce.PaymentPending
	cctx, cancel := workflow.WithCancel(ctx)
	cctx = workflow.WithChildOptions(cctx, workflow.ChildWorkflowOptions{
		WorkflowID:            payment.WorkflowID(w.order.ID),
		TaskQueue:             payment.TaskQueue,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WaitForCancellation:   true,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.OrderId.ValueSet(w.order.ID),
			search.CustomerId.ValueSet(w.order.UserID),
			search.PaymentStatus.ValueSet(string(commerce.PaymentPending)),
		),
	})
	a := &attempt{cancel: cancel}
	w.pay = a
	fut := workflow.ExecuteChildWorkflow(cctx, payment.PaymentWorkflow, payment.Input{
		OrderID: w.order.ID, UserID: w.order.UserID, Attempt: n, Amount: w.order.Quote.Payable,
		Card: card, Settings: w.in.Settings.Payment,
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		a.err = fut.Get(ctx, &a.result)
		a.done = true
	})
	return w.save(ctx)
}

// applyPaymentUpdates takes over the payment states signalled by payment
// and refund workflows.
func (w *orderWorkflow) applyPaymentUpdates(ctx workflow.Context) error {
	changed := false
	for _, p := range w.payUpdates {
		if p.ID != w.order.PaymentID || (p.ID == w.lastPayment.ID && p.Version <= w.lastPayment.Version) {
			continue // an older attempt, or a state already known
		}
		w.lastPayment = p
		if w.order.PaymentStatus != p.Status {
			w.order.PaymentStatus, changed = p.Status, true
		}
		if r := w.waitingPay; r != nil && p.Status != commerce.PaymentPending {
			r.payment = p
			r.finish(nil)
			w.waitingPay = nil
		}
	}
	w.payUpdates = nil
	if !changed {
		return nil
	}
	return w.save(ctx)
}

// paymentSettled handles the end of a payment attempt.
func (w *orderWorkflow) paymentSettled(ctx workflow.Context) error {
	a := w.pay
	w.pay = nil
	p := a.result
	if a.err != nil {
		// The payment workflow itself failed: count the attempt as failed.
		p = w.lastPayment
		p.Status, p.FailureCode, p.FailureMessage = commerce.PaymentFailed, "error", a.err.Error()
	}
	if p.ID == w.order.PaymentID {
		w.lastPayment = p
		w.order.PaymentStatus = p.Status
	}
	if r := w.waitingPay; r != nil {
		r.payment = p
		r.finish(nil)
		w.waitingPay = nil
	}
	next := w.nextPay
	w.nextPay = nil
	if p.Status == commerce.PaymentSucceeded {
		if next != nil {
			next.finish(temporalx.Refused("order %s was paid meanwhile", w.order.ID))
		}
		return w.paid(ctx)
	}
	if c := w.closing; c != nil {
		w.closing = nil
		if next != nil {
			next.finish(temporalx.Refused("order %s is being %s", w.order.ID, c.status))
		}
		return w.finishClose(ctx, c)
	}
	if next != nil {
		w.waitingPay = next
		return w.startPayment(ctx, next.pay.Card)
	}
	return w.save(ctx)
}

// paid marks the order PAID and commits its stock. A cancellation or
// expiry that was waiting for the payment loses the race. The order is
// PAID before the commit: if the workflow is cancelled while the commit is
// retried, abort finishes the commit instead of cancelling a paid order.
func (w *orderWorkflow) paid(ctx workflow.Context) error {
	w.order.Status = commerce.OrderPaid
	w.order.PaidAt = workflow.Now(ctx)
	if c := w.closing; c != nil {
		w.closing = nil
		if c.req != nil {
			c.req.finish(temporalx.Refused("the payment of order %s succeeded before it could be cancelled; ask for a refund instead", w.order.ID))
		}
	}
	if err := w.commitStock(ctx); err != nil {
		return err
	}
	return w.save(ctx)
}

// commitStock turns the reservation into a sale.
func (w *orderWorkflow) commitStock(ctx workflow.Context) error {
	if err := mustRun(ctx, catalog.CommitStock, w.order.ID); err != nil {
		return err
	}
	w.committed = true
	return nil
}

// deadlinePassed expires an unpaid order or closes a paid order's refund
// window.
func (w *orderWorkflow) deadlinePassed(ctx workflow.Context) error {
	if w.order.Status != commerce.OrderPendingPayment {
		w.refundsClosed = true
		return nil
	}
	reason := fmt.Sprintf("not paid within %s", w.in.Settings.PaymentTimeout)
	return w.close(ctx, commerce.OrderExpired, reason, nil)
}

// close cancels or expires an unpaid order. A payment in flight is
// cancelled first; the order closes once it has settled.
func (w *orderWorkflow) close(ctx workflow.Context, status commerce.OrderStatus, reason string, r *request) error {
	c := &closing{status: status, reason: reason, req: r}
	if w.pay != nil {
		w.closing = c
		w.pay.cancel()
		return nil
	}
	return w.finishClose(ctx, c)
}

// finishClose releases the stock and the coupon and records the final
// state.
func (w *orderWorkflow) finishClose(ctx workflow.Context, c *closing) error {
	if err := mustRun(ctx, catalog.ReleaseStock, w.order.ID); err != nil {
		return err
	}
	if code := w.order.Quote.CouponCode; code != "" {
		if err := mustRun(ctx, catalog.ReleaseCoupon, code, w.order.ID); err != nil {
			return err
		}
	}
	w.order.Status, w.order.StatusReason = c.status, c.reason
	err := w.save(ctx)
	if c.req != nil {
		c.req.finish(err)
	}
	return err
}

// startRefund starts a refund as a child workflow.
func (w *orderWorkflow) startRefund(ctx workflow.Context, r *request) {
	amount := r.refund.Amount
	if amount.Amount == 0 {
		amount = money.New(w.order.Quote.Payable.Amount-w.order.Refunded.Amount, w.order.Quote.Payable.Currency)
	}
	w.refunds++
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        payment.RefundWorkflowID(w.order.ID, w.refunds),
		TaskQueue:         payment.TaskQueue,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.OrderId.ValueSet(w.order.ID),
			search.CustomerId.ValueSet(w.order.UserID),
		),
	})
	run := &refundRun{id: payment.RefundID(w.order.ID, w.refunds), req: r}
	w.refund = run
	fut := workflow.ExecuteChildWorkflow(cctx, payment.RefundWorkflow, payment.RefundInput{
		OrderID: w.order.ID, N: w.refunds, Amount: amount, Reason: r.refund.Reason,
		Payment: w.lastPayment, Settings: w.in.Settings.Payment,
	})
	workflow.Go(ctx, func(ctx workflow.Context) {
		run.err = fut.Get(ctx, &run.result)
		run.done = true
	})
}

// applyRefundUpdates answers the refund request once the gateway has
// accepted the refund (or refused it); the order changes when the refund
// settles (refundSettled).
func (w *orderWorkflow) applyRefundUpdates() {
	for _, u := range w.refundUpdates {
		run := w.refund
		if run == nil || u.ID != run.id || run.req.done {
			continue
		}
		switch {
		case u.Status == commerce.RefundFailed:
			run.req.refunded = u
			run.req.finish(temporalx.Refused("the payment gateway refused the refund: %s", u.FailureMessage))
		case u.GatewayID != "":
			run.req.refunded = u
			run.req.finish(nil)
		}
	}
	w.refundUpdates = nil
}

// refundSettled applies a finished refund: money back, stock back when
// the order is fully refunded, new state.
func (w *orderWorkflow) refundSettled(ctx workflow.Context) error {
	run := w.refund
	w.refund = nil
	r := run.req
	res := run.result
	finish := func(err error) {
		if !r.done {
			r.refunded = res.Refund
			r.finish(err)
		}
	}
	switch {
	case run.err != nil:
		finish(temporalx.Decode(run.err))
		return nil
	case res.Refund.Status != commerce.RefundSucceeded:
		finish(temporalx.Refused("the payment gateway refused the refund: %s", res.Refund.FailureMessage))
		return nil
	}
	w.lastPayment = res.Payment
	w.order.PaymentStatus = res.Payment.Status
	w.order.Refunded.Amount += res.Refund.Amount.Amount
	w.order.Status = commerce.OrderPartiallyRefunded
	if w.order.Refunded.Amount >= w.order.Quote.Payable.Amount {
		if err := mustRun(ctx, catalog.ReturnStock, w.order.ID); err != nil {
			finish(err)
			return err
		}
		w.order.Status = commerce.OrderRefunded
	}
	err := w.save(ctx)
	finish(err)
	return err
}

// abort runs when the order workflow itself is cancelled (an operator's
// `temporal workflow cancel`): in a disconnected context it cancels the
// payment in flight and closes the order, unless it is paid.
func (w *orderWorkflow) abort(ctx workflow.Context) (commerce.Order, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if r := w.nextPay; r != nil {
		// A new attempt must not start now.
		w.nextPay = nil
		r.finish(temporalx.Refused("order %s was cancelled by an operator", w.order.ID))
	}
	if w.pay != nil {
		w.pay.cancel()
		_ = workflow.Await(dctx, func() bool { return w.pay.done })
		if err := w.paymentSettled(dctx); err != nil {
			return w.order, err
		}
	}
	switch {
	case w.order.Status == commerce.OrderPendingPayment:
		if err := w.finishClose(dctx, &closing{status: commerce.OrderCancelled, reason: "cancelled by an operator"}); err != nil {
			return w.order, err
		}
	case w.order.Status == commerce.OrderPaid && !w.committed:
		// Paid while the stock commit was being retried: finish it.
		if err := w.commitStock(dctx); err != nil {
			return w.order, err
		}
		if err := w.save(dctx); err != nil {
			return w.order, err
		}
	}
	for _, r := range w.queue {
		r.finish(temporalx.Refused("order %s was cancelled by an operator", w.order.ID))
	}
	return w.order, temporal.NewCanceledError()
}
