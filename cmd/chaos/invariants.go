package main

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/commerce"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// invariant is one row of the table: what was checked, how many things
// were checked, and what broke it.
type invariant struct {
	name       string
	checked    int
	violations []string
}

func (inv *invariant) violate(format string, args ...any) {
	inv.violations = append(inv.violations, fmt.Sprintf(format, args...))
}

// auditor checks the invariants once the system has settled, from the
// public API (as admin), the stores, the sandbox's ledger and Temporal.
type auditor struct {
	snap      *snapshot
	journal   *journal
	products  []stockedProduct
	clients   *clients.Clients
	admin     *session
	temporal  client.Client
	opts      options
	now       time.Time
	workflows []workflowInfo
	// grace is how long past its expiry an unpaid order may still be
	// closing.
	grace time.Duration
}

// check runs every check, in the table's order.
func (a *auditor) check(ctx context.Context) []*invariant {
	return []*invariant{
		a.checkoutsHaveOneOrder(ctx),
		a.ordersSettled(ctx),
		a.noDoubleCharge(ctx),
		a.moneyBalances(),
		a.refundsOnce(),
		a.stockConserved(ctx),
		a.reservationsFollowOrders(),
		a.paymentLogs(),
		a.workflowsHealthy(ctx),
	}
}

// checkoutsHaveOneOrder: every answered checkout has exactly one order,
// the same on every answer; a refused one has none.
func (a *auditor) checkoutsHaveOneOrder(ctx context.Context) *invariant {
	inv := &invariant{name: "every answered checkout has exactly one order (same id on every answer)"}
	byCheckout := map[string][]string{}
	for _, o := range a.snap.orders {
		byCheckout[o.CheckoutID] = append(byCheckout[o.CheckoutID], o.ID)
	}
	listed := a.listedOrders(ctx, inv)
	for _, co := range a.journal.answeredCheckouts() {
		inv.checked++
		orders := byCheckout[co.checkoutID]
		if len(co.orderIDs) == 0 { // refused every time
			if len(orders) > 0 {
				inv.violate("checkout %s (user %d, key %s) was refused (%s) but has orders %v", co.checkoutID, co.userID, co.key, co.refusal, orders)
			}
			continue
		}
		if ids := distinct(co.orderIDs); len(ids) > 1 {
			inv.violate("checkout %s (user %d, key %s) answered different orders %v", co.checkoutID, co.userID, co.key, ids)
		}
		id := co.orderIDs[0]
		if co.refusal != "" {
			inv.violate("checkout %s answered order %s, and later refused: %s", co.checkoutID, id, co.refusal)
		}
		if want := orderwf.OrderID(co.userID, co.key); id != want {
			inv.violate("checkout %s answered order %s, not its own order id %s", co.checkoutID, id, want)
		}
		o := a.snap.orders[id]
		switch {
		case o == nil:
			inv.violate("checkout %s answered order %s, which is not in the orders table", co.checkoutID, id)
		case o.UserID != co.userID:
			inv.violate("order %s of checkout %s belongs to user %d, not %d", id, co.checkoutID, o.UserID, co.userID)
		case len(orders) != 1:
			inv.violate("checkout %s has %d orders: %v", co.checkoutID, len(orders), orders)
		}
		if listed != nil && listed[co.userID][id] != 1 {
			inv.violate("ListOrders (as admin) shows order %s of user %d %d times", id, co.userID, listed[co.userID][id])
		}
	}
	return inv
}

// listedOrders lists, through the API as admin, the orders of every user
// who got an answer: user -> order id -> times listed.
func (a *auditor) listedOrders(ctx context.Context, inv *invariant) map[int64]map[string]int {
	users := map[int64]bool{}
	for _, co := range a.journal.answeredCheckouts() {
		users[co.userID] = true
	}
	out := map[int64]map[string]int{}
	for u := range users {
		out[u] = map[string]int{}
		token := ""
		for {
			var resp *order.ListOrdersResponse
			err := a.admin.call(ctx, "ListOrders", func(ctx context.Context) (err error) {
				resp, err = a.clients.Order.ListOrders(ctx, &order.ListOrdersRequest{UserId: u, Page: &common.PageRequest{PageSize: 100, PageToken: token}})
				return err
			})
			if err != nil {
				inv.violate("ListOrders of user %d as admin: %v", u, err)
				return nil
			}
			for _, o := range resp.GetOrders() {
				out[u][o.GetId()]++
			}
			if token = resp.GetPage().GetNextPageToken(); token == "" {
				break
			}
		}
	}
	return out
}

