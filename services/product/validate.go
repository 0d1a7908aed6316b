package product

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
)

// Limits of the catalog's fields.
const (
	MaxNameRunes            = 200
	MaxDescriptionRunes     = 5000
	MaxPictureURLBytes      = 2048
	MaxCategoriesPerProduct = 20
	MaxCategoryNameRunes    = 100
	MaxCategoryDescRunes    = 1000
	// MaxStock bounds a product's available units.
	MaxStock = 1_000_000_000
	// MaxBatch bounds the ids of BatchGetProducts and GetStock and the
	// items of a reservation.
	MaxBatch = 200
	// MaxKeyBytes bounds order ids and idempotency keys.
	MaxKeyBytes = 128
)

// checkPictureURL accepts "" (no picture) or an absolute http(s) URL.
func checkPictureURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	if len(raw) > MaxPictureURLBytes {
		return "", apperr.InvalidArgf("picture_url must be at most %d bytes long", MaxPictureURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", apperr.InvalidArgf("picture_url %q must be an absolute http:// or https:// URL", raw)
	}
	return raw, nil
}

// checkPrice accepts a positive amount, at most money.MaxAmount, in the
// catalog currency.
func (s *Service) checkPrice(p money.Money) (money.Money, error) {
	p.Currency = money.NormalizeCurrency(p.Currency)
	switch {
	case p.Currency == "" && p.Amount == 0:
		return p, apperr.InvalidArgf("price is required: an amount in minor units of %s", s.currency)
	case p.Currency != s.currency:
		return p, apperr.InvalidArgf("price must be in %s, the catalog currency; got %q", s.currency, p.Currency)
	case p.Amount <= 0:
		return p, apperr.InvalidArgf("price must be positive; got %d", p.Amount)
	case p.Amount > money.MaxAmount:
		return p, apperr.InvalidArgf("price must be at most %d minor units; got %d", int64(money.MaxAmount), p.Amount)
	}
	return p, nil
}

// checkStatus returns the status to store; unset means def.
func checkStatus(st, def Status) (Status, error) {
	switch st {
	case 0:
		return def, nil
	case StatusActive, StatusInactive:
		return st, nil
	}
	return 0, apperr.InvalidArgf("status %d is not a product status; use ACTIVE (1) or INACTIVE (2)", st)
}

// checkIDs returns ids without duplicates, in order, checking that each
// is positive and that there are at most max of them.
func checkIDs(field string, ids []int64, max int) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id <= 0 {
			return nil, apperr.InvalidArgf("%s must be positive; got %d", field, id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > max {
		return nil, apperr.InvalidArgf("at most %d %s are allowed; got %d", max, field, len(out))
	}
	return out, nil
}

// checkID checks one id.
func checkID(field string, id int64) error {
	if id <= 0 {
		return apperr.InvalidArgf("%s must be positive; got %d", field, id)
	}
	return nil
}

// checkKey checks an order id or idempotency key: printable, at most
// MaxKeyBytes; required or not.
func checkKey(field, key string, required bool) (string, error) {
	if key == "" {
		if required {
			return "", apperr.InvalidArgf("%s is required", field)
		}
		return "", nil
	}
	if len(key) > MaxKeyBytes || !utf8.ValidString(key) || strings.IndexFunc(key, func(r rune) bool { return !unicode.IsPrint(r) || r == ' ' }) >= 0 {
		return "", apperr.InvalidArgf("%s must be 1 to %d printable bytes without spaces", field, MaxKeyBytes)
	}
	return key, nil
}
