package product

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/internal/text"
)

// NewProduct is a product to create.
type NewProduct struct {
	Name        string
	Description string
	// PictureURL is an http(s) URL, or empty for none.
	PictureURL  string
	Price       money.Money
	CategoryIDs []int64
	// Status is StatusActive when unset.
	Status       Status
	InitialStock int64
	// IdempotencyKey, when set, makes a repeat return the first call's
	// product.
	IdempotencyKey string
}

// ProductUpdate is a change to a product; nil fields stay as they are.
type ProductUpdate struct {
	Name        *string
	Description *string
	PictureURL  *string
	Price       *money.Money
	// CategoryIDs replace the categories when SetCategories is true.
	SetCategories bool
	CategoryIDs   []int64
	// Status changes when not 0.
	Status Status
}

// CreateProduct adds a product to the catalog with its initial stock.
func (s *Service) CreateProduct(ctx context.Context, np NewProduct) (Product, error) {
	row, cats, err := s.newProductRow(np)
	if err != nil {
		return Product{}, err
	}
	digest := row.CreateDigest
	existing, err := s.store.CreateProduct(ctx, &row, cats)
	if err != nil {
		return Product{}, err
	}
	if existing {
		if row.CreateDigest != digest {
			return Product{}, apperr.Preconditionf("idempotency_key %q was already used to create product %d with other fields; use a new key for a new product",
				np.IdempotencyKey, row.ID)
		}
		if row.DeletedAt.Valid {
			return Product{}, apperr.Wrap(ErrProductNotFound, "product %d, created with idempotency_key %q, was deleted since", row.ID, np.IdempotencyKey)
		}
	}
	return productOf(row), nil
}

// newProductRow validates a new product and returns its row and its
// categories (sorted, without duplicates).
func (s *Service) newProductRow(np NewProduct) (productRow, []int64, error) {
	var (
		row productRow
		err error
	)
	if row.Name, err = text.Clean("name", np.Name, text.Rule{Min: 1, Max: MaxNameRunes}); err != nil {
		return row, nil, err
	}
	if row.Description, err = text.Clean("description", np.Description, text.Rule{Max: MaxDescriptionRunes, Multiline: true}); err != nil {
		return row, nil, err
	}
	if row.PictureURL, err = checkPictureURL(np.PictureURL); err != nil {
		return row, nil, err
	}
	price, err := s.checkPrice(np.Price)
	if err != nil {
		return row, nil, err
	}
	row.PriceAmount, row.PriceCurrency = price.Amount, price.Currency
	cats, err := checkIDs("category_ids", np.CategoryIDs, MaxCategoriesPerProduct)
	if err != nil {
		return row, nil, err
	}
	slices.Sort(cats)
	st, err := checkStatus(np.Status, StatusActive)
	if err != nil {
		return row, nil, err
	}
	row.Status = int8(st)
	if np.InitialStock < 0 || np.InitialStock > MaxStock {
		return row, nil, apperr.InvalidArgf("initial_stock must be 0 to %d; got %d", MaxStock, np.InitialStock)
	}
	row.Available = np.InitialStock
	key, err := checkKey("idempotency_key", np.IdempotencyKey, false)
	if err != nil {
		return row, nil, err
	}
	if key != "" {
		row.CreateKey = &key
		sum := sha256.Sum256(fmt.Appendf(nil, "%q|%q|%q|%d|%s|%v|%d|%d",
			row.Name, row.Description, row.PictureURL, row.PriceAmount, row.PriceCurrency, cats, row.Status, row.Available))
		row.CreateDigest = hex.EncodeToString(sum[:])
	}
	return row, cats, nil
}

// GetProduct returns a product, active or inactive; deleted products are
// NotFound. It reads through the cache.
func (s *Service) GetProduct(ctx context.Context, id int64) (Product, error) {
	if err := checkID("id", id); err != nil {
		return Product{}, err
	}
	if p, ok := s.cache.get(ctx, id); ok {
		return p, nil
	}
	gen := s.cache.generation()
	row, err := s.store.Product(ctx, id)
	if err != nil {
		return Product{}, err
	}
	p := productOf(row)
	s.cache.fill(ctx, gen, p)
	return p, nil
}

// BatchGetProducts returns the products of ids in request order (each id
// once) and the ids that are unknown or deleted. Cached products come
// from one cache call; the others from one database query, and are
// cached with one more.
func (s *Service) BatchGetProducts(ctx context.Context, ids []int64) ([]Product, []int64, error) {
	ids, err := checkIDs("ids", ids, MaxBatch)
	if err != nil {
		return nil, nil, err
	}
	found := s.cache.getMany(ctx, ids)
	var misses []int64
	for _, id := range ids {
		if _, ok := found[id]; !ok {
			misses = append(misses, id)
		}
	}
	if len(misses) > 0 {
		gen := s.cache.generation()
		rows, err := s.store.Products(ctx, misses)
		if err != nil {
			return nil, nil, err
		}
		fetched := make([]Product, len(rows))
		for i, r := range rows {
			fetched[i] = productOf(r)
			found[r.ID] = fetched[i]
		}
		s.cache.fill(ctx, gen, fetched...)
	}
	products := make([]Product, 0, len(found))
	var missing []int64
	for _, id := range ids {
		if p, ok := found[id]; ok {
			products = append(products, p)
		} else {
			missing = append(missing, id)
		}
	}
	return products, missing, nil
}

