package checkout

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
)

// Coupon errors.
var (
	ErrCouponNotFound = apperr.New(apperr.NotFound, "no such coupon")
	ErrCouponExists   = apperr.New(apperr.AlreadyExists, "a coupon with this code exists")
	ErrCouponUsedUp   = apperr.New(apperr.FailedPrecondition, "coupon has no uses left")
)

func couponOf(r couponRow) pricing.Coupon {
	c := pricing.Coupon{
		Code: r.Code, Kind: pricing.CouponKind(r.Kind), PercentOff: r.PercentOff,
		AmountOff: money.New(r.AmountOff, r.Currency), MinSpend: money.New(r.MinSpend, r.Currency),
		UsageLimit: r.UsageLimit, Used: r.Used, Disabled: r.Disabled,
	}
	if r.ValidFrom != nil {
		c.ValidFrom = *r.ValidFrom
	}
	if r.ValidUntil != nil {
		c.ValidUntil = *r.ValidUntil
	}
	return c
}

// CouponRecord is a coupon with its bookkeeping.
type CouponRecord struct {
	pricing.Coupon
	CreatedAt time.Time
}

// CreateCoupon stores a new coupon.
func (s *Store) CreateCoupon(ctx context.Context, c pricing.Coupon, currency string) (CouponRecord, error) {
	row := couponRow{
		Code: c.Code, Kind: string(c.Kind), PercentOff: c.PercentOff, AmountOff: c.AmountOff.Amount,
		MinSpend: c.MinSpend.Amount, Currency: currency, UsageLimit: c.UsageLimit,
	}
	if !c.ValidFrom.IsZero() {
		row.ValidFrom = &c.ValidFrom
	}
	if !c.ValidUntil.IsZero() {
		row.ValidUntil = &c.ValidUntil
	}
	err := s.db.WithContext(ctx).Create(&row).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return CouponRecord{}, apperr.Wrap(ErrCouponExists, "coupon %s exists", c.Code)
	}
	return CouponRecord{Coupon: couponOf(row), CreatedAt: row.CreatedAt}, err
}

// Coupon returns a coupon by code.
func (s *Store) Coupon(ctx context.Context, code string) (CouponRecord, error) {
	var row couponRow
	err := s.db.WithContext(ctx).First(&row, "code = ?", code).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return CouponRecord{}, apperr.Wrap(ErrCouponNotFound, "no coupon %s", code)
	}
	return CouponRecord{Coupon: couponOf(row), CreatedAt: row.CreatedAt}, err
}

// Lookup returns a coupon for pricing.
func (s *Store) Lookup(ctx context.Context, code string) (pricing.Coupon, error) {
	c, err := s.Coupon(ctx, code)
	return c.Coupon, err
}

// DisableCoupon disables a coupon (idempotent).
func (s *Store) DisableCoupon(ctx context.Context, code string) (CouponRecord, error) {
	res := s.db.WithContext(ctx).Model(&couponRow{}).Where("code = ?", code).Update("disabled", true)
	if res.Error != nil {
		return CouponRecord{}, res.Error
	}
	return s.Coupon(ctx, code)
}

// Coupons lists coupons by code.
func (s *Store) Coupons(ctx context.Context, includeDisabled bool) ([]CouponRecord, error) {
	q := s.db.WithContext(ctx).Order("code")
	if !includeDisabled {
		q = q.Where("disabled = ?", false)
	}
	var rows []couponRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]CouponRecord, len(rows))
	for i, r := range rows {
		out[i] = CouponRecord{Coupon: couponOf(r), CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// Redeem uses a coupon for an order: at most its usage limit across live
// redemptions, once per order (a repeat changes nothing). The order's
// redemption row is claimed before the use is counted, so that concurrent
// calls for one order (an activity retried while its first attempt still
// runs) wait for each other and count once.
func (s *Store) Redeem(ctx context.Context, code, orderID string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&redemptionRow{Code: code, OrderID: orderID, Released: false})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// The order redeemed the coupon before: count it again only
			// if that use was released.
			res = tx.Model(&redemptionRow{}).
				Where("code = ? AND order_id = ? AND released = ?", code, orderID, true).
				Update("released", false)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // nil: already redeemed by this order
			}
		}
		res = tx.Model(&couponRow{}).
			Where("code = ? AND disabled = ? AND (usage_limit = 0 OR used < usage_limit)", code, false).
			Update("used", gorm.Expr("used + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// Rolls the claim back.
			var n int64
			if err := tx.Model(&couponRow{}).Where("code = ?", code).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return apperr.Wrap(ErrCouponNotFound, "no coupon %s", code)
			}
			return apperr.Wrap(ErrCouponUsedUp, "coupon %s cannot be used any more (used up or disabled)", code)
		}
		return nil
	})
}

// Release gives back an order's use of a coupon (idempotent).
func (s *Store) Release(ctx context.Context, code, orderID string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&redemptionRow{}).
			Where("code = ? AND order_id = ? AND released = ?", code, orderID, false).
			Update("released", true)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return tx.Model(&couponRow{}).Where("code = ? AND used > 0", code).
			Update("used", gorm.Expr("used - 1")).Error
	})
}
