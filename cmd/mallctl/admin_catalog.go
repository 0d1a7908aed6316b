package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// runAdminProduct changes the catalog.
func runAdminProduct(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "admin product", args, []subcommand{{"create", runAdminProductCreate}}, "")
}

func runAdminProductCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("admin product create -name N -price 12.50 [-currency USD] -stock N [-category C] [-description D] [-picture URL] [-key K] [-json]")
	name := fs.String("name", "", "the product's `name` (required)")
	price := fs.String("price", "", "unit price in major units, such as `12.50` (required)")
	currency := fs.String("currency", c.cfg.CatalogCurrency, "the price's `currency`")
	stock := fs.Int64("stock", 0, "initial `units` on hand")
	category := fs.String("category", "", "its category (`name or id`)")
	description := fs.String("description", "", "`text` shown with the product")
	picture := fs.String("picture", "", "picture `URL`")
	key := fs.String("key", "", "idempotency `key`: the same key again returns the product the first call created")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *name == "" || *price == "" {
		return c.usageErr(fs, "-name and -price are required")
	}
	m, err := parseAmount(*price, *currency)
	if err != nil {
		return c.usageErr(fs, "-price: %v", err)
	}
	if *stock < 0 {
		return c.usageErr(fs, "-stock must be 0 or more")
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	names, err := c.categoryNames(ctx)
	if err != nil {
		return err
	}
	req := &product.CreateProductRequest{
		Name: *name, Description: *description, PictureUrl: *picture, Price: protoconv.Money(m),
		InitialStock: *stock, IdempotencyKey: *key,
	}
	if *category != "" {
		id, err := resolveCategory(*category, names)
		if err != nil {
			return err
		}
		req.CategoryIds = []int64{id}
	}
	resp, err := cl.Product.CreateProduct(actx, req)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, resp.GetProduct())
	}
	c.printProduct(resp.GetProduct(), names)
	return nil
}

func runAdminStock(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("admin stock PRODUCT_ID... [-adjust N [-reason R] [-key K]] [-json]")
	adjust := fs.Int64("adjust", 0, "add (positive) or remove (negative) `units` on hand, for one product")
	reason := fs.String("reason", "", "why, with -adjust (restock, shrinkage, ...)")
	key := fs.String("key", "", "with -adjust, an idempotency `key`: a repeat changes nothing")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	ids := make([]int64, len(pos))
	for i, p := range pos {
		if ids[i], err = parseID(p, "product id"); err != nil {
			return c.usageErr(fs, "%v", err)
		}
	}
	if *adjust != 0 && len(ids) != 1 {
		return c.usageErr(fs, "-adjust changes one product at a time")
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	var levels []*product.StockLevel
	if *adjust != 0 {
		resp, err := cl.Product.AdjustStock(actx, &product.AdjustStockRequest{ProductId: ids[0], Delta: *adjust, Reason: *reason, IdempotencyKey: *key})
		if err != nil {
			return err
		}
		levels = []*product.StockLevel{resp.GetLevel()}
	} else {
		resp, err := cl.Product.GetStock(actx, &product.GetStockRequest{ProductIds: ids})
		if err != nil {
			return err
		}
		levels = resp.GetLevels()
	}
	if *asJSON {
		return printJSON(c.out, levels)
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "PRODUCT\tAVAILABLE\tRESERVED\tCOMMITTED")
	for _, l := range levels {
		fmt.Fprintf(t, "%d\t%d\t%d\t%d\n", l.GetProductId(), l.GetAvailable(), l.GetReserved(), l.GetCommitted())
	}
	return t.Flush()
}

// runAdminCoupon creates, lists and disables coupons.
func runAdminCoupon(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "admin coupon", args, []subcommand{
		{"create", runAdminCouponCreate},
		{"list", runAdminCouponList},
		{"disable", runAdminCouponDisable},
	}, "")
}

func runAdminCouponCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("admin coupon create -code C (-percent N | -amount 5.00) [-min-spend 20.00] [-limit N] [-from DATE] [-until DATE]")
	code := fs.String("code", "", "the coupon's `code`, 3-32 of A-Z 0-9 _ - (required)")
	percent := fs.Int("percent", 0, "percent off the subtotal (1-100)")
	amount := fs.String("amount", "", "fixed `amount` off, in the catalog currency")
	minSpend := fs.String("min-spend", "", "minimum subtotal (`amount` in the catalog currency)")
	limit := fs.Int64("limit", 0, "how many times it may be used (0: unlimited)")
	from := fs.String("from", "", "valid from this `date` (2006-01-02 or RFC 3339)")
	until := fs.String("until", "", "valid until this `date`")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *code == "" || (*percent == 0) == (*amount == "") {
		return c.usageErr(fs, "give -code and one of -percent or -amount")
	}
	cur := c.cfg.CatalogCurrency
	in := &checkout.Coupon{Code: *code, UsageLimit: *limit, Kind: checkout.CouponKind_COUPON_KIND_PERCENT, PercentOff: int32(*percent)}
	if *amount != "" {
		m, err := parseAmount(*amount, cur)
		if err != nil {
			return c.usageErr(fs, "-amount: %v", err)
		}
		in.Kind, in.AmountOff = checkout.CouponKind_COUPON_KIND_FIXED, protoconv.Money(m)
	}
	if *minSpend != "" {
		m, err := parseAmount(*minSpend, cur)
		if err != nil {
			return c.usageErr(fs, "-min-spend: %v", err)
		}
		in.MinSpend = protoconv.Money(m)
	}
	var err error
	if in.ValidFrom, err = parseDate(*from); err != nil {
		return c.usageErr(fs, "-from: %v", err)
	}
	if in.ValidUntil, err = parseDate(*until); err != nil {
		return c.usageErr(fs, "-until: %v", err)
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	resp, err := cl.Checkout.CreateCoupon(actx, &checkout.CreateCouponRequest{Coupon: in})
	if err != nil {
		return err
	}
	c.printCoupons([]*checkout.Coupon{resp.GetCoupon()})
	return nil
}

func runAdminCouponList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("admin coupon list [-all] [-json]")
	all := fs.Bool("all", false, "include disabled coupons")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	resp, err := cl.Checkout.ListCoupons(actx, &checkout.ListCouponsRequest{IncludeDisabled: *all})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, resp.GetCoupons())
	}
	c.printCoupons(resp.GetCoupons())
	return nil
}

func runAdminCouponDisable(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("admin coupon disable CODE")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	resp, err := cl.Checkout.DisableCoupon(actx, &checkout.DisableCouponRequest{Code: pos[0]})
	if err != nil {
		return err
	}
	c.printCoupons([]*checkout.Coupon{resp.GetCoupon()})
	return nil
}

// printCoupons prints coupons as a table.
func (c *cli) printCoupons(coupons []*checkout.Coupon) {
	if len(coupons) == 0 {
		fmt.Fprintln(c.out, "no coupons")
		return
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "CODE\tOFF\tMIN SPEND\tUSED\tVALID\tSTATE")
	for _, cp := range coupons {
		off := strconv.Itoa(int(cp.GetPercentOff())) + "%"
		if cp.GetKind() == checkout.CouponKind_COUPON_KIND_FIXED {
			off = fmtMoney(cp.GetAmountOff())
		}
		used := strconv.FormatInt(cp.GetUsed(), 10)
		if cp.GetUsageLimit() > 0 {
			used += " of " + strconv.FormatInt(cp.GetUsageLimit(), 10)
		}
		valid := joinNonEmpty(" ", prefixed("from ", optTime(cp.GetValidFrom())), prefixed("until ", optTime(cp.GetValidUntil())))
		state := "active"
		if cp.GetDisabled() {
			state = "disabled"
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\n", cp.GetCode(), off, fmtMoney(cp.GetMinSpend()), used, valid, state)
	}
	_ = t.Flush()
}

// prefixed returns prefix+s, or "" when s is.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// parseDate reads a date (2006-01-02, local midnight) or an RFC 3339 time;
// "" is none.
func parseDate(s string) (*timestamppb.Timestamp, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return timestamppb.New(t), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("%q: want 2006-01-02 or an RFC 3339 time", s)
	}
	return timestamppb.New(t), nil
}
