package order

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/workflows/failure"
)

// place prices the order, redeems its coupon, reserves its stock and
// records it as PENDING_PAYMENT. A failure leaves nothing behind: what was
// done is undone, in a disconnected context.
func (w *orderWorkflow) place(ctx workflow.Context) error {
	var q commerce.Quote
	err := workflow.ExecuteActivity(placementOptions(ctx), catalog.Quote, activities.QuoteInput{
		Items: w.in.Items, Currency: w.in.Currency, CouponCode: w.in.CouponCode,
	}).Get(ctx, &q)
	if err != nil {
		return err
	}
	if e := w.in.ExpectedTotal; e != nil && e.Currency != "" && *e != q.Payable {
		return failure.New(apperr.FailedPrecondition, fmt.Sprintf(
			"the total changed from %s to %s since you saw it; review your cart and check out again", *e, q.Payable))
	}
	undo := workflow.NewDisconnectedContext
	if q.CouponCode != "" {
		if err := workflow.ExecuteActivity(placementOptions(ctx), catalog.RedeemCoupon, q.CouponCode, w.in.OrderID).Get(ctx, nil); err != nil {
			return err
		}
	}
	releaseCoupon := func() {
		if q.CouponCode != "" {
			dctx, _ := undo(ctx)
			_ = mustRun(dctx, catalog.ReleaseCoupon, q.CouponCode, w.in.OrderID)
		}
	}
	if err := workflow.ExecuteActivity(placementOptions(ctx), catalog.ReserveStock, w.in.OrderID, q.Items()).Get(ctx, nil); err != nil {
		releaseCoupon()
		return err
	}
	now := workflow.Now(ctx)
	w.order = commerce.Order{
		ID: w.in.OrderID, UserID: w.in.UserID, Status: commerce.OrderPendingPayment, Quote: q,
		Refunded: money.New(0, q.Payable.Currency), Address: w.in.Address, CheckoutID: w.in.CheckoutID,
		CreatedAt: now, ExpiresAt: now.Add(w.in.Settings.PaymentTimeout),
	}
	if err := w.save(ctx); err != nil {
		dctx, _ := undo(ctx)
		_ = mustRun(dctx, catalog.ReleaseStock, w.in.OrderID)
		releaseCoupon()
		return err
	}
	return nil
}
