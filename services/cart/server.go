package cart

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
)

// Register adds the cart service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return cartservice.RegisterService(svr, h) }
