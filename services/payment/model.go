package payment

import (
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
)

// paymentRow is the payments table, written by the payment workflow. The
// card is kept as token, brand and last four only.
type paymentRow struct {
	ID       string `gorm:"primaryKey;size:80"`
	OrderID  string `gorm:"size:64;not null;index:ix_payments_order,priority:1"`
	Attempt  int    `gorm:"not null;index:ix_payments_order,priority:2"`
	UserID   int64  `gorm:"not null"`
	Status   string `gorm:"size:32;not null;index:ix_payments_status_updated,priority:1"`
	ChargeID string `gorm:"size:64;index"`
	Version  int64  `gorm:"not null"`
	// Snapshot is the whole payment as the workflow knows it.
	Snapshot  commerce.Payment `gorm:"serializer:json;type:text;not null"`
	CreatedAt time.Time        `gorm:"not null"`
	UpdatedAt time.Time        `gorm:"not null;index:ix_payments_status_updated,priority:2"`
}

func (paymentRow) TableName() string { return "payments" }

// paymentLogRow is one state change of a payment. (payment_id, version)
// is unique, so a retried write logs once.
type paymentLogRow struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	PaymentID  string `gorm:"size:80;not null;uniqueIndex:ux_payment_logs_version,priority:1"`
	Version    int64  `gorm:"not null;uniqueIndex:ux_payment_logs_version,priority:2"`
	OrderID    string `gorm:"size:64;not null;index"`
	FromStatus string `gorm:"size:32"`
	ToStatus   string `gorm:"size:32;not null"`
	Event      string `gorm:"size:32;not null"`
	Detail     string `gorm:"size:500"`
	CreatedAt  time.Time
}

func (paymentLogRow) TableName() string { return "payment_logs" }

// refundRow is the refunds table, written by the refund workflow.
type refundRow struct {
	ID        string          `gorm:"primaryKey;size:80"`
	OrderID   string          `gorm:"size:64;not null;index"`
	PaymentID string          `gorm:"size:80;not null"`
	Status    string          `gorm:"size:32;not null"`
	Version   int64           `gorm:"not null"`
	Snapshot  commerce.Refund `gorm:"serializer:json;type:text;not null"`
	CreatedAt time.Time       `gorm:"not null"`
	UpdatedAt time.Time       `gorm:"not null"`
}

func (refundRow) TableName() string { return "refunds" }

// webhookEventRow records a gateway event that was accepted, so that a
// replayed delivery is recognized.
type webhookEventRow struct {
	EventID    string `gorm:"primaryKey;size:80"`
	Type       string `gorm:"size:32;not null"`
	ReceivedAt time.Time
}

func (webhookEventRow) TableName() string { return "webhook_events" }

// paymentMethodRow is a tokenized card and the account it belongs to. Only
// that account may see it or pay with it; the card itself stays with the
// gateway (token, brand, last four and expiry only).
type paymentMethodRow struct {
	Token     string `gorm:"primaryKey;size:100"`
	UserID    int64  `gorm:"not null;index"`
	Brand     string `gorm:"size:32;not null"`
	Last4     string `gorm:"size:4;not null"`
	ExpMonth  int    `gorm:"not null"`
	ExpYear   int    `gorm:"not null"`
	CreatedAt time.Time
}

func (paymentMethodRow) TableName() string { return "payment_methods" }
