package order

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// registerOrderUpdates installs the updates of a placed order. Validators
// refuse what the order's current state already rules out; handlers check
// again under the mutex, after the gateway events delivered so far.
func (w *lifecycle) registerOrderUpdates(ctx workflow.Context) error {
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateCancel,
			func(ctx workflow.Context, req CancelRequest) (Snapshot, error) {
				err := w.locked(ctx, func() error { return w.cancel(ctx, req) })
				return w.snapshot(), temporalx.Encode(err)
			},
			func(req CancelRequest) error { return temporalx.Encode(w.canCancel(req, false)) }},
		{UpdateAddress,
			func(ctx workflow.Context, addr commerce.Address) (Snapshot, error) {
				err := w.locked(ctx, func() error { return w.changeAddress(ctx, addr) })
				return w.snapshot(), temporalx.Encode(err)
			},
			func(addr commerce.Address) error { return temporalx.Encode(w.canChangeAddress(addr)) }},
		{UpdatePay,
			func(ctx workflow.Context, req PayRequest) (Snapshot, error) {
				err := w.locked(ctx, func() error { return w.payAgain(ctx, req) })
				return w.snapshot(), temporalx.Encode(err)
			},
			func(req PayRequest) error { return temporalx.Encode(w.canPay(req)) }},
		{UpdateRefund,
			func(ctx workflow.Context, req RefundRequest) (Snapshot, error) {
				err := w.locked(ctx, func() error { return w.refund(ctx, req) })
				return w.snapshot(), temporalx.Encode(err)
			},
			func(req RefundRequest) error { return temporalx.Encode(w.canRefund(workflow.Now(ctx), req)) }},
	}
	for _, h := range handlers {
		opts := workflow.UpdateHandlerOptions{Validator: h.validator}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler, opts); err != nil {
			return err
		}
	}
	return nil
}

// paymentPhase waits for the order's payment: a callback or a poll that
// settles the charge, a new attempt after a decline, a cancel, or the end
// of the payment window. It keeps one timer, for the next of those
// moments. It reports whether the order was paid.
func (w *lifecycle) paymentPhase(ctx workflow.Context) bool {
	var d deadline
	defer d.stop()
	for w.order.Status == commerce.OrderPendingPayment {
		if w.settled(ctx) != nil {
			return false
		}
		if w.order.Status != commerce.OrderPendingPayment {
			break
		}
		at, summary := w.nextPaymentDeadline()
		d.set(ctx, at, summary)
		if w.wait(ctx, &d) != nil || w.settled(ctx) != nil {
			return false
		}
		passed := d.passed()
		if err := w.locked(ctx, func() error { return w.onPaymentDeadline(ctx, passed) }); err != nil {
			if ctx.Err() != nil {
				return false
			}
			workflow.GetLogger(ctx).Error("order transition failed", "order", w.order.ID, "error", err)
		}
	}
	return w.order.Status == commerce.OrderPaid
}

// nextPaymentDeadline is the next moment an unpaid order must act: the
// end of its payment window, or before it, a charge to send, to check or
// to give up.
func (w *lifecycle) nextPaymentDeadline() (time.Time, string) {
	at, summary := w.order.ExpiresAt, "payment window"
	if a := w.pay.cur; a.inFlight() {
		giveUp := a.p.CreatedAt.Add(w.in.Settings.ChargeTimeout)
		if giveUp.Before(at) {
			at, summary = giveUp, "charge timeout"
		}
		if a.sent && a.pollAt.Before(at) {
			at, summary = a.pollAt, "charge check (no callback yet)"
		}
		if !a.sent && a.p.CreatedAt.Before(at) {
			at, summary = a.p.CreatedAt, "send the charge"
		}
	}
	return at, summary
}

// paidWhenSentLateChange versions the charge sent after the placement:
// before it, a charge the gateway answered as succeeded already was
// recorded, but the order was not paid.
const paidWhenSentLateChange = "paid-when-sent-late"

