package product

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/money"
)

func TestCreateProductValidation(t *testing.T) {
	f := newFixture(t)
	mugs := f.category("Mugs", 0)
	valid := NewProduct{Name: "Blue mug", Price: usd(1250), CategoryIDs: []int64{mugs.ID}}
	tests := []struct {
		name   string
		change func(*NewProduct)
		kind   apperr.Kind
		says   string
	}{
		{"empty name", func(p *NewProduct) { p.Name = "  " }, apperr.InvalidArgument, "name is required"},
		{"long name", func(p *NewProduct) { p.Name = strings.Repeat("x", 201) }, apperr.InvalidArgument, "it has 201"},
		{"control character", func(p *NewProduct) { p.Name = "a\x00b" }, apperr.InvalidArgument, "control characters"},
		{"long description", func(p *NewProduct) { p.Description = strings.Repeat("杯", 5001) }, apperr.InvalidArgument, "description must be at most 5000"},
		{"no price", func(p *NewProduct) { p.Price = money.Money{} }, apperr.InvalidArgument, "price is required"},
		{"zero price", func(p *NewProduct) { p.Price = usd(0) }, apperr.InvalidArgument, "price must be positive"},
		{"negative price", func(p *NewProduct) { p.Price = usd(-5) }, apperr.InvalidArgument, "price must be positive"},
		{"huge price", func(p *NewProduct) { p.Price = usd(money.MaxAmount + 1) }, apperr.InvalidArgument, "at most"},
		{"other currency", func(p *NewProduct) { p.Price = money.New(100, "EUR") }, apperr.InvalidArgument, "must be in USD"},
		{"ftp picture", func(p *NewProduct) { p.PictureURL = "ftp://x/y.png" }, apperr.InvalidArgument, "http:// or https://"},
		{"relative picture", func(p *NewProduct) { p.PictureURL = "/img/x.png" }, apperr.InvalidArgument, "picture_url"},
		{"bad status", func(p *NewProduct) { p.Status = 9 }, apperr.InvalidArgument, "not a product status"},
		{"negative stock", func(p *NewProduct) { p.InitialStock = -1 }, apperr.InvalidArgument, "initial_stock"},
		{"unknown category", func(p *NewProduct) { p.CategoryIDs = []int64{mugs.ID, 999} }, apperr.NotFound, "category 999 does not exist"},
		{"bad category id", func(p *NewProduct) { p.CategoryIDs = []int64{0} }, apperr.InvalidArgument, "category_ids must be positive"},
		{"key with spaces", func(p *NewProduct) { p.IdempotencyKey = "a b" }, apperr.InvalidArgument, "idempotency_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			np := valid
			tt.change(&np)
			_, err := f.svc.CreateProduct(admin(), np)
			wantErr(t, err, tt.kind, tt.says)
		})
	}
	// Nothing was half-written: no product exists.
	ps, page, err := f.svc.ListProducts(admin(), ListQuery{IncludeInactive: true})
	if err != nil || len(ps) != 0 || page.Total != 0 {
		t.Fatalf("after failed creates: %d products, total %d, %v", len(ps), page.Total, err)
	}
}

