package product

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
)

var ignoreReservationTimes = cmpopts.IgnoreFields(Reservation{}, "CreatedAt", "UpdatedAt")

func TestReserveLifeCycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mug, pan := f.product("Blue mug", 1200, 10), f.product("Pan", 2500, 4)

	// Duplicate product ids are merged; items come back in product order.
	res, err := f.svc.ReserveStock(ctx, "order-1", []StockItem{{pan.ID, 1}, {mug.ID, 2}, {pan.ID, 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := Reservation{OrderID: "order-1", Items: []StockItem{{mug.ID, 2}, {pan.ID, 3}}, State: Reserved}
	if diff := cmp.Diff(want, res, ignoreReservationTimes); diff != "" {
		t.Fatalf("reserve (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(StockLevel{ProductID: pan.ID, Available: 1, Reserved: 3}, f.level(pan.ID)); diff != "" {
		t.Errorf("pan after reserve (-want +got):\n%s", diff)
	}
	if p, _ := f.svc.GetProduct(ctx, pan.ID); p.StockAvailable != 1 || p.Version != 2 {
		t.Errorf("GetProduct after reserve: available %d version %d, want 1 and 2", p.StockAvailable, p.Version)
	}

	// A repeat returns the reservation even though stock changed since.
	if _, err := f.svc.AdjustStock(admin(), pan.ID, -1, "broken", ""); err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.ReserveStock(ctx, "order-1", []StockItem{{mug.ID, 2}, {pan.ID, 3}})
	if diff := cmp.Diff(want, again, ignoreReservationTimes); err != nil || diff != "" {
		t.Fatalf("repeat: %v (-want +got):\n%s", err, diff)
	}
	_, err = f.svc.ReserveStock(ctx, "order-1", []StockItem{{mug.ID, 1}})
	wantErr(t, err, apperr.FailedPrecondition, "order order-1 already has a stock reservation for other items")
	// What the order holds can be read (a placement run again takes it over).
	got, err := f.svc.GetReservation(ctx, "order-1")
	if diff := cmp.Diff(want, got, ignoreReservationTimes); err != nil || diff != "" {
		t.Fatalf("GetReservation: %v (-want +got):\n%s", err, diff)
	}
	_, err = f.svc.GetReservation(ctx, "order-none")
	wantErr(t, err, apperr.NotFound, "order order-none has no stock reservation")
	_, err = f.svc.GetReservation(ctx, "")
	wantErr(t, err, apperr.InvalidArgument, "order_id")

	// Commit, idempotently; release and reserve again are refused or inert.
	for range 2 {
		res, err = f.svc.CommitStock(ctx, "order-1")
		if err != nil || res.State != Committed {
			t.Fatalf("commit: %v %v", res.State, err)
		}
	}
	if diff := cmp.Diff(StockLevel{ProductID: pan.ID, Available: 0, Committed: 3}, f.level(pan.ID)); diff != "" {
		t.Errorf("pan after commit (-want +got):\n%s", diff)
	}
	_, err = f.svc.ReleaseStock(ctx, "order-1")
	wantErr(t, err, apperr.FailedPrecondition, "it is committed", "ReturnStock")
	if res, err := f.svc.ReserveStock(ctx, "order-1", want.Items); err != nil || res.State != Committed {
		t.Errorf("reserve after commit: %v %v, want the committed reservation", res.State, err)
	}

	// Return, idempotently: the units are back on hand.
	for range 2 {
		res, err = f.svc.ReturnStock(ctx, "order-1")
		if err != nil || res.State != Returned {
			t.Fatalf("return: %v %v", res.State, err)
		}
	}
	if diff := cmp.Diff(StockLevel{ProductID: mug.ID, Available: 10}, f.level(mug.ID)); diff != "" {
		t.Errorf("mug after return (-want +got):\n%s", diff)
	}
	_, err = f.svc.CommitStock(ctx, "order-1")
	wantErr(t, err, apperr.FailedPrecondition, "it is returned")

	// Release, idempotently; commit and return after it are refused.
	if _, err := f.svc.ReserveStock(ctx, "order-2", []StockItem{{mug.ID, 4}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, err = f.svc.ReleaseStock(ctx, "order-2")
		if err != nil || res.State != Released {
			t.Fatalf("release: %v %v", res.State, err)
		}
	}
	_, err = f.svc.CommitStock(ctx, "order-2")
	wantErr(t, err, apperr.FailedPrecondition, "it is released")
	_, err = f.svc.ReturnStock(ctx, "order-2")
	wantErr(t, err, apperr.FailedPrecondition, "only a committed reservation can be returned")
	if diff := cmp.Diff(StockLevel{ProductID: mug.ID, Available: 10}, f.level(mug.ID)); diff != "" {
		t.Errorf("mug after release (-want +got):\n%s", diff)
	}
	if p, _ := f.svc.GetProduct(ctx, mug.ID); p.StockAvailable != 10 {
		t.Errorf("GetProduct after release: available %d, want 10", p.StockAvailable)
	}

	// A reserved order cannot be returned.
	if _, err := f.svc.ReserveStock(ctx, "order-3", []StockItem{{mug.ID, 1}}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ReturnStock(ctx, "order-3")
	wantErr(t, err, apperr.FailedPrecondition, "it is reserved")

	for _, call := range []func(context.Context, string) (Reservation, error){f.svc.ReleaseStock, f.svc.CommitStock, f.svc.ReturnStock} {
		_, err := call(ctx, "no-such-order")
		wantErr(t, err, apperr.NotFound, "order no-such-order has no stock reservation")
	}
}

func TestReserveRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mug, pan, rake := f.product("Blue mug", 1200, 1), f.product("Pan", 2500, 2), f.product("Rake", 900, 50)
	off, err := f.svc.CreateProduct(admin(), NewProduct{Name: "Lamp", Price: usd(100), InitialStock: 5, Status: StatusInactive})
	if err != nil {
		t.Fatal(err)
	}
	gone := f.product("Old mug", 100, 5)
	if err := f.svc.DeleteProduct(admin(), gone.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		items []StockItem
		kind  apperr.Kind
		says  []string
	}{
		{"every short item is named", []StockItem{{mug.ID, 3}, {rake.ID, 1}, {pan.ID, 5}}, apperr.FailedPrecondition, []string{
			fmt.Sprintf("product %d (Blue mug): 3 requested, 1 available", mug.ID),
			fmt.Sprintf("product %d (Pan): 5 requested, 2 available", pan.ID),
		}},
		{"inactive", []StockItem{{off.ID, 1}}, apperr.FailedPrecondition, []string{fmt.Sprintf("product %d (Lamp) is not on sale", off.ID)}},
		{"deleted", []StockItem{{gone.ID, 1}}, apperr.FailedPrecondition, []string{fmt.Sprintf("product %d (Old mug) was removed", gone.ID)}},
		{"unknown", []StockItem{{rake.ID, 1}, {999, 1}}, apperr.NotFound, []string{"product 999 does not exist"}},
		{"no items", nil, apperr.InvalidArgument, []string{"items are required"}},
		{"zero quantity", []StockItem{{rake.ID, 0}}, apperr.InvalidArgument, []string{"quantity of product"}},
		{"bad product id", []StockItem{{-3, 1}}, apperr.InvalidArgument, []string{"product_id must be positive"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.ReserveStock(ctx, fmt.Sprintf("refused-%d", i), tt.items)
			wantErr(t, err, tt.kind, tt.says...)
		})
	}
	_, err = f.svc.ReserveStock(ctx, "", []StockItem{{rake.ID, 1}})
	wantErr(t, err, apperr.InvalidArgument, "order_id is required")

	// Nothing was held by the refused reservations, and the order ids are
	// still free.
	for _, p := range []Product{mug, pan, rake} {
		if l := f.level(p.ID); l.Reserved != 0 || l.Available != p.StockAvailable {
			t.Errorf("product %d after refusals: %+v", p.ID, l)
		}
	}
	if _, err := f.svc.ReserveStock(ctx, "refused-0", []StockItem{{rake.ID, 1}}); err != nil {
		t.Errorf("reuse a refused order id: %v", err)
	}

	// A deleted product's reservation can still be released.
	if _, err := f.svc.ReserveStock(ctx, "before-delete", []StockItem{{pan.ID, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteProduct(admin(), pan.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReleaseStock(ctx, "before-delete"); err != nil {
		t.Fatal(err)
	}
	var row productRow // a deleted product's stock is no longer public
	if err := f.store.db.Unscoped().First(&row, pan.ID).Error; err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(StockLevel{ProductID: pan.ID, Available: 2}, levelOf(row)); diff != "" {
		t.Errorf("deleted pan after release (-want +got):\n%s", diff)
	}
}

// TestNoOversell races 100 reservations of one unit each for the last 10
// units: exactly 10 succeed, the others are refused, and no unit is lost
// or made up.
func TestNoOversell(t *testing.T) {
	f := newFixture(t)
	p := f.product("Last units", 1000, 10)
	other := f.product("Plenty", 1000, 1000)
	const callers = 100
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		reserved, refused int
		unexpected        []error
	)
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.svc.ReserveStock(context.Background(), fmt.Sprintf("race-%03d", i),
				[]StockItem{{other.ID, 1}, {p.ID, 1}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				reserved++
			case apperr.KindOf(err) == apperr.FailedPrecondition:
				refused++
			default:
				unexpected = append(unexpected, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(unexpected) > 0 {
		t.Fatalf("%d unexpected errors, first: %v", len(unexpected), unexpected[0])
	}
	if reserved != 10 || refused != callers-10 {
		t.Errorf("reserved %d, refused %d; want 10 and %d", reserved, refused, callers-10)
	}
	if diff := cmp.Diff(StockLevel{ProductID: p.ID, Available: 0, Reserved: 10}, f.level(p.ID)); diff != "" {
		t.Errorf("contended product (-want +got):\n%s", diff)
	}
	// All or nothing: the other item was held by the winners only.
	if diff := cmp.Diff(StockLevel{ProductID: other.ID, Available: 990, Reserved: 10}, f.level(other.ID)); diff != "" {
		t.Errorf("other product (-want +got):\n%s", diff)
	}
}

func TestAdjustStock(t *testing.T) {
	f := newFixture(t)
	p := f.product("Blue mug", 1200, 5)
	l, err := f.svc.AdjustStock(admin(), p.ID, 10, "restock", "adj-1")
	if diff := cmp.Diff(StockLevel{ProductID: p.ID, Available: 15}, l); err != nil || diff != "" {
		t.Fatalf("adjust: %v (-want +got):\n%s", err, diff)
	}
	// A repeat with the same key changes nothing.
	if l, err := f.svc.AdjustStock(admin(), p.ID, 10, "restock", "adj-1"); err != nil || l.Available != 15 {
		t.Fatalf("repeat: %+v %v", l, err)
	}
	_, err = f.svc.AdjustStock(admin(), p.ID, 11, "restock", "adj-1")
	wantErr(t, err, apperr.FailedPrecondition, `idempotency_key "adj-1" was already used`)
	_, err = f.svc.AdjustStock(admin(), p.ID, -16, "shrinkage", "")
	wantErr(t, err, apperr.FailedPrecondition, "cannot remove 16 units", "only 15 available")
	if l, err := f.svc.AdjustStock(admin(), p.ID, -15, "shrinkage", ""); err != nil || l.Available != 0 {
		t.Fatalf("remove all: %+v %v", l, err)
	}
	if got, _ := f.svc.GetProduct(context.Background(), p.ID); got.StockAvailable != 0 {
		t.Errorf("GetProduct after adjust: available %d, want 0", got.StockAvailable)
	}
	_, err = f.svc.AdjustStock(admin(), p.ID, 0, "", "")
	wantErr(t, err, apperr.InvalidArgument, "delta must be a non-zero")
	_, err = f.svc.AdjustStock(admin(), 999, 1, "", "")
	wantErr(t, err, apperr.NotFound, "product 999")
	levels, missing, err := f.svc.GetStock(context.Background(), []int64{p.ID, 999, 998})
	if err != nil || len(levels) != 1 || levels[0].ProductID != p.ID || !slices.Equal(missing, []int64{999, 998}) {
		t.Errorf("GetStock with unknown ids: %+v %v %v", levels, missing, err)
	}
	if err := f.svc.DeleteProduct(admin(), p.ID); err != nil {
		t.Fatal(err)
	}
	levels, missing, err = f.svc.GetStock(context.Background(), []int64{p.ID})
	if err != nil || len(levels) != 0 || !slices.Equal(missing, []int64{p.ID}) {
		t.Errorf("GetStock of a deleted product: %+v %v %v", levels, missing, err)
	}
	_, _, err = f.svc.GetStock(admin(), nil)
	wantErr(t, err, apperr.InvalidArgument, "product_ids are required")
}

// TestConcurrentRepeats races repeats of one reservation, then commits
// against releases: stock is held once, and exactly one of commit and
// release wins.
func TestConcurrentRepeats(t *testing.T) {
	f := newFixture(t)
	p := f.product("Blue mug", 1200, 100)
	race := func(n int, call func(i int) error) []error {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = call(i)
			}()
		}
		wg.Wait()
		return errs
	}
	for _, err := range race(20, func(int) error {
		_, err := f.svc.ReserveStock(context.Background(), "order-same", []StockItem{{p.ID, 3}})
		return err
	}) {
		if err != nil {
			t.Fatalf("repeated reserve: %v", err)
		}
	}
	if diff := cmp.Diff(StockLevel{ProductID: p.ID, Available: 97, Reserved: 3}, f.level(p.ID)); diff != "" {
		t.Fatalf("after repeated reserves (-want +got):\n%s", diff)
	}
	var committed, released atomic.Int64
	for _, err := range race(20, func(i int) error {
		var err error
		if i%2 == 0 {
			_, err = f.svc.CommitStock(context.Background(), "order-same")
			if err == nil {
				committed.Add(1)
			}
		} else {
			_, err = f.svc.ReleaseStock(context.Background(), "order-same")
			if err == nil {
				released.Add(1)
			}
		}
		if apperr.KindOf(err) == apperr.FailedPrecondition {
			return nil
		}
		return err
	}) {
		if err != nil {
			t.Fatalf("commit/release race: %v", err)
		}
	}
	l := f.level(p.ID)
	switch {
	case committed.Load() > 0 && released.Load() == 0:
		if diff := cmp.Diff(StockLevel{ProductID: p.ID, Available: 97, Committed: 3}, l); diff != "" {
			t.Errorf("commit won (-want +got):\n%s", diff)
		}
	case released.Load() > 0 && committed.Load() == 0:
		if diff := cmp.Diff(StockLevel{ProductID: p.ID, Available: 100}, l); diff != "" {
			t.Errorf("release won (-want +got):\n%s", diff)
		}
	default:
		t.Errorf("%d commits and %d releases succeeded; want one kind only", committed.Load(), released.Load())
	}
}

// TestTransitionReadsTheReservationOnce checks that a stock move reads
// the reservation once (its row and its items), after the state change,
// whether or not it moves stock.
func TestTransitionReadsTheReservationOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mug, pan := f.product("Blue mug", 1200, 10), f.product("Pan", 2500, 4)
	if _, err := f.svc.ReserveStock(ctx, "order-1", []StockItem{{mug.ID, 2}, {pan.ID, 3}}); err != nil {
		t.Fatal(err)
	}
	queries := countQueries(t, f)
	for i, state := range []ReservationState{Committed, Committed} { // a commit, then its repeat
		before := queries()
		res, err := f.svc.CommitStock(ctx, "order-1")
		if err != nil || res.State != state || len(res.Items) != 2 {
			t.Fatalf("commit %d: %+v, %v", i, res, err)
		}
		if n := queries() - before; n != 2 {
			t.Errorf("commit %d read %d times, want 2 (the reservation and its items)", i, n)
		}
	}
	if diff := cmp.Diff(StockLevel{ProductID: pan.ID, Available: 1, Committed: 3}, f.level(pan.ID)); diff != "" {
		t.Errorf("pan after commit (-want +got):\n%s", diff)
	}
}