// UpdateProduct changes the fields of a product that up sets and returns
// the product with its new version.
func (s *Service) UpdateProduct(ctx context.Context, id int64, up ProductUpdate) (Product, error) {
	if err := checkID("id", id); err != nil {
		return Product{}, err
	}
	if err := s.checkUpdate(&up); err != nil {
		return Product{}, err
	}
	row, err := s.store.UpdateProduct(ctx, id, up)
	if err != nil {
		return Product{}, err
	}
	s.cache.invalidate(ctx, id)
	return productOf(row), nil
}

// checkUpdate validates the set fields of up and normalizes them in place.
func (s *Service) checkUpdate(up *ProductUpdate) error {
	if up.Name == nil && up.Description == nil && up.PictureURL == nil && up.Price == nil &&
		!up.SetCategories && up.Status == 0 {
		return apperr.InvalidArgf("nothing to update: set name, description, picture_url, price, status or set_categories")
	}
	clean := func(v **string, check func(string) (string, error)) error {
		if *v == nil {
			return nil
		}
		c, err := check(**v)
		*v = &c
		return err
	}
	if err := clean(&up.Name, func(v string) (string, error) {
		return text.Clean("name", v, text.Rule{Min: 1, Max: MaxNameRunes})
	}); err != nil {
		return err
	}
	if err := clean(&up.Description, func(v string) (string, error) {
		return text.Clean("description", v, text.Rule{Max: MaxDescriptionRunes, Multiline: true})
	}); err != nil {
		return err
	}
	if err := clean(&up.PictureURL, checkPictureURL); err != nil {
		return err
	}
	if up.Price != nil {
		p, err := s.checkPrice(*up.Price)
		if err != nil {
			return err
		}
		up.Price = &p
	}
	if up.SetCategories {
		cats, err := checkIDs("category_ids", up.CategoryIDs, MaxCategoriesPerProduct)
		if err != nil {
			return err
		}
		slices.Sort(cats)
		up.CategoryIDs = cats
	}
	st, err := checkStatus(up.Status, 0)
	up.Status = st
	return err
}

// DeleteProduct removes a product from listings, search and sale. Orders
// keep their own copy of what they bought. Deleting a deleted product
// succeeds (retries are safe); an unknown id is NotFound.
func (s *Service) DeleteProduct(ctx context.Context, id int64) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	if _, err := s.store.DeleteProduct(ctx, id); err != nil {
		return err
	}
	s.cache.invalidate(ctx, id)
	return nil
}

// ListQuery selects products to list.
type ListQuery struct {
	// CategoryID keeps the products of a category and its subcategories;
	// 0 keeps all.
	CategoryID int64
	// Sort is SortNewest when 0.
	Sort Sort
	// IncludeInactive lists inactive products too (admins only).
	IncludeInactive bool
	Page            Page
}

// ListProducts returns a page of products.
func (s *Service) ListProducts(ctx context.Context, q ListQuery) ([]Product, PageInfo, error) {
	size, err := q.Page.pageSize()
	if err != nil {
		return nil, PageInfo{}, err
	}
	if q.Sort == 0 {
		q.Sort = SortNewest
	}
	if q.Sort < SortNewest || q.Sort > SortPriceDesc {
		return nil, PageInfo{}, apperr.InvalidArgf("sort %d is not a product order; use NEWEST (1), PRICE_ASC (2) or PRICE_DESC (3)", q.Sort)
	}
	if q.IncludeInactive {
		if p, _ := authn.FromContext(ctx); !p.IsAdmin() {
			return nil, PageInfo{}, apperr.New(apperr.PermissionDenied, "include_inactive is for admins; leave it unset to list the products on sale")
		}
	}
	cats, err := s.categoryFilter(ctx, q.CategoryID)
	if err != nil {
		return nil, PageInfo{}, err
	}
	filter := fingerprint("list", q.CategoryID, q.Sort, q.IncludeInactive)
	after, err := q.Page.after(filter)
	if err != nil {
		return nil, PageInfo{}, err
	}
	rows, total, err := s.store.ListProducts(ctx, listQuery{
		categoryIDs: cats, includeInactive: q.IncludeInactive, sort: q.Sort, after: after, limit: size,
	})
	if err != nil {
		return nil, PageInfo{}, err
	}
	rows, next := pageOf(rows, size, filter, func(r productRow) (int64, int64) { return r.ID, r.PriceAmount })
	products := make([]Product, len(rows))
	for i, r := range rows {
		products[i] = productOf(r)
	}
	return products, PageInfo{NextToken: next, Total: total}, nil
}
