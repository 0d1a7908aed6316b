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

// Page sizes.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// Page is a decoded page request.
type Page struct {
	Offset int
	Size   int
}

// Parse decodes a page size and token.
func Parse(size int32, token string) (Page, error) {
	p := Page{Size: int(size)}
	switch {
	case size < 0 || size > MaxSize:
		return p, apperr.InvalidArgf("page_size must be between 0 and %d", MaxSize)
	case size == 0:
		p.Size = DefaultSize
	}
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
