package money

import (
	"math/big"
	"testing"
)

func TestRoundHalfEven(t *testing.T) {
	tests := []struct {
		num, den int64
		want     int64
	}{
		{5, 2, 2},   // 2.5 -> 2
		{7, 2, 4},   // 3.5 -> 4
		{-5, 2, -2}, // -2.5 -> -2
		{-7, 2, -4}, // -3.5 -> -4
		{26, 10, 3}, // 2.6 -> 3
		{24, 10, 2}, // 2.4 -> 2
		{-26, 10, -3},
		{10, 1, 10},
		{1, 3, 0},
		{2, 3, 1},
	}
	for _, tt := range tests {
		got, err := RoundHalfEven(big.NewRat(tt.num, tt.den))
		if err != nil || got != tt.want {
			t.Errorf("RoundHalfEven(%d/%d) = %d, %v; want %d", tt.num, tt.den, got, err, tt.want)
		}
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		in   Money
		to   string
		rate string
		want Money
	}{
		{"identity", New(1234, "USD"), "USD", "1", New(1234, "USD")},
		{"usd to cny", New(1999, "USD"), "CNY", "7.1", New(14193, "CNY")}, // 141.929 -> 141.93
		{"tie rounds to even down", New(5, "USD"), "EUR", "0.5", New(2, "EUR")},
		{"tie rounds to even up", New(7, "USD"), "EUR", "0.5", New(4, "EUR")},
		{"to zero-exponent currency", New(1999, "USD"), "JPY", "150", New(2998, "JPY")}, // 2998.5 -> 2998
		{"to zero-exponent tie up", New(1997, "USD"), "JPY", "150", New(2996, "JPY")},   // 2995.5 -> 2996
		{"from zero-exponent currency", New(1000, "JPY"), "USD", "0.0066666667", New(667, "USD")},
		{"to three-exponent currency", New(100, "USD"), "KWD", "0.307", New(307, "KWD")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRate(tt.rate)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Convert(tt.in, tt.to, r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Convert(%v, %s, %s) = %v, want %v", tt.in, tt.to, tt.rate, got, tt.want)
			}
		})
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		in   int64
		pct  int64
		want int64
	}{
		{1000, 10, 100},
		{1005, 10, 100}, // 100.5 -> 100
		{1015, 10, 102}, // 101.5 -> 102
		{999, 33, 330},  // 329.67 -> 330
		{1, 50, 0},      // 0.5 -> 0
		{3, 50, 2},      // 1.5 -> 2
	}
	for _, tt := range tests {
		got, err := Percent(New(tt.in, "USD"), tt.pct)
		if err != nil || got.Amount != tt.want {
			t.Errorf("Percent(%d, %d%%) = %v, %v; want %d", tt.in, tt.pct, got, err, tt.want)
		}
	}
}

func TestCrossAndString(t *testing.T) {
	cny, _ := ParseRate("7.1")
	eur, _ := ParseRate("0.92")
	if got := Cross(cny, eur).String(); got != "0.1295774648" {
		t.Errorf("Cross = %s", got)
	}
	if got := New(-1234, "USD").String(); got != "-12.34 USD" {
		t.Errorf("String = %s", got)
	}
	if got := New(1200, "JPY").String(); got != "1200 JPY" {
		t.Errorf("String = %s", got)
	}
	if _, err := ParseRate("-1"); err == nil {
		t.Error("negative rate accepted")
	}
	if _, err := New(MaxAmount, "USD").Mul(2); err == nil {
		t.Error("overflow accepted")
	}
}
