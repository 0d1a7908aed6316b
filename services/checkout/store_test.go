package checkout_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/pricing"
	"github.com/tempomall/tempomall/services/checkout"
)

// t0 is when the test checkouts are created.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// openDB returns a fresh, migrated database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set).
func openDB(t testing.TB) *gorm.DB {
	t.Helper()
	return dbtest.Open(t, "checkout", checkout.Migrations)
}

// newStore returns a store without a cache over a fresh database.
func newStore(t testing.TB) *checkout.Store {
	t.Helper()
	return checkout.NewStore(openDB(t), nil)
}

// caches are the caches a store reads through; each returns nil to run
// without one, and skips the test when it needs a server it lacks.
var caches = []struct {
	name string
	open func(t *testing.T) cache.Cache
}{
	{"no cache", func(*testing.T) cache.Cache { return nil }},
	{"memory", func(*testing.T) cache.Cache { return cache.NewMemory(100) }},
	{"redis", func(t *testing.T) cache.Cache { return cache.NewRedis(redistest.Open(t)) }},
}

// sample returns version v of checkout id in state status, last changed
// minute minutes after t0 and expiring at expires minutes after t0.
func sample(id string, status commerce.CheckoutStatus, v int64, minute, expires int) commerce.Checkout {
	total := money.New(4200, "EUR")
	return commerce.Checkout{
		ID: id, UserID: 7, IdempotencyKey: "key-" + id, Status: status, Currency: "EUR",
		Quote: commerce.Quote{
			Lines:    []commerce.Line{{ProductID: 3, Name: "teapot", Quantity: 2, UnitPrice: money.New(2100, "EUR"), LineTotal: total}},
			Subtotal: total, Payable: total, Discount: money.New(0, "EUR"), CatalogCurrency: "EUR", ExchangeRate: "1",
		},
		Address:   commerce.Address{Recipient: "Ada", Street: "1 Main St", City: "Lyon", Country: "FR"},
		CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(minute) * time.Minute),
		ExpiresAt: t0.Add(time.Duration(expires) * time.Minute), Version: v,
	}
}

// save writes checkouts or fails the test.
func save(t *testing.T, s *checkout.Store, cs ...commerce.Checkout) {
	t.Helper()
	for _, c := range cs {
		if err := s.Save(context.Background(), c); err != nil {
			t.Fatalf("save %s v%d: %v", c.ID, c.Version, err)
		}
	}
}

// wantCheckout fails the test unless Get answers want.
func wantCheckout(t *testing.T, s *checkout.Store, want commerce.Checkout) {
	t.Helper()
	got, err := s.Get(context.Background(), want.ID)
	if err != nil {
		t.Fatalf("get %s: %v", want.ID, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checkout %s (-want +got):\n%s", want.ID, diff)
	}
}

func TestStoreSaveKeepsTheNewestVersion(t *testing.T) {
	open := sample("c1", commerce.CheckoutOpen, 1, 0, 30)
	placed := sample("c1", commerce.CheckoutPlaced, 2, 1, 30)
	placed.OrderID = "o1"
	failedAtTwo := sample("c1", commerce.CheckoutFailed, 2, 2, 30)
	failedAtTwo.FailureReason = "out of stock"
	deleted := sample("c1", commerce.CheckoutDeleted, 3, 3, 30)
	tests := []struct {
		name   string
		writes []commerce.Checkout
		want   commerce.Checkout
	}{
		{"first write", []commerce.Checkout{open}, open},
		{"newer replaces", []commerce.Checkout{open, placed}, placed},
		{"older changes nothing", []commerce.Checkout{placed, open}, placed},
		{"equal version replaces (a lost task run again)", []commerce.Checkout{placed, failedAtTwo}, failedAtTwo},
		{"newer after an ignored older", []commerce.Checkout{placed, open, deleted}, deleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			save(t, s, tt.writes...)
			wantCheckout(t, s, tt.want)
		})
	}
}

