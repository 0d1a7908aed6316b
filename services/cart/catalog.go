package cart

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// ProductCatalog implements Catalog with the product service's
// BatchGetProducts, called with the cart service's own (service)
// credential.
type ProductCatalog struct {
	Client productservice.Client
}

var _ Catalog = ProductCatalog{}

// Products returns the products of ids that exist and are not deleted.
func (c ProductCatalog) Products(ctx context.Context, ids []int64) (map[int64]commerce.Product, error) {
	resp, err := c.Client.BatchGetProducts(ctx, &product.BatchGetProductsRequest{Ids: ids})
	if err != nil {
		return nil, err
	}
	return protoconv.Products(resp.GetProducts()), nil
}