// ordersSettled: every order is final, or legitimately waiting: paid
// within its refund window, or unpaid within its payment window. The API,
// the orders table and the workflow's search attributes agree.
func (a *auditor) ordersSettled(ctx context.Context) *invariant {
	inv := &invariant{name: "every order is final or legitimately waiting (API, table and workflow agree)"}
	pendingRefunds := map[string]int{}
	for _, r := range a.snap.refunds {
		if r.Status == string(commerce.RefundPending) {
			pendingRefunds[r.OrderID]++
		}
	}
	workflowStatus := map[string]string{}
	for _, w := range a.workflows {
		if w.typ == orderwf.WorkflowType {
			workflowStatus[strings.TrimPrefix(w.id, "order/")] = w.orderStatus
		}
	}
	for _, id := range sortedKeys(a.snap.orders) {
		o := a.snap.orders[id]
		inv.checked++
		st, pay := commerce.OrderStatus(o.Status), commerce.PaymentStatus(o.PaymentStatus)
		refunded, total := o.order.Refunded.Amount, o.Total
		switch st {
		case commerce.OrderExpired, commerce.OrderCancelled:
			if pay != "" && pay != commerce.PaymentFailed && pay != commerce.PaymentCancelled {
				inv.violate("order %s is %s with its payment %s", id, st, pay)
			}
		case commerce.OrderRefunded:
			if (total > 0 && pay != commerce.PaymentRefunded) || refunded != total {
				inv.violate("order %s is REFUNDED with payment %s and %d of %d refunded", id, pay, refunded, total)
			}
		case commerce.OrderPaid, commerce.OrderPartiallyRefunded:
			wantPay, okRefunded := commerce.PaymentSucceeded, refunded == 0
			if st == commerce.OrderPartiallyRefunded {
				wantPay, okRefunded = commerce.PaymentPartiallyRefunded, refunded > 0 && refunded < total
			}
			if (total > 0 && pay != wantPay) || !okRefunded {
				inv.violate("order %s is %s with payment %s and %d of %d refunded", id, st, pay, refunded, total)
			}
			if n := pendingRefunds[id]; n > 0 {
				inv.violate("order %s is %s with %d refunds still PENDING", id, st, n)
			}
		case commerce.OrderPendingPayment:
			if late := a.now.Sub(o.order.ExpiresAt); late > a.grace {
				inv.violate("order %s is PENDING_PAYMENT %s after it should have expired (payment %s)", id, late.Round(time.Second), pay)
			}
		default:
			inv.violate("order %s has status %q", id, o.Status)
		}
		if ws, ok := workflowStatus[id]; !ok {
			inv.violate("order %s has no order workflow", id)
		} else if ws != o.Status {
			inv.violate("order %s is %s in the orders table but %s in its workflow's search attributes", id, o.Status, ws)
		}
		var resp *order.GetOrderResponse
		err := a.admin.call(ctx, "GetOrder", func(ctx context.Context) (err error) {
			resp, err = a.clients.Order.GetOrder(ctx, &order.GetOrderRequest{OrderId: id})
			return err
		})
		switch {
		case err != nil:
			inv.violate("GetOrder %s as admin: %v", id, err)
		case statusName(resp.GetOrder().GetStatus()) != o.Status || resp.GetOrder().GetVersion() != o.Version:
			inv.violate("GetOrder %s answers %s v%d, the table holds %s v%d", id,
				statusName(resp.GetOrder().GetStatus()), resp.GetOrder().GetVersion(), o.Status, o.Version)
		}
	}
	return inv
}

// paymentLogs: the payment log ends in each payment's recorded status,
// and every entry starts where the previous one ended.
func (a *auditor) paymentLogs() *invariant {
	inv := &invariant{name: "payment logs agree with the payments"}
	logs := map[string][]paymentLogRecord{}
	for _, l := range a.snap.logs {
		logs[l.PaymentID] = append(logs[l.PaymentID], l)
	}
	for _, p := range a.snap.payments {
		inv.checked++
		ls := logs[p.ID]
		if len(ls) == 0 {
			inv.violate("payment %s (%s) has no log", p.ID, p.Status)
			continue
		}
		prev := ""
		for _, l := range ls {
			if l.FromStatus != prev {
				inv.violate("payment %s: log v%d goes %s -> %s, after %s", p.ID, l.Version, l.FromStatus, l.ToStatus, prev)
			}
			prev = l.ToStatus
		}
		if prev != p.Status {
			inv.violate("payment %s is %s, its log ends in %s", p.ID, p.Status, prev)
		}
	}
	return inv
}

func distinct(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
