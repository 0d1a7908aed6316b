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

	"github.com/tempomall/tempomall/activities"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	orderwf "github.com/tempomall/tempomall/workflows/order"
	paymentwf "github.com/tempomall/tempomall/workflows/payment"
)

// These tests run the order workflow (with its payment and refund child
// workflows) in Temporal's test environment, with time skipping. The unit
// under test is the workflows' logic: read-model writes go to the real
// stores on SQLite, while the product service and the card network are
// small in-memory behaviours. The end-to-end tests (e2e/) run the same
// paths against the real services, the payment sandbox and a Temporal
// dev server.

var settings = orderwf.Settings{
	PaymentTimeout: 15 * time.Minute,
	RefundWindow:   24 * time.Hour,
	Payment:        paymentwf.Settings{ReconcileAfter: 30 * time.Second, Timeout: 10 * time.Minute},
}

// Card tokens of the fake card network.
const (
	tokOK      = "pm_ok"      // succeeds with a webhook
	tokDecline = "pm_decline" // declined with a webhook
	tokSilent  = "pm_silent"  // succeeds, never calls back
	tokHang    = "pm_hang"    // never settles
)

type harness struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	orders   *order.Store
	payments *payment.Store
	stock    *inventory
	cards    *cardNetwork
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(30 * time.Second)
	h := &harness{
		t: t, env: env,
		orders:   order.NewStore(dbtest.Open(t, "order", order.Migrations)),
		payments: payment.NewStore(dbtest.Open(t, "payment", payment.Migrations)),
		stock:    newInventory(),
		cards:    &cardNetwork{charges: map[string]*gateway.Charge{}, refunds: map[string]*gateway.Refund{}},
	}
	env.RegisterWorkflow(orderwf.OrderWorkflow)
	env.RegisterWorkflow(paymentwf.PaymentWorkflow)
	env.RegisterWorkflow(paymentwf.RefundWorkflow)
	env.RegisterActivity(&activities.Records{Orders: h.orders, Payments: h.payments})
	catalog, gw := &activities.Catalog{}, &activities.Gateway{}
	env.RegisterActivity(catalog)
	env.RegisterActivity(gw)
	any3 := []any{mock.Anything, mock.Anything, mock.Anything}
	env.OnActivity(catalog.Quote, any3[:2]...).Return(h.stock.quote).Maybe()
	env.OnActivity(catalog.ReserveStock, any3...).Return(h.stock.reserve).Maybe()
	env.OnActivity(catalog.ReleaseStock, any3[:2]...).Return(h.stock.move("RESERVED", "RELEASED")).Maybe()
	env.OnActivity(catalog.CommitStock, any3[:2]...).Return(h.stock.move("RESERVED", "COMMITTED")).Maybe()
	env.OnActivity(catalog.ReturnStock, any3[:2]...).Return(h.stock.move("COMMITTED", "RETURNED")).Maybe()
	env.OnActivity(catalog.RedeemCoupon, any3...).Return(h.stock.redeem).Maybe()
	env.OnActivity(catalog.ReleaseCoupon, any3...).Return(h.stock.releaseCoupon).Maybe()
	env.OnActivity(gw.PaymentMethod, any3[:2]...).Return(h.cards.paymentMethod).Maybe()
	env.OnActivity(gw.CreateCharge, any3[:2]...).Return(h.cards.createCharge).Maybe()
	env.OnActivity(gw.GetCharge, any3[:2]...).Return(h.cards.getCharge).Maybe()
	env.OnActivity(gw.CancelCharge, any3...).Return(h.cards.cancelCharge).Maybe()
	env.OnActivity(gw.CreateRefund, any3[:2]...).Return(h.cards.createRefund).Maybe()
	env.OnActivity(gw.GetRefund, any3[:2]...).Return(h.cards.getRefund).Maybe()
	return h
}

// input is an order of two mugs at 12.50 USD.
func input(id string, card string) orderwf.Input {
	in := orderwf.Input{
		OrderRequest: commerce.OrderRequest{
			OrderID: id, UserID: 7, Items: []commerce.Item{{ProductID: 1, Quantity: 2}},
			Address: commerce.Address{Recipient: "Ada", Street: "1 Main St", City: "London", Country: "GB"},
		},
		Settings: settings,
	}
	if card != "" {
		in.Card = &commerce.Card{Token: card}
	}
	return in
}

// at runs f after d of (virtual) workflow time.
func (h *harness) at(d time.Duration, f func()) { h.env.RegisterDelayedCallback(f, d) }

// update sends an update and records its outcome.
func (h *harness) update(name string, out *updateResult, args ...any) {
	h.env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: func(err error) { out.rejected, out.err = true, err },
		OnComplete: func(v any, err error) {
			out.done, out.value, out.err = true, v, err
		},
	}, args...)
}

type updateResult struct {
	done     bool
	rejected bool
	value    any
	err      error
}

