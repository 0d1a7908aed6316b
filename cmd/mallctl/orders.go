package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/internal/clients"
)

// runOrders lists the customer's orders.
func runOrders(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "orders", args, []subcommand{{"list", runOrdersList}}, "list")
}

// runOrder reads, cancels, re-addresses or watches one order.
func runOrder(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "order", args, []subcommand{
		{"get", runOrderGet},
		{"cancel", runOrderCancel},
		{"address", runOrderAddress},
		{"watch", runOrderWatch},
	}, "")
}

func runOrdersList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("orders [list] [-status S] [-page N] [-size N] [-json]")
	status := fs.String("status", "", "only orders in this `status`: pending-payment, paid, cancelled, expired, refunded, partially-refunded")
	asJSON := fs.Bool("json", false, "print JSON")
	var pf pageFlags
	pf.register(fs)
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := pf.check(); err != nil {
		return c.usageErr(fs, "%v", err)
	}
	var want order.OrderStatus
	if *status != "" {
		v, err := parseEnum(*status, "ORDER_STATUS_", order.OrderStatus_value)
		if err != nil {
			return c.usageErr(fs, "-status %v", err)
		}
		want = order.OrderStatus(v)
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	orders, page, err := fetchPage(pf, func(p *common.PageRequest) ([]*order.Order, *common.PageResponse, error) {
		resp, err := cl.Order.ListOrders(actx, &order.ListOrdersRequest{Status: want, Page: p})
		return resp.GetOrders(), resp.GetPage(), err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, orders)
	}
	if len(orders) == 0 {
		fmt.Fprintln(c.out, "no orders")
		return nil
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "ORDER\tSTATUS\tPAYMENT\tTOTAL\tITEMS\tCREATED")
	for _, o := range orders {
		var units int64
		for _, it := range o.GetItems() {
			units += it.GetQuantity()
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%d\t%s\n", o.GetId(), orderStatusName(o.GetStatus()),
			paymentStatusName(o.GetPaymentStatus()), fmtMoney(o.GetTotal()), units, fmtTime(o.GetCreatedAt()))
	}
	_ = t.Flush()
	printPageFooter(c.out, pf, page, "order", "orders")
	return nil
}

func runOrderGet(ctx context.Context, c *cli, args []string) error {
	return runGet(ctx, c, args, "order get ID [-json]", asUser, fetchOrder, c.printOrder)
}

func runOrderCancel(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("order cancel ID [-reason R] [-cancel-payment]")
	reason := fs.String("reason", "", "why, for the record")
	cancelPayment := fs.Bool("cancel-payment", false, "also cancel the order's payment in flight")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Order.CancelOrder(actx, &order.CancelOrderRequest{OrderId: pos[0], Reason: *reason, CancelPayment: *cancelPayment})
	if err != nil {
		return err
	}
	o := resp.GetOrder()
	fmt.Fprintf(c.out, "order %s is %s (payment %s)\n", o.GetId(), orderStatusName(o.GetStatus()), paymentStatusName(o.GetPaymentStatus()))
	return nil
}

func runOrderAddress(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("order address ID [-recipient R] [-phone P] [-street S] [-city C] [-state S] [-zip Z] [-country CC]")
	var addr addressFlags
	addr.register(fs, &common.Address{})
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	current, err := c.getOrder(ctx, asUser, pos[0])
	if err != nil {
		return err
	}
	a, changed := addr.overlay(fs, current.GetAddress())
	if !changed {
		return c.usageErr(fs, "nothing to change: give at least one address flag")
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Order.UpdateOrderAddress(actx, &order.UpdateOrderAddressRequest{OrderId: pos[0], Address: a})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "order %s now goes to %s\n", pos[0], fmtAddress(resp.GetOrder().GetAddress()))
	return nil
}

func runOrderWatch(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("order watch ID [-until STATUS] [-interval 1s] [-timeout 10m]")
	until := fs.String("until", "", "stop at this `status` (default: as soon as the order is no longer waiting for payment)")
	interval := fs.Duration("interval", 500*time.Millisecond, "time between polls")
	timeout := fs.Duration("timeout", 0, "give up after this long (default: never)")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	opts := watchOptions{interval: *interval, timeout: *timeout, countdown: 10 * time.Second}
	if *until != "" {
		v, err := parseEnum(*until, "ORDER_STATUS_", order.OrderStatus_value)
		if err != nil {
			return c.usageErr(fs, "-until %v", err)
		}
		opts.until = func(o *order.Order) bool { return o.GetStatus() == order.OrderStatus(v) }
	}
	_, err = c.watchOrder(ctx, pos[0], opts)
	return err
}

