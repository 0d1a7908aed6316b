package money

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// fuzzCurrencies are the currencies the fuzz targets pick from by index:
// supported ones of each exponent, and two that are not.
var fuzzCurrencies = []string{"USD", "JPY", "KWD", "CNY", "EUR", "XXX", ""}

// nearest rounds p/q to the nearest integer, ties to even: the rounding
// rule, computed apart from RoundHalfEven (floor division instead of
// truncation).
func nearest(x *big.Rat) *big.Int {
	p, q := x.Num(), x.Denom() // q > 0
	fl, rem := new(big.Int).DivMod(p, q, new(big.Int))
	twice := new(big.Int).Lsh(rem, 1)
	switch c := twice.Cmp(q); {
	case c > 0, c == 0 && fl.Bit(0) == 1:
		fl.Add(fl, big.NewInt(1))
	}
	return fl
}

var maxAmount = big.NewInt(MaxAmount)

// wantAmount checks a result against the exact value it rounds: the
// rounded value when it is within ±MaxAmount, ErrOutOfRange otherwise.
func wantAmount(t *testing.T, what string, exact *big.Rat, got int64, err error) {
	t.Helper()
	want := nearest(exact)
	if want.CmpAbs(maxAmount) > 0 {
		if !errors.Is(err, ErrOutOfRange) {
			t.Fatalf("%s = %d, %v; want ErrOutOfRange (the exact value is %s)", what, got, err, exact.RatString())
		}
		return
	}
	if err != nil || got != want.Int64() {
		t.Fatalf("%s = %d, %v; want %s (the exact value is %s)", what, got, err, want, exact.RatString())
	}
}

func ratOf(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

// FuzzConvert checks the arithmetic of amounts on any operands: Convert,
// RoundHalfEven, Add, Mul and Percent never panic; each result is the
// exact value rounded half to even when that lies within ±MaxAmount, and
// ErrOutOfRange otherwise; converting to the same currency at rate 1 is
// the identity.
func FuzzConvert(f *testing.F) {
	f.Add(int64(1250), int64(3), uint8(0), uint8(3), int64(71), int64(10)) // 12.50 USD to CNY at 7.1
	f.Add(int64(1250), int64(10), uint8(0), uint8(1), int64(150), int64(1))
	f.Add(int64(MaxAmount), int64(1), uint8(0), uint8(1), int64(150), int64(1)) // beyond the maximum in JPY
	f.Add(int64(-MaxAmount), int64(-1), uint8(2), uint8(0), int64(1), int64(3))
	f.Add(int64(5), int64(50), uint8(1), uint8(0), int64(1), int64(2)) // a tie
	f.Add(int64(0), int64(0), uint8(5), uint8(6), int64(0), int64(0))
	f.Add(int64(-7), int64(100), uint8(4), uint8(4), int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, a, b int64, fromIdx, toIdx uint8, num, den int64) {
		from := fuzzCurrencies[int(fromIdx)%len(fuzzCurrencies)]
		to := fuzzCurrencies[int(toIdx)%len(fuzzCurrencies)]
		m := New(a, from)

		// The identity.
		got, err := Convert(m, from, One())
		switch {
		case !ValidCurrency(from):
			if err == nil {
				t.Fatalf("Convert from %q accepted", from)
			}
		case a > MaxAmount || a < -MaxAmount:
			if !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("Convert(%v) at rate 1 = %v, %v; want ErrOutOfRange", m, got, err)
			}
		case err != nil || got != m:
			t.Fatalf("Convert(%v) at rate 1 = %v, %v; want it unchanged", m, got, err)
		}

		// Another currency at a positive rate num/den.
		if num != 0 && den != 0 {
			rate := Rate{r: new(big.Rat).Abs(big.NewRat(num, den))}
			got, err := Convert(m, to, rate)
			if !ValidCurrency(from) || !ValidCurrency(to) {
				if err == nil {
					t.Fatalf("Convert %q to %q accepted", from, to)
				}
			} else {
				exact := new(big.Rat).Mul(ratOf(a), rate.r)
				exact.Mul(exact, pow10Rat(exponents[to]-exponents[from]))
				wantAmount(t, "Convert", exact, got.Amount, err)
				if err == nil && got.Currency != to {
					t.Fatalf("Convert to %s gave %v", to, got)
				}
			}
			r, err := RoundHalfEven(big.NewRat(num, den))
			wantAmount(t, "RoundHalfEven", big.NewRat(num, den), r, err)
		}
		if _, err := Convert(m, to, Rate{}); err == nil {
			t.Fatal("Convert without a rate accepted")
		}

		// Sums and products.
		sum, err := m.Add(New(b, from))
		wantAmount(t, "Add", new(big.Rat).Add(ratOf(a), ratOf(b)), sum.Amount, err)
		if _, err := m.Add(New(b, from+"X")); err == nil {
			t.Fatal("Add of two currencies accepted")
		}
		prod, err := m.Mul(b)
		wantAmount(t, "Mul", new(big.Rat).Mul(ratOf(a), ratOf(b)), prod.Amount, err)
		pct, err := Percent(m, b)
		wantAmount(t, "Percent", new(big.Rat).Mul(ratOf(a), big.NewRat(b, 100)), pct.Amount, err)
	})
}

// decimal is what a rate prints as.
var decimal = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,10})?$`)

// FuzzParseRate checks ParseRate on any text: it never panics; what it
// accepts is positive and prints as a decimal that ParseRate accepts and
// prints the same (what pricing records and reads back); every plain
// positive decimal of at most ten fraction digits is accepted and prints
// as itself, leading and trailing zeros aside.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"7.1", "0.9235", "150", " 1 ", "0.1295774648", "0", "-1", "abc", "1e3", "1/3", "0x10", "", ".5", "5.", "1_000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if plain := strings.TrimSpace(s); decimal.MatchString(plain) && strings.Trim(plain, "0.") != "" {
			whole, frac, _ := strings.Cut(plain, ".")
			want := strings.TrimLeft(whole, "0")
			if want == "" {
				want = "0"
			}
			if frac = strings.TrimRight(frac, "0"); frac != "" {
				want += "." + frac
			}
			if err != nil || r.String() != want {
				t.Fatalf("ParseRate(%q) = %v, %v; want %s", s, r, err, want)
			}
		}
		if err != nil {
			return
		}
		if r.r.Sign() <= 0 {
			t.Fatalf("ParseRate(%q) = %s, not positive", s, r.r.RatString())
		}
		printed := r.String()
		if !decimal.MatchString(printed) {
			t.Fatalf("ParseRate(%q) prints as %q", s, printed)
		}
		again, err := ParseRate(printed)
		if err != nil || again.String() != printed {
			t.Fatalf("ParseRate(%q) prints as %q, which reads back as %v, %v", s, printed, again, err)
		}
	})
}
