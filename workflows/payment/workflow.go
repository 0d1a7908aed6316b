package payment

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/search"
)

// maxPollInterval caps the back-off between reconciliation polls.
const maxPollInterval = time.Minute

// PaymentWorkflow charges a card for an order and returns the settled
// payment: SUCCEEDED, FAILED (declined, refused, or timed out after the
// gateway confirmed the charge's cancellation) or CANCELLED (the workflow
// was cancelled, e.g. the order expired, and the gateway confirmed the
// charge's cancellation before it succeeded). It never gives a charge up
// while the gateway has not answered.
func PaymentWorkflow(ctx workflow.Context, in Input) (commerce.Payment, error) {
	w := &paymentWorkflow{in: in}
	if err := w.setup(ctx); err != nil {
		return commerce.Payment{}, err
	}
	return w.run(ctx)
}

type paymentWorkflow struct {
	in     Input
	p      commerce.Payment
	events []gateway.Event
}

func (w *paymentWorkflow) setup(ctx workflow.Context) error {
	in := w.in
	switch {
	case in.OrderID == "" || in.Attempt < 1:
		return temporalx.New(apperr.InvalidArgument, "order id and attempt are required")
	case in.Amount.Amount <= 0 || in.Amount.Currency == "":
		return temporalx.New(apperr.InvalidArgument, "the amount must be positive")
	case in.Card.Token == "":
		return temporalx.New(apperr.InvalidArgument, "a tokenized card is required")
	case in.Settings.Timeout <= 0 || in.Settings.ReconcileAfter <= 0:
		return temporalx.New(apperr.InvalidArgument, "payment timeout and reconcile delay must be positive")
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (commerce.Payment, error) { return w.p, nil }); err != nil {
		return err
	}
	temporalx.Collect(ctx, SignalGatewayEvent, &w.events)
	return nil
}

func (w *paymentWorkflow) run(ctx workflow.Context) (commerce.Payment, error) {
	now := workflow.Now(ctx)
	w.p = commerce.Payment{
		ID: PaymentID(w.in.OrderID, w.in.Attempt), OrderID: w.in.OrderID, UserID: w.in.UserID,
		Attempt: w.in.Attempt, Amount: w.in.Amount, Status: commerce.PaymentPending, Card: w.in.Card,
		Refunded: money.New(0, w.in.Amount.Currency), CreatedAt: now,
	}
	if w.p.Card.Last4 == "" {
		// A bare token: the gateway knows the card's brand and last four.
		err := workflow.ExecuteActivity(mustOptions(ctx), gw.PaymentMethod, w.p.Card.Token).Get(ctx, &w.p.Card)
		switch {
		case ctx.Err() != nil:
			return w.cancel(ctx, "cancelled before the charge was sent")
		case err != nil:
			return w.fail(ctx, "invalid_payment_method", temporalx.Decode(err).Error())
		}
	}
	if err := w.save(ctx, "created", fmt.Sprintf("%s card ending %s", w.p.Card.Brand, w.p.Card.Last4)); err != nil {
		if ctx.Err() != nil {
			return w.cancel(ctx, "cancelled before the charge was sent")
		}
		return w.p, err
	}
	ch, err := w.createCharge(chargeOptions(ctx, w.in.Settings.Timeout))
	switch {
	case temporal.IsCanceledError(err) || ctx.Err() != nil:
		return w.cancel(ctx, "cancelled before the charge was confirmed")
	case err != nil && temporalx.IsBusiness(err):
		return w.fail(ctx, "refused", temporalx.Decode(err).Error())
	case err != nil:
		// The gateway did not answer until the deadline: the charge may
		// exist. The timeout resolves it.
		return w.timeout(ctx)
	}
	w.p.ChargeID = ch.ID
	w.p.Status = commerce.PaymentProcessing
	if err := w.save(ctx, "charge_sent", "charge "+ch.ID); err != nil {
		if ctx.Err() != nil {
			return w.cancel(ctx, "cancelled while the charge was processing")
		}
		return w.p, err
	}
	if w.settle(ch) {
		return w.p, w.save(ctx, "charge_sent", "settled at once")
	}
	return w.await(ctx)
}

