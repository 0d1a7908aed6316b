package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/clients"
)

// runProducts lists or searches the catalog (public: no login needed).
func runProducts(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "products", args, []subcommand{
		{"list", runProductsList},
		{"search", runProductsSearch},
	}, "list")
}

// runProduct shows one product.
func runProduct(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "product", args, []subcommand{{"get", runProductGet}}, "")
}

// productSort maps the -sort flag's values to the contract's orders.
func productSort(s string) (product.ProductSort, error) {
	switch strings.ToLower(s) {
	case "", "newest":
		return product.ProductSort_PRODUCT_SORT_NEWEST, nil
	case "price", "price-asc":
		return product.ProductSort_PRODUCT_SORT_PRICE_ASC, nil
	case "price-desc":
		return product.ProductSort_PRODUCT_SORT_PRICE_DESC, nil
	}
	return 0, fmt.Errorf("-sort %q: want newest, price or price-desc", s)
}

func runProductsList(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("products [list] [-category C] [-sort newest|price|price-desc] [-page N] [-size N] [-json]")
	sortBy := fs.String("sort", "newest", "`order`: newest, price (cheapest first) or price-desc")
	q := productQuery{one: "product", many: "products"}
	q.register(fs)
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	order, err := productSort(*sortBy)
	if err != nil {
		return c.usageErr(fs, "%v", err)
	}
	if err := q.page.check(); err != nil {
		return c.usageErr(fs, "%v", err)
	}
	return c.showProducts(ctx, q, func(cl *clients.Clients, categoryID int64, p *common.PageRequest) ([]*product.Product, *common.PageResponse, error) {
		resp, err := cl.Product.ListProducts(ctx, &product.ListProductsRequest{Page: p, CategoryId: categoryID, Sort: order})
		return resp.GetProducts(), resp.GetPage(), err
	})
}

func runProductsSearch(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("products search QUERY [-category C] [-page N] [-size N] [-json]")
	q := productQuery{one: "match", many: "matches"}
	q.register(fs)
	pos, err := c.parse(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if err := q.page.check(); err != nil {
		return c.usageErr(fs, "%v", err)
	}
	text := strings.Join(pos, " ")
	return c.showProducts(ctx, q, func(cl *clients.Clients, categoryID int64, p *common.PageRequest) ([]*product.Product, *common.PageResponse, error) {
		resp, err := cl.Product.SearchProducts(ctx, &product.SearchProductsRequest{Query: text, Page: p, CategoryId: categoryID})
		return resp.GetProducts(), resp.GetPage(), err
	})
}

// productQuery holds the flags every product listing has.
type productQuery struct {
	category  string
	asJSON    bool
	page      pageFlags
	one, many string // what the items are called in the page footer
}

// register adds -category, -json, -page and -size to fs.
func (q *productQuery) register(fs *flag.FlagSet) {
	fs.StringVar(&q.category, "category", "", "only this category (`name or id`) and its subcategories")
	fs.BoolVar(&q.asJSON, "json", false, "print JSON")
	q.page.register(fs)
}

// showProducts fetches the page of a product listing that q asks for and
// prints it; fetch returns one page of the listing in a category (0: all).
func (c *cli) showProducts(ctx context.Context, q productQuery,
	fetch func(cl *clients.Clients, categoryID int64, p *common.PageRequest) ([]*product.Product, *common.PageResponse, error),
) error {
	cl, err := c.rpc()
	if err != nil {
		return err
	}
	names, err := c.categoryNames(ctx)
	if err != nil {
		return err
	}
	categoryID, err := resolveCategory(q.category, names)
	if err != nil {
		return err
	}
	products, page, err := fetchPage(q.page, func(p *common.PageRequest) ([]*product.Product, *common.PageResponse, error) {
		return fetch(cl, categoryID, p)
	})
	if err != nil {
		return err
	}
	if q.asJSON {
		return printJSON(c.out, products)
	}
	c.printProducts(products, names)
	printPageFooter(c.out, q.page, page, q.one, q.many)
	return nil
}

func runProductGet(ctx context.Context, c *cli, args []string) error {
	var names map[int64]string
	return runGet(ctx, c, args, "product get ID [-json]", asAnyone,
		func(ctx context.Context, cl *clients.Clients, arg string) (*product.Product, error) {
			id, err := parseID(arg, "product id")
			if err != nil {
				return nil, err
			}
			resp, err := cl.Product.GetProduct(ctx, &product.GetProductRequest{Id: id})
			if err != nil {
				return nil, err
			}
			names, err = c.categoryNames(ctx)
			return resp.GetProduct(), err
		},
		func(p *product.Product) { c.printProduct(p, names) })
}

// printProduct prints one product's details.
func (c *cli) printProduct(p *product.Product, names map[int64]string) {
	printFields(c.out,
		"product", fmt.Sprintf("#%d %s", p.GetId(), p.GetName()),
		"price", fmtMoney(p.GetPrice()),
		"in stock", strconv.FormatInt(p.GetStockAvailable(), 10),
		"status", enumName(p.GetStatus(), "PRODUCT_STATUS_"),
		"categories", categoryList(p.GetCategoryIds(), names),
		"description", p.GetDescription(),
		"picture", p.GetPictureUrl(),
		"created", fmtTime(p.GetCreatedAt()),
		"updated", fmtTime(p.GetUpdatedAt()),
	)
}

// printProducts prints products as a table.
func (c *cli) printProducts(products []*product.Product, names map[int64]string) {
	if len(products) == 0 {
		fmt.Fprintln(c.out, "no products")
		return
	}
	t := newTable(c.out)
	fmt.Fprintln(t, "ID\tNAME\tPRICE\tIN STOCK\tCATEGORY")
	for _, p := range products {
		fmt.Fprintf(t, "%d\t%s\t%s\t%d\t%s\n", p.GetId(), p.GetName(), fmtMoney(p.GetPrice()),
			p.GetStockAvailable(), categoryList(p.GetCategoryIds(), names))
	}
	_ = t.Flush()
}

// categoryNames returns the names of every category, by id.
func (c *cli) categoryNames(ctx context.Context) (map[int64]string, error) {
	cl, err := c.rpc()
	if err != nil {
		return nil, err
	}
	resp, err := cl.Product.ListCategories(ctx, &product.ListCategoriesRequest{})
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(resp.GetCategories()))
	for _, cat := range resp.GetCategories() {
		names[cat.GetId()] = cat.GetName()
	}
	return names, nil
}

// resolveCategory reads a category given by id or by name (any case); ""
// is 0, no category.
func resolveCategory(s string, names map[int64]string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		return id, nil
	}
	var known []string
	for id, name := range names {
		if strings.EqualFold(name, s) {
			return id, nil
		}
		known = append(known, name)
	}
	sort.Strings(known)
	return 0, fmt.Errorf("no category %q; categories: %s", s, strings.Join(known, ", "))
}

// categoryList formats category ids by name.
func categoryList(ids []int64, names map[int64]string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if n, ok := names[id]; ok {
			out[i] = n
		} else {
			out[i] = "#" + strconv.FormatInt(id, 10)
		}
	}
	return strings.Join(out, ", ")
}

// parseID reads a positive numeric id.
func parseID(s, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive number", what, s)
	}
	return id, nil
}
