package activities

import (
	"context"

	"github.com/tempomall/tempomall/internal/commerce"
)

// OrderRecorder stores order snapshots (the order service's store).
type OrderRecorder interface {
	Record(ctx context.Context, o commerce.Order) error
}

// PaymentRecorder stores payment and refund snapshots and the payment log
// (the payment service's store).
type PaymentRecorder interface {
	Record(ctx context.Context, p commerce.Payment, event, detail string) error
	RecordRefund(ctx context.Context, r commerce.Refund) error
}

// CheckoutRecorder stores checkout snapshots (the checkout service's
// store).
type CheckoutRecorder interface {
	Save(ctx context.Context, c commerce.Checkout) error
}

// Records writes workflow snapshots to the read models the services
// answer from. Writes are versioned: a retried or late write never
// overwrites a newer state. Workflows run them as local activities.
type Records struct {
	Orders    OrderRecorder
	Payments  PaymentRecorder
	Checkouts CheckoutRecorder
}

// RecordOrder writes an order snapshot.
func (a *Records) RecordOrder(ctx context.Context, o commerce.Order) error {
	return a.Orders.Record(ctx, o)
}

// PaymentRecord is a payment snapshot with what changed it.
type PaymentRecord struct {
	Payment commerce.Payment
	// Event is what caused the change: created, charge_sent, webhook,
	// reconciled, timeout, cancelled, refund.
	Event  string
	Detail string
}

// RecordPayment writes a payment snapshot and logs its state change.
func (a *Records) RecordPayment(ctx context.Context, r PaymentRecord) error {
	return a.Payments.Record(ctx, r.Payment, r.Event, r.Detail)
}

// RecordRefund writes a refund snapshot.
func (a *Records) RecordRefund(ctx context.Context, r commerce.Refund) error {
	return a.Payments.RecordRefund(ctx, r)
}

// SaveCheckout writes a checkout snapshot.
func (a *Records) SaveCheckout(ctx context.Context, c commerce.Checkout) error {
	return a.Checkouts.Save(ctx, c)
}