func TestCreateGetUpdateDelete(t *testing.T) {
	f := newFixture(t)
	mugs, cups := f.category("Mugs", 0), f.category("Cups", 0)
	created, err := f.svc.CreateProduct(admin(), NewProduct{
		Name: "  Blue mug ", Description: "A sturdy mug", PictureURL: "https://img.example.com/mug.png",
		Price: money.New(1250, "usd"), CategoryIDs: []int64{cups.ID, mugs.ID, cups.ID}, InitialStock: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := Product{
		ID: created.ID, Name: "Blue mug", Description: "A sturdy mug", PictureURL: "https://img.example.com/mug.png",
		Price: usd(1250), CategoryIDs: []int64{mugs.ID, cups.ID}, Status: StatusActive, StockAvailable: 7, Version: 1,
	}
	ignoreTimes := cmpopts.IgnoreFields(Product{}, "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, created, ignoreTimes); diff != "" {
		t.Fatalf("created (-want +got):\n%s", diff)
	}
	got, err := f.svc.GetProduct(context.Background(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	// Only the set fields change; the version increases.
	updated, err := f.svc.UpdateProduct(admin(), created.ID, ProductUpdate{
		Name: ptr("Big blue mug"), Price: ptr(usd(1500)), SetCategories: true, CategoryIDs: []int64{cups.ID}, Status: StatusInactive,
	})
	if err != nil {
		t.Fatal(err)
	}
	want.Name, want.Price, want.CategoryIDs, want.Status, want.Version = "Big blue mug", usd(1500), []int64{cups.ID}, StatusInactive, 2
	if diff := cmp.Diff(want, updated, ignoreTimes); diff != "" {
		t.Errorf("updated (-want +got):\n%s", diff)
	}
	if got, _ := f.svc.GetProduct(context.Background(), created.ID); got.Version != 2 || got.Name != "Big blue mug" {
		t.Errorf("get after update served %q version %d, want the update (cache not invalidated?)", got.Name, got.Version)
	}
	_, err = f.svc.UpdateProduct(admin(), created.ID, ProductUpdate{})
	wantErr(t, err, apperr.InvalidArgument, "nothing to update")
	_, err = f.svc.UpdateProduct(admin(), created.ID, ProductUpdate{Price: ptr(money.New(10, "JPY"))})
	wantErr(t, err, apperr.InvalidArgument, "USD")
	_, err = f.svc.UpdateProduct(admin(), created.ID, ProductUpdate{SetCategories: true, CategoryIDs: []int64{404}})
	wantErr(t, err, apperr.NotFound, "category 404")
	if got, _ := f.svc.GetProduct(context.Background(), created.ID); got.Version != 2 {
		t.Errorf("a refused update changed the product: version %d", got.Version)
	}
	_, err = f.svc.UpdateProduct(admin(), 4040, ProductUpdate{Name: ptr("x")})
	wantErr(t, err, apperr.NotFound, "product 4040")

	// Delete hides the product; a repeat succeeds; an unknown id does not.
	if err := f.svc.DeleteProduct(admin(), created.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GetProduct(context.Background(), created.ID)
	wantErr(t, err, apperr.NotFound, "does not exist")
	if err := f.svc.DeleteProduct(admin(), created.ID); err != nil {
		t.Errorf("repeated delete: %v", err)
	}
	wantErr(t, f.svc.DeleteProduct(admin(), 4040), apperr.NotFound, "product 4040")
	_, err = f.svc.UpdateProduct(admin(), created.ID, ProductUpdate{Name: ptr("back")})
	wantErr(t, err, apperr.NotFound)
	// Its category can now be deleted.
	if err := f.svc.DeleteCategory(admin(), cups.ID); err != nil {
		t.Errorf("delete the category of a deleted product: %v", err)
	}
}

func TestCreateProductIdempotent(t *testing.T) {
	f := newFixture(t)
	np := NewProduct{Name: "Kettle", Price: usd(3000), InitialStock: 5, IdempotencyKey: "create-kettle-1"}
	first, err := f.svc.CreateProduct(admin(), np)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.CreateProduct(admin(), np)
	if err != nil || again.ID != first.ID {
		t.Fatalf("repeat: id %d, %v; want id %d", again.ID, err, first.ID)
	}
	np.Price = usd(3100)
	_, err = f.svc.CreateProduct(admin(), np)
	wantErr(t, err, apperr.FailedPrecondition, "already used")
	if _, page, _ := f.svc.ListProducts(admin(), ListQuery{}); page.Total != 1 {
		t.Errorf("%d products, want 1", page.Total)
	}
}

func TestBatchGetProducts(t *testing.T) {
	f := newFixture(t)
	a, b, c := f.product("A", 100, 1), f.product("B", 200, 1), f.product("C", 300, 1)
	if err := f.svc.DeleteProduct(admin(), b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.GetProduct(context.Background(), c.ID); err != nil { // c is cached, a is not
		t.Fatal(err)
	}
	got, missing, err := f.svc.BatchGetProducts(context.Background(), []int64{c.ID, 999, a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{c.ID, a.ID}, ids(got)); diff != "" {
		t.Errorf("products (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{999, b.ID}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	_, _, err = f.svc.BatchGetProducts(context.Background(), []int64{1, -1})
	wantErr(t, err, apperr.InvalidArgument, "ids must be positive")
}

func TestBatchGetOneQuery(t *testing.T) {
	f := newFixture(t)
	var want []int64
	for i := range 5 {
		want = append(want, f.product(strings.Repeat("p", i+1), 100, 1).ID)
	}
	queries := countQueries(t, f)
	got, _, err := f.svc.BatchGetProducts(context.Background(), want)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := queries(); n != 1 {
		t.Errorf("BatchGetProducts of 5 uncached products ran %d queries, want 1", n)
	}
}

func TestListProducts(t *testing.T) {
	f := newFixture(t)
	kitchen := f.category("Kitchen", 0)
	mugs := f.category("Mugs", kitchen.ID)
	garden := f.category("Garden", 0)
	p1 := f.product("Mug one", 500, 1, mugs.ID)
	p2 := f.product("Pan", 2500, 1, kitchen.ID)
	p3 := f.product("Rake", 1500, 1, garden.ID)
	p4 := f.product("Mug two", 500, 1, mugs.ID, garden.ID)
	p5, err := f.svc.CreateProduct(admin(), NewProduct{Name: "Hidden mug", Price: usd(100), CategoryIDs: []int64{mugs.ID}, Status: StatusInactive})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    ListQuery
		want []int64
	}{
		{"newest", ListQuery{}, []int64{p4.ID, p3.ID, p2.ID, p1.ID}},
		{"price asc, ties by id", ListQuery{Sort: SortPriceAsc}, []int64{p1.ID, p4.ID, p3.ID, p2.ID}},
		{"price desc", ListQuery{Sort: SortPriceDesc}, []int64{p2.ID, p3.ID, p4.ID, p1.ID}},
		{"category with subcategories", ListQuery{CategoryID: kitchen.ID}, []int64{p4.ID, p2.ID, p1.ID}},
		{"leaf category", ListQuery{CategoryID: mugs.ID, Sort: SortPriceAsc}, []int64{p1.ID, p4.ID}},
		{"inactive too", ListQuery{CategoryID: mugs.ID, IncludeInactive: true}, []int64{p5.ID, p4.ID, p1.ID}},
	}
	for _, tt := range tests {
		for _, size := range []int32{1, 2, 3, 100} {
			q := tt.q
			q.Page.Size = size
			got, total := listAll(t, f, q)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s, pages of %d (-want +got):\n%s", tt.name, size, diff)
			}
			if total != int64(len(tt.want)) {
				t.Errorf("%s: total %d, want %d", tt.name, total, len(tt.want))
			}
		}
	}

	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{IncludeInactive: true})
	wantErr(t, err, apperr.PermissionDenied, "include_inactive is for admins")
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{CategoryID: 404})
	wantErr(t, err, apperr.NotFound, "category 404")
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{Sort: 7})
	wantErr(t, err, apperr.InvalidArgument, "not a product order")
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{Page: Page{Size: -1}})
	wantErr(t, err, apperr.InvalidArgument, "page_size must be 1 to 100")
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{Page: Page{Size: 101}})
	wantErr(t, err, apperr.InvalidArgument, "page_size must be 1 to 100", "got 101")
	_, _, err = f.svc.SearchProducts(context.Background(), SearchQuery{Query: "mug", Page: Page{Size: 101}})
	wantErr(t, err, apperr.InvalidArgument, "page_size must be 1 to 100")

	// A token belongs to its request.
	_, page, err := f.svc.ListProducts(context.Background(), ListQuery{Page: Page{Size: 1}})
	if err != nil || page.NextToken == "" {
		t.Fatalf("first page: %+v %v", page, err)
	}
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{Sort: SortPriceAsc, Page: Page{Size: 1, Token: page.NextToken}})
	wantErr(t, err, apperr.InvalidArgument, "page_token")
	_, _, err = f.svc.ListProducts(context.Background(), ListQuery{Page: Page{Token: "garbage!"}})
	wantErr(t, err, apperr.InvalidArgument, "page_token")
}

// listAll follows the pages of a listing and returns the ids and the
// total of the first page.
func listAll(t *testing.T, f *fixture, q ListQuery) ([]int64, int64) {
	t.Helper()
	return allPages(t, func(token string) ([]Product, PageInfo, error) {
		q.Page.Token = token
		return f.svc.ListProducts(admin(), q)
	})
}
