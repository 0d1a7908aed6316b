package order

import (
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/records"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/telemetry"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/workflows/search"
)

// OrderLifecycle runs one customer purchase, phase by phase, and returns
// its final snapshot. A business refusal (sold out, a declined card, an
// expired checkout) ends it normally with a final business state; it fails
// only on a bug. An operator's cancel (`temporal workflow cancel`) releases
// what an unpaid order holds, as a customer's cancel would.
func OrderLifecycle(ctx workflow.Context, in Input) (Snapshot, error) {
	w, err := newLifecycle(ctx, in)
	if err != nil {
		return Snapshot{}, err
	}
	if w.checkoutPhase(ctx) && w.paymentPhase(ctx) {
		w.paidPeriod(ctx)
	}
	return w.end(ctx)
}

// lifecycle is an order's state across its phases. Update handlers and the
// main coroutine change it under mu, one at a time, so that each reads the
// state the previous one left.
type lifecycle struct {
	in Input
	mu workflow.Mutex
	// co is the checkout; order is nil until the order is placed.
	co    commerce.Checkout
	order *commerce.Order
	// pay is the payment attempts; refunds the refunds of a paid order.
	pay     attempts
	refunds refunds
	// committed is set once a paid order's stock is a sale.
	committed bool
	// events are gateway callbacks; wake tells the main coroutine that a
	// handler changed what it waits for.
	events workflow.ReceiveChannel
	wake   workflow.Channel
	// indexed are the search attribute values last upserted; counted the
	// states last counted in the metrics.
	indexed map[string]string
	counted counted
	// busy counts the sections running under mu: the main coroutine sets
	// its timers only when none is, so that it never starts a timer for a
	// state a handler is about to change.
	busy int
	// trimming counts the cart trims still running (see trimCart).
	trimming int
	// early are callbacks about payments not started yet, by payment id
	// (see keepEarly).
	early map[string]gateway.Charge
}

