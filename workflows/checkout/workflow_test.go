package checkout_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/services/checkout"
	checkoutwf "github.com/tempomall/tempomall/workflows/checkout"
)

// These tests run the checkout workflow in Temporal's test environment.
// Checkout records go to the real store on SQLite; the cart, the catalog
// and the order service are small in-memory behaviours (the end-to-end
// tests run them for real).

type shop struct {
	mu      sync.Mutex
	cart    []commerce.Item
	placed  []commerce.OrderRequest
	trimmed int
	quotes  int
	// placeErr is what PlaceOrder answers, when set; with lostReply the
	// order is placed all the same (the answer is what got lost).
	placeErr  error
	lostReply bool
}

func (s *shop) cartItems(context.Context, int64) ([]commerce.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]commerce.Item(nil), s.cart...), nil
}

func (s *shop) trim(context.Context, int64, string, []commerce.Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trimmed++
	s.cart = nil
	return nil
}

func (s *shop) quote(_ context.Context, in activities.QuoteInput) (commerce.Quote, error) {
	s.mu.Lock()
	s.quotes++
	s.mu.Unlock()
	pin := pricing.Input{
		Items: in.Items, Currency: in.Currency, CatalogCurrency: "USD", Now: time.Now(),
		Products: map[int64]commerce.Product{1: {ID: 1, Name: "Mug", Price: money.New(1250, "USD"), Active: true, Available: 10}},
		Rates:    map[string]string{"USD": "1", "CNY": "7.1"},
	}
	if in.CouponCode != "" {
		pin.Coupon = &pricing.Coupon{Code: in.CouponCode, Kind: pricing.Percent, PercentOff: 10}
	}
	q, err := pricing.Price(pin)
	return q, temporalx.Encode(err)
}

func (s *shop) placeOrder(_ context.Context, in commerce.OrderRequest) (activities.PlacedOrder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.placeErr != nil && !s.lostReply {
		return activities.PlacedOrder{}, s.placeErr
	}
	if len(s.placed) == 0 || s.placed[len(s.placed)-1].OrderID != in.OrderID {
		s.placed = append(s.placed, in)
	}
	if s.placeErr != nil {
		return activities.PlacedOrder{}, s.placeErr
	}
	return activities.PlacedOrder{ID: in.OrderID}, nil
}

func (s *shop) order(_ context.Context, id string) (activities.PlacedOrder, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.placed {
		if p.OrderID == id {
			return activities.PlacedOrder{ID: id}, nil
		}
	}
	return activities.PlacedOrder{}, temporalx.Encode(apperr.NotFoundf("no order %s", id))
}

type env struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	shop  *shop
	store *checkout.Store
}

func newEnv(t *testing.T) *env {
	var suite testsuite.WorkflowTestSuite
	e := &env{t: t, env: suite.NewTestWorkflowEnvironment(), shop: &shop{cart: []commerce.Item{{ProductID: 1, Quantity: 2}}}}
	e.env.SetTestTimeout(30 * time.Second)
	e.store = checkout.NewStore(dbtest.Open(t, "checkout", checkout.Migrations), cache.NewMemory(100))
	e.env.RegisterWorkflow(checkoutwf.CheckoutWorkflow)
	e.env.RegisterActivity(&activities.Records{Checkouts: e.store})
	carts, catalog, orders := &activities.Carts{}, &activities.Catalog{}, &activities.Orders{}
	e.env.RegisterActivity(carts)
	e.env.RegisterActivity(catalog)
	e.env.RegisterActivity(orders)
	e.env.OnActivity(carts.CartItems, mock.Anything, mock.Anything).Return(e.shop.cartItems).Maybe()
	e.env.OnActivity(carts.RemoveOrderedItems, mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(e.shop.trim).Maybe()
	e.env.OnActivity(catalog.Quote, mock.Anything, mock.Anything).Return(e.shop.quote).Maybe()
	e.env.OnActivity(orders.PlaceOrder, mock.Anything, mock.Anything).Return(e.shop.placeOrder).Maybe()
	e.env.OnActivity(orders.Order, mock.Anything, mock.Anything).Return(e.shop.order).Maybe()
	return e
}

var addr = commerce.Address{Recipient: "Ada", Street: "1 Main St", City: "London", Country: "GB"}

func input() checkoutwf.Input {
	return checkoutwf.Input{
		CheckoutID: checkoutwf.ID(7, "k1"), UserID: 7, IdempotencyKey: "k1", Address: addr, TTL: 30 * time.Minute,
	}
}

type result struct {
	done, rejected bool
	c              commerce.Checkout
	err            error
}

func (e *env) update(name string, out *result, args ...any) {
	e.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { out.rejected, out.err = true, err },
		OnComplete: func(v any, err error) {
			out.done, out.err = true, err
			if c, ok := v.(commerce.Checkout); ok {
				out.c = c
			}
		},
	}, args...)
}

