package product

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/paging"
)

// Sort orders a product listing; as wide as the proto enum (see Status).
type Sort int32

// Listing orders; the numbers are the proto enum's.
const (
	// SortNewest lists the most recently created products first.
	SortNewest Sort = 1
	// SortPriceAsc lists the cheapest first.
	SortPriceAsc Sort = 2
	// SortPriceDesc lists the most expensive first.
	SortPriceDesc Sort = 3
)

// Page asks for one page of a listing.
type Page struct {
	// Size is the number of items, read by paging.Size: 0 means
	// paging.DefaultSize, and sizes outside 0 to paging.MaxSize are
	// refused.
	Size int32
	// Token is the NextToken of the previous page; empty for the first.
	Token string
}

// PageInfo says where a page sits.
type PageInfo struct {
	// NextToken asks for the next page; empty on the last page.
	NextToken string
	// Total is the number of items over all pages.
	Total int64
}

// pageToken is the content of an opaque page token: the position of the
// last item of the previous page (keyset pagination, so that inserts and
// deletes do not shift pages) and a fingerprint of the request it belongs
// to.
type pageToken struct {
	// Filter fingerprints the request's filters and order.
	Filter string `json:"f"`
	// ID and Key are the last item's id and sort key (price or score).
	ID  int64 `json:"i"`
	Key int64 `json:"k,omitempty"`
}

// ErrBadPageToken is returned for a token that is not from a previous
// page of the same request.
var ErrBadPageToken = apperr.New(apperr.InvalidArgument,
	"page_token does not belong to this request (filters or order changed, or it was altered); start again without it")

// fingerprint identifies a listing request's filters and order.
func fingerprint(parts ...any) string {
	h := fnv.New64a()
	fmt.Fprint(h, parts...)
	return fmt.Sprintf("%x", h.Sum64())
}

// encode returns the opaque form of the token.
func (t pageToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pageSize returns the effective size of p or an InvalidArgument.
func (p Page) pageSize() (int, error) { return paging.Size(p.Size) }

// after decodes p's token for a request with the given filter
// fingerprint; nil for the first page.
func (p Page) after(filter string) (*pageToken, error) {
	if p.Token == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Token)
	if err != nil {
		return nil, ErrBadPageToken
	}
	var t pageToken
	if err := json.Unmarshal(b, &t); err != nil || t.Filter != filter || t.ID <= 0 {
		return nil, ErrBadPageToken
	}
	return &t, nil
}

// pageOf trims rows read with limit+1 to the page and returns the token of
// the next page, built from the last row's id and sort key.
func pageOf[T any](rows []T, limit int, filter string, key func(T) (id, sortKey int64)) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	rows = rows[:limit]
	id, k := key(rows[limit-1])
	return rows, pageToken{Filter: filter, ID: id, Key: k}.encode()
}
