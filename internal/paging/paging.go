// Package paging reads page requests and writes page responses of the
// contract's listings: offset pages behind an opaque token.
package paging

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/internal/apperr"
)

// Page sizes of every listing (common.PageRequest.page_size).
const (
	// DefaultSize is the size of a page whose request says 0.
	DefaultSize = 20
	// MaxSize is the largest page size a request may ask for.
	MaxSize = 100
)

// Size returns the number of items a page request's size asks for:
// DefaultSize for 0, the size itself up to MaxSize, and an InvalidArgument
// for a negative size or one above MaxSize. Every listing reads its page
// size through it.
func Size(size int32) (int, error) {
	switch {
	case size < 0 || size > MaxSize:
		return 0, apperr.InvalidArgf("page_size must be 1 to %d, or 0 for the default of %d; got %d", MaxSize, DefaultSize, size)
	case size == 0:
		return DefaultSize, nil
	}
	return int(size), nil
}

// Page is a decoded page request.
type Page struct {
	Offset int
	Size   int
}

// Parse decodes a page size (see Size) and an offset token.
func Parse(size int32, token string) (Page, error) {
	n, err := Size(size)
	if err != nil {
		return Page{}, err
	}
	p := Page{Size: n}
	if token == "" {
		return p, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	off, convErr := strconv.Atoi(strings.TrimPrefix(string(raw), "o:"))
	if err != nil || convErr != nil || !strings.HasPrefix(string(raw), "o:") || off < 0 {
		return p, apperr.InvalidArgf("page_token is not a token from a previous page")
	}
	p.Offset = off
	return p, nil
}

// Token encodes the offset of a page.
func Token(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(offset)))
}

// Response describes the page after one of n items out of total.
func (p Page) Response(n int, total int64) *common.PageResponse {
	r := &common.PageResponse{Total: total}
	if next := p.Offset + n; n == p.Size && int64(next) < total {
		r.NextPageToken = Token(next)
	}
	return r
}
