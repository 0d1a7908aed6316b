package order_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/tempomall/tempomall/activities/catalog"
	"github.com/tempomall/tempomall/activities/payments"
	"github.com/tempomall/tempomall/activities/records"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/services/checkout"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// These tests run the order lifecycle in Temporal's test environment, with
// time skipping. The unit under test is the workflow's logic: read-model
// writes go to the real stores on SQLite, while the product and cart
// services and the card network are small in-memory behaviours. The
// end-to-end tests (e2e/) run the same paths against the real services,
// the payment sandbox and a Temporal dev server.

var settings = orderwf.Settings{
	CheckoutTTL:     30 * time.Minute,
	PlacementBudget: 20 * time.Second,
	PaymentWindow:   15 * time.Minute,
	ReconcileAfter:  30 * time.Second,
	ChargeTimeout:   10 * time.Minute,
	RefundWindow:    24 * time.Hour,
}

// Card tokens of the fake card network.
const (
	tokOK      = "pm_ok"      // succeeds with a webhook
	tokDecline = "pm_decline" // declined with a webhook
	tokSilent  = "pm_silent"  // succeeds, never calls back
	tokHang    = "pm_hang"    // never settles
	tokInvalid = "pm_invalid" // refused by the gateway when charged
)

type harness struct {
	t         *testing.T
	env       *testsuite.TestWorkflowEnvironment
	orders    *order.Store
	payments  *payment.Store
	checkouts *checkout.Store
	stock     *inventory
	cards     *cardNetwork
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	h := &harness{
		t: t, env: env,
		orders:    order.NewStore(dbtest.Open(t, "order", order.Migrations)),
		payments:  payment.NewStore(dbtest.Open(t, "payment", payment.Migrations)),
		checkouts: checkout.NewStore(dbtest.Open(t, "checkout", checkout.Migrations), nil),
		stock:     newInventory(),
		cards:     &cardNetwork{charges: map[string]*gateway.Charge{}, refunds: map[string]*gateway.Refund{}},
	}
	env.RegisterWorkflowWithOptions(orderwf.OrderLifecycle, workflow.RegisterOptions{Name: orderwf.WorkflowType})
	env.RegisterActivity(&records.Records{Orders: h.orders, Payments: h.payments, Checkouts: h.checkouts})
	goods, gw := &catalog.Catalog{}, &payments.Payments{}
	env.RegisterActivity(goods)
	env.RegisterActivity(gw)
	any4 := []any{mock.Anything, mock.Anything, mock.Anything, mock.Anything}
	env.OnActivity(goods.PriceOrder, any4[:2]...).Return(h.stock.price).Maybe()
	env.OnActivity(goods.HoldOrder, any4[:3]...).Return(h.stock.hold).Maybe()
	env.OnActivity(goods.ReleaseOrder, any4[:3]...).Return(h.stock.release).Maybe()
	env.OnActivity(goods.HeldItems, any4[:2]...).Return(h.stock.heldItems).Maybe()
	env.OnActivity(goods.CommitStock, any4[:2]...).Return(h.stock.move("RESERVED", "COMMITTED")).Maybe()
	env.OnActivity(goods.ReturnStock, any4[:2]...).Return(h.stock.move("COMMITTED", "RETURNED")).Maybe()
	env.OnActivity(goods.TrimCart, any4...).Return(h.stock.trim).Maybe()
	env.OnActivity(gw.Charge, any4[:2]...).Return(h.cards.createCharge).Maybe()
	env.OnActivity(gw.GetCharge, any4[:2]...).Return(h.cards.getCharge).Maybe()
	env.OnActivity(gw.CancelCharge, any4[:3]...).Return(h.cards.cancelCharge).Maybe()
	env.OnActivity(gw.CreateRefund, any4[:2]...).Return(h.cards.createRefund).Maybe()
	env.OnActivity(gw.GetRefund, any4[:2]...).Return(h.cards.getRefund).Maybe()
	return h
}

var home = commerce.Address{Recipient: "Ada", Street: "1 Main St", City: "London", Country: "GB"}

// input starts the checkout of customer 7's cart (two mugs at 12.50 USD)
// with key; its order id is the key's.
func input(key string) orderwf.Input {
	return orderwf.Input{
		OrderRequest: commerce.OrderRequest{
			OrderID: orderwf.OrderID(7, key), CheckoutID: orderwf.CheckoutID(7, key), UserID: 7, Address: home,
		},
		IdempotencyKey: key,
		Settings:       settings,
	}
}

// card is a tokenized card.
func card(token string) *commerce.Card {
	return &commerce.Card{Token: token, Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}
}

// at runs f after d of (virtual) workflow time.
func (h *harness) at(d time.Duration, f func()) { h.env.RegisterDelayedCallback(f, d) }

