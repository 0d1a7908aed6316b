package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/gateway"
)

// charged reports whether a payment status means the money was taken.
func charged(s string) bool {
	switch commerce.PaymentStatus(s) {
	case commerce.PaymentSucceeded, commerce.PaymentPartiallyRefunded, commerce.PaymentRefunded:
		return true
	}
	return false
}

// paidOrder reports whether an order status means it was paid.
func paidOrder(s string) bool {
	switch commerce.OrderStatus(s) {
	case commerce.OrderPaid, commerce.OrderPartiallyRefunded, commerce.OrderRefunded:
		return true
	}
	return false
}

// noDoubleCharge: at most one succeeded charge per order at the sandbox,
// one charge per payment (its idempotency key), one charged payment per
// order, and the payment and the sandbox name the same charge.
func (a *auditor) noDoubleCharge(ctx context.Context) *invariant {
	inv := &invariant{name: "no payment charged twice (sandbox charges, payments, GetPayment)"}
	chargesOf := map[string][]*chargeRecord{}
	byKey := map[string][]string{}
	for _, ch := range a.snap.charges {
		chargesOf[ch.meta["order_id"]] = append(chargesOf[ch.meta["order_id"]], ch)
		byKey[ch.meta["payment_id"]] = append(byKey[ch.meta["payment_id"]], ch.ID)
	}
	paymentsOf := map[string][]*paymentRecord{}
	for _, p := range a.snap.payments {
		paymentsOf[p.OrderID] = append(paymentsOf[p.OrderID], p)
	}
	for _, key := range sortedKeys(byKey) {
		if ids := byKey[key]; len(ids) > 1 {
			inv.violate("payment %s (one idempotency key) created %d charges at the sandbox: %v", key, len(ids), ids)
		}
	}
	for _, id := range sortedKeys(union(chargesOf, paymentsOf)) {
		inv.checked++
		var succeeded []string
		for _, ch := range chargesOf[id] {
			if ch.Status == string(gateway.ChargeSucceeded) {
				succeeded = append(succeeded, ch.ID)
			}
		}
		if len(succeeded) > 1 {
			inv.violate("order %s: %d charges succeeded at the sandbox: %v", id, len(succeeded), succeeded)
		}
		var paid []*paymentRecord
		latest := (*paymentRecord)(nil)
		for _, p := range paymentsOf[id] {
			if charged(p.Status) {
				paid = append(paid, p)
			}
			if latest == nil || p.Attempt > latest.Attempt {
				latest = p
			}
		}
		switch {
		case len(paid) > 1:
			inv.violate("order %s: %d payments are charged: %s", id, len(paid), paymentIDs(paid))
		case len(paid) == 1 && len(succeeded) == 0:
			inv.violate("order %s: payment %s is %s, the sandbox has no succeeded charge", id, paid[0].ID, paid[0].Status)
		case len(paid) == 1 && paid[0].ChargeID != succeeded[0]:
			inv.violate("order %s: payment %s names charge %s, the sandbox charged %s", id, paid[0].ID, paid[0].ChargeID, succeeded[0])
		case len(paid) == 0 && len(succeeded) > 0:
			inv.violate("order %s: the sandbox charged %v, no payment is charged (%s)", id, succeeded, paymentIDs(paymentsOf[id]))
		}
		if latest == nil {
			continue
		}
		var resp *payment.GetPaymentResponse
		err := a.admin.call(ctx, "GetPayment", func(ctx context.Context) (err error) {
			resp, err = a.clients.Payment.GetPayment(ctx, &payment.GetPaymentRequest{OrderId: id})
			return err
		})
		switch {
		case err != nil:
			inv.violate("GetPayment of order %s as admin: %v", id, err)
		case resp.GetPayment().GetId() != latest.ID ||
			strings.TrimPrefix(resp.GetPayment().GetStatus().String(), "PAYMENT_STATUS_") != latest.Status:
			inv.violate("GetPayment of order %s answers %s %s, the table's latest is %s %s", id,
				resp.GetPayment().GetId(), resp.GetPayment().GetStatus(), latest.ID, latest.Status)
		}
	}
	return inv
}