func newLifecycle(ctx workflow.Context, in Input) (*lifecycle, error) {
	if err := checkInput(in); err != nil {
		return nil, temporalx.Encode(err)
	}
	w := &lifecycle{
		in:      in,
		mu:      workflow.NewMutex(ctx),
		events:  workflow.GetSignalChannel(ctx, SignalGatewayEvent),
		wake:    workflow.NewChannel(ctx),
		indexed: map[string]string{},
	}
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (Snapshot, error) { return w.snapshot(), nil }); err != nil {
		return nil, err
	}
	if err := w.registerCheckoutUpdates(ctx); err != nil {
		return nil, err
	}
	if err := w.registerOrderUpdates(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// checkInput refuses an input no request could have built.
func checkInput(in Input) error {
	s := in.Settings
	switch {
	case in.UserID <= 0 || in.OrderID == "" || in.CheckoutID == "":
		return apperr.InvalidArgf("an order needs its user, order id and checkout id")
	case s.CheckoutTTL <= 0 || s.PlacementBudget <= 0 || s.PaymentWindow <= 0 || s.ReconcileAfter <= 0 ||
		s.ChargeTimeout <= 0 || s.RefundWindow < 0:
		return apperr.InvalidArgf("the order settings need positive durations: %+v", s)
	case in.Items != nil:
		return in.OrderRequest.Validate() // the order service's own check
	}
	return nil
}

// snapshot is the workflow's state as callers see it.
func (w *lifecycle) snapshot() Snapshot {
	s := Snapshot{Checkout: w.co}
	if w.order != nil {
		o := *w.order
		s.Order = &o
	}
	if a := w.pay.cur; a != nil {
		p := a.p
		s.Payment = &p
	}
	if r := w.refunds.cur; r != nil {
		rf := r.r
		s.Refund = &rf
	}
	return s
}

// change is what one transition changed, to be recorded.
type change struct {
	checkout, order bool
	// payment is the payment log's event when the payment changed.
	payment, paymentDetail string
	refund                 bool
}

// save records a transition in the read models (one local activity) and,
// when a status changed, in the search attributes (one upsert). Each
// changed snapshot becomes a new version.
func (w *lifecycle) save(ctx workflow.Context, c change) error {
	now := workflow.Now(ctx)
	var s records.Snapshot
	if c.checkout {
		w.co.Version++
		w.co.UpdatedAt = now
		co := w.co
		s.Checkout = &co
	}
	if c.payment != "" && w.pay.cur != nil {
		p := &w.pay.cur.p
		p.Version++
		p.UpdatedAt = now
		s.Payment = &records.PaymentChange{Payment: *p, Event: c.payment, Detail: c.paymentDetail}
	}
	if c.refund && w.refunds.cur != nil {
		r := &w.refunds.cur.r
		r.Version++
		r.UpdatedAt = now
		rf := *r
		s.Refund = &rf
	}
	if (c.order || c.payment != "" || c.refund) && w.order != nil {
		if a := w.pay.cur; a != nil {
			w.order.PaymentID, w.order.PaymentStatus = a.p.ID, a.p.Status
		}
		w.order.Version++
		w.order.UpdatedAt = now
		o := *w.order
		s.Order = &o
	}
	if err := workflow.ExecuteLocalActivity(temporalx.ReadModelOptions(ctx), rec.RecordTransition, s).Get(ctx, nil); err != nil {
		return err
	}
	w.count(ctx)
	return w.index(ctx)
}

// counted are the states the metrics last counted.
type counted struct {
	order           commerce.OrderStatus
	payment, refund string // the id of the last counted attempt or refund
	paymentOutcome  commerce.PaymentStatus
	refundOutcome   commerce.RefundStatus
}

// count records the business metrics of a transition through the SDK's
// metrics handler, which counts nothing during a replay: order
// transitions, settled payments, settled refunds.
func (w *lifecycle) count(ctx workflow.Context) {
	m := workflow.GetMetricsHandler(ctx)
	if o := w.order; o != nil && o.Status != w.counted.order {
		from := string(w.counted.order)
		if from == "" {
			from = "NEW"
		}
		m.WithTags(map[string]string{"from": from, "to": string(o.Status)}).Counter(telemetry.OrderTransitions).Inc(1)
		w.counted.order = o.Status
	}
	if a := w.pay.cur; a != nil && a.p.Status.Settled() && (a.p.ID != w.counted.payment || a.p.Status != w.counted.paymentOutcome) &&
		(a.p.Status == commerce.PaymentSucceeded || a.p.Status == commerce.PaymentFailed || a.p.Status == commerce.PaymentCancelled) {
		m.WithTags(map[string]string{"outcome": string(a.p.Status)}).Counter(telemetry.Payments).Inc(1)
		w.counted.payment, w.counted.paymentOutcome = a.p.ID, a.p.Status
	}
	if r := w.refunds.cur; r != nil && r.r.Status != commerce.RefundPending && (r.r.ID != w.counted.refund || r.r.Status != w.counted.refundOutcome) {
		m.WithTags(map[string]string{"outcome": string(r.r.Status)}).Counter(telemetry.Refunds).Inc(1)
		w.counted.refund, w.counted.refundOutcome = r.r.ID, r.r.Status
	}
}

// index upserts the search attributes whose values changed.
func (w *lifecycle) index(ctx workflow.Context) error {
	var updates []temporal.SearchAttributeUpdate
	set := func(key temporal.SearchAttributeKeyKeyword, v string) {
		if v != "" && w.indexed[key.GetName()] != v {
			w.indexed[key.GetName()] = v
			updates = append(updates, key.ValueSet(v))
		}
	}
	set(search.CheckoutStatus, string(w.co.Status))
	if o := w.order; o != nil {
		set(search.OrderStatus, string(o.Status))
		set(search.PaymentStatus, string(o.PaymentStatus))
		if w.indexed[search.OrderTotal.GetName()] == "" {
			w.indexed[search.OrderTotal.GetName()] = "set"
			updates = append(updates, search.OrderTotal.ValueSet(o.Quote.Payable.Amount))
			set(search.OrderCurrency, o.Quote.Payable.Currency)
		}
	}
	if len(updates) == 0 {
		return nil
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

// locked runs f under the workflow's mutex, after taking in the gateway
// events delivered so far: a request handled now sees every callback that
// arrived before it (a payment declined a moment ago is settled before a
// new one is asked for).
func (w *lifecycle) locked(ctx workflow.Context, f func() error) error {
	w.busy++
	defer func() { w.busy-- }()
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if err := w.takeEvents(ctx); err != nil {
		return err
	}
	return f()
}

// takeEvents applies the gateway events delivered so far.
func (w *lifecycle) takeEvents(ctx workflow.Context) error {
	for {
		var ev gateway.Event
		if !w.events.ReceiveAsync(&ev) {
			return nil
		}
		if err := w.applyEvent(ctx, ev); err != nil {
			return err
		}
	}
}

// applyEvent settles the charge or refund an event is about; events about
// other (older) charges and repeats change nothing.
func (w *lifecycle) applyEvent(ctx workflow.Context, ev gateway.Event) error {
	switch {
	case ev.Charge != nil:
		return w.chargeSettled(ctx, *ev.Charge, "webhook", "event "+ev.ID+": "+ev.Type)
	case ev.Refund != nil:
		return w.refundSettled(ctx, *ev.Refund, "event "+ev.ID+": "+ev.Type)
	}
	return nil
}

// settled waits until no section runs under the mutex.
func (w *lifecycle) settled(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return w.busy == 0 })
}

// poke tells the main coroutine that a handler changed the state it
// waits on.
func (w *lifecycle) poke() { w.wake.SendAsync(struct{}{}) }

// end waits for the handlers to finish, then returns the final snapshot.
// After an operator's cancel it first leaves the order in a final state.
func (w *lifecycle) end(ctx workflow.Context) (Snapshot, error) {
	if ctx.Err() != nil {
		return w.abort(ctx)
	}
	_ = workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && w.trimming == 0 })
	return w.snapshot(), nil
}
