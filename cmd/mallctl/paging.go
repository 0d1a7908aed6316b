package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
)

// pageFlags are the flags of a listing: which page, of what size.
type pageFlags struct {
	page int
	size int
}

// register adds -page and -size to fs.
func (p *pageFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&p.page, "page", 1, "the page `number` to show, from 1")
	fs.IntVar(&p.size, "size", 20, "items per page (1-100)")
}

// check validates the flags.
func (p *pageFlags) check() error {
	if p.page < 1 || p.size < 1 || p.size > 100 {
		return fmt.Errorf("-page must be 1 or more and -size 1 to 100")
	}
	return nil
}

// fetchPage returns page p of a listing whose pages are chained by opaque
// tokens: it follows the tokens from the first page. fetch returns one
// page for a token ("" for the first).
func fetchPage[T any](p pageFlags, fetch func(req *common.PageRequest) (T, *common.PageResponse, error)) (T, *common.PageResponse, error) {
	req := &common.PageRequest{PageSize: int32(p.size)}
	for n := 1; ; n++ {
		items, page, err := fetch(req)
		if err != nil || n == p.page {
			return items, page, err
		}
		if page.GetNextPageToken() == "" {
			var none T
			return none, nil, fmt.Errorf("there is no page %d: the listing has %d", p.page, n)
		}
		req = &common.PageRequest{PageSize: int32(p.size), PageToken: page.GetNextPageToken()}
	}
}

// printPageFooter says where the page sits and how to see the next; one
// and many name the items.
func printPageFooter(w io.Writer, p pageFlags, page *common.PageResponse, one, many string) {
	total := page.GetTotal()
	pages := (total + int64(p.size) - 1) / int64(p.size)
	if pages == 0 {
		pages = 1
	}
	noun := many
	if total == 1 {
		noun = one
	}
	fmt.Fprintf(w, "page %d of %d (%d %s)", p.page, pages, total, noun)
	if page.GetNextPageToken() != "" {
		fmt.Fprintf(w, "; next: add -page %d", p.page+1)
	}
	fmt.Fprintln(w)
}
