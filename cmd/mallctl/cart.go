package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/internal/clients"
)

// runCart shows and changes the logged-in customer's cart.
func runCart(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "cart", args, []subcommand{
		{"show", runCartShow},
		{"add", runCartAdd},
		{"set", runCartSet},
		{"remove", runCartRemove},
		{"empty", runCartEmpty},
	}, "show")
}

func runCartShow(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cart [show] [-json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	resp, err := cl.Cart.GetCart(actx, &cart.GetCartRequest{})
	if err != nil {
		return err
	}
	return c.showCart(resp.GetCart(), *asJSON)
}

func runCartAdd(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cart add PRODUCT_ID [QUANTITY]")
	pos, err := c.parse(fs, args, 1, 2)
	if err != nil {
		return err
	}
	id, err := parseID(pos[0], "product id")
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	qty := int64(1)
	if len(pos) == 2 {
		if qty, err = parseQuantity(pos[1]); err != nil {
			return c.usageErr(fs, "%v", err)
		}
	}
	return c.changeCart(ctx, func(actx context.Context, cl *clients.Clients) (*cart.Cart, error) {
		resp, err := cl.Cart.AddItem(actx, &cart.AddItemRequest{ProductId: id, Quantity: qty})
		return resp.GetCart(), err
	})
}

func runCartSet(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cart set PRODUCT_ID QUANTITY   (0 removes the item)")
	pos, err := c.parse(fs, args, 2, 2)
	if err != nil {
		return err
	}
	id, err := parseID(pos[0], "product id")
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	qty, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || qty < 0 {
		return c.usageErr(fs, "quantity %q: want 0 or more", pos[1])
	}
	return c.changeCart(ctx, func(actx context.Context, cl *clients.Clients) (*cart.Cart, error) {
		resp, err := cl.Cart.UpdateItem(actx, &cart.UpdateItemRequest{ProductId: id, Quantity: qty})
		return resp.GetCart(), err
	})
}

func runCartRemove(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cart remove PRODUCT_ID")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	id, err := parseID(pos[0], "product id")
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	return c.changeCart(ctx, func(actx context.Context, cl *clients.Clients) (*cart.Cart, error) {
		resp, err := cl.Cart.RemoveItem(actx, &cart.RemoveItemRequest{ProductId: id})
		return resp.GetCart(), err
	})
}

func runCartEmpty(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("cart empty")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.changeCart(ctx, func(actx context.Context, cl *clients.Clients) (*cart.Cart, error) {
		if _, err := cl.Cart.EmptyCart(actx, &cart.EmptyCartRequest{}); err != nil {
			return nil, err
		}
		resp, err := cl.Cart.GetCart(actx, &cart.GetCartRequest{}) // show the cart as it is now
		return resp.GetCart(), err
	})
}

// changeCart runs a change with the customer's token and shows the cart
// it returns.
func (c *cli) changeCart(ctx context.Context, change func(context.Context, *clients.Clients) (*cart.Cart, error)) error {
	actx, cl, err := c.as(ctx, asUser)
	if err != nil {
		return err
	}
	got, err := change(actx, cl)
	if err != nil {
		return err
	}
	return c.showCart(got, false)
}

// showCart prints a cart.
func (c *cli) showCart(ct *cart.Cart, asJSON bool) error {
	if asJSON {
		return printJSON(c.out, ct)
	}
	if len(ct.GetItems()) == 0 {
		fmt.Fprintln(c.out, "the cart is empty")
		return nil
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "ID\tNAME\tQTY\tUNIT PRICE\tTOTAL")
	for _, it := range ct.GetItems() {
		note := ""
		if !it.GetAvailable() {
			note = "\tunavailable: " + it.GetUnavailableReason()
		}
		fmt.Fprintf(t, "%d\t%s\t%d\t%s\t%s%s\n", it.GetProductId(), it.GetName(), it.GetQuantity(),
			fmtMoney(it.GetUnitPrice()), fmtMoney(it.GetLineTotal()), note)
	}
	_ = t.Flush()
	var totals []string
	for _, m := range ct.GetSubtotals() {
		totals = append(totals, fmtMoney(m))
	}
	fmt.Fprintf(c.out, "%d item%s, subtotal %s\n", ct.GetTotalQuantity(), plural(int(ct.GetTotalQuantity())), strings.Join(totals, " + "))
	return nil
}

// parseQuantity reads a positive quantity.
func parseQuantity(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("quantity %q: want 1 or more", s)
	}
	return n, nil
}
