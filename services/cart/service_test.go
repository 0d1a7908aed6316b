package cart_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/services/cart"
)

// fakeCatalog is an in-memory product catalog that records its calls.
type fakeCatalog struct {
	mu       sync.Mutex
	products map[int64]commerce.Product
	calls    [][]int64
}

func (f *fakeCatalog) Products(_ context.Context, ids []int64) (map[int64]commerce.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Clone(ids))
	out := map[int64]commerce.Product{}
	for _, id := range ids {
		if p, ok := f.products[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

// product is an active product with plenty of stock.
func product(id int64, name string, cents int64, currency string) commerce.Product {
	return commerce.Product{ID: id, Name: name, PictureURL: "https://img.example/" + name + ".png",
		Price: money.New(cents, currency), Active: true, Available: 1000}
}

// newService returns a service over a fresh store and a catalog of products.
func newService(t *testing.T, products ...commerce.Product) (*cart.Service, *cart.Store, *fakeCatalog) {
	t.Helper()
	cat := &fakeCatalog{products: map[int64]commerce.Product{}}
	for _, p := range products {
		cat.products[p.ID] = p
	}
	store := newStore(t)
	return cart.NewService(store, cat), store, cat
}

// Callers.
func customer(id int64) context.Context {
	return authn.WithPrincipal(context.Background(), authn.Principal{UserID: id, Roles: []string{authn.RoleCustomer}})
}

func admin(id int64) context.Context {
	return authn.WithPrincipal(context.Background(), authn.Principal{UserID: id, Roles: []string{authn.RoleCustomer, authn.RoleAdmin}})
}

func service() context.Context {
	return authn.WithPrincipal(context.Background(), authn.Principal{Service: "checkout", Roles: []string{authn.RoleService}})
}

var ignoreItemTimes = cmpopts.IgnoreFields(cart.Item{}, "AddedAt")

func TestServiceGetPricesWithTheCatalog(t *testing.T) {
	lamp := product(4, "lamp", 4500, "USD")
	svc, _, cat := newService(t,
		product(1, "pen", 250, "USD"),
		product(2, "ink", 100, "USD"),
		product(3, "pad", 300, "USD"),
		lamp,
		product(5, "mug", 1000, "EUR"),
		product(6, "cup", 700, "USD"),
	)
	ctx := customer(7)
	for _, add := range []struct{ id, qty int64 }{{1, 2}, {2, 3}, {3, 1}, {4, 1}, {5, 1}, {6, 1}, {1, 1}} {
		if _, err := svc.Add(ctx, 0, add.id, add.qty, ""); err != nil {
			t.Fatalf("add %d x %d: %v", add.qty, add.id, err)
		}
	}
	// The catalog changes after the adds.
	cat.mu.Lock()
	cat.products[1] = product(1, "pen v2", 275, "USD") // renamed and repriced
	cat.products[2] = commerce.Product{ID: 2, Name: "ink", Price: money.New(100, "USD"), Active: true, Available: 1}
	cat.products[3] = commerce.Product{ID: 3, Name: "pad", Price: money.New(300, "USD"), Active: false, Available: 5}
	delete(cat.products, 4)
	cat.products[6] = commerce.Product{ID: 6, Name: "cup", Price: money.New(700, "USD"), Active: true, Available: -2}
	cat.calls = nil
	cat.mu.Unlock()

	got, err := svc.Get(ctx, 0)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	usd := func(c int64) money.Money { return money.New(c, "USD") }
	want := cart.Cart{
		UserID: 7,
		Items: []cart.Item{
			{ProductID: 1, Quantity: 3, Name: "pen v2", PictureURL: "https://img.example/pen v2.png",
				UnitPrice: usd(275), LineTotal: usd(825), Available: true},
			{ProductID: 2, Quantity: 3, Name: "ink", UnitPrice: usd(100), LineTotal: usd(300), UnavailableReason: "only 1 in stock"},
			{ProductID: 3, Quantity: 1, Name: "pad", UnitPrice: usd(300), LineTotal: usd(300), UnavailableReason: cart.ReasonInactive},
			// Deleted: still listed, with the name it had when added.
			{ProductID: 4, Quantity: 1, Name: lamp.Name, PictureURL: lamp.PictureURL, UnavailableReason: cart.ReasonDeleted},
			{ProductID: 5, Quantity: 1, Name: "mug", PictureURL: "https://img.example/mug.png",
				UnitPrice: money.New(1000, "EUR"), LineTotal: money.New(1000, "EUR"), Available: true},
			{ProductID: 6, Quantity: 1, Name: "cup", UnitPrice: usd(700), LineTotal: usd(700), UnavailableReason: "only 0 in stock"},
		},
		Subtotals:     []money.Money{money.New(1000, "EUR"), usd(825)},
		TotalQuantity: 10,
	}
	if diff := cmp.Diff(want, got, ignoreItemTimes); diff != "" {
		t.Errorf("cart (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int64{{1, 2, 3, 4, 5, 6}}, cat.calls); diff != "" {
		t.Errorf("catalog calls (-want +got):\n%s", diff)
	}
}

func TestServiceEmptyCartSkipsTheCatalog(t *testing.T) {
	svc, _, cat := newService(t)
	got, err := svc.Get(customer(7), 0)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if diff := cmp.Diff(cart.Cart{UserID: 7}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("cart (-want +got):\n%s", diff)
	}
	if len(cat.calls) != 0 {
		t.Errorf("catalog called %v for an empty cart", cat.calls)
	}
}

func TestServiceAdd(t *testing.T) {
	inactive := product(2, "old", 100, "USD")
	inactive.Active = false
	tests := []struct {
		name      string
		ctx       context.Context
		userID    int64
		productID int64
		quantity  int64
		kind      string
		owner     int64 // whose cart gets the line, when it succeeds
	}{
		{"own cart", customer(7), 0, 1, 2, "ok", 7},
		{"own cart by id", customer(7), 7, 1, 2, "ok", 7},
		{"another user's cart", customer(7), 8, 1, 2, "PermissionDenied", 0},
		{"admin, another user's cart", admin(9), 8, 1, 2, "ok", 8},
		{"service, a user's cart", service(), 8, 1, 2, "ok", 8},
		{"service, no user", service(), 0, 1, 2, "InvalidArgument", 0},
		{"no caller", context.Background(), 0, 1, 2, "Unauthenticated", 0},
		{"negative user", customer(7), -1, 1, 2, "InvalidArgument", 0},
		{"unknown product", customer(7), 0, 42, 1, "NotFound", 0},
		{"inactive product", customer(7), 0, 2, 1, "FailedPrecondition", 0},
		{"product id 0", customer(7), 0, 0, 1, "InvalidArgument", 0},
		{"negative product id", customer(7), 0, -1, 1, "InvalidArgument", 0},
		{"quantity 0", customer(7), 0, 1, 0, "InvalidArgument", 0},
		{"negative quantity", customer(7), 0, 1, -5, "InvalidArgument", 0},
		{"quantity 100", customer(7), 0, 1, 100, "InvalidArgument", 0},
		{"huge quantity", customer(7), 0, 1, 1 << 62, "InvalidArgument", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, store, _ := newService(t, product(1, "pen", 250, "USD"), inactive)
			got, err := svc.Add(tt.ctx, tt.userID, tt.productID, tt.quantity, "")
			if k := kindOf(err); k != tt.kind {
				t.Fatalf("Add = %v (%s), want %s", err, k, tt.kind)
			}
			for _, user := range []int64{7, 8} {
				var want []cart.Line
				if user == tt.owner {
					want = []cart.Line{{ProductID: 1, Quantity: tt.quantity, Name: "pen", PictureURL: "https://img.example/pen.png"}}
				}
				wantLines(t, store, user, want)
			}
			if err == nil && (got.UserID != tt.owner || got.TotalQuantity != tt.quantity) {
				t.Errorf("returned cart of user %d with %d units, want user %d with %d", got.UserID, got.TotalQuantity, tt.owner, tt.quantity)
			}
		})
	}
}

func TestServiceUpdate(t *testing.T) {
	tests := []setCase{
		{"raise", 1, 5, "ok", []cart.Line{line(1, 5), line(2, 3)}},
		{"lower a deleted product", 2, 1, "ok", []cart.Line{line(1, 2), line(2, 1)}},
		{"raise a deleted product", 2, 4, "NotFound", []cart.Line{line(1, 2), line(2, 3)}},
		{"zero removes", 2, 0, "ok", []cart.Line{line(1, 2)}},
		{"not in the cart", 3, 1, "NotFound", []cart.Line{line(1, 2), line(2, 3)}},
		{"beyond the cap", 1, 100, "InvalidArgument", []cart.Line{line(1, 2), line(2, 3)}},
		{"negative", 1, -1, "InvalidArgument", []cart.Line{line(1, 2), line(2, 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, store, cat := newService(t)
			fill(t, store, 7, line(1, 2), line(2, 3))
			cat.products[1] = commerce.Product{ID: 1, Name: "product 1", Active: true, Price: money.New(1, "USD"), Available: 9}
			cat.products[3] = commerce.Product{ID: 3, Name: "product 3", Active: true, Price: money.New(1, "USD"), Available: 9}
			_, err := svc.Update(customer(7), 0, tt.productID, tt.quantity)
			if k := kindOf(err); k != tt.kind {
				t.Errorf("Update(%d, %d) = %v (%s), want %s", tt.productID, tt.quantity, err, k, tt.kind)
			}
			wantLines(t, store, 7, tt.want)
		})
	}
}

func TestServiceRemoveIsIdempotent(t *testing.T) {
	svc, store, _ := newService(t, product(1, "pen", 250, "USD"))
	fill(t, store, 7, line(1, 2), line(2, 3))
	for range 2 {
		got, err := svc.Remove(customer(7), 0, 2)
		if err != nil {
			t.Fatalf("remove: %v", err)
		}
		if want := []int64{1}; !slices.Equal(productIDs(got), want) {
			t.Errorf("cart holds %v, want %v", productIDs(got), want)
		}
	}
	if _, err := svc.Remove(customer(7), 8, 1); kindOf(err) != "PermissionDenied" {
		t.Errorf("remove from another user's cart: %v, want PermissionDenied", err)
	}
	if err := svc.Empty(customer(7), 8); kindOf(err) != "PermissionDenied" {
		t.Errorf("empty another user's cart: %v, want PermissionDenied", err)
	}
	wantLines(t, store, 7, []cart.Line{line(1, 2)})
}

func productIDs(c cart.Cart) []int64 {
	var ids []int64
	for _, it := range c.Items {
		ids = append(ids, it.ProductID)
	}
	return ids
}

func TestServiceRemoveOrdered(t *testing.T) {
	items := []cart.OrderedItem{{ProductID: 1, Quantity: 1}}
	tests := []struct {
		name    string
		ctx     context.Context
		userID  int64
		orderID string
		kind    string
	}{
		{"service", service(), 7, "order-1", "ok"},
		{"service without user", service(), 0, "order-1", "InvalidArgument"},
		{"no order id", service(), 7, "", "InvalidArgument"},
		{"order id too long", service(), 7, strings.Repeat("x", 129), "InvalidArgument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, store, _ := newService(t)
			fill(t, store, 7, line(1, 2))
			err := svc.RemoveOrdered(tt.ctx, tt.userID, tt.orderID, items)
			if k := kindOf(err); k != tt.kind {
				t.Errorf("RemoveOrdered = %v (%s), want %s", err, k, tt.kind)
			}
			want := []cart.Line{line(1, 2)}
			if tt.kind == "ok" {
				want[0].Quantity = 1
			}
			wantLines(t, store, 7, want)
		})
	}
}

func TestServiceGetKeepsTotalsInRange(t *testing.T) {
	svc, store, _ := newService(t,
		product(1, "yacht", money.MaxAmount-10, "USD"),
		product(2, "pen", 20, "USD"),                   // would take the subtotal out of range
		product(3, "planet", money.MaxAmount/2, "USD"), // 3 units are out of range
		product(4, "mug", 5, "USD"),
	)
	fill(t, store, 7, line(1, 1), line(2, 1), line(3, 3), line(4, 2))
	got, err := svc.Get(customer(7), 0)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	var reasons []string
	for _, it := range got.Items {
		reasons = append(reasons, it.UnavailableReason)
	}
	want := []string{"", cart.ReasonOutOfRange, cart.ReasonOutOfRange, ""}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("unavailable reasons (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]money.Money{money.New(money.MaxAmount, "USD")}, got.Subtotals); diff != "" {
		t.Errorf("subtotals (-want +got):\n%s", diff)
	}
}

func TestServiceCallsTheCatalogOncePerRequest(t *testing.T) {
	svc, _, cat := newService(t, product(1, "pen", 250, "USD"), product(2, "ink", 100, "USD"))
	ctx := customer(7)
	steps := []struct {
		name string
		do   func() (cart.Cart, error)
		want [][]int64 // the ids of each catalog call
	}{
		{"add to an empty cart", func() (cart.Cart, error) { return svc.Add(ctx, 0, 1, 1, "") }, [][]int64{{1}}},
		{"add another product", func() (cart.Cart, error) { return svc.Add(ctx, 0, 2, 1, "") }, [][]int64{{1, 2}}},
		{"add to a line", func() (cart.Cart, error) { return svc.Add(ctx, 0, 1, 1, "") }, [][]int64{{1, 2}}},
		{"raise", func() (cart.Cart, error) { return svc.Update(ctx, 0, 2, 5) }, [][]int64{{1, 2}}},
		{"get", func() (cart.Cart, error) { return svc.Get(ctx, 0) }, [][]int64{{1, 2}}},
		{"update to 0", func() (cart.Cart, error) { return svc.Update(ctx, 0, 2, 0) }, [][]int64{{1}}},
		{"remove the last line", func() (cart.Cart, error) { return svc.Remove(ctx, 0, 1) }, nil},
	}
	for _, st := range steps {
		cat.calls = nil
		if _, err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, cat.calls); diff != "" {
			t.Errorf("%s: catalog calls (-want +got):\n%s", st.name, diff)
		}
	}
}
