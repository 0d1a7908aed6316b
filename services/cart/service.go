// Package cart is the cart service: one cart per account, holding
// quantities of products. Prices, names and availability are read from the
// product service (one batch call) whenever a cart is shown, so a cart
// always shows the current catalog; a line keeps only the name and picture
// last seen, to show what it was once its product is deleted.
//
// Limits: at most MaxQuantity units per line and MaxLines lines per cart,
// enforced in the store under a per-cart lock, so concurrent requests
// cannot exceed them.
package cart

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/money"
)

// Catalog is what the cart needs from the product service.
type Catalog interface {
	// Products returns, in one call, the products of ids that exist and
	// are not deleted, by id; the others are absent from the map.
	Products(ctx context.Context, ids []int64) (map[int64]commerce.Product, error)
}

// Item is a cart line priced with the current catalog.
type Item struct {
	ProductID  int64
	Quantity   int64
	Name       string
	PictureURL string
	// UnitPrice and LineTotal are zero, without a currency, for a deleted
	// product.
	UnitPrice money.Money
	LineTotal money.Money
	// Available is false when the product was deleted, is inactive or
	// has fewer than Quantity units in stock; UnavailableReason says which.
	Available         bool
	UnavailableReason string
	AddedAt           time.Time
}

// Reasons a line is unavailable, besides "only N in stock".
const (
	ReasonDeleted  = "deleted"
	ReasonInactive = "inactive"
	// ReasonOutOfRange: the line total or the subtotal would exceed the
	// largest amount money holds.
	ReasonOutOfRange = "total out of range"
)

// Cart is an account's cart priced with the current catalog.
type Cart struct {
	UserID int64
	// Items are the lines, oldest first.
	Items []Item
	// Subtotals sum the available lines, one per currency, ordered by
	// currency code.
	Subtotals []money.Money
	// TotalQuantity counts the units of every line.
	TotalQuantity int64
}

// Service errors.
var (
	ErrUnknownProduct = apperr.New(apperr.NotFound, "no such product")
	ErrNotForSale     = apperr.New(apperr.FailedPrecondition, "the product is not for sale")
)

// maxOrderIDLen is the longest order id RemoveOrderedItems accepts.
const maxOrderIDLen = 128

// Service holds the cart rules.
type Service struct {
	store   *Store
	catalog Catalog
}

// NewService wires the cart service.
func NewService(store *Store, catalog Catalog) *Service {
	return &Service{store: store, catalog: catalog}
}

// Get returns a cart priced with the current catalog. userID 0 is the
// caller's cart; only admins and services may name another.
func (s *Service) Get(ctx context.Context, userID int64) (Cart, error) {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return Cart{}, err
	}
	return s.view(ctx, id, catalogRead{})
}

// Add adds quantity units (1 to MaxQuantity) of an active product to a
// cart, merging them with the units already there, and returns the cart.
// One catalog call both checks the product and prices the cart, so that
// once the units are added nothing fails on the catalog: a client retrying
// a failed AddItem would add them twice.
func (s *Service) Add(ctx context.Context, userID, productID, quantity int64, key string) (Cart, error) {
	id, err := lineOwner(ctx, userID, productID)
	if err != nil {
		return Cart{}, err
	}
	// The store refuses a bad quantity too (its update is only right for
	// 1 to MaxQuantity); checking here answers before any read.
	if err := checkAddQuantity(quantity); err != nil {
		return Cart{}, err
	}
	if key != "" {
		if err := commerce.CheckKey("idempotency_key", key); err != nil {
			return Cart{}, err
		}
	}
	lines, err := s.store.Lines(ctx, id)
	if err != nil {
		return Cart{}, err
	}
	ids := productIDs(lines)
	if !slices.Contains(ids, productID) {
		ids = append(ids, productID)
	}
	known, err := s.read(ctx, ids, catalogRead{})
	if err != nil {
		return Cart{}, err
	}
	p, err := known.forSale(productID)
	if err != nil {
		return Cart{}, err
	}
	add := Line{ProductID: productID, Quantity: quantity, Name: p.Name, PictureURL: p.PictureURL}
	if err := s.store.Add(ctx, id, add, key); err != nil {
		return Cart{}, err
	}
	return s.view(ctx, id, known)
}

// Update sets the quantity (0 to MaxQuantity) of a product in a cart; 0
// removes it. Raising the quantity needs the product to be for sale.
func (s *Service) Update(ctx context.Context, userID, productID, quantity int64) (Cart, error) {
	id, err := lineOwner(ctx, userID, productID)
	if err != nil {
		return Cart{}, err
	}
	if err := checkSetQuantity(quantity); err != nil { // before any read, as in Add
		return Cart{}, err
	}
	var known catalogRead
	if quantity > 0 {
		lines, err := s.store.Lines(ctx, id)
		if err != nil {
			return Cart{}, err
		}
		i := slices.IndexFunc(lines, func(l Line) bool { return l.ProductID == productID })
		if i < 0 {
			return Cart{}, apperr.Wrap(ErrNotInCart, "product %d is not in the cart; add it with AddItem", productID)
		}
		if known, err = s.read(ctx, productIDs(lines), known); err != nil {
			return Cart{}, err
		}
		if quantity > lines[i].Quantity {
			if _, err := known.forSale(productID); err != nil {
				return Cart{}, err
			}
		}
	}
	if err := s.store.Set(ctx, id, productID, quantity); err != nil {
		return Cart{}, err
	}
	return s.view(ctx, id, known)
}

