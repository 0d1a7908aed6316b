package checkout

import (
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
)

// checkoutRow is the checkouts table, written by the checkout workflow.
// (user_id, idempotency_key) is unique: one checkout per purchase attempt.
type checkoutRow struct {
	ID             string            `gorm:"primaryKey;size:64"`
	UserID         int64             `gorm:"not null;uniqueIndex:ux_checkouts_user_key,priority:1"`
	IdempotencyKey string            `gorm:"size:64;not null;uniqueIndex:ux_checkouts_user_key,priority:2"`
	Status         string            `gorm:"size:16;not null"`
	OrderID        string            `gorm:"size:64"`
	Version        int64             `gorm:"not null"`
	Snapshot       commerce.Checkout `gorm:"serializer:json;type:text;not null"`
	ExpiresAt      time.Time         `gorm:"not null"`
	CreatedAt      time.Time         `gorm:"not null"`
	UpdatedAt      time.Time         `gorm:"not null;index"`
}

func (checkoutRow) TableName() string { return "checkouts" }

// couponRow is a coupon. Used counts live redemptions.
type couponRow struct {
	Code       string `gorm:"primaryKey;size:32"`
	Kind       string `gorm:"size:16;not null"`
	PercentOff int64
	AmountOff  int64
	MinSpend   int64
	Currency   string `gorm:"size:3;not null"`
	ValidFrom  *time.Time
	ValidUntil *time.Time
	UsageLimit int64 `gorm:"not null"`
	Used       int64 `gorm:"not null"`
	Disabled   bool  `gorm:"not null"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (couponRow) TableName() string { return "coupons" }

// redemptionRow is a coupon used by an order; Released is set when the
// order is cancelled or expires and the use is given back.
type redemptionRow struct {
	Code      string `gorm:"primaryKey;size:32"`
	OrderID   string `gorm:"primaryKey;size:64"`
	Released  bool   `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (redemptionRow) TableName() string { return "coupon_redemptions" }