// update sends an update and records its outcome.
func (h *harness) update(name string, out *updateResult, args ...any) {
	h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { out.rejected, out.err = true, err },
		OnComplete: func(v any, err error) {
			out.done, out.err = true, err
			if s, ok := v.(orderwf.Snapshot); ok {
				out.snap = s
			}
		},
	}, args...)
}

// placeAt places the checkout at d with a card (none for "").
func (h *harness) placeAt(d time.Duration, token string, out *updateResult) {
	req := orderwf.PlaceRequest{}
	if token != "" {
		req.Card = card(token)
	}
	h.at(d, func() { h.update(orderwf.UpdatePlace, out, req) })
}

type updateResult struct {
	done     bool
	rejected bool
	snap     orderwf.Snapshot
	err      error
}

// refusedAs reports whether the update was refused with kind, by its
// validator or by its handler.
func (r updateResult) refusedAs(kind apperr.Kind) bool {
	return r.err != nil && apperr.KindOf(temporalx.Decode(r.err)) == kind
}

// webhook signals the settled state of an order's latest charge, as the
// payment service's webhook endpoint would.
func (h *harness) webhook(orderID, eventID string) {
	ch := h.cards.chargeOf(orderID)
	if ch == nil {
		h.t.Errorf("no charge for %s", orderID)
		return
	}
	h.env.SignalWorkflow(orderwf.SignalGatewayEvent, gateway.Event{ID: eventID, Type: "charge." + string(ch.Status), Charge: ch})
}

// refundHook signals the settled state of a refund.
func (h *harness) refundHook(refundID, eventID string) {
	r := h.cards.settleRefund(refundID)
	if r == nil {
		h.t.Errorf("no refund %s", refundID)
		return
	}
	h.env.SignalWorkflow(orderwf.SignalGatewayEvent, gateway.Event{ID: eventID, Type: "refund." + string(r.Status), Refund: r})
}

// final returns the workflow's result.
func (h *harness) final() (orderwf.Snapshot, error) {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the workflow did not complete")
	}
	var s orderwf.Snapshot
	err := h.env.GetWorkflowResult(&s)
	return s, err
}

// finalOrder returns the workflow's final order, or fails the test.
func (h *harness) finalOrder() commerce.Order {
	h.t.Helper()
	s, err := h.final()
	if err != nil || s.Order == nil {
		h.t.Fatalf("final snapshot %+v, %v", s, err)
	}
	return *s.Order
}

func (h *harness) stored(id string) commerce.Order {
	h.t.Helper()
	o, err := h.orders.Get(context.Background(), id)
	if err != nil {
		h.t.Fatalf("orders table: %v", err)
	}
	return o
}

func (h *harness) paymentTrail(orderID string) string {
	h.t.Helper()
	logs, err := h.payments.Logs(context.Background(), orderID, "")
	if err != nil {
		h.t.Fatal(err)
	}
	var steps []string
	for _, l := range logs {
		steps = append(steps, string(l.ToStatus))
	}
	return strings.Join(steps, ">")
}

// inventory is the product and cart services as the workflow sees them:
// one product (a mug at 12.50 USD), its stock, coupons, and customer 7's
// cart of two mugs.
type inventory struct {
	mu           sync.Mutex
	available    int64
	cart         int64
	reservations map[string]string
	held         map[string]int64 // order id -> mugs reserved
	coupons      map[string]bool  // order id -> coupon in use
	// lostReplies makes holds and commits do their work but fail to
	// answer (a timeout: the caller cannot know the outcome).
	lostReplies bool
	// price is the mug's price.
	mugPrice int64
}

func newInventory() *inventory {
	return &inventory{available: 10, cart: 2, mugPrice: 1250, reservations: map[string]string{}, held: map[string]int64{}, coupons: map[string]bool{}}
}

