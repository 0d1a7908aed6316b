package main

import (
	"context"
	"fmt"

	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/commerce"
)

// stockConserved: for every product the harness created, the initial
// stock equals available + reserved + committed (a return moves committed
// units back to available), reserved and committed equal the units of the
// reservations in those states, and GetStock answers the same.
func (a *auditor) stockConserved(ctx context.Context) *invariant {
	inv := &invariant{name: "stock conserved per product (initial = available + reserved + committed)"}
	inState := map[int8]map[int64]int64{reservedState: {}, committedState: {}}
	for _, r := range a.snap.reservations {
		if m := inState[r.State]; m != nil {
			for pid, q := range r.items {
				m[pid] += q
			}
		}
	}
	ids := make([]int64, len(a.products))
	for i, p := range a.products {
		ids[i] = p.id
	}
	var resp *product.GetStockResponse
	err := a.admin.call(ctx, "GetStock", func(ctx context.Context) (err error) {
		resp, err = a.clients.Product.GetStock(ctx, &product.GetStockRequest{ProductIds: ids})
		return err
	})
	if err != nil {
		inv.violate("GetStock as admin: %v", err)
	}
	api := map[int64]*product.StockLevel{}
	for _, l := range resp.GetLevels() {
		api[l.GetProductId()] = l
	}
	for _, p := range a.products {
		inv.checked++
		st, ok := a.snap.stock[p.id]
		if !ok {
			inv.violate("product %d (%s) is not in the products table", p.id, p.name)
			continue
		}
		if sum := st.Available + st.Reserved + st.Committed; sum != p.initialStock || st.Available < 0 || st.Reserved < 0 || st.Committed < 0 {
			inv.violate("product %d (%s): initial %d, now available %d + reserved %d + committed %d = %d",
				p.id, p.name, p.initialStock, st.Available, st.Reserved, st.Committed, sum)
		}
		if r := inState[reservedState][p.id]; r != st.Reserved {
			inv.violate("product %d (%s): %d reserved, its reservations hold %d", p.id, p.name, st.Reserved, r)
		}
		if c := inState[committedState][p.id]; c != st.Committed {
			inv.violate("product %d (%s): %d committed, its committed reservations hold %d", p.id, p.name, st.Committed, c)
		}
		if l := api[p.id]; err == nil && (l == nil || l.GetAvailable() != st.Available || l.GetReserved() != st.Reserved || l.GetCommitted() != st.Committed) {
			inv.violate("product %d (%s): GetStock answers %v, the table holds %d/%d/%d", p.id, p.name, l, st.Available, st.Reserved, st.Committed)
		}
	}
	return inv
}

// reservationsFollowOrders: every order's reservation is in the state its
// status implies (unpaid: reserved; paid: committed; refunded in full:
// returned; cancelled or expired: released) and holds the order's items;
// a reservation without an order (a placement undone) is released.
func (a *auditor) reservationsFollowOrders() *invariant {
	inv := &invariant{name: "stock reservation follows its order"}
	want := map[commerce.OrderStatus]int8{
		commerce.OrderPendingPayment:    reservedState,
		commerce.OrderPaid:              committedState,
		commerce.OrderPartiallyRefunded: committedState,
		commerce.OrderRefunded:          returnedState,
		commerce.OrderCancelled:         releasedState,
		commerce.OrderExpired:           releasedState,
	}
	for _, id := range sortedKeys(a.snap.reservations) {
		r := a.snap.reservations[id]
		inv.checked++
		o := a.snap.orders[id]
		if o == nil {
			if r.State != releasedState {
				inv.violate("reservation of order %s, which is not in the orders table, is %s", id, stateName(r.State))
			}
			continue
		}
		if w := want[commerce.OrderStatus(o.Status)]; r.State != w {
			inv.violate("order %s is %s, its reservation %s (want %s)", id, o.Status, stateName(r.State), stateName(w))
		}
		items := map[int64]int64{}
		for _, it := range o.order.Quote.Items() {
			items[it.ProductID] += it.Quantity
		}
		if fmt.Sprint(items) != fmt.Sprint(r.items) {
			inv.violate("order %s has items %v, its reservation %v", id, items, r.items)
		}
	}
	for _, id := range sortedKeys(a.snap.orders) {
		if a.snap.reservations[id] == nil {
			inv.checked++
			inv.violate("order %s (%s) has no stock reservation", id, a.snap.orders[id].Status)
		}
	}
	return inv
}

func stateName(s int8) string {
	switch s {
	case reservedState:
		return "reserved"
	case committedState:
		return "committed"
	case releasedState:
		return "released"
	case returnedState:
		return "returned"
	}
	return fmt.Sprintf("state %d", s)
}
