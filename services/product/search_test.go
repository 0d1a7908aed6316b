package product

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestQueryTerms(t *testing.T) {
	tests := []struct {
		query string
		want  []string
	}{
		{"Blue MUGS", []string{"blue", "mug"}},
		{"glass, glasses & a cup", []string{"glass", "glasse", "cup"}},
		{"iPhone 15 Pro", []string{"iphone", "15", "pro"}},
		{"手机", []string{"手机"}},
		{"智能手机", []string{"智能", "能手", "手机"}},
		{"杯", []string{"杯"}},
		{"蓝色 mug杯子", []string{"蓝色", "mug", "杯子"}},
		{"café crème", []string{"café", "crème"}},
		{"!!! ?", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, queryTerms(tt.query)); diff != "" {
			t.Errorf("queryTerms(%q) (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestDocumentTerms(t *testing.T) {
	got := documentTerms("智能手机 Phones")
	var terms []string
	for term := range got {
		terms = append(terms, term)
	}
	slices.Sort(terms)
	want := []string{"phone", "手", "手机", "智", "智能", "能", "能手", "机"}
	slices.Sort(want)
	if diff := cmp.Diff(want, terms); diff != "" {
		t.Errorf("documentTerms (-want +got):\n%s", diff)
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	kitchen := f.category("Kitchen", 0)
	phones := f.category("Phones", 0)
	mug := f.product("Blue mug|A sturdy stoneware mug", 1200, 5, kitchen.ID)
	set := f.product("Coffee set|Two cups and a blue mug on a tray", 3000, 5, kitchen.ID)
	plate := f.product("Blue plate|Dinner plate", 900, 5, kitchen.ID)
	phone := f.product("智能手机 X1|大屏幕，超长续航", 99900, 5, phones.ID)
	caseP := f.product("手机壳|适用于智能手机的保护壳", 1900, 5, phones.ID)
	cup := f.product("陶瓷杯子|蓝色的杯子，适合咖啡", 2500, 5, kitchen.ID)
	hidden, err := f.svc.CreateProduct(admin(), NewProduct{Name: "Hidden mug", Price: usd(100), Status: StatusInactive})
	if err != nil {
		t.Fatal(err)
	}
	gone := f.product("Old mug", 100, 1)
	if err := f.svc.DeleteProduct(admin(), gone.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		query    string
		category int64
		want     []int64
	}{
		// Name matches first, then description matches; ties newest first.
		{"english word", "mug", 0, []int64{mug.ID, set.ID}},
		{"plural", "MUGS", 0, []int64{mug.ID, set.ID}},
		{"two words rank by matches", "blue mug", 0, []int64{mug.ID, plate.ID, set.ID}},
		{"chinese word in names", "手机", 0, []int64{caseP.ID, phone.ID}},
		{"chinese phrase", "智能手机", 0, []int64{phone.ID, caseP.ID}},
		{"chinese description only", "续航", 0, []int64{phone.ID}},
		{"single character", "杯", 0, []int64{cup.ID}},
		{"chinese description and name", "蓝色杯子", 0, []int64{cup.ID}},
		{"category filter", "blue", phones.ID, nil},
		{"category filter keeps", "手机", phones.ID, []int64{caseP.ID, phone.ID}},
		{"no match", "bicycle", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, size := range []int32{1, 2, 20} {
				got, total := searchAll(t, f, SearchQuery{Query: tt.query, CategoryID: tt.category, Page: Page{Size: size}})
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("search %q, pages of %d (-want +got):\n%s", tt.query, size, diff)
				}
				if total != int64(len(tt.want)) {
					t.Errorf("search %q: total %d, want %d", tt.query, total, len(tt.want))
				}
			}
		})
	}
	if got, _ := searchAll(t, f, SearchQuery{Query: "hidden"}); len(got) != 0 || hidden.ID == 0 {
		t.Errorf("inactive product found: %v", got)
	}

	// Renaming re-indexes.
	if _, err := f.svc.UpdateProduct(admin(), plate.ID, ProductUpdate{Name: ptr("盘子"), Description: ptr("白色")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := searchAll(t, f, SearchQuery{Query: "plate"}); len(got) != 0 {
		t.Errorf("old name still found: %v", got)
	}
	if got, _ := searchAll(t, f, SearchQuery{Query: "盘子"}); !cmp.Equal(got, []int64{plate.ID}) {
		t.Errorf("new name: got %v, want [%d]", got, plate.ID)
	}

	_, _, err = f.svc.SearchProducts(context.Background(), SearchQuery{Query: "  "})
	wantErr(t, err, apperr.InvalidArgument, "query is required")
	_, _, err = f.svc.SearchProducts(context.Background(), SearchQuery{Query: "a !"})
	wantErr(t, err, apperr.InvalidArgument, "no word to search for")
	_, page, err := f.svc.SearchProducts(context.Background(), SearchQuery{Query: "mug", Page: Page{Size: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.SearchProducts(context.Background(), SearchQuery{Query: "cup", Page: Page{Size: 1, Token: page.NextToken}})
	wantErr(t, err, apperr.InvalidArgument, "page_token")
}

// searchAll follows the pages of a search and returns the ids and the
// total of the first page.
func searchAll(t *testing.T, f *fixture, q SearchQuery) ([]int64, int64) {
	t.Helper()
	return allPages(t, func(token string) ([]Product, PageInfo, error) {
		q.Page.Token = token
		return f.svc.SearchProducts(context.Background(), q)
	})
}