func TestStoreGetReadsThroughTheCache(t *testing.T) {
	for _, cc := range caches {
		t.Run(cc.name, func(t *testing.T) {
			c := cc.open(t)
			db := openDB(t)
			s := checkout.NewStore(db, c)
			ctx := context.Background()
			if _, err := s.Get(ctx, "c1"); !errors.Is(err, checkout.ErrNotFound) {
				t.Fatalf("get unknown checkout: error %v, want NotFound", err)
			}
			v1 := sample("c1", commerce.CheckoutOpen, 1, 0, 30)
			save(t, s, v1)
			wantCheckout(t, s, v1) // a miss, then cached

			// A Save after a Get is visible at once: the cached copy is dropped.
			v2 := sample("c1", commerce.CheckoutPlaced, 2, 1, 30)
			v2.OrderID = "o1"
			save(t, s, v2)
			wantCheckout(t, s, v2)
			wantCheckout(t, s, v2) // from the cache, when there is one
			save(t, s, v1)         // ignored, and does not disturb the cache
			wantCheckout(t, s, v2)

			// A write that bypasses the cache shows which reads it serves.
			v3 := sample("c1", commerce.CheckoutDeleted, 3, 2, 30)
			save(t, checkout.NewStore(db, nil), v3)
			got, err := s.Get(ctx, "c1")
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			want := v3
			if cc.name != "no cache" {
				want = v2 // still cached
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("get after a write that bypassed the cache (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreDoesNotCacheOpenCheckouts(t *testing.T) {
	for _, cc := range caches {
		t.Run(cc.name, func(t *testing.T) {
			db := openDB(t)
			s := checkout.NewStore(db, cc.open(t))
			v1 := sample("c1", commerce.CheckoutOpen, 1, 0, 30)
			save(t, s, v1)
			wantCheckout(t, s, v1)
			// An open checkout still changes: a write that bypasses the
			// cache (as a racing reader's late fill would) is seen at once.
			v2 := sample("c1", commerce.CheckoutOpen, 2, 1, 30)
			v2.Currency = "CNY"
			save(t, checkout.NewStore(db, nil), v2)
			wantCheckout(t, s, v2)
		})
	}
}

func TestStorePurge(t *testing.T) {
	cutoff := t0.Add(60 * time.Minute)
	// Checkouts changed at minute 0 are older than the cutoff; those
	// changed at minute 90 are recent. Open ones expire at minute 30
	// (before the cutoff) or 120 (after it).
	old := []commerce.Checkout{
		sample("placed", commerce.CheckoutPlaced, 2, 0, 30),
		sample("failed", commerce.CheckoutFailed, 2, 0, 30),
		sample("expired", commerce.CheckoutExpired, 2, 0, 30),
		sample("deleted", commerce.CheckoutDeleted, 2, 0, 30),
		sample("open-expired", commerce.CheckoutOpen, 1, 0, 30),
	}
	kept := []commerce.Checkout{
		sample("open", commerce.CheckoutOpen, 1, 0, 120),
		sample("recent-placed", commerce.CheckoutPlaced, 2, 90, 30),
		sample("recent-open-expired", commerce.CheckoutOpen, 1, 90, 30),
		sample("placed-late", commerce.CheckoutPlaced, 2, 90, 30),
	}
	for _, cc := range caches {
		t.Run(cc.name, func(t *testing.T) {
			c := cc.open(t)
			s := checkout.NewStore(openDB(t), c)
			ctx := context.Background()
			// placed-late was open at minute 0 and placed at minute 90.
			save(t, s, sample("placed-late", commerce.CheckoutOpen, 1, 0, 30))
			save(t, s, append(append([]commerce.Checkout{}, old...), kept...)...)
			for _, c := range old {
				wantCheckout(t, s, c) // cache them
			}

			var purged int64
			for _, limit := range []int{3, 3, 3} {
				n, err := s.Purge(ctx, cutoff, limit)
				if err != nil {
					t.Fatalf("purge: %v", err)
				}
				purged += n
			}
			if purged != int64(len(old)) {
				t.Errorf("purged %d checkouts, want %d", purged, len(old))
			}
			for _, c := range old {
				if _, err := s.Get(ctx, c.ID); !errors.Is(err, checkout.ErrNotFound) {
					t.Errorf("get purged checkout %s: error %v, want NotFound", c.ID, err)
				}
			}
			for _, c := range kept {
				wantCheckout(t, s, c)
			}
		})
	}
}

func TestStorePurgeLimit(t *testing.T) {
	s := newStore(t)
	for i := range 5 {
		save(t, s, sample(fmt.Sprintf("c%d", i), commerce.CheckoutPlaced, 2, 0, 30))
	}
	for _, want := range []int64{2, 2, 1, 0} {
		n, err := s.Purge(context.Background(), t0.Add(time.Hour), 2)
		if err != nil || n != want {
			t.Errorf("purge = %d, %v; want %d", n, err, want)
		}
	}
}

// newCoupon returns a percent coupon with a usage limit (0: unlimited).
func newCoupon(code string, limit int64) pricing.Coupon {
	return pricing.Coupon{
		Code: code, Kind: pricing.Percent, PercentOff: 10, MinSpend: money.New(1000, "USD"),
		UsageLimit: limit,
	}
}

// createCoupons stores coupons or fails the test.
func createCoupons(t *testing.T, s *checkout.Store, cs ...pricing.Coupon) {
	t.Helper()
	for _, c := range cs {
		if _, err := s.CreateCoupon(context.Background(), c, "USD"); err != nil {
			t.Fatalf("create coupon %s: %v", c.Code, err)
		}
	}
}

// stored returns c as the store gives it back: amounts in its currency.
func stored(c pricing.Coupon) pricing.Coupon {
	c.AmountOff = money.New(c.AmountOff.Amount, "USD")
	c.MinSpend = money.New(c.MinSpend.Amount, "USD")
	return c
}

// kindOf returns the failure kind of err, or "ok" for nil.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	return apperr.KindOf(err).String()
}

func TestStoreCoupons(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	fixed := pricing.Coupon{
		Code: "FIVE", Kind: pricing.Fixed, AmountOff: money.New(500, "USD"), UsageLimit: 100,
		ValidFrom: t0, ValidUntil: t0.Add(30 * 24 * time.Hour),
	}
	rec, err := s.CreateCoupon(ctx, fixed, "USD")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if diff := cmp.Diff(stored(fixed), rec.Coupon); diff != "" {
		t.Errorf("created coupon (-want +got):\n%s", diff)
	}
	if rec.CreatedAt.IsZero() {
		t.Errorf("created coupon has no creation time")
	}
	createCoupons(t, s, newCoupon("TEN", 0), newCoupon("ALPHA", 3))

	dup := newCoupon("FIVE", 1)
	if _, err := s.CreateCoupon(ctx, dup, "USD"); !errors.Is(err, checkout.ErrCouponExists) || apperr.KindOf(err) != apperr.AlreadyExists {
		t.Errorf("create duplicate: error %v, want AlreadyExists", err)
	}
	if got, err := s.Lookup(ctx, "FIVE"); err != nil || !cmp.Equal(stored(fixed), got) {
		t.Errorf("lookup after a refused duplicate (-want +got):\n%s (error %v)", cmp.Diff(stored(fixed), got), err)
	}
	if _, err := s.Coupon(ctx, "NOPE"); !errors.Is(err, checkout.ErrCouponNotFound) {
		t.Errorf("unknown coupon: error %v, want NotFound", err)
	}
	if _, err := s.Lookup(ctx, "NOPE"); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("lookup unknown coupon: error %v, want NotFound", err)
	}

	for range 2 { // idempotent
		rec, err := s.DisableCoupon(ctx, "TEN")
		if err != nil || !rec.Disabled {
			t.Errorf("disable = %+v, %v; want disabled", rec, err)
		}
	}
	if _, err := s.DisableCoupon(ctx, "NOPE"); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("disable unknown coupon: error %v, want NotFound", err)
	}

	tests := []struct {
		includeDisabled bool
		want            []string
	}{
		{false, []string{"ALPHA", "FIVE"}},
		{true, []string{"ALPHA", "FIVE", "TEN"}},
	}
	for _, tt := range tests {
		list, err := s.Coupons(ctx, tt.includeDisabled)
		if err != nil {
			t.Fatalf("coupons: %v", err)
		}
		codes := make([]string, len(list))
		for i, c := range list {
			codes[i] = c.Code
		}
		if diff := cmp.Diff(tt.want, codes); diff != "" {
			t.Errorf("Coupons(%t) (-want +got):\n%s", tt.includeDisabled, diff)
		}
	}
}

// use is one Redeem or Release of a coupon by an order.
type use struct {
	release bool
	order   string
}

func redeem(order string) use  { return use{false, order} }
func release(order string) use { return use{true, order} }

func TestStoreRedeemAndRelease(t *testing.T) {
	tests := []struct {
		name     string
		limit    int64
		disable  bool
		uses     []use
		want     []string // the outcome of each use
		wantUsed int64
	}{
		{"redeem", 3, false, []use{redeem("o1")}, []string{"ok"}, 1},
		{"repeat by the same order counts once", 3, false,
			[]use{redeem("o1"), redeem("o1"), redeem("o1")}, []string{"ok", "ok", "ok"}, 1},
		{"up to the limit", 2, false,
			[]use{redeem("o1"), redeem("o2"), redeem("o3")}, []string{"ok", "ok", "FailedPrecondition"}, 2},
		{"an order holding a use may repeat at the limit", 1, false,
			[]use{redeem("o1"), redeem("o1")}, []string{"ok", "ok"}, 1},
		{"unlimited", 0, false,
			[]use{redeem("o1"), redeem("o2"), redeem("o3")}, []string{"ok", "ok", "ok"}, 3},
		{"release gives the use back", 3, false,
			[]use{redeem("o1"), release("o1")}, []string{"ok", "ok"}, 0},
		{"release twice gives back once", 3, false,
			[]use{redeem("o1"), redeem("o2"), release("o1"), release("o1")}, []string{"ok", "ok", "ok", "ok"}, 1},
		{"release without redeem does nothing", 3, false,
			[]use{redeem("o1"), release("o2")}, []string{"ok", "ok"}, 1},
		{"a released use can be taken by another order", 1, false,
			[]use{redeem("o1"), redeem("o2"), release("o1"), redeem("o2")}, []string{"ok", "FailedPrecondition", "ok", "ok"}, 1},
		{"redeem again after release", 3, false,
			[]use{redeem("o1"), release("o1"), redeem("o1"), redeem("o1")}, []string{"ok", "ok", "ok", "ok"}, 1},
		{"disabled", 3, true, []use{redeem("o1")}, []string{"FailedPrecondition"}, 0},
		{"release of a disabled coupon", 3, true, []use{release("o1")}, []string{"ok"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ctx := context.Background()
			createCoupons(t, s, newCoupon("SAVE10", tt.limit), newCoupon("OTHER", tt.limit))
			if tt.disable {
				if _, err := s.DisableCoupon(ctx, "SAVE10"); err != nil {
					t.Fatalf("disable: %v", err)
				}
			}
			var got []string
			for _, u := range tt.uses {
				var err error
				if u.release {
					err = s.Release(ctx, "SAVE10", u.order)
				} else {
					err = s.Redeem(ctx, "SAVE10", u.order)
				}
				got = append(got, kindOf(err))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			wantUsed(t, s, "SAVE10", tt.wantUsed)
			wantUsed(t, s, "OTHER", 0)
		})
	}
}

// wantUsed fails the test unless a coupon counts want uses.
func wantUsed(t *testing.T, s *checkout.Store, code string, want int64) {
	t.Helper()
	c, err := s.Coupon(context.Background(), code)
	if err != nil {
		t.Fatalf("coupon %s: %v", code, err)
	}
	if c.Used != want {
		t.Errorf("coupon %s used %d times, want %d", code, c.Used, want)
	}
}

// redeemConcurrently runs n Redeem calls at once, by order(i), and counts
// their outcomes by kind.
func redeemConcurrently(t *testing.T, s *checkout.Store, code string, n int, order func(i int) string) map[string]int {
	t.Helper()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		got = map[string]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Redeem(context.Background(), code, order(i))
			mu.Lock()
			defer mu.Unlock()
			got[kindOf(err)]++
			if k := kindOf(err); k != "ok" && k != "FailedPrecondition" {
				t.Errorf("redeem by %s: %v", order(i), err)
			}
		}()
	}
	wg.Wait()
	return got
}

func TestStoreRedeemConcurrently(t *testing.T) {
	tests := []struct {
		name     string
		order    func(i int) string
		want     map[string]int
		wantUsed int64
	}{
		{"different orders share the limit", func(i int) string { return fmt.Sprintf("o%d", i) },
			map[string]int{"ok": 3, "FailedPrecondition": 17}, 3},
		{"one order counts once", func(int) string { return "o1" }, map[string]int{"ok": 20}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			createCoupons(t, s, newCoupon("SAVE10", 3))
			got := redeemConcurrently(t, s, "SAVE10", 20, tt.order)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			wantUsed(t, s, "SAVE10", tt.wantUsed)
		})
	}
}
