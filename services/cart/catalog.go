package cart

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/internal/money"
)

// ProductCatalog implements Catalog with the product service's
// BatchGetProducts, called with the cart service's own (service)
// credential.
type ProductCatalog struct {
	Client productservice.Client
}

var _ Catalog = ProductCatalog{}

// Products returns the products of ids that exist and are not deleted.
func (c ProductCatalog) Products(ctx context.Context, ids []int64) (map[int64]Product, error) {
	resp, err := c.Client.BatchGetProducts(ctx, &product.BatchGetProductsRequest{Ids: ids})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Product, len(resp.GetProducts()))
	for _, p := range resp.GetProducts() {
		out[p.GetId()] = Product{
			ID:             p.GetId(),
			Name:           p.GetName(),
			PictureURL:     p.GetPictureUrl(),
			Price:          money.New(p.GetPrice().GetAmount(), p.GetPrice().GetCurrency()),
			Active:         p.GetStatus() == product.ProductStatus_PRODUCT_STATUS_ACTIVE,
			StockAvailable: p.GetStockAvailable(),
		}
	}
	return out, nil
}
