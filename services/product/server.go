package product

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
)

// PublicMethods need no token: the catalog is open to anonymous shoppers.
var PublicMethods = []string{"GetProduct", "BatchGetProducts", "ListProducts", "SearchProducts", "GetCategory", "ListCategories"}

// InternalMethods accept the service role only: the order life cycle
// moves stock through them.
var InternalMethods = []string{"ReserveStock", "ReleaseStock", "CommitStock", "ReturnStock"}

// Register adds the product service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return productservice.RegisterService(svr, h) }
