// Package pricing turns items into a quote: lines priced in the customer's
// currency, subtotal, coupon discount and payable amount. It is a pure
// function of its input (products, rates, coupon, time), so checkout and
// order placement price the same way and tests can cover every rule.
//
// Rules (see package money for rounding):
//   - products are priced in the catalog currency; each unit price is
//     converted to the order currency and rounded half-even, and a line
//     total is that unit price times the quantity;
//   - the subtotal is the sum of the line totals;
//   - a percent coupon takes percent_off of the subtotal, rounded
//     half-even; a fixed coupon takes amount_off (catalog currency)
//     converted like prices, at most the subtotal;
//   - a coupon's minimum spend is compared with the subtotal in the
//     catalog currency, before conversion;
//   - payable = subtotal - discount.
package pricing

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
)

// CouponKind is how a coupon discounts.
type CouponKind string

// Coupon kinds.
const (
	Percent CouponKind = "PERCENT"
	Fixed   CouponKind = "FIXED"
)

// Coupon is a discount code.
type Coupon struct {
	Code       string
	Kind       CouponKind
	PercentOff int64
	// AmountOff and MinSpend are in the catalog currency.
	AmountOff  money.Money
	MinSpend   money.Money
	ValidFrom  time.Time
	ValidUntil time.Time
	// UsageLimit 0 means unlimited.
	UsageLimit int64
	Used       int64
	Disabled   bool
}

// Input is everything a quote depends on.
type Input struct {
	Items []commerce.Item
	// Products by id; a missing id is a product that no longer exists.
	Products map[int64]commerce.Product
	// Currency of the order; empty means the catalog currency.
	Currency        string
	CatalogCurrency string
	// Rates are units of a currency per unit of a common base, as decimals.
	Rates  map[string]string
	Coupon *Coupon
	Now    time.Time
	// Held says the items' stock is already reserved for the order (a
	// placement taking over what a lost run of it held): the units in
	// stock are not checked, only that the products are for sale.
	Held bool
}

// MaxQuantity bounds the units of one product in one order.
const MaxQuantity = 99

// Errors of pricing; all are business failures the caller must fix.
var (
	ErrNoItems             = apperr.New(apperr.FailedPrecondition, "nothing to order: the cart is empty")
	ErrUnavailable         = apperr.New(apperr.FailedPrecondition, "a product is not available")
	ErrUnsupportedCurrency = apperr.New(apperr.InvalidArgument, "unsupported currency")
	ErrCouponInvalid       = apperr.New(apperr.FailedPrecondition, "coupon cannot be used")
)

// Price computes the quote of in.
func Price(in Input) (commerce.Quote, error) {
	items, err := merge(in.Items)
	if err != nil {
		return commerce.Quote{}, err
	}
	currency := money.NormalizeCurrency(in.Currency)
	if currency == "" {
		currency = in.CatalogCurrency
	}
	rate, err := exchangeRate(in.Rates, in.CatalogCurrency, currency)
	if err != nil {
		return commerce.Quote{}, err
	}
	if err := checkAvailable(items, in.Products, in.Held); err != nil {
		return commerce.Quote{}, err
	}
	q := commerce.Quote{
		CatalogCurrency: in.CatalogCurrency,
		ExchangeRate:    rate.String(),
		Subtotal:        money.New(0, currency),
	}
	catalogSubtotal := money.New(0, in.CatalogCurrency)
	for _, it := range items {
		p := in.Products[it.ProductID]
		if p.Price.Currency != in.CatalogCurrency {
			return commerce.Quote{}, apperr.Internalf("product %d is priced in %s, not the catalog currency %s", p.ID, p.Price.Currency, in.CatalogCurrency)
		}
		unit, err := money.Convert(p.Price, currency, rate)
		if errors.Is(err, money.ErrOutOfRange) {
			return commerce.Quote{}, apperr.InvalidArgf("the price of %s is too large in %s; check out in another currency", p.Name, currency)
		}
		if err != nil {
			return commerce.Quote{}, err
		}
		total, err := unit.Mul(it.Quantity)
		if err != nil {
			return commerce.Quote{}, apperr.InvalidArgf("the total of %s is too large", p.Name)
		}
		catalogTotal, err := p.Price.Mul(it.Quantity)
		if err != nil {
			return commerce.Quote{}, apperr.InvalidArgf("the total of %s is too large", p.Name)
		}
		if q.Subtotal, err = q.Subtotal.Add(total); err != nil {
			return commerce.Quote{}, apperr.InvalidArgf("the order total is too large")
		}
		if catalogSubtotal, err = catalogSubtotal.Add(catalogTotal); err != nil {
			return commerce.Quote{}, apperr.InvalidArgf("the order total is too large")
		}
		q.Lines = append(q.Lines, commerce.Line{
			ProductID: p.ID, Name: p.Name, PictureURL: p.PictureURL, Quantity: it.Quantity,
			CatalogUnitPrice: p.Price, UnitPrice: unit, LineTotal: total,
		})
	}
	q.Discount = money.New(0, currency)
	if in.Coupon != nil {
		if err := checkCoupon(*in.Coupon, catalogSubtotal, in.Now); err != nil {
			return commerce.Quote{}, err
		}
		if q.Discount, err = discount(*in.Coupon, q.Subtotal, currency, rate); err != nil {
			return commerce.Quote{}, err
		}
		q.CouponCode = in.Coupon.Code
	}
	q.Payable = money.New(q.Subtotal.Amount-q.Discount.Amount, currency)
	return q, nil
}