// refusedAs reports whether the update was refused with kind, by its
// validator or by the main loop.
func (r updateResult) refusedAs(kind apperr.Kind) bool {
	return r.err != nil && apperr.KindOf(temporalx.Decode(r.err)) == kind
}

// webhook signals the payment workflow of an order the settled state of
// its charge, as the payment service's webhook endpoint would.
func (h *harness) webhook(orderID, eventID string) {
	ch := h.cards.chargeOf(orderID)
	if ch == nil {
		h.t.Errorf("no charge for %s", orderID)
		return
	}
	ev := gateway.Event{ID: eventID, Type: "charge." + string(ch.Status), Charge: ch}
	if err := h.env.SignalWorkflowByID(paymentwf.WorkflowID(orderID), paymentwf.SignalGatewayEvent, ev); err != nil {
		h.t.Errorf("signal webhook: %v", err)
	}
}

// final returns the workflow's result.
func (h *harness) final() (commerce.Order, error) {
	h.t.Helper()
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("the workflow did not complete")
	}
	var o commerce.Order
	err := h.env.GetWorkflowResult(&o)
	return o, err
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

// inventory is the product service's stock as the workflows see it.
type inventory struct {
	mu           sync.Mutex
	available    int64
	reservations map[string]string
	coupons      map[string]bool // order id -> coupon in use
	// lostReplies makes ReserveStock and CommitStock do their work but
	// fail to answer (a timeout: the caller cannot know the outcome).
	lostReplies bool
}

func (s *inventory) setLostReplies(lost bool) {
	s.mu.Lock()
	s.lostReplies = lost
	s.mu.Unlock()
}

func newInventory() *inventory {
	return &inventory{available: 10, reservations: map[string]string{}, coupons: map[string]bool{}}
}

func (s *inventory) quote(_ context.Context, in activities.QuoteInput) (commerce.Quote, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pin := pricing.Input{
		Items: in.Items, Currency: in.Currency, CatalogCurrency: "USD",
		Products: map[int64]commerce.Product{1: {ID: 1, Name: "Mug", Price: money.New(1250, "USD"), Active: true, Available: s.available}},
		Rates:    map[string]string{"USD": "1", "CNY": "7.1"}, Now: time.Now(),
	}
	if in.CouponCode != "" {
		pin.Coupon = &pricing.Coupon{Code: in.CouponCode, Kind: pricing.Percent, PercentOff: 10}
		if in.CouponCode == "FREE" {
			pin.Coupon.PercentOff = 100
		}
	}
	q, err := pricing.Price(pin)
	return q, temporalx.Encode(err)
}

func (s *inventory) reserve(_ context.Context, orderID string, items []commerce.Item) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reservations[orderID]; ok {
		return s.reply()
	}
	var n int64
	for _, it := range items {
		n += it.Quantity
	}
	if n > s.available {
		return temporalx.Encode(apperr.Preconditionf("Mug: %d requested, %d available", n, s.available))
	}
	s.available -= n
	s.reservations[orderID] = "RESERVED"
	return s.reply()
}

// reply is what a call answers after doing its work (lock held).
func (s *inventory) reply() error {
	if s.lostReplies {
		return errors.New("reply lost")
	}
	return nil
}

func (s *inventory) availableUnits() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.available
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
			if to == "RELEASED" || to == "RETURNED" {
				s.available += 2
			}
			return nil
		}
		return temporalx.Encode(apperr.Preconditionf("reservation of %s is %s, not %s", orderID, s.reservations[orderID], from))
	}
}

func (s *inventory) redeem(_ context.Context, code, orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.coupons[orderID] = true
	return nil
}

func (s *inventory) releaseCoupon(_ context.Context, code, orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.coupons[orderID] = false
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
}

// errLostReply is a transport failure: the caller cannot know the outcome.
var errLostReply = errors.New("gateway reply lost")

func (c *cardNetwork) setDown(down bool) {
	c.mu.Lock()
	c.down = down
	c.mu.Unlock()
}

func (c *cardNetwork) paymentMethod(_ context.Context, token string) (commerce.Card, error) {
	return commerce.Card{Token: token, Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030}, nil
}

func (c *cardNetwork) createCharge(_ context.Context, in activities.ChargeInput) (gateway.Charge, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.charges[in.Key]; ok {
		if c.down {
			return gateway.Charge{}, errLostReply
		}
		return *ch, nil
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
	return latest
}

func (c *cardNetwork) createRefund(_ context.Context, in activities.RefundInput) (gateway.Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.refunds[in.Key]
	if !ok {
		r = &gateway.Refund{ID: "re_" + in.Key, Charge: in.Params.Charge, Amount: in.Params.Amount, Status: gateway.RefundPending, Metadata: in.Params.Metadata}
		c.refunds[in.Key] = r
		c.refunded += r.Amount
	}
	if c.down {
		return gateway.Refund{}, errLostReply
	}
	return *r, nil
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
