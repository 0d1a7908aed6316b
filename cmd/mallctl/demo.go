package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// The sandbox's test cards the demo uses.
const (
	cardSucceeds     = testcards.Succeeds
	cardDeclines     = testcards.Declines
	cardNeverSettles = testcards.NeverSettles
)

// runDemo walks an order's whole journey against the running system.
func runDemo(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("demo [-skip-expiry] [-product ID] [-admin-password P]")
	skipExpiry := fs.Bool("skip-expiry", false, "do not wait for the unpaid order to expire (it takes TEMPOMALL_ORDER_PAYMENT_TIMEOUT)")
	productID := fs.Int64("product", 0, "buy this existing product (`id`, with 5 or more in stock that nobody else buys meanwhile) instead of creating one")
	adminPassword := fs.String("admin-password", "", "the admin's `password` (default: from the data folder's secrets.json)")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	d := &demo{c: c, tag: randomHex(4), productID: *productID, adminPassword: *adminPassword, skipExpiry: *skipExpiry}
	return d.run(ctx)
}

// demo is one run of `mallctl demo`: what its steps created so far.
type demo struct {
	c             *cli
	tag           string // a random suffix for names and keys
	adminPassword string
	skipExpiry    bool

	customer  *Session
	productID int64
	product   *product.Product
	// base is the product's stock before the demo's orders.
	base *product.StockLevel
	// orders are the orders the demo placed, with what it did to them.
	orders []demoOrder
}

// demoOrder is an order the demo placed.
type demoOrder struct {
	id, story string
}

// demoStep is one numbered step.
type demoStep struct {
	title string
	run   func(context.Context) error
}

// run runs the steps in order, stopping at the first that fails.
func (d *demo) run(ctx context.Context) error {
	out := d.c.out
	fmt.Fprintln(out, "tempomall demo: the whole journey of an order, step by step")
	steps := []demoStep{
		{"Register a customer and log in", d.register},
		{"Log in as the admin and stock a product", d.stockProduct},
		{"Put 2 units in the cart", d.fillCart},
		{"Check out with an idempotency key and the succeeding test card", d.checkoutPaid},
		{"Watch the order until it is paid", d.watchPaid},
		{"Send the same checkout again", d.repeatCheckout},
		{"Stock after the sale", d.stockCommitted},
		{"Refund the order (admin, full amount)", d.refund},
		{"A declined card, then a retry with a good one", d.declined},
		{"Cancel an unpaid order", d.cancel},
		{"An unpaid order expires", d.expire},
	}
	for i, s := range steps {
		fmt.Fprintf(out, "\n%2d. %s\n", i+1, s.title)
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("demo step %d (%s) failed: %w", i+1, s.title, err)
		}
	}
	return d.summary(ctx)
}

// say prints a line of a step, indented under its title.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.c.out, "    "+format+"\n", args...)
}

// addToCart puts units of the demo's product in the customer's cart.
func (d *demo) addToCart(ctx context.Context, qty int64) error {
	actx, cl, err := d.c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Cart.AddItem(actx, &cart.AddItemRequest{ProductId: d.productID, Quantity: qty})
	if err != nil {
		return err
	}
	for _, it := range resp.GetCart().GetItems() {
		if it.GetProductId() == d.productID {
			d.say("cart: %d x %s at %s = %s", it.GetQuantity(), it.GetName(), fmtMoney(it.GetUnitPrice()), fmtMoney(it.GetLineTotal()))
		}
	}
	return nil
}

// checkout checks the cart out with a key and a card number ("" for
// none) and reports what came back and how fast.
func (d *demo) checkout(ctx context.Context, key, number string) (*checkout.Checkout, error) {
	actx, cl, err := d.c.as(ctx, asUser)
	if err != nil {
		return nil, err
	}
	req := &checkout.CheckoutRequest{IdempotencyKey: key, Address: defaultAddress()}
	if number != "" {
		card := cardFlags{number: number, cvv: "123"}
		if req.PaymentMethod, err = card.input(d.c.now(), req.Address.GetRecipient()); err != nil {
			return nil, err
		}
	}
	began := time.Now()
	resp, err := cl.Checkout.Checkout(actx, req)
	if err != nil {
		return nil, err
	}
	co := resp.GetCheckout()
	d.say("checkout %s (key %s) answered in %s", co.GetId(), key, time.Since(began).Round(time.Millisecond))
	d.say("order %s: %s, total %s, payment %s, card %s", co.GetOrderId(), orderStatusName(co.GetOrderStatus()),
		fmtMoney(co.GetPayable()), paymentStatusName(co.GetPaymentStatus()), fmtCard(co.GetPaymentMethod()))
	if co.GetOrderId() == "" {
		return nil, fmt.Errorf("checkout %s is %s without an order: %s", co.GetId(), enumName(co.GetStatus(), "CHECKOUT_STATUS_"), co.GetFailureReason())
	}
	return co, nil
}

// watch follows an order until done holds, within a time limit.
func (d *demo) watch(ctx context.Context, id string, done func(*order.Order) bool, within time.Duration) (*order.Order, error) {
	return d.c.watchOrder(ctx, id, watchOptions{until: done, timeout: within, indent: "    ", interval: 250 * time.Millisecond})
}