// getOrder reads an order with a role's session.
func (c *cli) getOrder(ctx context.Context, r role, id string) (*order.Order, error) {
	actx, cl, err := c.as(ctx, r)
	if err != nil {
		return nil, err
	}
	return fetchOrder(actx, cl, id)
}

// fetchOrder reads an order.
func fetchOrder(ctx context.Context, cl *clients.Clients, id string) (*order.Order, error) {
	resp, err := cl.Order.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
	return resp.GetOrder(), err
}

// watchOptions say how watchOrder polls and when it stops.
type watchOptions struct {
	// until ends the watch; nil: once the order no longer waits for
	// payment (paid, cancelled, expired, refunded).
	until func(*order.Order) bool
	// interval is the time between polls; 0 means 500ms.
	interval time.Duration
	// countdown, when set, prints the time left before the order expires
	// this often while it waits for payment.
	countdown time.Duration
	// timeout, when set, gives up after that long.
	timeout time.Duration
	// indent starts every line printed.
	indent string
	// as is whose session reads the order (default: the customer's).
	as role
}

// watchOrder polls an order and prints every change of its status or its
// payment's, until opts.until holds; it returns the last order seen.
func (c *cli) watchOrder(ctx context.Context, id string, opts watchOptions) (*order.Order, error) {
	if opts.until == nil {
		opts.until = func(o *order.Order) bool { return o.GetStatus() != order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT }
	}
	if opts.interval <= 0 {
		opts.interval = 500 * time.Millisecond
	}
	start := c.now()
	var last *order.Order
	var lastCountdown time.Time
	for {
		o, err := c.getOrder(ctx, opts.as, id)
		if err != nil {
			return last, err
		}
		now := c.now()
		if last == nil || o.GetStatus() != last.GetStatus() || o.GetPaymentStatus() != last.GetPaymentStatus() {
			reason := ""
			if o.GetStatusReason() != "" {
				reason = "  (" + o.GetStatusReason() + ")"
			}
			c.watchLine(opts.indent, now, start, "%-16s payment %s%s", orderStatusName(o.GetStatus()), paymentStatusName(o.GetPaymentStatus()), reason)
			lastCountdown = now
		} else if opts.countdown > 0 && o.GetStatus() == order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT && now.Sub(lastCountdown) >= opts.countdown {
			c.watchLine(opts.indent, now, start, "%-16s expires %s", orderStatusName(o.GetStatus()), fmtRelative(o.GetExpiresAt().AsTime(), now))
			lastCountdown = now
		}
		last = o
		if opts.until(o) {
			return o, nil
		}
		if opts.timeout > 0 && now.Sub(start) > opts.timeout {
			return o, fmt.Errorf("order %s is still %s (payment %s) after %s", id, orderStatusName(o.GetStatus()),
				paymentStatusName(o.GetPaymentStatus()), opts.timeout)
		}
		if err := sleep(ctx, opts.interval); err != nil {
			return o, err
		}
	}
}

// watchLine prints one line of a watch: the clock, the time since the
// watch began, and what happened.
func (c *cli) watchLine(indent string, now, start time.Time, format string, args ...any) {
	since := fmt.Sprintf("+%.1fs", now.Sub(start).Seconds())
	fmt.Fprintf(c.out, "%s%s  %-7s %s\n", indent, now.Format("15:04:05"), since, fmt.Sprintf(format, args...))
}

// printOrder prints an order's details.
func (c *cli) printOrder(o *order.Order) {
	status := orderStatusName(o.GetStatus())
	if o.GetStatusReason() != "" {
		status += " (" + o.GetStatusReason() + ")"
	}
	expires := ""
	if o.GetStatus() == order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT && o.GetExpiresAt() != nil {
		expires = fmtTime(o.GetExpiresAt()) + " (" + fmtRelative(o.GetExpiresAt().AsTime(), c.now()) + ")"
	}
	printFields(c.out,
		"order", o.GetId(),
		"status", status,
		"payment", joinNonEmpty(" ", paymentStatusName(o.GetPaymentStatus()), o.GetPaymentId()),
	)
	printLines(c.out, o.GetItems())
	refunded := ""
	if o.GetRefunded().GetAmount() != 0 {
		refunded = fmtMoney(o.GetRefunded())
	}
	printFields(c.out,
		"subtotal", fmtMoney(o.GetSubtotal()),
		"discount", fmtDiscount(o.GetDiscount(), o.GetCouponCode()),
		"total", fmtMoney(o.GetTotal()),
		"refunded", refunded,
		"address", fmtAddress(o.GetAddress()),
		"checkout", o.GetCheckoutId(),
		"created", fmtTime(o.GetCreatedAt()),
		"expires", expires,
		"paid", optTime(o.GetPaidAt()),
		"version", strconv.FormatInt(o.GetVersion(), 10),
		"workflow", o.GetWorkflowId(),
	)
}
