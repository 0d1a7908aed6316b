package order

import (
	"cmp"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// registerUpdates installs the update handlers. Validators reject invalid
// transitions before they are accepted; accepted requests are queued for
// the main loop, and handlers answer once it has performed them.
func (w *orderWorkflow) registerUpdates(ctx workflow.Context) error {
	err := workflow.SetUpdateHandler(ctx, UpdatePlacement, func(ctx workflow.Context) (commerce.Order, error) {
		if err := workflow.Await(ctx, func() bool { return w.placed || w.placeErr != nil }); err != nil {
			return commerce.Order{}, err
		}
		if w.placeErr != nil {
			return commerce.Order{}, w.placeErr
		}
		return w.order, nil
	})
	if err != nil {
		return err
	}
	handlers := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateCancel,
			func(ctx workflow.Context, req CancelRequest) (commerce.Order, error) {
				r, err := w.submit(ctx, &request{cancel: &req})
				return w.order, temporalx.Encode(cmp.Or(err, r.err))
			},
			func(req CancelRequest) error { return w.canCancel(req, false) }},
		{UpdateAddress,
			func(ctx workflow.Context, addr commerce.Address) (commerce.Order, error) {
				r, err := w.submit(ctx, &request{address: &addr})
				return w.order, temporalx.Encode(cmp.Or(err, r.err))
			},
			func(addr commerce.Address) error { return w.canChangeAddress(addr) }},
		{UpdatePay,
			func(ctx workflow.Context, req PayRequest) (PayResult, error) {
				r, err := w.submit(ctx, &request{pay: &req})
				return PayResult{Order: w.order, Payment: r.payment}, temporalx.Encode(cmp.Or(err, r.err))
			},
			func(req PayRequest) error { return w.canPay(req, false) }},
		{UpdateRefund,
			func(ctx workflow.Context, req RefundRequest) (RefundResult, error) {
				r, err := w.submit(ctx, &request{refund: &req})
				return RefundResult{Order: w.order, Refund: r.refunded}, temporalx.Encode(cmp.Or(err, r.err))
			},
			func(req RefundRequest) error { return w.canRefund(req) }},
	}
	for _, h := range handlers {
		opts := workflow.UpdateHandlerOptions{Validator: h.validator}
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler, opts); err != nil {
			return err
		}
	}
	return nil
}

// submit queues a request and waits until the main loop has answered it.
func (w *orderWorkflow) submit(ctx workflow.Context, r *request) (*request, error) {
	w.queue = append(w.queue, r)
	return r, workflow.Await(ctx, func() bool { return r.done })
}

func (w *orderWorkflow) checkPlaced() error {
	if !w.placed {
		return temporalx.Refused("order %s is not placed yet", w.in.OrderID)
	}
	return nil
}

// Validators (inFlight false) see only what the workflow has applied: a
// payment's latest signal may not be applied yet when a validator runs.
// The main loop applies pending payment signals first and checks again
// with inFlight set, which decides about payments in flight.

func (w *orderWorkflow) canCancel(req CancelRequest, inFlight bool) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	switch s := w.order.Status; {
	case s == commerce.OrderPaid || s == commerce.OrderPartiallyRefunded:
		return temporalx.Refused("order %s is %s and cannot be cancelled; ask for a refund instead", w.order.ID, s)
	case s != commerce.OrderPendingPayment:
		return temporalx.Refused("order %s is already %s", w.order.ID, s)
	case w.closing != nil:
		return temporalx.Refused("order %s is already being %s", w.order.ID, w.closing.status)
	case inFlight && w.pay != nil && !req.CancelPayment:
		return temporalx.Refused("order %s has a payment in progress; cancel with cancel_payment to cancel the payment too", w.order.ID)
	}
	return nil
}

func (w *orderWorkflow) canChangeAddress(addr commerce.Address) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	if w.order.Status.Final() {
		return temporalx.Refused("order %s is %s; its address can no longer change", w.order.ID, w.order.Status)
	}
	return temporalx.Encode(addr.Validate())
}

func (w *orderWorkflow) canPay(req PayRequest, inFlight bool) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	switch {
	case req.Card.Token == "":
		return temporalx.New(apperr.InvalidArgument, "a tokenized card is required")
	case w.order.Quote.Payable.Amount == 0:
		return temporalx.Refused("order %s costs nothing: there is nothing to pay", w.order.ID)
	case w.order.Status != commerce.OrderPendingPayment:
		return temporalx.Refused("order %s is %s; only orders waiting for payment can be paid", w.order.ID, w.order.Status)
	case w.closing != nil:
		return temporalx.Refused("order %s is being %s", w.order.ID, w.closing.status)
	case inFlight && (w.waitingPay != nil || w.nextPay != nil || (w.pay != nil && !w.order.PaymentStatus.Settled())):
		return temporalx.Refused("order %s already has a payment in progress (%s)", w.order.ID, w.order.PaymentStatus)
	}
	return nil
}

func (w *orderWorkflow) canRefund(req RefundRequest) error {
	if err := w.checkPlaced(); err != nil {
		return err
	}
	remaining := w.order.Quote.Payable.Amount - w.order.Refunded.Amount
	switch s := w.order.Status; {
	case s != commerce.OrderPaid && s != commerce.OrderPartiallyRefunded:
		return temporalx.Refused("order %s is %s; only paid orders can be refunded", w.order.ID, s)
	case w.order.Quote.Payable.Amount == 0:
		return temporalx.Refused("order %s cost nothing: there is nothing to refund", w.order.ID)
	case w.refundsClosed:
		return temporalx.Refused("the refund window of order %s has closed", w.order.ID)
	case w.refund != nil:
		return temporalx.Refused("order %s already has a refund in progress", w.order.ID)
	case req.Amount.Currency != "" && req.Amount.Currency != w.order.Quote.Payable.Currency:
		return temporalx.New(apperr.InvalidArgument, fmt.Sprintf("refund in %s, the order's currency", w.order.Quote.Payable.Currency))
	case req.Amount.Amount < 0 || req.Amount.Amount > remaining:
		return temporalx.New(apperr.InvalidArgument, fmt.Sprintf("the refund amount must be between 0.01 and the %d minor units not yet refunded", remaining))
	}
	return nil
}
