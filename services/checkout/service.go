package checkout

import (
	"context"
	"errors"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/temporalx"
	orderwf "github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/search"
)

// Cards tokenizes cards and looks tokens up for an account (the payment
// service). Lookup answers NotFound for a token the account does not have.
type Cards interface {
	Tokenize(ctx context.Context, owner int64, card gateway.Card) (commerce.Card, error)
	Lookup(ctx context.Context, owner int64, token string) (commerce.Card, error)
}

// OrderStatus is the state of a checkout's order and its payment.
type OrderStatus struct {
	Order   commerce.OrderStatus
	Payment commerce.PaymentStatus
}

// Orders reads the state of orders (the order service).
type Orders interface {
	Status(ctx context.Context, orderID string) (OrderStatus, error)
}

// Settings are the checkout rules.
type Settings struct {
	// Order are the timing rules of the orders checkouts start.
	Order orderwf.Settings
	// Wait bounds the wait for a workflow's answer (config.Budgets).
	Wait time.Duration
	// CatalogCurrency is the currency coupons' amounts are in.
	CatalogCurrency string
}

// Service is the checkout API over the checkout workflows, their records,
// and coupons.
type Service struct {
	store    *Store
	temporal client.Client
	cards    Cards
	orders   Orders
	settings Settings
}

// NewService wires the checkout service.
func NewService(store *Store, temporal client.Client, cards Cards, orders Orders, settings Settings) *Service {
	return &Service{store: store, temporal: temporal, cards: cards, orders: orders, settings: settings}
}

// Request is a checkout request.
type Request struct {
	Key        string
	Address    commerce.Address
	Currency   string
	CouponCode string
	// Card or Token pays the order at once (at most one).
	Card            *gateway.Card
	Token           string
	Draft           bool
	ExpectedPayable *money.Money
}

// View is a checkout with the state of its order.
type View struct {
	Checkout commerce.Checkout
	Order    OrderStatus
}

func (r Request) validate() error {
	if err := commerce.CheckKey("idempotency_key", r.Key); err != nil {
		return err
	}
	switch {
	case r.Currency != "" && !money.ValidCurrency(r.Currency):
		return apperr.InvalidArgf("currency %q is not a supported ISO-4217 code", r.Currency)
	case r.Card != nil && r.Token != "":
		return apperr.InvalidArgf("give a card or a token, not both")
	case len(r.CouponCode) > 32:
		return apperr.InvalidArgf("coupon_code is longer than 32 characters")
	}
	if r.Address == (commerce.Address{}) {
		return nil // checked once it is known whether the checkout exists
	}
	return r.Address.Validate()
}

// changes are the fields the request sets. They matter when the checkout
// exists already: a draft placed by a later request takes its address,
// currency and coupon.
func (r Request) changes() orderwf.Changes {
	var ch orderwf.Changes
	if r.Address != (commerce.Address{}) {
		ch.Address = &r.Address
	}
	if r.Currency != "" {
		ch.Currency = &r.Currency
	}
	if r.CouponCode != "" {
		ch.CouponCode = &r.CouponCode
	}
	return ch
}

// Checkout prices the caller's cart and, unless it is a draft, places the
// order, answering once the order exists.
func (s *Service) Checkout(ctx context.Context, r Request) (View, error) {
	caller, err := authn.Caller(ctx)
	if err != nil {
		return View{}, err
	}
	if caller.UserID == 0 {
		return View{}, apperr.Preconditionf("checkout is for customer accounts")
	}
	if err := r.validate(); err != nil {
		return View{}, err
	}
	id := orderwf.CheckoutID(caller.UserID, r.Key)
	c, err := s.store.Get(ctx, id)
	switch {
	case err == nil && c.Status != commerce.CheckoutOpen && s.recorded(ctx, caller.UserID, r.Key, c.Status):
		return s.replay(ctx, c) // a repeat of a request that has its answer
	case err != nil && !errors.Is(err, ErrNotFound):
		return View{}, err
	case err != nil && !r.Draft && r.Address == (commerce.Address{}):
		// A new checkout that places at once needs an address; an open
		// one keeps its own unless the request sends another.
		return View{}, r.Address.Validate()
	}
	card, err := s.card(ctx, caller.UserID, r)
	if err != nil {
		return View{}, err
	}
	orderID := orderwf.OrderID(caller.UserID, r.Key)
	start := client.StartWorkflowOptions{
		ID:                    orderwf.WorkflowID(orderID),
		TaskQueue:             orderwf.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.CustomerId.ValueSet(caller.UserID),
			search.OrderId.ValueSet(orderID),
			search.CheckoutStatus.ValueSet(string(commerce.CheckoutOpen)),
		),
	}
	in := orderwf.Input{
		OrderRequest: commerce.OrderRequest{
			OrderID: orderID, UserID: caller.UserID, CheckoutID: id, Address: r.Address,
			Currency: r.Currency, CouponCode: r.CouponCode, Card: card,
		},
		IdempotencyKey: r.Key, Settings: s.settings.Order,
	}
	wctx, cancel := context.WithTimeout(ctx, s.settings.Wait)
	defer cancel()
	var snap orderwf.Snapshot
	if r.Draft {
		snap, err = temporalx.StartAndUpdate[orderwf.Snapshot](wctx, s.temporal, start, orderwf.WorkflowType, []any{in}, orderwf.UpdateQuote)
	} else {
		place := orderwf.PlaceRequest{Changes: r.changes(), Card: card, ExpectedPayable: r.ExpectedPayable}
		in.Place = &place
		snap, err = temporalx.StartAndUpdate[orderwf.Snapshot](wctx, s.temporal, start, orderwf.WorkflowType, []any{in},
			orderwf.UpdatePlace, place)
	}
	if errors.Is(err, temporalx.ErrClosed) {
		// The checkout has just ended: the same request gets the recorded
		// answer.
		if c, err = s.store.Get(ctx, id); err != nil {
			return View{}, err
		}
		return s.replay(ctx, c)
	}
	if err != nil {
		return View{}, err
	}
	return viewOf(snap), nil
}

