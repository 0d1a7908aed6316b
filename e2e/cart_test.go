package e2e_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

// cartLine is what the test checks of a cart item.
type cartLine struct {
	ProductID int64
	Quantity  int64
	Name      string
	UnitPrice *common.Money
	LineTotal *common.Money
	Available bool
	Reason    string
}

// cartView is what the test checks of a cart.
type cartView struct {
	Lines     []cartLine
	Subtotals []*common.Money
	Units     int64
}

// cartViewOf returns what the test checks of c. A line without added_at
// gets " (no added_at)" appended to its reason, so that it shows in diffs.
func cartViewOf(c *cart.Cart) cartView {
	v := cartView{Subtotals: c.GetSubtotals(), Units: c.GetTotalQuantity()}
	for _, it := range c.GetItems() {
		v.Lines = append(v.Lines, cartLine{
			ProductID: it.GetProductId(), Quantity: it.GetQuantity(), Name: it.GetName(),
			UnitPrice: it.GetUnitPrice(), LineTotal: it.GetLineTotal(),
			Available: it.GetAvailable(), Reason: it.GetUnavailableReason(),
		})
		if it.GetAddedAt() == nil || it.GetAddedAt().AsTime().IsZero() {
			v.Lines[len(v.Lines)-1].Reason += " (no added_at)"
		}
	}
	return v
}

// wantCartView fails the test unless the caller's cart (user 0) or user's
// cart looks like want.
func wantCartView(t *testing.T, s *stack, ctx context.Context, userID int64, want cartView) {
	t.Helper()
	resp, err := s.clients.Cart.GetCart(ctx, &cart.GetCartRequest{UserId: userID})
	if err != nil {
		t.Fatalf("get cart: %v", err)
	}
	if diff := cmp.Diff(want, cartViewOf(resp.GetCart()), cmp.Comparer(cartSameMoney)); diff != "" {
		t.Errorf("cart (-want +got):\n%s", diff)
	}
}

func cartSameMoney(a, b *common.Money) bool {
	return a.GetAmount() == b.GetAmount() && a.GetCurrency() == b.GetCurrency() && (a == nil) == (b == nil)
}

