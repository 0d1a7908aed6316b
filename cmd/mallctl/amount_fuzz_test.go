package main

import (
	"math/big"
	"strings"
	"testing"

	"github.com/tempomall/tempomall/internal/money"
)

// FuzzParseAmount checks parseAmount on any text and currency: it never
// panics; an accepted amount is the typed decimal exactly, in minor units
// of the normalized currency, between 0 and money.MaxAmount; and it
// round-trips through its printed form (money.Money.String, which mallctl
// shows).
func FuzzParseAmount(f *testing.F) {
	for _, s := range []struct{ amount, currency string }{
		{"12.50", "USD"}, {".5", "usd"}, {"7.", "EUR"}, {" 00012.30 ", " usd "}, {"1200", "JPY"}, {"1.234", "KWD"},
		{"10000000000000.00", "USD"}, {"10000000000000.01", "USD"}, {"99999999999999999999", "USD"},
		{"-1.00", "USD"}, {"+1", "USD"}, {"1e3", "USD"}, {"1,000", "USD"}, {"١٢", "USD"}, {"12.50", "XXX"}, {"", ""},
	} {
		f.Add(s.amount, s.currency)
	}
	f.Fuzz(func(t *testing.T, s, currency string) {
		m, err := parseAmount(s, currency)
		if err != nil {
			return
		}
		cur := money.NormalizeCurrency(currency)
		exp, ok := money.Exponent(cur)
		switch {
		case !ok || m.Currency != cur:
			t.Fatalf("parseAmount(%q, %q) = %+v", s, currency, m)
		case m.Amount < 0 || m.Amount > money.MaxAmount:
			t.Fatalf("parseAmount(%q, %q) = %d, out of range", s, currency, m.Amount)
		}
		typed, ok := new(big.Rat).SetString(strings.TrimSpace(s))
		if !ok {
			t.Fatalf("parseAmount(%q) accepted what is no decimal", s)
		}
		minor := new(big.Rat).Mul(typed, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
		if !minor.IsInt() || minor.Num().Int64() != m.Amount || !minor.Num().IsInt64() {
			t.Fatalf("parseAmount(%q, %s) = %d minor units, but %q is %s", s, cur, m.Amount, s, minor.RatString())
		}
		printed := m.String()
		number, code, found := strings.Cut(printed, " ")
		if !found || code != cur {
			t.Fatalf("%+v prints as %q", m, printed)
		}
		again, err := parseAmount(number, code)
		if err != nil || again != m {
			t.Fatalf("%+v prints as %q, which reads back as %+v, %v", m, printed, again, err)
		}
	})
}
