package order

import (
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/payment"
	"github.com/tempomall/tempomall/workflows/search"
)

// OrderWorkflow runs an order from placement to its final state and returns
// the final snapshot.
func OrderWorkflow(ctx workflow.Context, in Input) (commerce.Order, error) {
	w := &orderWorkflow{in: in}
	if err := w.setup(ctx); err != nil {
		return commerce.Order{}, err
	}
	return w.run(ctx)
}

// orderWorkflow is the order's state. User actions arrive as updates that
// queue a request; the main loop (run) performs every transition, one at a
// time.
type orderWorkflow struct {
	in     Input
	order  commerce.Order
	placed bool
	// placeErr is why placement failed; undo is what placement must undo
	// if it fails.
	placeErr error
	undo     []func(workflow.Context)

	queue []*request
	// pay is the payment attempt in flight; payUpdates are the snapshots its
	// workflow signalled; lastPayment is the newest known payment.
	pay         *attempt
	payUpdates  []commerce.Payment
	lastPayment commerce.Payment
	// waitingPay is a pay request answered once its charge is sent;
	// nextPay is one waiting for the settled previous attempt to finish.
	waitingPay *request
	nextPay    *request
	// closing is a cancellation or expiry waiting for the payment in
	// flight to be cancelled.
	closing *closing
	// refund is the refund in flight; refundUpdates are the snapshots its
	// workflow signalled.
	refund *refundRun
	// committed is set once the stock of a paid order is committed.
	committed     bool
	refundUpdates []commerce.Refund
	refunds       int
	refundsClosed bool
}

// request is a user action queued by an update handler.
type request struct {
	cancel  *CancelRequest
	address *commerce.Address
	pay     *PayRequest
	refund  *RefundRequest

	done     bool
	err      error
	payment  commerce.Payment
	refunded commerce.Refund
}

// finish answers a request.
func (r *request) finish(err error) {
	r.done, r.err = true, err
}

// attempt is a payment child workflow.
type attempt struct {
	cancel workflow.CancelFunc
	done   bool
	result commerce.Payment
	err    error
}

// closing is an order on its way to CANCELLED or EXPIRED.
type closing struct {
	status commerce.OrderStatus
	reason string
	req    *request
}

// refundRun is a refund child workflow.
type refundRun struct {
	id     string
	req    *request
	done   bool
	result payment.RefundResult
	err    error
}

func (w *orderWorkflow) setup(ctx workflow.Context) error {
	in := w.in
	if err := commerce.CheckKey("order id", in.OrderID); err != nil {
		return temporalx.Encode(err)
	}
	switch {
	case in.UserID <= 0:
		return temporalx.New(apperr.InvalidArgument, "user id must be positive")
	case len(in.Items) == 0:
		return temporalx.New(apperr.InvalidArgument, "an order needs items")
	case in.Settings.PaymentTimeout <= 0:
		return temporalx.New(apperr.InvalidArgument, "the payment timeout must be positive")
	case in.Settings.RefundWindow < 0:
		return temporalx.New(apperr.InvalidArgument, "the refund window must not be negative")
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (commerce.Order, error) { return w.order, nil }); err != nil {
		return err
	}
	if err := w.registerUpdates(ctx); err != nil {
		return err
	}
	temporalx.Collect(ctx, payment.SignalParentUpdate, &w.payUpdates)
	temporalx.Collect(ctx, payment.SignalRefundUpdate, &w.refundUpdates)
	return nil
}

func (w *orderWorkflow) run(ctx workflow.Context) (commerce.Order, error) {
	if err := w.place(ctx); err != nil {
		w.placeErr = err // answers the caller; then the undoing
		w.undoPlacement(ctx)
		_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
		// The order was refused (sold out, say) or could not be placed: a
		// business outcome, answered to the caller, not a failed workflow.
		workflow.GetLogger(ctx).Info("order not placed", "order", w.in.OrderID, "reason", temporalx.Decode(err).Error())
		return commerce.Order{ID: w.in.OrderID, UserID: w.in.UserID, StatusReason: "not placed: " + temporalx.Decode(err).Error()}, nil
	}
	w.undo = nil
	w.placed = true
	var err error
	switch {
	case w.order.Quote.Payable.Amount == 0:
		err = w.paid(ctx) // nothing to charge (a 100% coupon, say)
	case w.in.Card != nil:
		err = w.startPayment(ctx, *w.in.Card)
	}
	if err != nil {
		if ctx.Err() != nil {
			return w.abort(ctx)
		}
		return w.order, err
	}
	for !w.finished() {
		expired, err := w.wait(ctx)
		if err != nil {
			return w.abort(ctx)
		}
		if err := w.step(ctx, expired); err != nil {
			if ctx.Err() != nil {
				return w.abort(ctx)
			}
			return w.order, err
		}
	}
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	return w.order, nil
}

// finished reports whether the order has nothing left to do.
func (w *orderWorkflow) finished() bool {
	busy := w.pay != nil || w.refund != nil || len(w.queue) > 0 || len(w.payUpdates) > 0 || len(w.refundUpdates) > 0
	return !busy && (w.order.Status.Final() || w.refundsClosed)
}

func (w *orderWorkflow) hasWork() bool {
	return len(w.payUpdates) > 0 || len(w.refundUpdates) > 0 || (w.pay != nil && w.pay.done) ||
		(w.refund != nil && w.refund.done) || len(w.queue) > 0
}

// wait blocks until there is work or the order's deadline passes; expired
// reports the latter.
func (w *orderWorkflow) wait(ctx workflow.Context) (expired bool, err error) {
	deadline, ok := w.deadline()
	if !ok {
		return false, workflow.Await(ctx, w.hasWork)
	}
	left := deadline.Sub(workflow.Now(ctx))
	if left <= 0 {
		return !w.hasWork(), nil
	}
	got, err := workflow.AwaitWithTimeout(ctx, left, w.hasWork)
	return !got, err
}

// step performs one transition.
func (w *orderWorkflow) step(ctx workflow.Context, expired bool) error {
	switch {
	case len(w.payUpdates) > 0:
		return w.applyPaymentUpdates(ctx)
	case len(w.refundUpdates) > 0:
		w.applyRefundUpdates()
		return nil
	case w.pay != nil && w.pay.done:
		return w.paymentSettled(ctx)
	case w.refund != nil && w.refund.done:
		return w.refundSettled(ctx)
	case len(w.queue) > 0:
		r := w.queue[0]
		w.queue = w.queue[1:]
		return w.handle(ctx, r)
	case expired:
		return w.deadlinePassed(ctx)
	}
	return nil
}

// save records the order as a new version and updates search attributes.
func (w *orderWorkflow) save(ctx workflow.Context) error {
	w.order.Version++
	w.order.UpdatedAt = workflow.Now(ctx)
	if err := workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), records.RecordOrder, w.order).Get(ctx, nil); err != nil {
		return err
	}
	return workflow.UpsertTypedSearchAttributes(ctx,
		search.OrderStatus.ValueSet(string(w.order.Status)),
		search.PaymentStatus.ValueSet(string(w.order.PaymentStatus)),
		search.OrderTotal.ValueSet(w.order.Quote.Payable.Amount),
		search.OrderCurrency.ValueSet(w.order.Quote.Payable.Currency),
	)
}

// mustRun runs a compensation or commit activity that has to happen.
func mustRun(ctx workflow.Context, activity any, args ...any) error {
	return workflow.ExecuteActivity(mustOptions(ctx), activity, args...).Get(ctx, nil)
}