func TestCartJourney(t *testing.T) {
	s := startStack(t, config.Auth, config.User, config.Product, config.Cart)
	c := s.clients
	adminTok := s.admin(t)
	aliceID, aliceTok := s.customer(t)
	bobID, bobTok := s.customer(t)
	alice := as(aliceTok)
	usd := s.money

	pen := s.namedProduct(t, adminTok, "Pen", 250, 10)
	ink := s.namedProduct(t, adminTok, "Ink", 100, 2)
	lamp := s.namedProduct(t, adminTok, "Lamp", 4500, 5)

	// Adding merges units of the same product.
	for _, add := range []struct{ id, qty int64 }{{pen, 2}, {ink, 3}, {lamp, 1}, {pen, 1}} {
		if _, err := c.Cart.AddItem(alice, &cart.AddItemRequest{ProductId: add.id, Quantity: add.qty}); err != nil {
			t.Fatalf("add %d x product %d: %v", add.qty, add.id, err)
		}
	}
	wantCartView(t, s, alice, 0, cartView{
		Lines: []cartLine{
			{pen, 3, "Pen", usd(250), usd(750), true, ""},
			{ink, 3, "Ink", usd(100), usd(300), false, "only 2 in stock"},
			{lamp, 1, "Lamp", usd(4500), usd(4500), true, ""},
		},
		Subtotals: []*common.Money{usd(5250)},
		Units:     7,
	})

	// The cart shows the current catalog: a new price, an inactive product,
	// a deleted one (still listed until removed).
	if _, err := c.Product.UpdateProduct(as(adminTok), &product.UpdateProductRequest{Id: pen, Price: usd(300)}); err != nil {
		t.Fatalf("reprice: %v", err)
	}
	if _, err := c.Product.UpdateProduct(as(adminTok), &product.UpdateProductRequest{Id: ink, Status: product.ProductStatus_PRODUCT_STATUS_INACTIVE}); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	if _, err := c.Product.DeleteProduct(as(adminTok), &product.DeleteProductRequest{Id: lamp}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	current := cartView{
		Lines: []cartLine{
			{pen, 3, "Pen", usd(300), usd(900), true, ""},
			{ink, 3, "Ink", usd(100), usd(300), false, "inactive"},
			{lamp, 1, "Lamp", nil, nil, false, "deleted"},
		},
		Subtotals: []*common.Money{usd(900)},
		Units:     7,
	}
	wantCartView(t, s, alice, 0, current)

	// Bad input gets a clear error and changes nothing.
	bad := []struct {
		step string
		req  *cart.AddItemRequest
		kind apperr.Kind
		says string
	}{
		{"quantity 0", &cart.AddItemRequest{ProductId: pen, Quantity: 0}, apperr.InvalidArgument, "between 1 and 99"},
		{"negative quantity", &cart.AddItemRequest{ProductId: pen, Quantity: -4}, apperr.InvalidArgument, "between 1 and 99"},
		{"huge quantity", &cart.AddItemRequest{ProductId: pen, Quantity: 1 << 60}, apperr.InvalidArgument, "between 1 and 99"},
		{"merged line over 99", &cart.AddItemRequest{ProductId: pen, Quantity: 97}, apperr.InvalidArgument, "add at most 96 more"},
		{"unknown product", &cart.AddItemRequest{ProductId: 987654, Quantity: 1}, apperr.NotFound, "product 987654 does not exist"},
		{"deleted product", &cart.AddItemRequest{ProductId: lamp, Quantity: 1}, apperr.NotFound, "does not exist or was deleted"},
		{"inactive product", &cart.AddItemRequest{ProductId: ink, Quantity: 1}, apperr.FailedPrecondition, "not for sale"},
		{"no product", &cart.AddItemRequest{Quantity: 1}, apperr.InvalidArgument, "product_id"},
		{"another user's cart", &cart.AddItemRequest{UserId: bobID, ProductId: pen, Quantity: 1}, apperr.PermissionDenied, "your own account"},
	}
	for _, b := range bad {
		_, err := c.Cart.AddItem(alice, b.req)
		wantKind(t, b.step, err, b.kind)
		if !strings.Contains(err.Error(), b.says) {
			t.Errorf("%s: error %q does not say %q", b.step, err, b.says)
		}
	}
	_, err := c.Cart.UpdateItem(alice, &cart.UpdateItemRequest{ProductId: pen, Quantity: 100})
	wantKind(t, "update beyond 99", err, apperr.InvalidArgument)
	_, err = c.Cart.UpdateItem(alice, &cart.UpdateItemRequest{ProductId: 987654, Quantity: 1})
	wantKind(t, "update a product not in the cart", err, apperr.NotFound)
	wantCartView(t, s, alice, 0, current)

	// Another user's cart is out of reach; admins may read it.
	_, err = c.Cart.GetCart(alice, &cart.GetCartRequest{UserId: bobID})
	wantKind(t, "read another user's cart", err, apperr.PermissionDenied)
	_, err = c.Cart.RemoveItem(as(bobTok), &cart.RemoveItemRequest{UserId: aliceID, ProductId: pen})
	wantKind(t, "remove from another user's cart", err, apperr.PermissionDenied)
	_, err = c.Cart.EmptyCart(as(bobTok), &cart.EmptyCartRequest{UserId: aliceID})
	wantKind(t, "empty another user's cart", err, apperr.PermissionDenied)
	_, err = c.Cart.GetCart(context.Background(), &cart.GetCartRequest{})
	wantKind(t, "no token", err, apperr.Unauthenticated)
	wantCartView(t, s, as(adminTok), aliceID, current)
	wantCartView(t, s, as(bobTok), 0, cartView{})

	// Update and remove.
	if _, err := c.Cart.UpdateItem(alice, &cart.UpdateItemRequest{ProductId: pen, Quantity: 5}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if _, err := c.Cart.UpdateItem(alice, &cart.UpdateItemRequest{ProductId: ink, Quantity: 0}); err != nil {
		t.Fatalf("update to 0: %v", err)
	}
	for range 2 { // removing is idempotent
		if _, err := c.Cart.RemoveItem(alice, &cart.RemoveItemRequest{ProductId: lamp}); err != nil {
			t.Fatalf("remove: %v", err)
		}
	}
	wantCartView(t, s, alice, 0, cartView{
		Lines:     []cartLine{{pen, 5, "Pen", usd(300), usd(1500), true, ""}},
		Subtotals: []*common.Money{usd(1500)},
		Units:     5,
	})

	// RemoveOrderedItems is internal: services only, idempotent by order id.
	ordered := &cart.RemoveOrderedItemsRequest{UserId: aliceID, OrderId: "order-e2e-1", Items: []*cart.OrderedItem{{ProductId: pen, Quantity: 2}}}
	_, err = c.Cart.RemoveOrderedItems(alice, ordered)
	wantKind(t, "customer calls RemoveOrderedItems", err, apperr.PermissionDenied)
	svc := s.run.Clients
	for range 2 {
		if _, err := svc.Cart.RemoveOrderedItems(context.Background(), ordered); err != nil {
			t.Fatalf("remove ordered items: %v", err)
		}
	}
	wantCartView(t, s, alice, 0, cartView{
		Lines:     []cartLine{{pen, 3, "Pen", usd(300), usd(900), true, ""}},
		Subtotals: []*common.Money{usd(900)},
		Units:     3,
	})

	if _, err := c.Cart.EmptyCart(alice, &cart.EmptyCartRequest{}); err != nil {
		t.Fatalf("empty: %v", err)
	}
	wantCartView(t, s, alice, 0, cartView{})
}