// createCharge sends the charge (idempotent by the payment id) with the
// activity options of ctx.
func (w *paymentWorkflow) createCharge(ctx workflow.Context) (gateway.Charge, error) {
	var ch gateway.Charge
	err := workflow.ExecuteActivity(ctx, gw.CreateCharge, activities.ChargeInput{
		Key: w.p.ID,
		Params: gateway.CreateChargeParams{
			Amount: w.p.Amount.Amount, Currency: w.p.Amount.Currency, PaymentMethod: w.p.Card.Token,
			Description: "tempomall order " + w.p.OrderID,
			Metadata: map[string]string{
				"order_id": w.p.OrderID, "payment_id": w.p.ID,
				"workflow_id": workflow.GetInfo(ctx).WorkflowExecution.ID,
			},
		},
	}).Get(ctx, &ch)
	return ch, err
}

// await waits for the outcome: a webhook event, a poll that finds the
// charge settled, the timeout, or cancellation.
func (w *paymentWorkflow) await(ctx workflow.Context) (commerce.Payment, error) {
	deadline := w.p.CreatedAt.Add(w.in.Settings.Timeout)
	poll := w.in.Settings.ReconcileAfter
	for {
		if ev, ok := w.takeEvent(); ok {
			if w.settle(*ev.Charge) {
				return w.p, w.save(ctx, "webhook", "event "+ev.ID+": "+ev.Type)
			}
			continue
		}
		left := deadline.Sub(workflow.Now(ctx))
		if left <= 0 {
			return w.timeout(ctx)
		}
		got, err := workflow.AwaitWithTimeout(ctx, min(poll, left), func() bool { return len(w.events) > 0 })
		if err != nil {
			return w.cancel(ctx, "cancelled while the charge was processing")
		}
		if got {
			continue
		}
		var ch gateway.Charge
		err = workflow.ExecuteActivity(pollOptions(ctx), gw.GetCharge, w.p.ChargeID).Get(ctx, &ch)
		if temporal.IsCanceledError(err) {
			return w.cancel(ctx, "cancelled while the charge was processing")
		}
		if err == nil && w.settle(ch) {
			return w.p, w.save(ctx, "reconciled", "no callback; the gateway answered "+string(ch.Status))
		}
		poll = min(2*poll, maxPollInterval)
	}
}

// takeEvent returns the next event about this payment's charge, dropping
// events about other charges.
func (w *paymentWorkflow) takeEvent() (gateway.Event, bool) {
	for len(w.events) > 0 {
		ev := w.events[0]
		w.events = w.events[1:]
		if ev.Charge != nil && ev.Charge.ID == w.p.ChargeID {
			return ev, true
		}
	}
	return gateway.Event{}, false
}

// settle applies a charge's state; it reports whether the charge settled.
func (w *paymentWorkflow) settle(ch gateway.Charge) bool {
	switch ch.Status {
	case gateway.ChargeSucceeded:
		w.p.Status = commerce.PaymentSucceeded
	case gateway.ChargeFailed:
		w.p.Status = commerce.PaymentFailed
		w.p.FailureCode, w.p.FailureMessage = ch.FailureCode, ch.FailureMessage
	case gateway.ChargeCanceled:
		w.p.Status = commerce.PaymentCancelled
	default:
		return false
	}
	return true
}

// timeout gives the payment up: it makes sure no charge can go through
// (it resolves a charge of unknown outcome through its idempotency key and
// cancels it at the gateway, retrying until the gateway answers), then
// fails the payment, unless the charge succeeded meanwhile.
func (w *paymentWorkflow) timeout(ctx workflow.Context) (commerce.Payment, error) {
	if settled, err := w.stopCharge(ctx); err != nil {
		if ctx.Err() != nil {
			return w.cancel(ctx, "cancelled while the charge was being given up")
		}
		return w.p, err
	} else if settled {
		return w.p, w.save(ctx, "reconciled", "settled ("+string(w.p.Status)+") just before the timeout")
	}
	return w.fail(ctx, "timeout", fmt.Sprintf("no outcome from the gateway within %s; the charge was cancelled", w.in.Settings.Timeout))
}

