// Package jobs holds the activities of tempomall's periodic jobs, which
// Temporal Schedules run (workflows/schedules): finding payments whose
// outcome the gateway knows but their order never heard of, settling the
// records of payments no workflow runs any more, and purging old checkout
// records. The job workflow, not these activities, tells running order
// workflows what the gateway said.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
)

// StuckPayments finds and settles payments (the payment service's store).
type StuckPayments interface {
	Stuck(ctx context.Context, before time.Time, limit int) ([]commerce.Payment, error)
	Latest(ctx context.Context, orderID string) (commerce.Payment, error)
	Record(ctx context.Context, p commerce.Payment, event, detail string) error
}

// CheckoutPurger deletes ended checkouts (the checkout service's store).
type CheckoutPurger interface {
	Purge(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Jobs are the periodic jobs' activities.
type Jobs struct {
	Payments  StuckPayments
	Checkouts CheckoutPurger
	Gateway   gateway.Client
	// StuckAfter is how long a payment may stay PROCESSING unchanged
	// before reconciliation looks at it; Retention how long ended
	// checkouts are kept.
	StuckAfter time.Duration
	Retention  time.Duration
}

// Settled is a payment the read model shows PROCESSING whose charge has
// settled at the gateway.
type Settled struct {
	Payment commerce.Payment
	Charge  gateway.Charge
	// Superseded is set when the order has a newer payment attempt: no
	// workflow waits for this charge any more.
	Superseded bool
}

// SettledCharges asks the gateway about payments that stayed PROCESSING
// longer than StuckAfter and returns those whose charge has settled. A
// payment the gateway cannot answer for now is left for the next run.
func (a *Jobs) SettledCharges(ctx context.Context) ([]Settled, error) {
	stuck, err := a.Payments.Stuck(ctx, time.Now().UTC().Add(-a.StuckAfter), 200)
	if err != nil {
		return nil, err
	}
	var out []Settled
	var errs []error
	for _, p := range stuck {
		ch, err := a.Gateway.GetCharge(ctx, p.ChargeID)
		if err != nil {
			errs = append(errs, fmt.Errorf("payment %s: %w", p.ID, err))
			continue
		}
		if ch.Status == gateway.ChargeProcessing {
			continue
		}
		latest, err := a.Payments.Latest(ctx, p.OrderID)
		if err != nil {
			errs = append(errs, fmt.Errorf("payment %s: %w", p.ID, err))
			continue
		}
		out = append(out, Settled{Payment: p, Charge: ch, Superseded: latest.Attempt != p.Attempt})
	}
	if len(out) == 0 {
		return nil, errors.Join(errs...)
	}
	for _, err := range errs {
		klog.CtxWarnf(ctx, "reconcile: %v", err)
	}
	return out, nil
}

// SettleRecord settles the record of a payment no workflow runs for any
// more (its order's workflow has closed, or the order moved on to a newer
// attempt). A succeeded charge of a superseded attempt is logged for a
// manual refund: only a workflow ended from outside (terminate) leaves one.
func (a *Jobs) SettleRecord(ctx context.Context, s Settled) error {
	p, ch := s.Payment, s.Charge
	switch ch.Status {
	case gateway.ChargeSucceeded:
		p.Status = commerce.PaymentSucceeded
		if s.Superseded {
			klog.CtxErrorf(ctx, "charge %s of superseded payment %s (order %s) succeeded: refund it at the gateway", ch.ID, p.ID, p.OrderID)
		}
	case gateway.ChargeFailed:
		p.Status, p.FailureCode, p.FailureMessage = commerce.PaymentFailed, ch.FailureCode, ch.FailureMessage
	default:
		p.Status = commerce.PaymentCancelled
	}
	p.Version++
	p.UpdatedAt = time.Now().UTC()
	return a.Payments.Record(ctx, p, "reconciled", "settled by the reconciliation schedule: "+string(ch.Status))
}

// PurgeCheckouts deletes checkout records that ended more than Retention
// ago, and returns how many.
func (a *Jobs) PurgeCheckouts(ctx context.Context) (int64, error) {
	var total int64
	for {
		n, err := a.Checkouts.Purge(ctx, time.Now().UTC().Add(-a.Retention), 500)
		total += n
		if err != nil || n < 500 {
			return total, err
		}
	}
}
