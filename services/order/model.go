package order

import (
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
)

// orderRow is the orders table: the read model behind GetOrder and
// ListOrders, written by the order workflow on every transition. The
// columns that listings filter and sort on are kept beside the snapshot.
type orderRow struct {
	ID            string `gorm:"primaryKey;size:64"`
	UserID        int64  `gorm:"not null;index:ix_orders_user_created,priority:1"`
	Status        string `gorm:"size:32;not null;index"`
	Total         int64  `gorm:"not null"`
	Currency      string `gorm:"size:3;not null"`
	PaymentStatus string `gorm:"size:32"`
	CheckoutID    string `gorm:"size:64;index"`
	Version       int64  `gorm:"not null"`
	// Snapshot is the whole order as the workflow knows it.
	Snapshot  commerce.Order `gorm:"serializer:json;type:text;not null"`
	CreatedAt time.Time      `gorm:"not null;index:ix_orders_user_created,priority:2"`
	UpdatedAt time.Time      `gorm:"not null"`
}

func (orderRow) TableName() string { return "orders" }

func rowOf(o commerce.Order) *orderRow {
	return &orderRow{
		ID: o.ID, UserID: o.UserID, Status: string(o.Status),
		Total: o.Quote.Payable.Amount, Currency: o.Quote.Payable.Currency,
		PaymentStatus: string(o.PaymentStatus), CheckoutID: o.CheckoutID,
		Version: o.Version, Snapshot: o, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}