// merge validates quantities and merges repeated products, in product id
// order so that equal inputs give equal quotes.
func merge(items []commerce.Item) ([]commerce.Item, error) {
	if len(items) == 0 {
		return nil, ErrNoItems
	}
	qty := map[int64]int64{}
	for _, it := range items {
		if it.ProductID <= 0 {
			return nil, apperr.InvalidArgf("product_id %d is not a product id", it.ProductID)
		}
		if it.Quantity <= 0 || it.Quantity > MaxQuantity {
			return nil, apperr.InvalidArgf("quantity %d of product %d: want 1 to %d", it.Quantity, it.ProductID, MaxQuantity)
		}
		qty[it.ProductID] += it.Quantity
		if qty[it.ProductID] > MaxQuantity {
			return nil, apperr.InvalidArgf("product %d: at most %d units per order", it.ProductID, MaxQuantity)
		}
	}
	out := make([]commerce.Item, 0, len(qty))
	for id, q := range qty {
		out = append(out, commerce.Item{ProductID: id, Quantity: q})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProductID < out[j].ProductID })
	return out, nil
}

// checkAvailable names every product that cannot be bought (held: whose
// units are reserved already).
func checkAvailable(items []commerce.Item, products map[int64]commerce.Product, held bool) error {
	var problems []string
	for _, it := range items {
		p, ok := products[it.ProductID]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("product %d no longer exists", it.ProductID))
		case !p.Active:
			problems = append(problems, fmt.Sprintf("%s (product %d) is not for sale", p.Name, p.ID))
		case !held && p.Available < it.Quantity:
			problems = append(problems, fmt.Sprintf("%s (product %d): %d requested, %d in stock", p.Name, p.ID, it.Quantity, p.Available))
		}
	}
	if len(problems) > 0 {
		return apperr.Wrap(ErrUnavailable, "cannot order: %s", strings.Join(problems, "; "))
	}
	return nil
}

// exchangeRate returns the rate from the catalog currency to currency.
func exchangeRate(rates map[string]string, catalog, currency string) (money.Rate, error) {
	if !money.ValidCurrency(currency) || rates[currency] == "" {
		supported := make([]string, 0, len(rates))
		for c := range rates {
			supported = append(supported, c)
		}
		slices.Sort(supported)
		return money.Rate{}, apperr.Wrap(ErrUnsupportedCurrency, "currency %q is not supported; use one of %s", currency, strings.Join(supported, ", "))
	}
	if currency == catalog {
		return money.One(), nil
	}
	from, err := money.ParseRate(rates[catalog])
	if err != nil {
		return money.Rate{}, apperr.Internalf("rate of %s: %w", catalog, err)
	}
	to, err := money.ParseRate(rates[currency])
	if err != nil {
		return money.Rate{}, apperr.Internalf("rate of %s: %w", currency, err)
	}
	// Round the cross rate to the digits it is recorded with, so that the
	// recorded rate reproduces the amounts.
	return money.ParseRate(money.Cross(from, to).String())
}

func checkCoupon(c Coupon, catalogSubtotal money.Money, now time.Time) error {
	switch {
	case c.Disabled:
		return apperr.Wrap(ErrCouponInvalid, "coupon %s is disabled", c.Code)
	case !c.ValidFrom.IsZero() && now.Before(c.ValidFrom):
		return apperr.Wrap(ErrCouponInvalid, "coupon %s is valid from %s", c.Code, c.ValidFrom.UTC().Format(time.RFC3339))
	case !c.ValidUntil.IsZero() && !now.Before(c.ValidUntil):
		return apperr.Wrap(ErrCouponInvalid, "coupon %s expired at %s", c.Code, c.ValidUntil.UTC().Format(time.RFC3339))
	case c.UsageLimit > 0 && c.Used >= c.UsageLimit:
		return apperr.Wrap(ErrCouponInvalid, "coupon %s has been used its %d times", c.Code, c.UsageLimit)
	case c.MinSpend.Amount > 0 && catalogSubtotal.Amount < c.MinSpend.Amount:
		return apperr.Wrap(ErrCouponInvalid, "coupon %s needs a subtotal of at least %s", c.Code, c.MinSpend)
	}
	return nil
}

func discount(c Coupon, subtotal money.Money, currency string, rate money.Rate) (money.Money, error) {
	var d money.Money
	var err error
	switch c.Kind {
	case Percent:
		d, err = money.Percent(subtotal, c.PercentOff)
	case Fixed:
		d, err = money.Convert(c.AmountOff, currency, rate)
	default:
		return money.Money{}, apperr.Internalf("coupon %s has unknown kind %q", c.Code, c.Kind)
	}
	if err != nil {
		return money.Money{}, err
	}
	if d.Amount > subtotal.Amount {
		d.Amount = subtotal.Amount
	}
	return d, nil
}