// onPaymentDeadline acts on what is due: a charge to send again, the end of
// the payment window, a charge to give up or to check.
func (w *lifecycle) onPaymentDeadline(ctx workflow.Context, passed bool) error {
	if w.order.Status != commerce.OrderPendingPayment {
		return nil
	}
	now := workflow.Now(ctx)
	a := w.pay.cur
	switch {
	case now.Before(w.order.ExpiresAt) && a.inFlight() && !a.sent && now.Before(a.p.CreatedAt.Add(w.in.Settings.ChargeTimeout)):
		// The charge could not be sent while the customer waited.
		until := a.p.CreatedAt.Add(w.in.Settings.ChargeTimeout)
		if w.order.ExpiresAt.Before(until) {
			until = w.order.ExpiresAt
		}
		if event, detail := w.charge(sendOptions(ctx, until), a, false); event != "" {
			c := change{payment: event, paymentDetail: detail}
			if a.p.Status == commerce.PaymentSucceeded &&
				workflow.GetVersion(ctx, paidWhenSentLateChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
				return w.save(ctx, c)
			}
			return w.recordCharge(ctx, c) // it may have succeeded meanwhile
		}
		return nil
	case !passed:
		return nil
	case !now.Before(w.order.ExpiresAt):
		return w.closeOrder(ctx, commerce.OrderExpired, fmt.Sprintf("not paid within %s", w.in.Settings.PaymentWindow))
	case a.inFlight() && !now.Before(a.p.CreatedAt.Add(w.in.Settings.ChargeTimeout)):
		return w.giveUp(ctx, a)
	case a.inFlight() && a.sent && !now.Before(a.pollAt):
		return w.pollCharge(ctx, a)
	}
	return nil
}

// pollCharge asks the gateway about a charge whose callback did not come.
func (w *lifecycle) pollCharge(ctx workflow.Context, a *attempt) error {
	var ch gateway.Charge
	err := workflow.ExecuteLocalActivity(pollOptions(ctx), gw.GetCharge, a.p.ChargeID).Get(ctx, &ch)
	if err == nil && ch.Status != gateway.ChargeProcessing {
		return w.chargeSettled(ctx, ch, "reconciled", "no callback; the gateway answered "+string(ch.Status))
	}
	a.poll = min(2*a.poll, maxPollInterval)
	a.pollAt = workflow.Now(ctx).Add(a.poll)
	return nil
}

// giveUp ends an attempt that has no outcome after the charge timeout: it
// makes sure no charge can go through, then fails the attempt, unless the
// charge succeeded meanwhile.
func (w *lifecycle) giveUp(ctx workflow.Context, a *attempt) error {
	settled, err := w.resolveCharge(ctx, a)
	if err != nil {
		return err
	}
	if settled {
		return w.chargeSettled(ctx, gateway.Charge{ID: a.p.ChargeID, Status: chargeStatusOf(a.p.Status)}, "reconciled", "settled just before the timeout")
	}
	a.fail("timeout", fmt.Sprintf("no outcome from the gateway within %s; the charge was cancelled", w.in.Settings.ChargeTimeout))
	return w.save(ctx, change{payment: "timeout", paymentDetail: a.p.FailureMessage})
}

// chargeStatusOf is the gateway's word for a settled payment status.
func chargeStatusOf(s commerce.PaymentStatus) gateway.ChargeStatus {
	switch s {
	case commerce.PaymentSucceeded:
		return gateway.ChargeSucceeded
	case commerce.PaymentFailed:
		return gateway.ChargeFailed
	}
	return gateway.ChargeCanceled
}

// recordCharge records c, a change of the current payment attempt after
// its charge was sent: an attempt that succeeded at once (or meanwhile)
// pays the order.
func (w *lifecycle) recordCharge(ctx workflow.Context, c change) error {
	if a := w.pay.cur; a != nil && a.p.Status == commerce.PaymentSucceeded {
		return w.paid(ctx, c)
	}
	return w.save(ctx, c)
}

// paid marks the order PAID and commits its stock, recording c with it. A
// paid order's stock commit is retried until it is done; if the workflow
// is cancelled meanwhile, abort finishes it.
func (w *lifecycle) paid(ctx workflow.Context, c change) error {
	w.order.Status, w.order.PaidAt = commerce.OrderPaid, workflow.Now(ctx)
	w.poke()
	if err := workflow.ExecuteLocalActivity(mustLocalOptions(ctx), goods.CommitStock, w.order.ID).Get(ctx, nil); err != nil {
		return err
	}
	w.committed = true
	c.order = true
	return w.save(ctx, c)
}

