package main

import (
	"context"
	"fmt"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// runCheckout places the cart as an order, or reads, changes or abandons
// a (draft) checkout.
func runCheckout(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "checkout", args, []subcommand{
		{"place", runCheckoutPlace},
		{"get", runCheckoutGet},
		{"update", runCheckoutUpdate},
		{"delete", runCheckoutDelete},
	}, "place")
}

func runCheckoutPlace(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("checkout [-key K] [-card NUMBER | -token T] [-coupon C] [-currency CNY] [-draft] [-expect 22.50] [address flags] [-watch] [-json]")
	key := fs.String("key", "", "idempotency `key`: the same key again finds the same checkout and order (default: a new one)")
	coupon := fs.String("coupon", "", "coupon `code`, such as WELCOME10")
	currency := fs.String("currency", "", "pay in this `currency` (CNY, EUR, JPY, ...; default: the catalog's)")
	draft := fs.Bool("draft", false, "only price the cart into an open checkout (place it later with the same -key)")
	expect := fs.String("expect", "", "refuse unless the payable `amount` is this (in the checkout's currency)")
	watch := fs.Bool("watch", false, "then watch the order until it is paid, its payment fails, or it ends")
	asJSON := fs.Bool("json", false, "print JSON")
	var card cardFlags
	card.register(fs)
	var addr addressFlags
	addr.register(fs, defaultAddress())
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *key == "" {
		*key = newKey("cli")
	}
	if err := commerce.CheckKey("key", *key); err != nil {
		return c.usageErr(fs, "-%v", err)
	}
	req := &checkout.CheckoutRequest{
		IdempotencyKey: *key, Address: addr.address(), Currency: *currency, CouponCode: *coupon, Draft: *draft,
	}
	var err error
	if req.PaymentMethod, err = card.input(c.now(), req.Address.GetRecipient()); err != nil {
		return c.usageErr(fs, "%v", err)
	}
	if *expect != "" {
		cur := *currency
		if cur == "" {
			cur = c.cfg.CatalogCurrency
		}
		m, err := parseAmount(*expect, cur)
		if err != nil {
			return c.usageErr(fs, "-expect: %v", err)
		}
		req.ExpectedPayable = protoconv.Money(m)
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Checkout.Checkout(actx, req)
	if err != nil {
		return retryHint(err, "checkout", *key)
	}
	co := resp.GetCheckout()
	if *asJSON {
		return printJSON(c.out, co)
	}
	c.printCheckout(co)
	switch {
	case co.GetOrderId() == "":
		fmt.Fprintf(c.out, "\nplace it with: mallctl checkout -key %s (and the same address, card and coupon flags)\n", *key)
	case *watch:
		fmt.Fprintln(c.out)
		_, err = c.watchOrder(ctx, co.GetOrderId(), watchOptions{until: settled("")})
		return err
	case co.GetPaymentMethod() == nil:
		fmt.Fprintf(c.out, "\npay with: mallctl pay %s -card 4242424242424242\n", co.GetOrderId())
	default:
		fmt.Fprintf(c.out, "\nfollow it: mallctl order watch %s\n", co.GetOrderId())
	}
	return nil
}

func runCheckoutGet(ctx context.Context, c *cli, args []string) error {
	return runGet(ctx, c, args, "checkout get ID [-json]", asUser,
		func(ctx context.Context, cl *clients.Clients, id string) (*checkout.Checkout, error) {
			resp, err := cl.Checkout.GetCheckout(ctx, &checkout.GetCheckoutRequest{CheckoutId: id})
			return resp.GetCheckout(), err
		}, c.printCheckout)
}

func runCheckoutUpdate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("checkout update ID [-coupon C] [-currency X] [address flags] [-json]")
	coupon := fs.String("coupon", "", "coupon `code` (\"\" removes it)")
	currency := fs.String("currency", "", "pay in this `currency`")
	asJSON := fs.Bool("json", false, "print JSON")
	var addr addressFlags
	addr.register(fs, &common.Address{})
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	set := setFlags(fs)
	req := &checkout.UpdateCheckoutRequest{CheckoutId: pos[0]}
	if set["coupon"] {
		req.CouponCode = coupon
	}
	if set["currency"] {
		req.Currency = currency
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	current, err := cl.Checkout.GetCheckout(actx, &checkout.GetCheckoutRequest{CheckoutId: pos[0]})
	if err != nil {
		return err
	}
	if a, changed := addr.overlay(fs, current.GetCheckout().GetAddress()); changed {
		req.Address = a
	}
	if req.Address == nil && req.CouponCode == nil && req.Currency == nil {
		return c.usageErr(fs, "nothing to change: give -coupon, -currency or address flags")
	}
	resp, err := cl.Checkout.UpdateCheckout(actx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, resp.GetCheckout())
	}
	c.printCheckout(resp.GetCheckout())
	return nil
}

func runCheckoutDelete(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("checkout delete ID")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	if _, err := cl.Checkout.DeleteCheckout(actx, &checkout.DeleteCheckoutRequest{CheckoutId: pos[0]}); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "deleted checkout %s\n", pos[0])
	return nil
}

// printCheckout prints a checkout.
func (c *cli) printCheckout(co *checkout.Checkout) {
	status := enumName(co.GetStatus(), "CHECKOUT_STATUS_")
	if co.GetFailureReason() != "" {
		status += ": " + co.GetFailureReason()
	}
	if co.GetStatus() == checkout.CheckoutStatus_CHECKOUT_STATUS_OPEN {
		status += fmt.Sprintf(" (until %s)", fmtTime(co.GetExpiresAt()))
	}
	order := ""
	if co.GetOrderId() != "" {
		order = fmt.Sprintf("%s  %s, payment %s", co.GetOrderId(),
			orderStatusName(co.GetOrderStatus()), paymentStatusName(co.GetPaymentStatus()))
	}
	rate := ""
	if cur := co.GetPayable().GetCurrency(); cur != "" && cur != co.GetCatalogCurrency() {
		rate = fmt.Sprintf("1 %s = %s %s", co.GetCatalogCurrency(), co.GetExchangeRate(), cur)
	}
	printFields(c.out,
		"checkout", co.GetId()+"  (key "+co.GetIdempotencyKey()+")",
		"status", status,
		"order", order,
	)
	printLines(c.out, co.GetLines())
	printFields(c.out,
		"subtotal", fmtMoney(co.GetSubtotal()),
		"discount", fmtDiscount(co.GetDiscount(), co.GetCouponCode()),
		"payable", fmtMoney(co.GetPayable()),
		"rate", rate,
		"card", fmtCard(co.GetPaymentMethod()),
		"address", fmtAddress(co.GetAddress()),
		"workflow", co.GetWorkflowId(),
	)
}
