package product

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/cache"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/money"
)

// testCurrency is the catalog currency of the tests.
const testCurrency = "USD"

// fixture is a product service over a fresh database (SQLite, or MySQL
// when TEMPOMALL_TEST_MYSQL_DSN is set) with an in-process cache.
type fixture struct {
	t     testing.TB
	svc   *Service
	store *Store
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := dbtest.Open(t, "product", Migrations)
	st := NewStore(db)
	c := cache.NewTiered(cache.NewMemory(1000), nil, time.Minute)
	return &fixture{t: t, svc: NewService(st, c, Settings{Currency: testCurrency}), store: st}
}

// admin is a context whose caller is an admin.
func admin() context.Context {
	return authn.WithPrincipal(context.Background(), authn.Principal{UserID: 1, Roles: []string{authn.RoleCustomer, authn.RoleAdmin}})
}

func usd(amount int64) money.Money { return money.New(amount, testCurrency) }

// product creates an active product: "name" or "name|description", a
// price in cents, stock, and categories.
func (f *fixture) product(text string, cents, stock int64, cats ...int64) Product {
	f.t.Helper()
	name, desc, _ := strings.Cut(text, "|")
	p, err := f.svc.CreateProduct(admin(), NewProduct{Name: name, Description: desc, Price: usd(cents), InitialStock: stock, CategoryIDs: cats})
	if err != nil {
		f.t.Fatalf("create product %q: %v", name, err)
	}
	return p
}

// category creates a category under parent (0: top level).
func (f *fixture) category(name string, parent int64) Category {
	f.t.Helper()
	c, err := f.svc.CreateCategory(admin(), NewCategory{Name: name, ParentID: parent})
	if err != nil {
		f.t.Fatalf("create category %q: %v", name, err)
	}
	return c
}

// level returns a product's stock level.
func (f *fixture) level(id int64) StockLevel {
	f.t.Helper()
	ls, _, err := f.svc.GetStock(admin(), []int64{id})
	if err != nil || len(ls) != 1 {
		f.t.Fatalf("get stock of %d: %v", id, err)
	}
	return ls[0]
}

// wantErr fails unless err has the kind and its message contains every
// fragment.
func wantErr(t testing.TB, err error, kind apperr.Kind, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if got := apperr.KindOf(err); got != kind {
		t.Fatalf("got %v error %q, want %v", got, err, kind)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// ids returns the ids of products.
func ids(ps []Product) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// countQueries counts the statements the fixture's store runs from now on.
func countQueries(t testing.TB, f *fixture) func() int {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := f.store.db.Callback()
	name := "test:count_queries"
	for _, err := range []error{
		cb.Query().After("gorm:query").Register(name, count),
		cb.Row().After("gorm:row").Register(name, count),
		cb.Raw().After("gorm:raw").Register(name, count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return func() int { return int(n.Load()) }
}

// allPages fetches pages, passing each page's next token to the next
// call, and returns the ids of every page and the total of the first.
func allPages(t *testing.T, fetch func(token string) ([]Product, PageInfo, error)) ([]int64, int64) {
	t.Helper()
	var (
		all   []int64
		token string
	)
	total := int64(-1)
	for range 100 {
		ps, page, err := fetch(token)
		if err != nil {
			t.Fatalf("page %q: %v", token, err)
		}
		if total < 0 {
			total = page.Total
		}
		all = append(all, ids(ps)...)
		if token = page.NextToken; token == "" {
			return all, total
		}
	}
	t.Fatal("the pages do not end")
	return nil, 0
}