func (s *inventory) set(f func(*inventory)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func (s *inventory) price(_ context.Context, in catalog.PriceInput) (commerce.Quote, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	items := in.Items
	if items == nil && s.cart > 0 {
		items = []commerce.Item{{ProductID: 1, Quantity: s.cart}}
	}
	pin := pricing.Input{
		Items: items, Currency: in.Currency, CatalogCurrency: "USD",
		Products: map[int64]commerce.Product{1: {ID: 1, Name: "Mug", Price: money.New(s.mugPrice, "USD"), Active: true, Available: s.available}},
		Rates:    map[string]string{"USD": "1", "CNY": "7.1"}, Now: time.Now(), Held: in.Held,
	}
	switch in.CouponCode {
	case "":
	case "NOPE":
		return commerce.Quote{}, temporalx.Encode(apperr.NotFoundf("no coupon NOPE"))
	default:
		pin.Coupon = &pricing.Coupon{Code: in.CouponCode, Kind: pricing.Percent, PercentOff: 10}
		if in.CouponCode == "FREE" {
			pin.Coupon.PercentOff = 100
		}
	}
	q, err := pricing.Price(pin)
	return q, temporalx.Encode(err)
}

func (s *inventory) hold(_ context.Context, orderID string, q commerce.Quote) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.CouponCode != "" {
		s.coupons[orderID] = true
	}
	var n int64
	for _, it := range q.Items() {
		n += it.Quantity
	}
	if _, ok := s.reservations[orderID]; ok && s.reservations[orderID] != "RELEASED" {
		if s.held[orderID] != n {
			// As the product service refuses a repeat with other items.
			return temporalx.Encode(apperr.Preconditionf("order %s already has a stock reservation for other items", orderID))
		}
		return s.reply()
	}
	if n > s.available {
		s.coupons[orderID] = false
		return temporalx.Encode(apperr.Preconditionf("Mug: %d requested, %d available", n, s.available))
	}
	s.available -= n
	s.reservations[orderID], s.held[orderID] = "RESERVED", n
	return s.reply()
}

func (s *inventory) heldItems(_ context.Context, orderID string) ([]commerce.Item, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reservations[orderID] != "RESERVED" {
		return nil, nil
	}
	return []commerce.Item{{ProductID: 1, Quantity: s.held[orderID]}}, nil
}

// lostHold is a hold that a lost run of a placement made: mugs reserved
// for the order.
func (s *inventory) lostHold(orderID string, mugs int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.available -= mugs
	s.reservations[orderID], s.held[orderID] = "RESERVED", mugs
}

// reply is what a call answers after doing its work (lock held).
func (s *inventory) reply() error {
	if s.lostReplies {
		return errors.New("reply lost")
	}
	return nil
}

func (s *inventory) release(_ context.Context, orderID, coupon string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reservations[orderID] == "RESERVED" {
		s.reservations[orderID] = "RELEASED"
		s.available += s.held[orderID]
	}
	if coupon != "" {
		s.coupons[orderID] = false
	}
	return nil
}

// move returns the behaviour of a stock transition from one state to
// another; a repeat is a no-op, anything else is refused.
func (s *inventory) move(from, to string) func(context.Context, string) error {
	return func(_ context.Context, orderID string) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch s.reservations[orderID] {
		case to:
			return nil
		case from:
			if to == "COMMITTED" && s.lostReplies {
				return errors.New("product service unreachable")
			}
			s.reservations[orderID] = to
			if to == "RETURNED" {
				s.available += s.held[orderID]
			}
			return nil
		}
		return temporalx.Encode(apperr.Preconditionf("reservation of %s is %s, not %s", orderID, s.reservations[orderID], from))
	}
}

func (s *inventory) trim(_ context.Context, userID int64, orderID string, items []commerce.Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cart = 0
	return nil
}

func (s *inventory) couponInUse(orderID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.coupons[orderID]
}

func (s *inventory) state(orderID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reservations[orderID]
}

// left is the mugs on hand, not reserved.
func (s *inventory) left() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.available
}

func (s *inventory) cartUnits() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cart
}

// cardNetwork is the fake card network behind the gateway activities:
// charges settle as their token says, at most one charge per idempotency
// key.
type cardNetwork struct {
	mu      sync.Mutex
	charges map[string]*gateway.Charge // by idempotency key
	refunds map[string]*gateway.Refund // by idempotency key
	sent    int
	// down makes the network unreachable: calls fail after doing their
	// work (the reply is lost), as a timeout would.
	down bool
	// refunded sums the refunds the network paid.
	refunded int64
	// replayed are the keys whose repeats answer the charge as it was
	// created (PROCESSING), as an idempotent API replays its first answer.
	replayed map[string]bool
}

// lostCharge is a charge that a lost run of a placement sent: created
// under the attempt's key, already settled, and answered to repeats as it
// was created.
func (c *cardNetwork) lostCharge(orderID string, attempt int, token string, amount int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := orderwf.PaymentID(orderID, attempt)
	c.sent++
	ch := settled(gateway.Charge{
		ID: fmt.Sprintf("ch_%d", c.sent), Amount: amount, Currency: "USD", PaymentMethod: token, Status: gateway.ChargeProcessing,
		Metadata: map[string]string{"order_id": orderID, "payment_id": key, "workflow_id": orderwf.WorkflowID(orderID)},
	})
	c.charges[key] = &ch
	if c.replayed == nil {
		c.replayed = map[string]bool{}
	}
	c.replayed[key] = true
}

// errLostReply is a transport failure: the caller cannot know the outcome.
var errLostReply = errors.New("gateway reply lost")

func (c *cardNetwork) setDown(down bool) {
	c.mu.Lock()
	c.down = down
	c.mu.Unlock()
}