// Remove takes a product out of a cart and returns the cart. Removing a
// product that is not in the cart succeeds (the cart is as asked), so a
// retried request does too.
func (s *Service) Remove(ctx context.Context, userID, productID int64) (Cart, error) {
	id, err := lineOwner(ctx, userID, productID)
	if err != nil {
		return Cart{}, err
	}
	if err := s.store.Remove(ctx, id, productID); err != nil {
		return Cart{}, err
	}
	return s.view(ctx, id, catalogRead{})
}

// Empty removes every line of a cart.
func (s *Service) Empty(ctx context.Context, userID int64) error {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return err
	}
	return s.store.Empty(ctx, id)
}

// RemoveOrdered takes the units an order bought out of the buyer's cart;
// units added since stay. It is idempotent by order id.
func (s *Service) RemoveOrdered(ctx context.Context, userID int64, orderID string, items []OrderedItem) error {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return err
	}
	if orderID == "" || len(orderID) > maxOrderIDLen {
		return apperr.InvalidArgf("order_id is required and at most %d bytes long", maxOrderIDLen)
	}
	_, err = s.store.RemoveOrdered(ctx, id, orderID, items)
	return err
}

// catalogRead is what catalog calls answered: the products by id, and
// every id asked for (a deleted product was asked for but is absent).
type catalogRead struct {
	asked    map[int64]bool
	products map[int64]commerce.Product
}

// read asks the catalog for the products of ids, in one call, and returns
// r with the answer added.
func (s *Service) read(ctx context.Context, ids []int64, r catalogRead) (catalogRead, error) {
	found, err := s.catalog.Products(ctx, ids)
	if err != nil {
		return r, err
	}
	if r.asked == nil {
		r = catalogRead{asked: map[int64]bool{}, products: map[int64]commerce.Product{}}
	}
	for _, id := range ids {
		r.asked[id] = true
	}
	maps.Copy(r.products, found)
	return r, nil
}

// forSale returns a product that exists and is active, or says why not.
func (r catalogRead) forSale(productID int64) (commerce.Product, error) {
	p, ok := r.products[productID]
	if !ok {
		return commerce.Product{}, apperr.Wrap(ErrUnknownProduct, "product %d does not exist or was deleted", productID)
	}
	if !p.Active {
		return commerce.Product{}, apperr.Wrap(ErrNotForSale, "product %d is not for sale at the moment (inactive)", productID)
	}
	return p, nil
}

// view reads a cart and prices it with the products in known, reading
// those of the other lines in one catalog call.
func (s *Service) view(ctx context.Context, userID int64, known catalogRead) (Cart, error) {
	lines, err := s.store.Lines(ctx, userID)
	if err != nil {
		return Cart{}, err
	}
	var missing []int64
	for _, l := range lines {
		if !known.asked[l.ProductID] {
			missing = append(missing, l.ProductID)
		}
	}
	if len(missing) > 0 {
		if known, err = s.read(ctx, missing, known); err != nil {
			return Cart{}, err
		}
	}
	return price(userID, lines, known.products), nil
}

// productIDs returns the products of lines.
func productIDs(lines []Line) []int64 {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ProductID
	}
	return ids
}

// price builds the cart view of lines from the catalog's products. A line
// whose total would leave money's range is shown unavailable rather than
// failing the whole cart.
func price(userID int64, lines []Line, products map[int64]commerce.Product) Cart {
	c := Cart{UserID: userID, Items: make([]Item, 0, len(lines))}
	sums := map[string]money.Money{}
	for _, l := range lines {
		it := Item{ProductID: l.ProductID, Quantity: l.Quantity, Name: l.Name, PictureURL: l.PictureURL, AddedAt: l.AddedAt}
		c.TotalQuantity += l.Quantity
		p, ok := products[l.ProductID]
		if !ok {
			it.UnavailableReason = ReasonDeleted
			c.Items = append(c.Items, it)
			continue
		}
		it.Name, it.PictureURL, it.UnitPrice = p.Name, p.PictureURL, p.Price
		total, err := p.Price.Mul(l.Quantity)
		it.LineTotal = total
		switch {
		case err != nil:
			it.UnavailableReason = ReasonOutOfRange
		case !p.Active:
			it.UnavailableReason = ReasonInactive
		case p.Available < l.Quantity:
			it.UnavailableReason = fmt.Sprintf("only %d in stock", max(p.Available, 0))
		case addTo(sums, total) != nil:
			it.UnavailableReason = ReasonOutOfRange
		}
		it.Available = it.UnavailableReason == ""
		c.Items = append(c.Items, it)
	}
	for _, sum := range sums {
		c.Subtotals = append(c.Subtotals, sum)
	}
	slices.SortFunc(c.Subtotals, func(a, b money.Money) int { return cmp.Compare(a.Currency, b.Currency) })
	return c
}

// addTo adds m to the sum of its currency in sums; on overflow sums stay
// as they were.
func addTo(sums map[string]money.Money, m money.Money) error {
	sum, ok := sums[m.Currency]
	if !ok {
		sums[m.Currency] = m
		return nil
	}
	sum, err := sum.Add(m)
	if err != nil {
		return err
	}
	sums[m.Currency] = sum
	return nil
}

// lineOwner returns the account whose cart a request on one product acts
// on, after checking the product id.
func lineOwner(ctx context.Context, userID, productID int64) (int64, error) {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return 0, err
	}
	if productID <= 0 {
		return 0, apperr.InvalidArgf("product_id must be a positive product id, got %d", productID)
	}
	return id, nil
}