// closeOrder cancels or expires an unpaid order: a payment in flight is
// stopped first (if it succeeded meanwhile, the order is paid instead),
// then the stock and coupon are released.
func (w *lifecycle) closeOrder(ctx workflow.Context, status commerce.OrderStatus, reason string) error {
	c := change{order: true}
	if a := w.pay.cur; a.inFlight() {
		settled, err := w.resolveCharge(ctx, a)
		if err != nil {
			return err
		}
		if settled && a.p.Status == commerce.PaymentSucceeded {
			return w.paid(ctx, change{payment: "reconciled", paymentDetail: "settled before it could be cancelled"})
		}
		c.payment, c.paymentDetail = "reconciled", "settled ("+string(a.p.Status)+") before it could be cancelled"
		if !settled {
			a.p.Status, a.p.FailureCode, a.p.FailureMessage = commerce.PaymentCancelled, "cancelled", reason
			c.payment, c.paymentDetail = "cancelled", reason
		}
	}
	if err := w.release(ctx, w.order.ID, w.order.Quote.CouponCode); err != nil {
		return err
	}
	w.order.Status, w.order.StatusReason = status, reason
	w.poke()
	return w.save(ctx, c)
}

// checkPlaced refuses requests about an order that is not placed.
func (w *lifecycle) checkPlaced() error {
	if w.order == nil {
		return temporalx.Refused("order %s is not placed", w.in.OrderID)
	}
	return nil
}

// canCancel says whether an unpaid order may be cancelled; inFlight
// requests answer the payment in flight too.
func (w *lifecycle) canCancel(req CancelRequest, handling bool) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	switch s := w.order.Status; {
	case s == commerce.OrderCancelled:
		return nil // a repeated request gets the cancelled order
	case s == commerce.OrderPaid || s == commerce.OrderPartiallyRefunded:
		return temporalx.Refused("order %s is %s and cannot be cancelled; ask for a refund instead", w.order.ID, s)
	case s != commerce.OrderPendingPayment:
		return temporalx.Refused("order %s is already %s", w.order.ID, s)
	case handling && w.pay.cur.inFlight() && !req.CancelPayment:
		return temporalx.Refused("order %s has a payment in progress; cancel with cancel_payment to cancel the payment too", w.order.ID)
	}
	return nil
}

// cancel cancels an unpaid order (a repeat answers the cancelled order).
func (w *lifecycle) cancel(ctx workflow.Context, req CancelRequest) error {
	if err := w.canCancel(req, true); err != nil || w.order.Status == commerce.OrderCancelled {
		return err
	}
	reason := req.Reason
	if reason == "" {
		reason = "cancelled by the customer"
	}
	if err := w.closeOrder(ctx, commerce.OrderCancelled, reason); err != nil {
		return err
	}
	if w.order.Status == commerce.OrderPaid {
		return temporalx.Refused("the payment of order %s succeeded before it could be cancelled; ask for a refund instead", w.order.ID)
	}
	return nil
}

func (w *lifecycle) canChangeAddress(addr commerce.Address) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	if w.order.Status.Final() {
		return temporalx.Refused("order %s is %s; its address can no longer change", w.order.ID, w.order.Status)
	}
	return addr.Validate()
}

// changeAddress changes the delivery address of an order that is not
// final.
func (w *lifecycle) changeAddress(ctx workflow.Context, addr commerce.Address) error {
	if err := w.canChangeAddress(addr); err != nil {
		return err
	}
	w.order.Address = addr
	return w.save(ctx, change{order: true})
}

func (w *lifecycle) canPay(req PayRequest) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	switch {
	case req.Card.Token == "":
		return apperr.InvalidArgf("a tokenized card is required")
	case w.order.Quote.Payable.Amount == 0:
		return temporalx.Refused("order %s costs nothing: there is nothing to pay", w.order.ID)
	case w.order.Status != commerce.OrderPendingPayment:
		return temporalx.Refused("order %s is %s; only orders waiting for payment can be paid", w.order.ID, w.order.Status)
	case w.pay.cur.inFlight():
		return temporalx.Refused("order %s already has a payment in progress (%s)", w.order.ID, w.pay.cur.p.Status)
	}
	return nil
}

// payAgain starts a new payment attempt: after a decline, or for an order
// placed without a card. It answers once the charge is with the gateway.
func (w *lifecycle) payAgain(ctx workflow.Context, req PayRequest) error {
	if err := w.canPay(req); err != nil {
		return err
	}
	a := w.pay.next(ctx, w.order, req.Card)
	c := change{payment: "created", paymentDetail: fmt.Sprintf("%s card ending %s", a.p.Card.Brand, a.p.Card.Last4)}
	if event, detail := w.charge(chargeNowOptions(ctx), a, true); event != "" {
		c.payment, c.paymentDetail = event, detail
	}
	w.poke()
	return w.recordCharge(ctx, c)
}
