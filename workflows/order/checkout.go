package order

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/catalog"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
)

// registerCheckoutUpdates installs the updates of the checkout phase.
func (w *lifecycle) registerCheckoutUpdates(ctx workflow.Context) error {
	open := func() error {
		if w.co.Status != commerce.CheckoutOpen {
			return temporalx.Refused("checkout %s is %s; only open checkouts change", w.in.CheckoutID, w.co.Status)
		}
		return nil
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateQuote, func(ctx workflow.Context) (Snapshot, error) {
		err := w.locked(ctx, func() error { return w.quote(ctx) })
		return w.snapshot(), temporalx.Encode(err)
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdatePlace, func(ctx workflow.Context, req PlaceRequest) (Snapshot, error) {
		err := w.locked(ctx, func() error { return w.place(ctx, req) })
		return w.snapshot(), temporalx.Encode(err)
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateModify,
		func(ctx workflow.Context, ch Changes) (Snapshot, error) {
			err := w.locked(ctx, func() error {
				if err := open(); err != nil {
					return err
				}
				if err := w.change(ctx, ch); err != nil {
					return err
				}
				return w.save(ctx, change{checkout: true})
			})
			return w.snapshot(), temporalx.Encode(err)
		},
		workflow.UpdateHandlerOptions{Validator: func(Changes) error { return temporalx.Encode(open()) }},
	); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateDelete,
		func(ctx workflow.Context) (Snapshot, error) {
			err := w.locked(ctx, func() error {
				if err := open(); err != nil {
					return err
				}
				w.co.Status = commerce.CheckoutDeleted
				w.poke()
				return w.save(ctx, change{checkout: true})
			})
			return w.snapshot(), temporalx.Encode(err)
		},
		workflow.UpdateHandlerOptions{Validator: func() error { return temporalx.Encode(open()) }},
	)
}

// checkoutPhase waits until the checkout is placed, fails, is deleted, or
// stays open past its TTL (a draft; one timer, started only if the first
// request left the checkout open). It reports whether an order was
// placed.
func (w *lifecycle) checkoutPhase(ctx workflow.Context) bool {
	if w.awaitFirstRequest(ctx) != nil {
		return false
	}
	if w.co.Status == commerce.CheckoutOpen {
		left := w.co.ExpiresAt.Sub(workflow.Now(ctx))
		expired, err := w.until(ctx, left, "checkout window", func() bool { return w.co.Status != commerce.CheckoutOpen })
		if err != nil {
			return false
		}
		if expired {
			_ = w.locked(ctx, func() error {
				if w.co.Status != commerce.CheckoutOpen {
					return nil
				}
				w.co.Status, w.co.FailureReason = commerce.CheckoutExpired, fmt.Sprintf("not placed within %s", w.in.Settings.CheckoutTTL)
				return w.save(ctx, change{checkout: true})
			})
		}
	}
	return w.co.Status == commerce.CheckoutPlaced
}

// awaitFirstRequest waits for the request the workflow was started with.
// It comes as an update in the first workflow task, but Temporal keeps an
// update only in memory until a workflow task accepts it: when that task
// is lost (its worker killed, or starved past the task's timeout), the
// update can be lost with it, although the task's local activities may
// already have held the stock and charged the card. A customer whose
// answer was lost may not ask again. So a workflow started with a place
// request that has not seen it within the placement budget places the
// order itself, with that request: the placement's steps are idempotent
// (by order id and charge key), so it takes over whatever the lost task
// did instead of leaving it orphaned.
//
// The timer costs two history events, so it is started only when the
// request is not on its way: the update's handler is started when it is
// registered, before this coroutine runs, so after one yield (a coroutine
// of its own that runs after the handler's) the request has begun
// (status set, or the handler waiting for the mutex) or did not come with
// this task.
func (w *lifecycle) awaitFirstRequest(ctx workflow.Context) error {
	requested := func() bool { return w.co.Status != "" && w.busy == 0 }
	if w.in.Place == nil {
		return workflow.Await(ctx, requested)
	}
	yielded := false
	workflow.Go(ctx, func(workflow.Context) { yielded = true })
	if err := workflow.Await(ctx, func() bool { return yielded }); err != nil {
		return err
	}
	if w.co.Status != "" || w.busy > 0 {
		return workflow.Await(ctx, requested)
	}
	lost, err := w.until(ctx, w.in.Settings.PlacementBudget, "first request", requested)
	if err != nil || !lost {
		return err
	}
	log := workflow.GetLogger(ctx)
	log.Warn("the checkout's first request did not arrive; placing the order it asked for",
		"checkout", w.in.CheckoutID, "order", w.in.OrderID)
	for {
		err := w.locked(ctx, func() error { return w.place(ctx, *w.in.Place) })
		if err == nil || w.co.Status != commerce.CheckoutOpen || !apperr.Is(temporalx.Decode(err), apperr.Unavailable) {
			if err != nil {
				log.Warn("the checkout's own placement was refused", "checkout", w.in.CheckoutID, "error", err)
			}
			return workflow.Await(ctx, requested)
		}
		// An outage: try again, as the customer would, while the checkout
		// is open.
		left := w.co.ExpiresAt.Sub(workflow.Now(ctx))
		if left <= 0 {
			return nil
		}
		if _, err := w.until(ctx, min(left, w.in.Settings.PlacementBudget), "retry the placement",
			func() bool { return w.co.Status != commerce.CheckoutOpen }); err != nil || w.co.Status != commerce.CheckoutOpen {
			return err
		}
	}
}

// until waits until done or d passes, with one timer carrying summary
// that is cancelled when done comes first. It reports whether the time
// passed.
func (w *lifecycle) until(ctx workflow.Context, d time.Duration, summary string, done func() bool) (bool, error) {
	tctx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	fired := false
	timer := workflow.NewTimerWithOptions(tctx, d, workflow.TimerOptions{Summary: summary})
	workflow.Go(tctx, func(ctx workflow.Context) {
		if timer.Get(ctx, nil) == nil {
			fired = true
		}
	})
	err := workflow.Await(ctx, func() bool { return fired || done() })
	return fired && !done(), err
}

// begin creates the open checkout on the first request.
func (w *lifecycle) begin(ctx workflow.Context) {
	if w.co.Status != "" {
		return
	}
	now := workflow.Now(ctx)
	in := w.in
	w.co = commerce.Checkout{
		ID: in.CheckoutID, UserID: in.UserID, IdempotencyKey: in.IdempotencyKey, Status: commerce.CheckoutOpen,
		Address: in.Address, Currency: in.Currency, Card: in.Card,
		CreatedAt: now, ExpiresAt: now.Add(in.Settings.CheckoutTTL),
	}
	w.co.Quote.CouponCode = in.CouponCode
}

// quote answers a draft: the open checkout, priced. A first pricing that
// is refused (an empty cart, an unknown coupon) fails the checkout.
func (w *lifecycle) quote(ctx workflow.Context) error {
	w.begin(ctx)
	if w.co.Status != commerce.CheckoutOpen || w.co.Quote.Payable.Currency != "" {
		return w.refusal()
	}
	deadline := workflow.Now(ctx).Add(w.in.Settings.PlacementBudget)
	if err := w.price(ctx, deadline); err != nil {
		return w.failCheckout(ctx, err)
	}
	return w.save(ctx, change{checkout: true})
}

// refusal is the answer to a request of a checkout that has ended: the
// same as the first request's.
func (w *lifecycle) refusal() error {
	if w.co.Status == commerce.CheckoutFailed {
		return w.co.Refusal()
	}
	return nil
}

// change applies changes to the open checkout and prices it again; on
// failure the checkout keeps its previous state.
func (w *lifecycle) change(ctx workflow.Context, ch Changes) error {
	prev := w.co
	w.apply(ch)
	if err := w.price(ctx, workflow.Now(ctx).Add(w.in.Settings.PlacementBudget)); err != nil {
		w.co = prev
		return temporalx.Decode(err)
	}
	return nil
}

// apply sets the checkout's fields that ch changes.
func (w *lifecycle) apply(ch Changes) {
	if ch.Address != nil {
		w.co.Address = *ch.Address
	}
	if ch.Currency != nil {
		w.co.Currency = *ch.Currency
	}
	if ch.CouponCode != nil {
		w.co.Quote.CouponCode = *ch.CouponCode
	}
}

// differ reports whether the changes would change the checkout.
func (w *lifecycle) differ(ch Changes) bool {
	return ch.Address != nil && *ch.Address != w.co.Address ||
		ch.Currency != nil && *ch.Currency != w.co.Currency ||
		ch.CouponCode != nil && *ch.CouponCode != w.co.Quote.CouponCode
}

// price prices the cart (or the order's given items) into the checkout.
func (w *lifecycle) price(ctx workflow.Context, deadline time.Time) error {
	var q commerce.Quote
	err := workflow.ExecuteLocalActivity(placementOptions(ctx, deadline), goods.PriceOrder, catalog.PriceInput{
		UserID: w.in.UserID, Items: w.in.Items, Currency: w.co.Currency, CouponCode: w.co.Quote.CouponCode,
	}).Get(ctx, &q)
	if err != nil {
		return err
	}
	w.co.Quote, w.co.Currency = q, q.Payable.Currency
	return nil
}

// failCheckout ends the checkout as FAILED for a business refusal, and
// answers the refusal; any other error is answered as a retryable
// outage, the checkout staying open for the same request again.
func (w *lifecycle) failCheckout(ctx workflow.Context, err error) error {
	if !temporalx.IsBusiness(err) {
		return apperr.Errorf(apperr.Unavailable, "the order could not be placed now; send the same request again: %v", temporalx.Decode(err))
	}
	reason := temporalx.Decode(err)
	w.co.Status, w.co.FailureReason, w.co.FailureKind = commerce.CheckoutFailed, reason.Error(), apperr.KindOf(reason)
	w.poke()
	if serr := w.save(ctx, change{checkout: true}); serr != nil {
		return serr
	}
	return reason
}

// place places the order: it applies the request's changes, prices,
// holds the stock and the coupon (all or nothing), charges the card and
// records the order as PENDING_PAYMENT, answering within the placement
// budget. A business refusal (sold out, a price that changed) fails the
// checkout; an outage leaves it open for the same request again, with
// whatever was held released.
func (w *lifecycle) place(ctx workflow.Context, req PlaceRequest) error {
	w.begin(ctx)
	switch w.co.Status {
	case commerce.CheckoutPlaced:
		return nil // a repeated request gets the same answer
	case commerce.CheckoutOpen:
	default:
		if err := w.refusal(); err != nil {
			return err
		}
		return temporalx.Refused("checkout %s is %s", w.co.ID, w.co.Status)
	}
	deadline := workflow.Now(ctx).Add(w.in.Settings.PlacementBudget)
	if w.co.Quote.Payable.Currency == "" {
		// The first request: its fields, then the first pricing.
		w.apply(req.Changes)
		if err := w.price(ctx, deadline); err != nil {
			// Refused: unless a lost run of this placement held items
			// (the customer emptied the cart since, say).
			if !temporalx.IsBusiness(err) || !w.tookOver(ctx, deadline) {
				return w.failCheckout(ctx, err)
			}
		}
	} else if w.differ(req.Changes) {
		if err := w.change(ctx, req.Changes); err != nil {
			return err
		}
	}
	if req.Card != nil {
		w.co.Card = req.Card
	}
	if err := w.co.Address.Validate(); err != nil {
		// The checkout stays open: the next request may bring an address.
		return apperr.InvalidArgf("the checkout has no address to deliver to: %v; send one", err)
	}
	if e := req.ExpectedPayable; e != nil && e.Currency != "" && *e != w.co.Quote.Payable {
		return w.failCheckout(ctx, temporalx.Refused("the payable amount is %s, not the %s you expected; review the checkout", w.co.Quote.Payable, *e))
	}
	if err := w.hold(ctx, deadline); err != nil {
		return err
	}
	w.createOrder(ctx)
	w.co.Status, w.co.OrderID = commerce.CheckoutPlaced, w.order.ID
	c := change{checkout: true, order: true}
	if w.order.Quote.Payable.Amount > 0 && w.co.Card != nil {
		a := w.pay.next(ctx, w.order, *w.co.Card)
		c.payment, c.paymentDetail = "created", fmt.Sprintf("%s card ending %s", a.p.Card.Brand, a.p.Card.Last4)
		if event, detail := w.charge(chargeNowOptions(ctx), a, true); event != "" {
			c.payment, c.paymentDetail = event, detail
		}
	}
	w.poke()
	trimmed := w.trimCart(ctx)
	var err error
	if w.order.Quote.Payable.Amount == 0 {
		err = w.paid(ctx, c) // nothing to charge (a 100% coupon, say)
	} else {
		err = w.recordCharge(ctx, c)
	}
	trimmed()
	return err
}

// hold redeems the coupon and reserves the stock. A refusal may come from
// a lost run of this placement that held other items (the cart changed
// since): the order takes them over (tookOver) and holds again. What may
// have happened (an answer that did not come) is released before
// answering.
func (w *lifecycle) hold(ctx workflow.Context, deadline time.Time) error {
	holdQuote := func() error {
		return workflow.ExecuteLocalActivity(placementOptions(ctx, deadline), goods.HoldOrder, w.in.OrderID, w.co.Quote).Get(ctx, nil)
	}
	err := holdQuote()
	if temporalx.IsBusiness(err) && w.tookOver(ctx, deadline) {
		err = holdQuote() // the held items: answered as held
	}
	switch {
	case err == nil:
		return nil
	case temporalx.IsBusiness(err):
		return w.failCheckout(ctx, err) // refused: nothing is held
	}
	dctx, _ := workflow.NewDisconnectedContext(ctx)
	if rerr := w.release(dctx, w.in.OrderID, w.co.Quote.CouponCode); rerr != nil {
		return rerr
	}
	return w.failCheckout(ctx, err)
}

// takeOverChange versions tookOver: before it, a refused first pricing
// or hold failed the checkout at once.
const takeOverChange = "take-over-lost-placement"

// tookOver makes the order the one a lost run of this placement held,
// when this run's pricing or hold was refused. That run's workflow task
// was lost after its local activities held the stock (and maybe charged
// the card: the charge's key is the payment id), and the cart changed
// before the placement ran again, or the lost run took the last units.
// The order is what the customer's request found: the held items, priced
// again without the stock check, for the same amount, so that the charge
// sent again under its key is the lost run's. It reports whether the
// checkout now quotes the held items; a hold it cannot take over (its
// products are no longer for sale) is released.
func (w *lifecycle) tookOver(ctx workflow.Context, deadline time.Time) bool {
	if workflow.GetVersion(ctx, takeOverChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false
	}
	var held []commerce.Item
	err := workflow.ExecuteLocalActivity(placementOptions(ctx, deadline), goods.HeldItems, w.in.OrderID).Get(ctx, &held)
	if err != nil || len(held) == 0 || commerce.SameItems(held, w.co.Quote.Items()) {
		return false
	}
	log := workflow.GetLogger(ctx)
	log.Warn("a lost run of the placement held other items than this run found; the order takes them over",
		"order", w.in.OrderID, "held", held)
	var q commerce.Quote
	err = workflow.ExecuteLocalActivity(placementOptions(ctx, deadline), goods.PriceOrder, catalog.PriceInput{
		UserID: w.in.UserID, Items: held, Currency: w.co.Currency, CouponCode: w.co.Quote.CouponCode, Held: true,
	}).Get(ctx, &q)
	if err != nil {
		log.Warn("the held items cannot be ordered; they are released", "order", w.in.OrderID, "error", err)
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		_ = w.release(dctx, w.in.OrderID, w.co.Quote.CouponCode)
		return false
	}
	w.co.Quote, w.co.Currency = q, q.Payable.Currency
	return true
}

// createOrder makes the order of the placed checkout, PENDING_PAYMENT.
func (w *lifecycle) createOrder(ctx workflow.Context) {
	now := workflow.Now(ctx)
	q := w.co.Quote
	w.order = &commerce.Order{
		ID: w.in.OrderID, UserID: w.in.UserID, Status: commerce.OrderPendingPayment, Quote: q,
		Refunded: money.New(0, q.Payable.Currency), Address: w.co.Address, CheckoutID: w.co.ID,
		CreatedAt: now, ExpiresAt: now.Add(w.in.Settings.PaymentWindow),
	}
}

// trimCartChange versions trimCart: before it, the trim was a local
// activity of the workflow task that placed the order.
const trimCartChange = "trim-cart-after-placement"

// trimCart takes the ordered units out of the customer's cart. It is an
// activity, not a local one: it starts only once the workflow task that
// priced and held the order is recorded. As a local activity of that task
// it could run and then be lost with the task (a worker killed before
// completing it); the task's next run priced the cart again, found it
// emptied, and failed a checkout whose stock was held and card charged.
// The answer does not wait for it (that would cost the customer another
// workflow task); the workflow ends only once it is done (trimming). The
// placement calls the wait it returns before answering: only a run from
// before the change (a local activity of the answering task) waits there.
func (w *lifecycle) trimCart(ctx workflow.Context) (wait func()) {
	if w.in.Items != nil {
		return func() {} // an order of given items has no cart
	}
	if workflow.GetVersion(ctx, trimCartChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		f := workflow.ExecuteLocalActivity(mustLocalOptions(ctx), goods.TrimCart, w.in.UserID, w.order.ID, w.order.Quote.Items())
		return func() { _ = f.Get(ctx, nil) }
	}
	f := workflow.ExecuteActivity(mustOptions(ctx), goods.TrimCart, w.in.UserID, w.order.ID, w.order.Quote.Items())
	w.trimming++
	workflow.Go(ctx, func(ctx workflow.Context) {
		_ = f.Get(ctx, nil) // retried until it is done
		w.trimming--
	})
	return func() {}
}

// release gives an order's stock and coupon back.
func (w *lifecycle) release(ctx workflow.Context, orderID, coupon string) error {
	return workflow.ExecuteActivity(mustOptions(ctx), goods.ReleaseOrder, orderID, coupon).Get(ctx, nil)
}
