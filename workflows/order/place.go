package order

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// place prices the order, redeems its coupon, reserves its stock and
// records it as PENDING_PAYMENT. On failure it leaves in w.undo what must
// be undone (including what may have happened: a step whose outcome is
// unknown); run answers the caller, then undoes it.
func (w *orderWorkflow) place(ctx workflow.Context) error {
	var q commerce.Quote
	err := workflow.ExecuteActivity(placementOptions(ctx), catalog.Quote, activities.QuoteInput{
		Items: w.in.Items, Currency: w.in.Currency, CouponCode: w.in.CouponCode,
	}).Get(ctx, &q)
	if err != nil {
		return err
	}
	if e := w.in.ExpectedTotal; e != nil && e.Currency != "" && *e != q.Payable {
		return temporalx.New(apperr.FailedPrecondition, fmt.Sprintf(
			"the total changed from %s to %s since you saw it; review your cart and check out again", *e, q.Payable))
	}
	if q.CouponCode != "" {
		err := workflow.ExecuteActivity(placementOptions(ctx), catalog.RedeemCoupon, q.CouponCode, w.in.OrderID).Get(ctx, nil)
		if err == nil || !temporalx.IsBusiness(err) { // done, or perhaps done
			w.onFailure(catalog.ReleaseCoupon, q.CouponCode, w.in.OrderID)
		}
		if err != nil {
			return err
		}
	}
	err = workflow.ExecuteActivity(placementOptions(ctx), catalog.ReserveStock, w.in.OrderID, q.Items()).Get(ctx, nil)
	if err == nil || !temporalx.IsBusiness(err) {
		w.onFailure(catalog.ReleaseStock, w.in.OrderID)
	}
	if err != nil {
		return err
	}
	now := workflow.Now(ctx)
	w.order = commerce.Order{
		ID: w.in.OrderID, UserID: w.in.UserID, Status: commerce.OrderPendingPayment, Quote: q,
		Refunded: money.New(0, q.Payable.Currency), Address: w.in.Address, CheckoutID: w.in.CheckoutID,
		CreatedAt: now, ExpiresAt: now.Add(w.in.Settings.PaymentTimeout),
	}
	return w.save(ctx)
}

// onFailure queues an activity that undoes a placement step.
func (w *orderWorkflow) onFailure(activity any, args ...any) {
	w.undo = append(w.undo, func(ctx workflow.Context) { _ = mustRun(ctx, activity, args...) })
}

// undoPlacement runs the queued undo steps, last first, in a disconnected
// context (the workflow's may be cancelled). A step with nothing to undo
// fails as NotFound, which is fine.
func (w *orderWorkflow) undoPlacement(ctx workflow.Context) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	for i := len(w.undo) - 1; i >= 0; i-- {
		w.undo[i](dctx)
	}
	w.undo = nil
}
