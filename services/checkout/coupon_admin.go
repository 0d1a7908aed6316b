package checkout

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
)

var couponCodePattern = regexp.MustCompile(`^[A-Z0-9_-]{3,32}$`)

// CreateCoupon validates and stores a coupon. Codes are upper-cased;
// amounts are in the catalog currency.
func (s *Service) CreateCoupon(ctx context.Context, c pricing.Coupon) (CouponRecord, error) {
	c.Code = strings.ToUpper(strings.TrimSpace(c.Code))
	cur := s.settings.CatalogCurrency
	var problems []string
	if !couponCodePattern.MatchString(c.Code) {
		problems = append(problems, "code must be 3-32 of A-Z 0-9 _ -")
	}
	switch c.Kind {
	case pricing.Percent:
		if c.PercentOff < 1 || c.PercentOff > 100 {
			problems = append(problems, "percent_off must be 1 to 100")
		}
		if c.AmountOff.Amount != 0 {
			problems = append(problems, "a percent coupon has no amount_off")
		}
	case pricing.Fixed:
		if c.AmountOff.Amount <= 0 || c.AmountOff.Amount > money.MaxAmount {
			problems = append(problems, fmt.Sprintf("amount_off must be between 1 and %d minor units", money.MaxAmount))
		}
		if c.AmountOff.Currency != cur {
			problems = append(problems, "amount_off must be in the catalog currency "+cur)
		}
		if c.PercentOff != 0 {
			problems = append(problems, "a fixed coupon has no percent_off")
		}
	default:
		problems = append(problems, "kind must be PERCENT or FIXED")
	}
	if c.MinSpend.Amount < 0 || (c.MinSpend.Amount > 0 && c.MinSpend.Currency != cur) {
		problems = append(problems, "min_spend must be a positive amount in "+cur)
	}
	if !c.ValidFrom.IsZero() && !c.ValidUntil.IsZero() && !c.ValidUntil.After(c.ValidFrom) {
		problems = append(problems, "valid_until must be after valid_from")
	}
	if c.UsageLimit < 0 {
		problems = append(problems, "usage_limit must not be negative (0 is unlimited)")
	}
	if len(problems) > 0 {
		return CouponRecord{}, apperr.InvalidArgf("coupon: %s", strings.Join(problems, "; "))
	}
	c.Used, c.Disabled = 0, false
	return s.store.CreateCoupon(ctx, c, cur)
}

// DisableCoupon disables a coupon; orders that used it keep their
// discount.
func (s *Service) DisableCoupon(ctx context.Context, code string) (CouponRecord, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return CouponRecord{}, apperr.InvalidArgf("code is required")
	}
	return s.store.DisableCoupon(ctx, code) // NotFound for an unknown code
}

// Coupons lists coupons.
func (s *Service) Coupons(ctx context.Context, includeDisabled bool) ([]CouponRecord, error) {
	return s.store.Coupons(ctx, includeDisabled)
}
