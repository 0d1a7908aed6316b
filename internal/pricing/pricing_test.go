package pricing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
)

var (
	now   = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	rates = map[string]string{"USD": "1", "CNY": "7.1", "JPY": "150", "EUR": "0.92"}
	mug   = commerce.Product{ID: 1, Name: "Mug", Price: money.New(1999, "USD"), Active: true, Available: 10}
	pen   = commerce.Product{ID: 2, Name: "Pen", Price: money.New(250, "USD"), Active: true, Available: 100}
	lamp  = commerce.Product{ID: 3, Name: "Lamp", Price: money.New(4500, "USD"), Active: false, Available: 5}
)

func catalog(ps ...commerce.Product) map[int64]commerce.Product {
	m := map[int64]commerce.Product{}
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

func items(pairs ...int64) []commerce.Item {
	var out []commerce.Item
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, commerce.Item{ProductID: pairs[i], Quantity: pairs[i+1]})
	}
	return out
}

type amounts struct{ Subtotal, Discount, Payable money.Money }

func TestPriceAmounts(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		want     amounts
		wantRate string
	}{
		{
			name:     "catalog currency, repeated product merged",
			in:       Input{Items: items(1, 1, 2, 2, 1, 1), Products: catalog(mug, pen)},
			want:     amounts{money.New(4498, "USD"), money.New(0, "USD"), money.New(4498, "USD")},
			wantRate: "1",
		},
		{
			name: "converted unit price rounds half-even, line is unit times quantity",
			// 19.99 USD * 7.1 = 141.929 CNY -> 141.93; x3 = 425.79
			in:       Input{Items: items(1, 3), Products: catalog(mug), Currency: "cny"},
			want:     amounts{money.New(42579, "CNY"), money.New(0, "CNY"), money.New(42579, "CNY")},
			wantRate: "7.1",
		},
		{
			name: "zero-exponent currency: 19.99 USD * 150 = 2998.5 JPY -> 2998 (tie to even)",
			in:   Input{Items: items(1, 1), Products: catalog(mug), Currency: "JPY"},
			want: amounts{money.New(2998, "JPY"), money.New(0, "JPY"), money.New(2998, "JPY")},
		},
		{
			name: "percent coupon rounds half-even",
			// 3 pens = 7.50 USD; 15% = 1.125 -> 1.12 (tie to even)
			in: Input{Items: items(2, 3), Products: catalog(pen),
				Coupon: &Coupon{Code: "P15", Kind: Percent, PercentOff: 15}},
			want: amounts{money.New(750, "USD"), money.New(112, "USD"), money.New(638, "USD")},
		},
		{
			name: "fixed coupon converted like prices",
			in: Input{Items: items(1, 1), Products: catalog(mug), Currency: "CNY",
				Coupon: &Coupon{Code: "F5", Kind: Fixed, AmountOff: money.New(500, "USD")}},
			want: amounts{money.New(14193, "CNY"), money.New(3550, "CNY"), money.New(10643, "CNY")},
		},
		{
			name: "fixed coupon capped at the subtotal",
			in: Input{Items: items(2, 1), Products: catalog(pen),
				Coupon: &Coupon{Code: "F50", Kind: Fixed, AmountOff: money.New(5000, "USD")}},
			want: amounts{money.New(250, "USD"), money.New(250, "USD"), money.New(0, "USD")},
		},
		{
			name: "minimum spend met exactly, valid window, usage left",
			in: Input{Items: items(2, 4), Products: catalog(pen), Coupon: &Coupon{
				Code: "MIN10", Kind: Percent, PercentOff: 10, MinSpend: money.New(1000, "USD"),
				ValidFrom: now.Add(-time.Hour), ValidUntil: now.Add(time.Hour), UsageLimit: 5, Used: 4}},
			want: amounts{money.New(1000, "USD"), money.New(100, "USD"), money.New(900, "USD")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.CatalogCurrency, tt.in.Rates, tt.in.Now = "USD", rates, now
			q, err := Price(tt.in)
			if err != nil {
				t.Fatalf("Price: %v", err)
			}
			got := amounts{q.Subtotal, q.Discount, q.Payable}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("amounts (-want +got):\n%s", diff)
			}
			if tt.wantRate != "" && q.ExchangeRate != tt.wantRate {
				t.Errorf("rate = %s, want %s", q.ExchangeRate, tt.wantRate)
			}
			var sum int64
			for _, l := range q.Lines {
				sum += l.LineTotal.Amount
				if l.LineTotal.Amount != l.UnitPrice.Amount*l.Quantity {
					t.Errorf("line %d: total %v != unit %v x %d", l.ProductID, l.LineTotal, l.UnitPrice, l.Quantity)
				}
			}
			if sum != q.Subtotal.Amount {
				t.Errorf("lines sum to %d, subtotal %d", sum, q.Subtotal.Amount)
			}
		})
	}
}