func (c *cardNetwork) createCharge(_ context.Context, in payments.ChargeInput) (gateway.Charge, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in.Params.PaymentMethod == tokInvalid {
		return gateway.Charge{}, temporalx.Encode(apperr.InvalidArgf("card refused: no such payment method"))
	}
	if ch, ok := c.charges[in.Key]; ok {
		if ch.Amount != in.Params.Amount {
			// As the gateway answers a key used before for another request.
			return gateway.Charge{}, temporalx.Encode(apperr.Preconditionf("payment gateway refused: this Idempotency-Key was already used for a different request (idempotency_conflict)"))
		}
		if c.down {
			return gateway.Charge{}, errLostReply
		}
		out := *ch
		if c.replayed[in.Key] {
			out.Status = gateway.ChargeProcessing
		}
		return out, nil
	}
	c.sent++
	ch := &gateway.Charge{
		ID: fmt.Sprintf("ch_%d", c.sent), Amount: in.Params.Amount, Currency: in.Params.Currency,
		PaymentMethod: in.Params.PaymentMethod, Status: gateway.ChargeProcessing, Metadata: in.Params.Metadata,
	}
	c.charges[in.Key] = ch
	if c.down {
		return gateway.Charge{}, errLostReply
	}
	return *ch, nil
}

// settled is the state the network reports for a charge.
func settled(ch gateway.Charge) gateway.Charge {
	switch ch.PaymentMethod {
	case tokOK, tokSilent:
		ch.Status = gateway.ChargeSucceeded
	case tokDecline:
		ch.Status, ch.FailureCode, ch.FailureMessage = gateway.ChargeFailed, "card_declined", "Your card was declined."
	}
	return ch
}

func (c *cardNetwork) find(id string) *gateway.Charge {
	for _, ch := range c.charges {
		if ch.ID == id {
			return ch
		}
	}
	return nil
}

// settleCharge settles an order's charge at the network without a
// callback.
func (c *cardNetwork) settleCharge(orderID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.charges {
		if ch.Metadata["order_id"] == orderID {
			*ch = settled(*ch)
		}
	}
}

func (c *cardNetwork) getCharge(_ context.Context, id string) (gateway.Charge, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.find(id)
	if ch.Status == gateway.ChargeProcessing {
		*ch = settled(*ch)
	}
	return *ch, nil
}

func (c *cardNetwork) cancelCharge(_ context.Context, id, _ string) (gateway.Charge, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return gateway.Charge{}, errLostReply
	}
	ch := c.find(id)
	if ch.Status == gateway.ChargeProcessing && ch.PaymentMethod == tokHang {
		ch.Status = gateway.ChargeCanceled
	}
	return *ch, nil
}

// chargeOf settles and returns an order's latest charge (what a webhook
// reports).
func (c *cardNetwork) chargeOf(orderID string) *gateway.Charge {
	c.mu.Lock()
	defer c.mu.Unlock()
	var latest *gateway.Charge
	for _, ch := range c.charges {
		if ch.Metadata["order_id"] == orderID && (latest == nil || ch.ID > latest.ID) {
			latest = ch
		}
	}
	if latest != nil && latest.Status == gateway.ChargeProcessing {
		*latest = settled(*latest)
	}
	if latest == nil {
		return nil
	}
	out := *latest
	return &out
}

func (c *cardNetwork) createRefund(_ context.Context, in payments.RefundInput) (gateway.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.refunds[in.Key]
	if !ok {
		r = &gateway.Refund{ID: "gre_" + in.Key, Charge: in.Params.Charge, Amount: in.Params.Amount, Status: gateway.RefundPending, Metadata: in.Params.Metadata}
		c.refunds[in.Key] = r
		c.refunded += r.Amount
	}
	if c.down {
		return gateway.Refund{}, errLostReply
	}
	return *r, nil
}

// settleRefund settles the refund with idempotency key key.
func (c *cardNetwork) settleRefund(key string) *gateway.Refund {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.refunds[key]
	if !ok {
		return nil
	}
	r.Status = gateway.RefundSucceeded
	out := *r
	return &out
}

func (c *cardNetwork) getRefund(_ context.Context, id string) (gateway.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.refunds {
		if r.ID == id {
			r.Status = gateway.RefundSucceeded
			return *r, nil
		}
	}
	return gateway.Refund{}, temporalx.Encode(apperr.NotFoundf("no refund %s", id))
}

func (c *cardNetwork) refundedTotal() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refunded
}

func (c *cardNetwork) statusOf(chargeID string) gateway.ChargeStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch := c.find(chargeID); ch != nil {
		return ch.Status
	}
	return ""
}

func (c *cardNetwork) chargesSent() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent
}
