package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
)

// busy lists what is still in flight, as "3 orders PENDING_PAYMENT".
func busy(ctx context.Context, c *cluster, snap *snapshot) ([]string, error) {
	var out []string
	count := func(n int, what string) {
		if n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, what))
		}
	}
	n := 0
	for _, o := range snap.orders {
		if o.Status == string(commerce.OrderPendingPayment) {
			n++
		}
	}
	count(n, "orders PENDING_PAYMENT")
	n = 0
	for _, p := range snap.payments {
		if p.Status == string(commerce.PaymentPending) || p.Status == string(commerce.PaymentProcessing) {
			n++
		}
	}
	count(n, "payments in flight")
	n = 0
	for _, r := range snap.refunds {
		if r.Status == string(commerce.RefundPending) {
			n++
		}
	}
	count(n, "refunds PENDING")
	n = 0
	for _, ch := range snap.charges {
		if ch.Status == string(gateway.ChargeProcessing) {
			n++
		}
	}
	count(n, "sandbox charges processing")
	n = 0
	for _, r := range snap.gatewayRefunds {
		if r.Status == string(gateway.RefundPending) {
			n++
		}
	}
	count(n, "sandbox refunds pending")
	open, err := listWorkflows(ctx, c.temporal, "ExecutionStatus='Running' AND CheckoutStatus='OPEN'")
	if err != nil {
		return nil, err
	}
	count(len(open), "open checkouts")
	return out, nil
}

// settle waits until nothing is in flight, or within has passed. It
// returns what was still in flight then (nothing when settled).
func settle(ctx context.Context, c *cluster, st *stores, within time.Duration, events *eventLog) []string {
	deadline := time.Now().Add(within)
	lastSaid := time.Time{}
	var left []string
	for {
		if err := c.allRunning(ctx, 30*time.Second); err != nil {
			events.Say("settle: %v", err)
		}
		snap, err := st.read(ctx)
		if err == nil {
			left, err = busy(ctx, c, snap)
		}
		switch {
		case err != nil:
			left = []string{"unreadable: " + err.Error()}
		case len(left) == 0:
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return left
		}
		if time.Since(lastSaid) > 10*time.Second {
			events.Say("settling: %s", strings.Join(left, ", "))
			lastSaid = time.Now()
		}
		sleep(ctx, 2*time.Second)
	}
}
