package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/internal/money"
)

// parseAmount reads an amount typed in major units ("12.50", "12.5",
// "1200" for JPY) into minor units of currency, exactly: it works on the
// digits, never on floating point, and refuses more fraction digits than
// the currency has (the exponent of internal/money) and negative amounts.
func parseAmount(s, currency string) (money.Money, error) {
	currency = money.NormalizeCurrency(currency)
	exp, ok := money.Exponent(currency)
	if !ok {
		return money.Money{}, fmt.Errorf("currency %q is not supported", currency)
	}
	s = strings.TrimSpace(s)
	whole, frac, hasPoint := strings.Cut(s, ".")
	switch {
	case s == "":
		return money.Money{}, fmt.Errorf("amount is empty")
	case !allDigits(whole) || (hasPoint && !allDigits(frac)) || (whole == "" && frac == ""):
		return money.Money{}, fmt.Errorf("amount %q: want digits with an optional decimal point, such as 12.50", s)
	case len(frac) > exp && exp == 0:
		return money.Money{}, fmt.Errorf("amount %q: %s has no minor unit; write whole units", s, currency)
	case len(frac) > exp:
		return money.Money{}, fmt.Errorf("amount %q: %s has %d decimal places at most", s, currency, exp)
	}
	digits := strings.TrimLeft(whole+frac+strings.Repeat("0", exp-len(frac)), "0")
	if digits == "" {
		return money.New(0, currency), nil
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > money.MaxAmount {
		return money.Money{}, fmt.Errorf("amount %q is too large", s)
	}
	return money.New(n, currency), nil
}

// allDigits reports whether s holds only ASCII digits (the empty string
// does).
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
