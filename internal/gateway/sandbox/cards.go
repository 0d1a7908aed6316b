package sandbox

import (
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// behaviorOf returns the behaviour of a (valid) card number.
func behaviorOf(number string) testcards.Behavior {
	for _, tc := range testcards.List() {
		if tc.Number == number {
			return tc.Behavior
		}
	}
	return testcards.Succeed
}

// checkedCard is what the sandbox keeps of a card.
type checkedCard struct {
	brand    string
	last4    string
	expMonth int
	expYear  int
	behavior testcards.Behavior
}

// checkCard validates a card as typed (spaces and dashes in the number are
// allowed) against now. Its errors never quote the number or the CVC.
func checkCard(c gateway.Card, now time.Time) (checkedCard, error) {
	number := strings.NewReplacer(" ", "", "-", "").Replace(c.Number)
	if len(number) < 12 || len(number) > 19 || !allDigits(number) {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidNumber, "the card number must be 12 to 19 digits")
	}
	brand, lengthOK := brandOf(number)
	if brand == "" {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidNumber, "the card number is not a visa, mastercard, amex or unionpay number")
	}
	if !lengthOK {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidNumber, "the card number has the wrong length for a "+brand+" card")
	}
	if !luhnValid(number) {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidNumber, "the card number is incorrect (checksum)")
	}
	if c.ExpMonth < 1 || c.ExpMonth > 12 {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidExpiryMonth, "exp_month must be 1 to 12")
	}
	year := c.ExpYear
	if year >= 0 && year < 100 {
		year += 2000
	}
	if year < 2000 || year > now.Year()+50 {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidExpiryYear, "exp_year is not a valid year")
	}
	if year < now.Year() || (year == now.Year() && time.Month(c.ExpMonth) < now.Month()) {
		return checkedCard{}, errInvalidCard(gateway.CodeExpiredCard, "the card has expired")
	}
	if n := len(c.CVC); n < 3 || n > 4 || !allDigits(c.CVC) {
		return checkedCard{}, errInvalidCard(gateway.CodeInvalidCVC, "the CVC must be 3 or 4 digits")
	}
	return checkedCard{
		brand:    brand,
		last4:    number[len(number)-4:],
		expMonth: c.ExpMonth,
		expYear:  year,
		behavior: behaviorOf(number),
	}, nil
}

// brandOf names the brand of a card number (of 12 or more digits) from
// its prefix, and reports whether its length suits the brand.
func brandOf(n string) (brand string, lengthOK bool) {
	prefix := func(digits int) int {
		v := 0
		for _, r := range n[:digits] {
			v = v*10 + int(r-'0')
		}
		return v
	}
	l := len(n)
	switch p2, p4 := prefix(2), prefix(4); {
	case p2 == 34 || p2 == 37:
		return "amex", l == 15
	case n[0] == '4':
		return "visa", l == 13 || l == 16 || l == 19
	case (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720):
		return "mastercard", l == 16
	case p2 == 62:
		return "unionpay", l >= 16 && l <= 19
	}
	return "", false
}

// luhnValid reports whether a digit string passes the Luhn checksum.
func luhnValid(n string) bool {
	sum := 0
	double := false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
