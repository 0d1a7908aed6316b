package product

import (
	"context"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// SearchQuery is a keyword search.
type SearchQuery struct {
	// Query is words and/or CJK text; see tokenize.go for matching.
	Query string
	// CategoryID keeps the products of a category and its subcategories;
	// 0 keeps all.
	CategoryID int64
	Page       Page
}

// MaxQueryRunes bounds a search query.
const MaxQueryRunes = 200

// SearchProducts returns a page of the active products matching any term
// of the query, best match first: a term found in the name counts more
// than one found in the description only.
func (s *Service) SearchProducts(ctx context.Context, q SearchQuery) ([]Product, PageInfo, error) {
	size, err := q.Page.pageSize()
	if err != nil {
		return nil, PageInfo{}, err
	}
	query, err := text.Clean("query", q.Query, text.Rule{Min: 1, Max: MaxQueryRunes})
	if err != nil {
		return nil, PageInfo{}, err
	}
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, PageInfo{}, apperr.InvalidArgf("query %s has no word to search for: use words of two or more letters, numbers, or Chinese/Japanese/Korean characters", text.Quote(query))
	}
	cats, err := s.categoryFilter(ctx, q.CategoryID)
	if err != nil {
		return nil, PageInfo{}, err
	}
	filter := fingerprint("search", strings.Join(terms, " "), q.CategoryID)
	after, err := q.Page.after(filter)
	if err != nil {
		return nil, PageInfo{}, err
	}
	rows, total, err := s.store.Search(ctx, searchQuery{terms: terms, categoryIDs: cats, after: after, limit: size})
	if err != nil {
		return nil, PageInfo{}, err
	}
	rows, next := pageOf(rows, size, filter, func(r scoredRow) (int64, int64) { return r.Product.ID, r.Score })
	products := make([]Product, len(rows))
	for i, r := range rows {
		products[i] = productOf(r.Product)
	}
	return products, PageInfo{NextToken: next, Total: total}, nil
}