func (e *env) at(d time.Duration, f func()) { e.env.RegisterDelayedCallback(f, d) }

func (e *env) final() commerce.Checkout {
	e.t.Helper()
	var c commerce.Checkout
	if err := e.env.GetWorkflowResult(&c); err != nil {
		e.t.Fatalf("workflow: %v", err)
	}
	stored, err := e.store.Get(context.Background(), c.ID)
	if err != nil || stored.Status != c.Status || stored.Version != c.Version {
		e.t.Errorf("record %+v, %v; workflow %s v%d", stored.Status, err, c.Status, c.Version)
	}
	return c
}

func kind(err error) apperr.Kind { return apperr.KindOf(temporalx.Decode(err)) }

func TestPlaceTwiceOneOrder(t *testing.T) {
	e := newEnv(t)
	var first, second result
	e.at(0, func() {
		e.update(checkoutwf.UpdatePlace, &first, checkoutwf.PlaceRequest{})
		e.update(checkoutwf.UpdatePlace, &second, checkoutwf.PlaceRequest{})
	})
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	for name, r := range map[string]result{"first": first, "second": second} {
		if !r.done || r.err != nil || r.c.Status != commerce.CheckoutPlaced || r.c.OrderID != checkoutwf.OrderID(input().CheckoutID) {
			t.Errorf("%s place: %+v", name, r)
		}
	}
	if n := len(e.shop.placed); n != 1 {
		t.Errorf("%d orders placed, want 1", n)
	}
	placed := e.shop.placed[0]
	if placed.ExpectedTotal == nil || *placed.ExpectedTotal != money.New(2500, "USD") || placed.CheckoutID != input().CheckoutID {
		t.Errorf("PlaceOrder got %+v", placed)
	}
	c := e.final()
	if c.Status != commerce.CheckoutPlaced || e.shop.trimmed != 1 {
		t.Errorf("checkout %s, cart trimmed %d times", c.Status, e.shop.trimmed)
	}
}

func TestEmptyCartFails(t *testing.T) {
	e := newEnv(t)
	e.shop.cart = nil
	var place result
	e.at(0, func() { e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{}) })
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if kind(place.err) != apperr.FailedPrecondition {
		t.Errorf("place: %+v", place)
	}
	c := e.final()
	if c.Status != commerce.CheckoutFailed || c.FailureReason != "nothing to order: the cart is empty" || len(e.shop.placed) != 0 {
		t.Errorf("checkout %s %q, %d orders", c.Status, c.FailureReason, len(e.shop.placed))
	}
}

func TestDraftChangedThenPlaced(t *testing.T) {
	e := newEnv(t)
	var quote, modify, badCurrency, wrongTotal, place result
	cny, coupon := "CNY", "SAVE10"
	e.at(0, func() { e.update(checkoutwf.UpdateQuote, &quote) })
	e.at(time.Minute, func() {
		e.update(checkoutwf.UpdateModify, &modify, checkoutwf.Changes{Currency: &cny, CouponCode: &coupon})
		bad := "GBP"
		e.update(checkoutwf.UpdateModify, &badCurrency, checkoutwf.Changes{Currency: &bad})
	})
	e.at(2*time.Minute, func() {
		e.update(checkoutwf.UpdatePlace, &wrongTotal, checkoutwf.PlaceRequest{ExpectedPayable: &money.Money{Amount: 2500, Currency: "USD"}})
	})
	e.at(3*time.Minute, func() {
		e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{ExpectedPayable: &money.Money{Amount: 15975, Currency: "CNY"}})
	})
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())

	if quote.c.Status != commerce.CheckoutOpen || quote.c.Quote.Payable != money.New(2500, "USD") {
		t.Errorf("quote: %+v", quote)
	}
	// 12.50 USD * 7.1 = 88.75 CNY; x2 = 177.50; 10% off = 17.75 -> 159.75.
	if modify.err != nil || modify.c.Quote.Payable != money.New(15975, "CNY") || modify.c.Quote.ExchangeRate != "7.1" {
		t.Errorf("modify: %+v", modify)
	}
	if kind(badCurrency.err) != apperr.InvalidArgument {
		t.Errorf("unsupported currency: %+v", badCurrency)
	}
	if kind(wrongTotal.err) != apperr.FailedPrecondition || len(e.shop.placed) > 1 {
		t.Errorf("place with a stale total: %+v", wrongTotal)
	}
	if place.err != nil || place.c.Status != commerce.CheckoutPlaced {
		t.Errorf("place: %+v", place)
	}
	if p := e.shop.placed; len(p) != 1 || p[0].Currency != "CNY" || p[0].CouponCode != "SAVE10" {
		t.Errorf("placed %+v", p)
	}
}