// viewOf is the view of a workflow's answer, with its order's state.
func viewOf(snap orderwf.Snapshot) View {
	v := View{Checkout: snap.Checkout}
	if o := snap.Order; o != nil {
		v.Order = OrderStatus{Order: o.Status, Payment: o.PaymentStatus}
	}
	return v
}

// recorded reports whether the checkout's workflow has recorded status
// as the checkout's (its search attribute), so that the stored checkout
// is its answer. A row may be ahead of the workflow: a workflow task whose
// local activities wrote it can be lost (its worker killed, or starved
// past the task's timeout), and the task's rerun may end otherwise (the
// stock it found sold out is back, say). Search attributes change only
// with a completed task. When Temporal cannot say, the row answers.
func (s *Service) recorded(ctx context.Context, userID int64, key string, status commerce.CheckoutStatus) bool {
	resp, err := s.temporal.DescribeWorkflowExecution(ctx, orderwf.WorkflowID(orderwf.OrderID(userID, key)), "")
	if err != nil {
		return true
	}
	p := resp.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields()[search.CheckoutStatus.GetName()]
	var got string
	if p == nil || converter.GetDefaultDataConverter().FromPayload(p, &got) != nil {
		return false
	}
	return got == string(status)
}

// replay answers a request for a checkout that has ended as the first
// request was answered.
func (s *Service) replay(ctx context.Context, c commerce.Checkout) (View, error) {
	if c.Status == commerce.CheckoutFailed {
		return View{}, c.Refusal()
	}
	return s.view(ctx, c)
}

// card tokenizes the request's card for the caller, or looks up the
// caller's token. A token the caller does not have is the request's
// mistake, named without the token.
func (s *Service) card(ctx context.Context, owner int64, r Request) (*commerce.Card, error) {
	var c commerce.Card
	var err error
	switch {
	case r.Card != nil:
		c, err = s.cards.Tokenize(ctx, owner, *r.Card)
	case r.Token != "":
		c, err = s.cards.Lookup(ctx, owner, r.Token)
		if apperr.Is(err, apperr.NotFound) {
			return nil, apperr.InvalidArgf("payment_method.token: no such payment method of yours; tokenize the card again")
		}
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// view adds the order's state to a checkout.
func (s *Service) view(ctx context.Context, c commerce.Checkout) (View, error) {
	v := View{Checkout: c}
	if c.OrderID == "" {
		return v, nil
	}
	st, err := s.orders.Status(ctx, c.OrderID)
	if err != nil {
		return View{}, err
	}
	v.Order = st
	return v, nil
}

// Get returns one of the caller's checkouts.
func (s *Service) Get(ctx context.Context, id string) (View, error) {
	c, err := s.own(ctx, id)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, c)
}

// own returns a checkout the caller may see.
func (s *Service) own(ctx context.Context, id string) (commerce.Checkout, error) {
	if id == "" {
		return commerce.Checkout{}, apperr.InvalidArgf("checkout_id is required")
	}
	caller, err := authn.Caller(ctx)
	if err != nil {
		return commerce.Checkout{}, err
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return commerce.Checkout{}, err
	}
	if c.UserID != caller.UserID && !caller.Privileged() {
		return commerce.Checkout{}, apperr.Wrap(ErrNotFound, "no checkout %s", id)
	}
	return c, nil
}

// Update changes an open checkout's address, coupon or currency.
func (s *Service) Update(ctx context.Context, id string, ch orderwf.Changes) (View, error) {
	switch {
	case ch.Address != nil:
		if err := ch.Address.Validate(); err != nil {
			return View{}, err
		}
	case ch.Currency != nil && !money.ValidCurrency(*ch.Currency):
		return View{}, apperr.InvalidArgf("currency %q is not a supported ISO-4217 code", *ch.Currency)
	case ch.Address == nil && ch.Currency == nil && ch.CouponCode == nil:
		return View{}, apperr.InvalidArgf("nothing to update: set address, coupon_code or currency")
	}
	c, err := s.own(ctx, id)
	if err != nil {
		return View{}, err
	}
	out, err := s.update(ctx, c, orderwf.UpdateModify, ch)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, out)
}

// Delete abandons an open checkout.
func (s *Service) Delete(ctx context.Context, id string) error {
	c, err := s.own(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.update(ctx, c, orderwf.UpdateDelete)
	return err
}

func (s *Service) update(ctx context.Context, c commerce.Checkout, name string, args ...any) (commerce.Checkout, error) {
	ctx, cancel := context.WithTimeout(ctx, s.settings.Wait)
	defer cancel()
	snap, err := temporalx.Update[orderwf.Snapshot](ctx, s.temporal, orderwf.WorkflowID(orderwf.OrderID(c.UserID, c.IdempotencyKey)), "", name, args...)
	if errors.Is(err, temporalx.ErrClosed) {
		return commerce.Checkout{}, apperr.Preconditionf("checkout %s is %s; only open checkouts change", c.ID, c.Status)
	}
	return snap.Checkout, err
}
