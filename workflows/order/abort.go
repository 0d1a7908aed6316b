package order

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/internal/commerce"
)

// abort runs when the workflow itself is cancelled (an operator's
// `temporal workflow cancel`). In a disconnected context (the workflow's
// own is cancelled) it leaves the purchase in a final business state: an
// open checkout is deleted (and anything a placement cut short may have
// held is released), an unpaid order is cancelled (its payment stopped,
// its stock and coupon released), and a paid order stays paid, its stock
// commit finished.
func (w *lifecycle) abort(ctx workflow.Context) (Snapshot, error) {
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	const reason = "cancelled by an operator"
	err := w.locked(dctx, func() error {
		switch {
		case w.order == nil && w.co.Status == commerce.CheckoutOpen:
			if err := w.release(dctx, w.in.OrderID, w.co.Quote.CouponCode); err != nil {
				return err
			}
			w.co.Status, w.co.FailureReason = commerce.CheckoutDeleted, reason
			return w.save(dctx, change{checkout: true})
		case w.order == nil:
			return nil
		case w.order.Status == commerce.OrderPendingPayment:
			return w.closeOrder(dctx, commerce.OrderCancelled, reason)
		case w.order.Status == commerce.OrderPaid && !w.committed:
			return w.paid(dctx, change{})
		}
		return nil
	})
	if err != nil {
		return w.snapshot(), err
	}
	return w.snapshot(), temporal.NewCanceledError()
}
