package checkout

import (
	"cmp"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/search"
)

// CheckoutWorkflow prices a customer's cart into a checkout and, when asked
// (UpdatePlace), places the order. It returns the checkout's final
// snapshot: PLACED, FAILED, EXPIRED or DELETED.
func CheckoutWorkflow(ctx workflow.Context, in Input) (commerce.Checkout, error) {
	w := &checkoutWorkflow{in: in}
	if err := w.setup(ctx); err != nil {
		return commerce.Checkout{}, err
	}
	return w.run(ctx)
}

type checkoutWorkflow struct {
	in Input
	c  commerce.Checkout
	// quoted is set once the first quote is done; failErr is why the
	// checkout failed.
	quoted  bool
	failErr error
	queue   []*request
	// attempted is set once PlaceOrder was called: the order may exist
	// even when no answer came.
	attempted bool
}

type request struct {
	modify *Changes
	place  *PlaceRequest
	del    bool
	done   bool
	err    error
}

func (w *checkoutWorkflow) setup(ctx workflow.Context) error {
	if err := commerce.CheckKey("idempotency_key", w.in.IdempotencyKey); err != nil {
		return temporalx.Encode(err)
	}
	switch {
	case w.in.CheckoutID == "" || w.in.UserID <= 0:
		return temporalx.New(apperr.InvalidArgument, "checkout id and user id are required")
	case w.in.TTL <= 0:
		return temporalx.New(apperr.InvalidArgument, "the checkout TTL must be positive")
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (commerce.Checkout, error) { return w.c, nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateQuote, func(ctx workflow.Context) (commerce.Checkout, error) {
		err := workflow.Await(ctx, func() bool { return w.quoted || w.failErr != nil })
		return w.c, temporalx.Encode(cmp.Or(err, w.failErr))
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdatePlace, func(ctx workflow.Context, req PlaceRequest) (commerce.Checkout, error) {
		if err := workflow.Await(ctx, func() bool { return w.quoted || w.failErr != nil }); err != nil {
			return w.c, err
		}
		switch w.c.Status {
		case commerce.CheckoutPlaced:
			return w.c, nil // a repeated request gets the same answer
		case commerce.CheckoutOpen:
			return w.submit(ctx, &request{place: &req})
		}
		return w.c, temporalx.Encode(cmp.Or(w.failErr, temporalx.Refused("checkout %s is %s", w.c.ID, w.c.Status)))
	}); err != nil {
		return err
	}
	open := func() error {
		if w.c.Status != commerce.CheckoutOpen {
			return temporalx.Refused("checkout %s is %s; only open checkouts change", w.c.ID, w.c.Status)
		}
		return nil
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateModify,
		func(ctx workflow.Context, ch Changes) (commerce.Checkout, error) {
			return w.submit(ctx, &request{modify: &ch})
		},
		workflow.UpdateHandlerOptions{Validator: func(Changes) error { return temporalx.Encode(open()) }},
	); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateDelete,
		func(ctx workflow.Context) (commerce.Checkout, error) { return w.submit(ctx, &request{del: true}) },
		workflow.UpdateHandlerOptions{Validator: func() error { return temporalx.Encode(open()) }},
	)
}

func (w *checkoutWorkflow) submit(ctx workflow.Context, r *request) (commerce.Checkout, error) {
	w.queue = append(w.queue, r)
	err := workflow.Await(ctx, func() bool { return r.done })
	return w.c, temporalx.Encode(cmp.Or(err, r.err))
}

func (w *checkoutWorkflow) run(ctx workflow.Context) (commerce.Checkout, error) {
	now := workflow.Now(ctx)
	w.c = commerce.Checkout{
		ID: w.in.CheckoutID, UserID: w.in.UserID, IdempotencyKey: w.in.IdempotencyKey,
		Status: commerce.CheckoutOpen, Address: w.in.Address, Currency: w.in.Currency,
		Card: w.in.Card, CreatedAt: now, ExpiresAt: now.Add(w.in.TTL),
	}
	w.c.Quote.CouponCode = w.in.CouponCode
	if err := w.requote(ctx); err != nil {
		return w.fail(ctx, err)
	}
	if err := w.save(ctx); err != nil {
		return w.c, err
	}
	w.quoted = true
	for w.c.Status == commerce.CheckoutOpen {
		left := w.c.ExpiresAt.Sub(workflow.Now(ctx))
		got, err := workflow.AwaitWithTimeout(ctx, max(left, 0), func() bool { return len(w.queue) > 0 })
		if err != nil {
			return w.c, err
		}
		if !got {
			if err := w.expire(ctx); err != nil {
				return w.c, err
			}
			break
		}
		r := w.queue[0]
		w.queue = w.queue[1:]
		w.handle(ctx, r)
	}
	for _, r := range w.queue {
		r.done = true
		if r.place == nil || w.c.Status != commerce.CheckoutPlaced {
			r.err = temporalx.Refused("checkout %s is %s", w.c.ID, w.c.Status)
		} // a repeated place request gets the same answer as the first
	}
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	if w.c.Status == commerce.CheckoutPlaced {
		w.trimCart(ctx)
	}
	return w.c, nil
}

func (w *checkoutWorkflow) handle(ctx workflow.Context, r *request) {
	defer func() { r.done = true }()
	switch {
	case r.del:
		w.c.Status = commerce.CheckoutDeleted
		r.err = w.save(ctx)
	case r.modify != nil:
		r.err = w.change(ctx, *r.modify)
	case r.place != nil:
		r.err = w.place(ctx, *r.place)
	}
}

// change applies changes and prices the checkout again; on failure the
// checkout keeps its previous state.
func (w *checkoutWorkflow) change(ctx workflow.Context, ch Changes) error {
	prev := w.c
	if ch.Address != nil {
		w.c.Address = *ch.Address
	}
	if ch.Currency != nil {
		w.c.Currency = *ch.Currency
	}
	if ch.CouponCode != nil {
		w.c.Quote.CouponCode = *ch.CouponCode
	}
	if err := w.requote(ctx); err != nil {
		w.c = prev
		return temporalx.Decode(err)
	}
	return w.save(ctx)
}

// requote prices the cart as it is now.
func (w *checkoutWorkflow) requote(ctx workflow.Context) error {
	var items []commerce.Item
	if err := workflow.ExecuteActivity(callerOptions(ctx), carts.CartItems, w.c.UserID).Get(ctx, &items); err != nil {
		return err
	}
	var q commerce.Quote
	err := workflow.ExecuteActivity(callerOptions(ctx), catalog.Quote, activities.QuoteInput{
		Items: items, Currency: w.c.Currency, CouponCode: w.c.Quote.CouponCode,
	}).Get(ctx, &q)
	if err != nil {
		return err
	}
	w.c.Quote = q
	w.c.Currency = q.Payable.Currency
	return nil
}

// place places the order. A business refusal fails the checkout; an
// outage leaves it open, so that the same request can be sent again (the
// order id is fixed, placement is idempotent).
func (w *checkoutWorkflow) place(ctx workflow.Context, req PlaceRequest) error {
	if req.Changes.differ(w.c) {
		if err := w.change(ctx, req.Changes); err != nil {
			return err
		}
	}
	if req.Card != nil {
		w.c.Card = req.Card
	}
	if err := w.c.Address.Validate(); err != nil {
		return temporalx.Encode(apperr.InvalidArgf("the checkout has no address to deliver to: %s; send one", err))
	}
	if e := req.ExpectedPayable; e != nil && e.Currency != "" && *e != w.c.Quote.Payable {
		return temporalx.Refused("the payable amount is %s, not the %s you expected; review the checkout", w.c.Quote.Payable, *e)
	}
	payable := w.c.Quote.Payable
	in := commerce.OrderRequest{
		OrderID: OrderID(w.c.ID), UserID: w.c.UserID, Items: w.c.Quote.Items(), Address: w.c.Address,
		Currency: w.c.Currency, CouponCode: w.c.Quote.CouponCode, Card: w.c.Card, CheckoutID: w.c.ID,
		ExpectedTotal: &payable,
	}
	var placed activities.PlacedOrder
	w.attempted = true
	err := workflow.ExecuteActivity(placeOptions(ctx), orders.PlaceOrder, in).Get(ctx, &placed)
	switch {
	case err != nil && temporalx.IsBusiness(err):
		_, _ = w.fail(ctx, err)
		return temporalx.Decode(err)
	case err != nil:
		return apperr.Errorf(apperr.Unavailable, "the order could not be placed now; send the same request again: %v", err)
	}
	w.c.Status, w.c.OrderID = commerce.CheckoutPlaced, placed.ID
	return w.save(ctx)
}

// expire ends an open checkout. When an earlier placement got no answer,
// the order may exist: it is looked up and, if there, the checkout is
// placed with it rather than left expired beside an order.
func (w *checkoutWorkflow) expire(ctx workflow.Context) error {
	if w.attempted {
		var o activities.PlacedOrder
		err := workflow.ExecuteActivity(cleanupOptions(ctx), orders.Order, OrderID(w.c.ID)).Get(ctx, &o)
		if err == nil {
			w.c.Status, w.c.OrderID = commerce.CheckoutPlaced, o.ID
			return w.save(ctx)
		}
		if !apperr.Is(temporalx.Decode(err), apperr.NotFound) {
			return err
		}
	}
	w.c.Status, w.c.FailureReason = commerce.CheckoutExpired, fmt.Sprintf("not placed within %s", w.in.TTL)
	return w.save(ctx)
}

// trimCart takes the ordered units out of the cart, after the caller has
// its answer.
func (w *checkoutWorkflow) trimCart(ctx workflow.Context) {
	err := workflow.ExecuteActivity(cleanupOptions(ctx), carts.RemoveOrderedItems, w.c.UserID, w.c.OrderID, w.c.Quote.Items()).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("could not trim the cart", "checkout", w.c.ID, "error", err)
	}
}

// fail ends the checkout as FAILED with the reason.
func (w *checkoutWorkflow) fail(ctx workflow.Context, err error) (commerce.Checkout, error) {
	w.failErr = temporalx.Decode(err)
	w.c.Status, w.c.FailureReason = commerce.CheckoutFailed, w.failErr.Error()
	if serr := w.save(ctx); serr != nil {
		return w.c, serr
	}
	return w.c, nil
}

// save records the checkout as a new version.
func (w *checkoutWorkflow) save(ctx workflow.Context) error {
	w.c.Version++
	w.c.UpdatedAt = workflow.Now(ctx)
	if err := workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), records.SaveCheckout, w.c).Get(ctx, nil); err != nil {
		return err
	}
	return workflow.UpsertTypedSearchAttributes(ctx, search.CheckoutStatus.ValueSet(string(w.c.Status)))
}