// stock returns the demo product's stock levels (as the admin).
func (d *demo) stock(ctx context.Context) (*product.StockLevel, error) {
	actx, cl, err := d.c.as(ctx, asAdmin)
	if err != nil {
		return nil, err
	}
	resp, err := cl.Product.GetStock(actx, &product.GetStockRequest{ProductIds: []int64{d.productID}})
	if err != nil {
		return nil, err
	}
	if len(resp.GetLevels()) != 1 {
		return nil, apperr.NotFoundf("no stock level for product %d", d.productID)
	}
	return resp.GetLevels()[0], nil
}

// stockWant is the stock a step expects of the product, as changes from
// its stock before the demo's orders.
type stockWant struct {
	reserved, committed int64
}

// waitStock polls the product's stock until it is what the step expects
// (stock moves in activities after the order's transition), then prints
// it with a note.
func (d *demo) waitStock(ctx context.Context, note string, want stockWant) error {
	reserved, committed := d.base.GetReserved()+want.reserved, d.base.GetCommitted()+want.committed
	var l *product.StockLevel
	return poll(ctx, 15*time.Second, func() (bool, error) {
		var err error
		if l, err = d.stock(ctx); err != nil || l.GetReserved() != reserved || l.GetCommitted() != committed {
			return false, err
		}
		d.sayStock(l, note)
		return true, nil
	}, func() error {
		return fmt.Errorf("stock of #%d is %d available, %d reserved, %d committed; want %d reserved and %d committed",
			l.GetProductId(), l.GetAvailable(), l.GetReserved(), l.GetCommitted(), reserved, committed)
	})
}

// sayStock prints a stock level.
func (d *demo) sayStock(l *product.StockLevel, note string) {
	d.say("stock of #%d: %d available, %d reserved, %d committed%s", l.GetProductId(), l.GetAvailable(), l.GetReserved(), l.GetCommitted(), note)
}

// waitCartEmpty polls the cart until the order has taken the product out.
func (d *demo) waitCartEmpty(ctx context.Context) error {
	var c *cart.Cart
	return poll(ctx, 15*time.Second, func() (bool, error) {
		actx, cl, err := d.c.as(ctx, asUser)
		if err != nil {
			return false, err
		}
		resp, err := cl.Cart.GetCart(actx, &cart.GetCartRequest{})
		if c = resp.GetCart(); err != nil || len(c.GetItems()) > 0 {
			return false, err
		}
		d.say("the cart is empty again: the order took its items out")
		return true, nil
	}, func() error { return fmt.Errorf("the cart still holds %d units after the order", c.GetTotalQuantity()) })
}

// printLogs prints the payment log of an order.
func (d *demo) printLogs(ctx context.Context, orderID string) error {
	logs, err := d.c.paymentLogs(ctx, orderID)
	if err != nil {
		return err
	}
	d.say("payment log:")
	printPaymentLogs(d.c.out, "      ", logs)
	return nil
}

// key returns the idempotency key of the demo's n-th checkout.
func (d *demo) key(what string) string { return "demo-" + d.tag + "-" + what }

// summary lists the demo's orders as they are now and where to look at
// them in Temporal.
func (d *demo) summary(ctx context.Context) error {
	out := d.c.out
	fmt.Fprintln(out, "\nDone. The orders of this run:")
	t := newTable(out)
	for _, o := range d.orders {
		got, err := d.c.getOrder(ctx, asUser, o.id)
		if err != nil {
			return err
		}
		fmt.Fprintf(t, "    %s\t%s\tpayment %s\t%s\n", o.id, orderStatusName(got.GetStatus()), paymentStatusName(got.GetPaymentStatus()), o.story)
	}
	_ = t.Flush()
	uid := d.customer.UserID
	query := url.QueryEscape(fmt.Sprintf("CustomerId=%d", uid))
	fmt.Fprintf(out, "\nWhere to look next:\n")
	cfg := d.c.cfg
	fmt.Fprintf(out, "    Temporal Web UI:  %s/namespaces/%s/workflows?query=%s\n", cfg.TemporalUIURL(), cfg.TemporalNamespace, query)
	temporal := "bin/temporal workflow" + cfg.TemporalCLIFlags()
	fmt.Fprintf(out, "    %s list --query \"OrderStatus='PAID'\"\n", temporal)
	fmt.Fprintf(out, "    %s list --query \"CustomerId=%d\"\n", temporal, uid)
	var workflows []string
	if actx, cl, err := d.c.as(ctx, asUser); err == nil {
		for _, o := range d.orders {
			if got, err := fetchOrder(actx, cl, o.id); err == nil {
				workflows = append(workflows, got.GetWorkflowId())
			}
		}
	}
	for _, id := range workflows {
		// "status" is the order workflow's query (README: Watch the workflows).
		fmt.Fprintf(out, "    %s query --workflow-id %s --type status --codec-endpoint %s\n", temporal, id, cfg.CodecEndpoint())
	}
	if len(workflows) > 0 {
		// Payloads are encrypted: the codec server decodes them.
		fmt.Fprintf(out, "    %s show --workflow-id %s --codec-endpoint %s\n", temporal, workflows[0], cfg.CodecEndpoint())
	}
	fmt.Fprintf(out, "    mallctl orders    (mallctl is logged in as %s; `mallctl logout` ends it)\n", d.customer.Name())
	return nil
}

// sleep waits for d or until ctx ends.
// poll calls check every 250 ms until it is done or fails; after within,
// it gives up with stuck's error.
func poll(ctx context.Context, within time.Duration, check func() (bool, error), stuck func() error) error {
	deadline := time.Now().Add(within)
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		if time.Now().After(deadline) {
			return stuck()
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
