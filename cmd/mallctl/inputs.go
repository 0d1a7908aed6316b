package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
)

// addressField is one field of an address and its flag.
type addressField struct {
	flag, usage string
	field       func(*common.Address) *string
}

// addressFields lists the address flags.
func addressFields() []addressField {
	return []addressField{
		{"recipient", "the recipient's `name`", func(a *common.Address) *string { return &a.Recipient }},
		{"phone", "the recipient's `phone`", func(a *common.Address) *string { return &a.Phone }},
		{"street", "`street` and number", func(a *common.Address) *string { return &a.Street }},
		{"city", "`city`", func(a *common.Address) *string { return &a.City }},
		{"state", "`state` or province", func(a *common.Address) *string { return &a.State }},
		{"zip", "postal `code`", func(a *common.Address) *string { return &a.ZipCode }},
		{"country", "ISO-3166 alpha-2 `code` such as US or CN", func(a *common.Address) *string { return &a.Country }},
	}
}

// defaultAddress is where orders go when no address flag says otherwise.
func defaultAddress() *common.Address {
	return &common.Address{
		Recipient: "Ada Lovelace", Phone: "+44 20 7946 0000", Street: "12 St James's Square",
		City: "London", ZipCode: "SW1Y 4JH", Country: "GB",
	}
}

// addressFlags are the flags -recipient, -street, ... of a delivery address.
type addressFlags struct {
	values common.Address
}

// register adds the address flags to fs with the values of defaults.
func (f *addressFlags) register(fs *flag.FlagSet, defaults *common.Address) {
	for _, af := range addressFields() {
		fs.StringVar(af.field(&f.values), af.flag, *af.field(defaults), af.usage)
	}
}

// address returns the address the flags hold.
func (f *addressFlags) address() *common.Address {
	a := f.values
	return &a
}

// overlay returns base changed by the address flags given on the command
// line, and whether any was.
func (f *addressFlags) overlay(fs *flag.FlagSet, base *common.Address) (*common.Address, bool) {
	out := &common.Address{}
	if base != nil {
		*out = *base
	}
	set, changed := setFlags(fs), false
	for _, af := range addressFields() {
		if set[af.flag] {
			*af.field(out), changed = *af.field(&f.values), true
		}
	}
	return out, changed
}

// cardFlags are the flags of a payment method: a card (number, expiry,
// CVV, holder) or the token of a tokenized one.
type cardFlags struct {
	number, expiry, cvv, holder, token string
}

// register adds -card, -token, -exp, -cvv and -holder to fs.
func (f *cardFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.number, "card", "", "card `number` (`mallctl cards` lists the sandbox's test cards)")
	fs.StringVar(&f.token, "token", "", "a tokenized card (pm_..., from `mallctl cards tokenize`) instead of -card")
	f.registerDetails(fs)
}

// registerDetails adds -exp, -cvv and -holder to fs.
func (f *cardFlags) registerDetails(fs *flag.FlagSet) {
	fs.StringVar(&f.expiry, "exp", "", "card expiry `MM/YY` (default: December, two years ahead)")
	fs.StringVar(&f.cvv, "cvv", "123", "card security `code`")
	fs.StringVar(&f.holder, "holder", "", "card holder's `name` (default: the recipient, or your username)")
}

// input returns the payment method the flags describe, or nil when they
// name none.
func (f *cardFlags) input(now time.Time, defaultHolder string) (*payment.PaymentMethodInput, error) {
	switch {
	case f.number != "" && f.token != "":
		return nil, fmt.Errorf("give -card or -token, not both")
	case f.token != "":
		return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: f.token}}, nil
	case f.number == "":
		return nil, nil
	}
	card, err := f.card(now, defaultHolder)
	if err != nil {
		return nil, err
	}
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: card}}, nil
}

// card returns the card the flags describe.
func (f *cardFlags) card(now time.Time, defaultHolder string) (*payment.Card, error) {
	month, year, err := parseExpiry(f.expiry, now)
	if err != nil {
		return nil, err
	}
	holder := f.holder
	if holder == "" {
		holder = defaultHolder
	}
	return &payment.Card{
		Number:   strings.NewReplacer(" ", "", "-", "").Replace(f.number),
		ExpMonth: month, ExpYear: year, Cvv: f.cvv, HolderName: holder,
	}, nil
}

// parseExpiry reads a card expiry "MM/YY" or "MM/YYYY"; "" is December two
// years after now.
func parseExpiry(s string, now time.Time) (month, year int32, err error) {
	if s == "" {
		return 12, int32(now.Year() + 2), nil
	}
	ms, ys, ok := strings.Cut(s, "/")
	m, errM := strconv.Atoi(ms)
	y, errY := strconv.Atoi(ys)
	if !ok || errM != nil || errY != nil || m < 1 || m > 12 || (len(ys) != 2 && len(ys) != 4) {
		return 0, 0, fmt.Errorf("-exp %q: want MM/YY such as 12/29", s)
	}
	if len(ys) == 2 {
		y += now.Year() / 100 * 100
	}
	return int32(m), int32(y), nil
}

// newKey returns a fresh idempotency key: prefix, a dash and random hex.
func newKey(prefix string) string { return prefix + "-" + randomHex(6) }

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
