package main

import (
	"context"
	"fmt"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// demoStock is the stock of the product the demo creates; its orders take
// 5 units at most at a time.
const demoStock = 10

// register creates a fresh customer and logs it in as mallctl's user.
func (d *demo) register(ctx context.Context) error {
	cl, err := d.c.rpc()
	if err != nil {
		return err
	}
	name := "demo-" + d.tag
	email, password := name+"@example.com", "Demo-"+randomHex(6)+"-1"
	resp, err := cl.User.Register(ctx, &user.RegisterRequest{Email: email, Username: name, Password: password})
	if err != nil {
		return err
	}
	if d.customer, err = d.c.login(ctx, asUser, email, password); err != nil {
		return err
	}
	d.say("registered %s (id %d, %s) and logged in", name, resp.GetUser().GetId(), email)
	d.say("mallctl now acts as this customer (see `mallctl whoami`)")
	return nil
}

// stockProduct logs the admin in and creates the product the demo buys
// (or reads the one given with -product).
func (d *demo) stockProduct(ctx context.Context) error {
	password := d.adminPassword
	if password == "" {
		var err error
		if password, err = d.c.adminPassword("-admin-password"); err != nil {
			return err
		}
	}
	admin, err := d.c.login(ctx, asAdmin, d.c.cfg.AdminEmail, password)
	if err != nil {
		return fmt.Errorf("admin login: %w", err)
	}
	d.say("logged in as the admin %s (id %d)", admin.Email, admin.UserID)
	actx, cl, err := d.c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	if d.productID != 0 {
		resp, err := cl.Product.GetProduct(actx, &product.GetProductRequest{Id: d.productID})
		if err != nil {
			return err
		}
		if resp.GetProduct().GetStockAvailable() < 5 {
			return fmt.Errorf("product %d has %d units in stock; the demo needs 5", d.productID, resp.GetProduct().GetStockAvailable())
		}
		d.product = resp.GetProduct()
		d.say("using product #%d %q at %s", d.product.GetId(), d.product.GetName(), fmtMoney(d.product.GetPrice()))
	} else {
		price, err := parseAmount("12.50", d.c.cfg.CatalogCurrency)
		if err != nil {
			return err
		}
		resp, err := cl.Product.CreateProduct(actx, &product.CreateProductRequest{
			Name: "Demo teacup " + d.tag, Description: "A porcelain teacup made for the demo",
			Price: protoconv.Money(price), InitialStock: demoStock,
			IdempotencyKey: d.key("product"),
		})
		if err != nil {
			return err
		}
		d.product, d.productID = resp.GetProduct(), resp.GetProduct().GetId()
		d.say("created product #%d %q at %s with %d in stock", d.productID, d.product.GetName(), fmtMoney(d.product.GetPrice()), d.product.GetStockAvailable())
	}
	if d.base, err = d.stock(ctx); err != nil {
		return err
	}
	d.sayStock(d.base, "")
	return nil
}

// fillCart puts two units in the cart.
func (d *demo) fillCart(ctx context.Context) error { return d.addToCart(ctx, 2) }

// checkoutPaid checks out with the succeeding card.
func (d *demo) checkoutPaid(ctx context.Context) error {
	co, err := d.checkout(ctx, d.key("paid"), cardSucceeds)
	if err != nil {
		return err
	}
	d.orders = append(d.orders, demoOrder{co.GetOrderId(), "paid with 4242..., then refunded in full"})
	d.say("checkout workflow: %s", co.GetWorkflowId())
	d.say("the checkout answered once the order existed; the payment goes on in its workflow")
	return nil
}

// watchPaid follows the first order until it is paid.
func (d *demo) watchPaid(ctx context.Context) error {
	id := d.orders[0].id
	o, err := d.watch(ctx, id, isStatus(order.OrderStatus_ORDER_STATUS_PAID), time.Minute)
	if err != nil {
		return err
	}
	d.say("paid at %s", fmtTime(o.GetPaidAt()))
	if err := d.printLogs(ctx, id); err != nil {
		return err
	}
	return d.waitCartEmpty(ctx)
}

// repeatCheckout sends the first checkout again and expects the same
// checkout and order back.
func (d *demo) repeatCheckout(ctx context.Context) error {
	first := d.orders[0].id
	co, err := d.checkout(ctx, d.key("paid"), cardSucceeds)
	if err != nil {
		return err
	}
	if co.GetOrderId() != first {
		return fmt.Errorf("the same key placed another order: %s, not %s", co.GetOrderId(), first)
	}
	d.say("the same key found the same checkout and the same order %s: nothing was bought or charged twice", first)
	return nil
}

// stockCommitted shows the sale in the stock levels.
func (d *demo) stockCommitted(ctx context.Context) error {
	return d.waitStock(ctx, " (2 sold)", stockWant{committed: 2})
}

// refund refunds the first order in full as the admin.
func (d *demo) refund(ctx context.Context) error {
	id := d.orders[0].id
	actx, cl, err := d.c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	resp, err := cl.Payment.Refund(actx, &payment.RefundRequest{OrderId: id, Reason: "demo: full refund", IdempotencyKey: d.key("refund")})
	if err != nil {
		return err
	}
	r := resp.GetRefund()
	d.say("refund %s of %s: %s", r.GetId(), fmtMoney(r.GetAmount()), enumName(r.GetStatus(), "REFUND_STATUS_"))
	o, err := d.watch(ctx, id, isStatus(order.OrderStatus_ORDER_STATUS_REFUNDED), time.Minute)
	if err != nil {
		return err
	}
	d.say("refunded %s of %s", fmtMoney(o.GetRefunded()), fmtMoney(o.GetTotal()))
	if err := d.waitStock(ctx, " (the 2 units are back)", stockWant{}); err != nil {
		return err
	}
	return d.printLogs(ctx, id)
}

// declined checks out with a declined card, shows the order still waiting
// for payment, pays it with a good card, and shows that the paid order
// cannot be cancelled.
func (d *demo) declined(ctx context.Context) error {
	if err := d.addToCart(ctx, 1); err != nil {
		return err
	}
	d.say("checking out with %s, which the sandbox declines", cardDeclines)
	co, err := d.checkout(ctx, d.key("declined"), cardDeclines)
	if err != nil {
		return err
	}
	id := co.GetOrderId()
	d.orders = append(d.orders, demoOrder{id, "declined with 4000...0002, paid on retry with 4242..."})
	o, err := d.watch(ctx, id, func(o *order.Order) bool {
		return o.GetPaymentStatus() == payment.PaymentStatus_PAYMENT_STATUS_FAILED || o.GetStatus() != order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT
	}, time.Minute)
	if err != nil {
		return err
	}
	if o.GetStatus() != order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT {
		return fmt.Errorf("order %s is %s after a declined card; want PENDING_PAYMENT", id, orderStatusName(o.GetStatus()))
	}
	actx, cl, err := d.c.as(ctx, asUser)
	if err != nil {
		return err
	}
	p, err := cl.Payment.GetPayment(actx, &payment.GetPaymentRequest{OrderId: id})
	if err != nil {
		return err
	}
	d.say("payment %s failed (%s: %s); the order still waits for payment until %s",
		p.GetPayment().GetId(), p.GetPayment().GetFailureCode(), p.GetPayment().GetFailureMessage(), fmtTime(o.GetExpiresAt()))
	d.say("paying again with %s", cardSucceeds)
	card := cardFlags{number: cardSucceeds, cvv: "123"}
	method, err := card.input(d.c.now(), d.customer.Name())
	if err != nil {
		return err
	}
	charged, err := cl.Payment.Charge(actx, &payment.ChargeRequest{OrderId: id, PaymentMethod: method, IdempotencyKey: d.key("retry")})
	if err != nil {
		return err
	}
	d.say("payment %s (attempt %d): %s", charged.GetPayment().GetId(), charged.GetPayment().GetAttempt(), paymentStatusName(charged.GetPayment().GetStatus()))
	if _, err := d.watch(ctx, id, isStatus(order.OrderStatus_ORDER_STATUS_PAID), time.Minute); err != nil {
		return err
	}
	if err := d.printLogs(ctx, id); err != nil {
		return err
	}
	if err := d.waitStock(ctx, " (1 sold)", stockWant{committed: 1}); err != nil {
		return err
	}
	_, err = cl.Order.CancelOrder(actx, &order.CancelOrderRequest{OrderId: id, Reason: "demo: too late", CancelPayment: true})
	if err == nil {
		return fmt.Errorf("the paid order %s was cancelled; want a refusal", id)
	}
	d.say("cancelling the paid order is refused: %s", d.c.describe(err))
	return d.waitCartEmpty(ctx)
}

// cancel places an unpaid order and cancels it.
func (d *demo) cancel(ctx context.Context) error {
	if err := d.addToCart(ctx, 1); err != nil {
		return err
	}
	co, err := d.checkout(ctx, d.key("cancel"), "")
	if err != nil {
		return err
	}
	id := co.GetOrderId()
	d.orders = append(d.orders, demoOrder{id, "placed without a card, cancelled"})
	if err := d.waitStock(ctx, " (1 held for the order)", stockWant{reserved: 1, committed: 1}); err != nil {
		return err
	}
	actx, cl, err := d.c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Order.CancelOrder(actx, &order.CancelOrderRequest{OrderId: id, Reason: "demo: changed my mind", CancelPayment: true})
	if err != nil {
		return err
	}
	d.say("cancelled: order %s is %s", id, orderStatusName(resp.GetOrder().GetStatus()))
	if _, err := d.watch(ctx, id, isStatus(order.OrderStatus_ORDER_STATUS_CANCELLED), 30*time.Second); err != nil {
		return err
	}
	if err := d.waitStock(ctx, " (the held unit was released)", stockWant{committed: 1}); err != nil {
		return err
	}
	return d.waitCartEmpty(ctx)
}

// expire places an order with the card that never settles and waits for
// its payment window to close (unless -skip-expiry): the order expires,
// its payment is cancelled and its stock released.
func (d *demo) expire(ctx context.Context) error {
	if err := d.addToCart(ctx, 1); err != nil {
		return err
	}
	d.say("checking out with %s, whose charge the sandbox never settles", cardNeverSettles)
	co, err := d.checkout(ctx, d.key("expire"), cardNeverSettles)
	if err != nil {
		return err
	}
	id := co.GetOrderId()
	o, err := d.c.getOrder(ctx, asUser, id)
	if err != nil {
		return err
	}
	expires := o.GetExpiresAt().AsTime()
	d.say("the order waits for payment until %s (%s)", fmtTime(o.GetExpiresAt()), fmtRelative(expires, d.c.now()))
	if d.skipExpiry {
		d.orders = append(d.orders, demoOrder{id, "card never settles, left to expire"})
		d.say("not waiting (-skip-expiry): follow it with `mallctl order watch %s`", id)
		return d.waitCartEmpty(ctx)
	}
	d.orders = append(d.orders, demoOrder{id, "card never settles, expired"})
	within := time.Until(expires) + 2*time.Minute
	if _, err := d.c.watchOrder(ctx, id, watchOptions{
		until: isStatus(order.OrderStatus_ORDER_STATUS_EXPIRED), timeout: within, indent: "    ", countdown: 5 * time.Second,
	}); err != nil {
		return err
	}
	if err := d.waitStock(ctx, " (the held unit was released)", stockWant{committed: 1}); err != nil {
		return err
	}
	return d.printLogs(ctx, id)
}

// isStatus returns a watch condition: the order is in status s.
func isStatus(s order.OrderStatus) func(*order.Order) bool {
	return func(o *order.Order) bool { return o.GetStatus() == s }
}
