// Package product is the catalog and inventory service: products and their
// categories, a keyword search over them (English and Chinese), and the
// stock: reservations for orders (all-or-nothing, idempotent by order id,
// never oversold), their commit, release and return, and admin
// adjustments. Product reads go through a two-level cache.
package product

import (
	"time"

	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/money"
)

// Status says whether a product is on sale. It is as wide as the proto
// enum, so that any value a request sends is checked as sent (a narrower
// type would wrap 257 into ACTIVE); rows store it in a byte once checked.
type Status int32

// Product statuses; the numbers are the proto enum's.
const (
	// StatusActive products are listed and sold.
	StatusActive Status = 1
	// StatusInactive products are listed for admins only and not sold.
	StatusInactive Status = 2
)

// Product is a product as the service returns it.
type Product struct {
	ID          int64
	Name        string
	Description string
	PictureURL  string
	Price       money.Money
	CategoryIDs []int64
	Status      Status
	// StockAvailable is the number of units free to reserve. Read through
	// the cache it may lag behind the stock (see productCache); ReserveStock
	// is the authority.
	StockAvailable int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Version increases with every change of the fields above.
	Version int64
}

// Category groups products; ParentID is 0 for a top-level category.
type Category struct {
	ID          int64
	Name        string
	Description string
	ParentID    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Settings are the product service's parameters.
type Settings struct {
	// Currency is the catalog currency: every price is in it.
	Currency string
	// CacheTTL is how long a product stays in the shared cache (L2) unless
	// a write removes it first; 0 means DefaultCacheTTL.
	CacheTTL time.Duration
}

// DefaultCacheTTL is the shared cache's default lifetime of a product.
const DefaultCacheTTL = time.Minute

// Service holds the catalog and inventory rules.
type Service struct {
	store    *Store
	cache    *productCache
	currency string
}

// NewService wires the product service. c caches products by id.
func NewService(store *Store, c cache.Cache, cfg Settings) *Service {
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = DefaultCacheTTL
	}
	return &Service{store: store, cache: newProductCache(c, cfg.CacheTTL), currency: money.NormalizeCurrency(cfg.Currency)}
}

// productOf converts a stored product.
func productOf(r productRow) Product {
	return Product{
		ID: r.ID, Name: r.Name, Description: r.Description, PictureURL: r.PictureURL,
		Price:       money.New(r.PriceAmount, r.PriceCurrency),
		CategoryIDs: parseIDs(r.CategoryIDs),
		Status:      Status(r.Status), StockAvailable: r.Available,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}
}

// categoryOf converts a stored category.
func categoryOf(r categoryRow) Category {
	return Category{
		ID: r.ID, Name: r.Name, Description: r.Description, ParentID: r.ParentID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}
