package order

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// maxPollInterval caps the back-off between polls of a charge.
const maxPollInterval = time.Minute

// attempts are an order's payment attempts: how many there were, and the
// latest, which is the only one the order waits for.
type attempts struct {
	n   int
	cur *attempt
}

// attempt is one payment of the order: a charge of its total at the
// gateway, from its creation to its outcome.
type attempt struct {
	p commerce.Payment
	// sent is set once the gateway has the charge (its id is known);
	// before, the charge may or may not exist.
	sent bool
	// pollAt is when to ask the gateway if no callback came; poll is the
	// next back-off.
	pollAt time.Time
	poll   time.Duration
}

// inFlight reports whether the attempt has no outcome yet.
func (a *attempt) inFlight() bool { return a != nil && !a.p.Status.Settled() }

// next starts a new attempt of amount with card, as PENDING.
func (ps *attempts) next(ctx workflow.Context, o *commerce.Order, card commerce.Card) *attempt {
	ps.n++
	now := workflow.Now(ctx)
	ps.cur = &attempt{p: commerce.Payment{
		ID: PaymentID(o.ID, ps.n), OrderID: o.ID, UserID: o.UserID, Attempt: ps.n,
		Amount: o.Quote.Payable, Status: commerce.PaymentPending, Card: card,
		Refunded: money.New(0, o.Quote.Payable.Currency), CreatedAt: now,
	}}
	o.PaymentAttempts = ps.n
	return ps.cur
}

// applyCharge takes over a charge's state; it reports whether the charge
// settled.
func (a *attempt) applyCharge(ch gateway.Charge) bool {
	if ch.ID != "" {
		a.p.ChargeID, a.sent = ch.ID, true
	}
	switch ch.Status {
	case gateway.ChargeSucceeded:
		a.p.Status = commerce.PaymentSucceeded
	case gateway.ChargeFailed:
		a.p.Status = commerce.PaymentFailed
		a.p.FailureCode, a.p.FailureMessage = ch.FailureCode, ch.FailureMessage
	case gateway.ChargeCanceled:
		a.p.Status = commerce.PaymentCancelled
	default:
		a.p.Status = commerce.PaymentProcessing
		return false
	}
	return true
}

// fail settles the attempt as FAILED.
func (a *attempt) fail(code, msg string) {
	a.p.Status, a.p.FailureCode, a.p.FailureMessage = commerce.PaymentFailed, code, msg
}

// chargeParams are the gateway parameters of the attempt's charge.
func (w *lifecycle) chargeParams(ctx workflow.Context, a *attempt) payments.ChargeInput {
	return payments.ChargeInput{
		Key: a.p.ID,
		Params: gateway.CreateChargeParams{
			Amount: a.p.Amount.Amount, Currency: a.p.Amount.Currency, PaymentMethod: a.p.Card.Token,
			Description: "tempomall order " + a.p.OrderID,
			Metadata: map[string]string{
				"order_id": a.p.OrderID, "payment_id": a.p.ID,
				"workflow_id": workflow.GetInfo(ctx).WorkflowExecution.ID,
			},
		},
	}
}

// charge sends the attempt's charge with the activity options of ctx and
// takes over the gateway's answer. A refusal (an invalid card) settles
// the attempt as FAILED; an outage leaves it PENDING, with the charge's
// fate unknown (resolved later by its key). It returns the payment log
// event of the change, "" when nothing changed.
func (w *lifecycle) charge(ctx workflow.Context, a *attempt, local bool) (event, detail string) {
	var ch gateway.Charge
	var err error
	if local {
		err = workflow.ExecuteLocalActivity(ctx, gw.Charge, w.chargeParams(ctx, a)).Get(ctx, &ch)
	} else {
		err = workflow.ExecuteActivity(ctx, gw.Charge, w.chargeParams(ctx, a)).Get(ctx, &ch)
	}
	switch {
	case err != nil && temporalx.IsBusiness(err):
		a.fail("refused", temporalx.Decode(err).Error())
		return "refused", a.p.FailureMessage
	case err != nil:
		return "", ""
	}
	a.applyCharge(ch)
	w.applyEarly(ctx, a)
	a.poll = w.in.Settings.ReconcileAfter
	a.pollAt = workflow.Now(ctx).Add(a.poll)
	return "charge_sent", fmt.Sprintf("charge %s on the %s card ending %s", ch.ID, a.p.Card.Brand, a.p.Card.Last4)
}

