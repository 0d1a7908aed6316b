// Package records holds the activity that writes workflow snapshots to the
// read models the services answer from: checkouts, orders, payments with
// their log, and refunds. Writes are versioned: a retried or late write
// never overwrites a newer state. Workflows run it as a local activity,
// once per transition, with everything the transition changed.
package records

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

// Records writes snapshots to the read models.
type Records struct {
	Orders    OrderRecorder
	Payments  PaymentRecorder
	Checkouts CheckoutRecorder
}

// PaymentChange is a payment snapshot with what changed it, for the log.
type PaymentChange struct {
	Payment commerce.Payment
	// Event is what caused the change: created, charge_sent, webhook,
	// reconciled, timeout, cancelled, refund.
	Event  string
	Detail string
}

// Snapshot is what one transition changed; nil parts are unchanged.
type Snapshot struct {
	Checkout *commerce.Checkout
	Order    *commerce.Order
	Payment  *PaymentChange
	Refund   *commerce.Refund
}

// RecordTransition writes the changed parts of a snapshot: the payment and refund
// before the order, so that a reader who sees the order's new state finds
// its payment there too.
func (a *Records) RecordTransition(ctx context.Context, s Snapshot) error {
	if p := s.Payment; p != nil {
		if err := a.Payments.Record(ctx, p.Payment, p.Event, p.Detail); err != nil {
			return err
		}
	}
	if s.Refund != nil {
		if err := a.Payments.RecordRefund(ctx, *s.Refund); err != nil {
			return err
		}
	}
	if s.Order != nil {
		if err := a.Orders.Record(ctx, *s.Order); err != nil {
			return err
		}
	}
	if s.Checkout != nil {
		return a.Checkouts.Save(ctx, *s.Checkout)
	}
	return nil
}
