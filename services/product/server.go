package product

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
)

// Register adds the product service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return productservice.RegisterService(svr, h) }