// resolveCharge makes sure the attempt's charge can no longer go through:
// it finds the charge by its idempotency key when its id is unknown (the
// charge may have reached the gateway) and cancels it, retrying until the
// gateway answers. It reports whether the charge settled first (the
// attempt holds the outcome: a success must not be given up).
func (w *lifecycle) resolveCharge(ctx workflow.Context, a *attempt) (settled bool, err error) {
	if !a.sent {
		var ch gateway.Charge
		err := workflow.ExecuteActivity(mustOptions(ctx), gw.Charge, w.chargeParams(ctx, a)).Get(ctx, &ch)
		if temporalx.IsBusiness(err) {
			return false, nil // the gateway refused it: there is no charge
		}
		if err != nil {
			return false, err
		}
		if a.applyCharge(ch) {
			return true, nil
		}
	}
	var ch gateway.Charge
	err = workflow.ExecuteActivity(mustOptions(ctx), gw.CancelCharge, a.p.ChargeID, a.p.ID+"-cancel").Get(ctx, &ch)
	if temporalx.IsBusiness(err) {
		return false, nil // the gateway knows no such charge
	}
	if err != nil {
		return false, err
	}
	if ch.Status == gateway.ChargeCanceled {
		return false, nil
	}
	return a.applyCharge(ch), nil
}

// chargeSettled applies a charge's state, from a callback or a poll: an
// order whose charge succeeded is paid. Charges of older attempts and
// repeats change nothing.
func (w *lifecycle) chargeSettled(ctx workflow.Context, ch gateway.Charge, event, detail string) error {
	a := w.pay.cur
	if pid := ch.Metadata["payment_id"]; pid != "" && (a == nil || pid != a.p.ID) {
		w.keepEarly(pid, ch)
		return nil
	}
	if !a.inFlight() || w.order == nil || (a.p.ChargeID != "" && ch.ID != a.p.ChargeID) {
		return nil
	}
	if !a.applyCharge(ch) {
		return nil
	}
	if a.p.Status == commerce.PaymentSucceeded {
		return w.paid(ctx, change{payment: event, paymentDetail: detail})
	}
	return w.save(ctx, change{payment: event, paymentDetail: fmt.Sprintf("%s (%s)", detail, a.p.Status)})
}

// earlyEventsChange versions applyEarly: before it, a callback about a
// payment the workflow did not know yet was dropped.
const earlyEventsChange = "early-charge-events"

// keepEarly keeps the latest callback about a payment of this order that
// the workflow has not started (yet, as far as its history knows): a
// placement whose workflow task was lost with its worker charged the card,
// and the gateway's callback arrived before the placement ran again.
func (w *lifecycle) keepEarly(paymentID string, ch gateway.Charge) {
	if !strings.HasPrefix(paymentID, paymentPrefix(w.in.OrderID)) {
		return // not one of this order's payments
	}
	if w.early == nil {
		w.early = map[string]gateway.Charge{}
	}
	w.early[paymentID] = ch
}

// applyEarly settles a just-charged attempt with the callback that came
// before it (see keepEarly): the charge it answered had settled already.
func (w *lifecycle) applyEarly(ctx workflow.Context, a *attempt) {
	ch, ok := w.early[a.p.ID]
	if !ok || ch.ID != a.p.ChargeID {
		return
	}
	delete(w.early, a.p.ID)
	if workflow.GetVersion(ctx, earlyEventsChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	a.applyCharge(ch)
}
