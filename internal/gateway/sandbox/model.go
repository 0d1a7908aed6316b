package sandbox

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// The sandbox's tables. Due times (settleDue, nextAttempt) are unix
// nanoseconds so that they compare exactly on every database; settleDue 0
// means never.

// paymentMethodRow is a tokenized card: never its number or CVC.
type paymentMethodRow struct {
	ID        string             `gorm:"primaryKey;size:40"`
	Brand     string             `gorm:"size:16;not null"`
	Last4     string             `gorm:"size:4;not null"`
	ExpMonth  int                `gorm:"not null"`
	ExpYear   int                `gorm:"not null"`
	Behavior  testcards.Behavior `gorm:"size:32;not null"`
	CreatedAt time.Time
}

func (paymentMethodRow) TableName() string { return "sandbox_payment_methods" }

// chargeRow is a charge. RefundReserved counts its pending and succeeded
// refunds, so that a refund can be checked against the remainder with one
// conditional update.
type chargeRow struct {
	ID              string             `gorm:"primaryKey;size:40"`
	Amount          int64              `gorm:"not null"`
	Currency        string             `gorm:"size:3;not null"`
	PaymentMethodID string             `gorm:"size:40;not null"`
	Behavior        testcards.Behavior `gorm:"size:32;not null"`
	Description     string             `gorm:"size:1000"`
	Status          string             `gorm:"size:16;not null;index:idx_sandbox_charges_due,priority:1"`
	SettleDue       int64              `gorm:"not null;index:idx_sandbox_charges_due,priority:2"`
	FailureCode     string             `gorm:"size:64"`
	FailureMessage  string             `gorm:"size:255"`
	AmountRefunded  int64              `gorm:"not null"`
	RefundReserved  int64              `gorm:"not null"`
	Metadata        string             `gorm:"type:text"`
	CreatedAt       time.Time
}

func (chargeRow) TableName() string { return "sandbox_charges" }

func (c chargeRow) api() gateway.Charge {
	return gateway.Charge{
		ID:             c.ID,
		Amount:         c.Amount,
		Currency:       c.Currency,
		PaymentMethod:  c.PaymentMethodID,
		Status:         gateway.ChargeStatus(c.Status),
		FailureCode:    c.FailureCode,
		FailureMessage: c.FailureMessage,
		AmountRefunded: c.AmountRefunded,
		Metadata:       decodeMetadata(c.Metadata),
		Created:        c.CreatedAt.UTC(),
	}
}

// refundRow is a refund of a charge.
type refundRow struct {
	ID             string `gorm:"primaryKey;size:40"`
	ChargeID       string `gorm:"size:40;not null;index"`
	Amount         int64  `gorm:"not null"`
	Currency       string `gorm:"size:3;not null"`
	Reason         string `gorm:"size:255"`
	Status         string `gorm:"size:16;not null;index:idx_sandbox_refunds_due,priority:1"`
	SettleDue      int64  `gorm:"not null;index:idx_sandbox_refunds_due,priority:2"`
	FailureMessage string `gorm:"size:255"`
	Metadata       string `gorm:"type:text"`
	CreatedAt      time.Time
}

func (refundRow) TableName() string { return "sandbox_refunds" }

func (r refundRow) api() gateway.Refund {
	return gateway.Refund{
		ID:             r.ID,
		Charge:         r.ChargeID,
		Amount:         r.Amount,
		Currency:       r.Currency,
		Status:         gateway.RefundStatus(r.Status),
		FailureMessage: r.FailureMessage,
		Metadata:       decodeMetadata(r.Metadata),
		Created:        r.CreatedAt.UTC(),
	}
}

// idempotencyRow remembers a request by its Idempotency-Key: the request's
// fingerprint and what it created. The key is unique: of two concurrent
// requests with one key, one inserts and the other finds its row.
type idempotencyRow struct {
	IdemKey     string `gorm:"primaryKey;size:255"`
	Fingerprint string `gorm:"size:64;not null"`
	Kind        string `gorm:"size:16;not null"`
	ResourceID  string `gorm:"size:40;not null"`
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "sandbox_idempotency_keys" }

// eventRow is an event as it is delivered: Payload is its JSON, so that
// every delivery of it, resends included, sends the same bytes.
type eventRow struct {
	Seq       int64  `gorm:"primaryKey;autoIncrement"`
	ID        string `gorm:"size:40;not null;uniqueIndex"`
	Type      string `gorm:"size:32;not null"`
	ChargeID  string `gorm:"size:40;not null;index"`
	Payload   string `gorm:"type:text;not null"`
	CreatedAt time.Time
}

func (eventRow) TableName() string { return "sandbox_events" }

func (r eventRow) api() (gateway.Event, error) {
	var ev gateway.Event
	if err := json.Unmarshal([]byte(r.Payload), &ev); err != nil {
		return gateway.Event{}, fmt.Errorf("decode event %s: %w", r.ID, err)
	}
	return ev, nil
}

// Delivery states.
const (
	deliveryPending   = "pending"
	deliveryDelivered = "delivered"
	deliveryFailed    = "failed" // given up after the last attempt
)

// deliveryRow is one delivery of an event to the webhook URL, with its
// attempts. A resend adds a delivery of the same event.
type deliveryRow struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	EventID     string `gorm:"size:40;not null;index"`
	Status      string `gorm:"size:16;not null;index:idx_sandbox_deliveries_due,priority:1"`
	NextAttempt int64  `gorm:"not null;index:idx_sandbox_deliveries_due,priority:2"`
	Attempts    int    `gorm:"not null"`
	LastError   string `gorm:"size:255"`
	DeliveredAt *time.Time
	CreatedAt   time.Time
}

func (deliveryRow) TableName() string { return "sandbox_webhook_deliveries" }

// encodeMetadata stores metadata as JSON text ("" for none).
func encodeMetadata(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m) // a map[string]string always encodes
	return string(b)
}

func decodeMetadata(s string) map[string]string {
	if s == "" {
		return nil
	}
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}
