package main

import (
	"testing"

	"github.com/tempomall/tempomall/internal/money"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, currency string
		want         money.Money
	}{
		{"12.50", "USD", money.New(1250, "USD")},
		{"12.5", "USD", money.New(1250, "USD")},
		{"12", "USD", money.New(1200, "USD")},
		{"0.99", "EUR", money.New(99, "EUR")},
		{".5", "USD", money.New(50, "USD")},
		{"7.", "USD", money.New(700, "USD")},
		{" 00012.30 ", "usd", money.New(1230, "USD")},
		{"0", "USD", money.New(0, "USD")},
		{"0.00", "USD", money.New(0, "USD")},
		{"1200", "JPY", money.New(1200, "JPY")},
		{"1.234", "KWD", money.New(1234, "KWD")},
		{"266.25", "CNY", money.New(26625, "CNY")},
		// Amounts a float64 gets wrong: 0.29*100 is 28.999999999999996.
		{"0.29", "USD", money.New(29, "USD")},
		{"1.15", "USD", money.New(115, "USD")},
		{"9999999999999.99", "USD", money.New(999999999999999, "USD")},
		{"10000000000000.00", "USD", money.New(money.MaxAmount, "USD")},
	}
	for _, tt := range tests {
		got, err := parseAmount(tt.in, tt.currency)
		if err != nil {
			t.Errorf("parseAmount(%q, %s): %v", tt.in, tt.currency, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parseAmount(%q, %s) = %+v, want %+v", tt.in, tt.currency, got, tt.want)
		}
	}
}

func TestParseAmountRefuses(t *testing.T) {
	tests := []struct{ in, currency string }{
		{"", "USD"},
		{".", "USD"},
		{"12.505", "USD"},   // more decimals than cents
		{"12.5", "JPY"},     // yen have no minor unit
		{"1.2345", "KWD"},   // three decimals at most
		{"-1.00", "USD"},    // negative
		{"+1.00", "USD"},    // signs are not amounts
		{"1,000.00", "USD"}, // no grouping
		{"1e3", "USD"},
		{"12.50 USD", "USD"},
		{"abc", "USD"},
		{"1.2.3", "USD"},
		{"10000000000000.01", "USD"},    // above money.MaxAmount
		{"99999999999999999999", "USD"}, // beyond int64
		{"12.50", "XXX"},                // unknown currency
	}
	for _, tt := range tests {
		if got, err := parseAmount(tt.in, tt.currency); err == nil {
			t.Errorf("parseAmount(%q, %s) = %+v, want an error", tt.in, tt.currency, got)
		}
	}
}

func TestParseAmountRoundTrips(t *testing.T) {
	// What parseAmount reads, money.Money.String writes back.
	for _, s := range []string{"0.01", "12.50", "1234.05", "1200", "1.234"} {
		cur := "USD"
		switch s {
		case "1200":
			cur = "JPY"
		case "1.234":
			cur = "KWD"
		}
		m, err := parseAmount(s, cur)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.String(), s+" "+cur; got != want {
			t.Errorf("String of parseAmount(%q) = %q, want %q", s, got, want)
		}
	}
}