// cancel runs when the workflow is cancelled: in a disconnected context
// (the workflow's own is cancelled) it makes sure no charge can go
// through, then records CANCELLED, or SUCCEEDED if the charge won the race.
func (w *paymentWorkflow) cancel(ctx workflow.Context, reason string) (commerce.Payment, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	settled, err := w.stopCharge(dctx)
	if err != nil {
		return w.p, err
	}
	if settled && w.p.Status == commerce.PaymentSucceeded {
		return w.p, w.save(dctx, "reconciled", "settled before it could be cancelled")
	}
	w.p.Status = commerce.PaymentCancelled
	w.p.FailureCode, w.p.FailureMessage = "cancelled", reason
	return w.p, w.save(dctx, "cancelled", reason)
}

// stopCharge cancels the payment's charge at the gateway, first finding it
// through its idempotency key when the workflow does not know it (the
// charge may have reached the gateway). It reports whether the charge had
// settled before (w.p holds the outcome). Both calls are retried until
// the gateway answers.
func (w *paymentWorkflow) stopCharge(ctx workflow.Context) (settled bool, err error) {
	if w.p.ChargeID == "" {
		ch, err := w.createCharge(mustOptions(ctx))
		if temporalx.IsBusiness(err) {
			return false, nil // the gateway refused it: there is no charge
		}
		if err != nil {
			return false, err
		}
		w.p.ChargeID = ch.ID
	}
	var ch gateway.Charge
	err = workflow.ExecuteActivity(mustOptions(ctx), gw.CancelCharge, w.p.ChargeID, w.p.ID+"-cancel").Get(ctx, &ch)
	if temporalx.IsBusiness(err) {
		return false, nil // the gateway knows no such charge
	}
	if err != nil {
		return false, err
	}
	if ch.Status == gateway.ChargeCanceled {
		return false, nil
	}
	return w.settle(ch), nil
}

func (w *paymentWorkflow) fail(ctx workflow.Context, code, msg string) (commerce.Payment, error) {
	w.p.Status = commerce.PaymentFailed
	w.p.FailureCode, w.p.FailureMessage = code, msg
	return w.p, w.save(ctx, code, msg)
}

// save notifies the parent order workflow of the snapshot as a new
// version, records it and updates the search attributes. The parent hears
// first, so that a client who reads the new state from the payments table
// finds the order workflow already knowing it.
func (w *paymentWorkflow) save(ctx workflow.Context, event, detail string) error {
	w.p.Version++
	w.p.UpdatedAt = workflow.Now(ctx)
	notifyParent(ctx, w.p)
	err := workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), records.RecordPayment, activities.PaymentRecord{
		Payment: w.p, Event: event, Detail: detail,
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	return workflow.UpsertTypedSearchAttributes(ctx, search.PaymentStatus.ValueSet(string(w.p.Status)))
}

// notifyParent signals the parent workflow, if any, with the payment.
func notifyParent(ctx workflow.Context, p commerce.Payment) {
	signalParent(ctx, SignalParentUpdate, p, p.OrderID)
}

// signalParent signals the parent workflow, if any.
func signalParent(ctx workflow.Context, signal string, arg any, orderID string) {
	parent := workflow.GetInfo(ctx).ParentWorkflowExecution
	if parent == nil {
		return
	}
	err := workflow.SignalExternalWorkflow(ctx, parent.ID, "", signal, arg).Get(ctx, nil)
	if err != nil && !errors.Is(err, workflow.ErrCanceled) {
		workflow.GetLogger(ctx).Warn("could not notify the order", "order", orderID, "signal", signal, "error", err)
	}
}