func TestPriceRefusals(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		kind apperr.Kind
		is   error
	}{
		{"empty", Input{Products: catalog(mug)}, apperr.FailedPrecondition, ErrNoItems},
		{"zero quantity", Input{Items: items(1, 0), Products: catalog(mug)}, apperr.InvalidArgument, nil},
		{"over the per-product cap after merging", Input{Items: items(2, 60, 2, 40), Products: catalog(pen)}, apperr.InvalidArgument, nil},
		{"deleted product", Input{Items: items(9, 1), Products: catalog(mug)}, apperr.FailedPrecondition, ErrUnavailable},
		{"inactive product", Input{Items: items(3, 1), Products: catalog(lamp)}, apperr.FailedPrecondition, ErrUnavailable},
		{"short stock", Input{Items: items(1, 11), Products: catalog(mug)}, apperr.FailedPrecondition, ErrUnavailable},
		{"unknown currency", Input{Items: items(1, 1), Products: catalog(mug), Currency: "XYZ"}, apperr.InvalidArgument, ErrUnsupportedCurrency},
		{"currency without a rate", Input{Items: items(1, 1), Products: catalog(mug), Currency: "GBP"}, apperr.InvalidArgument, ErrUnsupportedCurrency},
		{"disabled coupon", Input{Items: items(1, 1), Products: catalog(mug), Coupon: &Coupon{Code: "X", Kind: Percent, PercentOff: 5, Disabled: true}}, apperr.FailedPrecondition, ErrCouponInvalid},
		{"coupon not yet valid", Input{Items: items(1, 1), Products: catalog(mug), Coupon: &Coupon{Code: "X", Kind: Percent, PercentOff: 5, ValidFrom: now.Add(time.Minute)}}, apperr.FailedPrecondition, ErrCouponInvalid},
		{"coupon expired", Input{Items: items(1, 1), Products: catalog(mug), Coupon: &Coupon{Code: "X", Kind: Percent, PercentOff: 5, ValidUntil: now}}, apperr.FailedPrecondition, ErrCouponInvalid},
		{"coupon used up", Input{Items: items(1, 1), Products: catalog(mug), Coupon: &Coupon{Code: "X", Kind: Percent, PercentOff: 5, UsageLimit: 3, Used: 3}}, apperr.FailedPrecondition, ErrCouponInvalid},
		{"below minimum spend", Input{Items: items(2, 1), Products: catalog(pen), Coupon: &Coupon{Code: "X", Kind: Percent, PercentOff: 5, MinSpend: money.New(251, "USD")}}, apperr.FailedPrecondition, ErrCouponInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.CatalogCurrency, tt.in.Rates, tt.in.Now = "USD", rates, now
			_, err := Price(tt.in)
			if apperr.KindOf(err) != tt.kind || err == nil {
				t.Fatalf("err = %v (%v), want kind %v", err, apperr.KindOf(err), tt.kind)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err %v does not carry %v", err, tt.is)
			}
		})
	}
}

func TestUnavailableNamesEveryProduct(t *testing.T) {
	_, err := Price(Input{Items: items(1, 11, 3, 1, 9, 1), Products: catalog(mug, lamp),
		CatalogCurrency: "USD", Rates: rates, Now: now})
	want := "cannot order: Mug (product 1): 11 requested, 10 in stock; Lamp (product 3) is not for sale; product 9 no longer exists"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// TestHeldItemsAreNotCheckedForStock: items already reserved for the
// order are priced whatever is left in stock; products not for sale are
// still refused.
func TestHeldItemsAreNotCheckedForStock(t *testing.T) {
	q, err := Price(Input{Items: items(1, 11), Products: catalog(mug), CatalogCurrency: "USD", Rates: rates, Now: now, Held: true})
	if err != nil || q.Payable.Amount != 11*mug.Price.Amount {
		t.Errorf("held mugs: %+v, %v", q.Payable, err)
	}
	_, err = Price(Input{Items: items(3, 1), Products: catalog(lamp), CatalogCurrency: "USD", Rates: rates, Now: now, Held: true})
	if err == nil || !strings.Contains(err.Error(), "not for sale") {
		t.Errorf("a held lamp not for sale: %v", err)
	}
}

// TestConversionOverflow checks that a price too large for the customer's
// currency is the caller's problem (InvalidArgument, not retried), named.
func TestConversionOverflow(t *testing.T) {
	dear := commerce.Product{ID: 9, Name: "Yacht", Price: money.New(money.MaxAmount, "USD"), Active: true, Available: 1}
	_, err := Price(Input{Items: items(9, 1), Products: catalog(dear), Currency: "JPY", CatalogCurrency: "USD", Rates: rates, Now: now})
	if apperr.KindOf(err) != apperr.InvalidArgument || err.Error() != "the price of Yacht is too large in JPY; check out in another currency" {
		t.Errorf("a maximum price in JPY: %v (%s)", err, apperr.KindOf(err))
	}
	if _, err := Price(Input{Items: items(9, 1), Products: catalog(dear), Currency: "USD", CatalogCurrency: "USD", Rates: rates, Now: now}); err != nil {
		t.Errorf("the same price in USD: %v", err)
	}
}
