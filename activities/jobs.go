package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"go.temporal.io/api/serviceerror"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/wfnames"
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

// Signaler signals a workflow (the Temporal client).
type Signaler interface {
	SignalWorkflow(ctx context.Context, workflowID, runID, signalName string, arg interface{}) error
}

// Jobs are the periodic jobs run by Temporal Schedules.
type Jobs struct {
	Payments  StuckPayments
	Checkouts CheckoutPurger
	Gateway   gateway.Client
	// Temporal signals payment workflows the outcome found by
	// reconciliation.
	Temporal Signaler
	// StuckAfter is how long a payment may stay PROCESSING unchanged
	// before reconciliation looks at it; Retention how long ended
	// checkouts are kept.
	StuckAfter time.Duration
	Retention  time.Duration
}

// ReconcileReport says what a reconciliation run did.
type ReconcileReport struct {
	Checked int
	Settled int
}

// ReconcilePayments asks the gateway about payments that stayed
// PROCESSING too long. A settled charge is signalled to the payment's
// workflow as a gateway event; when that workflow is gone, or runs a newer
// attempt of the order's payment, the payment record is settled directly.
func (a *Jobs) ReconcilePayments(ctx context.Context) (ReconcileReport, error) {
	stuck, err := a.Payments.Stuck(ctx, now().Add(-a.StuckAfter), 200)
	if err != nil {
		return ReconcileReport{}, err
	}
	var rep ReconcileReport
	var errs []error
	for _, p := range stuck {
		rep.Checked++
		ch, err := a.Gateway.GetCharge(ctx, p.ChargeID)
		if err != nil {
			errs = append(errs, fmt.Errorf("payment %s: %w", p.ID, err))
			continue
		}
		if ch.Status == gateway.ChargeProcessing {
			continue
		}
		settled, err := a.settle(ctx, p, ch)
		if err != nil {
			errs = append(errs, fmt.Errorf("payment %s: %w", p.ID, err))
		}
		if settled {
			rep.Settled++
		}
	}
	return rep, errors.Join(errs...)
}

func (a *Jobs) settle(ctx context.Context, p commerce.Payment, ch gateway.Charge) (bool, error) {
	latest, err := a.Payments.Latest(ctx, p.OrderID)
	if err != nil {
		return false, err
	}
	if latest.Attempt == p.Attempt {
		ev := gateway.Event{ID: "reconcile_" + ch.ID + "_" + string(ch.Status), Type: "charge." + string(ch.Status), Created: now(), Charge: &ch}
		err := a.Temporal.SignalWorkflow(ctx, wfnames.PaymentWorkflowID(p.OrderID), "", wfnames.SignalGatewayEvent, ev)
		var nf *serviceerror.NotFound
		if err == nil || !errors.As(err, &nf) {
			return err == nil, err
		}
	} else if ch.Status == gateway.ChargeSucceeded {
		// Only a workflow ended from outside (terminate) leaves this.
		klog.CtxErrorf(ctx, "charge %s of superseded payment %s (order %s) succeeded: refund it at the gateway", ch.ID, p.ID, p.OrderID)
	}
	// No workflow of this attempt runs: settle the record itself.
	switch ch.Status {
	case gateway.ChargeSucceeded:
		p.Status = commerce.PaymentSucceeded
	case gateway.ChargeFailed:
		p.Status, p.FailureCode, p.FailureMessage = commerce.PaymentFailed, ch.FailureCode, ch.FailureMessage
	default:
		p.Status = commerce.PaymentCancelled
	}
	p.Version++
	p.UpdatedAt = now()
	return true, a.Payments.Record(ctx, p, "reconciled", "settled by the reconciliation schedule: "+string(ch.Status))
}

// PurgeCheckouts deletes checkout records that ended more than Retention
// ago, and returns how many.
func (a *Jobs) PurgeCheckouts(ctx context.Context) (int64, error) {
	var total int64
	for {
		n, err := a.Checkouts.Purge(ctx, now().Add(-a.Retention), 500)
		total += n
		if err != nil || n < 500 {
			return total, err
		}
	}
}