// moneyBalances: for every order, what the sandbox charged minus what it
// refunded equals the order's paid total minus its refunded amount; and
// so in sum, per currency. The sandbox's own books balance too.
func (a *auditor) moneyBalances() *invariant {
	inv := &invariant{name: "sandbox charged - refunded = paid orders' totals - refunded"}
	refundsOf := map[string][]*gatewayRefundRecord{}
	for _, r := range a.snap.gatewayRefunds {
		refundsOf[r.ChargeID] = append(refundsOf[r.ChargeID], r)
	}
	sandboxNet, orderNet := map[string]int64{}, map[string]int64{}
	netOf := map[string]int64{}
	touched := map[string]bool{}
	for _, ch := range a.snap.charges {
		var refunded, reserved int64
		for _, r := range refundsOf[ch.ID] {
			if r.Status == string(gateway.RefundSucceeded) {
				refunded += r.Amount
			}
			if r.Status != string(gateway.RefundFailed) {
				reserved += r.Amount
			}
		}
		if refunded != ch.AmountRefunded || reserved != ch.RefundReserved {
			inv.violate("sandbox charge %s: amount_refunded %d and refund_reserved %d, its refunds add up to %d and %d",
				ch.ID, ch.AmountRefunded, ch.RefundReserved, refunded, reserved)
		}
		if ch.Status != string(gateway.ChargeSucceeded) {
			if refunded > 0 {
				inv.violate("sandbox charge %s is %s and has %d refunded", ch.ID, ch.Status, refunded)
			}
			continue
		}
		id := ch.meta["order_id"]
		netOf[id] += ch.Amount - refunded
		sandboxNet[ch.Currency] += ch.Amount - refunded
		touched[id] = true
	}
	for id, o := range a.snap.orders {
		if !paidOrder(o.Status) {
			continue
		}
		touched[id] = true
		orderNet[o.Currency] += o.Total - o.order.Refunded.Amount
	}
	for _, id := range sortedKeys(touched) {
		inv.checked++
		var want int64
		status, currency := "not in the orders table", ""
		if o := a.snap.orders[id]; o != nil {
			status, currency = o.Status, o.Currency
			if paidOrder(o.Status) {
				want = o.Total - o.order.Refunded.Amount
			}
		}
		if got := netOf[id]; got != want {
			inv.violate("order %s (%s): the sandbox holds %d %s net, the order %d", id, status, got, currency, want)
		}
	}
	for _, cur := range sortedKeys(union(sandboxNet, orderNet)) {
		if sandboxNet[cur] != orderNet[cur] {
			inv.violate("in %s the sandbox holds %d net, the paid orders %d", cur, sandboxNet[cur], orderNet[cur])
		}
	}
	return inv
}

// moneyTotals describes the sums per currency, for the report.
func (a *auditor) moneyTotals() string {
	charged, refunded := map[string]int64{}, map[string]int64{}
	for _, ch := range a.snap.charges {
		if ch.Status == string(gateway.ChargeSucceeded) {
			charged[ch.Currency] += ch.Amount
			refunded[ch.Currency] += ch.AmountRefunded
		}
	}
	var parts []string
	for _, cur := range sortedKeys(charged) {
		parts = append(parts, fmt.Sprintf("%s charged %s, refunded %s", cur, minor(charged[cur]), minor(refunded[cur])))
	}
	if len(parts) == 0 {
		return "nothing charged"
	}
	return strings.Join(parts, "; ")
}

// refundsOnce: every answered refund names one refund on every answer,
// which reached the sandbox exactly once (its idempotency key) and
// settled; no refund reached the sandbox twice.
func (a *auditor) refundsOnce() *invariant {
	inv := &invariant{name: "every answered refund reached the sandbox once and settled"}
	atGateway := map[string][]*gatewayRefundRecord{}
	for _, r := range a.snap.gatewayRefunds {
		atGateway[r.meta["refund_id"]] = append(atGateway[r.meta["refund_id"]], r)
	}
	stored := map[string]*refundRecord{}
	for _, r := range a.snap.refunds {
		stored[r.ID] = r
	}
	for _, id := range sortedKeys(atGateway) {
		inv.checked++
		if rs := atGateway[id]; len(rs) > 1 {
			inv.violate("refund %s reached the sandbox %d times", id, len(rs))
		}
		if stored[id] == nil {
			inv.violate("the sandbox has refund %s, the refunds table does not", id)
		}
	}
	for _, ans := range a.journal.answeredRefunds() {
		inv.checked++
		if len(ans.refundIDs) == 0 {
			continue // refused
		}
		if ids := distinct(ans.refundIDs); len(ids) > 1 {
			inv.violate("refund %s of order %s answered different refunds %v", ans.key, ans.orderID, ids)
		}
		id := ans.refundIDs[0]
		rs := atGateway[id]
		switch {
		case stored[id] == nil:
			inv.violate("answered refund %s (order %s) is not in the refunds table", id, ans.orderID)
		case stored[id].Status != string(commerce.RefundSucceeded):
			inv.violate("answered refund %s (order %s) is %s", id, ans.orderID, stored[id].Status)
		}
		switch {
		case len(rs) == 0:
			inv.violate("answered refund %s (order %s) never reached the sandbox", id, ans.orderID)
		case rs[0].Status != string(gateway.RefundSucceeded):
			inv.violate("answered refund %s (order %s) is %s at the sandbox", id, ans.orderID, rs[0].Status)
		case ans.amount > 0 && rs[0].Amount != ans.amount:
			inv.violate("refund %s (order %s) asked %d, the sandbox refunded %d", id, ans.orderID, ans.amount, rs[0].Amount)
		}
	}
	return inv
}

func paymentIDs(ps []*paymentRecord) string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID + " " + p.Status
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// union returns the keys of two maps as one map.
func union[A, B any](a map[string]A, b map[string]B) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// minor formats minor units as a decimal amount.
func minor(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }
