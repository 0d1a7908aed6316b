// Package money is tempomall's money: int64 minor units with an ISO-4217
// currency code, exact decimal exchange rates, and one rounding rule.
//
// Rounding rule: every operation that yields a fraction of a minor unit
// (currency conversion, percentage discounts) rounds to the nearest minor
// unit, ties to the even unit ("banker's rounding"). Sums of already
// rounded amounts are exact. An order's amounts are computed per line:
// each line is converted and rounded, the subtotal is the sum of the
// rounded lines, the discount is computed on that subtotal and rounded, and
// the payable amount is subtotal minus discount.
package money

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Money is an amount in minor units of a currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// New returns amount minor units of currency.
func New(amount int64, currency string) Money { return Money{Amount: amount, Currency: currency} }

// exponents are ISO-4217 minor-unit exponents of the supported currencies.
var exponents = map[string]int{
	"USD": 2, "EUR": 2, "CNY": 2, "GBP": 2, "HKD": 2, "SGD": 2, "AUD": 2,
	"CAD": 2, "CHF": 2, "TWD": 2, "INR": 2, "JPY": 0, "KRW": 0, "VND": 0,
	"KWD": 3, "BHD": 3,
}

// Exponent returns the number of minor-unit digits of a currency.
func Exponent(currency string) (int, bool) {
	e, ok := exponents[currency]
	return e, ok
}

// ValidCurrency reports whether code is a supported ISO-4217 code.
func ValidCurrency(code string) bool {
	_, ok := exponents[code]
	return ok
}

// NormalizeCurrency upper-cases and trims a currency code.
func NormalizeCurrency(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// MaxAmount bounds amounts so that sums and products stay far from int64
// overflow: 10^15 minor units (ten trillion dollars).
const MaxAmount = 1_000_000_000_000_000

// ErrOutOfRange is returned for a result beyond MaxAmount: the caller's
// amounts are too large (InvalidArgument), not a fault of the system.
var ErrOutOfRange = apperr.New(apperr.InvalidArgument, "amount out of range")

// Add returns a+b; both must be in the same currency.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("cannot add %s to %s", o.Currency, m.Currency)
	}
	s := m.Amount + o.Amount
	// Operands beyond MaxAmount may wrap the sum around int64.
	wrapped := (o.Amount > 0 && s < m.Amount) || (o.Amount < 0 && s > m.Amount)
	if wrapped || s > MaxAmount || s < -MaxAmount {
		return Money{}, ErrOutOfRange
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Mul returns m times n.
func (m Money) Mul(n int64) (Money, error) {
	if n != 0 && (m.Amount > MaxAmount/abs(n) || m.Amount < -MaxAmount/abs(n)) {
		return Money{}, ErrOutOfRange
	}
	return Money{Amount: m.Amount * n, Currency: m.Currency}, nil
}

// String formats m in major units: "12.34 USD", "1200 JPY".
func (m Money) String() string {
	e, ok := exponents[m.Currency]
	if !ok || e == 0 {
		return fmt.Sprintf("%d %s", m.Amount, m.Currency)
	}
	sign := ""
	a := m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	p := int64(math.Pow10(e))
	return fmt.Sprintf("%s%d.%0*d %s", sign, a/p, e, a%p, m.Currency)
}

// Rate is an exact exchange rate: units of the target currency per unit of
// the source currency (major units).
type Rate struct{ r *big.Rat }

// ParseRate parses a positive decimal rate such as "7.1" or "0.9235". A
// rate is recorded with 10 fraction digits (String): one that would be
// recorded as 0 is refused.
func ParseRate(s string) (Rate, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok || r.Sign() <= 0 {
		return Rate{}, fmt.Errorf("invalid exchange rate %q: want a positive decimal", s)
	}
	if r.Cmp(minRate) < 0 {
		return Rate{}, fmt.Errorf("invalid exchange rate %q: rates keep 10 fraction digits, and this one rounds to 0", s)
	}
	return Rate{r: r}, nil
}

// minRate is the smallest rate String does not print as 0.
var minRate = big.NewRat(5, 100_000_000_000)

// One is the identity rate.
func One() Rate { return Rate{r: big.NewRat(1, 1)} }

// Cross returns the rate from currency a to b given both rates against a
// common base: units of b per unit of a = rateB / rateA.
func Cross(rateA, rateB Rate) Rate { return Rate{r: new(big.Rat).Quo(rateB.r, rateA.r)} }

// String formats the rate as a decimal with up to 10 fraction digits,
// trailing zeros trimmed.
func (r Rate) String() string {
	if r.r == nil {
		return "1"
	}
	s := r.r.FloatString(10)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// Convert converts m to currency to at rate, rounding half to even.
func Convert(m Money, to string, rate Rate) (Money, error) {
	fromExp, ok := exponents[m.Currency]
	if !ok {
		return Money{}, fmt.Errorf("unsupported currency %q", m.Currency)
	}
	toExp, ok := exponents[to]
	if !ok {
		return Money{}, fmt.Errorf("unsupported currency %q", to)
	}
	if rate.r == nil {
		return Money{}, fmt.Errorf("no rate")
	}
	v := new(big.Rat).SetInt64(m.Amount)
	v.Mul(v, rate.r)
	v.Mul(v, pow10Rat(toExp-fromExp))
	amount, err := RoundHalfEven(v)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: amount, Currency: to}, nil
}

// Percent returns pct percent of m, rounding half to even.
func Percent(m Money, pct int64) (Money, error) {
	v := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(m.Amount), big.NewInt(pct)), big.NewInt(100))
	amount, err := RoundHalfEven(v)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: amount, Currency: m.Currency}, nil
}

// RoundHalfEven rounds a rational to the nearest integer, ties to even.
func RoundHalfEven(v *big.Rat) (int64, error) {
	num, den := v.Num(), v.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	// q is truncated toward zero; compare 2|rem| with den.
	twice := new(big.Int).Abs(rem)
	twice.Lsh(twice, 1)
	switch c := twice.Cmp(den); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if v.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() || q.Int64() > MaxAmount || q.Int64() < -MaxAmount {
		return 0, ErrOutOfRange
	}
	return q.Int64(), nil
}

func pow10Rat(e int) *big.Rat {
	if e >= 0 {
		return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	}
	return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil))
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