// TestDraftPlacedWithTheRequestsFields places a draft made without an
// address by a request that brings one: the order gets it. A place request
// that repeats the checkout's fields prices nothing again.
func TestDraftPlacedWithTheRequestsFields(t *testing.T) {
	e := newEnv(t)
	var place result
	in := input()
	in.Address = commerce.Address{}
	usd := "USD"
	e.at(time.Minute, func() {
		e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{Changes: checkoutwf.Changes{Address: &addr, Currency: &usd}})
	})
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, in)
	if place.err != nil || place.c.Status != commerce.CheckoutPlaced || place.c.Address != addr {
		t.Fatalf("place: %+v", place)
	}
	if p := e.shop.placed; len(p) != 1 || p[0].Address != addr {
		t.Errorf("placed %+v, want the request's address", p)
	}
	if e.shop.quotes != 2 {
		t.Errorf("%d quotes, want 2: the draft's and the new address's", e.shop.quotes)
	}

	same := newEnv(t)
	same.at(time.Minute, func() {
		same.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{Changes: checkoutwf.Changes{Address: &addr}})
	})
	same.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if place.err != nil || same.shop.quotes != 1 {
		t.Errorf("place with the checkout's own address: %v after %d quotes, want 1", place.err, same.shop.quotes)
	}
}

func TestDraftExpiresAndDeleteEnds(t *testing.T) {
	e := newEnv(t)
	var quote result
	e.at(0, func() { e.update(checkoutwf.UpdateQuote, &quote) })
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if c := e.final(); c.Status != commerce.CheckoutExpired {
		t.Errorf("draft left open: %s", c.Status)
	}

	e = newEnv(t)
	var del result
	e.at(0, func() { e.update(checkoutwf.UpdateQuote, &quote) })
	e.at(time.Minute, func() { e.update(checkoutwf.UpdateDelete, &del) })
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if del.err != nil || del.c.Status != commerce.CheckoutDeleted {
		t.Errorf("delete: %+v", del)
	}
	if c := e.final(); c.Status != commerce.CheckoutDeleted || len(e.shop.placed) != 0 {
		t.Errorf("deleted checkout %s, %d orders", c.Status, len(e.shop.placed))
	}
}

func TestPlacementRefusedOrUnavailable(t *testing.T) {
	e := newEnv(t)
	e.shop.placeErr = temporalx.Encode(apperr.Preconditionf("cannot order: Mug: 2 requested, 1 in stock"))
	var place result
	e.at(0, func() { e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{}) })
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if kind(place.err) != apperr.FailedPrecondition {
		t.Errorf("place: %+v", place)
	}
	if c := e.final(); c.Status != commerce.CheckoutFailed || c.FailureReason != "cannot order: Mug: 2 requested, 1 in stock" || e.shop.trimmed != 0 {
		t.Errorf("checkout %s %q, trimmed %d", c.Status, c.FailureReason, e.shop.trimmed)
	}

	// An outage leaves the checkout open: the same request may come again.
	e = newEnv(t)
	e.shop.placeErr = errors.New("order service unreachable")
	var retry result
	e.at(0, func() { e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{}) })
	e.at(5*time.Minute, func() {
		e.shop.mu.Lock()
		e.shop.placeErr = nil
		e.shop.mu.Unlock()
		e.update(checkoutwf.UpdatePlace, &retry, checkoutwf.PlaceRequest{})
	})
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if kind(place.err) != apperr.Unavailable {
		t.Errorf("place during an outage: %+v", place)
	}
	if retry.err != nil || retry.c.Status != commerce.CheckoutPlaced {
		t.Errorf("retry: %+v", retry)
	}
}

func TestExpiredCheckoutAdoptsAnOrderWhoseAnswerWasLost(t *testing.T) {
	e := newEnv(t)
	e.shop.placeErr, e.shop.lostReply = errors.New("order service timed out"), true
	var place result
	e.at(0, func() { e.update(checkoutwf.UpdatePlace, &place, checkoutwf.PlaceRequest{}) })
	e.env.ExecuteWorkflow(checkoutwf.CheckoutWorkflow, input())
	if kind(place.err) != apperr.Unavailable {
		t.Errorf("place: %+v", place)
	}
	c := e.final() // the customer never sent the request again
	if c.Status != commerce.CheckoutPlaced || c.OrderID != checkoutwf.OrderID(c.ID) || e.shop.trimmed != 1 {
		t.Errorf("checkout %s with order %q, cart trimmed %d times", c.Status, c.OrderID, e.shop.trimmed)
	}
}
